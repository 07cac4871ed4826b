"""One polling run: fetch -> classify -> store and commit -> act on the mailbox.

The order is what makes it safe to kill at any line: nothing on the server
changes before the rows, the checkpoint and the moves to make are committed
together; moves committed but not done are redone first on the next run; the
checkpoint never passes a message that is not stored. A changed UIDVALIDITY
rescans the folder, and content hashes keep that from adding anything twice.
"""

from __future__ import annotations

import functools
import mailbox
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from .batch import Classifier
from .config import Account, Config
from .models import OTHER, Event, RawMessage
from .sources.imap import Mailbox, MailboxAuthError, MailboxError
from .sources.local import maildir_files
from .store import Checkpoint, Store

Echo = Callable[[str], None]
T = TypeVar("T")


@dataclass
class AccountResult:
    """What one account's run did."""

    account: str
    seen: int = 0
    messages: int = 0
    events: int = 0
    moved: int = 0
    total: int = 0  # messages this run set out to read
    error: str | None = None
    auth_error: bool = False
    would: list[str] = field(default_factory=list)
    # Called after every batch (a progress bar for `reprocess --account`).
    progress: Callable[[AccountResult], None] | None = field(default=None, repr=False, compare=False)

    @property
    def failed(self) -> bool:
        return self.error is not None


def is_feedback(events: list[Event]) -> bool:
    """Whether the classifier recognised the message (anything but ``other``)."""
    return any(e.kind != OTHER for e in events)


def target_for(account: Account, events: list[Event], folder: str) -> str | None:
    """Where a message goes after it is stored: processed folder, unrecognised folder, or nowhere."""
    if is_feedback(events):
        target = account.processed_folder or None
    else:
        target = account.unrecognised_folder
    if target is None or target.strip("/").lower() == folder.strip("/").lower():
        return None
    return target


def poll_account(
    store: Store,
    cfg: Config,
    account: Account,
    *,
    dry_run: bool = False,
    limit: int | None = None,
    folder: str | None = None,
    from_start: bool = False,
    workers: int | None = None,
    echo: Echo = print,
    sleep: Callable[[float], None] = time.sleep,
    should_stop: Callable[[], bool] = lambda: False,
    progress: Callable[[AccountResult], None] | None = None,
) -> AccountResult:
    """Poll one account; errors end up in the result, never raised.

    ``should_stop`` is asked between batches: when it says so, the batch in
    hand is committed and moved, and the run ends there (SIGTERM in ``run``).
    """
    result = AccountResult(account.name, progress=progress)
    folder = folder or account.folder
    try:
        with Classifier(cfg.classifier, workers) as classifier:
            if account.is_local:
                _poll_local(
                    store, account, classifier, result, dry_run=dry_run, limit=limit, echo=echo, should_stop=should_stop
                )
            else:
                attempt = 0
                while True:
                    try:
                        _poll_imap(
                            store, account, classifier, result, folder, dry_run=dry_run, limit=limit,
                            from_start=from_start, echo=echo, should_stop=should_stop,
                        )  # fmt: skip
                        break
                    except MailboxError as exc:
                        attempt += 1
                        if attempt > account.retries or should_stop():
                            raise
                        # What is committed stays: the retry resumes from the checkpoint.
                        echo(f"{account.name}: {exc}; retrying in {2 ** (attempt - 1)} s")
                        sleep(2 ** (attempt - 1))
                        from_start = False
    except MailboxAuthError as exc:
        result.error, result.auth_error = str(exc), True
    except MailboxError as exc:
        result.error = str(exc)
    except OSError as exc:
        result.error = f"{account.name}: {exc.strerror or exc}"
    return result


# Bytes of mail held per batch: with three batches in flight (fetching,
# classifying, storing) memory stays bounded whatever the messages weigh.
BATCH_BYTES = 32 * 1024 * 1024


def _by_weight(items: Iterable[T], weigh: Callable[[T], int], most: int) -> Iterator[list[T]]:
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


