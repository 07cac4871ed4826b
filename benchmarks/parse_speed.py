"""Single-process speed of ``feedback parse``, by hand, optionally beside another revision.

    python benchmarks/parse_speed.py FOLDER [--copies 5] [--runs 7] [--ref main]

FOLDER's .eml files are copied ``--copies`` times into a temporary folder;
``feedback parse --format jsonl --workers 1`` then reads it ``--runs`` times
(start-up included) and the median wall and CPU seconds are printed. With
``--ref``, that revision is checked out into a temporary git worktree and run
in turn with this one (interleaved: a shared machine's load hits both alike),
and the two outputs must be byte-identical. Results go to docs/benchmarks.md
by hand, with the machine and the date; tests never assert timings.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(code: Path, folder: Path) -> tuple[float, float, bytes]:
    """(wall seconds, CPU seconds, output) of one ``feedback parse`` with the package at ``code``."""
    env = dict(os.environ, PYTHONPATH=str(code))
    cmd = [sys.executable, "-m", "feedback.cli", "parse", "--format", "jsonl", "--workers", "1", str(folder)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run(cmd, env=env, cwd=tempfile.gettempdir(), capture_output=True, check=True).stdout
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--copies", type=int, default=5)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--ref", help="a git revision to compare with (checked out in a temporary worktree)")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="feedback-speed-"))
    try:
        folder = tmp / "mail"
        folder.mkdir()
        files = sorted(p for p in Path(a.folder).iterdir() if p.suffix == ".eml")
        for k in range(a.copies):
            for p in files:
                shutil.copyfile(p, folder / f"{k}-{p.name}")
        codes = {"this": ROOT}
        if a.ref:
            other = tmp / "ref"
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(other), a.ref], check=True)
            codes = {a.ref: other, "this": ROOT}
        n = len(files) * a.copies
        print(f"{n} messages ({len(files)} x {a.copies}), {a.runs} runs each, Python {sys.version.split()[0]}")
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in codes}
        outputs: dict[str, bytes] = {}
        for _ in range(a.runs):
            for name, code in codes.items():
                wall, cpu, out = run(code, folder)
                times[name].append((wall, cpu))
                outputs[name] = out
        for name, t in times.items():
            wall = statistics.median(w for w, _ in t)
            cpu = statistics.median(c for _, c in t)
            print(f"{name:>12}: median {wall:.2f} s wall, {cpu:.2f} s CPU ({cpu / n * 1e6:.0f} us a message)")
        if a.ref:
            # The machine's speed drifts between runs: the ratio within each
            # interleaved pair is steadier than the ratio of the medians.
            ratios = [r[0] / t[0] for r, t in zip(times[a.ref], times["this"], strict=True)]
            print(f"wall {a.ref} / this, per pair: median {statistics.median(ratios):.2f}x")
            same = outputs[a.ref] == outputs["this"]
            print(f"output identical to {a.ref}: {same}")
            if not same:
                sys.exit(1)
    finally:
        if a.ref:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tmp / "ref")], check=False)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
