"""The ``feedback`` command: a thin click layer over the library."""

from __future__ import annotations

import collections
import contextlib
import csv
import json
import signal
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import click

from . import __version__
from .batch import classify_many
from .config import Config, ConfigError, database_path, load
from .errors import StoreError
from .export import SHAPES, objects
from .models import EVENT_FIELDS, KINDS, Event, FileRef, RawMessage
from .sources.local import SourceError, iter_paths

if TYPE_CHECKING:
    from .store import Store

FORMATS = ("table", "json", "jsonl", "csv")
TABLE_COLUMNS = ("kind", "recipient", "bounce_type", "bounce_subtype", "reason", "status", "source")


class Context:
    """What every command shares: the global options, config loaded on demand."""

    def __init__(self, config_path: str | None, db: str | None, level: str = "info") -> None:
        self.config_path = config_path
        self.db = db
        self.level = level  # quiet | info | verbose
        self._config: Config | None = None

    def config(self) -> Config:
        if self._config is None:
            try:
                self._config = load(self.config_path)
            except ConfigError as exc:
                raise UsageFailure(str(exc)) from None
        return self._config

    def say(self, text: str) -> None:
        """A command's summary line: on stdout unless --quiet."""
        if self.level != "quiet":
            click.echo(text)

    def store(self, *, create: bool = True) -> Store:
        """The database named by --db / FEEDBACK_DB or the config, opened and migrated.

        Read commands pass ``create=False``: asking a question must not leave an
        empty feedback.db wherever it was asked.
        """
        import os

        from .store import Store

        cfg = self.config()
        path = database_path(cfg, self.db)
        if not create and not os.path.exists(path):
            where = "" if self.db or cfg.path else " (no --db, FEEDBACK_DB or config file given)"
            raise UsageFailure(f"database {path} does not exist{where}")
        try:
            return Store(path, keep_raw=cfg.keep_raw, policy=cfg.policy, read_only_ok=not create)
        except StoreError as exc:
            raise UsageFailure(str(exc)) from None


class UsageFailure(click.ClickException):
    """A config or usage error: one line, exit code 2."""

    exit_code = 2


