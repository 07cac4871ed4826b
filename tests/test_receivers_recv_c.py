"""Receivers' tables (recv-c): cloudflare, messagelabs, facebook, iua, kddi, and rules added to older tables.

Every row is a Diagnostic-Code as an SES DSN would carry it, written from the
page the matching rule cites (Sisimai 5's Rhost index where the provider
publishes no table); addresses and IPs are made up. ``ROWS`` has the format of
``test_receivers_recv_a.ROWS`` and is added to it, so the checks there (each
rule has a row, rules cited and well formed, markers only their own) and the
SES end-to-end table in ``test_ses_receivers`` cover these rows too.
"""

from __future__ import annotations

import importlib

import pytest

from feedback.models import RawMessage
from feedback.pipeline import ClassifierConfig, classify
from feedback.reasons import fold, ses_type
from feedback.receivers import identify, receiver_rule
from feedback.receivers.base import Receiver, Rule

# The receivers this file adds; recv_a runs its per-module checks over them.
NAMES = ("cloudflare", "messagelabs", "facebook", "iua", "kddi")
MODULES = {n: importlib.import_module(f"feedback.receivers.{n}") for n in NAMES}

# The reasons that may make SES's bounce Permanent (the address itself is bad).
ADDRESS_GONE = {"userunknown", "hostunknown", "hasmoved", "notaccept"}

CLOUDFLARE = ("dns; route1.mx.cloudflare.net", "reader@example.org")
MLABS = ("dns; cluster5.eu.messagelabs.com", "reader@example.com")
FACEBOOK = ("dns; smtpin.vvv.facebook.com", "reader@facebook.com")
IUA = ("dns; mx.email.ua", "reader@i.ua")
KDDI = ("dns; msmx.au.com", "reader@au.com")
EZWEB = ("dns; lsean.ezweb.ne.jp", "reader@ezweb.ne.jp")
GMAIL = ("dns; gmail-smtp-in.l.google.com", "reader@gmail.com")
WORKSPACE = ("dns; aspmx.l.google.com", "reader@example.org")
EXO = ("dns; example-com.mail.protection.outlook.com", "reader@example.com")
OLC = ("dns; hotmail-com.olc.protection.outlook.com", "reader@hotmail.com")
ONPREM = ("dns; mail.example.com", "reader@example.com")
YAHOO = ("dns; mta7.am0.yahoodns.net", "reader@yahoo.com")
ICLOUD = ("dns; mx01.mail.icloud.com", "reader@icloud.com")
COX = ("dns; mx.west.cox.net", "reader@cox.net")
GODADDY = ("dns; mx1.secureserver.net", "reader@example.com")

