"""Bytes to a parsed message: stdlib email (compat32), robust to what real mailboxes hold.

compat32 is used on purpose: it is about 4x faster than policy.default (see
shared notes) and never raises on malformed headers; everything it leaves raw
(RFC 2047 words, charsets, transfer encodings) is decoded here, defensively.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import email
import email.errors
import email.header
import functools
import quopri
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from email.policy import compat32
from functools import cached_property
from typing import Any, TypeVar

from . import mime

T = TypeVar("T")

# Nesting deeper than this is not walked: real feedback nests 2-3 levels; a
# hostile message may nest thousands and blow the recursion limit.
MAX_DEPTH = 12
# Text decoded per part: diagnostics sit in the first few KB; a 50 MB
# attachment must not be decoded as text.
MAX_TEXT = 256 * 1024

# Charset labels seen in real bounces that Python does not know under that name.
CHARSET_ALIASES = {
    "uft-8": "utf-8",
    "utf8": "utf-8",
    "utf-8.": "utf-8",
    "unicode-1-1-utf-7": "utf-7",
    "ks_c_5601-1987": "cp949",
    "x-sjis": "shift_jis",
    "shift-jis": "shift_jis",
    "sjis": "shift_jis",
    "x-euc-jp": "euc_jp",
    "iso-8859-8-i": "iso-8859-8",
    "windows-874": "cp874",
    "x-unknown": "latin-1",
    "unknown-8bit": "latin-1",
    "us-ascii": "utf-8",  # 8-bit junk labelled us-ascii is usually UTF-8
    "ascii": "utf-8",
    # Chinese: the WHATWG Encoding Standard decodes every GBK label with the
    # gb18030 decoder (a superset) and every Big5 label as Big5-HKSCS; Chinese
    # bounces (Coremail, Tencent, NetEase) use these labels.
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312": "gb18030",
    "gb_2312-80": "gb18030",
    "csgb2312": "gb18030",
    "chinese": "gb18030",
    "euc-cn": "gb18030",
    "x-euc-cn": "gb18030",
    "cp936": "gb18030",
    "windows-936": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "csbig5": "big5hkscs",
    "x-x-big5": "big5hkscs",
}

_FROM_LINE = re.compile(rb"\AFrom [^\n]*\n")


def normalise_newlines(data: bytes) -> bytes:
    """CRLF and CR-only line ends to LF; drop a leading mbox ``From `` line."""
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if data.startswith(b"From "):
        data = _FROM_LINE.sub(b"", data, count=1)
    return data.lstrip(b"\n")


@functools.lru_cache(maxsize=512)
def codec_for(charset: str | None) -> str:
    """A Python codec name for a MIME charset label, falling back to UTF-8."""
    if not charset:
        return "utf-8"
    name = charset.strip().strip("\"'").lower()
    name = CHARSET_ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return "utf-8"


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Decode with the declared charset; undecodable bytes are replaced, never raised."""
    codec = codec_for(charset)
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError, ValueError):
        if codec != "utf-8":
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                pass
        return data.decode(codec if codec != "utf-7" else "utf-8", "replace")


def surrogate_text(value: str) -> str:
    """compat32 keeps 8-bit header bytes as surrogates; turn them into text."""
    if value.isascii():
        return value
    try:
        raw = value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return value
    return decode_bytes(raw, "utf-8")


_UNFOLD = re.compile(r"\s*\n\s*")


def decode_header(value: object) -> str:
    """A header value as text: RFC 2047 words decoded, folding undone."""
    if value is None:
        return ""
    if type(value) is str and value.isascii() and "=?" not in value and "\n" not in value:
        # Most values: nothing to decode or unfold.
        return value.strip()
    if isinstance(value, email.header.Header):
        value = str(value)
    text = surrogate_text(str(value))
    if "=?" in text:
        try:
            chunks = email.header.decode_header(text)
            out = []
            for chunk, cs in chunks:
                if isinstance(chunk, bytes):
                    out.append(decode_bytes(chunk, cs))
                else:
                    out.append(chunk)
            # decode_header drops the space between an encoded and a plain word
            text = "".join(out) if len(chunks) > 1 else out[0]
        except (ValueError, IndexError, AssertionError, LookupError, email.errors.HeaderParseError):
            # A truncated or corrupt encoded word ("=?utf-8?B?RGVs" with no
            # end): the raw text is all there is.
            pass
    if "\n" in text:
        text = _UNFOLD.sub(" ", text)
    return text.strip()


