"""Amazon SES notifications delivered by mail (SNS email subscription), as JSON.

Formats: the bare SES notification object (SNS protocol "email"), or the SNS
envelope whose ``Message`` is that object as a string ("email-json"). Both
shapes SES writes are read: feedback notifications (``notificationType``:
Bounce, Complaint, Delivery) and event publishing (``eventType``: those plus
Send, Reject, DeliveryDelay, Open, Click, Rendering Failure, Subscription),
after the pages "Amazon SNS notification contents for Amazon SES" and
"Contents of event data that Amazon SES publishes to Amazon SNS". Mail
servers fold long lines, so the JSON may arrive with line breaks inside
strings: they are undone before giving up.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..models import (
    BOUNCE,
    CLICK,
    COMPLAINT,
    DELAY,
    DELIVERY,
    OPEN,
    OTHER,
    REJECT,
    RENDERING_FAILURE,
    SEND,
    SUBSCRIPTION,
)
from ..parse import Parsed, normalise_address
from .base import Detection, Finding

# SES's type names (lower-cased, spaces dropped) -> our kinds.
_SES_TYPES = {
    "bounce": BOUNCE,
    "complaint": COMPLAINT,
    "delivery": DELIVERY,
    "send": SEND,
    "reject": REJECT,
    "deliverydelay": DELAY,
    "open": OPEN,
    "click": CLICK,
    "renderingfailure": RENDERING_FAILURE,
    "subscription": SUBSCRIPTION,
}

# DeliveryDelay ``delayType`` -> reason word (the SES page describes each type).
_DELAY_REASONS = {
    "InternalFailure": "systemerror",
    "General": "undefined",
    "MailboxFull": "mailboxfull",
    "SpamDetected": "spamdetected",
    "RecipientServerError": "systemerror",
    "IPFailure": "blocked",
    "TransientCommunicationFailure": "networkerror",
    "BYOIPHostNameLookupUnavailable": "systemerror",
    "Undetermined": "undefined",
    "SendingDeferral": "onhold",
}


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


def ses_type(obj: dict[str, Any]) -> str:
    """Our kind for an SES notification object (``other`` for a type SES has not documented)."""
    name = str(obj.get("notificationType") or obj.get("eventType") or "")
    return _SES_TYPES.get(name.replace(" ", "").lower(), OTHER)


def _header(mail: dict[str, Any], name: str) -> str | None:
    for h in mail.get("headers") or []:
        if isinstance(h, dict) and str(h.get("name", "")).lower() == name.lower():
            return str(h.get("value"))
    return None


def _dict(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def _list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else []


def _address(v: Any) -> str | None:
    if isinstance(v, dict):
        v = v.get("emailAddress")
    return normalise_address(str(v)) if v else None


def opted_out(sub: dict[str, Any]) -> bool:
    """Whether a Subscription event says the contact unsubscribed.

    ``unsubscribeAll`` in the new preferences, or a topic that is ``OptOut``
    now and was not before (a topic opted out long ago is not news).
    """
    new, old = _dict(sub.get("newTopicPreferences")), _dict(sub.get("oldTopicPreferences"))
    if new.get("unsubscribeAll") is True and old.get("unsubscribeAll") is not True:
        return True
    before = {
        str(t.get("topicName")): str(t.get("subscriptionStatus"))
        for t in _list(old.get("topicSubscriptionStatus"))
        if isinstance(t, dict)
    }
    for t in _list(new.get("topicSubscriptionStatus")):
        if isinstance(t, dict) and str(t.get("subscriptionStatus")) == "OptOut":
            if before.get(str(t.get("topicName"))) != "OptOut":
                return True
    return False


class SNSDetector:
    """SES notifications (every type SES documents) in a mail body."""

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
        kind = ses_type(obj)
        mail = obj["mail"]
        det = Detection(kind=kind, detector=self.name)
        det.notification = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
        det.findings = _findings(kind, obj, det)
        source_arn = str(mail.get("sourceArn") or "")
        arn = re.match(r"arn:aws:ses:([a-z0-9-]+):", source_arn)
        common = _dict(mail.get("commonHeaders"))
        det.origin.update(
            {
                "ses_message_id": mail.get("messageId"),
                "region": arn.group(1) if arn else None,
                "original_message_id": _header(mail, "Message-ID") or common.get("messageId"),
                "original_from": _first(common.get("from")) or mail.get("source"),
                "original_to": _first(common.get("to")),
                "original_subject": common.get("subject") or _header(mail, "Subject"),
                "original_date": common.get("date") or _header(mail, "Date") or mail.get("timestamp"),
                "source_ip": mail.get("sourceIp"),
            }
        )
        return det


def _findings(kind: str, obj: dict[str, Any], det: Detection) -> list[Finding]:
    """One finding per recipient the notification is about."""
    mail = obj["mail"]
    destination = [a for a in (_address(d) for d in _list(mail.get("destination"))) if a]
    findings: list[Finding] = []
    if kind == BOUNCE:
        b = _dict(obj.get("bounce"))
        det.reporting_mta = _mta(b.get("reportingMTA"))
        det.arrival_date = b.get("timestamp")
        for r in _list(b.get("bouncedRecipients")):
            findings.append(
                Finding(
                    recipient=_address(r),
                    status=_dict(r).get("status"),
                    action=_dict(r).get("action"),
                    diagnostic=str(_dict(r).get("diagnosticCode") or ""),
                    remote_mta=b.get("remoteMtaIp"),
                    bounce_type=b.get("bounceType"),
                    bounce_subtype=b.get("bounceSubType"),
                    reason=_ses_reason(b),
                    kind=BOUNCE,
                )
            )
        det.origin["feedback_id"] = b.get("feedbackId")
    elif kind == COMPLAINT:
        c = _dict(obj.get("complaint"))
        det.feedback_type = c.get("complaintFeedbackType")
        det.user_agent = c.get("userAgent")
        det.arrival_date = c.get("arrivalDate") or c.get("timestamp")
        for r in _list(c.get("complainedRecipients")):
            findings.append(Finding(recipient=_address(r), kind=COMPLAINT))
        det.origin["feedback_id"] = c.get("feedbackId")
    elif kind == DELIVERY:
        d = _dict(obj.get("delivery"))
        det.reporting_mta = _mta(d.get("reportingMTA"))
        det.arrival_date = d.get("timestamp")
        smtp = str(d.get("smtpResponse") or "")
        m = re.search(r"\b2\.\d{1,3}\.\d{1,3}\b", smtp)
        for r in _list(d.get("recipients")):
            findings.append(
                Finding(
                    recipient=_address(r),
                    status=m.group(0) if m else "2.0.0",
                    diagnostic=smtp,
                    remote_mta=d.get("remoteMtaIp"),
                    kind=DELIVERY,
                    reason="delivered",
                )
            )
    elif kind == DELAY:
        d = _dict(obj.get("deliveryDelay"))
        det.reporting_mta = _mta(d.get("reportingMTA"))
        det.arrival_date = d.get("timestamp")
        for r in _list(d.get("delayedRecipients")):
            findings.append(
                Finding(
                    recipient=_address(r),
                    status=_dict(r).get("status"),
                    action="delayed",
                    diagnostic=str(_dict(r).get("diagnosticCode") or ""),
                    will_retry_until=d.get("expirationTime"),
                    reason=_DELAY_REASONS.get(str(d.get("delayType")), "undefined"),
                    kind=DELAY,
                )
            )
    elif kind in (SEND, REJECT, RENDERING_FAILURE):
        # The message as a whole: every destination it had (or would have had).
        detail = _dict(obj.get("reject")) if kind == REJECT else _dict(obj.get("failure"))
        text = str(detail.get("reason") or detail.get("errorMessage") or "")
        det.arrival_date = mail.get("timestamp")
        reason = "virusdetected" if kind == REJECT else None
        findings = [Finding(recipient=a, diagnostic=text, reason=reason, kind=kind) for a in destination]
    elif kind in (OPEN, CLICK, SUBSCRIPTION):
        # SES does not say which recipient opened, clicked or changed their
        # preferences: only a mail with a single destination names them.
        detail = _dict(obj.get({OPEN: "open", CLICK: "click"}.get(kind, "subscription")))
        det.arrival_date = detail.get("timestamp")
        det.user_agent = detail.get("userAgent")
        if kind == SUBSCRIPTION:
            det.feedback_type = "opt-out" if opted_out(detail) else "opt-in"
        reason = "feedback" if det.feedback_type == "opt-out" else None
        rcpt = destination[0] if len(destination) == 1 else None
        findings = [Finding(recipient=rcpt, reason=reason, kind=kind)]
    return findings


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
