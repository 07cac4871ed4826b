"""Stored events as Amazon SES notification objects (``feedback export --format ses-json``).

Field names are SES's (notificationType, bounce.bouncedRecipients[].emailAddress,
complaint.complaintFeedbackType, mail.messageId ...), so tools written for
SES's SNS notifications can read what the mailbox told us. One object per event.
"""

from __future__ import annotations

from typing import Any


def _present(e: dict[str, Any], **names: str) -> dict[str, Any]:
    """Our fields that have a value, under SES's names (ours="theirs")."""
    return {theirs: e[ours] for ours, theirs in names.items() if e.get(ours)}


def _mail(e: dict[str, Any]) -> dict[str, Any]:
    common = _present(e, original_subject="subject", original_message_id="messageId", original_date="date")
    for ours, theirs in (("original_from", "from"), ("original_to", "to")):
        if e.get(ours):
            common[theirs] = [e[ours]]
    mail: dict[str, Any] = {
        "timestamp": e.get("original_date") or e.get("received_at"),
        "messageId": e.get("ses_message_id"),
        "source": e.get("original_from"),
        "destination": [e["recipient"]] if e.get("recipient") else [],
        "commonHeaders": common,
    }
    if e.get("identity"):
        mail["sourceIdentity"] = e["identity"]
    if e.get("region"):
        mail["region"] = e["region"]
    return mail


def ses_notification(e: dict[str, Any]) -> dict[str, Any] | None:
    """The SES notification object for one stored event (None for kinds SES has none for)."""
    kind = e.get("kind")
    if kind == "bounce":
        rcpt = {
            "emailAddress": e.get("recipient"),
            **_present(e, action="action", status="status", diagnostic_code="diagnosticCode"),
        }
        bounce: dict[str, Any] = {
            "bounceType": e.get("bounce_type") or "Undetermined",
            "bounceSubType": e.get("bounce_subtype") or "Undetermined",
            "bouncedRecipients": [rcpt],
            "timestamp": e.get("received_at"),
            "feedbackId": e.get("feedback_id"),
        }
        if e.get("reporting_mta"):
            bounce["reportingMTA"] = f"dns; {e['reporting_mta']}"
        if e.get("remote_mta"):
            bounce["remoteMtaIp"] = e["remote_mta"]
        return {"notificationType": "Bounce", "bounce": bounce, "mail": _mail(e)}
    if kind == "complaint":
        complaint: dict[str, Any] = {
            "complainedRecipients": [{"emailAddress": e.get("recipient")}] if e.get("recipient") else [],
            "timestamp": e.get("received_at"),
            "feedbackId": e.get("feedback_id"),
            **_present(e, user_agent="userAgent", feedback_type="complaintFeedbackType", arrival_date="arrivalDate"),
        }
        return {"notificationType": "Complaint", "complaint": complaint, "mail": _mail(e)}
    if kind == "delivery":
        delivery = {
            "timestamp": e.get("received_at"),
            "recipients": [e["recipient"]] if e.get("recipient") else [],
            "smtpResponse": e.get("diagnostic_code"),
            "reportingMTA": e.get("reporting_mta"),
        }
        return {"notificationType": "Delivery", "delivery": delivery, "mail": _mail(e)}
    return None