def raw_payload(part: Message) -> Any:
    """The payload as the parser stored it.

    ``get_payload()`` turns 8-bit bytes (kept as surrogates) into U+FFFD using
    the part's declared charset, ASCII by default: the bytes are lost before
    we can decode them properly. The stored value keeps them.
    """
    stored = part.__dict__
    return stored["_payload"] if "_payload" in stored else part.get_payload()


def header_of(msg: Message, name: str) -> str:
    """A header decoded from its stored value.

    ``Message.get`` turns raw 8-bit bytes (common in Japanese and Russian
    bounces' Subject) into U+FFFD under compat32; the stored value keeps them
    as surrogates, which decode as UTF-8 (or the charset they really are).
    """
    value = mime.header_index(msg).get(name.lower())
    return decode_header(value) if value is not None else ""


def _safe_payload_encode(payload: str) -> bytes:
    try:
        return payload.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return payload.encode("utf-8", "replace")


def part_text(part: Message, limit: int = MAX_TEXT) -> str:
    """A leaf part's body as text (transfer encoding and charset undone)."""
    payload = raw_payload(part)
    if isinstance(payload, list):
        out = []
        for p in payload:
            if isinstance(p, Message):
                out.append(surrogate_text(p.as_string() if p.get_payload() else _headers_text(p)))
        return "\n".join(out)[:limit]
    if not isinstance(payload, str):
        return ""
    raw = _safe_payload_encode(payload[: limit * 2])
    cte = str(mime.get_header(part, "content-transfer-encoding", "")).strip().lower()
    if cte == "base64":
        try:
            raw = base64.b64decode(re.sub(rb"[^A-Za-z0-9+/=]", b"", raw)[: limit * 2] + b"===")
        except (binascii.Error, ValueError):
            pass
    elif cte == "quoted-printable":
        raw = quopri.decodestring(raw)
    return decode_bytes(raw[:limit], charset_of(part))


_CHARSET = re.compile(r"""charset\s*=\s*["']?([^"';\s]+)""", re.I)


def charset_of(part: Message) -> str | None:
    """The charset parameter of the part's Content-Type.

    Read straight from the header: ``get_param`` re-parses every parameter
    (RFC 2231 included) and costs more than decoding the part itself.
    """
    ctype = mime.get_header(part, "content-type")
    if not ctype:
        return None
    m = _CHARSET.search(str(ctype))
    return m.group(1) if m else None


def _headers_text(msg: Message) -> str:
    return "\n".join(f"{k}: {v}" for k, v in msg.items())


def content_type(part: Message) -> str:
    """The lower-cased Content-Type without parameters; never raises."""
    known = part.__dict__.get(mime.CTYPE)
    if known is not None:
        return str(known)
    try:
        return part.get_content_type()
    except (AttributeError, ValueError, TypeError, IndexError):
        return "text/plain"


