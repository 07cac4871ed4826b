"""Proofpoint (Protection Server and Essentials; MX hosts *.pphosted.com, *.ppe-hosted.com).

Proofpoint answers for its customers' domains. Its refusals of a sending IP
by Proofpoint Dynamic Reputation carry a link to its IP check:
"554 Blocked - see https://ipcheck.proofpoint.com/?ip=192.0.2.1" (the IP is
blocked because spam came from it) and "421 Deferred - see
https://ipcheck.proofpoint.com/?ip=... IP_REPUTATION" (delayed for the IP's
reputation); the FAQ https://www.proofpoint.com/us/support-services/ip-blocked-faq
explains both. Other Proofpoint replies are the customer's own texts and are
left to the generic tables.
"""

from __future__ import annotations

from .base import Receiver, Rule

FAQ = "https://www.proofpoint.com/us/support-services/ip-blocked-faq"

RULES: tuple[Rule, ...] = (
    Rule(r"\bblocked - see https?://ipcheck\.proofpoint\.com", "blocked", FAQ),
    Rule(r"\bdeferred - see https?://ipcheck\.proofpoint\.com|\bip_reputation\b", "badreputation", FAQ),
    Rule(r"ipcheck\.proofpoint\.com", "blocked", FAQ),
)

RECEIVER = Receiver(
    name="proofpoint",
    hosts=("pphosted.com", "ppe-hosted.com"),
    domains=(),
    rules=RULES,
    markers=("ipcheck.proofpoint.com",),
    source=FAQ,
)
