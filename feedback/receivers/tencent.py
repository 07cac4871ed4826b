"""Tencent: QQ Mail (qq.com, foxmail.com) and Tencent Exmail (business, mxbiz*.qq.com).

QQ's replies are short English sentences followed by a help link
("550 Mailbox not found. http://service.mail.qq.com/cgi-bin/help?...no=1000728");
each sentence has its own page under https://service.mail.qq.com/detail/122
(the numbers below are the pages Sisimai Rhost/Tencent.pm cites). A missing
mailbox is "Mailbox not found" and is userunknown whatever the SMTP stage; the
frequency limits are about our sending rate, never about the recipient.
"""

from __future__ import annotations

from .base import Receiver, Rule

INDEX = "https://service.mail.qq.com/detail/122"


def _page(n: int) -> str:
    return f"https://service.mail.qq.com/detail/122/{n} (via Sisimai Rhost/Tencent.pm)"


SMTPCODES = "https://smtp.codes/qq (quotes the QQ replies and their help pages)"

RULES: tuple[Rule, ...] = (
    Rule(r"\bmailbox not found\b", "userunknown", _page(169)),
    Rule(
        r"is a deactivated mailbox",
        "suspend",
        "http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000742",
    ),
    # The recipient's own blacklist or filter rule.
    Rule(r"mail is rejected by recipients", "filtered", f"{_page(92)}; {SMTPCODES}"),
    Rule(r"spf check failed|dmarc check failed", "authfailure", _page(72)),
    Rule(r"suspected spam ip", "blocked", _page(66)),
    Rule(r"suspected bounce attacks", "blocked", _page(57)),
    # "Suspected of spam/a large amount of spam was sent from the domain name or mail operator."
    Rule(r"suspected spam sender", "blocked", SMTPCODES),
    Rule(r"connection frequency limited", "toomanyconn", _page(175)),
    Rule(r"(?:ip|domain|sender) frequency limited", "ratelimited", f"{_page(172)}; {_page(173)}; {_page(174)}"),
    # "The server IP's sending frequency greatly exceeds QQ Mail's limits."
    Rule(r"connection denied", "ratelimited", _page(170)),
    # The recipient receives too much mail in a short time; sending to it is paused.
    Rule(
        r"mailbox unavailable or access deni(?:e|ne)d|frequency of receiving messages is limited",
        "ratelimited",
        f"{_page(166)}; {_page(1011)}",
    ),
    Rule(r"spam is embedded in the email|mail content denied", "spamdetected", f"{_page(59)}; {_page(171)}"),
    Rule(
        r"error: content rejected", "spamdetected", "https://qqmailbox.com/transceivers/169.html (QQ bounce keywords)"
    ),
    Rule(r"\bsuspected spam\b", "spamdetected", _page(71)),
    Rule(r"message too large", "mesgtoobig", _page(168)),
    Rule(r"bad address syntax", "syntaxerror", _page(167)),
)

RECEIVER = Receiver(
    name="tencent",
    hosts=("qq.com",),
    domains=("qq.com", "foxmail.com"),
    rules=RULES,
    markers=("service.mail.qq.com", "service.exmail.qq.com"),
    source=INDEX,
)
