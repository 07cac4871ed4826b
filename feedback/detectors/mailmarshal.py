"""MailMarshal SMTP (Trustwave Secure Email Gateway): its own undeliverable notice.

Layout (Sisimai's MailMarshalSMTP and MailMarshal modules,
lib/Sisimai/Lhost/MailMarshal.pm)::

    Subject: Undeliverable Mail: "<original subject>"

    Your message:
       From:    sender@example.org
       Subject: ...

    Could not be delivered because of

    550 5.1.1 User unknown

    The following recipients were affected:
        rcpt1@example.com
        rcpt2@example.com

    Additional Information
    ======================
    Original Sender:    <sender@example.org>
    Remote-MTA:         <192.0.2.1>
    Reporting-MTA:      <relay.example.com>

One reason is given for every recipient listed: each gets the same diagnostic.
"""

from __future__ import annotations

import re

from ..models import BOUNCE
from ..parse import ADDR_RE, Parsed, normalise_address
from .base import Detection, Finding
from .text import report_text

_SUBJECT = re.compile(r'^\s*Undeliverable Mail: "', re.I)
_BECAUSE = re.compile(r"^\s*Could not be delivered because of\s*$", re.I | re.M)
_AFFECTED = re.compile(r"^\s*The following recipients were affected:\s*$", re.I | re.M)
_INFO = re.compile(r"^\s*Additional Information\s*$", re.I | re.M)
_FIELD = re.compile(r"^(Remote-MTA|Reporting-MTA):\s*<([^<>]+)>", re.I | re.M)


class MailMarshalDetector:
    """A MailMarshal gateway's notice that it could not deliver a message."""

    name = "mailmarshal"

    def detect(self, msg: Parsed) -> Detection | None:
        if not _SUBJECT.match(msg.subject):
            return None
        report = report_text(msg)
        affected = _AFFECTED.search(report)
        because = _BECAUSE.search(report)
        if affected is None or because is None:
            return None
        diagnostic = re.sub(r"\s+", " ", report[because.end() : affected.start()]).strip()
        rest = report[affected.end() :]
        info = _INFO.search(rest)
        fields = {k.lower(): v.strip() for k, v in _FIELD.findall(rest[info.start() :] if info else "")}
        recipients: list[str] = []
        for line in (rest[: info.start()] if info else rest).split("\n"):
            if not line.strip():
                continue
            if not line[:1].isspace():
                break
            addr = normalise_address(line.strip().strip("<>"))
            if addr and ADDR_RE.fullmatch(addr) and addr not in recipients:
                recipients.append(addr)
        if not recipients:
            return None
        findings = [
            Finding(
                recipient=r,
                diagnostic=diagnostic[:2000],
                remote_mta=fields.get("remote-mta"),
                action="failed",
            )
            for r in recipients
        ]
        return Detection(kind=BOUNCE, findings=findings, detector=self.name, reporting_mta=fields.get("reporting-mta"))
