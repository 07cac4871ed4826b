"""Stored events as Amazon SES's own JSON (``feedback export --format ses-json|ses-events``).

Two shapes, after the pages "Amazon SNS notification contents for Amazon SES"
(``ses-json``: ``notificationType`` Bounce, Complaint, Delivery) and "Contents
of event data that Amazon SES publishes to Amazon SNS" (``ses-events``:
``eventType``, every type). A notification SES mailed us is written as it
arrived, every field passed through unchanged (only the type key renamed when
the other shape is asked for); one object per notification, however many
recipients and events it covers. Events SES never told in JSON (DSNs, ARF
reports, other MTAs' bounces) are built field by field: timestamps ISO 8601 UTC
with milliseconds, ``commonHeaders`` as SES builds them (``from`` and ``to`` as
lists, ``date`` as the header was written), a ``feedbackId`` derived from the
reporting message and the recipient (unique per object, the same on every
run). What we add (identity, region, reason ...) is under the one key
``feedback``, which SES never writes.
"""

from __future__ import annotations

import datetime
import email.utils
import hashlib
import ipaddress
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .detectors.sns import ses_type
from .pipeline import iso_date

SHAPES = ("ses-json", "ses-events")
# The types SES's feedback notifications (``notificationType``) have.
CLASSIC_KINDS = ("bounce", "complaint", "delivery")
# SES's type name and object key of each kind.
SES_NAMES = {
    "bounce": ("Bounce", "bounce"),
    "complaint": ("Complaint", "complaint"),
    "delivery": ("Delivery", "delivery"),
    "send": ("Send", "send"),
    "reject": ("Reject", "reject"),
    "delay": ("DeliveryDelay", "deliveryDelay"),
    "open": ("Open", "open"),
    "click": ("Click", "click"),
    "rendering_failure": ("Rendering Failure", "failure"),
    "subscription": ("Subscription", "subscription"),
}
EXTRA_KEY = "feedback"
# Event columns repeated per event under ``feedback.events``.
_EXTRA_FIELDS = (
    "id",
    "recipient",
    "kind",
    "reason",
    "status",
    "bounce_type",
    "bounce_subtype",
    "feedback_type",
    "remote_mta",
    "correlation",
    "received_at",
)


def iso_ms(value: str | None) -> str | None:
    """A date (ISO 8601 or RFC 5322) as SES writes times: ``2026-11-24T10:00:00.123Z``; None if unreadable."""
    if not value:
        return None
    text = value.strip()
    try:
        t = datetime.datetime.fromisoformat(text.replace("Z", "+00:00").replace(" +", "+"))
    except ValueError:
        iso = iso_date(text)
        if iso is None:
            return None
        t = datetime.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=datetime.UTC)
    t = t.astimezone(datetime.UTC)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def feedback_id(e: dict[str, Any]) -> str:
    """A feedbackId for an object we build: from the reporting message and recipient, stable across reruns."""
    seed = f"{e.get('message_sha256') or e.get('id')}:{e.get('recipient_key') or ''}:{e.get('kind')}"
    h = hashlib.sha256(seed.encode()).hexdigest()
    return f"{h[:16]}-{h[16:24]}-{h[24:28]}-{h[28:32]}-{h[32:36]}-{h[36:48]}-000000"


def _addresses(header: str | None) -> list[str]:
    """A header's mailboxes as SES lists them in ``commonHeaders`` (``Name <addr>`` or ``addr``)."""
    if not header:
        return []
    out = []
    for name, addr in email.utils.getaddresses([header]):
        if addr:
            out.append(f"{name} <{addr}>" if name else addr)
    return out or [header]


def _mail(e: dict[str, Any]) -> dict[str, Any]:
    common: dict[str, Any] = {}
    if e.get("original_from"):
        common["from"] = _addresses(e["original_from"])
    if e.get("original_date"):
        common["date"] = e["original_date"]
    if e.get("original_to"):
        common["to"] = _addresses(e["original_to"])
    if e.get("original_message_id"):
        common["messageId"] = e["original_message_id"]
    if e.get("original_subject"):
        common["subject"] = e["original_subject"]
    message_id = e.get("ses_message_id") or str(e.get("original_message_id") or "").strip("<> ")
    from_ = _addresses(e.get("original_from"))
    mail: dict[str, Any] = {
        "timestamp": iso_ms(e.get("original_date")) or _when(e),
        "messageId": message_id or feedback_id(e).rsplit("-", 1)[0],
        "source": from_[0] if from_ else "",
        "destination": [e["recipient"]] if e.get("recipient") else [],
    }
    if common:
        mail["commonHeaders"] = common
    return mail


def _when(e: dict[str, Any]) -> str:
    """When the feedback was sent: its arrival, else when we stored it."""
    return iso_ms(e.get("received_at")) or iso_ms(e.get("stored_at")) or "1970-01-01T00:00:00.000Z"


def _present(e: dict[str, Any], **names: str) -> dict[str, Any]:
    """Our fields that have a value, under SES's names (ours="theirs")."""
    return {theirs: e[ours] for ours, theirs in names.items() if e.get(ours)}


def _ip(v: Any) -> str | None:
    """An IP address as SES writes one (DSNs may bracket it), or None for a host name."""
    text = str(v or "").strip().strip("[]")
    try:
        return str(ipaddress.ip_address(text.removeprefix("IPv6:")))
    except ValueError:
        return None


