"""Where messages come from: an IMAP folder, a Maildir, an mbox file.

Polling sees every one through the small :class:`Source` interface, so one loop
in ``service.py`` serves them all: what is new since the checkpoint, the new
messages in bounded batches, the checkpoint to commit with a batch, and moves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Protocol, TypeVar

from ..models import RawMessage

T = TypeVar("T")

# Bytes of mail held per batch: with three batches in flight (fetching,
# classifying, storing) memory stays bounded whatever the messages weigh.
BATCH_BYTES = 32 * 1024 * 1024


class MailboxError(Exception):
    """The server, the network or the mailbox failed; worth retrying."""


class MailboxAuthError(Exception):
    """Credentials or trust are wrong: retrying will not help (exit 2)."""


class Source(Protocol):
    """One folder of one account, opened for a poll.

    Message ids are ints: IMAP UIDs, byte offsets in an mbox, positions in a
    Maildir listing. Where ids stay valid across runs (``resumable``), the
    store keeps a checkpoint ``(validity, last id)`` and the moves still to do.
    """

    key: str  # the checkpoint's folder name
    resumable: bool  # ids mean the same message on the next run
    movable: bool  # messages may be moved (an mbox is only read)

    def resume(self, validity: int | None, last: int) -> tuple[int, int, str | None]:
        """(validity, id to read after, why everything is read again or None) from the saved checkpoint."""
        ...

    def new(self, after: int) -> Sequence[int]:
        """Ids of the messages after ``after``, ascending."""
        ...

    def batches(self, ids: Sequence[int]) -> Iterator[list[tuple[int, RawMessage]]]:
        """The messages, read in batches of at most ``batch_size`` and BATCH_BYTES."""
        ...

    def checkpoint(self, batch: list[tuple[int, RawMessage]]) -> tuple[int, int]:
        """(validity, last id) to commit once ``batch`` is stored."""
        ...

    def move(self, ids: list[int], target: str, *, retry: bool = False) -> None:
        """Move messages to ``target`` (MailboxError on failure); ``retry``: an earlier run may have begun it."""
        ...

    def close(self) -> None:
        """Release the connection or file."""
        ...


def by_weight(items: Iterable[T], weigh: Callable[[T], int], most: int) -> Iterator[list[T]]:
    """Consecutive runs of ``items``, each at most ``most`` long and BATCH_BYTES heavy (one item may exceed it)."""
    batch: list[T] = []
    weight = 0
    for item in items:
        w = weigh(item)
        if batch and (len(batch) >= most or weight + w > BATCH_BYTES):
            yield batch
            batch, weight = [], 0
        batch.append(item)
        weight += w
    if batch:
        yield batch
