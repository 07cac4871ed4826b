"""Find the original message (or its headers) inside a feedback message."""

from __future__ import annotations

import email
import re
from email.message import Message
from email.policy import compat32

from .parse import Parsed, content_type, part_text

ORIGINAL_TYPES = ("message/rfc822", "message/global", "text/rfc822-headers", "message/rfc822-headers")

# Markers after which MTAs quote the returned message in a plain-text bounce.
# The comment names the MTA that writes it.
ORIGINAL_MARKERS = re.compile(
    r"^\s*(?:"
    r"-+ ?(?:this is a copy of the message|original message|undelivered message|returned message|below this line is a copy)"  # Exim, Gmail, qmail
    r"|--- below this line is a copy of the message"  # qmail, Yahoo
    r"|-+ ?(?:the )?original message (?:follows|headers?|was received)"  # Courier, Sendmail
    r"|original message (?:follows|headers? follows?)"
    r"|-+ ?(?:message|headers) (?:follows|of the (?:original|returned) message)"
    r"|message headers follow"  # DragonFly
    r"|-+ ?returned message -+"
    r"|-+ ?(?:start of |begin )?(?:the )?(?:original|returned|bounced|undelivered) (?:message|mail|e-?mail)"
    r"|-+ ?the header of the original message is following"  # KDDI
    r"|-+ ?(?:unsent|original) message below"
    r"|bounced e-?mail:"
    r"|included is a copy of the message header"  # MXLogic
    r"|--- original message ---"
    r"|\*\*\* ?(?:original|returned) message"
    r"|-+ ?forwarded message"
    r")",
    re.I | re.M,
)
_HEADER_LINE = re.compile(r"^(?:return-path|received|message-id|from|to|subject|date|x-[\w-]+|dkim-signature|mime-version):", re.I)


def original_from_text(text: str) -> Message | None:
    """Headers of a message quoted in plain text after a marker line, or None."""
    m = ORIGINAL_MARKERS.search(text)
    if not m:
        return None
    rest = text[m.end() :].split("\n", 1)[-1]
    lines = rest.lstrip("\n").split("\n")
    # The quoted headers start at the first header-looking line (some MTAs
    # put a blank line or two, or the SMTP transcript, before them).
    for i, line in enumerate(lines[:40]):
        if _HEADER_LINE.match(line):
            block = "\n".join(lines[i:])
            try:
                return email.message_from_string(block, policy=compat32)
            except Exception:  # noqa: BLE001 - quoted text can be anything
                return None
    return None


def find_original(msg: Parsed) -> Message | None:
    """The attached original (message/rfc822 or text/rfc822-headers), else one quoted in text."""
    for _, part in msg.parts:
        ct = content_type(part)
        if ct in ("message/rfc822", "message/global"):
            payload = part.get_payload()
            if isinstance(payload, list) and payload and isinstance(payload[0], Message):
                return payload[0]
            if isinstance(payload, str):
                try:
                    return email.message_from_string(part_text(part), policy=compat32)
                except Exception:  # noqa: BLE001
                    continue
        elif ct in ("text/rfc822-headers", "message/rfc822-headers"):
            try:
                return email.message_from_string(part_text(part).lstrip("\n"), policy=compat32)
            except Exception:  # noqa: BLE001
                continue
    return original_from_text(msg.body_text)
