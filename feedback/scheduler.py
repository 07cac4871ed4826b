"""`feedback run`: a thin APScheduler wrapper around the same poll as `feedback poll`.

One job per account on the configured interval or cron expression, the first
at start-up; ``max_instances=1`` and ``coalesce=True`` so a slow poll never
piles up; jobs run one at a time (one SQLite writer). New mail that IDLE
announces while the account's poll runs makes it poll once more right after
(announcements coalesce), instead of waiting for the next scheduled run. SIGTERM/SIGINT end the
batch in hand (committed and moved), log out and exit 0. An account that
fails is logged and tried again on its next tick: the service itself never
dies of it.
"""

from __future__ import annotations

import datetime
import logging
import signal
import threading
from types import FrameType
from typing import Any

from .config import Account, Config
from .lock import PollLock

log = logging.getLogger("feedback")

# A job may start this late (a busy machine, a long poll before it) and still run.
MISFIRE_GRACE = 60
STOP_WITHIN = 9.0
# Each IDLE lasts at most this long and is then re-issued: far inside RFC 2177's
# 30 minutes, and short enough to notice a stop signal and log out in time.
IDLE_SLICE = 4.0


def trigger(cfg: Config) -> Any:
    """The APScheduler trigger for the config's [schedule]."""
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    if cfg.schedule_cron:
        return CronTrigger.from_crontab(cfg.schedule_cron, timezone=datetime.UTC)
    return IntervalTrigger(seconds=cfg.schedule_interval or 300, timezone=datetime.UTC)


def next_run(cfg: Config, last_start: str | None) -> str:
    """When the schedule next fires (for `feedback status`)."""
    now = datetime.datetime.now(datetime.UTC)
    if cfg.schedule_cron:
        t = trigger(cfg).get_next_fire_time(None, now)
    elif last_start:
        t = datetime.datetime.strptime(last_start, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.UTC)
        t += datetime.timedelta(seconds=cfg.schedule_interval or 300)
        t = max(t, now)
    else:
        t = now
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class Service:
    """The long-running poller."""

    def __init__(self, cfg: Config, database: str, workers: int | None = None) -> None:
        self.cfg = cfg
        self.database = database
        self.workers = workers
        self.stopping = threading.Event()
        self._busy = threading.Lock()
        self._scheduler: Any = None
        self._state = threading.Lock()
        self._running: set[str] = set()  # accounts whose poll runs now
        self._again: set[str] = set()  # ... and that were announced new mail meanwhile

    def run(self) -> int:
        """Poll until SIGTERM/SIGINT; returns the exit code (0)."""
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.blocking import BlockingScheduler

        with PollLock(self.database):
            self._scheduler = BlockingScheduler(
                timezone=datetime.UTC,
                executors={"default": ThreadPoolExecutor(1)},
                job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE},
            )
            start = datetime.datetime.now(datetime.UTC)
            for account in self.cfg.accounts:
                self._scheduler.add_job(
                    self.tick, trigger(self.cfg), args=[account], id=account.name, name=account.name,
                    next_run_time=start,
                )  # fmt: skip
            watchers = [
                threading.Thread(target=self.watch, args=[a], name=f"idle-{a.name}", daemon=True)
                for a in self.cfg.accounts
                if a.idle and not a.is_local
            ]
            for w in watchers:
                w.start()
            previous = {s: signal.signal(s, self._on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
            every = self.cfg.schedule_cron or f"{self.cfg.schedule_interval}s"
            log.info("feedback run: %d account(s), every %s", len(self.cfg.accounts), every)
            try:
                self._scheduler.start()
            finally:
                for s, h in previous.items():
                    signal.signal(s, h)
            # The job in hand stops after its batch; wait for it to commit and log out.
            if self._busy.acquire(timeout=STOP_WITHIN):
                self._busy.release()
            for w in watchers:
                w.join(IDLE_SLICE + 1)
            log.info("feedback run: stopped")
        return 0

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        log.info("feedback run: %s, finishing the batch in hand", signal.Signals(signum).name)
        self.stopping.set()
        # Not from inside the handler: the main thread may hold the scheduler's lock.
        threading.Thread(target=self._scheduler.shutdown, kwargs={"wait": False}, daemon=True).start()

    def watch(self, account: Account) -> None:
        """IMAP IDLE between ticks: new mail makes the account's poll run now."""
        from .sources.imap import Mailbox, MailboxAuthError, MailboxError

        delay = 1.0
        while not self.stopping.is_set():
            try:
                mb = Mailbox(account)
            except (MailboxError, MailboxAuthError) as exc:
                log.warning("%s: IDLE connection: %s", account.name, exc)
                self.stopping.wait(delay)
                delay = min(delay * 2, 300)
                continue
            try:
                if not mb.can_idle:
                    log.warning("%s: the server does not offer IDLE; polling on the schedule only", account.name)
                    return
                mb.select(account.folder)
                delay = 1.0
                while not self.stopping.is_set():
                    if mb.idle_wait(IDLE_SLICE) and not self.stopping.is_set():
                        log.debug("%s: new mail announced", account.name)
                        self.announce(account)
            except MailboxError as exc:
                log.warning("%s: %s; reconnecting", account.name, exc)
                self.stopping.wait(delay)
                delay = min(delay * 2, 300)
            finally:
                mb.logout()

    def announce(self, account: Account) -> None:
        """New mail: poll the account now, or once more right after its running poll."""
        with self._state:
            if account.name in self._running:
                self._again.add(account.name)
                return
        self._scheduler.modify_job(account.name, next_run_time=datetime.datetime.now(datetime.UTC))

    def tick(self, account: Account) -> None:
        """One account's poll (again while new mail was announced meanwhile); logs and swallows every failure."""
        with self._busy:
            with self._state:
                self._running.add(account.name)
            try:
                while not self.stopping.is_set():
                    with self._state:
                        self._again.discard(account.name)
                    self._poll(account)
                    with self._state:
                        if account.name not in self._again:
                            break
                    log.debug("%s: new mail came during the poll; polling again", account.name)
            finally:
                with self._state:
                    self._running.discard(account.name)

    def _poll(self, account: Account) -> None:
        from .service import poll_account
        from .store import Store, StoreError

        try:
            store = Store(self.database, keep_raw=self.cfg.keep_raw, policy=self.cfg.policy)
        except StoreError as exc:
            log.error("%s: %s", account.name, exc)
            return
        try:
            run_id = store.start_run("run", account.name)
            r = poll_account(
                store, self.cfg, account, workers=self.workers, echo=lambda m: log.info("%s", m),
                should_stop=self.stopping.is_set,
            )  # fmt: skip
            store.finish_run(run_id, messages=r.messages, events=r.events, errors=int(r.failed), error=r.error)
            if r.failed:
                log.error("%s", r.error, extra={"account": account.name})
            else:
                log.info(
                    "%s: %d read, %d new, %d new events, %d moved",
                    account.name, r.seen, r.messages, r.events, r.moved,
                    extra={"account": account.name, "messages": r.messages, "events": r.events},
                )  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - the service never dies of one account
            log.error("%s: %s: %s", account.name, type(exc).__name__, exc)
        finally:
            store.close()
