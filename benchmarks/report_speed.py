"""How long `feedback report` takes on a large database, by hand:

    python benchmarks/report_speed.py [--events 100000] [--repeat 3]

Writes the browser test's story (tests/reportdata.py: four identities, eight
weeks, sends, deliveries, a block and a jump) scaled to about ``--events``
events through the real store, then times (1) the query layer and the
rendering in this process and (2) `feedback report` end to end in a new
process, best of ``--repeat``. Results go to docs/benchmarks.md by hand.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from feedback import report  # noqa: E402
from tests import reportdata  # noqa: E402

END = "2026-11-27"
DAYS = 56


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="report-speed-"))
    try:
        db = tmp / "big.db"
        # The story at scale 1 has about 102 events a day over these DAYS.
        scale = a.events / (102 * DAYS)
        t = time.perf_counter()
        story = reportdata.build(str(db), END, days=DAYS, scale=scale)
        with sqlite3.connect(db) as conn:
            n_events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
            n_kinds = dict(conn.execute("SELECT kind, count(*) FROM events GROUP BY kind").fetchall())
        print(f"database: {n_events} events {n_kinds} over {DAYS} days, written in {time.perf_counter() - t:.1f} s")
        print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
        assert story.events == n_events

        in_process = []
        for _ in range(a.repeat):
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
                t0 = time.perf_counter()
                start, end = report.period(conn)
                data = report.gather(conn, start, end)
                t1 = time.perf_counter()
                page = report.render(data)
                t2 = time.perf_counter()
            in_process.append((t2 - t0, t1 - t0, t2 - t1))
        best = min(in_process)
        print(f"in process: {best[0]:.2f} s (queries {best[1]:.2f} s, rendering {best[2]:.2f} s), {len(page)} bytes")

        exe = shutil.which("feedback", path=str(Path(sys.executable).parent)) or "feedback"
        out = tmp / "report.html"
        cli = []
        for _ in range(a.repeat):
            t0 = time.perf_counter()
            subprocess.run([exe, "--db", str(db), "report", "--out", str(out)], check=True, capture_output=True)
            cli.append(time.perf_counter() - t0)
        print(f"feedback report, end to end: {min(cli):.2f} s (runs: {', '.join(f'{x:.2f}' for x in cli)})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
