"""Who a refusal is about, and the guard it puts on Permanent: a table per rule family."""

from __future__ import annotations

import pytest

from feedback import reasons as R
from feedback.reasons import subject as S

RCPT = "kiji@example.net"

# (diagnostic, kwargs, party): each row is one documented way a reply says whom it refuses.
PARTIES = [
    # RFC 5321 3.1 / 4.1.1.1: refused at the greeting or EHLO, before any address was given
    ("554 5.7.1 go away", {"command": "CONN"}, S.HOST),
    ("550 5.1.1 user unknown", {"command": "EHLO"}, S.HOST),
    # RFC 5321 3.3: a reply to MAIL FROM is about the reverse-path
    ("550 5.1.1 unknown", {"command": "MAIL"}, S.SENDER),
    # SES's envelope sender is an amazonses.com address (custom MAIL FROM aside)
    ("550 5.1.0 <0100018c-abc@us-east-1.amazonses.com> sender rejected", {}, S.SENDER),
    ("550 <bounce@ses.example.org> user unknown", {"senders": ("bounce@ses.example.org",)}, S.SENDER),
    # Postfix smtpd and Exim wordings
    ("553 5.1.8 <x@example.org>: Sender address rejected: Domain not found", {}, S.SENDER),
    ("550 Verification failed for <x@example.org>: sender verify failed", {}, S.SENDER),
    ("550 5.7.1 Domain of sender address x@example.org does not exist", {}, S.SENDER),
    # the reverse-path's domain or user by other names
    ("550 MAIL FROM domain does not exist", {}, S.SENDER),
    ("550 Unknown user in MAIL FROM", {}, S.SENDER),
    ("550 The sending domain does not exist", {}, S.SENDER),
    ("550 Unable to verify sender: user unknown", {}, S.SENDER),
    ("550 Return address does not exist", {}, S.SENDER),
    ("550 Non-existent user in Return-Path", {}, S.SENDER),
    ("550 Originator address unknown", {}, S.SENDER),
    # ... even where the reply also says the recipient was rejected: the sender is why
    ("550 5.1.1 Recipient rejected: sender domain example.org has no MX", {}, S.SENDER),
    # Our client: Postfix "Client host rejected", DNSBL refusals (RFC 5782)
    ("554 5.7.1 Client host rejected: cannot find your hostname", {}, S.HOST),
    ("550 5.1.0 blocked using zen.spamhaus.org", {}, S.HOST),
    ("504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname", {}, S.HOST),
    ("550 Cannot resolve your hostname: Host not found", {}, S.HOST),
    ("550 IP address not found in whitelist", {}, S.HOST),
    ("550 EHLO domain does not exist", {}, S.HOST),
    # The receiving system failed: RFC 3464 X-Unix diagnostic, loops, local delivery agent
    ("user unknown", {"diagnostic_type": "X-Unix"}, S.SYSTEM),
    ("554 5.4.6 mail loop: too many hops; user unknown", {}, S.SYSTEM),
    # The message: its authentication (SPF, DKIM, DMARC) or a header field it carries
    ("550 5.7.1 Unauthenticated email is not accepted due to DMARC policy", {}, S.MESSAGE),
    ("550 Invalid address in From header", {}, S.MESSAGE),
    # The recipient: named, answered RCPT TO, or "Recipient address rejected"
    (f"550 5.1.1 <{RCPT}>: Recipient address rejected: User unknown", {}, S.RECIPIENT),
    ("550 user unknown", {"command": "RCPT"}, S.RECIPIENT),
    # ... and a reply that says nothing about whom
    ("550 user unknown", {}, None),
]


@pytest.mark.parametrize(("diag", "kw", "party"), PARTIES)
def test_refused_party(diag: str, kw: dict, party: str | None) -> None:
    got, why = S.refused_party(R.fold(diag), recipient=RCPT, **kw)
    assert got == party
    assert (why != "") == (party is not None)


# (status, diagnostic, kwargs, reason, bounce type): Permanent only when the address itself is bad.
GATED = [
    ("5.1.0", "550 5.1.0 <0100018c-abc@us-east-1.amazonses.com> sender rejected", {}, "rejected", "Transient"),
    (
        "5.1.1",
        "550 5.1.1 <x@example.org>: Sender address rejected: User unknown in local table",
        {},
        "rejected",
        "Transient",
    ),
    ("5.1.2", "553 5.1.2 <x@example.org>: Sender address rejected: Domain not found", {}, "rejected", "Transient"),
    (
        "5.1.1",
        "550 5.1.1 Client host [192.0.2.7] blocked using bl.example.net; user unknown",
        {},
        "blocked",
        "Transient",
    ),
    ("5.1.1", "user unknown", {"diagnostic_type": "X-Unix"}, "mailererror", "Transient"),
    ("5.0.0", "554 mail loop detected: no such user", {}, "systemerror", "Transient"),
    ("5.1.1", "550 5.1.1 user unknown", {"command": "HELO"}, "blocked", "Transient"),
    ("5.0.0", "550 Invalid address in From header", {}, "contenterror", "Transient"),
    ("5.0.0", "550 No such user: SPF check failed for example.org", {}, "authfailure", "Transient"),
    # loose wordings name no address: SPF records, HELO names and DNS entries are not mailboxes
    ("5.0.0", "550 Your SPF record is not valid", {}, "onhold", "Transient"),
    ("5.0.0", "550 The domain example.com is not listed in our DNS", {}, "blocked", "Transient"),
    # under X.7.x (security or policy) RFC 5321's own "mailbox unavailable" is not a missing mailbox
    ("5.7.1", "550 5.7.1 Requested action not taken: mailbox unavailable", {}, "securityerror", "Transient"),
    # the recipient's own address: Permanent stays
    ("5.1.1", f"550 5.1.1 <{RCPT}>: Recipient address rejected: User unknown", {}, "userunknown", "Permanent"),
    ("5.0.0", "550 No such user here", {}, "userunknown", "Permanent"),
    ("5.0.0", "550 Recipient address kiji@example.net is not valid", {}, "userunknown", "Permanent"),
    ("5.0.0", "550 Recipient not listed in our directory", {}, "userunknown", "Permanent"),
    ("5.7.1", f"554 5.7.1 <{RCPT}>: Recipient address rejected: Access denied", {}, "userunknown", "Permanent"),
]


@pytest.mark.parametrize(("status", "diag", "kw", "reason", "btype"), GATED)
def test_permanent_only_for_the_address(status: str, diag: str, kw: dict, reason: str, btype: str) -> None:
    v = R.decide(status, diag, recipient=RCPT, **kw)
    assert (v.reason, v.bounce_type) == (reason, btype)


def test_verdict_names_the_rule_and_its_source() -> None:
    v = R.decide("5.1.1", "550 5.1.1 <0100018c-abc@us-east-1.amazonses.com>... User unknown", recipient=RCPT)
    assert (v.reason, v.party) == ("rejected", S.SENDER) and "amazonses.com" in v.party_why
    assert v.rule and v.source
    v = R.decide("5.2.2", "552 5.2.2 mailbox full", recipient=RCPT)
    assert "mailbox" in v.rule and v.source
    v = R.decide("5.1.1", "", recipient=RCPT)
    assert v.rule == "status 5.1.1" and "RFC 3463" in v.source
