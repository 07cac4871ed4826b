"""Crash trials for docs/reliability.md, by hand (as root, with dovecot-imapd installed):

    python benchmarks/kill_trials.py [--trials 20] [--messages 2000] [--layout dovecot|courier|both]

kill -9: for each trial, a fresh mailbox of N distinct messages (our fixtures, each
with its own X-Seq header) is polled by `feedback poll` in a subprocess and killed
with SIGKILL once it has stored t*N/trials messages (trial t = 0..trials-1) plus a
random 0-150 ms (seeded), so kills land at every stage: start-up, fetching,
classifying, between a commit and its moves, during moves. Then it is polled
again to the end. Counted after the rerun: messages lost or doubled in the database
(rows against distinct content), in the mailbox (each X-Seq must be in INBOX or the
processed folder exactly once) and moves left pending.

Server stopped: a poll whose Dovecot is stopped mid-run (once 15%, 45%, 75%... of
the messages are stored): its exit code, how long it took to give up, its last stderr line, the runs
row; then Dovecot starts again and a rerun must complete with nothing lost or doubled.

Layouts: "dovecot" is the test server as is (MOVE); "courier" has the namespace
prefix "INBOX." and no MOVE (UID COPY + UID EXPUNGE), as Courier and Cyrus.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from imapclient import IMAPClient  # noqa: E402

from tests.dovecot import PASSWORD, Dovecot, start_dovecot  # noqa: E402

EXE = Path(sys.executable).parent / "feedback"
ENV = {**os.environ, "BENCH_PASSWORD": PASSWORD}
BATCH = 100


def messages(n: int) -> list[bytes]:
    base = [p.read_bytes() for p in sorted((ROOT / "fixtures" / "messages").glob("*.eml"))]
    return [b"X-Seq: %d\n" % i + base[i % len(base)] for i in range(n)]


def config(tmp: Path, server: Dovecot, user: str, **extra: object) -> Path:
    cfg = tmp / f"{user}.toml"
    lines = [
        f'database = "{tmp / (user + ".db")}"',
        "[[accounts]]",
        'name = "trial"',
        'host = "127.0.0.1"',
        f"port = {server.imaps_port}",
        f'ca_file = "{server.cert}"',
        f'username = "{user}"',
        'password_env = "BENCH_PASSWORD"',
        f"batch_size = {BATCH}",
        *(f"{k} = {v}" for k, v in extra.items()),
    ]
    cfg.write_text("\n".join(lines) + "\n")
    return cfg


def poll(cfg: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EXE), "--config", str(cfg), "poll"], env=ENV, capture_output=True, text=True)


def db(cfg: Path, query: str) -> list[tuple]:
    with sqlite3.connect(Path(str(cfg)[: -len(".toml")] + ".db")) as conn:
        return conn.execute(query).fetchall()


def mailbox_seqs(server: Dovecot, user: str) -> Counter[int]:
    """How many times each X-Seq sits in INBOX and the processed folder together."""
    c = IMAPClient("127.0.0.1", port=server.imaps_port, ssl=True, ssl_context=server.ssl_context(), timeout=30)
    c.login(user, PASSWORD)
    seen: Counter[int] = Counter()
    try:
        for folder in ("INBOX", f"{server.prefix}Feedback.Processed"):
            if not c.folder_exists(folder):
                continue
            c.select_folder(folder, readonly=True)
            uids = c.search(["NOT", "DELETED"])
            for i in range(0, len(uids), 500):
                got = c.fetch(uids[i : i + 500], ["BODY.PEEK[HEADER.FIELDS (X-SEQ)]"])
                for v in got.values():
                    m = re.search(rb"X-Seq: (\d+)", v[b"BODY[HEADER.FIELDS (X-SEQ)]"])
                    if m:
                        seen[int(m.group(1))] += 1
    finally:
        c.logout()
    return seen


def stored_count(cfg: Path) -> int:
    try:
        return int(db(cfg, "SELECT count(*) FROM messages")[0][0])
    except sqlite3.Error:
        return 0  # not created yet


def wait_stored(cfg: Path, at_least: int, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    """Until ``at_least`` messages are committed (or the poll ended)."""
    deadline = time.time() + timeout
    while at_least > 0 and time.time() < deadline and proc.poll() is None and stored_count(cfg) < at_least:
        time.sleep(0.005)


def tally(cfg: Path, server: Dovecot, user: str, n: int) -> dict[str, int]:
    rows, distinct = db(cfg, "SELECT count(*), count(DISTINCT sha256) FROM messages")[0]
    seqs = mailbox_seqs(server, user)
    return {
        "db_lost": n - distinct,
        "db_doubled": rows - distinct,
        "mailbox_lost": sum(1 for i in range(n) if seqs[i] == 0),
        "mailbox_doubled": sum(c - 1 for c in seqs.values() if c > 1),
        "pending": db(cfg, "SELECT count(*) FROM pending_moves")[0][0],
    }


def kill_trials(server: Dovecot, tmp: Path, trials: int, n: int, layout: str) -> None:
    msgs = messages(n)
    user = f"{layout}calib"
    server.deliver(user, msgs)
    t0 = time.perf_counter()
    out = poll(config(tmp, server, user))
    whole = time.perf_counter() - t0
    assert out.returncode == 0, out.stderr
    print(f"[{layout}] uninterrupted poll of {n}: {whole:.2f} s ({out.stdout.strip()})")
    totals: Counter[str] = Counter()
    rng = random.Random(20261130)
    for t in range(trials):
        user = f"{layout}k{t}"
        server.deliver(user, msgs)
        cfg = config(tmp, server, user)
        proc = subprocess.Popen(
            [str(EXE), "--config", str(cfg), "poll"], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        t0 = time.perf_counter()
        wait_stored(cfg, t * n // trials, proc)
        time.sleep(rng.uniform(0, 0.15))
        at = time.perf_counter() - t0
        finished_first = proc.poll() is not None
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        stored = stored_count(cfg)
        try:
            left = int(db(cfg, "SELECT count(*) FROM pending_moves")[0][0])
        except sqlite3.Error:
            left = 0
        rerun = poll(cfg)
        r = tally(cfg, server, user, n)
        totals.update(r)
        totals["killed_with_moves_pending"] += left > 0
        print(
            f"  trial {t + 1:2d}: killed at {at:.2f} s{' (had finished)' if finished_first else ''}, "
            f"{stored} stored and {left} moves pending before it; rerun exit {rerun.returncode}; "
            + ", ".join(f"{k} {v}" for k, v in r.items())
        )
    print(
        f"[{layout}] {trials} kill -9 trials, totals after the reruns: "
        + ", ".join(f"{k} {v}" for k, v in totals.items())
    )


def stop_trials(tmp: Path, trials: int, n: int, layout: str) -> None:
    msgs = messages(n)
    for t in range(trials):
        server = start_server(layout)
        try:
            user = f"{layout}s{t}"
            server.deliver(user, msgs)
            cfg = config(tmp, server, user, retries=1, timeout=5)
            proc = subprocess.Popen(
                [str(EXE), "--config", str(cfg), "poll"], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            wait_stored(cfg, (n * (15 + 30 * t) // 100) // BATCH * BATCH, proc)
            server.stop()
            t0 = time.perf_counter()
            _, err = proc.communicate(timeout=120)
            gave_up = time.perf_counter() - t0
            stored = db(cfg, "SELECT count(*) FROM messages")[0][0]
            status = db(cfg, "SELECT status FROM runs")
            last = err.decode().strip().splitlines()[-1] if err.strip() else ""
            traceback = "Traceback" in err.decode()
            server.start()
            rerun = poll(cfg)
            r = tally(cfg, server, user, n)
            print(
                f"[{layout}] server stopped after {stored} of {n} stored: exit {proc.returncode} after {gave_up:.1f} s, "
                f"traceback {traceback}, runs {status}, stderr: {last!r}; rerun exit {rerun.returncode}; "
                + ", ".join(f"{k} {v}" for k, v in r.items())
            )
        finally:
            server.stop()
            shutil.rmtree(server.root, ignore_errors=True)


def start_server(layout: str) -> Dovecot:
    return start_dovecot(move=False, prefix="INBOX.") if layout == "courier" else start_dovecot()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--stops", type=int, default=3, help="server-stopped trials per layout")
    ap.add_argument("--layout", choices=["dovecot", "courier", "both"], default="both")
    a = ap.parse_args()
    layouts = ["dovecot", "courier"] if a.layout == "both" else [a.layout]
    tmp = Path(tempfile.mkdtemp(prefix="kill-trials-"))
    print(f"{a.messages} messages, batch_size {BATCH}, {os.cpu_count()} cpu")
    try:
        for layout in layouts:
            server = start_server(layout)
            try:
                kill_trials(server, tmp, a.trials, a.messages, layout)
            finally:
                server.stop()
                shutil.rmtree(server.root, ignore_errors=True)
            stop_trials(tmp, a.stops, a.messages, layout)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
