"""Formats and recipient extraction: which detector reads a message, what kind it is, who it is about.

Each fixture is ours, written from the product's documented layout (see the
detector module's docstring). Reasons and bounce types are the reason tables'
business and are tested in test_golden.py and test_reasons.py.
"""

from __future__ import annotations

import pytest

from feedback.detectors.dsn import decode_utf8_address, original_recipient, same_mailbox, x400_address

from .conftest import classify_fixture

# (file, kind, recipients (exact set), detector)
FORMATS = [
    # Sendmail (v5 and later): one verdict line per host and per recipient; each recipient's
    # cause is its own line, never the next host's ("550 example.org (smtp)... Host unknown").
    (
        "sendmail-v5-hosts-and-recipients.eml",
        "bounce",
        {"ana@example.net", "ben@example.org", "dan@example.biz", "cleo@example.info"},
        "text",
    ),
    # RFC 3464 2.3.1: the Original-Recipient is the address we sent to (Postfix forwarded it).
    ("dsn-original-recipient-forwarded.eml", "bounce", {"reader@example.com"}, "dsn"),
    # x400 Final-Recipient (RFC 2156 "RFC-822=" with "(a)"), utf-8 Original-Recipient (RFC 6533),
    # an x400 Original-Recipient and an Exchange IMCEA one: both ignored for the Final-Recipient.
    (
        "dsn-x400-and-utf8-recipients.eml",
        "bounce",
        {"pat.smith@example.net", "jörg@example.net", "kim.lee@example.net", "alex@example.net"},
        "dsn",
    ),
    # Exchange 5.5 IMS: X.400 recipient line with dda:SMTP=, then a plain one; the echoed To is no recipient.
    ("exchange-legacy-x400.eml", "bounce", {"dana@corp.example.com", "lee@corp.example.com"}, "exchange-legacy"),
    ("exchange2003-ndr.eml", "bounce", {"morgan@ex2003.example.com"}, "exchange-legacy"),
    # InterScan VirusWall names nobody: the attached original's single To.
    ("interscan-viruswall-notice.eml", "bounce", {"sam@example.net"}, "interscan"),
    ("interscan-mss-transcript.eml", "bounce", {"ren@example.net"}, "interscan"),
    # Challenge/response: automatic replies about the protected address, never bounces.
    ("challenge-tmda.eml", "autoreply", {"robin@example.net"}, "challenge"),
    ("challenge-boxbe-report.eml", "autoreply", {"casey@example.net"}, "challenge"),
    ("challenge-generic-verify.eml", "autoreply", {"drew@example.com"}, "challenge"),
    ("challenge-spamarrest.eml", "autoreply", {"jane@example.com"}, "challenge"),
    # ... but TMDA's failure notice refuses the message (an expired dated address),
    ("tmda-failure-notice.eml", "bounce", {"robin-dated-1706000000.ab12cd@example.net"}, "text"),
    # a C/R service's own MTA bounces like any other,
    ("spamarrest-mailbox-bounce.eml", "bounce", {"gone@example.net"}, "text"),
    # and an MTA's DSN of a remote "550 ... prove you are a human" is a refusal.
    ("dsn-confirmation-refused.eml", "bounce", {"jo@example.net"}, "dsn"),
    # Webmail and gateway notices in plain text, some signed by an ordinary mailbox.
    ("webmail-intended-recipient.eml", "bounce", {"lou@example.net"}, "text"),
    # Symantec's "Delivery attempts will continue" notice is a warning (flufl.bounce simplewarning).
    ("gateway-plain-notice.eml", "bounce", {"Jamie@example.com"}, "legacy"),
    ("vade-bracket-recipient.eml", "bounce", {"quinn@example.net"}, "text"),
    ("delivery-warning-postponed.eml", "bounce", {"avery@example.com"}, "text"),
    # Exim names the original's sender above the failed list: never a recipient.
    ("exim-generated-sender-line.eml", "bounce", {"terry@example.com"}, "text"),
    # Exim's "(ultimately generated from X)": X is the address we sent to, as Original-Recipient.
    ("exim-redirected-recipient.eml", "bounce", {"kit@example.com"}, "text"),
    # Non-English notices: French, and Chinese in GB2312 (subject RFC 2047, body base64).
    ("french-non-remis.eml", "bounce", {"camille@example.com"}, "text"),
    ("chinese-gb2312-notice.eml", "bounce", {"wei@example.net"}, "text"),
    # Old site layouts (flufl.bounce's detectors, MDSBP's preprocessors): the recipients the
    # layout names, not the site's boilerplate, a directory entry or a help desk.
    ("legacy-llnl-address-mismatch.eml", "bounce", {"rkim@lab.example.gov"}, "legacy"),
    ("legacy-phquery-directory.eml", "bounce", {"jdoe@yale.edu", "jdoe@cs.yale.edu"}, "text"),
    ("legacy-earthlink-quota.eml", "bounce", {"lee@example.net", "lee.home@example.net"}, "legacy"),
    ("legacy-imail-smtp32.eml", "bounce", {"jo@example.net", "kai@example.net"}, "legacy"),
    ("legacy-screen-names.eml", "bounce", {"skyler42@example.net", "mo.rivera@example.com"}, "legacy"),
    ("legacy-groupwise-local-part.eml", "bounce", {"avery@gw.example.net", "sam@gw.example.net"}, "legacy"),
    ("legacy-caiwireless-recipient.eml", "bounce", {"casey@example.net"}, "legacy"),
    # XWall's "message/xdelivery-status" part is a delivery-status part (MDSBP p_xdelivery_status).
    ("legacy-xdelivery-status.eml", "bounce", {"morgan@example.net"}, "dsn"),
    # Where the generic reader already names the same recipients, its reading stands.
    ("legacy-netscape-reason.eml", "bounce", {"blake@example.net", "reese@example.net"}, "text"),
    ("legacy-failed-recipients-list.eml", "bounce", {"parker@example.net", "quinn.o@example.net"}, "text"),
    ("legacy-mailenable-recipient.eml", "bounce", {"rowan@example.net"}, "text"),
    ("legacy-kundenserver-warning.eml", "bounce", {"dana@example.net"}, "text"),
    # A person's reply whose subject says "delivery failed" is no report.
    ("not-feedback-reply-delivery-failed.eml", "other", set(), None),
    # Nor is a shop's notice that a parcel "could not be delivered": it names no mailbox.
    ("not-feedback-parcel-not-delivered.eml", "other", set(), None),
]


