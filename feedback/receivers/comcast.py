"""Comcast / Xfinity (comcast.net; legacy inbound MX ``mx*.comcast.net``).

Error-code page: Xfinity "Email error codes",
https://www.xfinity.com/support/articles/email-errors (the ES* dynamic-IP
and BL* block-list codes; formerly postmaster.comcast.net's
"mail-error-codes" page, which also lists the non-specific 421 replies
about sessions and reverse DNS).

Comcast moved its mailboxes to Yahoo Mail in 2025: replies from Yahoo's
MX are identified as Yahoo by host; for a comcast.net recipient without a
remote MTA the Yahoo rules are tried after Comcast's own.
"""

from .base import Receiver, Rule
from .yahoo import RULES as YAHOO_RULES

ERROR_CODES = "https://www.xfinity.com/support/articles/email-errors"
POSTMASTER = "http://postmaster.comcast.net/mail-error-codes.html"

RULES: tuple[Rule, ...] = (
    # ES000001/ES000010: dynamic/residential IP space; BL000000-BL000111 (older BL001-BL0010): block lists.
    Rule(r"es0000[01][01]\b", "blocked", ERROR_CODES),
    Rule(r"bl0\d{2,5}\b", "blocked", ERROR_CODES),
    Rule(r"too many sessions opened", "toomanyconn", POSTMASTER),
    Rule(r"reverse dns failure", "requireptr", POSTMASTER),
    Rule(r"comcast requires that all mail servers must have a ptr record", "requireptr", POSTMASTER),
) + YAHOO_RULES

RECEIVER = Receiver(
    name="comcast",
    hosts=("comcast.net",),
    domains=("comcast.net",),
    rules=RULES,
    markers=("help.comcast.net/content/faq/",),
    source=ERROR_CODES,
)
