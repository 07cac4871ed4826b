"""SES DSNs carrying the replies of the big receiving providers: the bounce type decides suppression.

Each row is an SES bounce (the shape of fixtures/messages/ses-bounce-userunknown.eml) built around
one receiver's reply as its published pages give it: recipient domain, Remote-MTA, Status and
Diagnostic-Code. A wrong Permanent suppresses a good reader; a wrong Transient costs one more bounce.
"""

from __future__ import annotations

import pytest

from feedback.models import RawMessage
from feedback.pipeline import ClassifierConfig, classify

from .conftest import fixture_bytes


def ses_dsn(recipient: str, remote_mta: str, status: str, diagnostic: str) -> bytes:
    """An SES bounce for ``recipient`` with this receiver's reply."""
    raw = fixture_bytes("ses-bounce-userunknown.eml")
    raw = raw.replace(
        b"Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.net>: Recipient address rejected: User unknown in"
        b" virtual mailbox table",
        b"Diagnostic-Code: smtp; " + diagnostic.encode(),
    )
    raw = raw.replace(b"Status: 5.1.1", b"Status: " + status.encode())
    raw = raw.replace(b"Remote-MTA: dns; mx.example.net", b"Remote-MTA: dns; " + remote_mta.encode())
    return raw.replace(b"nobody@example.net", recipient.encode())


# (recipient, remote MTA, Status, Diagnostic-Code, bounce type, reason)
ROWS = [
    # Mail.ru: an unknown mailbox, refused after DATA without a code that says so
    ("kiji@mail.ru", "mxs.mail.ru", "5.0.0",
     "550 Message was not accepted -- invalid mailbox. Local mailbox kiji@mail.ru is unavailable: user not found",
     "Permanent", "userunknown"),
    # Yandex: "No such user!" under 5.7.1
    ("kiji@yandex.ru", "mx.yandex.ru", "5.7.1", "550 5.7.1 No such user!", "Permanent", "userunknown"),
    # QQ / Tencent
    ("10001@qq.com", "mx3.qq.com", "5.0.0", "550 Mailbox not found. http://service.exmail.qq.com/cgi-bin/help?id=20022",
     "Permanent", "userunknown"),
    # Charter/Spectrum name our SES envelope sender under 5.1.0: the sender is refused, not the reader
    ("kiji@charter.net", "mx.charter.net", "5.1.0",
     "550 5.1.0 <0101018c0d0e0e00-99998888-7777-6666-5555-444433332222-000000@us-west-2.amazonses.com> sender rejected",
     "Transient", "rejected"),
    # Gmail
    ("kiji@gmail.com", "gmail-smtp-in.l.google.com", "5.1.1",
     "550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the "
     "recipient's email address for typos or unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser gsmtp",
     "Permanent", "userunknown"),
    ("kiji@gmail.com", "gmail-smtp-in.l.google.com", "5.7.26",
     "550-5.7.26 This mail is unauthenticated, which poses a security risk to the sender and Gmail users, and has "
     "been blocked. gsmtp", "Transient", "authfailure"),
    ("kiji@gmail.com", "gmail-smtp-in.l.google.com", "4.7.0",
     "421-4.7.0 [192.0.2.33] Our system has detected an unusual rate of unsolicited mail originating from your IP "
     "address. gsmtp", "Transient", None),
    ("kiji@gmail.com", "gmail-smtp-in.l.google.com", "5.2.2",
     "552-5.2.2 The email account that you tried to reach is over quota. gsmtp", "Transient", "mailboxfull"),
    # Microsoft: a banned IP under 5.7.606 and an unknown recipient under 5.1.10
    ("kiji@outlook.com", "outlook-com.olc.protection.outlook.com", "5.7.606",
     "550 5.7.606 Access denied, banned sending IP [192.0.2.33]. To request removal from this list please visit "
     "https://sender.office.com/ and follow the directions.", "Transient", None),
    ("kiji@example.net", "example-net.mail.protection.outlook.com", "5.1.10",
     "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient kiji@example.net not found by SMTP address lookup",
     "Permanent", "userunknown"),
    # Yahoo: deferral for our IP, and a disabled mailbox
    ("kiji@yahoo.com", "mta7.am0.yahoodns.net", "4.7.0",
     "421 4.7.0 [TSS04] Messages from 192.0.2.33 temporarily deferred due to unexpected volume or user complaints",
     "Transient", None),
    ("kiji@yahoo.com", "mta7.am0.yahoodns.net", "5.0.0",
     "554 30 Sorry, your message to kiji@yahoo.com cannot be delivered. This mailbox is disabled (554.30)",
     "Transient", None),
    # Comcast: a blocked IP (BL000000)
    ("kiji@comcast.net", "mx1a1.comcast.net", "5.0.0",
     "554 192.0.2.33 found on one or more RBLs. Refer to http://postmaster.comcast.net/smtp-error-codes.php#BL000001",
     "Transient", None),
]  # fmt: skip


