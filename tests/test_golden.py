"""Golden table: one row per (fixture, recipient) with what the classifier must say.

Every detector has rows here; SES-shaped messages come first.
"""

from __future__ import annotations

import pytest

from feedback.models import RawMessage
from feedback.pipeline import ClassifierConfig, classify

from .conftest import MESSAGES, classify_fixture, fixture_bytes

# (file, recipient, kind, status, reason, bounce_type, bounce_subtype, detector)
GOLDEN = [
    (
        "ses-bounce-userunknown.eml",
        "nobody@example.net",
        "bounce",
        "5.1.1",
        "userunknown",
        "Permanent",
        "NoEmail",
        "dsn",
    ),
    ("ses-bounce-2011.eml", "full@example.net", "bounce", "5.2.2", "mailboxfull", "Transient", "MailboxFull", "dsn"),
    (
        "ses-bounce-suppressed.eml",
        "gone@example.net",
        "bounce",
        "5.1.1",
        "suppressed",
        "Permanent",
        "Suppressed",
        "dsn",
    ),
    (
        "ses-bounce-account-suppression.eml",
        "blocked-by-us@example.net",
        "bounce",
        "5.1.1",
        "suppressed",
        "Permanent",
        "OnAccountSuppressionList",
        "dsn",
    ),
    # SES receiving: a receipt rule chose to bounce; the template is policy, not a lookup.
    (
        "ses-receiving-rule-bounce.eml",
        "info@inbound.example.com",
        "bounce",
        "5.1.1",
        "filtered",
        "Transient",
        "General",
        "dsn",
    ),
    ("ses-complaint-arf.eml", "reader@example.net", "complaint", None, "feedback", None, None, "arf"),
    ("sns-bounce-envelope.eml", "old@example.net", "bounce", "5.1.1", "userunknown", "Permanent", "General", "ses-sns"),
    # The SNS notification of the very bounce above (same SES message id): the store keeps one event.
    (
        "sns-bounce-same-as-dsn.eml",
        "nobody@example.net",
        "bounce",
        "5.1.1",
        "userunknown",
        "Permanent",
        "General",
        "ses-sns",
    ),
    ("sns-complaint-folded.eml", "angry@example.net", "complaint", None, "feedback", None, None, "ses-sns"),
    ("sns-delivery.eml", "happy@example.net", "delivery", "2.0.0", "delivered", None, None, "ses-sns"),
    # Every type SES documents, both protocols (email: bare JSON; email-json: the SNS envelope).
    ("sns-bounce-multi.eml", "nope1@example.net", "bounce", "5.1.1", "userunknown", "Permanent", "NoEmail", "ses-sns"),
    ("sns-bounce-multi.eml", "nope2@example.net", "bounce", "5.1.1", "userunknown", "Permanent", "NoEmail", "ses-sns"),
    ("sns-complaint-event.eml", "grumpy@example.net", "complaint", None, "feedback", None, None, "ses-sns"),
    ("sns-delivery-event.eml", "glad@example.net", "delivery", "2.6.0", "delivered", None, None, "ses-sns"),
    ("sns-send-event.eml", "ann@example.net", "send", None, None, None, None, "ses-sns"),
    ("sns-send-event.eml", "bob@example.net", "send", None, None, None, None, "ses-sns"),
    ("sns-reject-event.eml", "carl@example.net", "reject", None, "virusdetected", None, None, "ses-sns"),
    ("sns-delay-event.eml", "slow1@example.net", "delay", "4.4.7", "networkerror", None, None, "ses-sns"),
    ("sns-delay-event.eml", "slow2@example.net", "delay", "4.4.7", "networkerror", None, None, "ses-sns"),
    ("sns-open-event.eml", "reader@example.net", "open", None, None, None, None, "ses-sns"),
    ("sns-click-event.eml", "clicker@example.net", "click", None, None, None, None, "ses-sns"),
    ("sns-rendering-failure-event.eml", "dana@example.net", "rendering_failure", None, None, None, None, "ses-sns"),
    (
        "sns-subscription-unsubscribe-all.eml",
        "leaver@example.net",
        "subscription",
        None,
        "feedback",
        None,
        None,
        "ses-sns",
    ),
    ("sns-subscription-topic-optout.eml", "picky@example.net", "subscription", None, "feedback", None, None, "ses-sns"),
    # One bounce told three ways: SES's DSN, its feedback notification, its event record.
    ("ses-bounce-three-ways.eml", "gone3@example.net", "bounce", "5.1.1", "userunknown", "Permanent", "NoEmail", "dsn"),
    (
        "sns-bounce-three-ways-classic.eml",
        "gone3@example.net",
        "bounce",
        "5.1.1",
        "userunknown",
        "Permanent",
        "General",
        "ses-sns",
    ),
    (
        "sns-bounce-three-ways-event.eml",
        "gone3@example.net",
        "bounce",
        "5.1.1",
        "userunknown",
        "Permanent",
        "General",
        "ses-sns",
    ),
    (
        "postfix-mailbox-full-delayed.eml",
        "stuffed@example.net",
        "bounce",
        "4.2.2",
        "mailboxfull",
        "Transient",
        "MailboxFull",
        "dsn",
    ),
    (
        "postfix-multi-recipient.eml",
        "ghost@example.net",
        "bounce",
        "5.1.1",
        "userunknown",
        "Permanent",
        "NoEmail",
        "dsn",
    ),
    (
        "postfix-multi-recipient.eml",
        "big@example.net",
        "bounce",
        "5.3.4",
        "mesgtoobig",
        "Transient",
        "MessageTooLarge",
        "dsn",
    ),
    (
        "postfix-multi-recipient.eml",
        "nowhere@nonexistent.example",
        "bounce",
        "5.4.4",
        "hostunknown",
        "Permanent",
        "General",
        "dsn",
    ),
    ("dsn-success.eml", "friend@example.net", "delivery", "2.0.0", "delivered", None, None, "dsn"),
    ("dsn-global-utf8.eml", "用户@example.net", "bounce", "5.1.1", "userunknown", "Permanent", "NoEmail", "dsn"),
    ("mdn-read-receipt.eml", None, "other", None, None, None, None, "mdn"),
    ("arf-auth-failure.eml", "member@receiver.example.net", "complaint", None, "feedback", None, None, "arf"),
    ("jmrp-complaint.eml", "hater@outlook.example.net", "complaint", None, "feedback", None, None, "jmrp"),
    ("unsubscribe-mailto.eml", "listener@example.net", "complaint", None, "feedback", None, None, "unsubscribe"),
    # PowerMTA's own verdict (X-PowerMTA-BounceCategory) over 5.2.1 "mailbox disabled"
    ("powermta-bad-mailbox.eml", "carol@example.net", "bounce", "5.2.1", "userunknown", "Permanent", "NoEmail", "dsn"),
    # Postfix smtpd's notice to the postmaster: refused at DATA, so every accepted recipient
    (
        "postfix-smtpd-notice.eml",
        "alice@example.net",
        "bounce",
        "4.3.1",
        "systemfull",
        "Transient",
        "General",
        "postfix-notice",
    ),
    (
        "postfix-smtpd-notice.eml",
        "bob@example.net",
        "bounce",
        "4.3.1",
        "systemfull",
        "Transient",
        "General",
        "postfix-notice",
    ),
    ("qmail-userunknown.eml", "nosuch@example.net", "bounce", "5.1.1", "userunknown", "Permanent", "NoEmail", "text"),
    ("exim-blocked.eml", "user@blocklisting.example.net", "bounce", "5.7.1", "blocked", "Transient", "General", "text"),
    ("exim-retry-timeout.eml", "late@slow.example.net", "bounce", "5.0.0", "expired", "Transient", "General", "text"),
    (
        "sendmail-transcript.eml",
        "filterme@example.net",
        "bounce",
        "5.0.0",
        "userunknown",
        "Permanent",
        "NoEmail",
        "text",
    ),
    ("gmail-legacy-text.eml", "notthere@example.net", "bounce", "5.1.1", "userunknown", "Permanent", "NoEmail", "text"),
    (
        "googlegroups-rejected.eml",
        "team-list@googlegroups.com",
        "bounce",
        "5.0.0",
        "rejected",
        "Transient",
        "General",
        "googlegroups",
    ),
    (
        "broken-mime-iso2022jp.eml",
        "tanaka@example.jp",
        "bounce",
        "5.1.1",
        "userunknown",
        "Permanent",
        "NoEmail",
        "text",
    ),
    (
        "crlf-misspelled-charset.eml",
        "missing@example.net",
        "bounce",
        "5.1.10",
        "userunknown",
        "Permanent",
        "NoEmail",
        "text",
    ),
    (
        "cr-only-mbox-line.eml",
        "quota@example.net",
        "bounce",
        "5.2.2",
        "mailboxfull",
        "Transient",
        "MailboxFull",
        "text",
    ),
    ("autoreply-rfc3834.eml", "away@example.net", "autoreply", None, "vacation", "Transient", "General", "autoreply"),
    (
        "autoreply-x-autoreply.eml",
        "holiday@example.net",
        "autoreply",
        None,
        "vacation",
        "Transient",
        "General",
        "autoreply",
    ),
    # Null sender and "failed" in the subject, but an out-of-office reply.
    (
        "autoreply-null-sender-failed-subject.eml",
        "sales@example.net",
        "autoreply",
        None,
        "vacation",
        "Transient",
        "General",
        "autoreply",
    ),
    ("autoreply-outlook.eml", "worker@example.net", "autoreply", None, "vacation", "Transient", "General", "autoreply"),
    ("not-feedback.eml", None, "other", None, None, None, None, None),
    # A shop's "noreply" with "failed" in the subject is not a mail system's report.
    ("not-feedback-noreply-failed.eml", None, "other", None, None, None, None, None),
    # KDDI-style: no-reply sender, raw UTF-8 subject, the reason in prose.
    (
        "raw-8bit-subject-carrier.eml",
        "yamada@mail.example.jp",
        "bounce",
        "5.0.0",
        "mailboxfull",
        "Transient",
        "MailboxFull",
        "text",
    ),
    # A bounce forwarded inline, quoted with "> ": the DSN fields still count.
    (
        "dsn-inline-quoted.eml",
        "typo@exmaple.net",
        "bounce",
        "5.1.2",
        "hostunknown",
        "Permanent",
        "General",
        "dsn-inline",
    ),
    # A person forwards the bounce as an attachment: the inner DSN decides.
    (
        "forwarded-dsn-attachment.eml",
        "left@example.net",
        "bounce",
        "5.1.1",
        "userunknown",
        "Permanent",
        "NoEmail",
        "dsn-nested",
    ),
]


