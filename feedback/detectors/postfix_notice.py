"""Postfix's SMTP server notice to the postmaster: the session that failed.

Sample: with ``notify_classes`` including ``resource``/``software``/``protocol``,
smtpd mails "Postfix SMTP server: errors from HOST[IP]" with a transcript of the
session ("Out: 220 ...", "In:  RCPT TO:<...>", "Out: 451 4.3.0 Error: queue file
write error"). No DSN part: the recipients are the RCPT TO lines, and the
failure is the first 4xx/5xx the server answered.
"""

from __future__ import annotations

import re

from ..models import BOUNCE
from ..parse import Parsed, normalise_address
from ..reasons import find_status
from .base import Detection, Finding

_SUBJECT = re.compile(r"^Postfix SMTP server: errors from ", re.I)
_LINE = re.compile(r"^\s*(In|Out):\s+(.*)$")
_RCPT = re.compile(r"^RCPT TO:\s*<([^>]*)>", re.I)
_REPLY = re.compile(r"^([245])\d\d\b")


def transcript(body: str) -> list[tuple[str, str]]:
    """("In"|"Out", line) pairs; Postfix folds long lines with leading spaces."""
    out: list[tuple[str, str]] = []
    started = False
    for raw in body.splitlines():
        m = _LINE.match(raw)
        if m:
            out.append((m.group(1), m.group(2).strip()))
            started = True
        elif started and raw[:1] in (" ", "\t") and raw.strip() and out:
            side, text = out[-1]
            out[-1] = (side, f"{text} {raw.strip()}")
        elif started and not raw.strip() and len(out) > 2:
            break
    return out


class PostfixNoticeDetector:
    """Postfix smtpd's "errors from" notice: who was refused, at which command."""

    name = "postfix-notice"

    def detect(self, msg: Parsed) -> Detection | None:
        if not _SUBJECT.match(msg.subject) or "transcript of session follows" not in msg.body_text[:2000].lower():
            return None
        accepted: list[str] = []
        findings: list[Finding] = []
        command = ""
        for side, text in transcript(msg.body_text):
            if side == "In":
                command = text
                continue
            reply = _REPLY.match(text)
            if reply is None:
                continue
            rcpt = _RCPT.match(command)
            if reply.group(1) == "2":
                if rcpt:
                    accepted.append(rcpt.group(1))
                continue
            if rcpt:
                # A refused RCPT concerns that address; the session goes on.
                findings.append(_finding(rcpt.group(1), text, "RCPT"))
                continue
            verb = command.split(":")[0].split()[0].upper() if command.strip() else "CONN"
            # A refusal at DATA or after it: every recipient the server had accepted.
            findings += [_finding(r, text, verb if verb in _VERBS else "DATA") for r in accepted]
            break
        findings = [f for f in findings if f.recipient]
        if not findings:
            return None
        return Detection(kind=BOUNCE, findings=findings, detector=self.name)


_VERBS = {"MAIL", "RCPT", "DATA", "EHLO", "HELO", "BDAT"}


def _finding(rcpt: str, reply: str, command: str) -> Finding:
    return Finding(
        recipient=normalise_address(rcpt),
        status=find_status(reply),
        reply_code=reply[:3],
        diagnostic=reply,
        command=command,
        action="failed" if reply.startswith("5") else "delayed",
    )
