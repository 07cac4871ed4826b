"""Apache James's bounce notice (also sent by Verizon's vtext.com gateway).

James's notify mailets (AbstractNotify.java in apache-james 2.3) write the
error, then an echo of the returned message's envelope::

    Error message below:
    550 - Requested action not taken: no such user here

    Message details:
      Subject: ...
      Sent date: ...
      MAIL FROM: sender@example.org
      RCPT TO: rcpt@example.com
      From: ...
      Size (in bytes): 512
      Number of lines: 10

The recipients are the ``RCPT TO:`` line's; the error is everything above
"Message details:". The details are no diagnostic: "Size (in bytes): 512"
is a byte count, not an SMTP reply. Markers as in Sisimai's ApacheJames and
Verizon modules (subject "[BOUNCE]", a ``.JavaMail.`` Message-ID, "JAMES SMTP
Server" or vtext.com in Received).
"""

from __future__ import annotations

import re

from ..models import BOUNCE
from ..parse import Parsed, addresses
from .base import Detection, Finding
from .text import report_text

_DETAILS = re.compile(r"^Message details:\s*$", re.M)
_RCPT_TO = re.compile(r"^[ \t]+RCPT TO:[ \t]*(.+)$", re.M)


def _is_james(msg: Parsed) -> bool:
    if msg.subject.strip() == "[BOUNCE]" or ".JavaMail." in msg.header("message-id"):
        return True
    received = " ".join(str(v) for v in msg.msg.get_all("received") or [])
    return "JAMES SMTP Server" in received or ".vtext.com" in received


class JamesDetector:
    """An Apache James notice: the error above, the envelope in "Message details"."""

    name = "james"

    def detect(self, msg: Parsed) -> Detection | None:
        if not _is_james(msg):
            return None
        report = report_text(msg)
        details = _DETAILS.search(report)
        if details is None:
            return None
        rcpt_line = _RCPT_TO.search(report, details.end())
        if rcpt_line is None:
            return None
        recipients = list(dict.fromkeys(a.lower() for a in addresses(rcpt_line.group(1))))
        if not recipients:
            return None
        error = re.sub(r"\s+", " ", report[: details.start()]).strip()[:2000]
        findings = [Finding(recipient=r, diagnostic=error, action="failed") for r in recipients]
        return Detection(kind=BOUNCE, findings=findings, detector=self.name)