@dataclass
class Parsed:
    """A parsed message plus the views the detectors share (computed once, lazily)."""

    msg: Message
    raw: bytes
    errors: list[str] = field(default_factory=list)
    # Views several detectors ask for (report text, original, header values),
    # computed once per message.
    cache: dict[str, Any] = field(default_factory=dict)

    def header(self, name: str) -> str:
        """A header of the top-level message, decoded; '' when absent."""
        name = name.lower()
        key = "h:" + name
        value = self.cache.get(key)
        if value is None:
            # header_of, inline: the detectors ask for a dozen names per message.
            stored = mime.header_index(self.msg).get(name)
            value = self.cache[key] = decode_header(stored) if stored is not None else ""
        return str(value)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()`` once per message under ``key``."""
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]

    @cached_property
    def parts(self) -> list[tuple[int, Message]]:
        """(depth, part) of the top-level message, depth-first, not inside attached messages."""
        return self._walk[0]

    @cached_property
    def part_types(self) -> list[str]:
        """Content types of ``parts``, in the same order."""
        return self._walk[1]

    @cached_property
    def _walk(self) -> tuple[list[tuple[int, Message]], list[str]]:
        out: list[tuple[int, Message]] = []
        types: list[str] = []
        stack: list[tuple[int, Message]] = [(0, self.msg)]
        while stack:
            depth, part = stack.pop()
            # The stored payload has the type get_payload() would return (str, list or None),
            # without get_payload's charset work on every leaf.
            payload = raw_payload(part)
            ct = content_type(part)
            if isinstance(payload, str) and ct.startswith("multipart/") and 0 < depth:
                fixed = _repair_boundary(
                    part,
                    _safe_payload_encode(_headers_text(part)) + b"\n\n" + _safe_payload_encode(str(part.get_payload())),
                )
                if fixed is not None:
                    part, payload = fixed, fixed.get_payload()
                    ct = content_type(part)
            out.append((depth, part))
            types.append(ct)
            if depth >= MAX_DEPTH:
                continue
            if isinstance(payload, list) and ct.startswith("multipart/"):
                for child in reversed(payload):
                    if isinstance(child, Message):
                        stack.append((depth + 1, child))
        return out, types

    @cached_property
    def content_type(self) -> str:
        return self.part_types[0]

    def parts_of_type(self, *types: str) -> list[Message]:
        """Every part (outside attached messages) whose type is one of ``types``."""
        return [p for (_, p), ct in zip(self.parts, self.part_types, strict=True) if ct in types]

    @cached_property
    def body_text(self) -> str:
        """The human-readable text: text/plain parts (else text/html stripped), joined."""
        texts = []
        html = []
        for (_, part), ct in zip(self.parts, self.part_types, strict=True):
            if part.is_multipart():
                continue
            if ct.startswith("multipart/") and isinstance(part.get_payload(), str):
                # A multipart whose delimiters are gone: its body is all we have.
                texts.append(part_text(part))
                continue
            disposition = str(mime.get_header(part, "content-disposition", "")).lower()
            if ct == "text/plain" and "attachment" not in disposition:
                texts.append(part_text(part))
            elif ct == "text/html" and "attachment" not in disposition:
                html.append(html_to_text(part_text(part)))
        if not texts and html:
            texts = html
        return "\n".join(texts)

    @cached_property
    def sender(self) -> str:
        """The bounce's From address, lower-cased."""
        return first_address(self.header("from")).lower()

    @cached_property
    def subject(self) -> str:
        return self.header("subject")


