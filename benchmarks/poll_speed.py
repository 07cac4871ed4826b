"""Polling against a local Dovecot, by hand (as root, with dovecot-imapd installed):

    python benchmarks/poll_speed.py --messages 10000 [--idle 100000]

Measures, on the same N messages: `feedback parse` of the files, `feedback poll` of the
mailbox (fetch, classify, store, move), peak memory of the poll process, and the time of an
idle poll (nothing new) on a folder of --idle messages. Results go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.dovecot import PASSWORD, start_dovecot  # noqa: E402

EXE = Path(sys.executable).parent / "feedback"


def corpus() -> list[bytes]:
    shared = ROOT.parent / "shared" / "corpus" / "sisimai"
    folder = shared if shared.is_dir() else ROOT / "fixtures" / "messages"
    return [p.read_bytes() for p in sorted(folder.glob("*.eml"))]


def messages(n: int) -> list[bytes]:
    base = corpus()
    return [b"X-Bench-Seq: %d\n" % i + base[i % len(base)] for i in range(n)]


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """(wall seconds, peak RSS in MB, stdout) of a command."""
    t0 = time.perf_counter()
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], env=env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    rss = int(out.stderr.strip().splitlines()[-1]) // 1024
    return wall, rss, out.stdout


def config(tmp: Path, port: int, cert: Path, user: str, processed: str) -> Path:
    cfg = tmp / f"{user}.toml"
    cfg.write_text(
        f'database = "{tmp / (user + ".db")}"\n[policy]\ntrust = "any"\n[[accounts]]\nname = "bench"\n'
        f'host = "127.0.0.1"\nport = {port}\nca_file = "{cert}"\nusername = "{user}"\n'
        f'password_env = "BENCH_PASSWORD"\nprocessed_folder = "{processed}"\n'
    )
    return cfg


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=10000)
    ap.add_argument("--idle", type=int, default=0, help="also time an idle poll of a folder this big")
    a = ap.parse_args()
    env = {**os.environ, "BENCH_PASSWORD": PASSWORD}
    print(f"machine: {platform.machine()} {os.cpu_count()} cpu, Python {platform.python_version()}")
    server = start_dovecot()
    tmp = Path(tempfile.mkdtemp(prefix="poll-bench-"))
    try:
        msgs = messages(a.messages)
        files = tmp / "files"
        files.mkdir()
        for i, m in enumerate(msgs):
            (files / f"{i:06d}.eml").write_bytes(m)
        wall, rss, _ = timed([str(EXE), "parse", "--format", "jsonl", str(files)], env)
        print(f"parse {a.messages}: {a.messages / wall:,.0f} msgs/s, peak RSS {rss} MB")

        server.deliver("busy", msgs)
        cfg = config(tmp, server.imaps_port, server.cert, "busy", "Feedback/Processed")
        wall, rss, out = timed([str(EXE), "--config", str(cfg), "poll"], env)
        print(f"poll {a.messages}: {a.messages / wall:,.0f} msgs/s, peak RSS {rss} MB ({out.strip()})")
        wall, rss, _ = timed([str(EXE), "--config", str(cfg), "poll"], env)
        print(f"idle poll after that: {wall * 1000:.0f} ms, peak RSS {rss} MB")

        if a.idle:
            server.deliver("idle", messages(a.idle))
            cfg = config(tmp, server.imaps_port, server.cert, "idle", "")
            wall, rss, _ = timed([str(EXE), "--config", str(cfg), "poll"], env)
            print(f"poll {a.idle} (nothing moved): {a.idle / wall:,.0f} msgs/s, peak RSS {rss} MB")
            walls = []
            for _ in range(5):
                walls.append(timed([str(EXE), "--config", str(cfg), "poll"], env)[0])
            t0 = time.perf_counter()
            subprocess.run([str(EXE), "--version"], check=True, capture_output=True)
            startup = time.perf_counter() - t0
            print(
                f"idle poll of a {a.idle}-message folder: best {min(walls) * 1000:.0f} ms "
                f"(of which interpreter start-up {startup * 1000:.0f} ms)"
            )
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(server.root, ignore_errors=True)


if __name__ == "__main__":
    main()
