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
    ("legacy-phquery-directory.eml", "bounce", {"jdoe@yale.edu", "jdoe@cs.yale.edu"}, "legacy"),
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


# Sending MTAs' own layouts, one fixture (or more) each, written from the
# layout each MTA documents or its Sisimai Lhost module reads: the markers are
# the MTA's, the wording and addresses ours. Each is read in the three line
# endings mail arrives with (LF, CRLF, CR-only), as the same events.
# (file, detector, {recipient: (status, reason, bounce_type)}); None = not asserted.
LAYOUTS = [
    # AOL (Postfix) with X-AOL-IP: two recipients, a DNS failure and an unknown user.
    (
        "lhost-aol-two-recipients.eml",
        "dsn",
        {
            "lena@nohost.example.net": ("5.4.4", "hostunknown", "Permanent"),
            "omar@example.com": ("5.1.1", "userunknown", "Permanent"),
        },
    ),
    # Bigfoot: a DSN whose original comes as message/partial, the reply in a transcript.
    ("lhost-bigfoot-transcript.eml", "dsn", {"quinn.old@example.net": ("5.7.1", "userunknown", "Permanent")}),
    # Facebook: DSN fields in an inline text part, its own code (RCP-P1: no such address, its receiver table).
    ("lhost-facebook-code.eml", "dsn-inline", {"kai.example@facebook.com": ("5.1.1", "userunknown", "Permanent")}),
    # fml: the list refused a post from a non-member: our sender is refused, not an address.
    ("lhost-fml-not-member.eml", "fml", {"club@lists.example.com": (None, "rejected", "Transient")}),
    # ... and its loop guard: a post seen twice (a system error, not a refusal of anyone).
    ("lhost-fml-duplicated-id.eml", "fml", {"team@ml.example.jp": (None, "systemerror", "Transient")}),
    # Gmail's legacy text warning: a delay, whatever the remote's words.
    ("lhost-google-legacy-delayed.eml", "text", {"abe@example.jp": ("4.2.2", "mailboxfull", "Transient")}),
    # Sisimai's X5: a DSN from an ISO-2022-JP-encoded "Mail Delivery Subsystem" to "NotificationRecipients".
    ("lhost-x5-iso2022jp-from.eml", "dsn", {"eli@example.jp": ("5.1.1", "userunknown", "Permanent")}),
    # Google Workspace: no DSN fields, the recipient is the original's To.
    (
        "lhost-googleworkspace-address-not-found.eml",
        "text",
        {"zeno@example.com": ("5.1.0", "userunknown", "Permanent")},
    ),
    ("lhost-googleworkspace-not-delivered.eml", "text", {"yara@example.com": (None, None, "Transient")}),
    # MailMarshal: one reason for every recipient listed under it.
    (
        "lhost-mailmarshal-two-recipients.eml",
        "mailmarshal",
        {
            "uma@corp.example.com": ("5.1.1", "userunknown", "Permanent"),
            "vic@corp.example.com": ("5.1.1", "userunknown", "Permanent"),
        },
    ),
    # MessageLabs: its own "542 <rcpt> Rejected" with a generic Status 5.0.0.
    ("lhost-messagelabs-dsn.eml", "mta-codes", {"pia@corp.example.com": (None, "userunknown", "Permanent")}),
    # Mimecast: "-- rcpt" lines, the remote's answer after "Additional information follows".
    ("lhost-mimecast-failure.eml", "text", {"wren@example.net": ("5.4.1", "userunknown", "Permanent")}),
    # Smail 3 banners (Deutsche Telekom's fork): " <rcpt>" then the reply; a full mailbox is no bad address.
    (
        "lhost-smail-telekom.eml",
        "text",
        {
            "rosa@t-online.example": ("5.2.2", "mailboxfull", "Transient"),
            "sven@t-online.example": ("5.1.1", "userunknown", "Permanent"),
        },
    ),
    ("lhost-smail3-unknown-host.eml", "text", {"tove@nohost.example.net": (None, "hostunknown", "Permanent")}),
    # Trend Micro InterScan MSS: per-recipient transcript, and the short "Unable to deliver" notice.
    (
        "lhost-trendmicro-transcript-two.eml",
        "interscan",
        {
            "cy@example.jp": ("5.1.1", "userunknown", "Permanent"),
            "dot@example.jp": ("4.2.2", "mailboxfull", "Transient"),
        },
    ),
    # ... and its Japanese labels ("送信 <<<", "受信 >>>") in ISO-2022-JP.
    (
        "lhost-trendmicro-japanese.eml",
        "interscan",
        {
            "gin@example.jp": ("5.1.1", "userunknown", "Permanent"),
            "hana@example.jp": ("5.1.1", "userunknown", "Permanent"),
        },
    ),
    # Lotus Notes in Japanese (ISO-2022-JP): "not in the directory's list".
    ("lhost-notes-japanese.eml", "text", {"iku@notes.example.jp": (None, "userunknown", "Permanent")}),
    ("lhost-trendmicro-unable-to-deliver.eml", "interscan", {"bea@example.jp": (None, "userunknown", "Permanent")}),
    # Layouts with few corpus samples, each with several recipients or another diagnostic.
    # Active!hunter: ">>> rcpt <rcpt>" lines, one transcript reply for all.
    (
        "lhost-activehunter-two.eml",
        "text",
        {
            "aki@example.jp": ("5.1.1", "userunknown", "Permanent"),
            "ben@example.jp": ("5.1.1", "userunknown", "Permanent"),
        },
    ),
    # Apache James: "Error message below:" then the reply, the recipient in "Message details".
    ("lhost-apachejames-no-such-user.eml", "james", {"cole@example.com": (None, "userunknown", "Permanent")}),
    # Verizon vtext.com (James's layout: "Size (in bytes): 512" is no reply code) and vzwpix.com.
    ("lhost-verizon-vtext.eml", "james", {"2025550100@vtext.example.com": (None, "userunknown", "Permanent")}),
    ("lhost-verizon-vzwpix.eml", "text", {"2025550101@vzwpix.example.com": (None, "userunknown", "Permanent")}),
    # Biglobe: bare addresses under the banner, one reason for both.
    (
        "lhost-biglobe-two.eml",
        "text",
        {
            "dan@example.ne.jp": (None, "mailboxfull", "Transient"),
            "eve@example.ne.jp": (None, "mailboxfull", "Transient"),
        },
    ),
    # Domino: "was not delivered to:" / "because:".
    ("lhost-domino-two.eml", "text", {"fay@notes.example.com": (None, "userunknown", "Permanent")}),
    # 1&1: "The following address failed:" / "For the following reason:".
    ("lhost-einsundeins-size.eml", "text", {"gus@example.de": (None, "mesgtoobig", "Transient")}),
    # ... and its Exim-style blocks: "SMTP error from remote server for TEXT command, host: ... reason: ...".
    (
        "lhost-einsundeins-smtp-error.eml",
        "text",
        {"ida@example.fr": ("5.2.0", None, "Transient"), "jon@example.de": ("5.1.1", "userunknown", "Permanent")},
    ),
    # IMail: the error's words before each address (the legacy detector's SMTP32 layout).
    (
        "lhost-imailserver-two.eml",
        "legacy",
        {
            "hal@imail.example.com": (None, "userunknown", "Permanent"),
            "ivy@imail.example.com": (None, "userunknown", "Permanent"),
        },
    ),
    # au by KDDI: "Could not be delivered to: <rcpt>" / "As their mailbox is full.".
    ("lhost-kddi-mailbox-full.eml", "text", {"jun@ezweb.example.jp": (None, "mailboxfull", "Transient")}),
    ("lhost-mailfoundry-no-such-user.eml", "text", {"kim@example.com": (None, "userunknown", "Permanent")}),
    # McAfee: "<rcpt>   (reason)" lines beside a DSN part.
    (
        "lhost-mcafee-two.eml",
        "dsn",
        {
            "lou@example.co.jp": ("5.1.1", "userunknown", "Permanent"),
            "max@example.co.jp": (None, "userunknown", "Permanent"),
        },
    ),
    # MXLogic (Exim-based): "<rcpt>: reply" lines.
    (
        "lhost-mxlogic-two.eml",
        "text",
        {
            "ned@example.com": ("5.1.1", "userunknown", "Permanent"),
            "ola@example.com": ("5.2.2", "mailboxfull", "Transient"),
        },
    ),
    # Lotus Notes: the reason above each address.
    (
        "lhost-notes-two.eml",
        "text",
        {
            "pat@notes.example.jp": (None, "userunknown", "Permanent"),
            "quin@notes.example.jp": (None, "userunknown", "Permanent"),
        },
    ),
    ("lhost-surfcontrol-failed.eml", "text", {"rae@example.com": ("5.1.1", "userunknown", "Permanent")}),
    # X1: "rcpt [reason]".
    (
        "lhost-x1-two.eml",
        "text",
        {
            "sam@example.co.jp": (None, "userunknown", "Permanent"),
            "tia@example.co.jp": (None, "mailboxfull", "Transient"),
        },
    ),
    # X2: "<rcpt>:" blocks; a sender refusal is never the address's fault.
    (
        "lhost-x2-two.eml",
        "text",
        {"ugo@example.com": (None, "userunknown", "Permanent"), "val@example.com": ("5.7.1", "rejected", "Transient")},
    ),
    # X3: "  * rcpt" then "SMTP:RCPT host ...: reply".
    (
        "lhost-x3-two.eml",
        "text",
        {
            "wes@example.com": ("5.3.0", "userunknown", "Permanent"),
            "xia@example.com": ("5.2.2", "mailboxfull", "Transient"),
        },
    ),
    ("lhost-x6-rejected.eml", "text", {"yul@example.jp": ("5.1.1", "userunknown", "Permanent")}),
    # m-FILTER: address, "-------server message", "-------SMTP command".
    (
        "lhost-mfilter-two.eml",
        "text",
        {"zed@example.jp": (None, "userunknown", "Permanent"), "amy@example.jp": (None, "mailboxfull", "Transient")},
    ),
    # Sendmail V5: a transcript per recipient.
    (
        "lhost-v5sendmail-two.eml",
        "text",
        {"bo@example.com": (None, "userunknown", "Permanent"), "cy@example.com": (None, "mailboxfull", "Transient")},
    ),
    # amavisd-new: the blocking category after the id decides ("INFECTED": a virus).
    (
        "lhost-amavis-infected.eml",
        "mta-codes",
        {
            "abby@example.jp": ("5.7.0", "virusdetected", "Transient"),
            "cole@example.jp": ("5.7.0", "virusdetected", "Transient"),
        },
    ),
    # SendGrid: empty Status, an untyped Diagnostic-Code.
    (
        "lhost-sendgrid-two.eml",
        "dsn",
        {
            "dora@example.jp": ("5.1.1", "userunknown", "Permanent"),
            "emil@example.jp": ("5.2.2", "mailboxfull", "Transient"),
        },
    ),
    # PowerMTA: each recipient's X-PowerMTA-BounceCategory.
    (
        "lhost-powermta-two-categories.eml",
        "dsn",
        {
            "fern@example.net": ("5.2.2", "mailboxfull", "Transient"),
            "gail@example.com": (None, "hostunknown", "Permanent"),
        },
    ),
    # Courier: the reason in the text part only ("No such domain.").
    ("lhost-courier-no-such-domain.eml", "dsn", {"finn@nohost.example.net": (None, "hostunknown", "Permanent")}),
    # X4's other opening ("This is the machine generated message from mail service"), qmail's DNS failure.
    (
        "lhost-x4-machine-generated.eml",
        "text",
        {
            "lev@example.ru": ("5.1.1", "userunknown", "Permanent"),
            "mia@example.ru": ("5.1.2", "hostunknown", "Permanent"),
        },
    ),
    # qmail clones (Sisimai's X4): "<rcpt>:" blocks, qmail's own and a remote's answer.
    (
        "lhost-x4-qmail-clone.eml",
        "text",
        {
            "nina@example.net": ("5.1.1", "userunknown", "Permanent"),
            "otto@example.net": ("5.2.2", "mailboxfull", "Transient"),
        },
    ),
]


def _newline(data: bytes, newline: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", newline)


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"], ids=["lf", "crlf", "cr"])
@pytest.mark.parametrize(("file", "detector", "expected"), LAYOUTS)
def test_sending_mta_layout(file, detector, expected, newline):
    from feedback.models import RawMessage
    from feedback.pipeline import classify

    from .conftest import fixture_bytes

    events = classify(RawMessage(data=_newline(fixture_bytes(file), newline), source=file))
    assert {e.kind for e in events} == {"bounce"}
    assert {e.detector for e in events} == {detector}
    assert {e.recipient for e in events} == set(expected)
    for e in events:
        status, reason, bounce_type = expected[e.recipient]
        if status is not None:
            assert e.status == status, e.recipient
        if reason is not None:
            assert e.reason == reason, e.recipient
        assert e.bounce_type == bounce_type, e.recipient


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
