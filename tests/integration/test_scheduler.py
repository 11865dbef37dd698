"""The scheduler: statements monthly and dunning daily on a fake clock, each day's run started
once (restarts, two schedulers, downtime), and one scheduler at a time on a real Redis."""

from __future__ import annotations

import os
import shutil
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core.config import Settings
from core.errors import PermanentError
from ledger import models as m
from worker.runs.scheduler import Scheduler, jobs_from_settings, parse_schedule
from worker.services import Services

pytestmark = [pytest.mark.integration]


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 12, 1, 5, 59, tzinfo=UTC))


@pytest.fixture
def svc(tmp_path: Path, sqlite_template: Path, clock: Clock) -> Services:
    db = tmp_path / "scheduler.db"
    shutil.copyfile(sqlite_template, db)
    settings = Settings(
        database_url=f"sqlite:///{db}",
        scheduler_lock_seconds=1.0,
        scheduler_tick_seconds=0.05,
    )
    base = Services.from_settings(settings)
    services = Services(
        settings=settings, engine=base.engine, sessions=base.sessions, mailer=None,
        policy=base.policy, clock=clock,
    )  # fmt: skip
    yield services
    services.engine.dispose()


class Enqueued(list):
    """What the jobs enqueued: (job, date), in order."""

    def jobs(self, svc: Services, **kwargs):
        return jobs_from_settings(
            svc.settings,
            statements=lambda day: self.append(("statements", day)),
            dunning=lambda day: self.append(("dunning", day)),
            **kwargs,
        )


def at(clock: Clock, *args: int) -> None:
    clock.now = datetime(*args, tzinfo=UTC)


def test_monthly_statements_and_daily_dunning_start_on_time_once_each(svc, clock):
    # Given a scheduler started before 06:00 on the 1st, with the default schedules
    runs = Enqueued()
    scheduler = Scheduler(svc, runs.jobs(svc))
    # When the clock passes 06:00, 07:00 and 07:00 the next day, ticking twice each time
    for hour, day in ((5, 1), (6, 1), (6, 1), (7, 1), (7, 1), (7, 2), (12, 2)):
        at(clock, 2026, 12, day, hour, 0)
        scheduler.tick()
    # Then each run was started once, for its day
    assert runs == [
        ("statements", date(2026, 12, 1)),
        ("dunning", date(2026, 12, 1)),
        ("dunning", date(2026, 12, 2)),
    ]


def test_after_downtime_the_missed_days_start_one_run_not_one_each(svc, clock):
    # Given the dunning run of 1 December was started, then every scheduler was down
    runs = Enqueued()
    at(clock, 2026, 12, 1, 7, 0)
    Scheduler(svc, runs.jobs(svc)).tick()
    # When a scheduler starts again on 5 December at 09:00
    at(clock, 2026, 12, 5, 9, 0)
    started = Scheduler(svc, runs.jobs(svc)).tick()
    # Then one dunning run starts, for the latest missed day, and no statement run
    assert started == [("dunning", date(2026, 12, 5))]
    assert runs == [("dunning", date(2026, 12, 1)), ("dunning", date(2026, 12, 5))]


def test_two_schedulers_at_the_same_time_start_a_day_once(svc, clock):
    # Given two schedulers (as when the lock was lost mid-tick) over the same database
    runs = Enqueued()
    first, second = Scheduler(svc, runs.jobs(svc)), Scheduler(svc, runs.jobs(svc))
    # When both see 06:00 on the 1st
    at(clock, 2026, 12, 1, 6, 0, 30)
    # Then the day's statement run starts once, recorded with who started it
    assert first.tick() == [("statements", date(2026, 12, 1))]
    assert second.tick() == []
    assert runs == [("statements", date(2026, 12, 1))]
    with svc.sessions() as session:
        (row,) = session.execute(select(m.ScheduledRun)).scalars()
    assert (row.job, row.run_key, row.scheduler) == ("statements", "2026-12-01", first.name)


def test_a_run_that_could_not_be_enqueued_is_tried_again_at_the_next_tick(svc, clock):
    calls = []

    def broken(day: date) -> None:
        calls.append(day)
        if len(calls) == 1:
            raise ConnectionError("broker down")

    jobs = jobs_from_settings(svc.settings, statements=broken, dunning=lambda day: None)
    scheduler = Scheduler(svc, jobs)
    at(clock, 2026, 12, 1, 6, 0)
    with pytest.raises(ConnectionError):
        scheduler.tick()
    assert scheduler.tick() == [("statements", date(2026, 12, 1))]
    assert calls == [date(2026, 12, 1)] * 2


def test_schedules_are_cron_fields_or_off():
    assert parse_schedule("off", setting="ARBOX_DUNNING_SCHEDULE") is None
    trigger = parse_schedule("0 7 * * *", setting="ARBOX_DUNNING_SCHEDULE")
    assert trigger.get_next_fire_time(None, datetime(2026, 12, 1, 7, 1, tzinfo=UTC)) == (
        datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
    )
    with pytest.raises(PermanentError, match="ARBOX_DUNNING_SCHEDULE='daily'"):
        parse_schedule("daily", setting="ARBOX_DUNNING_SCHEDULE")


def test_a_schedule_switched_off_starts_nothing(svc, clock):
    runs = Enqueued()
    settings = svc.settings.model_copy(update={"statement_schedule": "off"})
    jobs = jobs_from_settings(
        settings, statements=lambda d: runs.append(d), dunning=lambda d: runs.append(d)
    )
    assert [job.name for job in jobs] == ["dunning"]


