"""Verizon (verizon.net): mailboxes hosted by AOL, now Yahoo Inc., since 2017.

Verizon publishes no error-code page of its own for verizon.net; its MX
(``mx-aol.mail.gm0.yahoodns.net``) is Yahoo's, so its replies are Yahoo's:
see https://senders.yahooinc.com/smtp-error-codes and ``yahoo.py``. A reply
whose remote MTA is a Yahoo host is identified as Yahoo; this module only
claims verizon.net recipients reported without a remote MTA.
"""

from .base import Receiver
from .yahoo import ERROR_CODES
from .yahoo import RULES as YAHOO_RULES

RECEIVER = Receiver(
    name="verizon",
    hosts=(),
    domains=("verizon.net",),
    rules=YAHOO_RULES,
    source=ERROR_CODES,
)
