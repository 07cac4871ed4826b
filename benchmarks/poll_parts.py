"""What each part of a poll costs, by hand (as root, with dovecot-imapd installed):

    python benchmarks/poll_parts.py [--messages 10000]

Polls the same messages four times against a local Dovecot, in this process
(``service.poll_account``): as is, with storing switched off, with moving
switched off, and with both off (fetch and classify only). Prints messages per
second and the CPU of this process and of its workers. Results go to
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.poll_speed import config, messages  # noqa: E402
from feedback import service  # noqa: E402
from feedback.config import load  # noqa: E402
from feedback.store import BatchResult, Store  # noqa: E402
from tests.dovecot import PASSWORD, start_dovecot  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=10000)
    a = ap.parse_args()
    os.environ["BENCH_PASSWORD"] = PASSWORD
    server = start_dovecot()
    tmp = Path(tempfile.mkdtemp(prefix="poll-parts-"))
    real_add, real_moves = Store.add_batch, service._do_moves
    try:
        msgs = messages(a.messages)
        for label, store_on, move_on in (
            ("everything", True, True),
            ("storing off", False, True),
            ("moving off", True, False),
            ("fetch and classify only", False, False),
        ):
            Store.add_batch = real_add if store_on else (lambda self, items, **k: (list(items), BatchResult())[1])  # type: ignore[method-assign]
            service._do_moves = real_moves if move_on else (lambda *args, **kw: None)  # type: ignore[assignment]
            user = "p" + label.split()[0]
            server.deliver(user, msgs)
            cfg = load(str(config(tmp, server.imaps_port, server.cert, user, "Feedback/Processed")))
            store = Store(cfg.database, policy=cfg.policy)
            before = os.times()
            t0 = time.perf_counter()
            r = service.poll_account(store, cfg, cfg.accounts[0], echo=lambda s: None)
            wall = time.perf_counter() - t0
            after = os.times()
            main_cpu = (after.user + after.system) - (before.user + before.system)
            workers = (after.children_user + after.children_system) - (before.children_user + before.children_system)
            print(f"{label}: {r.seen / wall:,.0f} msgs/s, CPU main {main_cpu:.2f} s, workers {workers:.2f} s")
    finally:
        Store.add_batch, service._do_moves = real_add, real_moves  # type: ignore[method-assign, assignment]
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(server.root, ignore_errors=True)


if __name__ == "__main__":
    main()
