"""Stored events as Amazon SES notification objects (``feedback export --format ses-json``).

Field names are SES's (notificationType, bounce.bouncedRecipients[].emailAddress,
complaint.complaintFeedbackType, mail.messageId ...), so tools written for
SES's SNS notifications can read what the mailbox told us. One object per event.
"""

from __future__ import annotations

from typing import Any


def _mail(e: dict[str, Any]) -> dict[str, Any]:
    common: dict[str, Any] = {}
    if e.get("original_from"):
        common["from"] = [e["original_from"]]
    if e.get("original_to"):
        common["to"] = [e["original_to"]]
    if e.get("original_subject"):
        common["subject"] = e["original_subject"]
    if e.get("original_message_id"):
        common["messageId"] = e["original_message_id"]
    if e.get("original_date"):
        common["date"] = e["original_date"]
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
        rcpt: dict[str, Any] = {"emailAddress": e.get("recipient")}
        for ours, theirs in (("action", "action"), ("status", "status"), ("diagnostic_code", "diagnosticCode")):
            if e.get(ours):
                rcpt[theirs] = e[ours]
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
        }
        if e.get("user_agent"):
            complaint["userAgent"] = e["user_agent"]
        if e.get("feedback_type"):
            complaint["complaintFeedbackType"] = e["feedback_type"]
        if e.get("arrival_date"):
            complaint["arrivalDate"] = e["arrival_date"]
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
