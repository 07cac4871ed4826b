"""The SQLite file sending applications read: schema, migrations, idempotent writes, policy.

This is the only module that imports sqlite_utils, which creates and migrates
the schema; everyday reads and writes go straight through the sqlite3
connection (importing sqlite_utils costs a cron poll 40 ms for nothing). The
file is the apps' API:
docs/schema.md documents every table, column and view, and a test keeps the
two in step.

Writes happen in one transaction per batch, so a crash leaves either the
whole batch or none of it, and a rerun of the same messages adds nothing:
messages are unique by the SHA-256 of their bytes, events by their identity
(the SES message id + recipient + kind when SES names the mail, so a bounce told
as a DSN, a feedback notification and an event-publishing record is one event
holding the richest fields of the three; else the message + recipient + kind +
bounce type).
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import shutil
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .addresses import address_key
from .errors import StoreError
from .models import (
    BOUNCE,
    CLICK,
    COMPLAINT,
    DELAY,
    OPEN,
    SUBSCRIPTION,
    Event,
    RawMessage,
    compress,
    message_kind,
)
from .policy import Policy

SCHEMA_VERSION = 6
BUSY_TIMEOUT_MS = 30_000


# ARF reports that are not the recipient asking to stop: "not-spam" undoes a
# complaint, "auth-failure" reports our DKIM/SPF/DMARC, not the reader's wish.
NOT_COMPLAINTS = {"not-spam", "auth-failure"}
# Soft bounces that refuse the sender or the message, not the address: our IP
# on a blocklist must not suppress good addresses after three sends.
SENDER_SIDE = {
    "blocked", "badreputation", "requireptr", "authfailure", "norelaying", "rejected", "securityerror",
    "speeding", "ratelimited", "toomanyconn", "spamdetected", "virusdetected", "policyviolation",
    "contenterror", "notcompliantrfc", "mesgtoobig", "exceedlimit", "syntaxerror",
}  # fmt: skip


_IN_NOT_COMPLAINTS = ", ".join(f"'{v}'" for v in sorted(NOT_COMPLAINTS))
_IN_SENDER_SIDE = ", ".join(f"'{v}'" for v in sorted(SENDER_SIDE))


def now_iso() -> str:
    """The current UTC time as ISO 8601 with a Z."""
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- schema

EVENT_COLUMNS: dict[str, str] = {
    "kind": "TEXT NOT NULL",
    "recipient": "TEXT",
    "recipient_key": "TEXT",
    "bounce_type": "TEXT",
    "bounce_subtype": "TEXT",
    "reason": "TEXT",
    "status": "TEXT",
    "action": "TEXT",
    "diagnostic_code": "TEXT",
    "reply_code": "TEXT",
    "remote_mta": "TEXT",
    "reporting_mta": "TEXT",
    "arrival_date": "TEXT",
    "last_attempt_date": "TEXT",
    "will_retry_until": "TEXT",
    "original_recipient": "TEXT",
    "feedback_type": "TEXT",
    "user_agent": "TEXT",
    "source_ip": "TEXT",
    "ses_message_id": "TEXT",
    "feedback_id": "TEXT",
    "region": "TEXT",
    "original_message_id": "TEXT",
    "original_from": "TEXT",
    "original_to": "TEXT",
    "original_subject": "TEXT",
    "original_date": "TEXT",
    "correlation": "TEXT",
    "identity": "TEXT",
    "source": "TEXT",
    "message_sha256": "TEXT",
    "received_at": "TEXT",
    "detector": "TEXT",
    "classifier_version": "TEXT",
    "error": "TEXT",
    "trusted": "INTEGER NOT NULL DEFAULT 0",
}
# Columns added after the first schema, each by its migration below (the
# first migration creates EVENT_COLUMNS only).
LATER_EVENT_COLUMNS: dict[str, str] = {
    "final_recipient": "TEXT",  # 5
}
_EVENT_NAMES = list(EVENT_COLUMNS) + list(LATER_EVENT_COLUMNS)
_RECIPIENT_KEY_AT = _EVENT_NAMES.index("recipient_key")
_CORRELATION_AT = _EVENT_NAMES.index("correlation")
_TRUSTED_AT = _EVENT_NAMES.index("trusted")
_INSERT_EVENT = (
    f"INSERT INTO events (event_key, message_id, stored_at, {', '.join(_EVENT_NAMES)})"
    f" VALUES ({', '.join('?' * (len(_EVENT_NAMES) + 3))}) ON CONFLICT(event_key) DO NOTHING RETURNING id"
)

MIGRATIONS: list[str] = [
    # 1: the first schema.
    """
    CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,
        source TEXT,
        kind TEXT NOT NULL,
        detector TEXT,
        parse_status TEXT NOT NULL,
        error TEXT,
        received_at TEXT,
        stored_at TEXT NOT NULL,
        size INTEGER NOT NULL,
        ses_authenticated INTEGER NOT NULL DEFAULT 0,
        classifier_version TEXT,
        raw BLOB
    );
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        event_key TEXT NOT NULL UNIQUE,
        message_id INTEGER NOT NULL REFERENCES messages(id),
        stored_at TEXT NOT NULL,
        """
    + ",\n        ".join(f"{name} {decl}" for name, decl in EVENT_COLUMNS.items())
    + """
    );
    CREATE TABLE event_messages (
        event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        PRIMARY KEY (event_id, message_id)
    );
    CREATE TABLE suppressions (
        address TEXT NOT NULL,
        scope TEXT NOT NULL DEFAULT 'global',
        reason TEXT,
        bounce_type TEXT,
        first_event_id INTEGER REFERENCES events(id) ON DELETE SET NULL,
        last_event_id INTEGER REFERENCES events(id) ON DELETE SET NULL,
        first_at TEXT,
        last_at TEXT,
        count INTEGER NOT NULL DEFAULT 0,
        active INTEGER NOT NULL DEFAULT 0,
        expires_at TEXT,
        manual TEXT,
        manual_by TEXT,
        manual_reason TEXT,
        manual_at TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (address, scope)
    );
    CREATE TABLE suppression_log (
        id INTEGER PRIMARY KEY,
        address TEXT NOT NULL,
        scope TEXT NOT NULL,
        action TEXT NOT NULL,
        by TEXT,
        reason TEXT,
        at TEXT NOT NULL
    );
    CREATE TABLE mailbox_state (
        account TEXT NOT NULL,
        folder TEXT NOT NULL,
        uidvalidity INTEGER,
        last_uid INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (account, folder)
    );
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        command TEXT NOT NULL,
        account TEXT,
        messages INTEGER NOT NULL DEFAULT 0,
        events INTEGER NOT NULL DEFAULT 0,
        errors INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'running',
        error TEXT
    );
    CREATE TABLE sends (
        identity TEXT NOT NULL,
        day TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (identity, day)
    );
    CREATE TABLE sent_messages (
        ses_message_id TEXT PRIMARY KEY,
        identity TEXT,
        sent_at TEXT
    );
    CREATE INDEX events_recipient ON events(recipient_key);
    CREATE INDEX events_identity_day ON events(identity, received_at);
    CREATE INDEX events_received ON events(received_at);
    CREATE INDEX events_ses_message_id ON events(ses_message_id);
    CREATE INDEX events_message ON events(message_id);
    CREATE INDEX event_messages_message ON event_messages(message_id);
    CREATE INDEX suppressions_active ON suppressions(active, address);
    CREATE VIEW suppressed AS
        SELECT address, scope, reason, bounce_type, first_at, last_at, count, expires_at, manual
        FROM suppressions
        WHERE active = 1 AND (expires_at IS NULL OR expires_at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
    CREATE VIEW bounces_daily AS
        SELECT identity,
               substr(received_at, 1, 10) AS day,
               sum(kind = 'bounce' AND bounce_type = 'Permanent') AS permanent,
               sum(kind = 'bounce' AND bounce_type = 'Transient') AS transient,
               sum(kind = 'bounce' AND bounce_type = 'Undetermined') AS undetermined,
               sum(kind = 'complaint') AS complaints,
               sum(kind = 'bounce') AS bounces
        FROM events
        WHERE kind IN ('bounce', 'complaint')
        GROUP BY identity, day;
    """,
    # 2: bounces_daily counts feedback without a Date header on the day it was stored.
    """
    DROP VIEW bounces_daily;
    CREATE VIEW bounces_daily AS
        SELECT identity,
               substr(coalesce(received_at, stored_at), 1, 10) AS day,
               sum(kind = 'bounce' AND bounce_type = 'Permanent') AS permanent,
               sum(kind = 'bounce' AND bounce_type = 'Transient') AS transient,
               sum(kind = 'bounce' AND bounce_type = 'Undetermined') AS undetermined,
               sum(kind = 'complaint') AS complaints,
               sum(kind = 'bounce') AS bounces
        FROM events
        WHERE kind IN ('bounce', 'complaint')
        GROUP BY identity, day;
    """,
    # 3: mailbox actions decided in a committed batch and not yet done on the server.
    """
    CREATE TABLE pending_moves (
        account TEXT NOT NULL,
        folder TEXT NOT NULL,
        uidvalidity INTEGER NOT NULL,
        uid INTEGER NOT NULL,
        target TEXT NOT NULL,
        PRIMARY KEY (account, folder, uidvalidity, uid)
    );
    """,
    # 4: the SES notification object a message carried, as it arrived (for export).
    """
    ALTER TABLE messages ADD COLUMN notification TEXT;
    """,
    # 5: a DSN's Final-Recipient beside the recipient we sent to (its Original-Recipient).
    """
    ALTER TABLE events ADD COLUMN final_recipient TEXT;
    """,
    # 6: addresses compare without case (keys re-folded by _fold_address_case); the view
    # compares without case too, so an app's own SQL finds NOBODY@ as nobody@.
    """
    DROP VIEW suppressed;
    CREATE VIEW suppressed AS
        SELECT address COLLATE NOCASE AS address, scope, reason, bounce_type, first_at, last_at, count, expires_at,
               manual
        FROM suppressions
        WHERE active = 1 AND (expires_at IS NULL OR expires_at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
    """,
]

SQLITE_MAGIC = b"SQLite format 3\x00"


def _check_file(path: str) -> None:
    """One clear error for a path that is no SQLite database or cannot be written."""
    if "\0" in path or not path:
        raise StoreError(f"database {path!r}: not a file name")
    if os.path.isdir(path):
        raise StoreError(f"database {path} is a folder")
    if os.path.exists(path):
        try:
            with open(path, "rb") as fh:
                head = fh.read(16)
        except OSError as exc:
            raise StoreError(f"database {path}: cannot read ({exc.strerror})") from None
        if head and head != SQLITE_MAGIC:
            raise StoreError(f"database {path} is not a SQLite file")
        return
    if os.path.islink(path):
        raise StoreError(f"database {path} is a symbolic link to nothing")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise StoreError(f"database {path}: folder {folder} does not exist")
    try:
        # Created by us with 0600: the file holds addresses and, by default, mail.
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except FileExistsError:
        pass
    except OSError as exc:
        raise StoreError(f"database {path}: cannot create ({exc.strerror})") from None


def _disk_full(path: str) -> str | None:
    """ "no space left ..." when the database's disk is (nearly) full: SQLite may only say "disk I/O error"."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return None
    return f"no space left on the disk of {folder}" if free < 256 * 1024 else None


def _not_writable(path: str) -> str | None:
    """Why SQLite could not write this database (file or folder read-only), or None."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "read-only file system"
    except OSError:
        pass
    if os.path.exists(path) and not os.access(path, os.W_OK):
        return "the file is read-only"
    # WAL keeps -wal and -shm files beside the database.
    if not os.access(folder, os.W_OK) and not os.path.exists(path + "-wal"):
        return f"folder {folder} is read-only"
    return None


class Store:
    """The database: open (creating and migrating it), write batches, answer queries."""

    def __init__(
        self, path: str, *, keep_raw: bool = True, policy: Policy | None = None, read_only_ok: bool = False
    ) -> None:
        self.path = path
        self.keep_raw = keep_raw
        self.policy = policy or Policy()
        self._now = now_iso()
        _check_file(path)
        why = _not_writable(path)
        if why is None:
            try:
                self.db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
                self._pragma()
                self._migrate()
                return
            except (sqlite3.DatabaseError, StoreError) as exc:
                full = _disk_full(path)
                with contextlib.suppress(AttributeError, sqlite3.Error):
                    self.db.close()
                if not (full and read_only_ok):
                    text = str(exc).removeprefix(f"database {path}: ")
                    raise StoreError(f"database {path}: {text}" + (f" ({full})" if full else "")) from None
                why = full
        if not read_only_ok:
            raise StoreError(f"database {path} cannot be written: {why}")
        self._open_read_only(why)

    def _open_read_only(self, why: str) -> None:
        """For questions about a database we may not write: read it as it is, never migrate it."""
        from pathlib import Path

        # A read-only folder cannot hold the -shm file WAL readers share: the file is immutable then.
        # (A full disk cannot either.) Nobody can write the file meanwhile, so that is safe.
        folder_ro = not os.access(os.path.dirname(os.path.abspath(self.path)), os.W_OK)
        base = Path(self.path).absolute().as_uri()
        error: sqlite3.DatabaseError | None = None
        for query in ("?immutable=1",) if folder_ro else ("?mode=ro", "?immutable=1"):
            try:
                self.db = sqlite3.connect(base + query, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
                self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                version = self.version
                break
            except sqlite3.DatabaseError as exc:
                error = exc
                with contextlib.suppress(sqlite3.Error):
                    self.db.close()
        else:
            raise StoreError(f"database {self.path}: {error} ({why})") from None
        if version != SCHEMA_VERSION:
            self.db.close()
            raise StoreError(
                f"database {self.path} has schema {version}, this feedback reads {SCHEMA_VERSION}, and it cannot be"
                f" upgraded: {why}"
            )

    def _pragma(self) -> None:
        ex = self.db.execute
        ex(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = ex("PRAGMA journal_mode = WAL").fetchone()
        if not mode or str(mode[0]).lower() != "wal":
            raise StoreError(f"database {self.path}: cannot switch to WAL journal (read-only folder?)")
        ex("PRAGMA foreign_keys = ON")
        ex("PRAGMA synchronous = NORMAL")

    @property
    def version(self) -> int:
        """The schema version of the file (PRAGMA user_version)."""
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        current = self.version
        if current == SCHEMA_VERSION:
            return
        if current > SCHEMA_VERSION:
            raise StoreError(f"database {self.path} has schema {current}, newer than this feedback ({SCHEMA_VERSION})")
        import sqlite_utils

        schema = sqlite_utils.Database(self.db)
        tables = schema.table_names()
        if current == 0 and tables and "messages" not in tables:
            raise StoreError(f"database {self.path} belongs to another application")
        for version in range(current + 1, SCHEMA_VERSION + 1):
            with self._tx():
                for statement in _statements(MIGRATIONS[version - 1]):
                    schema.execute(statement)
                if version == 6:
                    self._fold_address_case()
                schema.execute(f"PRAGMA user_version = {version}")

    def _fold_address_case(self) -> None:
        """Schema 6: re-key events and suppressions by the case-less address key.

        Events that differ only by the case of their recipient become one (their
        message links kept); suppressions that differ only by case are merged
        and the merge recorded in suppression_log; the merged ones are re-derived.
        """
        db = self.db
        groups: dict[str, list[tuple[int, str | None]]] = {}
        for eid, key, rk in db.execute("SELECT id, event_key, recipient_key FROM events ORDER BY id").fetchall():
            # The key's recipient part, whatever the key's shape (schema 3's keys held the bounce type).
            new_rk = address_key(rk) if rk else rk
            new_key = key.replace(f":{rk}:", f":{new_rk}:", 1) if rk else key
            groups.setdefault(new_key, []).append((int(eid), new_rk))
        # Temporary keys first: a row's new key may be another row's old one.
        db.execute("UPDATE events SET event_key = 'fold:' || id")
        refold: set[str] = set()  # addresses whose events were merged: their suppressions are re-derived
        for key, members in groups.items():
            (keep, keep_rk), dups = members[0], [m[0] for m in members[1:]]
            if dups and keep_rk:
                refold.add(keep_rk)
            for dup in dups:
                db.execute(
                    "INSERT OR IGNORE INTO event_messages (event_id, message_id)"
                    " SELECT ?, message_id FROM event_messages WHERE event_id = ?",
                    [keep, dup],
                )
                db.execute(
                    "UPDATE events SET trusted = max(trusted, (SELECT trusted FROM events WHERE id = ?)) WHERE id = ?",
                    [dup, keep],
                )
                db.execute("DELETE FROM events WHERE id = ?", [dup])
            db.execute("UPDATE events SET event_key = ?, recipient_key = ? WHERE id = ?", [key, keep_rk, keep])
        merged: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
        for row in db.execute(
            "SELECT address, scope, manual, manual_by, manual_reason, manual_at FROM suppressions ORDER BY rowid"
        ).fetchall():
            merged.setdefault((address_key(row[0]), row[1]), []).append(row)
        at = now_iso()
        for (key, scope), variants in merged.items():
            if len(variants) == 1 and variants[0][0] == key and key not in refold:
                continue
            # The latest manual decision wins, as it would have had they been one row.
            manual = max((v for v in variants if v[2]), key=lambda v: v[5] or "", default=None)
            db.executemany(
                "DELETE FROM suppressions WHERE address = ? AND scope = ?", [(v[0], scope) for v in variants]
            )
            db.execute(
                "INSERT INTO suppressions (address, scope, reason, manual, manual_by, manual_reason, manual_at,"
                " active, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
                [
                    key,
                    scope,
                    "manual" if manual and manual[2] == "suppress" else None,
                    *(manual[2:6] if manual else (None, None, None, None)),
                    int(bool(manual and manual[2] == "suppress")),
                    at,
                ],
            )
            if len(variants) > 1:
                names = ", ".join(sorted(v[0] for v in variants))
                db.execute(
                    "INSERT INTO suppression_log (address, scope, action, by, reason, at) VALUES (?,?,?,?,?,?)",
                    [key, scope, "merge", "feedback (schema 6)", f"addresses that differ only by case: {names}", at],
                )
            self._recompute(key, scope)

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    # ------------------------------------------------------------ transactions

    class _Tx:
        def __init__(self, store: Store) -> None:
            self.store = store

        def __enter__(self) -> None:
            self.store.db.execute("BEGIN IMMEDIATE")

        def __exit__(self, et: object, ev: object, tb: object) -> None:
            if et is None:
                try:
                    self.store.db.execute("COMMIT")
                except sqlite3.Error:
                    # A COMMIT that fails (full disk) leaves the transaction open: end it, then say why.
                    if self.store.db.in_transaction:
                        with contextlib.suppress(sqlite3.Error):
                            self.store.db.execute("ROLLBACK")
                    raise
            elif self.store.db.in_transaction:
                # A full disk may have rolled back already; a failed ROLLBACK must
                # not hide the error that ended the transaction.
                try:
                    self.store.db.execute("ROLLBACK")
                except sqlite3.Error:
                    pass

    def _tx(self) -> Store._Tx:
        return Store._Tx(self)

    # ------------------------------------------------------------ writes

    def add_batch(
        self,
        items: Iterable[tuple[RawMessage, list[Event]] | tuple[RawMessage, list[Event], bytes | None]],
        *,
        checkpoint: Checkpoint | None = None,
        moves: Iterable[tuple[int, str]] = (),
    ) -> BatchResult:
        """Store messages and their events in one transaction; repeats add nothing.

        ``checkpoint`` (the mailbox's last UID done) and ``moves`` (UID, target
        folder: what to do on the server next) commit with the rows, so a crash
        at any point leaves the three in step.
        """
        result = BatchResult()
        touched: set[tuple[str, str]] = set()
        try:
            with self._tx():
                self._now = now_iso()
                for item in items:
                    self._add(item[0], item[1], result, touched, item[2] if len(item) > 2 else None)
                for addr, scope in sorted(touched):
                    self._recompute(addr, scope)
                if checkpoint is not None:
                    c = checkpoint
                    self.db.executemany(
                        "INSERT OR REPLACE INTO pending_moves (account, folder, uidvalidity, uid, target)"
                        " VALUES (?,?,?,?,?)",
                        [(c.account, c.folder, c.uidvalidity, uid, target) for uid, target in moves],
                    )
                    self.db.execute(
                        "INSERT INTO mailbox_state (account, folder, uidvalidity, last_uid, updated_at)"
                        " VALUES (?,?,?,?,?) ON CONFLICT(account, folder) DO UPDATE SET"
                        " uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid,"
                        " updated_at = excluded.updated_at",
                        [c.account, c.folder, c.uidvalidity, c.last_uid, now_iso()],
                    )
        except sqlite3.OperationalError as exc:
            raise StoreError(f"database {self.path}: {exc}") from None
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"database {self.path}: {exc}") from None
        return result

    def _add(
        self,
        raw: RawMessage,
        events: list[Event],
        result: BatchResult,
        touched: set[tuple[str, str]],
        compressed: bytes | None = None,
    ) -> None:
        first = events[0]
        sha = first.message_sha256 or ""
        kind = message_kind({e.kind for e in events})
        if not self.keep_raw:
            blob = None
        else:
            blob = compressed if compressed is not None else compress(raw.data)
        # One statement for the common case (a new message); a repeat returns no row.
        row = self.db.execute(
            "INSERT INTO messages (sha256, source, kind, detector, parse_status, error, received_at, stored_at,"
            " size, ses_authenticated, classifier_version, raw, notification) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT(sha256) DO NOTHING RETURNING id",
            [
                sha,
                raw.source,
                kind,
                first.detector,
                "error" if first.error else "ok",
                first.error,
                first.received_at,
                self._now,
                len(raw.data),
                int(first.ses_authenticated),
                first.classifier_version,
                blob,
                first.notification,
            ],
        ).fetchone()
        if row is None:
            result.duplicates += 1
            message_id = int(self.db.execute("SELECT id FROM messages WHERE sha256 = ?", [sha]).fetchone()[0])
        else:
            message_id = int(row[0])
            result.messages += 1
        self._link_events(message_id, events, result, touched)

    def _link_events(
        self,
        message_id: int,
        events: list[Event],
        result: BatchResult,
        touched: set[tuple[str, str]],
        *,
        reclassify: bool = False,
    ) -> None:
        for e in events:
            if e.recipient is None and e.kind not in _KEPT_WITHOUT_RECIPIENT:
                continue
            key = event_key(e)
            values = self._event_row(e)
            # Stored before this version under a key that held the bounce type.
            old = self._legacy_event(e)
            # New event: one statement; an event seen before returns no row.
            row = None if old else self.db.execute(_INSERT_EVENT, [key, message_id, self._now, *values]).fetchone()
            if row is not None:
                event_id = int(row[0])
                result.events += 1
                if e.recipient and e.kind in _SUPPRESSING:
                    touched.add((address_key(e.recipient), self._scope(e)))
            else:
                event_id = old or int(self.db.execute("SELECT id FROM events WHERE event_key = ?", [key]).fetchone()[0])
                if self._merge(event_id, e, values, message_id if reclassify else None) and e.recipient:
                    touched.add((address_key(e.recipient), self._scope(e)))
            self.db.execute(
                "INSERT OR IGNORE INTO event_messages (event_id, message_id) VALUES (?, ?)", [event_id, message_id]
            )

    def _legacy_event(self, e: Event) -> int | None:
        """The id of this event stored under a schema-3 key (SES id + recipient + kind + bounce type)."""
        if not e.ses_message_id or e.kind not in _LEGACY_KINDS:
            return None
        rcpt = address_key(e.recipient) if e.recipient else ""
        keys = [f"ses:{e.ses_message_id}:{rcpt}:{e.kind}:{t}" for t in ("", "Permanent", "Transient", "Undetermined")]
        row = self.db.execute(
            f"SELECT id FROM events WHERE event_key IN ({','.join('?' * len(keys))}) ORDER BY id LIMIT 1", keys
        ).fetchone()
        return int(row[0]) if row else None

    def _merge(self, event_id: int, e: Event, values: list[Any], reclassified: int | None = None) -> bool:
        """Complete a stored event with what another report of it says; True when policy may change.

        Empty columns take the new report's values (the SNS notification brings
        the sending IP, the DSN the remote MTA ...); SES's own JSON decides the
        bounce type and subtype, as SES counts them. Provenance stays the first
        report's, as ``message_id`` does. When ``reclassified`` is the message
        that first reported the event (``reprocess --stored``), its new reading
        replaces the old one, as a fresh import would store it; SES's JSON, if
        another report of the event brought it, still decides the type.
        """
        cols = ", ".join(_EVENT_NAMES)
        row = self.db.execute(f"SELECT message_id, {cols} FROM events WHERE id = ?", [event_id]).fetchone()
        creator, old = row[0], row[1:]
        again = reclassified is not None and creator == reclassified
        ses_elsewhere = (
            again
            and e.detector != "ses-sns"
            and self.db.execute(
                "SELECT 1 FROM event_messages l JOIN messages m ON m.id = l.message_id"
                " WHERE l.event_id = ? AND l.message_id != ? AND m.detector = 'ses-sns' LIMIT 1",
                [event_id, creator],
            ).fetchone()
            is not None
        )
        updates: dict[str, Any] = {}
        for name, before, now in zip(_EVENT_NAMES, old, values, strict=True):
            if now is None or before == now:
                continue
            if name == "trusted":
                # A second report of the event that we can trust (the DKIM-signed
                # DSN after a forged-looking copy) makes the event count.
                if now and not before:
                    updates[name] = 1
            elif again:
                if not (name in _SES_DECIDES and ses_elsewhere):
                    updates[name] = now
            elif name in _FIRST_REPORT_WINS:
                continue
            elif before is None or (name in _SES_DECIDES and e.detector == "ses-sns"):
                updates[name] = now
        if not updates:
            return False
        self.db.execute(
            f"UPDATE events SET {', '.join(f'{n} = ?' for n in updates)} WHERE id = ?", [*updates.values(), event_id]
        )
        return bool(updates.keys() & _POLICY_COLUMNS)

    def _event_row(self, e: Event) -> list[Any]:
        """The values of EVENT_COLUMNS for one event, in order."""
        row = [getattr(e, name, None) for name in _EVENT_NAMES]
        row[_RECIPIENT_KEY_AT] = address_key(e.recipient) if e.recipient else None
        row[_CORRELATION_AT] = json.dumps(e.correlation, ensure_ascii=False) if e.correlation else None
        row[_TRUSTED_AT] = int(self.trusted(e))
        return row

    def trusted(self, e: Event) -> bool:
        """Whether this event may suppress (``[policy] trust``)."""
        if self.policy.trust == "any":
            return True
        if e.ses_authenticated:
            return True
        if e.ses_message_id:
            row = self.db.execute("SELECT 1 FROM sent_messages WHERE ses_message_id = ?", [e.ses_message_id]).fetchone()
            if row:
                return True
        return False

    def _scope(self, e: Event) -> str:
        if self.policy.scope == "identity" and e.identity:
            return e.identity
        return "global"

    # ------------------------------------------------------------ policy

    def _recompute(self, address: str, scope: str) -> None:
        """Derive one address's suppression from its trusted events and manual overrides."""
        where = "recipient_key = ? AND trusted = 1"
        params: list[Any] = [address]
        if scope != "global":
            where += " AND identity = ?"
            params.append(scope)
        # Only events that can count, classified in SQL: an address with a long
        # history costs one indexed scan, not a Python loop over every event.
        rows = self.db.execute(
            f"SELECT id, kind, bounce_type, reason, at, cls FROM ("
            f" SELECT id, kind, bounce_type, reason, coalesce(received_at, stored_at) AS at,"
            f"  CASE WHEN (kind = 'complaint' AND coalesce(feedback_type, '') NOT IN ({_IN_NOT_COMPLAINTS}))"
            f"         OR (kind = 'bounce' AND bounce_type = 'Permanent')"
            f"         OR (kind = 'subscription' AND feedback_type = 'opt-out') THEN 'hard'"
            f"       WHEN kind = 'subscription' THEN 'optin'"
            f"       WHEN kind = 'bounce' AND bounce_type = 'Transient' AND coalesce(action, '') != 'delayed'"
            f"         AND coalesce(reason, '') NOT IN ({_IN_SENDER_SIDE}) THEN 'soft' END AS cls"
            f" FROM events WHERE {where}) WHERE cls IS NOT NULL ORDER BY at, id",
            params,
        ).fetchall()
        current = self.db.execute(
            "SELECT manual, manual_at, manual_by, manual_reason FROM suppressions WHERE address = ? AND scope = ?",
            [address, scope],
        ).fetchone()
        manual, manual_at = (current[0], current[1]) if current else (None, None)
        if manual == "unsuppress" and manual_at:
            # A manual lift holds until a new hard event.
            rows = [r for r in rows if r[4] > manual_at]
        optins = [r[4] for r in rows if r[5] == "optin"]
        if optins:
            # Subscribing again through SES list management undoes an earlier
            # unsubscribe (never a bounce or a complaint).
            last_optin = max(optins)
            rows = [r for r in rows if r[5] != "optin" and not (r[1] == SUBSCRIPTION and r[4] <= last_optin)]
        hard = [r for r in rows if r[5] == "hard"]
        soft = [r for r in rows if r[5] == "soft"]
        counted = rows
        now = datetime.datetime.now(datetime.UTC)
        active = False
        reason = bounce_type = expires_at = None
        counted = hard + soft
        if hard:
            last = hard[-1]
            kind = "complaint" if last[1] in (COMPLAINT, SUBSCRIPTION) else "hard"
            active, reason, bounce_type = True, last[3], last[2]
            expires_at = _expires(last[4], self.policy.expiry(kind))
        else:
            window = (now - datetime.timedelta(days=self.policy.soft_bounce_days)).strftime("%Y-%m-%dT%H:%M:%SZ")
            recent = [r for r in soft if r[4] >= window]
            if self.policy.soft_bounce_limit > 0 and len(recent) >= self.policy.soft_bounce_limit:
                last = recent[-1]
                active, reason, bounce_type = True, last[3], last[2]
                expires_at = _expires(last[4], self.policy.expiry("soft"))
        if manual == "suppress":
            # Set by hand: holds until lifted by hand, whatever an old bounce's expiry said.
            active, expires_at = True, None
        if not counted and not current:
            return
        first_row = counted[0] if counted else None
        last_row = counted[-1] if counted else None
        self.db.execute(
            "INSERT INTO suppressions (address, scope, reason, bounce_type, first_event_id, last_event_id, first_at,"
            " last_at, count, active, expires_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT(address, scope) DO UPDATE SET reason = coalesce(excluded.reason, suppressions.reason),"
            " bounce_type = excluded.bounce_type, first_event_id = excluded.first_event_id,"
            " last_event_id = excluded.last_event_id, first_at = excluded.first_at, last_at = excluded.last_at,"
            " count = excluded.count, active = excluded.active, expires_at = excluded.expires_at,"
            " updated_at = excluded.updated_at",
            [
                address,
                scope,
                reason,
                bounce_type,
                first_row[0] if first_row else None,
                last_row[0] if last_row else None,
                first_row[4] if first_row else None,
                last_row[4] if last_row else None,
                len(counted),
                int(active),
                expires_at,
                now_iso(),
            ],
        )

    def set_manual(self, address: str, action: str, reason: str, by: str, scope: str = "global") -> None:
        """Suppress or unsuppress by hand; recorded in suppression_log."""
        if action not in ("suppress", "unsuppress"):
            raise StoreError(f"unknown action {action}")
        key = address_key(address)
        local, _, domain = key.rpartition("@")
        if not local or not domain or any(c.isspace() for c in key):
            raise StoreError(f"{address!r} is not an email address")
        at = now_iso()
        with self._tx():
            self.db.execute(
                "INSERT INTO suppressions (address, scope, reason, manual, manual_by, manual_reason, manual_at, active,"
                " updated_at) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(address, scope) DO UPDATE SET"
                " manual = excluded.manual, manual_by = excluded.manual_by, manual_reason = excluded.manual_reason,"
                " manual_at = excluded.manual_at, updated_at = excluded.updated_at",
                [
                    key,
                    scope,
                    "manual" if action == "suppress" else None,
                    action,
                    by,
                    reason,
                    at,
                    int(action == "suppress"),
                    at,
                ],
            )
            self.db.execute(
                "INSERT INTO suppression_log (address, scope, action, by, reason, at) VALUES (?,?,?,?,?,?)",
                [key, scope, action, by, reason, at],
            )
            self._recompute(key, scope)

    def recompute_all(self) -> None:
        """Re-derive every suppression (after a reclassification)."""
        with self._tx():
            keys = {(r[0], r[1]) for r in self.db.execute("SELECT address, scope FROM suppressions").fetchall()}
            for (rk,) in self.db.execute(
                "SELECT DISTINCT recipient_key FROM events WHERE recipient_key IS NOT NULL"
            ).fetchall():
                keys.add((rk, "global"))
            if self.policy.scope == "identity":
                for rk, ident in self.db.execute(
                    "SELECT DISTINCT recipient_key, identity FROM events WHERE recipient_key IS NOT NULL AND identity IS NOT NULL"
                ).fetchall():
                    keys.add((rk, ident))
            for addr, scope in sorted(keys):
                self._recompute(addr, scope)

    # ------------------------------------------------------------ mailboxes

    def mailbox_state(self, account: str, folder: str) -> tuple[int | None, int]:
        """(UIDVALIDITY, last UID done) of a mailbox folder; (None, 0) when never polled."""
        row = self.db.execute(
            "SELECT uidvalidity, last_uid FROM mailbox_state WHERE account = ? AND folder = ?", [account, folder]
        ).fetchone()
        return (row[0], int(row[1])) if row else (None, 0)

    def pending_moves(self, account: str, folder: str, uidvalidity: int) -> list[tuple[int, str]]:
        """Moves committed but not yet confirmed done, oldest first."""
        return [
            (int(u), str(t))
            for u, t in self.db.execute(
                "SELECT uid, target FROM pending_moves WHERE account = ? AND folder = ? AND uidvalidity = ? ORDER BY uid",
                [account, folder, uidvalidity],
            ).fetchall()
        ]

    def moves_done(self, account: str, folder: str, uidvalidity: int | None, uids: Iterable[int] | None = None) -> None:
        """Forget moves the server has done (all of a folder's, or these UIDs)."""
        with self._tx():
            if uids is None:
                self.db.execute("DELETE FROM pending_moves WHERE account = ? AND folder = ?", [account, folder])
                return
            self.db.executemany(
                "DELETE FROM pending_moves WHERE account = ? AND folder = ? AND uidvalidity = ? AND uid = ?",
                [(account, folder, uidvalidity, uid) for uid in uids],
            )

    # ------------------------------------------------------------ runs

    def start_run(self, command: str, account: str | None = None) -> int:
        """A new row in ``runs``; returns its id."""
        with self._tx():
            cur = self.db.execute(
                "INSERT INTO runs (started_at, command, account) VALUES (?, ?, ?)", [now_iso(), command, account]
            )
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, *, messages: int, events: int, errors: int = 0, error: str | None = None) -> None:
        """Close a run with its counts; status ``failed`` when an error ended it."""
        with self._tx():
            self.db.execute(
                "UPDATE runs SET finished_at = ?, messages = ?, events = ?, errors = ?, status = ?, error = ? WHERE id = ?",
                [now_iso(), messages, events, errors, "failed" if error else "ok", error, run_id],
            )

    # ------------------------------------------------------------ reprocessing

    def stored_messages(self) -> Iterator[tuple[int, RawMessage]]:
        """(id, message) of every stored message that kept its bytes, one at a time."""
        ids = [int(r[0]) for r in self.db.execute("SELECT id FROM messages WHERE raw IS NOT NULL ORDER BY id")]
        for mid in ids:
            row = self.db.execute("SELECT source, received_at, raw FROM messages WHERE id = ?", [mid]).fetchone()
            if row is None or row[2] is None:
                continue
            yield mid, RawMessage(data=zlib.decompress(row[2]), source=row[0] or "", received_at=row[1])

    def event_message(self, event_id: int) -> tuple[RawMessage, str | None, str] | None:
        """(message, recipient, kind) of a stored event whose message kept its bytes, or None."""
        row = self.db.execute(
            "SELECT m.source, m.received_at, m.raw, e.recipient, e.kind FROM events e"
            " JOIN messages m ON m.id = e.message_id WHERE e.id = ?",
            [event_id],
        ).fetchone()
        if row is None or row[2] is None:
            return None
        return RawMessage(data=zlib.decompress(row[2]), source=row[0] or "", received_at=row[1]), row[3], row[4]

    def replace_events(self, batch: list[tuple[int, list[Event]]]) -> BatchResult:
        """Swap stored messages' events for a new classification, in one transaction."""
        result = BatchResult()
        touched: set[tuple[str, str]] = set()
        with self._tx():
            for message_id, events in batch:
                old = self.db.execute(
                    "SELECT e.recipient_key, e.identity FROM events e JOIN event_messages l ON l.event_id = e.id"
                    " WHERE l.message_id = ?",
                    [message_id],
                ).fetchall()
                for rk, ident in old:
                    if rk:
                        touched.add((rk, "global"))
                        if self.policy.scope == "identity" and ident:
                            touched.add((rk, ident))
                self.db.execute("DELETE FROM event_messages WHERE message_id = ?", [message_id])
                self.db.execute(
                    "DELETE FROM events WHERE id NOT IN (SELECT event_id FROM event_messages) AND message_id = ?",
                    [message_id],
                )
                first = events[0]
                kind = message_kind({e.kind for e in events})
                self.db.execute(
                    "UPDATE messages SET kind = ?, detector = ?, parse_status = ?, error = ?, classifier_version = ?,"
                    " ses_authenticated = ?, notification = ? WHERE id = ?",
                    [
                        kind,
                        first.detector,
                        "error" if first.error else "ok",
                        first.error,
                        first.classifier_version,
                        int(first.ses_authenticated),
                        first.notification,
                        message_id,
                    ],
                )
                result.messages += 1
                self._link_events(message_id, events, result, touched, reclassify=True)
            for addr, scope in sorted(touched):
                self._recompute(addr, scope)
        return result

    # ------------------------------------------------------------ queries

    def is_suppressed(self, address: str, identity: str | None = None) -> dict[str, Any] | None:
        """The active suppression of ``address`` (global, or for ``identity``), or None."""
        scopes = ["global"] + ([identity] if identity else [])
        q = (
            "SELECT s.address, s.scope, s.reason, s.bounce_type, s.first_at, s.last_at, s.count, s.expires_at,"
            " s.manual, s.manual_by, s.manual_reason, s.last_event_id FROM suppressed v"
            " JOIN suppressions s ON s.address = v.address AND s.scope = v.scope"
            f" WHERE s.address = ? AND s.scope IN ({','.join('?' * len(scopes))})"
        )
        row = self.db.execute(q, [address_key(address), *scopes]).fetchone()
        if not row:
            return None
        cols = ["address", "scope", "reason", "bounce_type", "first_at", "last_at", "count", "expires_at", "manual"]
        cols += ["manual_by", "manual_reason", "last_event_id"]
        return dict(zip(cols, row, strict=True))

    def events(
        self,
        *,
        since: str | None = None,
        kind: str | None = None,
        identity: str | None = None,
        recipient: str | None = None,
        limit: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Stored events, newest last, filtered."""
        where, params = [], []
        if since:
            where.append("coalesce(received_at, stored_at) >= ?")
            params.append(since)
        if kind:
            where.append("kind = ?")
            params.append(kind)
        if identity:
            where.append("identity = ?")
            params.append(identity)
        if recipient:
            where.append("recipient_key = ?")
            params.append(address_key(recipient))
        sql = "SELECT * FROM events" + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY coalesce(received_at, stored_at), id"
        if limit:
            sql += f" LIMIT {int(limit)}"
        cur = self.db.execute(sql, params)
        names = [d[0] for d in cur.description]
        for row in cur:
            d = dict(zip(names, row, strict=True))
            d["correlation"] = json.loads(d["correlation"]) if d.get("correlation") else {}
            yield d

    def event_notifications(self, event_id: int) -> list[tuple[int, str]]:
        """(message id, JSON text) of every SES notification that told this event, oldest first."""
        return [
            (int(mid), str(text))
            for mid, text in self.db.execute(
                "SELECT m.id, m.notification FROM event_messages l JOIN messages m ON m.id = l.message_id"
                " WHERE l.event_id = ? AND m.notification IS NOT NULL ORDER BY m.id",
                [event_id],
            ).fetchall()
        ]

    def counts(self) -> dict[str, int]:
        """Row counts of the main tables."""
        return {
            t: int(self.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
            for t in ("messages", "events", "suppressions")
        }

    def stats(self, since: str | None = None) -> list[dict[str, Any]]:
        """Per identity and day: bounces by type, complaints, and rates where sends are known.

        Sends come from the ``sends`` table; for a day it has no count for, from
        SES's Send events that arrived by mail, else from its deliveries plus
        bounces (every one was a send). ``sends_from`` says which.
        """
        q = (
            "SELECT b.identity, b.day, b.permanent, b.transient, b.undetermined, b.complaints, b.bounces, s.count"
            " FROM bounces_daily b LEFT JOIN sends s ON s.identity = b.identity AND s.day = b.day"
        )
        params: list[Any] = []
        if since:
            q += " WHERE b.day >= ?"
            params.append(since[:10])
        q += " ORDER BY b.day, b.identity"
        told: dict[tuple[Any, str], tuple[int, int]] = {}
        sq = (
            "SELECT identity, substr(coalesce(received_at, stored_at), 1, 10) AS day,"
            " sum(kind = 'send'), sum(kind = 'delivery') FROM events WHERE kind IN ('send', 'delivery')"
        )
        sparams: list[Any] = []
        if since:
            sq += " AND coalesce(received_at, stored_at) >= ?"
            sparams.append(since[:10])
        for ident, day, sent, delivered in self.db.execute(sq + " GROUP BY identity, day", sparams).fetchall():
            told[(ident, day)] = (int(sent or 0), int(delivered or 0))
        out = []
        for ident, day, perm, trans, und, compl, bounces, sends in self.db.execute(q, params).fetchall():
            sends_from = "sends table" if sends else None
            if not sends:
                sent, delivered = told.get((ident, day), (0, 0))
                if sent:
                    sends, sends_from = sent, "send events"
                elif delivered:
                    sends, sends_from = delivered + bounces, "deliveries and bounces"
            row = {
                "identity": ident,
                "day": day,
                "permanent": perm,
                "transient": trans,
                "undetermined": und,
                "complaints": compl,
                "sends": sends,
                "sends_from": sends_from,
                # SES's bounce rate counts hard bounces only.
                "bounce_rate": round(perm / sends, 5) if sends else None,
                "complaint_rate": round(compl / sends, 5) if sends else None,
            }
            out.append(row)
        return out


@dataclass(frozen=True)
class Checkpoint:
    """How far a mailbox folder has been stored."""

    account: str
    folder: str
    uidvalidity: int
    last_uid: int


@dataclass
class BatchResult:
    """What one batch added."""

    messages: int = 0
    events: int = 0
    duplicates: int = 0


def event_key(e: Event) -> str:
    """The event's identity: one bounce however told (DSN, notification, event record) is one event.

    With an SES message id: that id + recipient + kind, and for kinds that can
    happen more than once per recipient (a delay, an open, a click, a change of
    subscription) SES's time of it; a DSN's ``delayed`` report is apart from
    the final one. Without: the reporting message + recipient + kind + bounce type.
    """
    rcpt = address_key(e.recipient) if e.recipient else ""
    if e.ses_message_id:
        if e.kind in _REPEATABLE:
            return f"ses:{e.ses_message_id}:{rcpt}:{e.kind}@{e.arrival_date or ''}"
        if e.kind == BOUNCE and (e.action or "").lower() == "delayed":
            return f"ses:{e.ses_message_id}:{rcpt}:{e.kind}@delayed"
        return f"ses:{e.ses_message_id}:{rcpt}:{e.kind}"
    return f"msg:{e.message_sha256}:{rcpt}:{e.kind}:{e.bounce_type or ''}"


_REPEATABLE = (DELAY, OPEN, CLICK, SUBSCRIPTION)
_LEGACY_KINDS = ("bounce", "complaint", "autoreply", "delivery")
# SES's notifications name no recipient for an open, click or subscription
# change of a mail with several destinations: the event is kept all the same.
_KEPT_WITHOUT_RECIPIENT = (BOUNCE, COMPLAINT, OPEN, CLICK, SUBSCRIPTION)
# Events that can change an address's suppression.
_SUPPRESSING = (BOUNCE, COMPLAINT, SUBSCRIPTION)
_FIRST_REPORT_WINS = {"source", "message_sha256", "received_at", "detector", "classifier_version", "error"}
_SES_DECIDES = {"bounce_type", "bounce_subtype"}
_POLICY_COLUMNS = {"trusted", "bounce_type", "feedback_type", "action", "reason"}


def _expires(at: str, days: int) -> str | None:
    if days <= 0:
        return None
    try:
        t = datetime.datetime.strptime(at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.UTC)
    except ValueError:
        t = datetime.datetime.now(datetime.UTC)
    return (t + datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (no semicolons inside our SQL strings)."""
    return [s.strip() for s in script.split(";") if s.strip()]