@pytest.mark.parametrize(("file", "recipient", "kind", "status", "reason", "btype", "subtype", "detector"), GOLDEN)
def test_golden(file, recipient, kind, status, reason, btype, subtype, detector):
    events = classify_fixture(file)
    found = [e for e in events if e.recipient == recipient]
    assert found, f"{file}: no event for {recipient}; got {[e.recipient for e in events]}"
    e = found[0]
    assert (e.kind, e.status, e.reason, e.bounce_type, e.bounce_subtype, e.detector) == (
        kind,
        status,
        reason,
        btype,
        subtype,
        detector,
    )


def test_every_detector_has_samples():
    from feedback.detectors.registry import DETECTORS

    from .test_formats import FORMATS, LAYOUTS

    samples = {row[7] for row in GOLDEN} | {row[3] for row in FORMATS} | {row[1] for row in LAYOUTS}
    assert {d.name for d in DETECTORS} <= samples


def test_every_fixture_is_in_the_table():
    # Format fixtures (test_formats.py) are tested for kind, recipients and detector.
    from .test_formats import FORMATS, LAYOUTS

    names = {row[0] for row in GOLDEN} | {row[0] for row in FORMATS} | {row[0] for row in LAYOUTS}
    assert names == {p.name for p in MESSAGES.glob("*.eml")}


