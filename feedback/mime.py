"""The stdlib's MIME parser (``email.feedparser``, compat32), read in one pass.

``email.message_from_bytes`` is incremental: every line goes through a deque,
a generator and, inside a multipart, one regular expression per enclosing
boundary. It is a third of the classifier's time. This module makes the same
decisions in the same order (it follows feedparser.py of Python 3.11 step by
step, defects included) over a list of lines: a line can only end a part if
it starts with ``--`` or is empty, so bodies are taken as slices between such
lines. The result is the same ``Message`` tree; ``tests/test_mime.py``
compares the two on every fixture, on the parser's edge shapes and on mutated
messages.

Input must use LF line ends only (``parse.normalise_newlines`` sees to it).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from email import errors, utils
from email._policybase import compat32
from email.message import Message, _parseparam  # type: ignore[attr-defined]
from itertools import compress, count
from operator import methodcaller

_HEADER = re.compile(r"^(From |[\041-\071\073-\176]*:|[\t ])")

# Where each message keeps the content type found while parsing (headers do not
# change afterwards): ``parse.content_type`` reads it instead of asking again.
CTYPE = "_feedback_ctype"


def _boundary(line: str, sep: str) -> tuple[bool, str | None] | None:
    """feedparser's boundary regex, ``SEP(--)?[ \\t]*(LINESEP)?$``, for an LF-only line:
    (close delimiter?, line end) or None."""
    if not line.startswith(sep):
        return None
    rest = line[len(sep) :]
    end = rest[:2] == "--"
    if end:
        rest = rest[2:]
    rest = rest.lstrip(" \t")
    if rest == "":
        return end, None
    if rest == "\n":
        return end, "\n"
    return None


# A line that could end a part: "--..." or empty (lines keep their "\n").
_IS_MARK = methodcaller("startswith", ("--", "\n"))
_IS_DASH = methodcaller("startswith", "--")


def _blank(line: str) -> bool:
    # feedparser's NLCRE.match on an LF-only line
    return line[:1] == "\n"


class _Lines:
    """feedparser's BufferedSubFile over a finished list of lines.

    feedparser keeps a stack of predicates, one per enclosing part, that end
    the part at a line: a multipart's boundary, or an empty line inside a
    message/delivery-status. Here the stack holds the boundary's separator
    ("--" + boundary) or None for the empty line, so a candidate line is
    tested with ``startswith`` instead of a call per predicate.
    """

    __slots__ = ("lines", "i", "n", "back", "stack", "blanks", "_marks", "_dashes")

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.i = 0
        self.n = len(lines)
        self.back: list[str] = []
        self.stack: list[str | None] = []
        self.blanks = 0  # how many None entries the stack holds
        # Where a line that could end a part stands: "--..." or empty (found when first needed).
        self._marks: list[int] | None = None
        self._dashes: list[int] | None = None

    def push(self, separator: str | None) -> None:
        """Enter a part that ends at ``separator`` (None: at an empty line)."""
        self.stack.append(separator)
        if separator is None:
            self.blanks += 1

    def pop(self) -> None:
        if self.stack.pop() is None:
            self.blanks -= 1

    def ends(self, line: str) -> bool:
        """Whether an enclosing part ends at ``line`` (feedparser: any predicate on the stack matches)."""
        if line == "\n":
            return self.blanks > 0
        for sep in self.stack:
            if sep is not None and line.startswith(sep) and _boundary(line, sep) is not None:
                return True
        return False

    def readline(self) -> str:
        if self.back:
            line = self.back.pop()
            if self.stack and self.ends(line):
                self.back.append(line)
                return ""
            return line
        i = self.i
        if i >= self.n:
            return ""
        line = self.lines[i]
        if self.stack and (line[:2] == "--" or line == "\n") and self.ends(line):
            return ""
        self.i = i + 1
        return line

    def unreadline(self, line: str) -> None:
        self.back.append(line)

    def rest(self) -> list[str]:
        """Every line up to the (false) end of file."""
        if not self.back and not self.stack:
            out = self.lines[self.i :]
            self.i = self.n
            return out
        if self.back:
            out = []
            while True:
                line = self.readline()
                if line == "":
                    return out
                out.append(line)
        i, lines = self.i, self.lines
        if self.blanks:
            if self._marks is None:
                self._marks = list(compress(count(), map(_IS_MARK, lines)))
            marks = self._marks
        else:
            # Only boundaries can end it: the (many) empty lines need no test.
            if self._dashes is None:
                self._dashes = list(compress(count(), map(_IS_DASH, lines)))
            marks = self._dashes
        end = self.n
        ends = self.ends
        for k in range(bisect_left(marks, i), len(marks)):
            j = marks[k]
            if ends(lines[j]):
                end = j
                break
        self.i = end
        return lines[i:end]


class _Parser:
    __slots__ = ("input", "msgstack", "cur", "last", "headersonly")

    def __init__(self, lines: list[str], headersonly: bool = False) -> None:
        self.headersonly = headersonly
        self.input = _Lines(lines)
        self.msgstack: list[Message] = []
        self.cur: Message | None = None
        self.last: Message | None = None

    def new_message(self) -> Message:
        msg = Message(policy=compat32)
        if self.cur is not None and self.cur.__dict__.get(CTYPE) == "multipart/digest":
            msg.set_default_type("message/rfc822")
        if self.msgstack:
            self.msgstack[-1].attach(msg)
        self.msgstack.append(msg)
        self.cur = msg
        self.last = msg
        return msg

    def pop_message(self) -> Message:
        retval = self.msgstack.pop()
        self.cur = self.msgstack[-1] if self.msgstack else None
        return retval

    def parse(self) -> Message:
        self.parsegen()
        root = self.pop_message()
        if root.get_content_maintype() == "multipart" and not root.is_multipart() and not self.headersonly:
            compat32.handle_defect(root, errors.MultipartInvariantViolationDefect())
        return root

    def parsegen(self) -> None:  # noqa: C901 - feedparser's own shape, kept to compare
        inp = self.input
        cur = self.new_message()
        headers: list[str] = []
        if inp.back:
            while True:
                line = inp.readline()
                if line == "":
                    break
                if not _HEADER.match(line):
                    if not _blank(line):
                        compat32.handle_defect(cur, errors.MissingHeaderBodySeparatorDefect())
                        inp.unreadline(line)
                    break
                headers.append(line)
        else:
            # The same loop over the list: only "--" and empty lines can end a part.
            lines, n, i, stack = inp.lines, inp.n, inp.i, inp.stack
            header = _HEADER.match
            while i < n:
                line = lines[i]
                if stack and (line[:2] == "--" or line == "\n") and inp.ends(line):
                    break
                i += 1
                if not header(line):
                    if line != "\n":
                        compat32.handle_defect(cur, errors.MissingHeaderBodySeparatorDefect())
                        i -= 1
                    break
                headers.append(line)
            inp.i = i
        self.parse_headers(cur, headers)
        if self.headersonly:
            # feedparser's headersonly: whatever follows the headers is the payload, as text.
            cur.set_payload("".join(inp.rest()))
            return
        # Computed once, where feedparser asks again each time it needs it.
        ctype = _content_type(cur)
        cur.__dict__[CTYPE] = ctype
        if ctype == "message/delivery-status":
            while True:
                inp.push(None)
                self.parsegen()
                self.pop_message()
                inp.pop()
                inp.readline()
                line = inp.readline()
                if line == "":
                    break
                inp.unreadline(line)
            return
        maintype = ctype.split("/")[0]
        if maintype == "message":
            self.parsegen()
            self.pop_message()
            return
        if maintype == "multipart":
            self.multipart(cur)
            return
        cur.set_payload("".join(inp.rest()))

    def multipart(self, cur: Message) -> None:  # noqa: C901
        inp = self.input
        boundary = _boundary_param(cur)
        if boundary is None:
            compat32.handle_defect(cur, errors.NoBoundaryInMultipartDefect())
            cur.set_payload("".join(inp.rest()))
            return
        if str(get_header(cur, "content-transfer-encoding", "8bit")).lower() not in ("7bit", "8bit", "binary"):
            compat32.handle_defect(cur, errors.InvalidMultipartContentTransferEncodingDefect())
        separator = "--" + boundary

        def match(line: str) -> tuple[bool, str | None] | None:
            return _boundary(line, separator)

        capturing_preamble = True
        preamble: list[str] = []
        linesep: str | None = None
        close_boundary_seen = False
        while True:
            line = inp.readline()
            if line == "":
                break
            mo = match(line)
            if mo:
                if mo[0]:
                    close_boundary_seen = True
                    linesep = mo[1]
                    break
                if capturing_preamble:
                    if preamble:
                        last = preamble[-1]
                        if last.endswith("\n"):
                            preamble[-1] = last[:-1]
                        cur.preamble = "".join(preamble)
                    capturing_preamble = False
                    inp.unreadline(line)
                    continue
                while True:
                    line = inp.readline()
                    if not match(line):
                        inp.unreadline(line)
                        break
                inp.push(separator)
                self.parsegen()
                last_msg = self.last
                assert last_msg is not None
                if last_msg.__dict__[CTYPE].startswith("multipart/"):
                    epilogue = last_msg.epilogue
                    if epilogue == "":
                        last_msg.epilogue = None
                    elif epilogue is not None and epilogue.endswith("\n"):
                        last_msg.epilogue = epilogue[:-1]
                else:
                    payload = last_msg._payload  # type: ignore[attr-defined]
                    if isinstance(payload, str) and payload.endswith("\n"):
                        last_msg._payload = payload[:-1]  # type: ignore[attr-defined]
                inp.pop()
                self.pop_message()
                self.last = self.cur
            else:
                preamble.append(line)
        if capturing_preamble:
            compat32.handle_defect(cur, errors.StartBoundaryNotFoundDefect())
            cur.set_payload("".join(preamble))
            inp.rest()
            cur.epilogue = ""
            return
        if not close_boundary_seen:
            compat32.handle_defect(cur, errors.CloseBoundaryNotFoundDefect())
            return
        tail = [""] if linesep else []
        tail += inp.rest()
        if tail and tail[0][:1] == "\n":
            tail[0] = tail[0][1:]
        cur.epilogue = "".join(tail)

    def parse_headers(self, cur: Message, lines: list[str]) -> None:
        headers = cur._headers  # type: ignore[attr-defined]
        first: str | None = None  # the pending header's first line
        cont: list[str] | None = None  # and its continuation lines
        for lineno, line in enumerate(lines):
            c = line[0]
            if c == " " or c == "\t":
                if first is None:
                    compat32.handle_defect(cur, errors.FirstHeaderLineIsContinuationDefect(line))
                elif cont is None:
                    cont = [line]
                else:
                    cont.append(line)
                continue
            if first is not None:
                # compat32's header_source_parse (``_source``), inline: it runs for every header.
                name, value = first.split(":", 1)
                value = value.lstrip(" \t")
                if cont:
                    value += "".join(cont)
                headers.append((name, value.rstrip("\r\n")))
                first = cont = None
            if c == "F" and line.startswith("From "):
                if lineno == 0:
                    cur.set_unixfrom(line[:-1] if line.endswith("\n") else line)
                    continue
                if lineno == len(lines) - 1:
                    self.input.unreadline(line)
                    return
                cur.defects.append(errors.MisplacedEnvelopeHeaderDefect(line))
                continue
            if c == ":":  # line.find(":") == 0
                cur.defects.append(errors.InvalidHeaderDefect("Missing header name."))
                continue
            first = line
        if first is not None:
            headers.append(_source(first, cont))


def _source(first: str, cont: list[str] | None) -> tuple[str, str]:
    """compat32's header_source_parse: (name, value with its folding kept)."""
    name, value = first.split(":", 1)
    value = value.lstrip(" \t")
    if cont:
        value += "".join(cont)
    return name, value.rstrip("\r\n")


