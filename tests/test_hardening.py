"""Issue 10's repros, each a test: suppression, addresses, the read-only API, --since, locks, links, -q/-v."""

from __future__ import annotations

import json
import mailbox
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import feedback
from feedback import store as store_module
from feedback.cli import main
from feedback.models import RawMessage
from feedback.pipeline import classify
from feedback.store import SCHEMA_VERSION, Policy, Store

from .conftest import MESSAGES

BOUNCE = "ses-bounce-userunknown.eml"  # nobody@example.net, bounced in March 2023


def add(s: Store, *names: str, replace: tuple[bytes, bytes] | None = None) -> None:
    batch = []
    for n in names:
        data = (MESSAGES / n).read_bytes()
        if replace:
            data = data.replace(*replace)
        raw = RawMessage(data=data, source=n)
        batch.append((raw, classify(raw)))
    s.add_batch(batch)


def cli(*args: str, **kw: object) -> object:
    return CliRunner().invoke(main, list(args), **kw)


# ------------------------------------------------------------------ 1. manual suppression


def test_manual_suppress_holds_after_the_automatic_one_expired(tmp_path: Path) -> None:
    db = tmp_path / "f.db"
    cfg = tmp_path / "feedback.toml"
    cfg.write_text(f'database = "{db}"\n[policy]\nexpire_days = {{ hard = 30 }}\n')
    s = Store(str(db), policy=Policy(expire_days={"hard": 30}))
    add(s, BOUNCE)
    s.close()
    assert cli("--config", str(cfg), "check", "nobody@example.net").exit_code == 0  # expired in 2023
    res = cli("--config", str(cfg), "suppress", "nobody@example.net", "--reason", "legal", "--by", "ops")
    assert res.exit_code == 0
    res = cli("--config", str(cfg), "check", "nobody@example.net")
    assert res.exit_code == 1 and "manual (ops: legal)" in res.output and "until" not in res.output
    assert feedback.is_suppressed(str(db), "nobody@example.net")


# ------------------------------------------------------------------ 3. query() is read-only


@pytest.mark.parametrize(
    "sql",
    [
        "VACUUM INTO '{dir}/copy.db'",
        "ATTACH '{dir}/other.db' AS o",
        "ATTACH 'file:{dir}/other.db?mode=rwc' AS o",
        "INSERT INTO sends (identity, day, count) VALUES ('x', '2024-01-01', 1)",
        "CREATE TEMP TABLE t (x)",
        "PRAGMA user_version = 99",
        "DELETE FROM suppressions",
    ],
)
def test_query_refuses_anything_that_writes(tmp_path: Path, sql: str) -> None:
    db = tmp_path / "f.db"
    add(Store(str(db)), BOUNCE)
    before = sorted(os.listdir(tmp_path))
    with pytest.raises(sqlite3.DatabaseError):
        feedback.query(str(db), sql.format(dir=tmp_path))
    assert sorted(os.listdir(tmp_path)) == before
    assert feedback.query(str(db), "SELECT count(*) AS n FROM suppressions") == [{"n": 1}]
    assert feedback.query(str(db), "PRAGMA user_version") == [{"user_version": SCHEMA_VERSION}]


def test_query_reads_the_file_named_even_with_uri_characters(tmp_path: Path) -> None:
    db = tmp_path / "a#b?c%20.db"
    add(Store(str(db)), BOUNCE)
    (tmp_path / "a").write_bytes(b"")  # what "file:.../a#b..." would open
    rows = feedback.query(str(db), "SELECT recipient FROM events")
    assert rows == [{"recipient": "nobody@example.net"}]
    assert (tmp_path / "a").read_bytes() == b""
    with pytest.raises(sqlite3.DatabaseError):
        feedback.query(str(db), "DELETE FROM events")


# ------------------------------------------------------------------ 4. addresses without case


