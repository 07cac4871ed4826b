"""Mimecast (secure email gateway; MX hosts *-smtp-inbound-*.mimecast.com and regional domains).

Mimecast answers for its customers' domains, so it is recognised by its MX
host names and by the links and signatures in its replies. Its article
"Mimecast SMTP Error Codes"
(https://community.mimecast.com/s/article/Mimecast-SMTP-Error-Codes-842605754,
indexed by Sisimai Rhost/Mimecast.pm) gives each reply's cause; the reasons
below follow the causes it gives, which are not always the words' first
reading: "503 User unknown" is a bad command sequence, not a missing user, and
"451 Recipient temporarily unavailable" is the sender's IP put on a block list.
Only "550 Invalid recipient" (recipient validation found no such user) says the
address does not exist. Replies about Mimecast customers' outbound mail
(account outbounds disabled, journaling) are left out: we only send to them.
"""

from __future__ import annotations

from .base import Receiver, Rule

PAGE = "https://community.mimecast.com/s/article/Mimecast-SMTP-Error-Codes-842605754 (via Sisimai Rhost/Mimecast.pm)"
KB = "http://kb.mimecast.com/Mimecast_Knowledge_Base/Administration_Console/Monitoring/Mimecast_SMTP_Error_Codes#550"

RULES: tuple[Rule, ...] = (
    Rule(r"\binvalid recipient\b", "userunknown", PAGE),
    # "503 User unknown": bad sequence of commands, or authentication required.
    Rule(r"\b503[ -]user unknown", "syntaxerror", PAGE),
    # "501 Invalid address": not a valid SMTP address.
    Rule(r"\b501[ -]invalid address", "syntaxerror", PAGE),
    Rule(r"(?:spf|dkim|dmarc) sender invalid - envelope rejected", "authfailure", PAGE),
    Rule(r"local ct ip reputation", "badreputation", PAGE),
    Rule(r"poor reputation sender", "badreputation", KB),
    # Greylisting, or the sending IP's poor reputation.
    Rule(r"internal resources are temporarily unavailable", "badreputation", PAGE),
    # The sender's IP: a Blocked Senders policy, too many invalid connections, a block list.
    Rule(r"sender address blocked|ip temporarily blacklisted|recipient temporarily unavailable", "blocked", PAGE),
    # Geographical Restriction policy on the sending network.
    Rule(r"host network not allowed", "blocked", PAGE),
    # A personal block entry of the recipient (Managed Senders).
    Rule(r"envelope blocked \S user (?:domain )?entry|header-based manually blocked senders", "filtered", PAGE),
    Rule(
        r"administrative prohibition envelope blocked|header-based blocked senders"
        r"|envelope rejected - block policy for envelope from",
        "rejected",
        PAGE,
    ),
    Rule(
        r"anti-spoofing policy|message bounced due to content examination policy",
        "policyviolation",
        PAGE,
    ),
    Rule(r"maximum email size exceeded", "mesgtoobig", PAGE),
    Rule(r"mail loop detected", "networkerror", PAGE),
    Rule(r"open relay not allowed", "norelaying", PAGE),
    Rule(r"account inbounds disabled", "notaccept", PAGE),
    Rule(
        r"this route requires (?:encryption|tls version|high-strength ciphers)"
        r"|configuration is invalid for this certificate|incorrect authentication data",
        "securityerror",
        PAGE,
    ),
    Rule(
        r"unable to process (?:connection|command|an email)|message ended early",
        "systemerror",
        PAGE,
    ),
    Rule(r"account service is temporarily unavailable|too many recipients", "toomanyconn", PAGE),
    # A virus signature or a spam score over the maximum (Mimecast does not say which).
    Rule(r"email rejected due to security policies", "virusdetected", PAGE),
)

RECEIVER = Receiver(
    name="mimecast",
    hosts=("mimecast.com", "mimecast.co.za", "mimecast-offshore.com"),
    domains=(),
    rules=RULES,
    markers=("mcspamsignature", "csi.mimecast.org", "community.mimecast.com", "kb.mimecast.com"),
    source=PAGE,
)