def test_recipient_sets_are_exact():
    by_file: dict[str, set] = {}
    for row in GOLDEN:
        by_file.setdefault(row[0], set()).add(row[1])
    for file, want in by_file.items():
        got = {e.recipient for e in classify_fixture(file)}
        assert got == want, file


def test_ses_origin_fields():
    cfg = ClassifierConfig(identities=("example.org",), correlation_headers=("X-App-Msg-Id",))
    (e,) = classify_fixture("ses-bounce-userunknown.eml", cfg)
    assert e.ses_message_id == "01010186df4c8a11-aa0bcd12-3e45-4f67-8a9b-c0d1e2f3a4b5-000000"
    assert e.region == "us-west-2"
    assert e.feedback_id == "1.us-west-2.aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcdEF=:AmazonSES"
    assert e.original_subject == "March news"
    assert e.original_from == "Newsletter <news@example.org>"
    assert e.correlation == {"X-App-Msg-Id": "campaign-42/nobody"}
    assert e.identity == "example.org"
    assert e.reporting_mta == "a27-33.smtp-out.us-west-2.amazonses.com"
    assert e.remote_mta == "mx.example.net"
    assert e.action == "failed"
    assert e.reply_code == "550"


@pytest.mark.parametrize(
    ("identities", "want"),
    [
        # The original's From decides, as SES picks: exact address, then domain, then parent domain.
        (("news@example.org", "example.org"), "news@example.org"),
        (("example.org", "returns@example.com"), "example.org"),
        (("example.org", "news@example.org"), "news@example.org"),
        # The forwarded To (where SES mailed the feedback) never outranks a From that is there.
        (("returns@example.com",), None),
    ],
)
def test_identity_from_the_originals_from(identities, want):
    (e,) = classify_fixture("ses-bounce-userunknown.eml", ClassifierConfig(identities=identities))
    assert e.identity == want