_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]+>", re.S | re.I)
_ENTITIES = {"&nbsp;": " ", "&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"', "&#39;": "'"}


def html_to_text(html: str) -> str:
    """Enough HTML-to-text for diagnostics: block tags to newlines, entities decoded."""
    html = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</tr>|</li>|</h\d>", "\n", html)
    text = _TAG.sub("", html)
    for k, v in _ENTITIES.items():
        text = text.replace(k, v)
    return text


def _message_from_bytes(raw: bytes) -> Message:
    """compat32's parse of LF-only bytes: our one-pass reading, the stdlib's if that fails."""
    try:
        return mime.message_from_bytes(raw)
    except Exception:  # noqa: BLE001 - the stdlib then answers, as it always did
        return email.message_from_bytes(raw, policy=compat32)


def parse(data: bytes) -> Parsed:
    """Parse raw bytes; never raises for any input."""
    raw = normalise_newlines(data)
    errors: list[str] = []
    try:
        msg = _message_from_bytes(raw)
    except Exception as exc:  # noqa: BLE001 - the parser must answer for any bytes
        errors.append(f"parse: {type(exc).__name__}: {exc}")
        msg = Message()
        msg.set_payload(raw.decode("utf-8", "replace"))
    if content_type(msg).startswith("multipart/") and not msg.is_multipart():
        fixed = _repair_boundary(msg, raw)
        if fixed is not None:
            errors.append("defect: boundary in header does not match the body; used the body's")
            msg = fixed
    for d in getattr(msg, "defects", []) or []:
        errors.append(f"defect: {type(d).__name__}")
    return Parsed(msg=msg, raw=raw, errors=errors)


_DELIM = re.compile(rb"^--([^\s]{1,70}?)(?:--)?[ \t]*$", re.M)


def _repair_boundary(msg: Message, raw: bytes) -> Message | None:
    """Re-parse a multipart whose declared boundary never occurs (relays and
    anonymisers rewrite one and not the other): take the delimiter the body uses."""
    head, sep, body = raw.partition(b"\n\n")
    if not sep:
        return None
    counts: dict[bytes, int] = {}
    for m in _DELIM.finditer(body):
        b = m.group(1)
        counts[b] = counts.get(b, 0) + 1
        if counts[b] >= 2:
            break
    else:
        return None
    boundary = m.group(1)
    if boundary.endswith(b"--"):
        boundary = boundary[:-2]
    new_head = re.sub(
        rb'(?i)boundary\s*=\s*(?:"[^"]*"|[^;\s]+)',
        b'boundary="' + boundary.replace(b"\\", b"\\\\") + b'"',
        head,
        count=1,
    )
    if new_head == head:
        # No boundary parameter at all (it sat on an unfolded line): add one.
        new_head = re.sub(
            rb"(?im)^(content-type:[^\n]*?);?[ \t]*$",
            lambda m: m.group(1) + b'; boundary="' + boundary + b'"',
            head,
            count=1,
        )
    if new_head == head:
        return None
    try:
        fixed = _message_from_bytes(new_head + b"\n\n" + body)
    except Exception:  # noqa: BLE001
        return None
    return fixed if fixed.is_multipart() else None


# ---------------------------------------------------------------- addresses

ADDR_RE = re.compile(
    r"(?<![\w.+=/-])([\w.!#$%&'*+/=?^`{|}~-]+@(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{1,}|[\w.!#$%&'*+/=?^`{|}~-]+@\[[0-9.]+\])",
)


_QUOTED_LOCAL = re.compile(r'^"[^"]*"@')


# The detectors ask for the addresses of the same header values and report
# lines several times per message: a small cache answers the repeats. Both
# functions depend on their text alone, so a cached answer is always the
# answer; the cache is small enough to hold a few messages' texts only.
ADDRESS_CACHE = 128


@functools.lru_cache(maxsize=ADDRESS_CACHE)
def normalise_address(addr: str | None) -> str | None:
    """Strip brackets/quotes/mailto; lower-case the domain (local part kept as sent)."""
    if not addr:
        return None
    a = addr.strip().strip("<>'()[]:;,. \t")
    if a.count('"') % 2 or not _QUOTED_LOCAL.match(a):
        a = a.strip('"')
    if a.lower().startswith("mailto:"):
        a = a[7:]
    if a.lower().startswith("rfc822;"):
        a = a[7:].strip()
    a = a.strip("<>' ")
    if "@" not in a:
        return None
    local, _, domain = a.rpartition("@")
    local = local.strip("<' ")
    domain = domain.strip("> ").rstrip(".").lower()
    if not local or not domain:
        return None
    return f"{local}@{domain}"


def addresses(text: str) -> list[str]:
    """Every address in ``text``, normalised, in order, without repeats."""
    return list(_addresses(text))


@functools.lru_cache(maxsize=ADDRESS_CACHE)
def _addresses(text: str) -> tuple[str, ...]:
    if "@" not in text:
        return ()  # every address has one
    out: list[str] = []
    seen: set[str] = set()
    for m in ADDR_RE.finditer(text):
        a = normalise_address(m.group(1))
        if a and a.lower() not in seen:
            seen.add(a.lower())
            out.append(a)
    return tuple(out)


def first_address(value: str) -> str:
    """The first address in a header value, or ''."""
    found = ADDR_RE.search(value or "")
    return (normalise_address(found.group(1)) or "") if found else ""