# (module, (remote MTA, recipient), diagnostic code, reason)
ROWS: list[tuple[str, tuple[str | None, str], str, str]] = [
    # --- Cloudflare Email Routing: https://developers.cloudflare.com/email-routing/postmaster/ ----------------
    ("cloudflare", CLOUDFLARE, "smtp; 554 192.0.2.10 found on one or more DNSBLs (abusixip). Refer to "
     "https://developers.cloudflare.com/email-routing/postmaster/#spam-and-abusive-traffic/", "blocked"),
    ("cloudflare", CLOUDFLARE, "smtp; 451 4.3.0 Upstream error, please try again later", "systemerror"),
    # --- Email Security.cloud (MessageLabs): knowledge.broadcom.com articles ----------------------------------
    ("messagelabs", MLABS, "smtp; 550-Invalid recipient <reader@example.com>\n550 (#5.1.1)", "userunknown"),
    ("messagelabs", MLABS, "smtp; 553 Recipient mailbox is not allowed (#5.1.1)", "userunknown"),
    ("messagelabs", MLABS, "smtp; 553 sorry, that mailbox is not allowed here (#5.7.1)", "userunknown"),
    ("messagelabs", MLABS, "smtp; 550 5.1.1 No such user (#5.1.1)", "userunknown"),
    ("messagelabs", MLABS, "smtp; 553-mail rejected because your IP is in the PBL. See http://www.spamhaus.org/pbl",
     "blocked"),
    ("messagelabs", MLABS, "smtp; 553-Sorry, your IP address (192.0.2.10) has been blocked. Please visit "
     "www.messagelabs.com/support for more details about this error message.", "blocked"),
    ("messagelabs", MLABS, "smtp; 553-Sorry, your email address (sender@example.net) has been blocked. Please visit "
     "www.symanteccloud.com/troubleshooting for more details.", "blocked"),
    ("messagelabs", MLABS, "smtp; 501 Connection rejected by policy [7.7] 20805, please visit www.messagelabs.com/support "
     "for more details about this error message.", "badreputation"),
    ("messagelabs", MLABS, "smtp; 553-Sorry, your email address has been blacklisted. Please visit "
     "www.symanteccloud.com/troubleshooting for more details about this error message.", "rejected"),
    ("messagelabs", MLABS, "smtp; 553-Sorry, your domain has been blocked. Please visit "
     "www.symanteccloud.com/troubleshooting for more details.", "rejected"),
    ("messagelabs", MLABS, "smtp; 553 sorry, your envelope sender is in my badmailfrom list. Please visit "
     "www.symanteccloud.com/troubleshooting for more details about this error message and instructions to resolve "
     "this issue. (#5.7.1)", "rejected"),
    ("messagelabs", MLABS, "smtp; 550 sender envelope domain not allowed for sender IP address (#5.1.8)", "rejected"),
    ("messagelabs", MLABS, "smtp; 553-SPF (Sender Policy Framework) domain authentication fail", "authfailure"),
    ("messagelabs", MLABS, "smtp; 553 - Message Filtered", "spamdetected"),
    ("messagelabs", MLABS, "smtp; 553 Sorry, this message was filtered by Outbound scanning", "spamdetected"),
    ("messagelabs", MLABS, "smtp; 553 Stray linefeeds in message (#5.6.2)", "contenterror"),
    ("messagelabs", MLABS, "smtp; 550 [192.0.2.20] has detected that this message is not RFC 5322 compliant",
     "notcompliantrfc"),
    ("messagelabs", MLABS, "smtp; 550 Requested action aborted [4] The format of your message did not comply with "
     "RFC 2822.", "notcompliantrfc"),
    ("messagelabs", MLABS, "smtp; 451 TLS/SSLv3 Connection required. (#4.7.1)", "securityerror"),
    ("messagelabs", MLABS, "smtp; 530 Please turn on SMTP Authentication in your mail client.", "securityerror"),
    ("messagelabs", MLABS, "smtp; 553 You are trying to use me [server-3.tower-1.messagelabs.com] as a relay, but I "
     "have not been configured to let you [192.0.2.10, sender@example.net] do this.", "norelaying"),
    ("messagelabs", MLABS, "smtp; 452 Too many recipients received this hour", "toomanyconn"),
    ("messagelabs", MLABS, "smtp; 460 too many messages (#4.3.0)", "toomanyconn"),
    # --- Facebook: http://postmaster.facebook.com/response_codes ----------------------------------------------
    ("facebook", FACEBOOK, "smtp; 550 5.1.1 RCP-P1 http://postmaster.facebook.com/response_codes?ip=192.0.2.10#rcp "
     "The attempted recipient address does not exist", "userunknown"),
    ("facebook", FACEBOOK, "smtp; 550 5.1.1 INT-P4 The attempted recipient address does not exist", "userunknown"),
    ("facebook", FACEBOOK, "smtp; 550 5.7.1 RCP-P2 http://postmaster.facebook.com/response_codes?ip=192.0.2.10#rcp "
     "Refused due to recipient preferences", "filtered"),
    ("facebook", FACEBOOK, "smtp; 450 4.2.0 RCP-T1 The attempted recipient address is not currently available due to "
     "an internal system issue", "systemerror"),
    ("facebook", FACEBOOK, "smtp; 450 4.2.1 RCP-T4 The attempted recipient address is currently deactivated",
     "suspend"),
    ("facebook", FACEBOOK, "smtp; 552 5.2.2 INT-P7 The attempted recipient has exceeded their storage quota",
     "mailboxfull"),
    ("facebook", FACEBOOK, "smtp; 550 5.1.8 DNS-P1 Your SMTP MAIL FROM domain does not exist", "rejected"),
    ("facebook", FACEBOOK, "smtp; 451 4.1.8 DNS-T1 Your SMTP MAIL FROM domain exists but does not currently resolve",
     "rejected"),
    ("facebook", FACEBOOK, "smtp; 550 5.7.25 DNS-P3 Your mail server does not have a reverse DNS record",
     "requireptr"),
    ("facebook", FACEBOOK, "smtp; 451 4.7.25 DNS-T2 Your mail server's reverse DNS record does not currently resolve",
     "requireptr"),
    ("facebook", FACEBOOK, "smtp; 552 5.3.4 MSG-P1 The message exceeds Facebook's maximum allowed size",
     "mesgtoobig"),
    ("facebook", FACEBOOK, "smtp; 552 5.3.4 INT-P2 The message exceeds Facebook's maximum allowed size",
     "mesgtoobig"),
    ("facebook", FACEBOOK, "smtp; 554 5.6.1 MSG-P2 The message contains an attachment type that Facebook does not "
     "accept", "contenterror"),
    ("facebook", FACEBOOK, "smtp; 554 5.6.0 MSG-P3 The message contains multiple instances of a header field that "
     "can only be present once", "notcompliantrfc"),
    ("facebook", FACEBOOK, "smtp; 452 4.5.3 MSG-T1 The number of recipients on the message exceeds Facebook's "
     "allowed maximum", "toomanyconn"),
    ("facebook", FACEBOOK, "smtp; 421 4.7.0 CON-T2 Your mail server currently has too many connections open",
     "toomanyconn"),
    ("facebook", FACEBOOK, "smtp; 554 5.7.1 POL-P1 Your mail server's IP Address is listed on the Spamhaus PBL",
     "blocked"),
    ("facebook", FACEBOOK, "smtp; 421 4.7.1 POL-T2 Facebook is not accepting messages from your mail server, but "
     "they may be retried later", "blocked"),
    ("facebook", FACEBOOK, "smtp; 554 5.7.1 POL-P5 The message contains a virus", "virusdetected"),
    ("facebook", FACEBOOK, "smtp; 554 5.7.1 POL-P6 The message contains a url that has been blocked by Facebook",
     "spamdetected"),
    ("facebook", FACEBOOK, "smtp; 554 5.7.1 POL-P7 The message does not comply with Facebook's Domain "
     "Authentication requirements", "authfailure"),
    ("facebook", FACEBOOK, "smtp; 554 5.7.1 POL-P8 The message does not comply with Facebook's abuse policies",
     "policyviolation"),
    ("facebook", FACEBOOK, "smtp; 451 4.3.0 INT-T5 Internal error", "systemerror"),
    # --- I.UA: https://mail.i.ua/err/N/ (via Sisimai Rhost/IUA.pm) --------------------------------------------
    ("iua", IUA, "smtp; 550 5.1.1 User is not found. See https://mail.i.ua/err/2/", "userunknown"),
    ("iua", IUA, "smtp; 550 5.2.1 Mailbox was not used for more than 3 months. https://mail.i.ua/err/3/", "suspend"),
    ("iua", IUA, "smtp; 552 5.2.2 Mailbox is full. https://mail.i.ua/err/4/", "mailboxfull"),
    ("iua", IUA, "smtp; 550 5.7.1 The use of SMTP as mail gate is forbidden. https://mail.i.ua/err/1/", "norelaying"),
    ("iua", IUA, "smtp; 450 4.7.1 Letter sending limit is exceeded. https://mail.i.ua/err/5/", "toomanyconn"),
    ("iua", IUA, "smtp; 550 5.7.1 IP-address of the sender is blacklisted. https://mail.i.ua/err/9/", "blocked"),
    ("iua", IUA, "smtp; 550 5.1.8 Couldn't check sender address. https://mail.i.ua/err/8/", "rejected"),
    ("iua", IUA, "smtp; 550 5.7.1 Not in the list Mail address management. https://mail.i.ua/err/10/", "filtered"),
    # --- au (KDDI): Sisimai Rhost/KDDI.pm; au's spam filter pages --------------------------------------------
    ("kddi", KDDI, "smtp; 550 : User unknown", "filtered"),
    ("kddi", EZWEB, "smtp; 550 <reader@ezweb.ne.jp>: User unknown", "userunknown"),
    # --- Rules added to older tables (Sisimai 5's Rhost modules compared) ------------------------------------
    ("google", GMAIL, "smtp; 550 5.7.1 Email quota exceeded. a1b2c3 - gsmtp", "mailboxfull"),
    ("google", WORKSPACE, "smtp; 550 5.4.5 Daily sending quota exceeded. a1b2c3 - gsmtp", "speeding"),
    ("google", GMAIL, "smtp; 550 5.7.1 Unauthenticated email is not accepted from this domain. a1b2c3 - gsmtp",
     "rejected"),
    ("google", GMAIL, "smtp; 454 5.5.1 STARTTLS may not be repeated. a1b2c3 - gsmtp", "securityerror"),
    ("google", WORKSPACE, "smtp; 454 4.7.0 Too many login attempts, please try again later. a1b2c3 - gsmtp",
     "securityerror"),
    ("google", WORKSPACE, "smtp; 503 5.7.0 No identity changes permitted. a1b2c3 - gsmtp", "securityerror"),
    ("google", WORKSPACE, "smtp; 535 5.7.9 Application-specific password required. a1b2c3 - gsmtp",
     "securityerror"),
    ("google", WORKSPACE, "smtp; 534 5.7.14 Please log in through your web browser and then try again. a1b2c3 - "
     "gsmtp", "securityerror"),
    ("google", WORKSPACE, "smtp; 535 5.7.8 Username and Password not accepted. a1b2c3 - gsmtp", "securityerror"),
    ("google", WORKSPACE, "smtp; 530 5.7.0 Authentication Required. a1b2c3 - gsmtp", "securityerror"),
    ("google", GMAIL, "smtp; 503 5.5.1 EHLO/HELO first. a1b2c3 - gsmtp", "syntaxerror"),
    ("google", WORKSPACE, "smtp; 535 5.5.4 Optional Argument not permitted for that AUTH mode. a1b2c3 - gsmtp",
     "syntaxerror"),
    ("google", WORKSPACE, "smtp; 504 5.7.4 Unrecognized Authentication Type. a1b2c3 - gsmtp", "syntaxerror"),
    ("google", WORKSPACE, "smtp; 504 5.7.4 XOAUTH is no longer supported. a1b2c3 - gsmtp", "syntaxerror"),
    ("google", GMAIL, "smtp; 554 5.7.0 Too many unauthenticated commands. a1b2c3 - gsmtp", "syntaxerror"),
    ("microsoft", EXO, "smtp; 550 5.1.2 Invalid X.400 address", "userunknown"),
    ("microsoft", EXO, "smtp; 550 5.2.1 Mailbox cannot be accessed", "suspend"),
    ("microsoft", EXO, "smtp; 550 5.2.122 The recipient has exceeded their limit for the number of messages they can "
     "receive per hour", "speeding"),
    ("microsoft", EXO, "smtp; 550 5.1.90 Your message can't be sent because you've reached your daily limit for "
     "message recipients", "speeding"),
    ("microsoft", EXO, "smtp; 550 5.7.705 Access denied, tenant has exceeded threshold", "speeding"),
    ("microsoft", OLC, "smtp; 451 4.7.700 PFA agent busy, please try again. [AB1CD2EF3.prod.protection.outlook.com]",
     "systemerror"),
    ("microsoft", EXO, "smtp; 550 5.7.750 Service unavailable. Client blocked from sending from unregistered domains",
     "rejected"),
    ("microsoft", EXO, "smtp; 501 5.5.4 Invalid domain name", "blocked"),
    ("microsoft", EXO, "smtp; 550 5.7.51 RestrictDomainsToIPAddresses or RestrictDomainsToCertificate failed",
     "blocked"),
    ("microsoft", EXO, "smtp; 552 5.3.4 Message too big for system", "mesgtoobig"),
    ("microsoft", EXO, "smtp; 554 5.4.11 Agent generated message depth exceeded", "contenterror"),
    ("microsoft", EXO, "smtp; 554 5.5.6 Invalid message content", "contenterror"),
    ("microsoft", EXO, "smtp; 554 5.4.4 Invalid arguments", "networkerror"),
    ("microsoft", EXO, "smtp; 550 5.1.4 Destination mailbox address ambiguous", "systemerror"),
    ("microsoft", EXO, "smtp; 550 5.2.4 Mailing list expansion problem", "systemerror"),
    ("microsoft", EXO, "smtp; 550 5.2.14 Misconfigured forwarding address", "systemerror"),
    ("microsoft", EXO, "smtp; 501 5.0.0 HELO / EHLO requires domain address", "systemerror"),
    ("microsoft", OLC, "smtp; 451 4.4.3 Temporary server error. Please try again later ATTR18", "systemerror"),
    ("microsoft", EXO, "smtp; 451 4.4.24 Message failed to be replicated: Insufficient system resource: disk",
     "systemerror"),
    ("microsoft", EXO, "smtp; 450 4.4.318 Connection was closed abruptly (SuspiciousRemoteServerError)",
     "systemerror"),
    # Exchange 2007-2013 codes: RESOLVER.* name the on-premises Exchange wherever it runs.
    ("microsoft", ONPREM, "smtp; 550 5.1.1 RESOLVER.ADR.ExRecipientNotFound; not found", "userunknown"),
    ("microsoft", ONPREM, "smtp; 550 5.2.3 RESOLVER.RST.RecipientSizeLimit; message too large for this recipient",
     "mesgtoobig"),
    ("microsoft", EXO, "smtp; 554 5.4.4 SMTPSEND.DNS.MxLoopback; DNS config error", "networkerror"),
    ("microsoft", EXO, "smtp; 550 4.4.7 QUEUE.Expired; message expired", "expired"),
    ("microsoft", ONPREM, "smtp; 550 5.1.4 RESOLVER.ADR.Ambiguous; ambiguous address", "systemerror"),
    ("microsoft", ONPREM, "smtp; 550 5.5.3 RESOLVER.ADR.RecipLimit; too many recipients", "toomanyconn"),
    ("yahoo", YAHOO, "smtp; 501 Syntax error in parameters or arguments", "syntaxerror"),
    ("apple", ICLOUD, "smtp; 556 5.1.10 host/domain does not accept mail", "notaccept"),
    ("cox", COX, "smtp; 554 Email sending limited due to suspicious account activity. AUP#CXTHRT", "securityerror"),
    ("cox", COX, "smtp; 554 Email sending blocked due to suspicious account activity on primary Cox account. AUP#CXMJ",
     "securityerror"),
    ("godaddy", GODADDY, "smtp; 554 192.0.2.10 is listed, see https://www.spamhaus.org/query/bl?ip=192.0.2.10",
     "blocked"),
]  # fmt: skip


