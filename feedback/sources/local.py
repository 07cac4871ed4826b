"""Local messages: .eml files, folders of them, mbox files and Maildirs."""

from __future__ import annotations

import logging
import mailbox
import os
import re
from collections.abc import Iterator
from pathlib import Path

from ..models import FileRef, RawMessage

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
    or an .mbox/.mbx name.
    """
    if path.suffix.lower() in (".mbox", ".mbx", ".mbx2"):
        return True
    if path.suffix.lower() == ".eml":
        return False
    try:
        with path.open("rb") as fh:
            if fh.read(5) != b"From ":
                return False
            fh.readline()
            blank = False
            for line in fh:
                if blank and _FROM_.match(line):
                    return True
                blank = line in (b"\n", b"\r\n")
    except OSError:
        return False
    return False


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
        yield RawMessage(data=p.read_bytes(), source=str(p))


def iter_mbox(path: Path) -> Iterator[RawMessage]:
    """Messages of an mbox file; source is ``path#N`` (1-based)."""
    box = mailbox.mbox(str(path), create=False)
    try:
        for n, key in enumerate(box.iterkeys(), start=1):
            yield RawMessage(data=box.get_bytes(key, from_=False), source=f"{path}#{n}")
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