@pytest.mark.parametrize(("file", "kind", "recipients", "detector"), FORMATS)
def test_format(file, kind, recipients, detector):
    events = classify_fixture(file)
    assert {e.kind for e in events} == {kind}
    assert {e.recipient for e in events if e.recipient} == recipients
    assert {e.detector for e in events} == {detector}


def test_sendmail_verdict_lines_belong_to_their_own_recipient():
    by = {e.recipient: e for e in classify_fixture("sendmail-v5-hosts-and-recipients.eml")}
    assert (by["ana@example.net"].bounce_type, by["ana@example.net"].reason) == ("Transient", "networkerror")
    assert (by["ben@example.org"].bounce_type, by["ben@example.org"].reason) == ("Permanent", "hostunknown")
    assert (by["cleo@example.info"].bounce_type, by["cleo@example.info"].reason) == ("Permanent", "userunknown")
    # the exchange right above a verdict line is its cause: a MAIL FROM refusal
    assert (by["dan@example.biz"].bounce_type, by["dan@example.biz"].reason) == ("Transient", "norelaying")


def test_original_and_final_recipient_are_both_kept():
    (e,) = classify_fixture("dsn-original-recipient-forwarded.eml")
    assert e.recipient == "reader@example.com"
    assert e.original_recipient == "reader@example.com"
    assert e.final_recipient == "reader@mailbox.example.net"


def test_exim_redirect_keeps_both_addresses():
    (e,) = classify_fixture("exim-redirected-recipient.eml")
    assert (e.recipient, e.original_recipient, e.final_recipient) == (
        "kit@example.com",
        "kit@example.com",
        "kit.personal@home.example.net",
    )


def test_final_recipient_when_the_original_is_no_internet_address():
    by_final = {e.final_recipient: e for e in classify_fixture("dsn-x400-and-utf8-recipients.eml")}
    assert by_final["kim.lee@example.net"].original_recipient is None  # x400 type
    assert by_final["alex@example.net"].original_recipient is None  # IMCEA-encapsulated X.500
    assert by_final["joerg.mailbox@store.example.net"].recipient == "jörg@example.net"


