"""Exchange 5.5, 2000 and 2003 non-delivery reports written as plain text.

Exchange before 2007 (its Internet Mail Service, later SMTPSVC) wrote the
report as text, often with the delivery-status only inside a TNEF attachment
(``X-MS-Embedded-Report``)::

    Your message

      To:      list@example.org
      Subject: Hello
      Sent:    Fri, 4 Oct 2002 17:10:56 -0400

    did not reach the following recipient(s):

    rcpt@example.com on Fri, 4 Oct 2002 17:12:28 -0400
        The recipient name is not recognized
        MSEXCH:IMS:ORG:SITE:SERVER 0 (000C05A6) Unknown Recipient

Exchange 2003 words the list "The following recipient(s) could not be reached:"
and ends each entry with ``<server #5.1.1>``. The recipient line may be an
X.400 address carrying the SMTP one ("c=US;a= ;p=ORG;o=SITE;dda:SMTP=rcpt@...;").
The "To:" lines above the list echo the original's header: never a recipient.
Layout as read by Sisimai's Exchange2003 module (lib/Sisimai/Lhost/Exchange2003.pm).
"""

from __future__ import annotations

import re

from ..models import BOUNCE
from ..parse import ADDR_RE, Parsed, normalise_address
from .base import Detection, Finding
from .dsn import plain_address, x400_address
from .text import looks_like_bounce, report_text

# The sentence that opens the recipient list, by Exchange version.
_LIST_START = re.compile(
    r"^\s*(?:did not reach the following recipient\(s\):|"  # 5.5, 2000
    r"the following recipient\(s\) could not be reached:)\s*$",  # 2003
    re.I | re.M,
)
# "rcpt@example.com on <date>" (the date in the sender's locale) or the X.400 form.
_ENTRY = re.compile(r"^\s*'?(?P<addr>\S.*?)'?\s+on\s+\S.*$", re.I)
# Headers Exchange's own mailers set (Sisimai's Exchange2003 module tests the same).
_EXCHANGE_MARKS = (
    ("x-mailer", re.compile(r"^(?:Internet Mail Service \(|Microsoft Exchange Server Internet Mail Connector)", re.I)),
    ("x-mimeole", re.compile(r"^Produced By Microsoft Exchange", re.I)),
)


def _is_exchange(msg: Parsed) -> bool:
    if "x-ms-embedded-report" in {k.lower() for k in msg.msg.keys()}:
        return True
    return any(rx.search(msg.header(h)) for h, rx in _EXCHANGE_MARKS)


def _entry_address(text: str) -> str | None:
    """The SMTP address of one recipient line: plain, or inside an X.400 address."""
    if "=" in text and ";" in text:
        found = x400_address(text)
        if found:
            return found
    found = plain_address(text.strip("'\" "))
    if found:
        return found
    m = ADDR_RE.search(text)
    return normalise_address(m.group(1)) if m else None


class ExchangeLegacyDetector:
    """The text NDR of Exchange 5.5-2003: the recipient list after the echoed header."""

    name = "exchange-legacy"

    def detect(self, msg: Parsed) -> Detection | None:
        report = report_text(msg)
        start = _LIST_START.search(report[:8000])
        if start is None or not (_is_exchange(msg) or looks_like_bounce(msg)):
            return None
        lines = report[start.end() :].split("\n")
        entries: list[tuple[str, list[str]]] = []
        for line in lines:
            if not line.strip():
                continue
            m = _ENTRY.match(line)
            addr = _entry_address(m.group("addr")) if m else None
            if addr and not (entries and entries[-1][0].lower() == addr.lower()):
                entries.append((addr, [line.strip()]))
            elif entries:
                entries[-1][1].append(line.strip())
        if not entries:
            return None
        findings = [
            Finding(
                recipient=addr,
                diagnostic=" ".join(text)[:2000],
                action="failed",
                # An NDR is Exchange's final word: it retries before sending one.
                permanent=True,
            )
            for addr, text in entries
        ]
        return Detection(kind=BOUNCE, findings=findings, detector=self.name)
