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
