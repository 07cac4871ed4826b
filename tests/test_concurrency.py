"""Apps read while a large import writes: nobody sees "database is locked"."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path
from typing import Any

import feedback
from feedback.models import RawMessage
from feedback.pipeline import classify
from feedback.store import Store

from .conftest import MESSAGES


def _reader(db: str, done: Any, out: Any) -> None:
    queries = locked = 0
    while not done.is_set():
        try:
            feedback.is_suppressed(db, "ghost1@example.net")
            feedback.query(db, "SELECT count(*) AS n FROM events")
            queries += 2
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            locked += 1
    out.put((queries, locked))


def test_readers_never_see_locked_during_a_large_import(tmp_path: Path) -> None:
    db = str(tmp_path / "f.db")
    store = Store(db)
    template = (MESSAGES / "postfix-multi-recipient.eml").read_bytes()
    batches = []
    for b in range(8):
        batch = []
        for i in range(400):
            n = b * 400 + i
            data = template.replace(b"ghost@example.net", b"ghost%d@example.net" % n).replace(b"big@", b"big%d@" % n)
            raw = RawMessage(data=data, source=f"m{n}")
            batch.append((raw, classify(raw)))
        batches.append(batch)
    ctx = multiprocessing.get_context("fork")
    done = ctx.Event()
    out = ctx.Queue()
    readers = [ctx.Process(target=_reader, args=(db, done, out)) for _ in range(3)]
    for r in readers:
        r.start()
    try:
        for batch in batches:
            store.add_batch(batch)
    finally:
        done.set()
    results = [out.get(timeout=60) for _ in readers]
    for r in readers:
        r.join(10)
    assert sum(q for q, _ in results) > 0, "the readers ran"
    assert sum(lk for _, lk in results) == 0
    assert store.counts()["events"] == 3200 * 3
    assert feedback.is_suppressed(db, "ghost1@example.net")


def test_classify_many_keeps_order_within_a_byte_bound(monkeypatch) -> None:
    """Far more bytes than the bound allow in flight: every result comes, in order."""
    from feedback import batch

    monkeypatch.setattr(batch, "MAX_BYTES_IN_FLIGHT", 3 * 4096)
    base = (MESSAGES / "qmail-userunknown.eml").read_bytes()
    raws = [RawMessage(data=b"X-Seq: %d\n" % i + base + b"x" * 4096, source=str(i)) for i in range(300)]
    out = list(batch.classify_many(raws, workers=2))
    assert [evs[0].source for evs in out] == [str(i) for i in range(300)]
    assert all(evs[0].reason == "userunknown" for evs in out)


def test_parse_piped_into_head_exits(tmp_path: Path) -> None:
    """The reader stops after one line: the pool's feeder must not wait forever for slots."""
    import subprocess
    import sys

    from feedback import batch

    data = (MESSAGES / "qmail-userunknown.eml").read_bytes()
    for i in range(batch.MAX_IN_FLIGHT + 400):
        (tmp_path / f"{i:05d}.eml").write_bytes(b"X-Seq: %d\n" % i + data)
    exe = Path(sys.executable).parent / "feedback"
    p = subprocess.Popen([str(exe), "parse", "--format", "jsonl", str(tmp_path)], stdout=subprocess.PIPE)
    assert p.stdout is not None
    assert p.stdout.readline().startswith(b"{")
    p.stdout.close()
    try:
        p.wait(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        raise AssertionError("feedback parse kept running after its reader went away") from None
