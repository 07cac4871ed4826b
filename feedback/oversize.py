"""Oversized messages: what is worth reading of a message over ``max_message_size``.

A bounce's recipients sit in its headers and small report parts, never in the
attachment that makes it big. Over IMAP the server tells the structure
(BODYSTRUCTURE, in sources/imap.py); for local messages :func:`cut` finds the same parts
by their boundaries in the bytes, without decoding anything, so a 60 MB message
costs its bytes once and the classifier sees a few kilobytes.
"""

from __future__ import annotations

import re

from .models import RawMessage

# Messages read from files beyond this are cut as over IMAP (an account's default max_message_size).
MAX_MESSAGE_SIZE = 10 * 1024 * 1024

# Parts of a report read whatever their place (each within the size limit).
REPORT_PARTS = frozenset(
    {
        "message/delivery-status",
        "message/global-delivery-status",
        "message/feedback-report",
        "message/disposition-notification",
        "message/global-disposition-notification",
        "text/rfc822-headers",
        "message/rfc822-headers",
        "message/global-headers",
    }
)

_BLANK = re.compile(rb"\r?\n\r?\n")
_CTYPE = re.compile(rb"(?im)^content-type:[ \t]*([\w.+-]+/[\w.+-]+)((?:[^\r\n]|\r?\n[ \t])*)")
_BOUNDARY = re.compile(rb'(?i)\bboundary[ \t]*=[ \t]*(?:"([^"\r\n]+)"|([^\s;"]+))')


def cut(data: bytes, limit: int) -> bytes | None:
    """``data`` reduced to at most about ``limit`` bytes of what matters, or None when it fits."""
    if len(data) <= limit:
        return None
    # Views, not copies: only the parts kept are ever copied.
    return _cut(memoryview(data), limit)


def _split(data: memoryview) -> tuple[bytes, memoryview, bytes]:
    """(header with its end, body, line end used); the header search stops at 1 MB."""
    m = _BLANK.search(data[: 1 << 20])
    if m is None:
        return bytes(data[: 1 << 16]), data[len(data) :], b"\n"
    eol = b"\r\n" if data[m.start()] == 13 else b"\n"
    return bytes(data[: m.end()]), data[m.end() :], eol


def _type(header: bytes) -> tuple[str, bytes | None]:
    """(type/subtype, boundary) from a header block; text/plain by default."""
    m = _CTYPE.search(header)
    if m is None:
        return "text/plain", None
    b = _BOUNDARY.search(m.group(2))
    return m.group(1).decode("ascii", "replace").lower(), (b.group(1) or b.group(2)) if b else None


def _cut(data: memoryview, budget: int) -> bytes:
    header, body, eol = _split(data)
    kind, boundary = _type(header)
    if not kind.startswith("multipart/") or boundary is None:
        # One part: its beginning, to a line end.
        head = bytes(body[: max(budget, 0)])
        return header + head[: head.rfind(b"\n") + 1]
    delim = re.compile(rb"(?m)^--" + re.escape(boundary) + rb"(--)?[ \t]*\r?$")
    parts: list[memoryview] = []
    start = None
    for m in delim.finditer(body):
        if start is not None:
            parts.append(body[start : m.start()])
        start = m.end() + (2 if bytes(body[m.end() : m.end() + 2]) == b"\r\n" else 1)
        if m.group(1):
            start = None
            break
    if start is not None:
        parts.append(body[start:])  # no closing delimiter
    typed = [(p, _type(_split(p)[0])[0]) for p in parts]
    chosen: dict[int, bytes] = {}
    for i, (p, k) in enumerate(typed):
        if k in REPORT_PARTS and len(p) <= budget:
            chosen[i] = bytes(p)
            budget -= len(p)
    for i, (p, k) in enumerate(typed):
        if i in chosen:
            continue
        if len(p) <= budget and (k.startswith("text/") or k in ("message/rfc822", "message/global")):
            chosen[i] = bytes(p)
        elif k in ("message/rfc822", "message/global"):
            # The returned message's headers name its recipients.
            part_header, inner, _ = _split(p)
            chosen[i] = part_header + _cut(inner, max(budget, 0))
        elif k.startswith("multipart/"):
            chosen[i] = _cut(p, max(budget, 0))
        else:
            continue
        budget -= len(chosen[i])
    out = [header]
    for i in sorted(chosen):
        out += [b"--" + boundary + eol, chosen[i].rstrip(b"\r\n") + eol]
    out.append(b"--" + boundary + b"--" + eol)
    return b"".join(out)


def sized(data: bytes, source: str, limit: int = MAX_MESSAGE_SIZE) -> RawMessage:
    """A message as read from a file: one over ``limit`` is cut to what is worth reading and marked."""
    small = cut(data, limit)
    return RawMessage(data=data, source=source) if small is None else RawMessage(small, source, truncated=True)