def test_warning_notice_is_a_delay():
    (e,) = classify_fixture("delivery-warning-postponed.eml")
    assert e.action == "delayed"
    assert e.status is not None and e.status.startswith("4.")


def test_challenge_is_never_suppressing():
    for file in (
        "challenge-tmda.eml",
        "challenge-boxbe-report.eml",
        "challenge-generic-verify.eml",
        "challenge-spamarrest.eml",
    ):
        (e,) = classify_fixture(file)
        assert e.bounce_type == "Transient"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/RFC-822=pat.smith(a)example.net/ADMD= /C=WW/", "pat.smith@example.net"),
        ("c=US;a= ;p=Example Corp;o=Mail1;dda:SMTP=dana@corp.example.com;", "dana@corp.example.com"),
        ("/G=Kim/S=Lee/O=Example/ADMD= /C=WW/", None),
    ],
)
def test_x400_address(value, expected):
    assert x400_address(value) == expected


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("rfc822;reader@example.com", "reader@example.com"),
        ("rfc822; rfc822;reader@example.com", "reader@example.com"),  # the type written twice
        ("RFC822; <reader@example.com>", "reader@example.com"),
        ("utf-8; j\\x{00F6}rg@example.net", "jörg@example.net"),
        ("x400; /G=Kim/S=Lee/", None),
        ("unknown; reader", None),
        ("rfc822;IMCEAEX-_O=EXAMPLE_CN=RECIPIENTS_CN=ALEX@example.net", None),
    ],
)
def test_original_recipient_field(field, expected):
    assert original_recipient({"original-recipient": field}) == expected


def test_utf8_address_escapes():
    assert decode_utf8_address("\\x{7528}\\x{6237}@example.net") == "用户@example.net"


@pytest.mark.parametrize(
    ("orig", "final", "expected"),
    [
        # Postfix: internal (unquoted) Original-Recipient, quoted Final-Recipient.
        ("a..b@example.net", '"a..b"@example.net', '"a..b"@example.net'),
        ("a@example.net", "b@example.net", None),
        (None, "b@example.net", None),
    ],
)
def test_same_mailbox(orig, final, expected):
    assert same_mailbox(orig, final) == expected


@pytest.mark.parametrize(
    ("label", "text"),
    [
        ("GB2312", "系统退信"),
        ("x-gbk", "投递失败"),
        ("cp936", "无法投递"),
        ("x-big5", "無法投遞"),
        ("Big5", "系統退信"),
    ],
)
def test_chinese_charset_labels(label, text):
    from feedback.parse import decode_bytes

    encoded = text.encode("big5" if "big5" in label.lower() else "gb2312")
    assert decode_bytes(encoded, label) == text


@pytest.mark.parametrize(
    "marker",
    [
        "   ----- Unsent message follows -----",  # Sendmail v5
        "--------RETURNED MAIL FOLLOWS--------",  # USA.NET webmail
        "Original message as received is as follows:",
        "The first 50 lines of your original message follow:",  # Exchange delivery warning
        "   -- The header and top 20 lines of the message follows --",  # IMail
        "--- The header of the original message is following. ---",  # GMX, KDDI
    ],
)
def test_original_markers(marker):
    from feedback.original import original_from_text

    text = f"Delivery failed.\n\n{marker}\nFrom: news@example.org\nTo: sam@example.net\nMessage-ID: <m-1@example.org>\n\nHi\n"
    original = original_from_text(text)
    assert original is not None and original["message-id"] == "<m-1@example.org>"


def test_quoted_header_that_lost_its_folding():
    from feedback.original import original_from_text

    text = (
        "Delivery failed.\n\n--- The header of the original message is following. ---\n\n"
        "Received: from [192.0.2.135] by mail.example.com (via\nHTTP); Sat, 29 Nov 2014 00:32:10 +0100\n"
        "Message-ID: <m-2@example.org>\nTo: sam@example.net\n\nbody\n"
    )
    original = original_from_text(text)
    assert original is not None
    assert (original["message-id"], original["to"]) == ("<m-2@example.org>", "sam@example.net")


