"""Local messages: .eml files, folders of them, mbox files and Maildirs."""

from __future__ import annotations

import logging
import os
import re
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from ..config import Account
from ..models import FileRef, RawMessage
from ..oversize import sized
from . import MailboxError, by_weight

# An mbox separator: "From sender Day Mon dd hh:mm:ss yyyy" after a blank line.
_FROM_ = re.compile(rb"^From \S+ +\w{3} \w{3} [ \d]?\d \d\d:\d\d")


class SourceError(Exception):
    """A path that cannot be read as messages."""


def is_maildir(path: Path) -> bool:
    """A folder with cur/ and new/ (tmp/ is optional in copies)."""
    return path.is_dir() and (path / "cur").is_dir() and (path / "new").is_dir()


def is_mbox(path: Path) -> bool:
    """A file that holds several messages behind ``From `` lines.

    A single message saved with its mbox ``From `` line (common for .eml
    exports) is one message, not an mbox: an mbox needs a second separator,
    or an .mbox/.mbx name. Lines may end in LF, CRLF or a bare CR (old Macs).
    """
    if path.suffix.lower() in (".mbox", ".mbx", ".mbx2"):
        return True
    if path.suffix.lower() == ".eml":
        return False
    try:
        with path.open("rb") as fh:
            if fh.read(5) != b"From ":
                return False
            eol = _eol(fh)
            lines = _lines(fh, 0, eol)
            next(lines)
            blank = False
            for _, line in lines:
                if blank and _FROM_.match(line):
                    return True
                blank = line in (eol, b"\r\n")
            return False
    except OSError:
        return False


# Lines are split on LF (which CRLF ends in too), or on CR in a file without LF.
_BLOCK = 1 << 20


def _eol(fh: BinaryIO) -> bytes:
    fh.seek(0)
    head = fh.read(1 << 16)
    return b"\r" if b"\r" in head and b"\n" not in head else b"\n"


def _lines(fh: BinaryIO, start: int, eol: bytes) -> Iterator[tuple[int, bytes]]:
    """(offset, line with its end) from ``start`` on, reading a block at a time."""
    pos, rest, at = start, b"", start
    while True:
        # The caller may read messages from the same file between two lines.
        fh.seek(at)
        block = fh.read(_BLOCK)
        at += len(block)
        if not block:
            if rest:
                yield pos, rest
            return
        rest += block
        i = 0
        while True:
            j = rest.find(eol, i)
            if j < 0:
                break
            yield pos, rest[i : j + 1]
            pos += j + 1 - i
            i = j + 1
        rest = rest[i:]


def _starts(fh: BinaryIO, start: int) -> Iterator[tuple[int, int]]:
    """(offset of a message's ``From `` line, offset where its text ends) from ``start`` on.

    A ``From `` line opens a message at the start or after a blank line. Blank
    lines at the end of a message belong to the separator: so a message reads the
    same whether it was the last one or more were appended after it.
    """
    eol = _eol(fh)
    begin = -1
    prev_blank, text_end = True, start
    for pos, line in _lines(fh, start, eol):
        if prev_blank and line.startswith(b"From "):
            if begin >= 0:
                yield begin, text_end
            begin = pos
        prev_blank = line in (eol, b"\r\n")
        if not prev_blank:
            text_end = pos + len(line)
    if begin >= 0:
        yield begin, text_end


class Mbox:
    """An mbox file read by byte offsets, whatever its line ends (LF, CRLF, CR)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.fh: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed by close()
        self.cr = _eol(self.fh) == b"\r"

    def messages(self, start: int = 0) -> Iterator[tuple[int, int]]:
        """(start, end) of each message from offset ``start`` on."""
        return _starts(self.fh, start)

    def read(self, start: int, end: int) -> bytes:
        """A message's bytes without its ``From `` line; CR line ends become LF."""
        self.fh.seek(start)
        data = self.fh.read(end - start)
        if self.cr:
            data = data.replace(b"\r", b"\n")
        cut = data.find(b"\n")
        return data[cut + 1 :] if cut >= 0 else b""

    def close(self) -> None:
        """Close the file."""
        self.fh.close()