def _hit(mta: str | None, rcpt: str, text: str) -> tuple[Receiver, Rule] | None:
    return receiver_rule(mta, rcpt, fold(text))


@pytest.mark.parametrize(("module", "where", "text", "reason"), ROWS, ids=[f"{r[0]}-{r[3]}" for r in ROWS])
def test_reply_is_read_with_its_receivers_table(
    module: str, where: tuple[str | None, str], text: str, reason: str
) -> None:
    found = _hit(where[0], where[1], text)
    assert found is not None, "no rule matched"
    assert found[0].name == module
    assert found[1].reason == reason, found[1].pattern


# With no known host or domain (a customer domain behind the gateway, a relayed reply), the
# provider's own wording still identifies it.
BY_MARKER = [
    ("cloudflare", "smtp; 554 192.0.2.10 found on one or more DNSBLs (abusixip). Refer to "
     "https://developers.cloudflare.com/email-routing/postmaster/#spam-and-abusive-traffic/", "blocked"),
    ("messagelabs", "smtp; 553-Sorry, your IP address has been blocked. Please visit www.messagelabs.com/support for "
     "more details about this error message.", "blocked"),
    ("facebook", "smtp; 550 5.1.1 RCP-P1 http://postmaster.facebook.com/response_codes?ip=192.0.2.10#rcp", "userunknown"),
    ("iua", "smtp; 550 5.2.2 Mailbox is full. https://mail.i.ua/err/4/", "mailboxfull"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "text", "reason"), BY_MARKER, ids=[c[0] for c in BY_MARKER])