def test_identity_falls_back_to_the_forwarded_to_without_original():
    data = fixture_bytes("ses-bounce-userunknown.eml")
    cut = data.index(b"Content-Type: message/rfc822")
    raw = RawMessage(data=data[:cut], source="cut.eml")
    (e,) = classify(raw, ClassifierConfig(identities=("example.org", "returns@example.com")))
    assert e.original_from is None and e.identity == "returns@example.com"


def test_ses_2011_region_is_us_east_1():
    (e,) = classify_fixture("ses-bounce-2011.eml")
    assert e.ses_message_id == "00000131e4d29f11-a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d-000000"
    assert e.region == "us-east-1"


def test_sns_envelope_origin():
    (e,) = classify_fixture("sns-bounce-envelope.eml", ClassifierConfig(identities=("example.org",)))
    assert e.ses_message_id == "0101018c0d0e0e00-99998888-7777-6666-5555-444433332222-000000"
    assert e.region == "us-west-2"
    assert e.feedback_id == "0101018c0d0e0f20-11112222-3333-4444-5555-666677778888-000000"
    assert e.original_subject == "Winter sale"
    assert e.identity == "example.org"
    assert e.diagnostic_code == "smtp; 550 5.1.1 user unknown"


def test_sns_complaint_fields():
    (e,) = classify_fixture("sns-complaint-folded.eml")
    assert (e.feedback_type, e.user_agent, e.region) == ("abuse", "Mozilla/5.0", "eu-central-1")


def test_arf_fields():
    (e,) = classify_fixture("ses-complaint-arf.eml")
    assert e.feedback_type == "abuse"
    assert e.user_agent == "Yahoo!-Mail-Feedback/2.0"
    assert e.source_ip == "192.0.2.33"
    assert e.arrival_date == "Wed, 04 Oct 2023 09:29:40 +0000"
    assert e.ses_message_id == "0101018b2c3d3000-abcdabcd-1111-2222-3333-444444444444-000000"
    (a,) = classify_fixture("arf-auth-failure.eml")
    assert a.feedback_type == "auth-failure"
    (u,) = classify_fixture("unsubscribe-mailto.eml")
    assert u.feedback_type == "opt-out"


def test_dsn_per_recipient_fields():
    (e,) = classify_fixture("postfix-mailbox-full-delayed.eml")
    assert e.action == "delayed"
    assert e.will_retry_until == "Wed, 10 Jan 2024 04:10:00 +0000 (UTC)"
    assert e.original_recipient == "stuffed@example.net"
    assert e.arrival_date == "Fri,  5 Jan 2024 04:10:00 +0000 (UTC)"
    assert e.original_message_id == "<20240105041000.1A2B3C@app.example.org>"


def test_provenance_fields():
    (e,) = classify_fixture("qmail-userunknown.eml")
    assert e.source.endswith("qmail-userunknown.eml")
    assert len(e.message_sha256) == 64
    assert e.classifier_version