def _batches(mb: Mailbox, uids: Sequence[int], account: Account) -> Iterator[tuple[list[int], dict[int, int]]]:
    """UIDs in batches of at most ``batch_size`` messages and BATCH_BYTES, with their sizes."""
    for i in range(0, len(uids), account.batch_size):
        window = list(uids[i : i + account.batch_size])
        sizes = mb.sizes(window)
        # An oversized message is read as headers and first part only.
        weigh = functools.partial(_read_size, sizes, account.max_message_size)
        for batch in _by_weight(window, weigh, len(window)):
            yield batch, sizes


def _read_size(sizes: dict[int, int], limit: int, uid: int) -> int:
    return min(sizes.get(uid, 0), limit)


def _poll_imap(
    store: Store,
    account: Account,
    classifier: Classifier,
    result: AccountResult,
    folder: str,
    *,
    dry_run: bool,
    limit: int | None,
    from_start: bool,
    echo: Echo,
    should_stop: Callable[[], bool],
) -> None:
    mb = Mailbox(account)
    try:
        uidvalidity = mb.select(folder)
        old_validity, last = store.mailbox_state(account.name, folder)
        if old_validity is not None and old_validity != uidvalidity:
            # The folder was recreated: its UIDs mean other messages now.
            echo(f"{account.name}: {folder} has a new UIDVALIDITY; rescanning it")
            last = 0
            if not dry_run:
                store.moves_done(account.name, folder, None)
        if from_start:
            last = 0
        if not dry_run:
            _finish_moves(store, mb, account, folder, uidvalidity, result)
        uids = mb.uids_after(last)
        if limit:
            uids = uids[:limit]
        result.total = result.seen + len(uids)
        # Fetch batch n+1 while the workers classify batch n.
        pending: tuple[list[int], list[RawMessage], object] | None = None
        for chunk, sizes in _batches(mb, uids, account):
            if should_stop():
                break
            raws = [
                RawMessage(
                    data=f.data,
                    source=f"{account.name}/{folder}/{uidvalidity}/{f.uid}",
                    received_at=f.internaldate,
                    truncated=f.truncated,
                )
                for f in mb.fetch(chunk, sizes)
            ]
            handle = classifier.submit(raws)
            if pending is not None:
                _store_and_move(store, mb, account, folder, uidvalidity, pending, classifier, result, dry_run, echo)
            pending = (chunk, raws, handle)
        if pending is not None:
            _store_and_move(store, mb, account, folder, uidvalidity, pending, classifier, result, dry_run, echo)
    finally:
        mb.logout()


def _uid_of(raw: RawMessage) -> int:
    return int(raw.source.rsplit("/", 1)[1])


def _store_and_move(
    store: Store,
    mb: Mailbox,
    account: Account,
    folder: str,
    uidvalidity: int,
    pending: tuple[list[int], list[RawMessage], object],
    classifier: Classifier,
    result: AccountResult,
    dry_run: bool,
    echo: Echo,
) -> None:
    chunk, raws, handle = pending
    done = classifier.result(handle)
    events = [evs for evs, _ in done]
    moves = []
    for raw, evs in zip(raws, events, strict=True):
        target = target_for(account, evs, folder)
        if target:
            moves.append((_uid_of(raw), target))
        if dry_run:
            kinds = ",".join(sorted({e.kind for e in evs}))
            line = f"{account.name}: UID {_uid_of(raw)} {kinds} -> {target or 'stays'}"
            result.would.append(line)
            echo(line)
    result.seen += len(raws)
    if result.progress is not None:
        result.progress(result)
    if dry_run:
        return
    r = store.add_batch(
        [(raw, evs, blob) for raw, (evs, blob) in zip(raws, done, strict=True)],
        checkpoint=Checkpoint(account.name, folder, uidvalidity, max(chunk)),
        moves=moves,
    )
    result.messages += r.messages
    result.events += r.events
    _do_moves(store, mb, account, folder, uidvalidity, moves, result)


def _finish_moves(
    store: Store, mb: Mailbox, account: Account, folder: str, uidvalidity: int, result: AccountResult
) -> None:
    """Moves a previous run committed and did not get to do (it was killed)."""
    moves = store.pending_moves(account.name, folder, uidvalidity)
    _do_moves(store, mb, account, folder, uidvalidity, moves, result)


