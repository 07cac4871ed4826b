"""`feedback run` and cron-safe `feedback poll`: schedule, signals, the shared lock, status, logs."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from imapclient import IMAPClient

from feedback.cli import main

from .conftest import MESSAGES
from .dovecot import PASSWORD, Dovecot
from .test_imap import FEEDBACK, OTHER, config, db_count, folder_state, seed, user

EXE = str(Path(sys.executable).parent / "feedback")


@pytest.fixture(autouse=True)
def imap_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEEDBACK_TEST_IMAP_PASSWORD", PASSWORD)


def start_run(cfg: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "FEEDBACK_TEST_IMAP_PASSWORD": PASSWORD}
    return subprocess.Popen(
        [EXE, "--config", str(cfg), *extra, "run", "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def wait_for(check, timeout: float = 30.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if check():
                return
        except sqlite3.Error:
            pass
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def runs(cfg: Path) -> list[tuple]:
    with sqlite3.connect(cfg.parent / "f.db") as conn:
        return conn.execute("SELECT command, status, messages FROM runs ORDER BY id").fetchall()


def with_schedule(cfg: Path, interval: str) -> Path:
    text = cfg.read_text()
    cfg.write_text(text.replace("[[accounts]]", f'[schedule]\ninterval = "{interval}"\n\n[[accounts]]', 1))
    return cfg


def test_run_picks_up_new_mail_within_two_ticks_and_stops_on_sigterm(tmp_path: Path, dovecot: Dovecot) -> None:
    u = user()
    seed(dovecot, u, FEEDBACK[:1])
    cfg = with_schedule(config(tmp_path, dovecot, u), "1s")
    proc = start_run(cfg, "--log-format", "json")
    try:
        wait_for(lambda: db_count(cfg, "events") == 1)  # the first poll runs at start-up
        c = IMAPClient("127.0.0.1", port=dovecot.imaps_port, ssl=True, ssl_context=dovecot.ssl_context())
        c.login(u, PASSWORD)
        c.append("INBOX", (MESSAGES / "qmail-userunknown.eml").read_bytes())
        c.logout()
        t0 = time.time()
        wait_for(lambda: db_count(cfg, "events") == 2, timeout=10)
        assert time.time() - t0 < 2.5, "picked up within two ticks"
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err.decode()
    lines = [json.loads(x) for x in err.decode().splitlines() if x.strip()]
    assert any(x["message"].startswith("returns: 1 read, 1 new") for x in lines)
    assert all(set(x) >= {"time", "level", "message"} for x in lines)
    assert PASSWORD not in err.decode()
    assert all(r[:2] == ("run", "ok") for r in runs(cfg))


def test_sigterm_mid_batch_loses_and_doubles_nothing(tmp_path: Path, dovecot: Dovecot) -> None:
    u = user()
    n = seed(dovecot, u, FEEDBACK + OTHER, copies=250)
    cfg = with_schedule(config(tmp_path, dovecot, u, batch_size=50), "1h")
    proc = start_run(cfg)
    wait_for(lambda: db_count(cfg, "messages") >= 200)
    t0 = time.time()
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=10)
    assert proc.returncode == 0 and time.time() - t0 < 10
    stored = db_count(cfg, "messages")
    assert stored < n, "stopped before the end"
    with sqlite3.connect(cfg.parent / "f.db") as conn:
        assert conn.execute("SELECT count(*) FROM pending_moves").fetchone() == (0,)
    # What the run stored is moved; the rest is still there for the next poll.
    assert len(folder_state(dovecot, u, "Feedback.Processed")) + len(folder_state(dovecot, u, "INBOX")) == n
    res = CliRunner().invoke(main, ["--config", str(cfg), "poll", "--workers", "1"])
    assert res.exit_code == 0
    assert db_count(cfg, "messages") == n
    assert len(folder_state(dovecot, u, "INBOX")) == 250 * len(OTHER)


def test_a_poll_beside_run_exits_75_and_a_killed_run_leaves_no_lock(tmp_path: Path, dovecot: Dovecot) -> None:
    u = user()
    seed(dovecot, u, FEEDBACK[:2])
    cfg = with_schedule(config(tmp_path, dovecot, u), "1h")
    proc = start_run(cfg)
    try:
        wait_for(lambda: runs(cfg) and runs(cfg)[0][1] == "ok")
        res = CliRunner().invoke(main, ["--config", str(cfg), "poll"])
        assert res.exit_code == 75
        assert "another feedback poll or run holds" in res.output and len(res.output.strip().splitlines()) == 1
        # A second run is refused the same way.
        second = start_run(cfg)
        assert second.wait(15) == 75
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    res = CliRunner().invoke(main, ["--config", str(cfg), "poll"])
    assert res.exit_code == 0, res.output


def test_status_shows_last_run_next_run_and_last_error(tmp_path: Path, dovecot: Dovecot, monkeypatch) -> None:
    u = user()
    seed(dovecot, u, FEEDBACK[:1])
    cfg = with_schedule(config(tmp_path, dovecot, u), "5m")
    assert CliRunner().invoke(main, ["--config", str(cfg), "poll"]).exit_code == 0
    monkeypatch.setenv("FEEDBACK_TEST_IMAP_PASSWORD", "wrong")
    assert CliRunner().invoke(main, ["--config", str(cfg), "poll"]).exit_code == 2
    monkeypatch.setenv("FEEDBACK_TEST_IMAP_PASSWORD", PASSWORD)
    assert CliRunner().invoke(main, ["--config", str(cfg), "poll"]).exit_code == 0
    res = CliRunner().invoke(main, ["--config", str(cfg), "status", "--format", "json"])
    (row,) = json.loads(res.output)
    assert row["account"] == "returns" and row["last_status"] == "ok"
    assert "refused the login" in row["last_error"]
    assert row["next_run"] > row["last_start"]


def test_schedule_config_errors_are_one_line(tmp_path: Path) -> None:
    for text, message in (
        ('[schedule]\ninterval = "soon"\n', "is not like"),
        ('[schedule]\ncron = "* *"\n', "five fields"),
        ('[schedule]\ninterval = "5m"\ncron = "* * * * *"\n', "not both"),
    ):
        cfg = tmp_path / "feedback.toml"
        cfg.write_text(text)
        res = CliRunner().invoke(main, ["--config", str(cfg), "--db", str(tmp_path / "f.db"), "status"])
        assert res.exit_code == 2 and message in res.output


def test_idle_makes_new_mail_arrive_between_ticks(tmp_path: Path, dovecot: Dovecot) -> None:
    u = user()
    seed(dovecot, u, FEEDBACK[:1])
    cfg = with_schedule(config(tmp_path, dovecot, u, idle=True), "1h")
    proc = start_run(cfg)
    try:
        wait_for(lambda: db_count(cfg, "events") == 1)
        time.sleep(0.5)  # the IDLE connection is up
        c = IMAPClient("127.0.0.1", port=dovecot.imaps_port, ssl=True, ssl_context=dovecot.ssl_context())
        c.login(u, PASSWORD)
        c.append("INBOX", (MESSAGES / "qmail-userunknown.eml").read_bytes())
        c.logout()
        # The schedule says an hour; IDLE brings it in within seconds.
        wait_for(lambda: db_count(cfg, "events") == 2, timeout=15)
    finally:
        t0 = time.time()
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=15)
    assert proc.returncode == 0 and time.time() - t0 < 10, err.decode()


def test_run_polls_local_accounts_and_ignores_idle_there(tmp_path: Path) -> None:
    from .conftest import FIXTURES

    cfg = tmp_path / "feedback.toml"
    cfg.write_text(
        'database = "f.db"\n[schedule]\ninterval = "1h"\n[[accounts]]\nname = "x"\nmbox = "m"\nidle = true\n'
    )
    (tmp_path / "m").write_bytes((FIXTURES / "demo.mbox").read_bytes())
    proc = subprocess.Popen([EXE, "--config", str(cfg), "run"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: db_count(cfg, "messages") == 12)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=15)
    assert proc.returncode == 0


def test_idle_falls_back_to_the_schedule_where_the_server_has_no_idle(tmp_path: Path) -> None:
    from .dovecot import start_dovecot

    server = start_dovecot(idle=False)
    try:
        u = user()
        seed(server, u, FEEDBACK[:1])
        cfg = with_schedule(config(tmp_path, server, u, idle=True), "1h")
        proc = start_run(cfg)
        try:
            wait_for(lambda: db_count(cfg, "events") == 1)
            time.sleep(1)
        finally:
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=15)
        assert proc.returncode == 0
        assert "does not offer IDLE; polling on the schedule only" in err.decode()
    finally:
        server.stop()


def test_a_failing_account_is_logged_and_the_service_carries_on(tmp_path: Path, dovecot: Dovecot) -> None:
    from .dovecot import free_port

    u = user()
    seed(dovecot, u, FEEDBACK[:1])
    good = with_schedule(config(tmp_path, dovecot, u), "1s").read_text()
    broken = good.split("[[accounts]]", 1)[1].replace('name = "returns"', 'name = "broken"\nretries = 0')
    broken = broken.replace(f"port = {dovecot.imaps_port}", f"port = {free_port()}")
    cfg = tmp_path / "two.toml"
    cfg.write_text(good + "\n[[accounts]]" + broken)
    proc = start_run(cfg)
    try:
        # Two ticks of the broken account, and the good one keeps working.
        def two_failures() -> bool:
            with sqlite3.connect(tmp_path / "f.db") as conn:
                return (
                    conn.execute("SELECT count(*) FROM runs WHERE account = 'broken' AND status = 'failed'").fetchone()[
                        0
                    ]
                    >= 2
                )

        wait_for(two_failures, timeout=20)
        assert proc.poll() is None, "the service is still running"
        assert db_count(cfg, "events") == 1
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=15)
    assert proc.returncode == 0
    assert "broken: cannot connect" in err.decode()


def test_mail_announced_during_a_poll_gets_one_more_poll(tmp_path: Path, dovecot: Dovecot) -> None:
    """IDLE announces new mail while a long poll runs: it is polled right after, not at the next
    scheduled run (an hour away), and the scheduler never logs a skipped run for it."""
    u = user()
    n = seed(dovecot, u, FEEDBACK + OTHER, copies=600)  # a poll of some seconds
    cfg = with_schedule(config(tmp_path, dovecot, u, idle=True, processed_folder=""), "1h")
    proc = start_run(cfg, "-v")
    try:
        wait_for(lambda: db_count(cfg, "messages") >= 200)
        c = IMAPClient("127.0.0.1", port=dovecot.imaps_port, ssl=True, ssl_context=dovecot.ssl_context())
        c.login(u, PASSWORD)
        c.append("INBOX", b"X-Late: 1\n" + (MESSAGES / "qmail-userunknown.eml").read_bytes())
        c.logout()
        assert db_count(cfg, "messages") < n, "the first poll was still running"
        wait_for(lambda: db_count(cfg, "messages") == n + 1, timeout=30)
        assert [r[0] for r in runs(cfg)] == ["run", "run"]
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err.decode()
    assert b"maximum number of running instances" not in err
