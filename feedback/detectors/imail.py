"""Ipswitch IMail Server (SMTP32): its plain "Undeliverable Mail" notice.

Layout (Sisimai's IMailServer module, lib/Sisimai/Lhost/IMailServer.pm),
one line per failed recipient, the error's words before the address::

    Subject: Undeliverable Mail
    X-Mailer: <SMTP32 v8.22>

    Unknown user: rcpt1@example.com
    Delivery failed 20 attempts: rcpt2@example.com
    undeliverable to rcpt3@example.com
    Body of message generated response:
    550 ... (the remote's answer, for the recipient above)

    Original message follows.

The generic text reader wants the address first on its line, so it sees
only the first recipient of this layout.
"""

from __future__ import annotations

import re

from ..models import BOUNCE
from ..parse import Parsed, normalise_address
from .base import Detection, Finding
from .text import report_text

_SUBJECT = re.compile(r"^\s*Undeliverable Mail\s*$", re.I)
# "Unknown user: rcpt@..." (the words contain a space: "To: x@" is an echoed header).
_WORDS_LINE = re.compile(r"^(\S+ [^:\n]*?):\s*<?([^\s<>]+@[^\s<>]+?)>?\s*$")
_UNDELIVERABLE = re.compile(r"^undeliverable\s+to\s+<?([^\s<>]+@[^\s<>]+?)>?\s*$", re.I)


class IMailDetector:
    """An IMail server's undeliverable notice."""

    name = "imail"

    def detect(self, msg: Parsed) -> Detection | None:
        if not (msg.header("x-mailer").strip().startswith("<SMTP32 v") or _SUBJECT.match(msg.subject)):
            return None
        findings: list[Finding] = []
        for raw in report_text(msg).split("\n"):
            line = raw.strip()
            if not line:
                continue
            m = _WORDS_LINE.match(line)
            u = None if m else _UNDELIVERABLE.match(line)
            if m or u:
                rcpt = normalise_address(m.group(2) if m else u.group(1))  # type: ignore[union-attr]
                if rcpt:
                    findings.append(Finding(recipient=rcpt, diagnostic=m.group(1) if m else line, action="failed"))
                    continue
            if findings:
                # The lines after a recipient ("Body of message generated response: 550 ...") are its answer.
                findings[-1].diagnostic = f"{findings[-1].diagnostic} {line}"
        if not findings:
            return None
        seen: dict[str, Finding] = {}
        for f in findings:
            seen.setdefault(f.recipient or "", f)
        for f in seen.values():
            f.diagnostic = f.diagnostic[:2000]
        return Detection(kind=BOUNCE, findings=list(seen.values()), detector=self.name)