SPELLINGS = [
    "nobody@example.net",
    "Nobody@example.net",
    "NOBODY@EXAMPLE.NET",
    "<nobody@example.net>",
    "Nobody <NOBODY@example.net>",
    '"Nobody, N." <Nobody@Example.Net>',
    "  nobody@example.net  ",
]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_of_an_address_finds_its_suppression(tmp_path: Path, spelling: str) -> None:
    db = tmp_path / "f.db"
    add(Store(str(db)), BOUNCE)
    assert cli("--db", str(db), "check", spelling).exit_code == 1
    assert feedback.is_suppressed(str(db), spelling)
    assert Store(str(db)).is_suppressed(spelling) is not None
    res = cli("--db", str(db), "events", "--recipient", spelling, "--format", "json")
    assert [r["recipient"] for r in json.loads(res.output)] == ["nobody@example.net"]
    assert cli("--db", str(db), "check", re.sub("(?i)obody", "obodi", spelling)).exit_code == 0


def test_manual_suppress_of_a_display_address_is_stored_by_key(tmp_path: Path) -> None:
    db = tmp_path / "f.db"
    assert cli("--db", str(db), "suppress", "Ann Example <Ann@Example.COM>", "--reason", "asked").exit_code == 0
    assert cli("--db", str(db), "check", "ann@example.com").exit_code == 1
    assert cli("--db", str(db), "unsuppress", "ANN@example.com", "--reason", "back").exit_code == 0
    assert cli("--db", str(db), "check", "<ann@example.com>").exit_code == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT address FROM suppressions").fetchall() == [("ann@example.com",)]


@pytest.mark.parametrize("bad", ["", "nobody", "@example.net", "nobody@", "a b@example.net", "<>"])
def test_suppress_refuses_what_is_no_address(tmp_path: Path, bad: str) -> None:
    res = cli("--db", str(tmp_path / "f.db"), "suppress", bad, "--reason", "x")
    assert res.exit_code == 2 and "not an email address" in res.output


