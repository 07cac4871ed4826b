"""What a detector is and what it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import Message
from typing import Protocol

from ..parse import Parsed


@dataclass
class Finding:
    """What a report says about one recipient, before reason tables are applied."""

    recipient: str | None
    status: str | None = None
    action: str | None = None
    diagnostic: str = ""
    diagnostic_type: str | None = None
    reply_code: str | None = None
    remote_mta: str | None = None
    original_recipient: str | None = None
    final_recipient: str | None = None
    last_attempt_date: str | None = None
    will_retry_until: str | None = None
    command: str | None = None
    # Set by detectors that know better than the tables (SES JSON, suppression list).
    reason: str | None = None
    bounce_type: str | None = None
    bounce_subtype: str | None = None
    permanent: bool | None = None
    kind: str | None = None


@dataclass
class Detection:
    """A detector's answer for one message."""

    kind: str
    findings: list[Finding] = field(default_factory=list)
    detector: str = ""
    reporting_mta: str | None = None
    arrival_date: str | None = None
    feedback_type: str | None = None
    user_agent: str | None = None
    source_ip: str | None = None
    original: Message | None = None
    # Origin fields a detector read directly (SES JSON carries them).
    origin: dict[str, str | None] = field(default_factory=dict)
    error: str | None = None
    # SES's notification object as it arrived (JSON text): exported unchanged.
    notification: str | None = None


class Detector(Protocol):
    """One format: answers a Detection when it recognises the message, else None."""

    name: str

    def detect(self, msg: Parsed) -> Detection | None:  # pragma: no cover - protocol
        ...
