"""The SQLite file: exactly-once writes, the suppression policy, migrations, bad files."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

import feedback
from feedback.cli import main
from feedback.models import RawMessage
from feedback.pipeline import ClassifierConfig, classify
from feedback.store import MIGRATIONS, SCHEMA_VERSION, Policy, Store, StoreError

from .conftest import FIXTURES, MESSAGES


def items(*names: str, config: ClassifierConfig | None = None) -> list[tuple[RawMessage, list]]:
    out = []
    for n in names:
        raw = RawMessage(data=(MESSAGES / n).read_bytes(), source=str(MESSAGES / n))
        out.append((raw, classify(raw, config or ClassifierConfig())))
    return out


ALL = tuple(sorted(p.name for p in MESSAGES.glob("*.eml")))


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_file_mode_wal_and_schema(tmp_path: Path) -> None:
    db = tmp_path / "f.db"
    Store(str(db)).close()
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
    assert rows(db, "PRAGMA journal_mode") == [("wal",)]
    names = {r[0] for r in rows(db, "SELECT name FROM sqlite_master WHERE type IN ('table','view')")}
    assert {"messages", "events", "suppressions", "mailbox_state", "runs", "suppressed", "bounces_daily"} <= names


def test_importing_twice_adds_nothing(tmp_path: Path) -> None:
    s = Store(str(tmp_path / "f.db"))
    first = s.add_batch(items(*ALL))
    counts = s.counts()
    again = s.add_batch(items(*ALL))
    assert first.messages == len(ALL) and again.messages == 0 and again.events == 0
    assert again.duplicates == len(ALL)
    assert s.counts() == counts


def test_dsn_and_sns_of_one_bounce_are_one_event(tmp_path: Path) -> None:
    s = Store(str(tmp_path / "f.db"))
    s.add_batch(items("ses-bounce-userunknown.eml"))
    r = s.add_batch(items("sns-bounce-same-as-dsn.eml"))
    assert (r.messages, r.events) == (1, 0)
    (ev,) = list(s.events(recipient="nobody@example.net"))
    links = rows(tmp_path / "f.db", f"SELECT count(*) FROM event_messages WHERE event_id = {ev['id']}")
    assert links == [(2,)]


def test_hard_bounce_and_complaint_suppress_at_once(tmp_path: Path) -> None:
    s = Store(str(tmp_path / "f.db"))
    s.add_batch(items("ses-bounce-userunknown.eml", "ses-complaint-arf.eml", "postfix-mailbox-full-delayed.eml"))
    assert s.is_suppressed("nobody@EXAMPLE.NET")["reason"] == "userunknown"
    assert s.is_suppressed("reader@example.net")["reason"] == "feedback"
    assert s.is_suppressed("stuffed@example.net") is None  # a delay never suppresses
    assert s.is_suppressed("fresh@example.net") is None


def test_autoreplies_deliveries_and_undetermined_never_suppress(tmp_path: Path) -> None:
    s = Store(str(tmp_path / "f.db"))
    s.add_batch(items("autoreply-rfc3834.eml", "sns-delivery.eml", "dsn-success.eml"))
    for a in ("away@example.net", "happy@example.net", "friend@example.net"):
        assert s.is_suppressed(a) is None


def soft_bounce(rcpt: str, day: int) -> tuple[RawMessage, list]:
    data = (
        "Return-Path: <>\nFrom: MAILER-DAEMON@mx.example.com\nTo: news@example.org\n"
        f"Subject: Undelivered Mail Returned to Sender\nDate: Mon, {day:02d} Jan 2024 10:00:00 +0000\n"
        "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n"
        "--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.com\n\n"
        f"Final-Recipient: rfc822; {rcpt}\nAction: failed\nStatus: 5.2.2\n"
        f"Diagnostic-Code: smtp; 552 5.2.2 <{rcpt}>: Mailbox full\n\n--b--\n"
    ).encode()
    raw = RawMessage(data=data, source=f"soft-{day}")
    return raw, classify(raw)


def test_soft_bounces_suppress_after_the_limit_within_the_window(tmp_path: Path, monkeypatch) -> None:
    import feedback.store as st

    class Jan20(st.datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return st.datetime.datetime(2024, 1, 20, tzinfo=tz)

    monkeypatch.setattr(st.datetime, "datetime", Jan20)
    s = Store(str(tmp_path / "f.db"), policy=Policy(soft_bounce_limit=3, soft_bounce_days=14))
    s.add_batch([soft_bounce("full@example.net", 10), soft_bounce("full@example.net", 12)])
    assert s.is_suppressed("full@example.net") is None
    # One more inside the window makes three.
    s.add_batch([soft_bounce("full@example.net", 15)])
    assert s.is_suppressed("full@example.net")["count"] == 3
    # Three soft bounces long ago suppress nothing.
    s.add_batch([soft_bounce("old@example.net", d) for d in (1, 2, 3)])
    assert s.is_suppressed("old@example.net") is None


def test_manual_unsuppress_holds_until_a_new_hard_event(tmp_path: Path) -> None:
    s = Store(str(tmp_path / "f.db"))
    s.add_batch(items("qmail-userunknown.eml"))
    assert s.is_suppressed("nosuch@example.net")
    s.set_manual("nosuch@example.net", "unsuppress", "customer fixed the mailbox", "ops")
    assert s.is_suppressed("nosuch@example.net") is None
    # The same old bounce again changes nothing.
    s.add_batch(items("qmail-userunknown.eml"))
    assert s.is_suppressed("nosuch@example.net") is None
    # A new hard bounce, received after the lift, suppresses again.
    raw = RawMessage(
        data=(MESSAGES / "qmail-userunknown.eml")
        .read_bytes()
        .replace(b"11 Jan 2024 07:00:00", b"11 Jan 2099 07:00:00"),
        source="new",
    )
    s.add_batch([(raw, classify(raw))])
    assert s.is_suppressed("nosuch@example.net")
    log = rows(Path(s.path), "SELECT action, by, reason FROM suppression_log")
    assert log == [("unsuppress", "ops", "customer fixed the mailbox")]


def test_manual_suppress_and_identity_scope(tmp_path: Path) -> None:
    s = Store(str(tmp_path / "f.db"), policy=Policy(scope="identity"))
    cfg = ClassifierConfig(identities=("example.org",))
    s.add_batch(items("ses-bounce-userunknown.eml", config=cfg))
    assert s.is_suppressed("nobody@example.net") is None  # not global
    assert s.is_suppressed("nobody@example.net", identity="example.org")["scope"] == "example.org"
    s.set_manual("Someone@Example.COM", "suppress", "asked by phone", "ops")
    assert s.is_suppressed("Someone@example.com")["manual"] == "suppress"


def test_expiry(tmp_path: Path) -> None:
    s = Store(str(tmp_path / "f.db"), policy=Policy(expire_days={"hard": 30}))
    s.add_batch(items("ses-bounce-userunknown.eml"))  # bounced in March 2023: expired long ago
    assert s.is_suppressed("nobody@example.net") is None
    (row,) = rows(Path(s.path), "SELECT active, expires_at FROM suppressions WHERE address = 'nobody@example.net'")
    assert row == (1, "2023-04-13T10:21:06Z")


def test_trust_ses_stores_forged_feedback_without_suppressing(tmp_path: Path) -> None:
    s = Store(str(tmp_path / "f.db"), policy=Policy(trust="ses"))
    s.add_batch(items("ses-bounce-userunknown.eml", "qmail-userunknown.eml", "sns-bounce-envelope.eml"))
    assert s.is_suppressed("nobody@example.net")  # DKIM pass for amazonses.com
    assert s.is_suppressed("nosuch@example.net") is None  # anyone could have sent this
    assert rows(Path(s.path), "SELECT trusted FROM events WHERE recipient = 'nosuch@example.net'") == [(0,)]
    assert s.is_suppressed("old@example.net") is None  # SNS by mail without authentication
    # The app records its sends: feedback citing one of them is SES's, whoever relayed it.
    with sqlite3.connect(s.path) as conn:
        conn.execute(
            "INSERT INTO sent_messages (ses_message_id) VALUES ('0101018c0d0e0e00-99998888-7777-6666-5555-444433332222-000000')"
        )
    raw = RawMessage(data=(MESSAGES / "sns-bounce-envelope.eml").read_bytes() + b"\n", source="again")
    s.add_batch([(raw, classify(raw))])
    assert rows(Path(s.path), "SELECT trusted FROM events WHERE recipient = 'old@example.net'") == [(1,)]
    assert s.is_suppressed("old@example.net")


def test_reprocess_stored_reclassifies_and_keeps_counts(tmp_path: Path) -> None:
    db = str(tmp_path / "f.db")
    s = Store(db)
    s.add_batch(items(*ALL))
    before = s.counts()
    pairs = list(s.stored_messages())
    r = s.replace_events([(mid, classify(raw)) for mid, raw in pairs])
    assert r.messages == len(ALL)
    assert s.counts() == before
    assert s.is_suppressed("nobody@example.net")


def test_raw_is_a_plain_zlib_stream_of_the_message(tmp_path: Path) -> None:
    """Apps read messages.raw with any zlib: the bytes come back exactly."""
    s = Store(str(tmp_path / "f.db"))
    s.add_batch(items(*ALL))
    stored = dict(rows(Path(s.path), "SELECT source, raw FROM messages"))
    assert len(stored) == len(ALL)
    for name in ALL:
        assert zlib.decompress(stored[str(MESSAGES / name)]) == (MESSAGES / name).read_bytes()


def test_raw_storage_can_be_turned_off(tmp_path: Path) -> None:
    s = Store(str(tmp_path / "f.db"), keep_raw=False)
    s.add_batch(items("qmail-userunknown.eml"))
    assert rows(Path(s.path), "SELECT raw FROM messages") == [(None,)]
    assert list(s.stored_messages()) == []


def test_migration_upgrades_an_older_file_in_place(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        for statement in MIGRATIONS[0].split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute("PRAGMA user_version = 1")
        conn.execute(
            "INSERT INTO messages (sha256, kind, parse_status, stored_at, size) VALUES ('x', 'bounce', 'ok', '2024-01-01T00:00:00Z', 1)"
        )
        conn.execute(
            "INSERT INTO events (event_key, message_id, stored_at, kind, recipient, recipient_key, bounce_type)"
            " VALUES ('k', 1, '2024-01-02T00:00:00Z', 'bounce', 'a@example.net', 'a@example.net', 'Permanent')"
        )
    s = Store(str(db))
    assert s.version == SCHEMA_VERSION
    assert "final_recipient" in {r[1] for r in sqlite3.connect(db).execute("PRAGMA table_info(events)")}
    assert s.counts()["events"] == 1
    # v2's view counts an event without received_at on the day it was stored.
    assert rows(db, "SELECT day, permanent FROM bounces_daily") == [("2024-01-02", 1)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is not a database at all, just text" * 10, "is not a SQLite file"),
        (None, "belongs to another application"),
        (b"SQLite format 3\x00" + b"\xff" * 4096, "database"),
    ],
)
def test_foreign_or_corrupt_file_is_one_clear_error(tmp_path: Path, content: bytes | None, message: str) -> None:
    db = tmp_path / "x.db"
    if content is None:
        with sqlite3.connect(db) as conn:
            conn.execute("CREATE TABLE customers (id INTEGER)")
    else:
        db.write_bytes(content)
    with pytest.raises(StoreError, match=message):
        Store(str(db))
    res = CliRunner().invoke(main, ["--db", str(db), "check", "a@example.net"])
    assert res.exit_code == 2 and message in res.output and len(res.output.strip().splitlines()) == 1


def test_read_only_folder_is_one_clear_error(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        # root writes through file modes; /sys is a read-only file system for everyone.
        folder = ro if not os.access(ro, os.W_OK) else Path("/sys")
        res = CliRunner().invoke(main, ["--db", str(folder / "feedback-test.db"), "suppress", "a@example.net",
                                        "--reason", "x"])  # fmt: skip
        assert res.exit_code == 2 and "cannot create" in res.output
        assert len(res.output.strip().splitlines()) == 1
    finally:
        ro.chmod(0o755)


def test_full_disk_rolls_the_batch_back(tmp_path: Path) -> None:
    s = Store(str(tmp_path / "f.db"))
    s.add_batch(items("qmail-userunknown.eml"))
    before = s.counts()
    # SQLite reports a full disk as SQLITE_FULL; capping the page count makes it happen here.
    pages = s.db.execute("PRAGMA page_count").fetchone()[0]
    s.db.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StoreError, match="full"):
        s.add_batch(items(*ALL))
    s.db.execute("PRAGMA max_page_count = 1073741823")
    assert s.counts() == before


def test_python_api(tmp_path: Path) -> None:
    db = str(tmp_path / "f.db")
    Store(db).add_batch(items("ses-bounce-userunknown.eml"))
    assert feedback.is_suppressed(db, "nobody@Example.Net")
    assert not feedback.is_suppressed(db, "fresh@example.net")
    (r,) = feedback.query(db, "SELECT recipient, reason FROM events WHERE kind = ?", ["bounce"])
    assert r == {"recipient": "nobody@example.net", "reason": "userunknown"}


def run(db: Path, *args: str) -> object:
    return CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)


def test_cli_import_check_events_export_stats(tmp_path: Path) -> None:
    db = tmp_path / "f.db"
    res = run(db, "reprocess", str(MESSAGES), str(FIXTURES / "demo.mbox"))
    assert res.exit_code == 0 and "new events" in res.output
    assert run(db, "reprocess", str(MESSAGES)).output.startswith(f"{len(ALL)} messages read: 0 new")
    assert run(db, "check", "nobody@example.net").exit_code == 1
    assert run(db, "check", "fresh@example.net").exit_code == 0
    lines = [json.loads(x) for x in run(db, "events", "--kind", "complaint", "--format", "jsonl").output.splitlines()]
    assert lines and all(x["kind"] == "complaint" for x in lines)
    assert [
        x["recipient"]
        for x in json.loads(run(db, "events", "--recipient", "nobody@EXAMPLE.net", "--format", "json").output)
    ] == ["nobody@example.net"]
    objs = [json.loads(x) for x in run(db, "export", "--format", "ses-json").output.splitlines()]
    bounce = next(
        o
        for o in objs
        if o["notificationType"] == "Bounce"
        and o["bounce"]["bouncedRecipients"][0]["emailAddress"] == "nobody@example.net"
    )
    # SES's own notification of this bounce is passed through: its subtype is SES's, not ours.
    assert bounce["bounce"]["bounceType"] == "Permanent" and bounce["bounce"]["bounceSubType"] == "General"
    assert bounce["mail"]["messageId"] == "01010186df4c8a11-aa0bcd12-3e45-4f67-8a9b-c0d1e2f3a4b5-000000"
    complaint = next(o for o in objs if o["notificationType"] == "Complaint")
    assert complaint["complaint"]["complainedRecipients"][0]["emailAddress"]
    st = json.loads(run(db, "stats", "--format", "json").output)
    assert any(r["day"] == "2023-03-14" and r["permanent"] >= 1 for r in st)
    assert run(db, "reprocess", "--stored").exit_code == 0
    runs = rows(db, "SELECT command, status, messages FROM runs ORDER BY id")
    assert runs[0][:2] == ("reprocess", "ok") and runs[0][2] > 0 and len(runs) == 3
    assert run(db, "suppress", "x@example.com", "--reason", "asked", "--by", "ops").exit_code == 0
    assert "manual (ops: asked)" in run(db, "check", "x@example.com").output
    assert run(db, "unsuppress", "x@example.com", "--reason", "typo").exit_code == 0
    assert run(db, "check", "x@example.com").exit_code == 0


def test_stats_rates_against_sends(tmp_path: Path) -> None:
    db = tmp_path / "f.db"
    s = Store(str(db))
    s.add_batch(items("ses-bounce-userunknown.eml", config=ClassifierConfig(identities=("example.org",))))
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO sends (identity, day, count) VALUES ('example.org', '2023-03-14', 10)")
    st = json.loads(run(db, "stats", "--format", "json").output)
    (row,) = [r for r in st if r["identity"] == "example.org"]
    assert row["bounce_rate"] == 0.1 and row["review"] == "bounces>=5%"


def test_every_table_and_column_is_documented(tmp_path: Path) -> None:
    import re

    doc = (Path(__file__).resolve().parent.parent / "docs" / "schema.md").read_text()
    sections = re.split(r"^### `(\w+)`", doc, flags=re.M)
    documented = {
        sections[i]: set(re.findall(r"^\| `(\w+)` \|", sections[i + 1], re.M)) for i in range(1, len(sections), 2)
    }
    db = tmp_path / "f.db"
    Store(str(db)).close()
    with sqlite3.connect(db) as conn:
        objects = conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        for (name,) in objects:
            cols = {r[1] for r in conn.execute(f"PRAGMA table_info({name})")}
            assert name in documented, f"{name} is not in docs/schema.md"
            assert cols == documented[name], (
                f"{name}: code {sorted(cols - documented[name])}, doc {sorted(documented[name] - cols)}"
            )


def test_not_every_complaint_or_soft_bounce_counts(tmp_path: Path) -> None:
    s = Store(str(tmp_path / "f.db"), policy=Policy(soft_bounce_limit=1, soft_bounce_days=100_000))
    s.add_batch(items("arf-auth-failure.eml", "exim-blocked.eml", "postfix-multi-recipient.eml"))
    # A DMARC failure report is about our authentication, not the reader's wish.
    assert s.is_suppressed("member@receiver.example.net") is None
    # Our IP on a blocklist refuses the sender, not the address.
    assert s.is_suppressed("user@blocklisting.example.net") is None
    # A message too large for the server says nothing about the mailbox either.
    assert s.is_suppressed("big@example.net") is None
    s.add_batch([soft_bounce("full@example.net", 28)])
    assert s.is_suppressed("full@example.net")  # mailbox full counts


def test_database_errors_in_any_command_are_one_line(tmp_path: Path) -> None:
    db = tmp_path / "f.db"
    Store(str(db)).close()
    with sqlite3.connect(db) as conn:
        conn.execute("DROP VIEW suppressed")  # damage the file behind the tool's back
    res = CliRunner().invoke(main, ["--db", str(db), "check", "a@example.net"])
    assert res.exit_code == 2 and "no such table: suppressed" in res.output
    assert "Traceback" not in res.output and len(res.output.strip().splitlines()) == 1


def test_reprocess_stored_in_windows_bounded_by_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from feedback import cli

    db = tmp_path / "f.db"
    s = Store(str(db))
    s.add_batch(items(*ALL))
    before = s.counts()
    monkeypatch.setattr(cli, "WINDOW_BYTES", 5000)  # a window of one or two messages
    res = run(db, "reprocess", "--stored")
    assert res.exit_code == 0 and f"{len(ALL)} stored messages re-classified" in res.output
    assert Store(str(db)).counts() == before