def test_documented_sql_gives_the_same_answer_in_any_case(tmp_path: Path) -> None:
    """docs/schema.md's examples, as an app would run them, with NOBODY@ for nobody@."""
    db = tmp_path / "feedback.db"
    add(Store(str(db)), BOUNCE)
    if shutil.which("sqlite3"):
        out = subprocess.run(
            ["sqlite3", "-readonly", str(db),
             "SELECT reason, last_at FROM suppressed WHERE address = 'NOBODY@example.net'"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        assert out.startswith("userunknown|2023-")
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    suppressed = conn.execute("SELECT 1 FROM suppressed WHERE address = ?", ["NOBODY@example.net"]).fetchone()
    assert suppressed is not None
    conn.close()
    node = shutil.which("node")
    if node and subprocess.run([node, "-e", "require('better-sqlite3')"], capture_output=True).returncode == 0:
        js = (
            "const D = require('better-sqlite3'); const db = new D(process.argv[1], { readonly: true });"
            "const r = db.prepare('SELECT reason FROM suppressed WHERE address = ?').get('NOBODY@example.net');"
            "console.log(r ? r.reason : 'none');"
        )
        out = subprocess.run([node, "-e", js, str(db)], capture_output=True, text=True, check=True).stdout
        assert out.strip() == "userunknown"


def _v5_key(address: str) -> str:
    local, at, domain = address.strip().rpartition("@")
    return f"{local}@{domain.lower()}" if at else address.strip().lower()


def test_schema_5_database_is_migrated_merging_case_variants(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "f.db"
    upper = (b"nobody@example.net", b"Nobody@example.net")
    # A schema-5 file, written by schema 5's own rules (domain-only case folding).
    with monkeypatch.context() as m:
        m.setattr(store_module, "SCHEMA_VERSION", 5)
        m.setattr(store_module, "address_key", _v5_key)
        s = Store(str(db))
        add(s, BOUNCE)
        add(s, BOUNCE, replace=upper)  # the same SES bounce, recipient spelt with a capital
        s.set_manual("Nobody@example.net", "suppress", "legal", "ops")
        s.set_manual("Other@example.com", "suppress", "asked", "ops")
        assert s.version == 5
        assert s.counts() == {"messages": 2, "events": 2, "suppressions": 3}
        s.close()
    s = Store(str(db))
    assert s.version == SCHEMA_VERSION
    assert s.counts() == {"messages": 2, "events": 1, "suppressions": 2}
    (row,) = s.db.execute("SELECT address, manual, manual_reason, active, count FROM suppressions WHERE "
                          "address LIKE 'nobody%'").fetchall()  # fmt: skip
    assert row == ("nobody@example.net", "suppress", "legal", 1, 1)
    (ev,) = s.db.execute("SELECT id, recipient_key FROM events").fetchall()
    assert ev[1] == "nobody@example.net"
    # Both messages still point at the one event.
    assert s.db.execute("SELECT count(*) FROM event_messages WHERE event_id = ?", [ev[0]]).fetchone()[0] == 2
    log = s.db.execute("SELECT address, action, reason FROM suppression_log WHERE action = 'merge'").fetchall()
    assert log == [("nobody@example.net", "merge", "addresses that differ only by case: Nobody@example.net, "
                    "nobody@example.net")]  # fmt: skip
    assert s.is_suppressed("other@EXAMPLE.com") is not None
    # The same mail read again after the migration adds nothing.
    add(s, BOUNCE, replace=upper)
    add(s, BOUNCE)
    assert s.counts()["events"] == 1
    assert feedback.query(str(db), "SELECT count(*) AS n FROM suppressed WHERE address = 'NOBODY@EXAMPLE.NET'") == [
        {"n": 1}
    ]


# ------------------------------------------------------------------ 8. --since


@pytest.mark.parametrize("command", [["events"], ["export"], ["stats"], ["export", "--format", "csv"]])
@pytest.mark.parametrize("since", ["notadate", "2024-1-5", "2024-13-01", "yesterday", "2024-01-05T25:00"])
def test_a_bad_since_is_exit_2_not_an_empty_answer(tmp_path: Path, command: list[str], since: str) -> None:
    db = tmp_path / "f.db"
    add(Store(str(db)), BOUNCE)
    res = cli("--db", str(db), *command, "--since", since)
    assert res.exit_code == 2 and "--since" in res.output and "is not a date" in res.output


@pytest.mark.parametrize(
    ("since", "found"),
    [("2023-03-14", 1), ("2023-03-15", 0), ("2023-03-14T10:21:06Z", 1), ("2023-03-14T12:21:06+02:00", 1), ("2023-03-14T12:21:07+02:00", 0),
     ("2023-03-14T10:21:07", 0)],
)  # fmt: skip
def test_a_good_since_filters(tmp_path: Path, since: str, found: int) -> None:
    db = tmp_path / "f.db"
    add(Store(str(db)), BOUNCE)
    res = cli("--db", str(db), "events", "--since", since, "--format", "json")
    assert res.exit_code == 0 and len(json.loads(res.output)) == found


# ------------------------------------------------------------------ 10. rough edges


def test_read_commands_create_no_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FEEDBACK_CONFIG", raising=False)
    monkeypatch.delenv("FEEDBACK_DB", raising=False)
    reads = (["events"], ["check", "a@example.net"], ["stats"], ["stats", "--check"], ["export"], ["status"],
             ["report", "--out", "r.html"], ["explain", "--event", "1"])  # fmt: skip
    for args in reads:
        res = cli(*args)
        assert res.exit_code == 2 and "does not exist" in res.output, args
    assert os.listdir(tmp_path) == []


def test_status_of_a_configured_never_polled_account(tmp_path: Path) -> None:
    cfg = tmp_path / "feedback.toml"
    cfg.write_text('[[accounts]]\nname = "l"\nmbox = "box.mbox"\n')
    res = cli("--config", str(cfg), "status", "--format", "json")
    assert res.exit_code == 0 and json.loads(res.output)[0]["account"] == "l"
    assert not (tmp_path / "feedback.db").exists()


def _mail_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "mail"
    folder.mkdir()
    shutil.copy(MESSAGES / BOUNCE, folder / "a.eml")
    shutil.copy(MESSAGES / "qmail-userunknown.eml", folder / "c.eml")
    (folder / "b-dangling.eml").symlink_to(folder / "gone.eml")
    (folder / "loop1.eml").symlink_to(folder / "loop2.eml")
    (folder / "loop2.eml").symlink_to(folder / "loop1.eml")
    return folder


def test_links_to_nothing_in_a_folder_are_skipped_not_fatal(tmp_path: Path) -> None:
    folder = _mail_folder(tmp_path)
    res = CliRunner().invoke(main, ["--db", str(tmp_path / "f.db"), "reprocess", "--workers", "1", str(folder)])
    assert res.exit_code == 0, res.output
    assert "2 messages read: 2 new" in res.stdout
    assert "b-dangling.eml: skipped" in res.stderr and "loop1.eml: skipped" in res.stderr
    assert "permission denied" not in res.output


@pytest.mark.parametrize("name", ["b-dangling.eml", "loop1.eml"])
def test_a_link_to_nothing_named_on_the_command_line_says_so(tmp_path: Path, name: str) -> None:
    folder = _mail_folder(tmp_path)
    res = cli("--db", str(tmp_path / "f.db"), "reprocess", str(folder / name))
    assert res.exit_code == 2 and "symbolic link to nothing" in res.output


def _mbox_config(tmp_path: Path, db: Path | str) -> Path:
    box = mailbox.mbox(str(tmp_path / "box.mbox"))
    box.add((MESSAGES / BOUNCE).read_bytes())
    box.close()
    cfg = tmp_path / "feedback.toml"
    cfg.write_text(f'database = "{db}"\n[[accounts]]\nname = "l"\nmbox = "box.mbox"\n')
    return cfg


def test_reprocess_account_and_a_symlinked_db_respect_the_poll_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "f.db"
    cfg = _mbox_config(tmp_path, db)
    (tmp_path / "link.db").symlink_to(db)
    # POSIX locks are per process: another process holds it, as a running poll would.
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from feedback.lock import PollLock\n"
         "with PollLock(sys.argv[1]):\n print('held', flush=True); time.sleep(60)", str(db)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        assert cli("--config", str(cfg), "poll").exit_code == 75
        assert cli("--config", str(cfg), "--db", str(tmp_path / "link.db"), "poll").exit_code == 75
        assert cli("--config", str(cfg), "reprocess", "--account", "l").exit_code == 75
        monkeypatch.chdir(tmp_path)  # a relative --db names the same lock too
        assert cli("--config", str(cfg), "--db", "f.db", "poll").exit_code == 75
    finally:
        holder.kill()
        holder.wait()
    assert cli("--config", str(cfg), "reprocess", "--account", "l", "--workers", "1").exit_code == 0


def test_a_missing_mbox_is_one_line(tmp_path: Path) -> None:
    cfg = _mbox_config(tmp_path, tmp_path / "f.db")
    (tmp_path / "box.mbox").unlink()
    res = cli("--config", str(cfg), "poll", "--workers", "1")
    assert res.exit_code == 1 and "cannot read" in res.output and "box.mbox" in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)


def test_quiet_and_verbose_change_what_poll_says(tmp_path: Path) -> None:
    cfg = _mbox_config(tmp_path, tmp_path / "f.db")
    normal = CliRunner().invoke(main, ["--config", str(cfg), "poll", "--workers", "1"])
    assert normal.exit_code == 0 and "l: 1 read, 1 new" in normal.stdout
    # Each run on a database of its own: an mbox account's checkpoint would leave nothing new to read.
    quiet = CliRunner().invoke(
        main, ["-q", "--config", str(cfg), "--db", str(tmp_path / "q.db"), "poll", "--workers", "1"]
    )
    assert quiet.exit_code == 0 and quiet.stdout == "" and quiet.stderr == ""
    verbose = CliRunner().invoke(
        main, ["-v", "--config", str(cfg), "--db", str(tmp_path / "v.db"), "poll", "--workers", "1"]
    )
    assert verbose.exit_code == 0 and "DEBUG l: 1 of 1 read" in verbose.stderr
    assert "DEBUG" not in normal.stderr
