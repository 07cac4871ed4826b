"""Classifier throughput and memory, by hand: ``python benchmarks/classify_speed.py [FOLDER] [--repeat N]``.

Measures (1) the pure pipeline in one process, (2) ``feedback parse --format
jsonl`` end to end with 1 and with all workers, and (3) peak RSS. FOLDER
defaults to our fixtures; point it at a larger corpus for steadier numbers.
Results go to docs/benchmarks.md by hand, with the machine and date.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from feedback.models import RawMessage  # noqa: E402
from feedback.pipeline import classify  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", nargs="?", default=str(ROOT / "fixtures" / "messages"))
    ap.add_argument("--repeat", type=int, default=10)
    a = ap.parse_args()
    files = sorted(p for p in Path(a.folder).iterdir() if p.suffix == ".eml")
    data = [p.read_bytes() for p in files]
    n = len(data) * a.repeat
    print(f"machine: {platform.machine()} {os.cpu_count()} cpu, Python {platform.python_version()}")
    print(f"messages: {len(data)} x {a.repeat} = {n}, {sum(map(len, data)) * a.repeat / 1e6:.1f} MB")

    t0 = time.perf_counter()
    events = 0
    for _ in range(a.repeat):
        for d, p in zip(data, files, strict=True):
            events += len(classify(RawMessage(data=d, source=str(p))))
    dt = time.perf_counter() - t0
    print(f"pipeline, one process: {n / dt:,.0f} msgs/s ({dt / n * 1e6:.0f} us/msg), {events} events")

    tmp = Path(tempfile.mkdtemp(prefix="feedback-bench-"))
    try:
        for k in range(a.repeat):
            for p in files:
                shutil.copyfile(p, tmp / f"r{k:03d}-{p.name}")
        exe = Path(sys.executable).parent / "feedback"
        for workers in ("1", str(os.cpu_count() or 1)):
            t0 = time.perf_counter()
            subprocess.run(
                [str(exe), "parse", "--format", "jsonl", "--workers", workers, str(tmp)],
                stdout=subprocess.DEVNULL,
                check=True,
            )
            dt = time.perf_counter() - t0
            print(f"feedback parse --workers {workers}: {n / dt:,.0f} msgs/s wall")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
