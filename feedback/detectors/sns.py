"""Amazon SES notifications delivered by mail (SNS email subscription), as JSON.

Formats: the bare SES notification object (``notificationType`` or, for
event publishing, ``eventType``), or the SNS envelope whose ``Message`` is that
object as a string. Mail servers fold long lines, so the JSON may arrive with
line breaks inside strings: they are undone before giving up.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..models import BOUNCE, COMPLAINT, DELIVERY, OTHER
from ..parse import Parsed, normalise_address
from .base import Detection, Finding

_SES_TYPES = {"bounce": BOUNCE, "complaint": COMPLAINT, "delivery": DELIVERY}


def _loads(text: str) -> Any:
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        return None
    body = text[start : end + 1]
    for candidate in (body, body.replace("\n ", "").replace("\n", ""), body.replace("\n", " ")):
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    return None


def notification(text: str) -> dict[str, Any] | None:
    """The SES notification object in ``text`` (unwrapping an SNS envelope), or None."""
    obj = _loads(text)
    if isinstance(obj, dict) and isinstance(obj.get("Message"), str):
        inner = _loads(obj["Message"])
        obj = inner if isinstance(inner, dict) else None
    if not isinstance(obj, dict):
        return None
    if not (obj.get("notificationType") or obj.get("eventType")) or not isinstance(obj.get("mail"), dict):
        return None
    return obj


def _header(mail: dict[str, Any], name: str) -> str | None:
    for h in mail.get("headers") or []:
        if isinstance(h, dict) and str(h.get("name", "")).lower() == name.lower():
            return str(h.get("value"))
    return None


class SNSDetector:
    """SES bounce/complaint/delivery notifications in a mail body."""

    name = "ses-sns"

    def detect(self, msg: Parsed) -> Detection | None:
        # The keys are plain ASCII in any 7bit/8bit/quoted-printable body:
        # one byte search rules out nearly all mail without decoding it.
        raw = msg.raw
        if b"otificationType" not in raw and b"eventType" not in raw and b"ase64" not in raw and b"ASE64" not in raw:
            return None
        text = msg.body_text
        if "{" not in text or ("notificationType" not in text and "eventType" not in text):
            return None
        obj = notification(text)
        if obj is None:
            return None
        ntype = str(obj.get("notificationType") or obj.get("eventType") or "").lower()
        kind = _SES_TYPES.get(ntype, OTHER)
        mail = obj["mail"]
        findings: list[Finding] = []
        det = Detection(kind=kind, detector=self.name)
        if kind == BOUNCE:
            b = obj.get("bounce") or {}
            det.reporting_mta = _mta(b.get("reportingMTA"))
            det.arrival_date = b.get("timestamp")
            for r in b.get("bouncedRecipients") or []:
                findings.append(
                    Finding(
                        recipient=normalise_address(str(r.get("emailAddress", ""))),
                        status=r.get("status"),
                        action=r.get("action"),
                        diagnostic=str(r.get("diagnosticCode") or ""),
                        bounce_type=b.get("bounceType"),
                        bounce_subtype=b.get("bounceSubType"),
                        reason=_ses_reason(b),
                        kind=BOUNCE,
                    )
                )
            det.origin["feedback_id"] = b.get("feedbackId")
        elif kind == COMPLAINT:
            c = obj.get("complaint") or {}
            det.feedback_type = c.get("complaintFeedbackType")
            det.user_agent = c.get("userAgent")
            det.arrival_date = c.get("arrivalDate") or c.get("timestamp")
            for r in c.get("complainedRecipients") or []:
                findings.append(Finding(recipient=normalise_address(str(r.get("emailAddress", ""))), kind=COMPLAINT))
            det.origin["feedback_id"] = c.get("feedbackId")
        elif kind == DELIVERY:
            d = obj.get("delivery") or {}
            det.reporting_mta = _mta(d.get("reportingMTA"))
            det.arrival_date = d.get("timestamp")
            smtp = str(d.get("smtpResponse") or "")
            m = re.search(r"\b2\.\d{1,3}\.\d{1,3}\b", smtp)
            for r in d.get("recipients") or []:
                findings.append(
                    Finding(
                        recipient=normalise_address(str(r)),
                        status=m.group(0) if m else "2.0.0",
                        diagnostic=smtp,
                        kind=DELIVERY,
                        reason="delivered",
                    )
                )
        det.findings = findings
        source_arn = str(mail.get("sourceArn") or "")
        arn = re.match(r"arn:aws:ses:([a-z0-9-]+):", source_arn)
        common = mail.get("commonHeaders") or {}
        det.origin.update(
            {
                "ses_message_id": mail.get("messageId"),
                "region": arn.group(1) if arn else None,
                "original_message_id": _header(mail, "Message-ID") or common.get("messageId"),
                "original_from": _first(common.get("from")) or mail.get("source"),
                "original_to": _first(common.get("to")),
                "original_subject": common.get("subject") or _header(mail, "Subject"),
                "original_date": common.get("date") or mail.get("timestamp"),
                "source_ip": mail.get("sourceIp"),
            }
        )
        det.origin["headers_json"] = json.dumps(mail.get("headers") or [])
        return det


def _first(v: Any) -> str | None:
    if isinstance(v, list):
        return str(v[0]) if v else None
    return str(v) if v else None


def _mta(v: Any) -> str | None:
    if not v:
        return None
    s = str(v)
    return s.split(";", 1)[1].strip() if ";" in s else s


def _ses_reason(b: dict[str, Any]) -> str | None:
    sub = str(b.get("bounceSubType") or "")
    return {
        "Suppressed": "suppressed",
        "OnAccountSuppressionList": "suppressed",
        "NoEmail": "userunknown",
        "MailboxFull": "mailboxfull",
        "MessageTooLarge": "mesgtoobig",
        "ContentRejected": None,
        "AttachmentRejected": None,
    }.get(sub)
