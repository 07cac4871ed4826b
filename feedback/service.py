"""One polling run: fetch -> classify -> store and commit -> act on the mailbox.

One loop serves every kind of source (IMAP folder, Maildir, mbox) through
:class:`feedback.sources.Source`. The order is what makes it safe to kill at
any line: nothing in the mailbox changes before the rows, the checkpoint and
the moves to make are committed together; moves committed but not done are
redone first on the next run; the checkpoint never passes a message that is
not stored. A move that fails never stops storing: it stays pending and is
tried again on the next run. A changed UIDVALIDITY (or a rewritten mbox)
rescans the folder, and content hashes keep that from adding anything twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .batch import Classifier
from .config import Account, Config
from .models import OTHER, Event, RawMessage
from .sources import MailboxAuthError, MailboxError, Source
from .store import Checkpoint, Store

Echo = Callable[[str], None]


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
    move_errors: dict[str, str] = field(default_factory=dict)  # target -> why its moves wait for the next run
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


def open_source(account: Account, folder: str) -> Source:
    """The account's folder (IMAP), Maildir or mbox, ready to poll."""
    if account.mbox:
        from .sources.local import MboxSource

        return MboxSource(account)
    if account.maildir:
        from .sources.local import MaildirSource

        return MaildirSource(account)
    from .sources.imap import ImapSource

    return ImapSource(account, folder)


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
            attempt = 0
            while True:
                try:
                    _poll(
                        store, account, classifier, result, folder, dry_run=dry_run, limit=limit,
                        from_start=from_start, echo=echo, should_stop=should_stop,
                    )  # fmt: skip
                    break
                except MailboxError as exc:
                    attempt += 1
                    if account.is_local or attempt > account.retries or should_stop():
                        raise
                    # What is committed stays: the retry resumes from the checkpoint.
                    echo(f"{account.name}: {exc}; retrying in {2 ** (attempt - 1)} s")
                    sleep(2 ** (attempt - 1))
                    from_start = False
        if result.move_errors:
            # Everything was stored; the moves wait for the next run.
            result.error = "; ".join(result.move_errors.values())
    except MailboxAuthError as exc:
        result.error, result.auth_error = str(exc), True
    except MailboxError as exc:
        result.error = str(exc)
    except OSError as exc:
        result.error = f"{account.name}: {exc.strerror or exc}"
    return result


def _poll(
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
    src = open_source(account, folder)
    try:
        validity, last, rescan = src.resume(*store.mailbox_state(account.name, src.key))
        if rescan:
            echo(rescan)
            if not dry_run:
                store.moves_done(account.name, src.key, None)
        if from_start:
            last = 0
        if src.resumable and not dry_run:
            # Moves a previous run committed and did not get to do (killed, or the server refused).
            pending = store.pending_moves(account.name, src.key, validity)
            pending = _still_configured(store, src, account, validity, pending, echo)
            _do_moves(store, src, account, validity, pending, result, echo, retry=True)
        ids = src.new(last)
        if limit:
            ids = ids[:limit]
        result.total = result.seen + len(ids)
        # Read batch n+1 while the workers classify batch n.
        held: tuple[list[tuple[int, RawMessage]], Any] | None = None
        for batch in src.batches(ids):
            if should_stop():
                break
            handle = classifier.submit([raw for _, raw in batch])
            if held is not None:
                _store_and_move(store, src, account, folder, held, classifier, result, dry_run, echo)
            held = (batch, handle)
        if held is not None:
            _store_and_move(store, src, account, folder, held, classifier, result, dry_run, echo)
    finally:
        src.close()


def _still_configured(
    store: Store, src: Source, account: Account, validity: int, pending: list[tuple[int, str]], echo: Echo
) -> list[tuple[int, str]]:
    """Pending moves to a folder the config no longer names are forgotten: the mail stays where it is."""
    targets = {account.processed_folder, account.unrecognised_folder} - {None, ""}
    stale = [(mid, t) for mid, t in pending if t not in targets]
    for target in sorted({t for _, t in stale}):
        ids = [mid for mid, t in stale if t == target]
        echo(f"{account.name}: {len(ids)} pending move(s) to {target} dropped: no longer configured; the mail stays")
        store.moves_done(account.name, src.key, validity, ids)
    return [(mid, t) for mid, t in pending if t in targets]


def _store_and_move(
    store: Store,
    src: Source,
    account: Account,
    folder: str,
    held: tuple[list[tuple[int, RawMessage]], Any],
    classifier: Classifier,
    result: AccountResult,
    dry_run: bool,
    echo: Echo,
) -> None:
    batch, handle = held
    done = classifier.result(handle)
    moves = []
    for (mid, raw), (evs, _) in zip(batch, done, strict=True):
        target = target_for(account, evs, folder) if src.movable else None
        if target:
            moves.append((mid, target))
        if dry_run:
            kinds = ",".join(sorted({e.kind for e in evs}))
            name = f"UID {mid}" if not account.is_local else raw.source.split("/", 1)[1]
            line = f"{account.name}: {name} {kinds} -> {target or 'stays'}"
            result.would.append(line)
            echo(line)
    result.seen += len(batch)
    if result.progress is not None:
        result.progress(result)
    if dry_run:
        return
    checkpoint = None
    if src.resumable:
        validity, last = src.checkpoint(batch)
        checkpoint = Checkpoint(account.name, src.key, validity, last)
    r = store.add_batch(
        [(raw, evs, blob) for (_, raw), (evs, blob) in zip(batch, done, strict=True)],
        checkpoint=checkpoint,
        moves=moves if src.resumable else (),
    )
    result.messages += r.messages
    result.events += r.events
    _do_moves(store, src, account, checkpoint.uidvalidity if checkpoint else 0, moves, result, echo)


def _do_moves(
    store: Store,
    src: Source,
    account: Account,
    validity: int,
    moves: list[tuple[int, str]],
    result: AccountResult,
    echo: Echo,
    *,
    retry: bool = False,
) -> None:
    """Do the moves; one that fails stays pending (resumable sources) and never stops the run."""
    by_target: dict[str, list[int]] = {}
    for mid, target in moves:
        by_target.setdefault(target, []).append(mid)
    for target, ids in by_target.items():
        if target in result.move_errors:
            continue  # refused once in this run: the rest waits for the next run too
        try:
            src.move(ids, target, retry=retry)
        except MailboxError as exc:
            why = f"{exc} (kept to retry on the next run)" if src.resumable else str(exc)
            result.move_errors[target] = why
            continue
        if src.resumable:
            store.moves_done(account.name, src.key, validity, ids)
        result.moved += len(ids)
