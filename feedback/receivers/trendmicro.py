"""Trend Micro (InterScan Messaging Security, Hosted Email Security / Email Security; *.trendmicro.com, *.trendmicro.eu).

Trend Micro's gateways answer for their customers' domains. Its own replies
refuse the sending IP through Email Reputation Services: the standard list
(RBL+) refuses with 550 ("550 Mail from 192.0.2.1 refused by
rbl-plus.mail-abuse.org", "Client host [...] blocked using Trend Micro RBL+";
https://success.trendmicro.com/solution/1097055-frequently-asked-questions-faqs-about-messages-blocked-by-email-reputation-services-ers),
the dynamic list (QIL) defers with 450 ("deferred using Trend Micro Email
Reputation database"; https://success.trendmicro.com/en-US/solution/KA-0001346).
InterScan refuses a domain it does not relay for with "550 Domain of
forward-path is not allowed"
(https://success.trendmicro.com/dcx/s/solution/1106332).
"""

from __future__ import annotations

from .base import Receiver, Rule

ERS = (
    "https://success.trendmicro.com/solution/"
    "1097055-frequently-asked-questions-faqs-about-messages-blocked-by-email-reputation-services-ers"
)
QIL = "https://success.trendmicro.com/en-US/solution/KA-0001346"
RELAY = "https://success.trendmicro.com/dcx/s/solution/1106332"

RULES: tuple[Rule, ...] = (
    Rule(r"rbl-plus\.mail-abuse\.org|trend micro rbl\+", "blocked", ERS),
    Rule(r"trend micro email reputation", "blocked", QIL),
    Rule(r"domain of forward-path is not allowed", "norelaying", RELAY),
)

RECEIVER = Receiver(
    name="trendmicro",
    hosts=("trendmicro.com", "trendmicro.eu"),
    domains=(),
    rules=RULES,
    markers=("trend micro rbl+", "trend micro email reputation", "rbl-plus.mail-abuse.org"),
    source=ERS,
)