@pytest.mark.parametrize(("rcpt", "mta", "status", "diag", "btype", "reason"), ROWS)
def test_ses_dsn_with_a_receivers_reply(rcpt: str, mta: str, status: str, diag: str, btype: str, reason) -> None:
    (e,) = classify(RawMessage(data=ses_dsn(rcpt, mta, status, diag), source="ses.eml"), ClassifierConfig())
    assert e.recipient == rcpt
    assert e.bounce_type == btype, (e.reason, e.status)
    if reason is not None:
        assert e.reason == reason


def _documented_replies() -> list[tuple[str, str | None, str, str, str]]:
    """(receiver, remote MTA, recipient, reply, reason) of every row the receiver tables are tested with.

    recv_a's ROWS include recv_c's (the receivers from Sisimai 5's Rhost index).
    """
    from . import test_receivers_recv_a as a
    from . import test_receivers_recv_b as b

    rows = [(name, where[0], where[1], text, reason) for name, where, text, reason in a.ROWS]
    rows += [(m.RECEIVER.name, mta, rcpt, text, reason) for m, mta, rcpt, text, reason in b.CASES]
    return rows


@pytest.mark.parametrize(
    ("name", "mta", "rcpt", "text", "reason"), _documented_replies(), ids=lambda v: v if isinstance(v, str) else None
)
def test_every_documented_reply_through_an_ses_dsn(
    name: str, mta: str | None, rcpt: str, text: str, reason: str
) -> None:
    """Each receiver's documented reply, as SES forwards it, gets the receiver's reason and SES's type."""
    from feedback.reasons import ses_type
    from feedback.reasons.text import find_reply_code, find_status

    reply = text.split(";", 1)[1].strip() if text.lower().startswith("smtp;") else text
    code = find_status(reply.lower()) or f"{(find_reply_code(reply) or '550')[0]}.0.0"
    mta_name = (mta or "dns; mx.example.net").split(";")[-1].strip()
    data = ses_dsn(rcpt, mta_name, code, reply.replace("\n", "\n "))
    (e,) = classify(RawMessage(data=data, source="ses.eml"), ClassifierConfig())
    assert e.recipient == rcpt.lower() or e.recipient == rcpt
    assert e.reason == reason, (e.reason, e.status)
    assert e.bounce_type == ses_type(reason, e.status, reply.lower())[0]


def test_utf8_in_a_delivery_status_field_is_read_as_utf8() -> None:
    # RFC 6533 allows UTF-8 there; servers write it in plain DSNs too.
    data = ses_dsn("kiji@example.net", "mx.example.net", "5.1.1", "550 5.1.1 Postfach unbekannt \u2013 Empfänger")
    (e,) = classify(RawMessage(data=data, source="ses.eml"), ClassifierConfig())
    assert e.diagnostic_code is not None and "unbekannt \u2013 Empfänger" in e.diagnostic_code


# Replies whose receiver's own page gives a soft cause but whose words, read without knowing
# the receiver, say the address or its domain is gone (a status or wording that only the
# receiver's table can overrule): the generic tables read them as the words say.
_ONLY_THE_RECEIVER_KNOWS = {
    "550 5.7.504 [reader@example.com]: Recipient address rejected: Access denied",  # Microsoft: banned
    "554 5.4.4 SMTPSEND.DNS.NonExistentDomain; nonexistent domain",
    "554 5.4.4 Invalid arguments",
    "554 5.4.4 SMTPSEND.DNS.MxLoopback; DNS config error",
    "552 5.1.1 <reader@zoho.com> Mailbox delivery restricted by policy error",  # Zoho: its policy
    "550 : User unknown",  # KDDI: the recipient's filter
    "503 User unknown",  # Mimecast: a bad command sequence
}


def test_an_unrecognised_receivers_soft_replies_stay_transient() -> None:
    """Every documented reply of a soft cause, from a receiver we cannot recognise (unknown MX,
    recipient at example.com), is not Permanent: the generic tables must not suppress a reader
    for a cause that is not the address."""
    from feedback.reasons.text import find_reply_code, find_status

    wrong = []
    for _name, _mta, rcpt, text, reason in _documented_replies():
        reply = " ".join((text.split(";", 1)[1] if text.lower().startswith("smtp;") else text).split())
        if reason in ("userunknown", "hostunknown", "hasmoved", "notaccept") or reply in _ONLY_THE_RECEIVER_KNOWS:
            continue
        code = find_status(reply.lower()) or f"{(find_reply_code(reply) or '550')[0]}.0.0"
        data = ses_dsn("kiji@example.com", "mx.example.net", code, reply.replace(rcpt, "kiji@example.com"))
        (e,) = classify(RawMessage(data=data, source="ses.eml"), ClassifierConfig())
        if e.bounce_type == "Permanent":
            wrong.append((reason, e.reason, reply))
    assert wrong == []
