"""One poller per database: `feedback poll` under cron and `feedback run` share a lock.

A POSIX record lock (fcntl F_SETLK, via lockf) on ``<database>.lock``: the
kernel drops it when the holder dies, so a lock left by a killed process never
blocks the next run. Not flock(2): an flock is shared with forked children,
and the classifier's worker processes would keep a dead poller's lock alive.
"""

from __future__ import annotations

import fcntl
import os
from types import TracebackType

from .errors import StoreError


class Locked(Exception):
    """Another poll or run holds the database's lock (exit 75: cron may retry)."""


class PollLock:
    """Exclusive, non-blocking; released on close or process exit."""

    def __init__(self, database: str) -> None:
        # The file the database really is: a symlink or a relative --db names the same lock.
        self.path = os.path.realpath(database) + ".lock"
        self._fd: int | None = None

    def __enter__(self) -> PollLock:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StoreError(f"lock file {self.path}: cannot open ({exc.strerror})") from None
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip()
            os.close(fd)
            who = f" (pid {holder})" if holder else ""
            raise Locked(f"another feedback poll or run holds {self.path}{who}; try again later") from None
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
        except OSError:
            pass  # the pid is only a courtesy to whoever finds the lock held (a full disk must not stop a poll)
        self._fd = fd
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        if self._fd is not None:
            fcntl.lockf(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