@pytest.mark.redis
def test_one_scheduler_acts_at_a_time_and_another_takes_over_when_it_stops(svc, clock, redis_url):
    import redis

    # Given two schedulers (two machines) contending for one lock on a real Redis
    at(clock, 2026, 12, 1, 5, 59)
    runs = Enqueued()
    lock = f"arbox:test-scheduler:{uuid.uuid4().hex}"
    client = redis.Redis.from_url(redis_url)
    schedulers = [
        Scheduler(svc, runs.jobs(svc), redis=client, name=f"s{n}", lock_name=lock) for n in (1, 2)
    ]
    stops = [threading.Event(), threading.Event()]
    threads = [
        threading.Thread(target=s.run, args=(stop,), daemon=True)
        for s, stop in zip(schedulers, stops, strict=True)
    ]
    for thread in threads:
        thread.start()
    at(clock, 2026, 12, 1, 6, 0)
    try:
        # When they run for a while (the lock expires after 1 s unless renewed)
        assert wait_until(lambda: any(s.active.is_set() for s in schedulers), 10)
        samples = []
        for _ in range(30):
            samples.append(sum(s.active.is_set() for s in schedulers))
            time.sleep(0.05)
        # Then never both act, and the day's run was started once
        assert max(samples) == 1
        (leader,) = [n for n, s in enumerate(schedulers) if s.active.is_set()]
        assert runs == [("statements", date(2026, 12, 1))]
        # When the acting one stops, the other takes over and the next day starts once
        stops[leader].set()
        threads[leader].join(timeout=5)
        other = schedulers[1 - leader]
        assert wait_until(other.active.is_set, 10)
        clock.now += timedelta(hours=1)
        assert wait_until(lambda: len(runs) == 2, 10)
        assert runs[1] == ("dunning", date(2026, 12, 1))
    finally:
        for stop in stops:
            stop.set()
        for thread in threads:
            thread.join(timeout=5)
        client.close()


def wait_until(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.smtp
def test_the_scheduled_dunning_run_is_done_by_the_workers_and_its_mail_sent(
    tmp_path, sqlite_template, smtp_sink
):
    import dramatiq

    import worker.actors
    from core.queues import OUTBOUND_QUEUE, SCHEDULED_QUEUE
    from ledger.imports import import_invoices
    from worker.broker import configure_broker
    from worker.services import set_services

    # Given a ledger with one overdue invoice, the workers on a (stub) broker, the SMTP sink
    db = tmp_path / "scheduled.db"
    shutil.copyfile(sqlite_template, db)
    settings = Settings(
        database_url=f"sqlite:///{db}", ar_address="ar@supplies.example",
        smtp_host=smtp_sink.host, smtp_port=smtp_sink.port, smtp_tls="none",
    )  # fmt: skip
    clock = Clock(datetime(2026, 12, 10, 6, 59, tzinfo=UTC))
    base = Services.from_settings(settings)
    svc = Services(
        settings=settings, engine=base.engine, sessions=base.sessions, mailer=base.mailer,
        policy=base.policy, clock=clock,
    )  # fmt: skip
    csv = tmp_path / "ledger.csv"
    csv.write_text(
        "invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount\n"
        "INV-9,C9,Acme Corp,ap@acme.example,2026-10-01,2026-10-31,90.00\n"
    )
    with svc.sessions.begin() as session:
        import_invoices(session, csv, default_currency="USD", now=clock())
    broker = configure_broker(settings, stub=True)
    worker.actors.bind_to(broker)
    set_services(svc)
    scheduler = Scheduler(
        svc,
        jobs_from_settings(
            settings,
            statements=lambda day: worker.actors.run_statements.send(day.isoformat()),
            dunning=lambda day: worker.actors.run_dunning.send(day.isoformat()),
        ),
    )
    runner = dramatiq.Worker(broker, worker_timeout=50)
    runner.start()
    try:
        # When the scheduler sees 07:00
        clock.now = datetime(2026, 12, 10, 7, 0, 5, tzinfo=UTC)
        assert scheduler.tick() == [("dunning", date(2026, 12, 10))]
        broker.join(SCHEDULED_QUEUE, fail_fast=True, timeout=60_000)
        broker.join(OUTBOUND_QUEUE, fail_fast=True, timeout=60_000)
        runner.join()
    finally:
        runner.stop()
        set_services(None)
        svc.engine.dispose()
    # Then the workers made the run and sent its reminder to the customer's contact
    (mail,) = smtp_sink.wait_for(1)
    assert mail.rcpt_tos == ("ap@acme.example",)
    assert b"INV-9" in mail.raw and b"40 days overdue  $90.00" in mail.raw


def test_arbox_scheduler_refuses_a_schedule_that_is_not_cron(tmp_path):
    from tests.integration.cli import arbox

    env = {k: v for k, v in os.environ.items() if not k.startswith("ARBOX_")}
    env.update(ARBOX_DUNNING_SCHEDULE="every day at seven", ARBOX_DATA_DIR=str(tmp_path))
    result = arbox("scheduler", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "ARBOX_DUNNING_SCHEDULE='every day at seven': expected five cron fields" in (
        result.stderr.replace("\n", " ")
    )
