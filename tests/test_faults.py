"""Faults at the edges: a missing folder, a read-only or full disk, signals during reprocess.

Every command gives one line and exit 2 for a database it cannot use (readers still read
what they can), and a run killed at any moment, run again, ends as an uninterrupted run does.
"""

from __future__ import annotations

import contextlib
import mailbox
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedback.cli import main

from .conftest import FIXTURES, MESSAGES

ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")

READERS = [["events"], ["check", "nobody@example.net"], ["stats"], ["export"], ["status"]]
WRITERS = [
    ["suppress", "a@example.net", "--reason", "x"],
    ["reprocess", "--workers", "1", str(MESSAGES)],
    ["reprocess", "--stored", "--workers", "1"],
    ["poll", "--workers", "1"],
    ["reprocess", "--account", "archive", "--workers", "1"],
]


def invoke(cfg: Path, db: Path, args: list[str]) -> object:
    return CliRunner().invoke(main, ["--config", str(cfg), "--db", str(db), *args])


def one_line(res: object, code: int, *words: str) -> None:
    """Exit ``code`` with one line saying ``words``, never a traceback."""
    out = res.output  # type: ignore[attr-defined]
    assert res.exit_code == code, out  # type: ignore[attr-defined]
    exc = res.exception  # type: ignore[attr-defined]
    assert exc is None or isinstance(exc, SystemExit), repr(exc)
    assert len(out.strip().splitlines()) == 1, out
    for w in words:
        assert w in out, out


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    c = tmp_path / "feedback.toml"
    c.write_text(f'[[accounts]]\nname = "archive"\nmbox = "{FIXTURES / "demo.mbox"}"\n')
    return c


@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def seeded(cfg: Path, db: Path) -> None:
    assert invoke(cfg, db, ["reprocess", "--workers", "1", str(MESSAGES / "ses-bounce-userunknown.eml")]).exit_code == 0


@pytest.mark.parametrize("args", READERS + WRITERS, ids=lambda a: " ".join(a[:2]))
def test_database_in_a_missing_folder(tmp_path: Path, cfg: Path, args: list[str]) -> None:
    db = tmp_path / "no" / "such" / "f.db"
    res = invoke(cfg, db, args)
    if args[0] == "status":
        assert res.exit_code == 0  # configured, never polled: says so, creates nothing
    else:
        one_line(res, 2, "does not exist")
    assert not (tmp_path / "no").exists()


@ROOT_ONLY
@pytest.mark.parametrize("args", READERS + WRITERS, ids=lambda a: " ".join(a[:2]))
def test_read_only_database(tmp_path: Path, cfg: Path, args: list[str]) -> None:
    with tmpfs(tmp_path / "ro", "4m") as ro:
        db = ro / "f.db"
        seeded(cfg, db)
        subprocess.run(["mount", "-o", "remount,ro", str(ro)], check=True)
        res = invoke(cfg, db, args)
        if args in READERS:
            assert res.exit_code in (0, 1) and "Error" not in res.output, res.output
            if args[0] == "check":
                assert res.exit_code == 1  # still answers from the file
        else:
            one_line(res, 2, "cannot be written", "read-only file system")


def test_read_only_database_file(tmp_path: Path, cfg: Path) -> None:
    """Without root: a database file (and folder) without write permission."""
    if os.geteuid() == 0:
        pytest.skip("root writes through file modes (the tmpfs test covers it)")
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "f.db"
    seeded(cfg, db)
    db.chmod(0o444)
    folder.chmod(0o555)
    try:
        assert invoke(cfg, db, ["check", "nobody@example.net"]).exit_code == 1
        one_line(invoke(cfg, db, WRITERS[0]), 2, "cannot be written")
    finally:
        folder.chmod(0o755)


def fill(folder: Path) -> None:
    with contextlib.suppress(OSError), open(folder / "filler", "wb") as fh:
        while True:
            fh.write(b"\0" * 65536)
            fh.flush()


@ROOT_ONLY
@pytest.mark.parametrize("args", READERS + WRITERS, ids=lambda a: " ".join(a[:2]))
def test_full_disk(tmp_path: Path, cfg: Path, args: list[str]) -> None:
    with tmpfs(tmp_path / "full", "1m") as full:
        db = full / "f.db"
        seeded(cfg, db)
        fill(full)
        res = invoke(cfg, db, args)
        if args in READERS:
            assert res.exit_code in (0, 1) and "Error" not in res.output, res.output
        else:
            one_line(res, 2, "full")


def many_messages(folder: Path, n: int) -> Path:
    folder.mkdir()
    fixtures = sorted(MESSAGES.glob("*.eml"))
    for i in range(n):
        (folder / f"{i:05}.eml").write_bytes(b"X-Seq: %d\n" % i + fixtures[i % len(fixtures)].read_bytes())
    return folder


