"""Value types shared by every layer: the raw message in, the event out."""

from __future__ import annotations

import dataclasses
import zlib
from dataclasses import dataclass, field
from typing import Any

# Kinds of event (DESIGN.md "Event").
BOUNCE = "bounce"
COMPLAINT = "complaint"
AUTOREPLY = "autoreply"
DELIVERY = "delivery"
OTHER = "other"
# Kinds only Amazon SES's own notifications tell (event publishing, SNS by mail).
SEND = "send"
REJECT = "reject"
DELAY = "delay"
OPEN = "open"
CLICK = "click"
RENDERING_FAILURE = "rendering_failure"
SUBSCRIPTION = "subscription"
SES_KINDS = (SEND, REJECT, DELAY, OPEN, CLICK, RENDERING_FAILURE, SUBSCRIPTION)
KINDS = (BOUNCE, COMPLAINT, AUTOREPLY, DELIVERY, *SES_KINDS, OTHER)
# A message's own kind: the most telling of its events' kinds, in this order.
MESSAGE_KINDS = (
    BOUNCE,
    COMPLAINT,
    SUBSCRIPTION,
    AUTOREPLY,
    DELAY,
    REJECT,
    RENDERING_FAILURE,
    DELIVERY,
    SEND,
    OPEN,
    CLICK,
)


def message_kind(kinds: set[str]) -> str:
    """The kind stored for a message whose events have these kinds."""
    return next((k for k in MESSAGE_KINDS if k in kinds), OTHER)


# SES bounce types and subtypes.
PERMANENT = "Permanent"
TRANSIENT = "Transient"
UNDETERMINED = "Undetermined"
BOUNCE_SUBTYPES = {
    PERMANENT: ("General", "NoEmail", "Suppressed", "OnAccountSuppressionList"),
    TRANSIENT: (
        "General",
        "MailboxFull",
        "MessageTooLarge",
        "ContentRejected",
        "AttachmentRejected",
    ),
    UNDETERMINED: ("Undetermined",),
}

# The reason words of DESIGN.md (Sisimai's taxonomy plus our non-bounce words).
REASONS = (
    "userunknown",
    "hostunknown",
    "mailboxfull",
    "mesgtoobig",
    "exceedlimit",
    "filtered",
    "blocked",
    "rejected",
    "spamdetected",
    "virusdetected",
    "policyviolation",
    "securityerror",
    "authfailure",
    "requireptr",
    "badreputation",
    "notcompliantrfc",
    "expired",
    "suspend",
    "hasmoved",
    "norelaying",
    "networkerror",
    "systemerror",
    "systemfull",
    "toomanyconn",
    "ratelimited",
    "speeding",
    "notaccept",
    "contenterror",
    "syntaxerror",
    "mailererror",
    "onhold",
    "suppressed",
    "undefined",
    "feedback",
    "vacation",
    "delivered",
)


@dataclass(frozen=True)
class RawMessage:
    """One message as it came from a source: its bytes and where it came from."""

    data: bytes
    source: str = ""
    received_at: str | None = None
    # Only the headers and first part were fetched (over the size limit).
    truncated: bool = False


@dataclass(frozen=True)
class FileRef:
    """A message file not read yet: lets a worker process read it itself."""

    path: str

    def load(self) -> RawMessage:
        """The file as a RawMessage (raises OSError)."""
        with open(self.path, "rb") as fh:
            return RawMessage(data=fh.read(), source=self.path)


@dataclass(frozen=True)
class Event:
    """One event per recipient per feedback message (field names fixed by DESIGN.md)."""

    kind: str
    recipient: str | None = None
    bounce_type: str | None = None
    bounce_subtype: str | None = None
    reason: str | None = None
    status: str | None = None
    action: str | None = None
    diagnostic_code: str | None = None
    reply_code: str | None = None
    remote_mta: str | None = None
    reporting_mta: str | None = None
    arrival_date: str | None = None
    last_attempt_date: str | None = None
    will_retry_until: str | None = None
    original_recipient: str | None = None
    final_recipient: str | None = None
    # complaints
    feedback_type: str | None = None
    user_agent: str | None = None
    source_ip: str | None = None
    # origin
    ses_message_id: str | None = None
    feedback_id: str | None = None
    region: str | None = None
    original_message_id: str | None = None
    original_from: str | None = None
    original_to: str | None = None
    original_subject: str | None = None
    original_date: str | None = None
    correlation: dict[str, str] = field(default_factory=dict)
    identity: str | None = None
    # The receiving server authenticated the feedback message as Amazon SES's
    # (DKIM pass for amazonses.com, or SPF pass for an amazonses.com sender).
    ses_authenticated: bool = False
    # provenance
    source: str | None = None
    message_sha256: str | None = None
    received_at: str | None = None
    detector: str | None = None
    classifier_version: str | None = None
    error: str | None = None
    # The SES notification object as it arrived (JSON text), kept for export;
    # not an event field: stored once per message, never in CLI output.
    notification: str | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """A plain dict with every field, for JSON output and storage."""
        return {name: getattr(self, name) for name in EVENT_FIELDS}


EVENT_FIELDS = tuple(f.name for f in dataclasses.fields(Event) if f.name != "notification")


@dataclass(frozen=True)
class ClassifierConfig:
    """What classification needs from the config: identities and correlation headers."""

    identities: tuple[str, ...] = ()
    correlation_headers: tuple[str, ...] = ()


DEFAULT_CONFIG = ClassifierConfig()


def compress(data: bytes) -> bytes:
    """A message as stored in ``messages.raw``: a zlib stream (``zlib.decompress`` reads it).

    Level 1 with an 8 KiB window and small hash tables: bounces are a few KB,
    and setting up zlib's default 32 KiB state cost more than compressing them
    (30% less CPU for 8% more bytes, measured on the corpus).
    """
    c = zlib.compressobj(1, zlib.DEFLATED, 13, 4)
    return c.compress(data) + c.flush()
