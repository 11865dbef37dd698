"""The scheduler: decides when the monthly statement run and the daily dunning run start; the
Dramatiq workers do them (``run_statements`` / ``run_dunning`` actors).

- Schedules are five cron fields in UTC (``ARBOX_STATEMENT_SCHEDULE``, default ``0 6 1 * *``;
  ``ARBOX_DUNNING_SCHEDULE``, default ``0 7 * * *``), or ``off``; parsed by APScheduler's
  ``CronTrigger``.
- One scheduler acts at a time across machines: it holds the Redis lock ``arbox:scheduler``
  with an expiry (``ARBOX_SCHEDULER_LOCK_SECONDS``), renewed while it is alive; another one
  waits and takes over when the first stops renewing.
- Each run is keyed by its day: a ``scheduled_runs`` row, unique per (job, date), is written
  in the transaction that enqueues the run, so two schedulers (or a restart) never start the
  same day twice; the runs themselves are idempotent too (statement and dunning keys).
- After downtime the missed occurrences are run once, for the latest of them, not once each:
  the scheduler looks for the latest occurrence after the job's last recorded run (or after
  its own start, the first time) and at or before now.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import structlog
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.exc import IntegrityError

from core.config import Settings
from core.errors import PermanentError
from ledger.bulk_runs import last_fire_time, record_scheduled_run
from worker import metrics
from worker.services import Services

log = structlog.get_logger(__name__)

#: The Redis key of the one-scheduler lock.
LOCK_NAME = "arbox:scheduler"
#: Most occurrences walked looking for the latest missed one.
MAX_OCCURRENCES = 100_000
_TINY = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Job:
    """A scheduled job: its name, when, and how to start one run for a date."""

    name: str
    trigger: CronTrigger
    enqueue: Callable[[date], object]


def parse_schedule(text: str, *, setting: str) -> CronTrigger | None:
    """A cron schedule in UTC, or None for ``off``.

    Raises:
        PermanentError: not five cron fields.
    """
    if text.strip().lower() == "off":
        return None
    try:
        return CronTrigger.from_crontab(text.strip(), timezone=UTC)
    except ValueError as e:
        raise PermanentError(
            f"{setting}={text!r}: expected five cron fields (minute hour day month weekday) "
            f"or off ({e})"
        ) from None


def jobs_from_settings(
    settings: Settings,
    *,
    statements: Callable[[date], object],
    dunning: Callable[[date], object],
) -> list[Job]:
    """The jobs the settings switch on."""
    jobs = []
    for name, text, setting, enqueue in (
        ("statements", settings.statement_schedule, "ARBOX_STATEMENT_SCHEDULE", statements),
        ("dunning", settings.dunning_schedule, "ARBOX_DUNNING_SCHEDULE", dunning),
    ):
        trigger = parse_schedule(text, setting=setting)
        if trigger is not None:
            jobs.append(Job(name=name, trigger=trigger, enqueue=enqueue))
    return jobs


def check_schedules(settings: Settings) -> None:
    """Raise :class:`PermanentError` naming the setting when a schedule is not valid."""
    jobs_from_settings(settings, statements=lambda day: None, dunning=lambda day: None)


def latest_occurrence(trigger: CronTrigger, *, after: datetime, now: datetime) -> datetime | None:
    """The last time ``trigger`` fires in (``after``, ``now``]; None when it does not."""
    latest = None
    at = trigger.get_next_fire_time(None, after + _TINY)
    for _ in range(MAX_OCCURRENCES):
        if at is None or at > now:
            break
        latest = at
        at = trigger.get_next_fire_time(None, at + _TINY)
    return latest


class Scheduler:
    """Starts each job's runs on time; with ``redis`` (a redis-py client) only while it holds
    the scheduler lock."""

    def __init__(
        self,
        svc: Services,
        jobs: Sequence[Job],
        *,
        redis: Any = None,
        name: str | None = None,
        lock_name: str = LOCK_NAME,
    ) -> None:
        self.svc = svc
        self.lock_name = lock_name
        self.jobs = tuple(jobs)
        self.redis = redis
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.started_at = svc.clock()
        self.lock_seconds = svc.settings.scheduler_lock_seconds
        self.tick_seconds = svc.settings.scheduler_tick_seconds
        #: Whether this scheduler holds the lock right now.
        self.active = threading.Event()

    def tick(self) -> list[tuple[str, date]]:
        """Start every job whose latest occurrence since its last run is due; returns the
        (job, date) runs this call started."""
        started = []
        now = self.svc.clock()
        for job in self.jobs:
            # the first time: from its own start on (an occurrence at that instant included)
            since = self._last_fire(job.name) or self.started_at - _TINY
            occurrence = latest_occurrence(job.trigger, after=since, now=now)
            if occurrence is None:
                continue
            day = occurrence.astimezone(UTC).date()
            if self._start(job, occurrence, day, now=now):
                started.append((job.name, day))
        return started

    def run(self, stop: threading.Event) -> None:
        """Until ``stop``: take the lock (or wait for it), then tick and renew it; on losing
        it, go back to waiting."""
        waiting_logged = False
        while not stop.is_set():
            lock = self._acquire()
            if lock is None:
                if not waiting_logged:
                    log.info("scheduler_lock_busy", scheduler=self.name)
                    waiting_logged = True
                stop.wait(min(self.tick_seconds, self.lock_seconds / 3))
                continue
            waiting_logged = False
            self.active.set()
            metrics.SCHEDULER_ACTIVE.set(1)
            log.info("scheduler_active", scheduler=self.name, jobs=[j.name for j in self.jobs])
            try:
                self._serve(lock, stop)
            finally:
                self.active.clear()
                metrics.SCHEDULER_ACTIVE.set(0)
                self._release(lock)

    def _serve(self, lock: Any, stop: threading.Event) -> None:
        while not stop.is_set():
            if lock is not None and not self._renew(lock):
                return
            for job_name, day in self.tick():
                metrics.SCHEDULED_RUNS.labels(job=job_name).inc()
                log.info("scheduled_run_started", job=job_name, as_of=str(day))
            stop.wait(min(self.tick_seconds, self.lock_seconds / 3))

    def _start(self, job: Job, occurrence: datetime, day: date, *, now: datetime) -> bool:
        try:
            with self.svc.sessions.begin() as session:
                with session.begin_nested():
                    record_scheduled_run(
                        session,
                        job=job.name,
                        run_key=day.isoformat(),
                        fire_time=occurrence,
                        enqueued_at=now,
                        scheduler=self.name,
                    )
                # enqueued inside the transaction: if enqueueing fails nothing is recorded
                # and the next tick tries again; a commit lost after it costs nothing, the
                # run being idempotent
                job.enqueue(day)
        except IntegrityError:
            return False  # that day's run was started already (another scheduler, a restart)
        return True

    def _last_fire(self, job: str) -> datetime | None:
        with self.svc.sessions() as session:
            return last_fire_time(session, job)

    def _acquire(self) -> Any:
        if self.redis is None:
            return False  # no lock: the caller promises this is the only scheduler
        try:
            lock = self.redis.lock(self.lock_name, timeout=self.lock_seconds, thread_local=False)
            return lock if lock.acquire(blocking=False) else None
        except Exception as e:  # boundary: Redis down means no lock, so no scheduling
            log.warning("scheduler_lock_unavailable", error=type(e).__name__)
            return None

    def _renew(self, lock: Any) -> bool:
        if lock is False:
            return True
        try:
            lock.reacquire()
        except Exception as e:  # boundary: a lock we cannot renew is a lock we lost
            log.warning("scheduler_lock_lost", scheduler=self.name, error=type(e).__name__)
            return False
        return True

    @staticmethod
    def _release(lock: Any) -> None:
        if lock is False:
            return
        try:
            lock.release()
        except Exception as e:  # boundary: expired or Redis gone; it frees itself
            log.info("scheduler_lock_release_failed", error=type(e).__name__)


def start_scheduler_thread(stop: threading.Event) -> threading.Thread:
    """The scheduler of this process's services in a supervised daemon thread (Redis lock
    from the broker's Redis); the actors must be bound (``runtime.boot``)."""
    import redis

    from worker.actors import run_dunning, run_statements
    from worker.broker import redis_url
    from worker.runtime import run_supervised
    from worker.services import get_services

    svc = get_services()
    jobs = jobs_from_settings(
        svc.settings,
        statements=lambda day: run_statements.send(day.isoformat()),
        dunning=lambda day: run_dunning.send(day.isoformat()),
    )
    scheduler = Scheduler(svc, jobs, redis=redis.Redis.from_url(redis_url(svc.settings)))
    thread = threading.Thread(
        target=run_supervised,
        args=(scheduler.run, stop),
        kwargs={"name": "scheduler"},
        name="arbox-scheduler",
        daemon=True,
    )
    thread.start()
    return thread