def _detail(e: dict[str, Any]) -> dict[str, Any] | None:
    """The type's own object (``bounce``, ``complaint``, ``delivery``) built from one stored event."""
    kind = e.get("kind")
    rcpt = e.get("recipient")
    if kind == "bounce":
        b: dict[str, Any] = {
            "bounceType": e.get("bounce_type") or "Undetermined",
            "bounceSubType": e.get("bounce_subtype") or "Undetermined",
            "bouncedRecipients": [
                {
                    "emailAddress": rcpt,
                    **_present(e, action="action", status="status", diagnostic_code="diagnosticCode"),
                }
            ]
            if rcpt
            else [],
            "timestamp": _when(e),
            "feedbackId": feedback_id(e),
        }
        if e.get("reporting_mta"):
            b["reportingMTA"] = f"dsn; {e['reporting_mta']}"
        if _ip(e.get("remote_mta")):
            b["remoteMtaIp"] = _ip(e.get("remote_mta"))
        return b
    if kind == "complaint":
        c: dict[str, Any] = {
            "complainedRecipients": [{"emailAddress": rcpt}] if rcpt else [],
            "timestamp": _when(e),
            "feedbackId": feedback_id(e),
            "complaintSubType": None,
            **_present(e, user_agent="userAgent", feedback_type="complaintFeedbackType"),
        }
        arrival = iso_ms(e.get("arrival_date"))
        if arrival:
            c["arrivalDate"] = arrival
        return c
    if kind == "delivery":
        d: dict[str, Any] = {
            "timestamp": iso_ms(e.get("arrival_date")) or _when(e),
            "recipients": [rcpt] if rcpt else [],
            "smtpResponse": e.get("diagnostic_code") or "",
            "reportingMTA": e.get("reporting_mta") or "",
        }
        if _ip(e.get("remote_mta")):
            d["remoteMtaIp"] = _ip(e.get("remote_mta"))
        return d
    return None


def build(e: dict[str, Any], shape: str) -> dict[str, Any] | None:
    """The SES object for one stored event that SES did not tell us in JSON (None: no such SES type)."""
    kind = str(e.get("kind"))
    # SES's own kinds (send, open ...) only ever come from SES's JSON, which is passed through;
    # SES writes no bounce or delivery without a recipient.
    if kind not in CLASSIC_KINDS or (kind != "complaint" and not e.get("recipient")):
        return None
    detail = _detail(e)
    if detail is None:
        return None
    name, key = SES_NAMES[kind]
    return {"notificationType" if shape == "ses-json" else "eventType": name, key: detail, "mail": _mail(e)}


def reshape(obj: dict[str, Any], shape: str) -> dict[str, Any] | None:
    """A notification SES wrote, in the asked shape: the type key renamed, everything else as it was."""
    want, other = ("notificationType", "eventType") if shape == "ses-json" else ("eventType", "notificationType")
    if want in obj:
        return dict(obj)
    if shape == "ses-json" and ses_type(obj) not in CLASSIC_KINDS:
        return None
    return {(want if k == other else k): v for k, v in obj.items()}


def _recipients(obj: dict[str, Any]) -> set[str]:
    """Every address an SES notification names (lower-cased)."""
    found: set[str] = set()

    def walk(v: Any) -> None:
        if isinstance(v, dict):
            for k, x in v.items():
                if k == "emailAddress" and isinstance(x, str):
                    found.add(x.lower())
                elif k == "commonHeaders":
                    continue
                else:
                    walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, str) and "@" in v:
            found.add(v.lower())

    walk({k: v for k, v in obj.items() if k != "mail"})
    walk((obj.get("mail") or {}).get("destination") or [])
    return found


def extras(events: list[dict[str, Any]]) -> dict[str, Any]:
    """What ``feedback`` adds to an object: the sending identity, region and our events."""
    first = events[0]
    return {
        "identity": first.get("identity"),
        "region": first.get("region"),
        "events": [{k: e.get(k) for k in _EXTRA_FIELDS} for e in events],
    }


def objects(
    events: Iterable[dict[str, Any]], notifications: Callable[[int], list[tuple[int, str]]], shape: str
) -> Iterator[dict[str, Any]]:
    """SES objects for stored events, in their order: one per notification SES sent, else one per event.

    ``notifications(event_id)`` gives (message id, JSON text) of each SES
    notification that told the event.
    """
    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape}")
    native = "notificationType" if shape == "ses-json" else "eventType"
    groups: dict[tuple[str, int], tuple[dict[str, Any], list[dict[str, Any]]]] = {}
    for e in events:
        chosen: tuple[int, dict[str, Any]] | None = None
        rcpt = str(e.get("recipient") or "").lower()
        for mid, text in notifications(int(e["id"])):
            try:
                obj = json.loads(text)
            except ValueError:
                continue
            if not isinstance(obj, dict) or (rcpt and rcpt not in _recipients(obj)):
                continue
            shaped = reshape(obj, shape)
            if shaped is None:
                continue
            if chosen is None or (native in obj and native not in chosen[1]):
                chosen = (mid, obj)
        if chosen is not None:
            key = ("message", chosen[0])
            shaped = reshape(chosen[1], shape)
        else:
            key = ("event", int(e["id"]))
            shaped = build(e, shape)
        if shaped is None:
            continue
        groups.setdefault(key, (shaped, []))[1].append(e)
    for obj, evs in groups.values():
        yield {**obj, EXTRA_KEY: extras(evs)}