INDEX = "_feedback_index"


def header_index(msg: Message) -> dict[str, str]:
    """{lower-cased name: stored value} of the first occurrence of each header, kept on the message.

    Parsed messages are never changed afterwards, so the index cannot go stale.
    """
    index: dict[str, str] | None = msg.__dict__.get(INDEX)
    if index is None:
        # First occurrence of each name wins, as Message.get does.
        index = {k.lower(): v for k, v in reversed(msg.__dict__.get("_headers", ()))}
        msg.__dict__[INDEX] = index
    return index


def get_header(msg: Message, name: str, default: object = None) -> object:
    """``msg.get(name, default)`` from the index: one dict lookup, not a scan of every header.

    compat32 returns a value with 8-bit bytes (surrogates) as a ``Header``;
    such values are left to ``Message.get`` itself.
    """
    value = header_index(msg).get(name.lower())
    if value is None:
        return default
    if not isinstance(value, str) or not value.isascii():
        return msg.get(name, default)
    return value


def _content_type(msg: Message) -> str:
    """``msg.get_content_type()``, with the header read from the index."""
    value = header_index(msg).get("content-type")
    if value is None:
        return msg.get_default_type()
    if not isinstance(value, str) or not value.isascii():
        return msg.get_content_type()
    ctype = value.partition(";")[0].strip().lower()
    return ctype if ctype.count("/") == 1 else "text/plain"