def test_provider_wording_identifies_it(name: str, text: str, reason: str) -> None:
    found = _hit("dns; mail.example.org", "reader@example.org", text)
    assert found is not None
    assert (found[0].name, found[1].reason) == (name, reason)


# (remote MTA, recipient, text, receiver expected or None, reason expected or None)
NOT_THEIRS = [
    # Cloudflare relays the upstream server's reply: no Cloudflare rule decides it ...
    ("dns; route2.mx.cloudflare.net", "reader@example.org",
     "smtp; 550 5.1.1 <reader@example.org>: Recipient address rejected: User unknown", "cloudflare", None),
    # A Mimecast or Proofpoint "Invalid recipient" is theirs, not MessageLabs's.
    ("dns; eu-smtp-inbound-1.mimecast.com", "reader@example.com", "smtp; 550 Invalid Recipient", "mimecast",
     "userunknown"),
    # "User unknown" from another Japanese carrier is not read with au's table.
    ("dns; mfsmax.docomo.ne.jp", "reader@docomo.ne.jp", "smtp; 550 : User unknown", "nttdocomo", None),
    # An I.UA-like link on another host and domain, without "i.ua/err/": nobody's.
    ("dns; mx.example.net", "reader@example.net", "smtp; 550 see https://mail.example.ua/err/2/", None, None),
    # Facebook's codes mean nothing from another receiver.
    ("dns; mx.example.net", "reader@example.net", "smtp; 550 5.1.1 RCP-P1 unknown", None, None),
    # "a-b" letters in a Gmail reply are not Facebook codes.
    ("dns; gmail-smtp-in.l.google.com", "reader@gmail.com",
     "smtp; 550-5.7.1 [192.0.2.10] Our system has detected msg-p1 a1b2c3 - gsmtp", "google", None),
]  # fmt: skip


