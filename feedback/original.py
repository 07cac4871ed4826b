"""Find the original message (or its headers) inside a feedback message."""

from __future__ import annotations

import re
from email.message import Message
from email.parser import Parser
from email.policy import compat32

from .mime import headers_from_text
from .parse import Parsed, part_text

# Markers after which MTAs quote the returned message in a plain-text bounce.
# The comment names the MTA that writes it.
ORIGINAL_MARKERS = re.compile(
    r"^\s*(?:"
    r"-+ ?(?:this is a copy of the message|original message|undelivered message|returned message|below this line is a copy)"  # Exim, Gmail, qmail
    r"|--- below this line is a copy of the message"  # qmail, Yahoo
    r"|-+ ?(?:the )?original message (?:follows|headers?|was received)"  # Courier, Sendmail
    r"|original message (?:follows|headers? follows?)"
    r"|original message (?:details|headers):?\s*$"  # Vade Secure (Earthlink)
    r"|-+ ?(?:message|headers) (?:follows|of the (?:original|returned) message)"
    r"|message headers follow"  # DragonFly
    r"|-+ ?returned message -+"
    r"|-+ ?(?:start of |begin )?(?:the )?(?:original|returned|bounced|undelivered) (?:message|mail|e-?mail)"
    r"|-+ ?the header of the original message is following"  # KDDI
    r"|-+ ?(?:unsent|original) message (?:below|follows)"  # Sendmail v5: "----- Unsent message follows -----"
    r"|-+ ?returned mail follows"  # USA.NET webmail
    r"|original message (?:as received )?is as follows"
    r"|(?:the )?first \d+ lines of (?:your|the) original message follow"  # Exchange "Mail Delivery Warning"
    r"|-* ?the header and (?:top|first) \d+ lines of the message follows?"  # IMail
    r"|bounced e-?mail:"
    r"|included is a copy of the message header"  # MXLogic
    r"|--- original message ---"
    r"|\*\*\* ?(?:original|returned) message"
    r"|-+ ?forwarded message"
    r"|\|-+ message (?:text|header) follows:"  # Smail 3 (notify.c's text_banner), Deutsche Telekom
    r")",
    re.I | re.M,
)
_HEADER_LINE = re.compile(
    r"^(?:return-path|received|message-id|from|to|subject|date|x-[\w-]+|dkim-signature|mime-version):", re.I
)


# Every marker contains one of these words: a literal scan finds candidates
# fast; the full pattern then checks only their lines.
_MARKER_WORDS = re.compile(r"message|original|copy|header|bounced|forwarded|unsent|returned")
# The quoted original starts within the report's first lines; a long report
# is not scanned to its end.
MARKER_WINDOW = 64 * 1024


def find_marker(text: str) -> tuple[int, int] | None:
    """(start, end) of the first line that introduces the quoted original, or None."""
    pos = 0
    low = text[:MARKER_WINDOW].lower()
    for _ in range(200):
        w = _MARKER_WORDS.search(low, pos)
        if w is None:
            return None
        start = low.rfind("\n", 0, w.start()) + 1
        end = low.find("\n", w.end())
        end = len(low) if end < 0 else end
        if ORIGINAL_MARKERS.match(low, start, end):
            return start, end
        pos = end + 1
    return None


def original_from_text(text: str) -> Message | None:
    """Headers of a message quoted in plain text after a marker line, or None."""
    m = find_marker(text)
    if not m:
        return None
    rest = text[m[1] :].lstrip("\n")
    lines = rest.lstrip("\n").split("\n")
    # The quoted headers start at the first header-looking line (some MTAs
    # put a blank line or two, or the SMTP transcript, before them).
    for i, line in enumerate(lines[:40]):
        if _HEADER_LINE.match(line):
            block = "\n".join(lines[i:])
            try:
                return _headers(block)
            except Exception:  # noqa: BLE001 - quoted text can be anything
                return None
    return None


_HEADER_PARSER = Parser(policy=compat32)


_FIELD_LINE = re.compile(r"^[!-9;-~]+:")


def _headers(text: str) -> Message:
    """Only the header block: the original's body is never needed here.

    A folded line that lost its leading blank (bounces re-wrap quoted
    headers: "Received: from x (via" / "HTTP); Sat, ...") would end the
    block there; it continues the field above when a field follows it.
    """
    head, _, _ = text.partition("\n\n")
    lines = head.split("\n")
    for i in range(1, len(lines) - 1):
        line = lines[i]
        if line and line[0] not in " \t" and not _FIELD_LINE.match(line) and _FIELD_LINE.match(lines[i + 1]):
            lines[i] = " " + line
    block = "\n".join(lines)
    parsed = headers_from_text(block)
    return parsed if parsed is not None else _HEADER_PARSER.parsestr(block, headersonly=True)


def find_original(msg: Parsed) -> Message | None:
    """The attached original (message/rfc822 or text/rfc822-headers), else one quoted in text."""
    return msg.memo("original", lambda: _find_original(msg))


def _find_original(msg: Parsed) -> Message | None:
    for (_, part), ct in zip(msg.parts, msg.part_types, strict=True):
        if ct in ("message/rfc822", "message/global"):
            payload = part.get_payload()
            if isinstance(payload, list) and payload and isinstance(payload[0], Message):
                return payload[0]
            if isinstance(payload, str):
                try:
                    return _headers(part_text(part))
                except Exception:  # noqa: BLE001
                    continue
        elif ct in ("text/rfc822-headers", "message/rfc822-headers"):
            try:
                return _headers(part_text(part).lstrip("\n"))
            except Exception:  # noqa: BLE001
                continue
    return original_from_text(msg.body_text)
