"""Barracuda (Email Security Gateway appliances and the Email Security Service, *.ess.barracudanetworks.com).

Barracuda answers for its customers' domains. Three replies are its own:
the Barracuda Reputation Block List refusal of the sending IP ("Client host
blocked using Barracuda Reputation, http://www.barracudanetworks.com/reputation/?ip=..."
or "... b.barracudacentral.org"; https://www.barracudacentral.org/rbl), the
Spam Firewall's content refusal "550 5.7.1 Message content rejected, UBE,
id=..." (UBE: unsolicited bulk email; Sisimai Lhost/Barracuda.pm) and the
Email Security Service's "550 permanent failure for one or more recipients
(x@example.com:blocked)", a refusal by the recipient organisation's policy
that says nothing about the address. Barracuda's SMTP code page
(https://campus.barracuda.com/doc/39815000) only lists the generic codes.
"""

from __future__ import annotations

from .base import Receiver, Rule

BRBL = "https://www.barracudacentral.org/rbl"
SISIMAI = "Sisimai Lhost/Barracuda.pm (Barracuda Spam Firewall replies)"
ESS = (
    "https://campus.barracuda.com/product/essentials/doc/169287426/email-cache-policies; "
    "https://www.suped.com/knowledge/email-deliverability/troubleshooting/"
    "what-causes-bounces-from-barracuda-based-domains-and-how-to-resolve-them"
)

RULES: tuple[Rule, ...] = (
    Rule(r"barracuda reputation|barracudanetworks\.com/reputation|b\.barracudacentral\.org", "blocked", BRBL),
    Rule(r"message content rejected, ube\b", "spamdetected", SISIMAI),
    Rule(r"permanent failure for one or more recipients \([^)]*:blocked\)", "filtered", ESS),
)

RECEIVER = Receiver(
    name="barracuda",
    hosts=("barracudanetworks.com",),
    domains=(),
    rules=RULES,
    markers=("barracudanetworks.com/reputation",),
    source=BRBL,
)
