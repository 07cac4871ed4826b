"""Abuse Reporting Format complaints (RFC 5965, RFC 6591 auth-failure reports).

SES forwards ISP complaints as ``multipart/report; report-type=feedback-report``
from complaints@email-abuse.amazonses.com; some ISPs (older Yahoo, Hotmail
JMRP) send the same fields without the report type, or as plain text.
"""

from __future__ import annotations

import re
from email.message import Message

from ..models import COMPLAINT
from ..parse import Parsed, addresses, normalise_address, part_text
from .base import Detection, Finding
from .dsn import field_blocks

FEEDBACK_TYPES = ("message/feedback-report",)


class ARFDetector:
    """Reads the machine-readable feedback-report part."""

    name = "arf"

    def detect(self, msg: Parsed) -> Detection | None:
        parts = msg.parts_of_type(*FEEDBACK_TYPES)
        text = ""
        if parts:
            text = "\n".join(part_text(p) for p in parts)
        elif (
            msg.content_type == "multipart/report" and "feedback-report" in str(msg.msg.get("content-type", "")).lower()
        ):
            text = msg.body_text
        elif "feedback-type:" in msg.body_text[:8000].lower() and re.search(
            r"^feedback-type:\s*\S+", msg.body_text[:8000], re.I | re.M
        ):
            # ARF fields inline in a text body (Hotmail JMRP, some forwarders).
            text = msg.body_text
        if not text:
            return None
        fields: dict[str, str] = {}
        for b in field_blocks(text):
            for k, v in b.items():
                fields.setdefault(k, v)
        if not any(k in fields for k in ("feedback-type", "user-agent", "original-rcpt-to", "original-mail-from")):
            return None
        from ..original import find_original

        original = find_original(msg)
        rcpts = []
        for v in re.split(r"[,\n]", fields.get("original-rcpt-to", "")):
            a = normalise_address(v)
            if a:
                rcpts.append(a)
        if not rcpts and original is not None:
            # The complaining recipient is the original's To when the ISP
            # does not give Original-Rcpt-To (most do not, to protect users).
            from ..parse import decode_header

            rcpts = addresses(decode_header(original.get("to")))[:1]
        if not rcpts:
            rcpts = addresses(fields.get("removal-recipient", ""))[:1]
        ftype = (fields.get("feedback-type") or "abuse").strip().lower().split()[0]
        det = Detection(
            kind=COMPLAINT,
            detector=self.name,
            findings=[Finding(recipient=r, kind=COMPLAINT) for r in rcpts] or [Finding(recipient=None, kind=COMPLAINT)],
            feedback_type=ftype,
            user_agent=fields.get("user-agent") or None,
            source_ip=fields.get("source-ip") or None,
            arrival_date=fields.get("arrival-date") or fields.get("received-date") or None,
            reporting_mta=(fields.get("reporting-mta") or "").split(";")[-1].strip() or None,
            original=original,
        )
        if fields.get("original-mail-from"):
            det.origin["original_from"] = (
                normalise_address(fields["original-mail-from"]) or fields["original-mail-from"]
            )
        return det


class JMRPDetector:
    """Microsoft's Junk Mail Reporting Program (Hotmail/Outlook.com): no ARF part,
    the reported message attached with an ``X-HmXmrOriginalRecipient`` header."""

    name = "jmrp"

    def detect(self, msg: Parsed) -> Detection | None:
        from ..parse import decode_header

        original: Message | None = None
        for part in msg.parts_of_type("message/rfc822"):
            payload = part.get_payload()
            if isinstance(payload, list) and payload and isinstance(payload[0], Message):
                if payload[0].get("x-hmxmroriginalrecipient"):
                    original = payload[0]
                    break
        if original is None:
            return None
        rcpt = normalise_address(decode_header(original.get("x-hmxmroriginalrecipient")))
        return Detection(
            kind=COMPLAINT,
            detector=self.name,
            findings=[Finding(recipient=rcpt, kind=COMPLAINT)],
            feedback_type="abuse",
            source_ip=decode_header(original.get("x-reporter-ip")) or None,
            original=original,
        )