def _boundary_param(msg: Message) -> str | None:
    """``msg.get_boundary()``: the same steps (``_parseparam``, ``decode_params``'
    unquote and quote, ``get_param``'s and ``collapse_rfc2231_value``'s unquote)
    without the detours; RFC 2231 parameters (a ``*``) and 8-bit values are left
    to the stdlib."""
    value = header_index(msg).get("content-type")
    if value is None or not isinstance(value, str) or not value.isascii() or "*" in value:
        return msg.get_boundary()
    for n, p in enumerate(_parseparam(value)):
        name, sep, val = p.partition("=")
        name, val = (name.strip(), val.strip()) if sep else (p.strip(), "")
        if name.lower() == "boundary":
            if n:
                # decode_params re-quotes every parameter but the first (the type).
                val = f'"{utils.quote(utils.unquote(val))}"'
            return utils.unquote(utils.unquote(val)).rstrip()
    return None


# Besides LF, what str.splitlines() splits at (CR is gone after
# normalise_newlines, but may be in a str). One substring test each is far
# cheaper than a character-class search.
_SPLITLINES_ALSO = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def _other_line_ends(text: str) -> bool:
    return any(map(text.__contains__, _SPLITLINES_ALSO))


def split_lines(text: str) -> list[str]:
    """LF-only text as lines that keep their line end (the last may have none)."""
    if not _other_line_ends(text):
        # The same lines, cut in one C call.
        return text.splitlines(keepends=True)
    lines = text.split("\n")
    last = lines.pop()
    out = [ln + "\n" for ln in lines]
    if last:
        out.append(last)
    return out


def headers_from_text(text: str) -> Message | None:
    """What ``email.parser.Parser(policy=compat32).parsestr(text, headersonly=True)`` returns,
    or None when ``text`` has line ends other than LF (then ask the stdlib)."""
    if _other_line_ends(text):
        # The stdlib's parser splits a str at each of these too; ours at LF only.
        return None
    return _Parser(split_lines(text), headersonly=True).parse()


def message_from_bytes(data: bytes) -> Message:
    """What ``email.message_from_bytes(data, policy=compat32)`` returns, for LF-only bytes."""
    return _Parser(split_lines(data.decode("ascii", "surrogateescape"))).parse()
