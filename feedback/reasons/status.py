"""RFC 3463 enhanced status codes and what each says by itself.

Source: RFC 3463 section 3 (class, subject, detail) and the IANA "SMTP
Enhanced Status Codes" registry (RFC 5248), which adds 5.1.10 (RFC 7505),
5.7.13-5.7.30 (RFC 7372, RFC 7505, RFC 8098...). A code that only repeats
its class (x.0.0, most x.y.0) is absent: it says nothing beyond "failed".
"""

from __future__ import annotations

# ---------------------------------------------------------------- status codes
# Specific RFC 3463 / IANA registry codes. Generic ones (x.0.0, x.y.0 of most
# subjects) are absent on purpose: they say nothing beyond their class.
STATUS_REASON: dict[str, str] = {
    "1.0": "userunknown",  # 5.1.0 "other address status": in practice a bad mailbox
    "1.1": "userunknown",  # bad destination mailbox address
    "1.2": "hostunknown",  # bad destination system address
    "1.3": "userunknown",  # bad destination mailbox address syntax
    "1.4": "filtered",  # destination mailbox address ambiguous
    "1.6": "hasmoved",  # mailbox has moved, no forwarding address
    "1.7": "rejected",  # bad sender's mailbox address syntax
    "1.8": "rejected",  # bad sender's system address
    "1.9": "systemerror",  # message relayed to non-compliant mailer
    "1.10": "notaccept",  # recipient address has null MX (RFC 7505)
    "2.0": "filtered",
    "2.1": "suspend",  # mailbox disabled, not accepting messages: it exists, switched off
    "2.2": "mailboxfull",
    "2.3": "exceedlimit",  # message length exceeds administrative limit
    "2.4": "filtered",  # mailing list expansion problem
    "3.0": "systemerror",
    "3.1": "systemfull",
    "3.2": "notaccept",  # system not accepting network messages
    "3.3": "systemerror",
    "3.4": "mesgtoobig",
    "3.5": "systemerror",
    "4.0": "networkerror",
    "4.1": "expired",  # no answer from host (retried until the queue gave up)
    "4.2": "networkerror",
    "4.3": "systemerror",  # directory server failure
    "4.4": "hostunknown",  # unable to route (5.4.4); 4.4.4 below
    "4.5": "systemfull",  # mail system congestion
    "4.6": "networkerror",  # routing loop detected
    "4.7": "expired",  # delivery time expired
    "5.3": "toomanyconn",  # too many recipients
    "5.4": "systemerror",
    "5.5": "systemerror",
    "5.6": "securityerror",
    "6.0": "contenterror",
    "6.1": "contenterror",
    "6.2": "contenterror",
    "6.3": "contenterror",
    "6.5": "contenterror",
    "6.6": "contenterror",
    "6.7": "contenterror",
    "6.8": "contenterror",
    "6.9": "contenterror",
    "6.10": "contenterror",
    "7.0": "securityerror",
    "7.1": "securityerror",  # delivery not authorized: refined by phrases
    "7.2": "securityerror",
    "7.3": "securityerror",
    "7.4": "securityerror",
    "7.5": "securityerror",
    "7.6": "securityerror",
    "7.7": "securityerror",
    "7.8": "securityerror",
    "7.9": "securityerror",
    "7.10": "securityerror",
    "7.11": "securityerror",
    "7.12": "securityerror",
    "7.13": "suspend",  # user account disabled
    "7.14": "securityerror",
    "7.15": "securityerror",
    "7.16": "mesgtoobig",
    "7.17": "hasmoved",  # mailbox owner has changed
    "7.18": "hasmoved",  # domain owner has changed
    "7.19": "securityerror",
    "7.20": "authfailure",  # no passing DKIM signature
    "7.21": "authfailure",
    "7.22": "authfailure",
    "7.23": "authfailure",  # SPF validation failed
    "7.24": "authfailure",
    "7.25": "requireptr",  # reverse DNS validation failed
    "7.26": "authfailure",  # multiple authentication checks failed (DMARC)
    "7.27": "notaccept",  # sender address has null MX
    "7.28": "spamdetected",  # mail flood detected
    "7.29": "securityerror",
    "7.30": "securityerror",
}
# Temporary codes whose meaning differs from their permanent twin.
TEMP_STATUS_REASON: dict[str, str] = {
    "1.0": "onhold",
    "2.1": "suspend",
    "4.4": "networkerror",
    "5.3": "systemerror",
    "7.1": "blocked",
    "7.2": "blocked",
}
# A code that only says "refused for some policy reason": phrases decide.
WEAK_REASONS = {"securityerror", "systemerror", "networkerror", "filtered", "onhold", "undefined", "expired"}
# Codes that providers use for something else than the registry says: the
# text decides. 5.1.10 is "null MX" (RFC 7505) but Microsoft 365 sends it for
# an unknown recipient; 5.4.1 is "no answer from host" but Exchange Online
# sends it for a recipient refused by directory-based edge blocking.
# 5.1.0 is "other address status" (RFC 3463 3.2): some address, not
# necessarily the recipient's (Charter/Spectrum answer "550 5.1.0 <our
# envelope sender> sender rejected"); the words say whose.
WEAK_CODES = {"5.1.0", "5.1.10", "5.4.1"}


def status_reason(status: str | None) -> str | None:
    """The reason a specific status code means by itself, or None."""
    if not status:
        return None
    cls, _, rest = status.partition(".")
    if cls == "4" and rest in TEMP_STATUS_REASON:
        return TEMP_STATUS_REASON[rest]
    if cls == "2":
        return "delivered"
    return STATUS_REASON.get(rest)


# ---------------------------------------------------------------- phrases
# (reason, phrases). Phrases are regular expressions over lower-cased,