def test_a_reply_cloudflare_relays_is_read_with_the_upstream_receivers_table() -> None:
    # ... and the upstream's own wording ("gsmtp") names the receiver whose table reads it.
    text = (
        "smtp; 550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking "
        "the recipient's email address for typos or unnecessary spaces. a1b2c3 - gsmtp"
    )
    found = _hit("dns; route3.mx.cloudflare.net", "reader@example.org", text)
    assert found is not None
    assert (found[0].name, found[1].reason) == ("google", "userunknown")
    # A receiver that does not relay keeps its own answer: none.
    assert _hit("dns; eu-smtp-inbound-1.mimecast.com", "reader@example.org", text) is None


@pytest.mark.parametrize(("mta", "rcpt", "text", "name", "reason"), NOT_THEIRS)
def test_other_receivers_and_strangers(mta: str, rcpt: str, text: str, name: str | None, reason: str | None) -> None:
    receiver = identify(mta, rcpt, fold(text))
    assert (receiver.name if receiver else None) == name
    found = _hit(mta, rcpt, text)
    assert (found[1].reason if found else None) == reason


@pytest.mark.parametrize("name", NAMES)
def test_only_a_missing_or_closed_address_may_be_permanent(name: str) -> None:
    """The gate: a rule about our host, IP, sender, content or policy must never give Permanent."""
    for rule in MODULES[name].RECEIVER.rules:
        permanent = ses_type(rule.reason, "5.0.0")[0] == "Permanent"
        assert permanent == (rule.reason in ADDRESS_GONE), rule.pattern
        if permanent:
            # Its row must say the address does not exist (not the sender, not our IP).
            texts = [fold(t) for m, _, t, r in ROWS if m == name and r == rule.reason and rule.rx.search(fold(t))]
            assert texts, rule.pattern
            assert all("sender" not in t and " ip " not in t for t in texts), rule.pattern