@ROOT_ONLY
def test_disk_filling_during_reprocess_says_full_not_cannot_rollback(tmp_path: Path) -> None:
    mail = many_messages(tmp_path / "mail", 3000)
    with tmpfs(tmp_path / "full", "1m") as full:
        db = full / "f.db"
        res = CliRunner().invoke(main, ["--db", str(db), "reprocess", "--workers", "1", str(mail)])
        one_line(res, 2, "full")
        assert "rollback" not in res.output
        (status, error) = sqlite3.connect(db).execute("SELECT status, error FROM runs").fetchone()
        assert status == "failed" and "full" in error


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """What a run leaves that matters: messages, events, links, suppressions (no ids, no times)."""
    with sqlite3.connect(db) as c:
        return {
            "messages": sorted(c.execute("SELECT sha256, source, kind, detector, parse_status, size FROM messages")),
            "events": sorted(
                c.execute("SELECT event_key, kind, recipient_key, bounce_type, reason, status, trusted FROM events")
            ),
            "links": sorted(
                c.execute(
                    "SELECT e.event_key, m.sha256 FROM event_messages l JOIN events e ON e.id = l.event_id"
                    " JOIN messages m ON m.id = l.message_id"
                )
            ),
            "suppressions": sorted(
                c.execute("SELECT address, scope, reason, bounce_type, count, active, expires_at FROM suppressions")
            ),
        }


def start(db: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "feedback.cli", "--db", str(db), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip


def committed(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
            return int(c.execute("SELECT count(*) FROM messages").fetchone()[0])
    except sqlite3.Error:
        return 0


def kill_midway(db: Path, sig: int, args: list[str], at_least: int = 1) -> subprocess.Popen[bytes]:
    """Start a reprocess, signal it once ``at_least`` messages are committed (and before it ends)."""
    p = start(db, *args)
    deadline = time.monotonic() + 60
    while committed(db) < at_least and p.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert p.poll() is None, "finished before the signal: give it more messages"
    if sig == signal.SIGKILL:
        os.killpg(p.pid, sig)  # as a cron job's whole process group dies
    else:
        os.kill(p.pid, sig)
    p.wait(30)
    return p


@pytest.fixture(scope="module")
def mail(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return many_messages(tmp_path_factory.mktemp("kill") / "mail", 4000)


@pytest.fixture(scope="module")
def reference(mail: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple]]:
    db = tmp_path_factory.mktemp("ref") / "f.db"
    p = start(db, "reprocess", "--workers", "2", str(mail))
    assert p.wait(120) == 0
    return snapshot(db)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
@pytest.mark.parametrize("workers", ["1", "2"])
def test_reprocess_killed_then_rerun_equals_an_uninterrupted_run(
    tmp_path: Path, mail: Path, reference: dict[str, list[tuple]], sig: int, workers: str
) -> None:
    db = tmp_path / "f.db"
    p = kill_midway(db, sig, ["reprocess", "--workers", workers, str(mail)], at_least=500)
    runs = sqlite3.connect(db).execute("SELECT status, error FROM runs").fetchall()
    if sig == signal.SIGTERM:
        assert p.returncode == 1
        assert p.stderr is not None and b"interrupted" in p.stderr.read()
        assert runs == [("failed", "interrupted; run the same command again to finish")]
    else:
        assert p.returncode == -signal.SIGKILL and runs == [("running", None)]
    assert 0 < committed(db) < len(reference["messages"])
    again = start(db, "reprocess", "--workers", workers, str(mail))
    assert again.wait(120) == 0
    assert snapshot(db) == reference


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_reprocess_stored_killed_then_rerun_equals_an_uninterrupted_run(
    tmp_path: Path, mail: Path, reference: dict[str, list[tuple]], sig: int
) -> None:
    db = tmp_path / "f.db"
    assert start(db, "reprocess", "--workers", "2", str(mail)).wait(120) == 0
    with sqlite3.connect(db) as c:
        first = c.execute("SELECT max(id) FROM events").fetchone()[0]
    p = start(db, "reprocess", "--stored", "--workers", "1")
    deadline = time.monotonic() + 60
    # Re-classified events are stored anew: a higher id means a batch is committed.
    while p.poll() is None and time.monotonic() < deadline:
        with sqlite3.connect(db) as c:
            if c.execute("SELECT max(id) FROM events").fetchone()[0] > first:
                break
        time.sleep(0.01)
    assert p.poll() is None
    os.killpg(p.pid, sig) if sig == signal.SIGKILL else os.kill(p.pid, sig)
    p.wait(30)
    assert start(db, "reprocess", "--stored", "--workers", "1").wait(120) == 0
    assert snapshot(db) == reference


def test_reprocess_account_sigterm_records_the_run_as_interrupted(tmp_path: Path, mail: Path) -> None:
    box = mailbox.mbox(str(tmp_path / "box.mbox"))
    for f in sorted(mail.iterdir()):
        box.add(f.read_bytes())
    box.close()
    db = tmp_path / "f.db"
    cfg = tmp_path / "feedback.toml"
    cfg.write_text(f'database = "{db}"\n[[accounts]]\nname = "l"\nmbox = "box.mbox"\nbatch_size = 200\n')
    p = subprocess.Popen(
        [sys.executable, "-m", "feedback.cli", "--config", str(cfg), "reprocess", "--account", "l", "--workers", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while committed(db) == 0 and p.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert p.poll() is None
    os.kill(p.pid, signal.SIGTERM)
    assert p.wait(30) == 1
    assert p.stderr is not None and b"reprocess interrupted" in p.stderr.read()
    runs = sqlite3.connect(db).execute("SELECT command, status, error FROM runs").fetchall()
    assert runs == [("reprocess", "failed", "interrupted; run the same command again to finish")]
    again = subprocess.run(
        [sys.executable, "-m", "feedback.cli", "--config", str(cfg), "reprocess", "--account", "l", "--workers", "2"],
        capture_output=True,
    )  # fmt: skip
    assert again.returncode == 0
    assert committed(db) == len(list(mail.iterdir()))