def test_corrupt_encoded_word_subject_is_read_as_text():
    from feedback.models import RawMessage
    from feedback.pipeline import classify

    raw = (
        b"Return-Path: <>\nFrom: MAILER-DAEMON@mx.example.com\nTo: news@example.org\n"
        # One base64 character: no whole byte, the stdlib's decoder raises.
        b"Subject: Delivery failure =?utf-8?B?R?=\n\n"
        b"Your message could not be delivered to the following recipients:\n\nsam@example.net\n"
    )
    (e,) = classify(RawMessage(data=raw, source="truncated"))
    assert e.error is None
    assert (e.kind, e.recipient) == ("bounce", "sam@example.net")


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("(ultimately generated from kit@example.com) host mx said: 550 ...", "kit@example.com"),  # Exim
        ("(generated from kit@example.com) SMTP error ...", "kit@example.com"),  # Exim, one step
        ("(expanded from <kit@example.com>): host mx.example.net[192.0.2.9] said: 550", "kit@example.com"),  # Postfix
        ("(reason: 553 SPF fail) (expanded from: <Kit@example.com>)", "Kit@example.com"),  # Sendmail
        ("(expanded from: example.com)", None),  # Sendmail naming a domain: no address
        ("host mx said: 550 5.1.1 user unknown", None),
    ],
)
def test_redirected_from(block, expected):
    from feedback.detectors.text import _generated_from

    assert _generated_from(block) == expected


# (file, recipient, action, reason, bounce type): what an old layout states about each recipient.
LEGACY_CAUSES = [
    # IMail states each recipient's cause on its own line: one's cause is never the other's.
    ("legacy-imail-smtp32.eml", "jo@example.net", "failed", "mailboxfull", "Transient"),
    ("legacy-imail-smtp32.eml", "kai@example.net", "failed", "userunknown", "Permanent"),
    ("legacy-earthlink-quota.eml", "lee.home@example.net", "failed", "mailboxfull", "Transient"),
    ("legacy-groupwise-local-part.eml", "avery@gw.example.net", "failed", "userunknown", "Permanent"),
    # ... and the next line's disabled mailbox is not avery's unknown user.
    ("legacy-groupwise-local-part.eml", "sam@gw.example.net", "failed", None, "Transient"),
    # AOL AirMail: the recipients refuse mail from our sender, the addresses are fine.
    ("legacy-screen-names.eml", "skyler42@example.net", "failed", "filtered", "Transient"),
    ("legacy-xdelivery-status.eml", "morgan@example.net", "failed", "userunknown", "Permanent"),
    # flufl.bounce simplewarning: a delay, never a final failure.
    ("legacy-kundenserver-warning.eml", "dana@example.net", "delayed", None, "Transient"),
]


@pytest.mark.parametrize(("file", "recipient", "action", "reason", "bounce_type"), LEGACY_CAUSES)
def test_legacy_layout_causes(file, recipient, action, reason, bounce_type):
    (e,) = [e for e in classify_fixture(file) if e.recipient == recipient]
    assert e.action == action
    assert e.bounce_type == bounce_type
    if reason is not None:
        assert e.reason == reason


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("FROM:<sender@example.org", "sender@example.org"),  # a transcript's command, cut at "<"
        ("c=US;a= ;p=Org;dda:SMTP=pat@example.net", "pat@example.net"),  # Exchange IMS X.400 line
        ("SMTP:pat@example.net", "pat@example.net"),
        ("pat@example.net...", "pat@example.net"),  # Sendmail's "rcpt... User unknown"
        ("a@b.c", "a@b.c"),  # old test sites' one-letter domains
        ("not-an-address", None),
        ("pat@localhost", None),  # no dotted domain
    ],
)
def test_legacy_address_cleanup(raw, expected):
    from feedback.detectors.legacy import _clean

    assert _clean(raw) == expected


def test_legacy_layout_reads_to_its_end_line_only():
    from feedback.detectors.legacy import LAYOUTS, _run

    (smail,) = [layout for layout in LAYOUTS if layout.site == "Smail"]
    report = "failed addresses follow:\n  pat@example.net\nmessage text follows:\nFrom: news@example.org\n"
    found = _run(smail, report)
    assert found is not None and found[0] == ["pat@example.net"]
    assert _run(smail, "nothing here about pat@example.net\n") is None


def test_one_letter_top_level_label_is_an_address():
    # Old bounce parsers' test sites write "a@b.c"; RFC 1123 allows a one-letter label.
    from feedback.parse import addresses

    assert addresses("User mailbox exceeds allowed size: a@b.c") == ["a@b.c"]
    assert addresses("see www.example.com/a@b for details") == []
