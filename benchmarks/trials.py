"""Trials for docs/reliability.md, reproducible (no server needed):

    python benchmarks/trials.py kill [--trials 20] [--messages 4000]
    python benchmarks/trials.py readers [--messages 10000] [--readers 4]

kill: ``feedback reprocess`` of a folder of distinct messages is killed (SIGKILL to its
process group, or SIGTERM) at a random moment after its first commit, then run again;
the database is compared with one from an uninterrupted run: messages, events, their
links and suppressions lost or doubled.

readers: a 10,000-message local (mbox) poll while four processes ask the ``suppressed``
view as an app would (plain sqlite3, read-only, 30 s busy timeout); counts the answers
and the "database is locked" errors, and the slowest answer.
"""

from __future__ import annotations

import argparse
import mailbox
import multiprocessing
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = ROOT / "fixtures" / "messages"


def distinct_messages(n: int) -> list[bytes]:
    """``n`` different messages: our fixtures, each copy with its own header."""
    fixtures = [p.read_bytes() for p in sorted(MESSAGES.glob("*.eml"))]
    return [b"X-Trial-Seq: %d\n" % i + fixtures[i % len(fixtures)] for i in range(n)]


def feedback(db: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "feedback.cli", "--db", str(db), *args],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


def snapshot(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(db) as c:
        return {
            "messages": c.execute("SELECT sha256 FROM messages").fetchall(),
            "events": c.execute("SELECT event_key, reason, trusted FROM events").fetchall(),
            "links": c.execute(
                "SELECT e.event_key, m.sha256 FROM event_messages l JOIN events e ON e.id = l.event_id"
                " JOIN messages m ON m.id = l.message_id"
            ).fetchall(),
            "suppressions": c.execute("SELECT address, scope, count, active FROM suppressions").fetchall(),
        }


def committed(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
            return int(c.execute("SELECT count(*) FROM messages").fetchone()[0])
    except sqlite3.Error:
        return 0


def kill(a: argparse.Namespace) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="reprocess-kill-trials-"))
    mail = tmp / "mail"
    mail.mkdir()
    for i, data in enumerate(distinct_messages(a.messages)):
        (mail / f"{i:05}.eml").write_bytes(data)
    ref_db = tmp / "ref.db"
    t = time.monotonic()
    assert feedback(ref_db, "reprocess", "--workers", "2", str(mail)).wait() == 0
    took = time.monotonic() - t
    ref = snapshot(ref_db)
    rng = random.Random(a.seed)
    print(f"reference: {len(ref['messages'])} messages, {len(ref['events'])} events in {took:.1f} s")
    totals = {"lost": 0, "doubled": 0, "running_rows_left": 0, "interrupted_rows": 0}
    for trial in range(a.trials):
        sig = signal.SIGKILL if trial % 2 == 0 else signal.SIGTERM
        db = tmp / f"t{trial}.db"
        p = feedback(db, "reprocess", "--workers", "2", str(mail))
        while committed(db) == 0 and p.poll() is None:
            time.sleep(0.005)
        time.sleep(rng.uniform(0, took * 0.8))
        if p.poll() is None:
            os.killpg(p.pid, sig) if sig == signal.SIGKILL else os.kill(p.pid, sig)
        code = p.wait()
        before = committed(db)
        with sqlite3.connect(db) as c:
            status = c.execute("SELECT status FROM runs").fetchall()
        assert feedback(db, "reprocess", "--workers", "2", str(mail)).wait() == 0
        got = snapshot(db)
        lost = sum(len(set(ref[k]) - set(got[k])) for k in ref)
        doubled = sum(len(got[k]) - len(set(got[k])) + len(set(got[k]) - set(ref[k])) for k in ref)
        totals["lost"] += lost
        totals["doubled"] += doubled
        totals["running_rows_left"] += status.count(("running",))
        totals["interrupted_rows"] += status.count(("failed",))
        print(f"trial {trial + 1:2}: {signal.Signals(sig).name:7} exit {code:4}, {before:5} messages committed,"
              f" runs {[s[0] for s in status]}; after the rerun: lost {lost}, doubled {doubled}")  # fmt: skip
    print("totals:", totals)


def reader(db: str, stop: multiprocessing.synchronize.Event, out: multiprocessing.Queue) -> None:  # type: ignore[name-defined]
    answers = locked = other = 0
    slowest = 0.0
    addresses = ["nobody@example.net", "NOSUCH@example.net", "fresh@example.com"]
    while not stop.is_set():
        for address in addresses:
            t = time.monotonic()
            try:
                conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
                conn.execute("SELECT 1 FROM suppressed WHERE address = ?", [address]).fetchone()
                conn.close()
                answers += 1
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc):
                    locked += 1
                else:
                    other += 1
            slowest = max(slowest, time.monotonic() - t)
    out.put((answers, locked, other, slowest))


def readers(a: argparse.Namespace) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="reader-trials-"))
    box = mailbox.mbox(str(tmp / "feedback.mbox"))
    for data in distinct_messages(a.messages):
        box.add(data)
    box.close()
    db = tmp / "f.db"
    cfg = tmp / "feedback.toml"
    cfg.write_text(f'database = "{db}"\n[[accounts]]\nname = "trial"\nmbox = "feedback.mbox"\n')
    # The readers start on a database that exists, as apps do.
    subprocess.run([sys.executable, "-m", "feedback.cli", "--db", str(db), "status"], capture_output=True)
    subprocess.run([sys.executable, "-m", "feedback.cli", "--db", str(db), "suppress", "x@example.com",
                    "--reason", "trial"], check=True, capture_output=True)  # fmt: skip
    stop = multiprocessing.Event()
    out: multiprocessing.Queue[tuple[int, int, int, float]] = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=reader, args=(str(db), stop, out)) for _ in range(a.readers)]
    for p in procs:
        p.start()
    t = time.monotonic()
    poll = subprocess.run(
        [sys.executable, "-m", "feedback.cli", "--config", str(cfg), "poll"], capture_output=True, text=True
    )
    took = time.monotonic() - t
    stop.set()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    print(f"poll: exit {poll.returncode}, {poll.stdout.strip()} in {took:.1f} s")
    print(
        f"{a.readers} readers: {sum(r[0] for r in results)} answers, {sum(r[1] for r in results)} 'database is"
        f" locked', {sum(r[2] for r in results)} other errors, slowest answer {max(r[3] for r in results):.3f} s"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="trial", required=True)
    k = sub.add_parser("kill")
    k.add_argument("--trials", type=int, default=20)
    k.add_argument("--messages", type=int, default=4000)
    k.add_argument("--seed", type=int, default=1)
    r = sub.add_parser("readers")
    r.add_argument("--messages", type=int, default=10000)
    r.add_argument("--readers", type=int, default=4)
    a = ap.parse_args()
    kill(a) if a.trial == "kill" else readers(a)


if __name__ == "__main__":
    main()
