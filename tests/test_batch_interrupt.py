"""A signal that lands while the classifier's consumer holds its lock must not hang the pool's shutdown.

SIGTERM and Ctrl-C raise in the main thread between two bytecodes: right after a
lock's acquire and before its ``with`` block, the lock is never released. The
pool's feeder thread then waited on it for ever, and closing the pool joins that
thread: ``reprocess`` hung after SIGTERM (seen in the kill trials).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from .conftest import MESSAGES

SCRIPT = textwrap.dedent(
    """
    import threading, types
    from feedback import batch
    from feedback.models import RawMessage
    from feedback.pipeline import ClassifierConfig

    data = open(%r, "rb").read()
    raws = (RawMessage(data=data + str(i).encode(), source=str(i)) for i in range(100000))
    leaked = []

    class LeftHeld(threading.Condition):
        def __exit__(self, *a):
            if not leaked and threading.current_thread() is threading.main_thread():
                leaked.append(1)
                raise KeyboardInterrupt  # the signal, just before the release
            return super().__exit__(*a)

    batch.threading = types.SimpleNamespace(
        Condition=LeftHeld, Semaphore=threading.Semaphore, Event=threading.Event
    )
    try:
        for _ in batch.classify_many(raws, ClassifierConfig(), 2):
            pass
    except KeyboardInterrupt:
        print("interrupted, pool closed")
    """
)


def test_interrupt_with_the_lock_held_still_closes_the_pool() -> None:
    p = subprocess.run(
        [sys.executable, "-c", SCRIPT % str(MESSAGES / "qmail-userunknown.eml")],
        capture_output=True,
        timeout=60,
    )
    assert p.returncode == 0, p.stderr.decode()[-2000:]
    assert b"interrupted, pool closed" in p.stdout
