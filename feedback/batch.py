"""Classify many messages, on every core when there are enough of them.

Parsing MIME in Python is CPU-bound and the GIL keeps it on one core; worker
processes are what scales it. Order is preserved, so output is the same as a
serial run.
"""

from __future__ import annotations

import collections
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .models import DEFAULT_CONFIG, OTHER, ClassifierConfig, Event, FileRef, RawMessage, compress

# Below this many messages a pool costs more to start than it saves.
PARALLEL_THRESHOLD = 256
CHUNK = 32
# Messages handed to the workers and not yet given back (memory bound), and
# the bytes they may hold in this process.
MAX_IN_FLIGHT = 1024
MAX_BYTES_IN_FLIGHT = 64 * 1024 * 1024

_config: ClassifierConfig = DEFAULT_CONFIG
_render: Callable[[list[Event]], Any] | None = None


def _init(config: ClassifierConfig, render: Callable[[list[Event]], Any] | None) -> None:
    global _config, _render
    _config = config
    _render = render
    # A forked worker inherits the parent's SIGTERM handler (reprocess and run turn SIGTERM into
    # a clean stop); the pool ends its workers with SIGTERM, which must simply end them.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()


def _die_with_parent() -> None:
    """Linux: end this worker when its parent dies (kill -9 of a poll leaves no orphans)."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _work(item: RawMessage | FileRef) -> Any:
    events = classify_item(item, _config)
    return _render(events) if _render is not None else events


def _work_compress(raw: RawMessage) -> tuple[list[Event], bytes]:
    """Events plus the compressed bytes for storage: compression is CPU work too."""
    return classify(raw, _config), compress(raw.data)


def classify(raw: RawMessage, config: ClassifierConfig = DEFAULT_CONFIG) -> list[Event]:
    """The pipeline, imported on first use: an idle poll never loads the detectors."""
    from .pipeline import classify as _classify

    return _classify(raw, config)


def classify_item(item: RawMessage | FileRef, config: ClassifierConfig = DEFAULT_CONFIG) -> list[Event]:
    """Classify a message, reading it first when it is a FileRef."""
    if isinstance(item, FileRef):
        try:
            raw = item.load()
        except OSError as exc:
            return [Event(kind=OTHER, source=item.path, error=f"cannot read: {exc.strerror}")]
        return classify(raw, config)
    return classify(item, config)


def _mp_context() -> Any:
    """fork where there is one. multiprocessing is imported here: a serial run never needs it."""
    import multiprocessing

    return multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")


def default_workers() -> int:
    """One worker per usable core."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def classify_many(
    raws: Iterable[RawMessage | FileRef],
    config: ClassifierConfig = DEFAULT_CONFIG,
    workers: int | None = None,
    render: Callable[[list[Event]], Any] | None = None,
) -> Iterator[Any]:
    """Events of each message (or ``render(events)``, done in the worker), in input order."""
    workers = default_workers() if workers is None else workers

    def serial(items: Iterable[RawMessage | FileRef]) -> Iterator[Any]:
        for raw in items:
            events = classify_item(raw, config)
            yield render(events) if render is not None else events

    it = iter(raws)
    if workers <= 1:
        yield from serial(it)
        return
    head: list[RawMessage | FileRef] = []
    weight = 0
    for item in it:
        head.append(item)
        weight += _weight(item)
        if len(head) >= PARALLEL_THRESHOLD or weight > MAX_BYTES_IN_FLIGHT:
            break
    else:
        # A short run: starting a pool would cost more than it saves.
        yield from serial(head)
        return
    ctx = _mp_context()
    # Pool.imap reads its input as fast as it can: slots taken per message sent
    # and given back per result, by count and by bytes held, keep memory flat on
    # any mailbox, whatever its messages weigh.
    slots = threading.Semaphore(MAX_IN_FLIGHT)
    held = threading.Condition()
    weights: collections.deque[int] = collections.deque()
    in_flight = [0]
    # Set when the consumer stops early (`feedback parse | head`): the pool's
    # feeder thread must not wait for slots that will never come back, or
    # closing the pool (which joins that thread) would hang.
    stopped = threading.Event()

    def bounded() -> Iterator[RawMessage | FileRef]:
        for n, item in enumerate(_chain(head, it)):
            while not slots.acquire(timeout=0.1):
                if stopped.is_set():
                    return
            w = _weight(item)
            # Never a blocking acquire: a signal (SIGTERM, Ctrl-C) that raises in
            # the consumer between its lock's acquire and its `with` block leaves
            # the lock held for good, and closing the pool joins this thread.
            while not held.acquire(timeout=0.1):
                if stopped.is_set():
                    return
            try:
                # Wait only between chunks: the pool sends a chunk once it has
                # all CHUNK items, so waiting inside one would wait for itself.
                while (
                    n % CHUNK == 0 and in_flight[0] and in_flight[0] + w > MAX_BYTES_IN_FLIGHT and not stopped.is_set()
                ):
                    held.wait(0.1)
                in_flight[0] += w
            finally:
                held.release()
            if stopped.is_set():
                return
            weights.append(w)
            yield item

    with ctx.Pool(workers, initializer=_init, initargs=(config, render)) as pool:
        try:
            for result in pool.imap(_work, bounded(), chunksize=CHUNK):
                slots.release()
                with held:
                    in_flight[0] -= weights.popleft()
                    held.notify_all()
                yield result
        finally:
            stopped.set()


def _weight(item: RawMessage | FileRef) -> int:
    """Bytes an item holds in this process (a FileRef is read by the worker)."""
    return len(item.data) if isinstance(item, RawMessage) else 0


def _chain(head: list[RawMessage | FileRef], rest: Iterator[RawMessage | FileRef]) -> Iterator[RawMessage | FileRef]:
    yield from head
    yield from rest


class Classifier:
    """A pool kept for a whole run (polling classifies batch after batch).

    ``submit`` starts a batch in the workers and returns at once, so the
    caller can fetch the next batch from the server meanwhile; ``result``
    waits for it. With one worker everything runs here, in order.
    """

    def __init__(self, config: ClassifierConfig = DEFAULT_CONFIG, workers: int | None = None) -> None:
        self.config = config
        self.workers = default_workers() if workers is None else workers
        self._pool: Any = None

    def __enter__(self) -> Classifier:
        return self

    def _ensure_pool(self) -> Any:
        # Started on the first batch worth it: an idle poll forks nothing.
        if self._pool is None:
            ctx = _mp_context()
            self._pool = ctx.Pool(self.workers, initializer=_init, initargs=(self.config, None))
        return self._pool

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def submit(self, raws: list[RawMessage]) -> Any:
        """Start classifying (and compressing for storage); pass the handle to ``result``."""
        if self.workers > 1 and len(raws) >= 16:
            pool = self._ensure_pool()
            return pool.map_async(_work_compress, raws, chunksize=max(1, len(raws) // (self.workers * 4)))
        return [(classify(r, self.config), None) for r in raws]

    @staticmethod
    def result(handle: Any) -> list[tuple[list[Event], bytes | None]]:
        """(events, compressed bytes or None) of a submitted batch, in order."""
        return list(handle.get()) if hasattr(handle, "get") else list(handle)