class Group(click.Group):
    """Turns the library's errors into one line and exit code 2, wherever they surface."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (StoreError, SourceError, ConfigError) as exc:
            raise UsageFailure(str(exc)) from None
        except sqlite3.Error as exc:
            raise UsageFailure(f"database: {exc}") from None


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="feedback")
@click.option(
    "--config",
    "config_path",
    envvar="FEEDBACK_CONFIG",
    type=click.Path(dir_okay=False),
    help="Config file (default ./feedback.toml).",
)
@click.option(
    "--db", envvar="FEEDBACK_DB", type=click.Path(dir_okay=False), help="SQLite database (overrides the config's)."
)
@click.option("--quiet", "-q", is_flag=True, help="Log warnings and errors only.")
@click.option("--verbose", "-v", is_flag=True, help="Log debugging detail too.")
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one object per line.",
)
@click.pass_context
def main(
    ctx: click.Context, config_path: str | None, db: str | None, quiet: bool, verbose: bool, log_format: str
) -> None:
    """Turn Amazon SES bounce and complaint mail into events."""
    from . import logs

    level = "quiet" if quiet else "verbose" if verbose else "info"
    logs.setup(level, log_format)
    ctx.obj = Context(config_path, db, level)


class LockedExit(click.ClickException):
    """Another poll or run holds the lock: exit 75 (EX_TEMPFAIL), cron may retry."""

    exit_code = 75


def _row(e: Event) -> dict[str, Any]:
    d = e.to_dict()
    return d


def jsonl_lines(events: list[Event]) -> str:
    """Events as JSON lines (module-level so worker processes can run it)."""
    return "".join(json.dumps(_row(e), ensure_ascii=False, default=str) + "\n" for e in events)


def write_events(events: Iterable[Event], fmt: str, out: Any = None) -> None:
    """Print events in one of FORMATS; streams for jsonl and csv."""
    out = out or sys.stdout
    if fmt == "jsonl":
        for e in events:
            out.write(jsonl_lines([e]))
    elif fmt == "json":
        out.write(json.dumps([_row(e) for e in events], ensure_ascii=False, indent=2, default=str) + "\n")
    elif fmt == "csv":
        w = csv.DictWriter(out, fieldnames=list(EVENT_FIELDS), extrasaction="ignore")
        w.writeheader()
        for e in events:
            row = _row(e)
            row["correlation"] = json.dumps(row["correlation"]) if row["correlation"] else ""
            w.writerow(row)
    else:
        rows = [[str(getattr(e, c) or "-") for c in TABLE_COLUMNS] for e in events]
        widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(TABLE_COLUMNS)]
        out.write("  ".join(c.ljust(widths[i]) for i, c in enumerate(TABLE_COLUMNS)).rstrip() + "\n")
        for r in rows:
            out.write("  ".join(v.ljust(widths[i]) for i, v in enumerate(r)).rstrip() + "\n")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format.")
@click.option(
    "--workers", type=click.IntRange(1, 64), default=None, help="Processes to classify with (default: one per core)."
)
@click.pass_obj
def parse(obj: Context, paths: tuple[str, ...], fmt: str, workers: int | None) -> None:
    """Classify .eml files, folders, mbox files or Maildirs offline; stores nothing.

    Prints one event per recipient, and one with recipient null for a message
    without any; ``source`` is the message's path.
    """
    cfg = obj.config().classifier

    def events() -> Iterable[Event]:
        for evs in classify_many(iter_paths(list(paths)), cfg, workers):
            yield from evs

    try:
        if fmt == "jsonl":
            # Serialised in the workers: the parent only writes.
            out = sys.stdout
            for text in classify_many(iter_paths(list(paths)), cfg, workers, render=jsonl_lines):
                out.write(text)
        else:
            write_events(events(), fmt)
    except SourceError as exc:
        raise UsageFailure(str(exc)) from None
    except BrokenPipeError:  # `feedback parse ... | head`
        sys.stderr.close()


def write_rows(rows: Iterable[dict[str, Any]], fmt: str, columns: tuple[str, ...], out: Any = None) -> None:
    """Print dict rows as table, json, jsonl or csv."""
    out = out or sys.stdout
    if fmt == "jsonl":
        for r in rows:
            out.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
    elif fmt == "json":
        out.write(json.dumps(list(rows), ensure_ascii=False, indent=2, default=str) + "\n")
    elif fmt == "csv":
        rows = list(rows)
        names = list(rows[0]) if rows else list(columns)
        w = csv.DictWriter(out, fieldnames=names, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in r.items()})
    else:
        table = [[("-" if r.get(c) is None else str(r.get(c))) for c in columns] for r in rows]
        widths = [max([len(c)] + [len(t[i]) for t in table]) for i, c in enumerate(columns)]
        out.write("  ".join(c.ljust(widths[i]) for i, c in enumerate(columns)).rstrip() + "\n")
        for t in table:
            out.write("  ".join(v.ljust(widths[i]) for i, v in enumerate(t)).rstrip() + "\n")


BATCH = 500
WINDOW = 4000  # stored messages held in memory at once while re-classifying
WINDOW_BYTES = 64 * 1024 * 1024  # and the bytes they may take


def _import(
    store: Store, items: Iterable[RawMessage | FileRef], cfg: Config, workers: int | None, total: int = 0
) -> dict[str, int]:
    """Classify and store messages, one transaction per batch of BATCH."""
    totals = {"messages": 0, "events": 0, "duplicates": 0, "seen": 0}
    batch: list[tuple[RawMessage, list[Event]]] = []

    def flush() -> None:
        r = store.add_batch(batch)
        totals["messages"] += r.messages
        totals["events"] += r.events
        totals["duplicates"] += r.duplicates
        batch.clear()

    # The parent keeps each message's bytes for storage until its events come
    # back; classify_many bounds how many are in flight.
    pending: collections.deque[RawMessage] = collections.deque()

    def loaded() -> Iterator[RawMessage]:
        for it in items:
            if isinstance(it, FileRef):
                try:
                    raw = it.load()
                except OSError as exc:
                    raise SourceError(f"{it.path}: {exc.strerror}") from None
            else:
                raw = it
            pending.append(raw)
            yield raw

    bar = click.progressbar(length=total, label="importing", file=sys.stderr, show_pos=True) if total else None
    for events in classify_many(loaded(), cfg.classifier, workers):
        batch.append((pending.popleft(), events))
        totals["seen"] += 1
        if bar is not None:
            bar.update(1)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    if bar is not None:
        bar.render_finish()
    return totals


def _poll_accounts(
    obj: Context,
    names: list[str] | None,
    *,
    dry_run: bool,
    limit: int | None,
    workers: int | None,
    folder: str | None = None,
    from_start: bool = False,
    command: str = "poll",
    show_progress: bool = False,
) -> int:
    """Poll accounts one after the other; returns the exit code (0, 1 failures, 2 credentials)."""
    cfg = obj.config()
    try:
        accounts = [cfg.account(n) for n in names] if names else list(cfg.accounts)
    except ConfigError as exc:
        raise UsageFailure(str(exc)) from None
    if not accounts:
        raise UsageFailure("no [[accounts]] in the config")
    import logging

    log = logging.getLogger("feedback")
    store = obj.store()
    code = 0
    try:
        for account in accounts:
            run_id = None if dry_run else store.start_run(command, account.name)
            from .service import AccountResult, poll_account

            bar: Any = None

            def progress(res: AccountResult) -> None:
                nonlocal bar
                if bar is None:
                    bar = click.progressbar(length=res.total, label=res.account, file=sys.stderr, show_pos=True)
                bar.update(res.seen - bar.pos)

            def detail(res: AccountResult) -> None:
                log.debug("%s: %d of %d read, %d new, %d new events", res.account, res.seen, res.total,
                          res.messages, res.events)  # fmt: skip

            # Dry-run lines are the answer asked for; other notices (retries, a new UIDVALIDITY) are warnings.
            echo = click.echo if dry_run else log.warning

            try:
                r = poll_account(
                    store, cfg, account, dry_run=dry_run, limit=limit, folder=folder, from_start=from_start,
                    workers=workers, echo=echo, progress=progress if show_progress else detail,
                )  # fmt: skip
            except KeyboardInterrupt:
                if run_id is not None:
                    # What is committed stays; the run says it did not finish.
                    store.finish_run(run_id, messages=0, events=0, errors=1, error=INTERRUPTED)
                raise
            if bar is not None:
                bar.render_finish()
            if run_id is not None:
                store.finish_run(run_id, messages=r.messages, events=r.events, errors=int(r.failed), error=r.error)
            if r.failed:
                click.echo(f"{r.error}", err=True)
                code = max(code, 2 if r.auth_error else 1)
            elif not dry_run:
                obj.say(f"{account.name}: {r.seen} read, {r.messages} new, {r.events} new events, {r.moved} moved")
    finally:
        store.close()
    return code


@main.command()
@click.option("--account", "accounts", multiple=True, help="Poll only this account (repeatable).")
@click.option("--dry-run", is_flag=True, help="Show what would happen; store and move nothing.")
@click.option("--limit", type=click.IntRange(1), help="At most this many new messages per account.")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Processes to classify with.")
@click.pass_obj
def poll(obj: Context, accounts: tuple[str, ...], dry_run: bool, limit: int | None, workers: int | None) -> None:
    """One run over every configured account: fetch new mail, store events, then move feedback.

    Exit 0 when every account succeeded, 1 when one failed (the others still run),
    2 for a config or credentials error, 75 when another poll or `feedback run` holds
    the database's lock (cron may simply try again).
    """
    from .lock import Locked, PollLock

    cfg = obj.config()
    obj.store().close()  # a missing folder or a read-only or full disk: one line, before the lock file
    try:
        with PollLock(database_path(cfg, obj.db)):
            code = _poll_accounts(obj, list(accounts) or None, dry_run=dry_run, limit=limit, workers=workers)
    except Locked as exc:
        raise LockedExit(str(exc)) from None
    sys.exit(code)


@main.command()
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Processes to classify with.")
@click.pass_obj
def run(obj: Context, workers: int | None) -> None:
    """Poll every account on the [schedule] (interval or cron) until SIGTERM or SIGINT.

    The first poll runs at start-up; a stop signal lets the batch in hand commit,
    logs out and exits 0. Holds the same lock as `feedback poll` (which exits 75 meanwhile).
    """
    from .lock import Locked
    from .scheduler import Service

    cfg = obj.config()
    if not cfg.accounts:
        raise UsageFailure("no [[accounts]] in the config")
    db = database_path(cfg, obj.db)
    obj.store().close()  # a bad database is one line and exit 2 now, not a log line per tick
    try:
        sys.exit(Service(cfg, db, workers).run())
    except Locked as exc:
        raise LockedExit(str(exc)) from None


STATUS_TABLE = ("account", "last_start", "last_end", "last_status", "messages", "events", "next_run", "last_error")


@main.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format.")
@click.pass_obj
def status(obj: Context, fmt: str) -> None:
    """Per account: the last run, the next scheduled one, and the last error."""
    import os

    from .scheduler import next_run

    cfg = obj.config()
    if not os.path.exists(database_path(cfg, obj.db)) and cfg.accounts:
        # Configured, never polled: nothing to read, and nothing to create either.
        rows = [
            dict.fromkeys(STATUS_TABLE) | {"account": a.name, "next_run": next_run(cfg, None)} for a in cfg.accounts
        ]
        write_rows(rows, fmt, STATUS_TABLE)
        return
    store = obj.store(create=False)
    rows = []
    try:
        names = [a.name for a in cfg.accounts] or [
            r[0] for r in store.db.execute("SELECT DISTINCT account FROM runs WHERE account IS NOT NULL")
        ]
        for name in names:
            last = store.db.execute(
                "SELECT started_at, finished_at, status, messages, events FROM runs WHERE account = ?"
                " ORDER BY id DESC LIMIT 1",
                [name],
            ).fetchone()
            err = store.db.execute(
                "SELECT finished_at, error FROM runs WHERE account = ? AND status = 'failed' ORDER BY id DESC LIMIT 1",
                [name],
            ).fetchone()
            rows.append(
                {
                    "account": name,
                    "last_start": last[0] if last else None,
                    "last_end": last[1] if last else None,
                    "last_status": last[2] if last else None,
                    "messages": last[3] if last else None,
                    "events": last[4] if last else None,
                    "next_run": next_run(cfg, last[0] if last else None),
                    "last_error": f"{err[0]}: {err[1]}" if err else None,
                }
            )
    finally:
        store.close()
    write_rows(rows, fmt, STATUS_TABLE)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--stored", is_flag=True, help="Re-classify every stored message with this version.")
@click.option("--account", help="Rescan this account's folder from its first message.")
@click.option("--folder", help="With --account: the folder to rescan (default: the account's folder).")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Processes to classify with.")
@click.pass_obj
def reprocess(
    obj: Context, paths: tuple[str, ...], stored: bool, account: str | None, folder: str | None, workers: int | None
) -> None:
    """Import .eml files, folders, mbox files or Maildirs into the database, re-classify what it
    holds (--stored), or rescan a mailbox folder from the start (--account, --folder).

    Repeats add nothing: messages are unique by content, events by identity.
    """
    from .lock import Locked, PollLock

    if folder and not account:
        raise UsageFailure("--folder goes with --account")
    if not paths and not stored and not account:
        raise UsageFailure("give PATH... to import, --stored, or --account")
    cfg = obj.config()
    if account:
        obj.store().close()
        try:
            # A rescan moves mail and sets the checkpoint, as a poll does: one at a time.
            with _sigterm_interrupts(), PollLock(database_path(cfg, obj.db)):
                code = _poll_accounts(
                    obj, [account], dry_run=False, limit=None, workers=workers, folder=folder, from_start=True,
                    command="reprocess", show_progress=sys.stderr.isatty(),
                )  # fmt: skip
        except Locked as exc:
            raise LockedExit(str(exc)) from None
        except KeyboardInterrupt:
            raise click.ClickException(f"reprocess {INTERRUPTED}") from None
        if not paths and not stored:
            sys.exit(code)
    store = obj.store()
    run_id = store.start_run("reprocess")
    done = {"messages": 0, "events": 0}
    error: str | None = None
    try:
        with _sigterm_interrupts():
            _reprocess_work(store, cfg, paths, stored, workers, done)
    except (SourceError, StoreError) as exc:
        error = str(exc)
        raise UsageFailure(error) from None
    except KeyboardInterrupt:
        error = INTERRUPTED
        raise click.ClickException(f"reprocess {error}") from None
    finally:
        try:
            store.finish_run(
                run_id, messages=done["messages"], events=done["events"], errors=int(error is not None), error=error
            )
        except (StoreError, sqlite3.Error):
            pass  # the database itself failed: the error above says so
        store.close()


def _reprocess_work(
    store: Store, cfg: Config, paths: tuple[str, ...], stored: bool, workers: int | None, done: dict[str, int]
) -> None:
    """Import ``paths`` and re-classify stored messages, counting into ``done`` as each part ends
    (an interrupted run still records what it finished)."""
    if paths:
        # On a terminal, a first pass counts the messages for the progress bar.
        total = sum(1 for _ in iter_paths(list(paths))) if sys.stderr.isatty() else 0
        t = _import(store, iter_paths(list(paths)), cfg, workers, total)
        done["messages"], done["events"] = t["messages"], t["events"]
        click.echo(
            f"{t['seen']} messages read: {t['messages']} new, {t['duplicates']} already stored; {t['events']} new events"
        )
    if stored:
        # Windows of stored messages, read in this thread (the connection is
        # not shared with the pool's feeder thread), classified on every core.
        batch: list[tuple[int, list[Event]]] = []
        n = 0
        window: list[tuple[int, RawMessage]] = []

        def run_window() -> int:
            done = 0
            for (mid, _), events in zip(
                window, classify_many([r for _, r in window], cfg.classifier, workers), strict=True
            ):
                batch.append((mid, events))
                if len(batch) >= BATCH:
                    done += store.replace_events(batch).messages
                    batch.clear()
            window.clear()
            return done

        held = 0
        for pair in store.stored_messages():
            window.append(pair)
            held += len(pair[1].data)
            if len(window) >= WINDOW or held >= WINDOW_BYTES:
                n += run_window()
                held = 0
        n += run_window()
        if batch:
            n += store.replace_events(batch).messages
        done["messages"] += n
        click.echo(f"{n} stored messages re-classified")


INTERRUPTED = "interrupted; run the same command again to finish"


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM ends the work as Ctrl-C does: the batch in hand rolls back, the run is recorded as
    interrupted (not "running" for ever), and a rerun adds what is missing."""
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _since(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A --since that is not a date is an error, not an empty answer."""
    import datetime

    if value is None:
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return datetime.date.fromisoformat(text).isoformat()
        t = datetime.datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date like 2024-01-05 or a time like 2024-01-05T10:00:00Z"
        ) from None
    if t.tzinfo is not None:
        t = t.astimezone(datetime.UTC).replace(tzinfo=None)
    # Stored times are UTC, "YYYY-MM-DDTHH:MM:SSZ": compare like with like.
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


EVENT_TABLE = ("received_at", "kind", "recipient", "bounce_type", "reason", "status", "identity")


@main.command()
@click.option("--since", callback=_since, help="Only events received on or after this date (YYYY-MM-DD or ISO time).")
@click.option("--kind", type=click.Choice(KINDS), help="Only this kind.")
@click.option("--identity", help="Only events of this sending identity.")
@click.option("--recipient", help="Only events about this address.")
@click.option("--limit", type=click.IntRange(1), help="At most this many.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format.")
@click.pass_obj
def events(
    obj: Context,
    since: str | None,
    kind: str | None,
    identity: str | None,
    recipient: str | None,
    limit: int | None,
    fmt: str,
) -> None:
    """List stored events."""
    store = obj.store(create=False)
    try:
        rows = store.events(since=since, kind=kind, identity=identity, recipient=recipient, limit=limit)
        write_rows(rows, fmt, EVENT_TABLE)
    finally:
        store.close()


@main.command()
@click.argument("addresses", nargs=-1, required=True)
@click.option("--identity", help="Also count suppressions scoped to this sending identity.")
@click.pass_obj
def check(obj: Context, addresses: tuple[str, ...], identity: str | None) -> None:
    """Exit 1 if any ADDRESS is suppressed (and say why), 0 if none is.

    ADDRESS may be ``addr``, ``<addr>`` or ``Name <addr>``; case does not matter.
    """
    store = obj.store(create=False)
    found = False
    try:
        for a in addresses:
            s = store.is_suppressed(a, identity)
            if s is None:
                click.echo(f"{a}: not suppressed")
                continue
            found = True
            why = (
                f"manual ({s['manual_by'] or '?'}: {s['manual_reason'] or ''})"
                if s["manual"] == "suppress"
                else (f"{s['reason']} ({s['bounce_type'] or 'complaint'}), {s['count']} event(s), last {s['last_at']}")
            )
            until = f", until {s['expires_at']}" if s["expires_at"] else ""
            click.echo(f"{a}: suppressed [{s['scope']}] {why}{until}")
    finally:
        store.close()
    sys.exit(1 if found else 0)


def _manual(obj: Context, address: str, action: str, reason: str, by: str | None, identity: str | None) -> None:
    import getpass

    store = obj.store()
    try:
        store.set_manual(address, action, reason, by or getpass.getuser(), identity or "global")
    except StoreError as exc:
        raise UsageFailure(str(exc)) from None
    finally:
        store.close()
    click.echo(f"{address}: {action}ed ({reason})")


def _manual_options(fn: Any) -> Any:
    """The arguments suppress and unsuppress share."""
    decorators: list[Callable[[Any], Any]] = [
        click.argument("address"),
        click.option("--reason", required=True, help="Why (recorded)."),
        click.option("--by", help="Who (default: the login name)."),
        click.option("--identity", help="Only for this sending identity (default: global)."),
        click.pass_obj,
    ]
    for deco in reversed(decorators):
        fn = deco(fn)
    return fn


@main.command()
@_manual_options
def suppress(obj: Context, address: str, reason: str, by: str | None, identity: str | None) -> None:
    """Suppress ADDRESS by hand; recorded with who, when and why."""
    _manual(obj, address, "suppress", reason, by, identity)


@main.command()
@_manual_options
def unsuppress(obj: Context, address: str, reason: str, by: str | None, identity: str | None) -> None:
    """Lift ADDRESS's suppression by hand; it holds until a new hard bounce or complaint."""
    _manual(obj, address, "unsuppress", reason, by, identity)


STATS_TABLE = (
    "day",
    "identity",
    "permanent",
    "transient",
    "undetermined",
    "complaints",
    "sends",
    "sends_from",
    "bounce_rate",
    "complaint_rate",
)


@main.command()
@click.option("--since", callback=_since, help="From this day (YYYY-MM-DD).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format.")
@click.option(
    "--check",
    is_flag=True,
    help="For cron: one line per identity past a review level over the last --days days and exit 1; else nothing, exit 0.",
)
@click.option("--days", type=click.IntRange(1, 366), help="With --check: the days a rate is taken over (default 7).")
@click.pass_obj
def stats(obj: Context, since: str | None, fmt: str, check: bool, days: int | None) -> None:
    """Bounces and complaints per identity and day; rates where the sends table has counts.

    SES reviews accounts at 5% hard bounces and 0.1% complaints; rates over those are flagged.
    With --check: exit 1 and one line per identity whose rate over the last --days days passes a
    review level (without send counts: whose Permanent bounces or complaints jumped against its
    previous weeks), exit 0 and print nothing otherwise.
    """
    if days is not None and not check:
        raise UsageFailure("--days goes with --check")
    if check:
        from .report import WINDOW
        from .report import check as check_levels

        store = obj.store(create=False)
        try:
            found = check_levels(store.db, days or WINDOW)
        finally:
            store.close()
        for s in found:
            click.echo(s.line())
        sys.exit(1 if found else 0)
    store = obj.store(create=False)
    try:
        rows = store.stats(since)
    finally:
        store.close()
    for r in rows:
        flags = []
        if r["bounce_rate"] is not None and r["bounce_rate"] >= 0.05:
            flags.append("bounces>=5%")
        if r["complaint_rate"] is not None and r["complaint_rate"] >= 0.001:
            flags.append("complaints>=0.1%")
        r["review"] = ",".join(flags) or None
    write_rows(rows, fmt, (*STATS_TABLE, "review"))


@main.command()
@click.option("--since", help="First day (YYYY-MM-DD; default: 8 weeks before the newest feedback).")
@click.option("--identity", help="Only this sending identity.")
@click.option(
    "--out",
    default="report.html",
    show_default=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="The HTML file to write ('-': standard output).",
)
@click.pass_obj
def report(obj: Context, since: str | None, identity: str | None, out: str) -> None:
    """Write one self-contained HTML page (no script, nothing fetched): per identity, bounces and
    complaints against SES's review levels, their causes, the receivers refusing us, and the newest
    suppressions; every chart's numbers also as a table."""
    import os

    from . import report as rep

    if since:
        try:
            since = rep.parse_day(since)
        except ValueError:
            raise UsageFailure(f"--since {since}: give a day as YYYY-MM-DD") from None
    store = obj.store(create=False)
    try:
        data, page = rep.build(store.db, since=since, identity=identity, database=os.path.basename(store.path))
    finally:
        store.close()
    if out == "-":
        sys.stdout.write(page)
        return
    tmp = f"{out}.tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(page)
        os.replace(tmp, out)
    except OSError as exc:
        raise UsageFailure(f"{out}: {exc.strerror}") from None
    n = len(data.identities)
    click.echo(f"{out}: {n} {'identity' if n == 1 else 'identities'}, {data.start} to {data.end}")


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["ses-json", "ses-events", "jsonl", "csv"]),
    default="ses-json",
    show_default=True,
    help="ses-json: SES feedback notifications (notificationType); ses-events: SES event publishing records"
    " (eventType); one JSON object per line.",
)
@click.option("--since", callback=_since, help="Only events received on or after this date.")
@click.option("--kind", type=click.Choice(KINDS), help="Only this kind.")
@click.pass_obj
def export(obj: Context, fmt: str, since: str | None, kind: str | None) -> None:
    """Export stored events: as SES's own JSON, JSON lines or CSV."""
    store = obj.store(create=False)
    try:
        rows = store.events(since=since, kind=kind)
        if fmt in SHAPES:
            for n in objects(rows, store.event_notifications, fmt):
                click.echo(json.dumps(n, ensure_ascii=False))
        else:
            write_rows(rows, fmt, EVENT_TABLE)
    finally:
        store.close()


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--event", "event_id", type=int, help="Explain this stored event (its message must have been kept).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def explain(obj: Context, paths: tuple[str, ...], event_id: int | None, fmt: str) -> None:
    """Why each event is what it is: detector, deciding rule and its source, parts and defects.

    Give message files (.eml, mbox, Maildir) or --event ID for a stored event.
    """
    from .explain import explain as explain_message
    from .explain import render_text

    if bool(paths) == (event_id is not None):
        raise UsageFailure("explain: give message files or --event ID, not both or neither")
    cfg = obj.config().classifier
    if event_id is not None:
        store = obj.store(create=False)
        try:
            found = store.event_message(event_id)
        finally:
            store.close()
        if found is None:
            raise UsageFailure(f"explain: no stored event {event_id} with its message kept (keep_raw)")
        raw, recipient, kind = found
        report = explain_message(raw, cfg)
        # The stored event is one of the message's: show that one.
        report["events"] = [
            e for e in report["events"] if e.get("recipient") == recipient and e.get("kind") == kind
        ] or report["events"]
        reports = [report]
    else:
        reports = [explain_message(m.load() if isinstance(m, FileRef) else m, cfg) for m in iter_paths(list(paths))]
    for report in reports:
        click.echo(json.dumps(report, ensure_ascii=False) if fmt == "json" else render_text(report), nl=fmt == "json")


if __name__ == "__main__":  # pragma: no cover
    main()