def test_deactivated_and_dormant_mailboxes_are_not_permanent() -> None:
    # Facebook RCP-T4 "may or may not reactivate", I.UA err/3 "not used for 3 months": the owner can come back.
    for where, text in (
        (FACEBOOK, "smtp; 550 5.2.1 RCP-T4 The attempted recipient address is currently deactivated"),
        (IUA, "smtp; 550 5.2.1 Mailbox was not used for more than 3 months. https://mail.i.ua/err/3/"),
    ):
        found = _hit(where[0], where[1], text)
        assert found is not None
        assert ses_type(found[1].reason, "5.2.1")[0] == "Transient", found[1].reason


# (recipient, remote MTA, Status, Diagnostic-Code, SES bounce type, reason) through a whole SES DSN
SES_ROWS = [
    ("reader@example.org", "route1.mx.cloudflare.net", "5.7.1",
     "554 192.0.2.10 found on one or more DNSBLs (abusixip). Refer to "
     "https://developers.cloudflare.com/email-routing/postmaster/#spam-and-abusive-traffic/", "Transient", "blocked"),
    ("reader@example.com", "cluster5.eu.messagelabs.com", "5.1.1",
     "550-Invalid recipient <reader@example.com> 550 (#5.1.1)", "Permanent", "userunknown"),
    ("reader@example.com", "cluster5.eu.messagelabs.com", "5.7.1",
     "553 sorry, your envelope sender is in my badmailfrom list. Please visit www.symanteccloud.com/troubleshooting "
     "for more details about this error message and instructions to resolve this issue. (#5.7.1)",
     "Transient", "rejected"),
    ("reader@facebook.com", "smtpin.vvv.facebook.com", "5.1.1",
     "550 5.1.1 RCP-P1 http://postmaster.facebook.com/response_codes?ip=192.0.2.10#rcp The attempted recipient "
     "address does not exist", "Permanent", "userunknown"),
    ("reader@facebook.com", "smtpin.vvv.facebook.com", "5.1.8",
     "550 5.1.8 DNS-P1 Your SMTP MAIL FROM domain does not exist", "Transient", "rejected"),
    ("reader@i.ua", "mx.email.ua", "5.2.1", "550 5.2.1 Mailbox was not used for more than 3 months. "
     "https://mail.i.ua/err/3/", "Transient", "suspend"),
    ("reader@au.com", "msmx.au.com", "5.0.0", "550 : User unknown", "Transient", "filtered"),
    ("reader@au.com", "msmx.au.com", "5.1.1", "550 <reader@au.com>: User unknown", "Permanent", "userunknown"),
]  # fmt: skip


@pytest.mark.parametrize(("rcpt", "mta", "status", "diag", "btype", "reason"), SES_ROWS)
def test_ses_dsn_with_a_new_receivers_reply(
    rcpt: str, mta: str, status: str, diag: str, btype: str, reason: str
) -> None:
    from .test_ses_receivers import ses_dsn

    (e,) = classify(RawMessage(data=ses_dsn(rcpt, mta, status, diag), source="ses.eml"), ClassifierConfig())
    assert e.recipient == rcpt
    assert (e.bounce_type, e.reason) == (btype, reason)
