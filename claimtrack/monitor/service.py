"""The long-running monitor: the pass of ``claimtrack.monitor.passes`` wired to APScheduler 3.

Three jobs share one worker thread, so passes never overlap:
- ``sweep`` every ``sweep_interval`` seconds, and once at start (the catch-up);
- ``wakeup``, one shot at the next known reminder, deadline or retry, re-armed after every
  pass, so a deadline is flagged within a second of passing rather than at the next sweep;
- ``digest`` on the configured crontab, the whole report to every channel.

The job store is APScheduler's memory store: the jobs are derived from the configuration
and the database at start, so nothing is pickled and a restart loses nothing.

SIGTERM and Ctrl-C stop the scheduler, let the pass under way finish (its transactions
commit or roll back whole either way), and exit 0.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import SQLAlchemyError

from claimtrack.config import Config
from claimtrack.errors import ClaimtrackError
from claimtrack.monitor import passes
from claimtrack.monitor.channels import Sender
from claimtrack.records.store import Database

log = logging.getLogger("claimtrack.monitor")


def wall_clock() -> datetime:
    return datetime.now(UTC)


def make_scheduler(config: Config, kind: type[BaseScheduler] = BlockingScheduler) -> BaseScheduler:
    return kind(
        timezone=config.tz,
        jobstores={"default": MemoryJobStore()},
        executors={"default": ThreadPoolExecutor(max_workers=1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )


HEARTBEAT = timedelta(hours=1)


class _Stop(Exception):
    """Raised in the main thread by the signal handler to leave the scheduler's loop."""


class Monitor:
    """The monitor process: jobs, passes, and a clean stop."""

    def __init__(
        self,
        db: Database,
        config: Config,
        senders: Sequence[Sender],
        scheduler: BaseScheduler | None = None,
        clock: Callable[[], datetime] = wall_clock,
        after_pass: Callable[[datetime], str | None] | None = None,
    ) -> None:
        self.db = db
        self.after_pass = after_pass  # e.g. publish the static site; says what it did
        self.config = config
        self.senders = list(senders)
        self.scheduler = scheduler or make_scheduler(config)
        self.clock = clock
        self.stopping = threading.Event()
        self._pass = threading.Lock()  # held while a pass runs; the stop waits on it
        self._heard: datetime | None = None  # the last idle pass logged at INFO

    def install(self) -> None:
        """The sweep (first run now: the catch-up) and the digest."""
        self.scheduler.add_job(
            self.sweep,
            IntervalTrigger(seconds=self.config.sweep_interval, timezone=self.config.tz),
            id="sweep",
            next_run_time=self.clock(),
        )
        if self.config.digest:
            # The first digest follows the monitor's clock, not APScheduler's own "now".
            trigger = CronTrigger.from_crontab(self.config.digest, timezone=self.config.tz)
            self.scheduler.add_job(
                self.digest,
                trigger,
                id="digest",
                next_run_time=trigger.get_next_fire_time(None, self.clock()),
            )

    def sweep(self) -> passes.PassResult | None:
        return self.run_once(self.clock())

    def run_once(self, now: datetime) -> passes.PassResult | None:
        """One pass at ``now``; logs one line; re-arms the wake-up. Never raises: a database
        outage is logged and the next sweep tries again."""
        if self.stopping.is_set():
            return None
        with self._pass:
            try:
                result = passes.run_pass(self.db, self.config, now, self.senders)
            except (ClaimtrackError, SQLAlchemyError) as error:
                log.error("pass as of %s failed: %s", now.isoformat(), _one_line(error))
                return None
            self._log(result, now)
            for name, error in result.delivery.errors.items():
                log.warning("delivery to channel %s failed: %s", name, error)
            self._after(now)
            if not self.stopping.is_set():
                self.arm(result.next_wakeup)
            return result

    def _after(self, now: datetime) -> None:
        """What runs after each pass (the static publish): its failure is logged, and the
        monitor goes on."""
        if self.after_pass is None:
            return
        try:
            said = self.after_pass(now)
        except (ClaimtrackError, SQLAlchemyError, OSError) as error:
            log.error("after the pass as of %s: %s", now.isoformat(), _one_line(error))
            return
        if said:
            log.info(said)

    def _log(self, result: passes.PassResult, now: datetime) -> None:
        """A pass that did something is logged at INFO; an idle one at DEBUG, bar one
        heartbeat an hour, so that a quiet log still shows the monitor is alive."""
        delivery = result.delivery
        idle = not (result.flagged or delivery.delivered or delivery.failed or delivery.errors)
        if not idle:
            log.info(result.summary())
        elif self._heard is None or now - self._heard >= HEARTBEAT:
            self._heard = now
            log.info("%s (idle; the next idle pass logged at INFO in an hour)", result.summary())
        else:
            log.debug(result.summary())

    def arm(self, when: datetime | None) -> None:
        """Set the one-shot wake-up for ``when`` (at once if it is already past)."""
        if when is None:
            if self.scheduler.get_job("wakeup"):
                self.scheduler.remove_job("wakeup")
            return
        self.scheduler.add_job(
            self.sweep,
            DateTrigger(run_date=max(when, self.clock()), timezone=UTC),
            id="wakeup",
            replace_existing=True,
        )

    def digest(self) -> None:
        if self.stopping.is_set():
            return
        now = self.clock()
        with self._pass:
            try:
                errors = passes.send_digest(self.db, self.config, now, self.senders)
            except (ClaimtrackError, SQLAlchemyError) as error:
                log.error("digest as of %s failed: %s", now.isoformat(), _one_line(error))
                return
        sent = [s.name for s in self.senders if s.name not in errors]
        failed = "; ".join(f"{name}: {error}" for name, error in errors.items())
        log.info(
            "digest as of %s: sent to %s%s",
            now.isoformat(),
            ", ".join(sent) or "no channel",
            f"; failed {failed}" if failed else "",
        )

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        if self.stopping.is_set():
            log.info("still finishing the pass under way")
            return
        log.info("%s received: finishing the pass under way, then stopping", _signame(signum))
        self.stopping.set()
        raise _Stop

    def run(self) -> int:
        """Run until SIGTERM or Ctrl-C; the pass under way finishes; returns the exit code 0."""
        previous = {
            signum: signal.signal(signum, self._on_signal)
            for signum in (signal.SIGTERM, signal.SIGINT)
        }
        log.info(
            "monitor started on %s: sweep every %gs, reminders %s days before, digest %s, "
            "channels %s",
            self.db.url.split("@")[-1],
            self.config.sweep_interval,
            "/".join(str(d) for d in self.config.reminders) or "none",
            f"'{self.config.digest}'" if self.config.digest else "off",
            ", ".join(s.name for s in self.senders),
        )
        try:
            self.install()
            self.scheduler.start()
        except _Stop:
            pass
        finally:
            self.stopping.set()
            with self._pass:  # the pass under way, if any, ends here
                pass
            if self.scheduler.running:
                self.scheduler.shutdown(wait=False)
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        log.info("monitor stopped")
        return 0


def _signame(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def _one_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def configure_logging(level: int = logging.INFO) -> None:
    """One line per event on stderr; APScheduler's own chatter only when it matters."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger("claimtrack")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def run(db: Database, config: Config, senders: Sequence[Sender], **kwargs: Any) -> int:
    configure_logging()
    return Monitor(db, config, senders, **kwargs).run()