def test_postfix_notice_refused_rcpt_concerns_that_recipient_and_data_the_accepted_ones():
    from feedback.models import RawMessage
    from feedback.pipeline import classify

    from .conftest import fixture_bytes

    raw = fixture_bytes("postfix-smtpd-notice.eml").replace(
        b" In:  RCPT TO:<bob@example.net>\n Out: 250 2.1.5 Ok",
        b" In:  RCPT TO:<bob@example.net>\n Out: 550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown",
    )
    events = classify(RawMessage(data=raw, source="notice.eml"), ClassifierConfig())
    assert sorted((e.recipient, e.status, e.reason, e.bounce_type) for e in events) == [
        ("alice@example.net", "4.3.1", "systemfull", "Transient"),
        ("bob@example.net", "5.1.1", "userunknown", "Permanent"),
    ]


def test_postfix_notice_reports_every_refused_rcpt():
    from feedback.models import RawMessage
    from feedback.pipeline import classify

    from .conftest import fixture_bytes

    raw = fixture_bytes("postfix-smtpd-notice.eml")
    for who in (b"alice", b"bob"):
        raw = raw.replace(
            b" In:  RCPT TO:<%s@example.net>" % who
            + (b" ORCPT=rfc822;alice@example.net" if who == b"alice" else b"")
            + b"\n Out: 250 2.1.5 Ok",
            b" In:  RCPT TO:<%s@example.net>\n Out: 550 5.1.1 <%s@example.net>: Recipient address rejected: User unknown"
            % (who, who),
        )
    events = classify(RawMessage(data=raw, source="notice.eml"), ClassifierConfig())
    assert sorted((e.recipient, e.reason) for e in events) == [
        ("alice@example.net", "userunknown"),
        ("bob@example.net", "userunknown"),
    ]


# What the big receivers answer, as SES forwards it (Status, Diagnostic-Code):
# the reading that decides whether an address is suppressed at once.
SES_PROVIDER_ANSWERS = [
    # Gmail, at RCPT
    ("5.1.1", "550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking "
     "the recipient's email address for typos or unnecessary spaces.", "userunknown", "Permanent"),
    # Outlook.com: a protocol status on the RCPT refusal
    ("5.5.0", "550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302).", "userunknown", "Permanent"),
    # Yahoo refuses unknown users after DATA, with its own wording
    ("5.0.0", "554 delivery error: dd This user doesn't have a yahoo.com account (nobody@example.net) [0]",
     "userunknown", "Permanent"),
    # Exchange Online directory-based edge blocking
    ("5.4.1", "550 5.4.1 Recipient address rejected: Access denied. AS(201806281)", "userunknown", "Permanent"),
    # a filter's "user unknown" after DATA, under a generic status
    ("5.0.0", "550 : User unknown", "userunknown", "Permanent"),
    ("5.2.2", "552 5.2.2 The email account that you tried to reach is over quota.", "mailboxfull", "Transient"),
    ("4.2.2", "452 4.2.2 The email account that you tried to reach is over quota.", "mailboxfull", "Transient"),
    ("5.7.1", "550 5.7.1 Service unavailable, Client host [192.0.2.33] blocked using Spamhaus.", "blocked", "Transient"),
    ("5.7.26", "550-5.7.26 This mail is unauthenticated, which poses a security risk to the sender and Gmail "
     "users, and has been blocked.", "authfailure", "Transient"),
    ("5.1.2", "550 5.1.2 Host unknown (Name server: example.invalid: host not found)", "hostunknown", "Permanent"),
]  # fmt: skip


@pytest.mark.parametrize(("status", "diagnostic", "reason", "bounce_type"), SES_PROVIDER_ANSWERS)
def test_ses_forwarded_provider_answers(status, diagnostic, reason, bounce_type):
    from feedback.models import RawMessage
    from feedback.pipeline import classify

    from .conftest import fixture_bytes

    raw = (
        fixture_bytes("ses-bounce-userunknown.eml")
        .replace(
            b"Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.net>: Recipient address rejected: User unknown in"
            b" virtual mailbox table",
            b"Diagnostic-Code: smtp; " + diagnostic.encode(),
        )
        .replace(b"Status: 5.1.1", b"Status: " + status.encode())
    )
    (event,) = classify(RawMessage(data=raw, source="ses.eml"), ClassifierConfig())
    assert (event.recipient, event.reason, event.bounce_type) == ("nobody@example.net", reason, bounce_type)
    assert event.ses_message_id == "01010186df4c8a11-aa0bcd12-3e45-4f67-8a9b-c0d1e2f3a4b5-000000"