def maildir_files(path: Path) -> list[Path]:
    """Message files of a Maildir (new/ then cur/), in file-name order."""
    out = []
    for sub in ("new", "cur"):
        folder = path / sub
        for name in sorted(os.listdir(folder)):
            p = folder / name
            if not name.startswith(".") and p.is_file():
                out.append(p)
    return out


def iter_maildir(path: Path) -> Iterator[RawMessage]:
    """Messages of a Maildir (new/ and cur/), in file-name order."""
    for p in maildir_files(path):
        yield sized(p.read_bytes(), str(p))


def iter_mbox(path: Path) -> Iterator[RawMessage]:
    """Messages of an mbox file; source is ``path#N`` (1-based)."""
    box = Mbox(str(path))
    try:
        for n, (start, end) in enumerate(box.messages(), start=1):
            yield sized(box.read(start, end), f"{path}#{n}")
    finally:
        box.close()


def iter_paths(paths: list[str]) -> Iterator[RawMessage | FileRef]:
    """Every message under the given paths, in a stable order.

    Single-message files come as FileRef: the consumer (a worker process,
    often) reads them; mbox and Maildir messages come read.
    """
    for arg in paths:
        if "\0" in arg:
            raise SourceError(f"{arg!r}: a path cannot hold a NUL character")
        p = Path(arg)
        if not p.exists():
            if p.is_symlink():
                raise SourceError(f"{arg}: a symbolic link to nothing (dangling, or a loop)")
            raise SourceError(f"{arg}: no such file or folder")
        if is_maildir(p):
            yield from iter_maildir(p)
        elif p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs.sort()
                rp = Path(root)
                if is_maildir(rp):
                    dirs[:] = [d for d in dirs if d not in ("cur", "new", "tmp")]
                    yield from iter_maildir(rp)
                    continue
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    fp = rp / name
                    if not fp.is_file():
                        # A dangling or looping link, a socket: not a message, and no reason to stop the rest.
                        logging.getLogger("feedback").warning("%s: skipped (not a readable file)", fp)
                        continue
                    if looks_like_mail(fp):
                        yield from _file(fp)
        else:
            yield from _file(p)


_HEADER_LINE = re.compile(rb"^(?:From |[A-Za-z][A-Za-z0-9-]*:)")


def looks_like_mail(path: Path) -> bool:
    """Whether a file found in a folder is a message: .eml, or a header (or mbox From_) first.

    A folder of saved bounces often holds a README or an index too; a file
    named on the command line is always read, whatever it holds.
    """
    if path.suffix.lower() in (".eml", ".msg", ".mbox", ".mbx"):
        return True
    try:
        with path.open("rb") as fh:
            head = fh.read(256)
    except OSError:
        return True  # let the reader report it
    return bool(_HEADER_LINE.match(head.lstrip(b"\r\n")))


def _file(p: Path) -> Iterator[RawMessage | FileRef]:
    if is_mbox(p):
        yield from iter_mbox(p)
    else:
        if not os.access(p, os.R_OK):
            raise SourceError(f"{p}: permission denied")
        yield FileRef(str(p))


# ---------------------------------------------------------------- polled local accounts


