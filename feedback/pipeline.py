"""The pure core: a raw message in, events out. No I/O, never raises."""

from __future__ import annotations

import calendar
import email.utils
import hashlib
import re
import time
from email.message import Message
from typing import Any

from . import CLASSIFIER_VERSION
from .detectors.base import Detection, Finding
from .detectors.registry import DETECTORS
from .identity import region_from, resolve_identity, ses_authenticated, ses_message_id
from .models import BOUNCE, DEFAULT_CONFIG, OTHER, SES_KINDS, ClassifierConfig, Event, RawMessage
from .original import find_original
from .parse import Parsed, addresses, header_of, parse
from .reasons import decide, find_reply_code


def classify(raw: RawMessage, config: ClassifierConfig = DEFAULT_CONFIG) -> list[Event]:
    """Every event in one message; a message with none gives one ``recipient: null`` event."""
    return _answer(raw, config, None)


def explain(raw: RawMessage, config: ClassifierConfig = DEFAULT_CONFIG) -> tuple[list[Event], list[dict[str, Any]]]:
    """The events of ``raw`` and, for each, why: detector, deciding rule, its source, whom the reply refuses."""
    trace: list[dict[str, Any]] = []
    events = _answer(raw, config, trace)
    while len(trace) < len(events):
        e = events[len(trace)]
        trace.append(
            {
                "rule": "no detector recognised the message" if e.detector is None else f"detector {e.detector}",
                "source": "",
            }
        )
    return events, trace


def _answer(raw: RawMessage, config: ClassifierConfig, trace: list[dict[str, Any]] | None) -> list[Event]:
    base: dict[str, Any] = {
        "source": raw.source,
        "message_sha256": hashlib.sha256(raw.data).hexdigest(),
        "received_at": raw.received_at,
        "classifier_version": CLASSIFIER_VERSION,
    }
    try:
        return _classify(raw, config, base, trace)
    except Exception as exc:  # noqa: BLE001 - the pipeline answers for any bytes
        if trace is not None:
            del trace[:]  # it failed half-way: its answer is this one error event
        return [Event(kind=OTHER, error=f"classifier: {type(exc).__name__}: {exc}"[:500], **base)]


def _classify(
    raw: RawMessage, config: ClassifierConfig, base: dict[str, Any], trace: list[dict[str, Any]] | None = None
) -> list[Event]:
    msg = parse(raw.data)
    errors = list(msg.errors)
    if raw.truncated:
        errors.append("truncated: over the size limit, only the headers and report parts were read")
    if not base["received_at"]:
        # A file or an mbox has no delivery time of its own: the feedback
        # message's Date is when it was written, close enough for windows.
        base["received_at"] = iso_date(msg.header("date"))
    base["ses_authenticated"] = ses_authenticated(msg.header("authentication-results"))
    detection: Detection | None = None
    for detector in DETECTORS:
        try:
            detection = detector.detect(msg)
        except RecursionError:
            errors.append(f"{detector.name}: message nested too deeply")
            detection = None
        except Exception as exc:  # noqa: BLE001 - one detector's bug must not stop the others
            errors.append(f"{detector.name}: {type(exc).__name__}: {exc}"[:300])
            detection = None
        if detection is not None:
            break
    # Only errors that stopped something are worth reporting: MIME defects
    # alone are common in bounces and harmless once a detector answered.
    error = "; ".join(e for e in errors if not e.startswith("defect:") or detection is None) or None
    if detection is None or not detection.findings:
        kind = detection.kind if detection is not None else OTHER
        return [
            Event(
                kind=kind if detection is not None and detection.kind != BOUNCE else OTHER,
                error=error,
                detector=detection.detector if detection else None,
                notification=detection.notification if detection else None,
                **base,
            )
        ]

    origin, senders = _origin(msg, detection, config)
    events = []
    for f in detection.findings:
        events.append(_event(f, detection, origin, error, base, senders, trace))
    return events