def _do_moves(
    store: Store,
    mb: Mailbox,
    account: Account,
    folder: str,
    uidvalidity: int,
    moves: list[tuple[int, str]],
    result: AccountResult,
) -> None:
    by_target: dict[str, list[int]] = {}
    for uid, target in moves:
        by_target.setdefault(target, []).append(uid)
    for target, uids in by_target.items():
        mb.move(uids, target)
        store.moves_done(account.name, folder, uidvalidity, uids)
        result.moved += len(uids)


# ---------------------------------------------------------------- local accounts


def _poll_local(
    store: Store,
    account: Account,
    classifier: Classifier,
    result: AccountResult,
    *,
    dry_run: bool,
    limit: int | None,
    echo: Echo,
    should_stop: Callable[[], bool] = lambda: False,
) -> None:
    """A Maildir behaves like a folder (feedback moves to the processed sub-folder,
    by an atomic rename); an mbox is only read. Content hashes make every rerun
    add nothing, so a crash between commit and rename only repeats the rename."""
    if account.mbox and not Path(account.mbox).is_file():
        raise MailboxError(f"account {account.name}: mbox {account.mbox} is not a file")
    box = mailbox.mbox(account.mbox, create=False) if account.mbox else None
    try:
        _poll_local_items(
            store, account, classifier, result, box, dry_run=dry_run, limit=limit, echo=echo, should_stop=should_stop
        )
    finally:
        if box is not None:
            box.close()


def _poll_local_items(
    store: Store,
    account: Account,
    classifier: Classifier,
    result: AccountResult,
    box: mailbox.mbox | None,
    *,
    dry_run: bool,
    limit: int | None,
    echo: Echo,
    should_stop: Callable[[], bool],
) -> None:
    items: list[tuple[str, Callable[[], bytes]]]
    if box is not None:
        items = [(str(i), functools.partial(box.get_bytes, k)) for i, k in enumerate(box.iterkeys(), start=1)]
    else:
        assert account.maildir is not None
        if not (Path(account.maildir) / "cur").is_dir():
            raise MailboxError(f"account {account.name}: {account.maildir} is not a Maildir")
        items = _maildir_items(Path(account.maildir))
    if limit:
        items = items[:limit]
    result.total = len(items)
    for chunk, raws in _local_batches(items, account):
        if should_stop():
            break
        done = classifier.result(classifier.submit(raws))
        events = [evs for evs, _ in done]
        result.seen += len(raws)
        if result.progress is not None:
            result.progress(result)
        moves = []
        for (key, _), evs in zip(chunk, events, strict=True):
            target = target_for(account, evs, "INBOX") if account.maildir else None
            if target:
                moves.append((key, target))
            if dry_run:
                line = f"{account.name}: {key} {','.join(sorted({e.kind for e in evs}))} -> {target or 'stays'}"
                result.would.append(line)
                echo(line)
        if dry_run:
            continue
        r = store.add_batch([(raw, evs, blob) for raw, (evs, blob) in zip(raws, done, strict=True)])
        result.messages += r.messages
        result.events += r.events
        for key, target in moves:
            assert account.maildir is not None
            _maildir_move(Path(account.maildir), key, target)
            result.moved += 1


def _local_batches(
    items: list[tuple[str, Callable[[], bytes]]], account: Account
) -> Iterator[tuple[list[tuple[str, Callable[[], bytes]]], list[RawMessage]]]:
    """Messages read in batches of at most ``batch_size`` and BATCH_BYTES, as over IMAP."""
    loaded = ((key, load, load()) for key, load in items)
    for batch in _by_weight(loaded, lambda item: len(item[2]), account.batch_size):
        yield (
            [(key, load) for key, load, _ in batch],
            [RawMessage(data=data, source=f"{account.name}/{key}") for key, _, data in batch],
        )


def _maildir_items(root: Path) -> list[tuple[str, Callable[[], bytes]]]:
    return [(f"{p.parent.name}/{p.name}", p.read_bytes) for p in maildir_files(root)]


def _maildir_move(root: Path, key: str, target: str) -> None:
    """Rename a message into a Maildir++ sub-folder ("Feedback/Processed" -> .Feedback.Processed)."""
    folder = root / ("." + target.strip("/").replace("/", "."))
    for sub in ("cur", "new", "tmp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    src = root / key
    name = src.name if ":2," in src.name else src.name + ":2,"
    if src.exists():
        src.rename(folder / "cur" / name)