class MboxSource:
    """An mbox account: only read. Ids are byte offsets + 1; the checkpoint is the last
    message's offset with a CRC of its text, so an mbox that is only appended to is
    read from there on, and one rewritten before that point is read again in full."""

    resumable = True
    movable = False

    def __init__(self, account: Account) -> None:
        assert account.mbox is not None
        self.account = account
        self.key = account.mbox
        try:
            self.box = Mbox(account.mbox)
        except OSError as exc:
            raise MailboxError(f"account {account.name}: cannot read {account.mbox} ({exc.strerror})") from None
        self._ends: dict[int, int] = {}

    def resume(self, validity: int | None, last: int) -> tuple[int, int, str | None]:
        """Read after ``last`` when the message there is still the one stored, else from the start."""
        if validity is None or last <= 0:
            return 0, 0, None
        for start, end in self.box.messages(last - 1):
            if start == last - 1 and zlib.crc32(self.box.read(start, end)) == validity:
                return validity, last, None
            break
        return 0, 0, f"{self.account.name}: {self.account.mbox} changed before the last message read; reading it all"

    def new(self, after: int) -> Sequence[int]:
        """Ids (offset + 1) of the messages after id ``after`` (0: all)."""
        self._ends = {s + 1: e for s, e in self.box.messages(max(after - 1, 0)) if s + 1 > after}
        return sorted(self._ends)

    def batches(self, ids: Sequence[int]) -> Iterator[list[tuple[int, RawMessage]]]:
        """Messages read one batch at a time."""
        for chunk in by_weight(ids, lambda i: self._ends[i] - i, self.account.batch_size):
            yield [
                (i, RawMessage(data=self.box.read(i - 1, self._ends[i]), source=f"{self.account.name}/{i}"))
                for i in chunk
            ]

    def checkpoint(self, batch: list[tuple[int, RawMessage]]) -> tuple[int, int]:
        """(CRC of the last message's text, its id)."""
        last, raw = batch[-1]
        return zlib.crc32(raw.data), last

    def move(self, ids: list[int], target: str, *, retry: bool = False) -> None:
        """An mbox is never changed."""
        raise MailboxError(f"account {self.account.name}: an mbox is only read")

    def close(self) -> None:
        """Close the file."""
        self.box.close()


class MaildirSource:
    """A Maildir account: behaves like a folder; feedback moves to a Maildir++ sub-folder
    by an atomic rename. Ids are positions in this run's listing, so nothing is
    checkpointed: content hashes make a rerun add nothing, and a crash between
    commit and rename only repeats the rename."""

    resumable = False
    movable = True
    key = "INBOX"

    def __init__(self, account: Account) -> None:
        assert account.maildir is not None
        self.account = account
        self.root = Path(account.maildir)
        if not (self.root / "cur").is_dir():
            raise MailboxError(f"account {account.name}: {account.maildir} is not a Maildir")
        self._files: list[Path] = []

    def resume(self, validity: int | None, last: int) -> tuple[int, int, str | None]:
        """Always every message (those left behind are few: the others were moved)."""
        return 0, 0, None

    def new(self, after: int) -> Sequence[int]:
        """Every message now in new/ and cur/."""
        self._files = maildir_files(self.root)
        return range(1, len(self._files) + 1)

    def batches(self, ids: Sequence[int]) -> Iterator[list[tuple[int, RawMessage]]]:
        """Messages read one batch at a time; one that vanished meanwhile is skipped."""
        loaded = ((i, self._load(i)) for i in ids)
        present = ((i, raw) for i, raw in loaded if raw is not None)
        yield from by_weight(present, lambda item: len(item[1].data), self.account.batch_size)

    def _load(self, i: int) -> RawMessage | None:
        p = self._files[i - 1]
        try:
            data = p.read_bytes()
        except FileNotFoundError:
            return None  # another reader moved it
        return sized(data, f"{self.account.name}/{p.parent.name}/{p.name}", self.account.max_message_size)

    def checkpoint(self, batch: list[tuple[int, RawMessage]]) -> tuple[int, int]:
        """Not resumable: no checkpoint."""
        return 0, 0

    def move(self, ids: list[int], target: str, *, retry: bool = False) -> None:
        """Rename into ``.Target.Sub/cur`` ("Target/Sub" in the config)."""
        folder = self.root / ("." + target.strip("/").replace("/", "."))
        try:
            for sub in ("cur", "new", "tmp"):
                (folder / sub).mkdir(parents=True, exist_ok=True)
            for i in ids:
                src = self._files[i - 1]
                name = src.name if ":2," in src.name else src.name + ":2,"
                if src.exists():
                    src.rename(folder / "cur" / name)
        except OSError as exc:
            raise MailboxError(f"account {self.account.name}: moving to {target} failed ({exc.strerror})") from None

    def close(self) -> None:
        """Nothing held open."""