def _event(
    f: Finding,
    d: Detection,
    origin: dict[str, object],
    error: str | None,
    base: dict[str, str | None],
    senders: tuple[str, ...] = (),
    trace: list[dict[str, Any]] | None = None,
) -> Event:
    kind = f.kind or d.kind
    fields: dict[str, object] = {
        "kind": kind,
        "recipient": f.recipient,
        "action": f.action,
        "diagnostic_code": f.diagnostic[:2000] or None,
        "remote_mta": f.remote_mta,
        "reporting_mta": d.reporting_mta,
        "arrival_date": d.arrival_date,
        "last_attempt_date": f.last_attempt_date,
        "will_retry_until": f.will_retry_until,
        "original_recipient": f.original_recipient,
        "final_recipient": f.final_recipient,
        "detector": d.detector,
        "error": error,
    }
    if kind == BOUNCE:
        v = decide(
            f.status,
            f.diagnostic,
            action=f.action,
            reply_code=f.reply_code,
            diagnostic_type=f.diagnostic_type,
            command=f.command,
            hint=f.reason,
            permanent_hint=f.permanent,
            recipient=f.recipient,
            remote_mta=f.remote_mta,
            senders=senders,
        )
        if trace is not None:
            # An SES/SNS notification states its own bounce type: the tables only named the reason.
            own = f.bounce_type is not None and f.bounce_type != v.bounce_type
            trace.append(
                {
                    "rule": f"{v.rule}; bounce type as the notification states it" if own else v.rule,
                    "source": v.source,
                    "refused": v.party,
                    "refused_because": v.party_why,
                }
            )
        fields.update(
            reason=v.reason,
            status=v.status,
            bounce_type=f.bounce_type or v.bounce_type,
            bounce_subtype=f.bounce_subtype or v.bounce_subtype,
            reply_code=f.reply_code or find_reply_code(f.diagnostic),
        )
    elif trace is not None:
        trace.append({"rule": f"detector {d.detector}: a {kind} report", "source": ""})
    if kind == "complaint":
        fields.update(reason="feedback", feedback_type=d.feedback_type, user_agent=d.user_agent, source_ip=d.source_ip)
    elif kind == "autoreply":
        fields.update(reason="vacation", bounce_type="Transient", bounce_subtype="General")
    elif kind == "delivery":
        fields.update(reason="delivered", status=f.status)
    elif kind in SES_KINDS:
        fields.update(reason=f.reason, status=f.status, feedback_type=d.feedback_type, user_agent=d.user_agent)
    fields.update(origin)
    fields["notification"] = d.notification
    if kind == "complaint" and d.source_ip:
        fields["source_ip"] = d.source_ip
    return Event(**fields, **base)  # type: ignore[arg-type]


_RFC5322_DATE = re.compile(
    r"\s*(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{1,2}):(\d\d)(?::(\d\d))?\s+([+-])(\d\d)(\d\d)(?:\s|$)"
)
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}


def iso_date(value: str | None) -> str | None:
    """An RFC 5322 date as ISO 8601 UTC ("2024-01-05T08:15:00Z"), or None."""
    if not value:
        return None
    m = _RFC5322_DATE.match(value)
    if m is not None and m.group(2).lower() in _MONTHS:
        # The usual shape, read directly: email.utils' general parser is a
        # tenth of the classifier's non-MIME time.
        day, mon, year, hh, mm, ss, sign, oh, om = m.groups()
        try:
            stamp = calendar.timegm(
                (int(year), _MONTHS[mon.lower()], int(day), int(hh), int(mm), int(ss or 0), 0, 0, 0)
            )
        except (ValueError, OverflowError):
            return None
        offset = (int(oh) * 60 + int(om)) * 60
        stamp -= offset if sign == "+" else -offset
        try:
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stamp))
        except (ValueError, OverflowError, OSError):
            return None
    try:
        parts = email.utils.parsedate_tz(value)
        if parts is None:
            return None
        stamp = email.utils.mktime_tz(parts)
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stamp))
    except (TypeError, ValueError, IndexError, OverflowError, OSError):
        return None


def _origin(msg: Parsed, d: Detection, config: ClassifierConfig) -> tuple[dict[str, object], tuple[str, ...]]:
    """SES ids, the original's headers, correlation headers and the sending identity; and our
    sender addresses (the original's From and Return-Path), whom a refusal may be about."""
    original: Message | None = d.original
    if original is None:
        original = find_original(msg)
    o: dict[str, object] = {}

    def oh(name: str) -> str | None:
        if original is None:
            return None
        return header_of(original, name) or None

    message_id = oh("message-id")
    feedback_id = oh("feedback-id")
    o["original_message_id"] = message_id
    o["original_from"] = oh("from")
    o["original_to"] = oh("to")
    o["original_subject"] = oh("subject")
    o["original_date"] = oh("date")
    o["feedback_id"] = feedback_id
    sid, region = ses_message_id(message_id)
    o["ses_message_id"] = sid
    o["region"] = region or region_from(
        feedback_id, d.reporting_mta, msg.header("feedback-id"), msg.header("message-id")
    )
    corr: dict[str, str] = {}
    for h in config.correlation_headers:
        v = oh(h)
        if v:
            corr[h] = v
    o["correlation"] = corr
    for k, v in d.origin.items():
        if v:
            o[k] = v
    if o.get("ses_message_id") and not o.get("region"):
        o["region"] = region_from(str(o.get("feedback_id") or ""))
    original_from = addresses(str(o.get("original_from") or ""))
    # SES picks the identity from the original's From alone (an address identity before
    # its domain, then parent domains); the forwarded To (where SES returned the feedback)
    # stands in only when no original headers came back, never outranking the From.
    candidates = original_from[:1] or addresses(msg.header("to"))[:1]
    o["identity"] = resolve_identity(config.identities, candidates)
    return o, (*original_from, *addresses(oh("return-path") or ""))
