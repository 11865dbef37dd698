"""``arbox status`` (a monitoring check too) and what the services start for it: heartbeats
and the metrics port.

``arbox status`` shows inbound mail per state, mailbox actions, open review items per kind,
outbound mail per state, queue depths, the last poll per mailbox folder and which workers and
pollers are alive (worker.heartbeats). Exit status 1 when no worker is alive, a poll is stale
(a configured folder not polled for :func:`stale_after` seconds) or Redis cannot be read; so
``arbox status --format json`` is also a health check for cron or a monitoring agent. Without
``ARBOX_REDIS_URL`` it reads the embedded Redis only when it is running, never starting one.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import redis
import typer
from rich.console import Console

from core.config import Settings
from core.errors import ARError
from worker.cli import common
from worker.heartbeats import Heartbeat, Role, alive_processes
from worker.mailbox import ImapConfig
from worker.metrics import serve_metrics

#: What status says when ARBOX_REDIS_URL is unset and no arbox process runs the embedded one.
EMBEDDED_NOT_RUNNING = "embedded Redis not running"


def stale_after(settings: Settings) -> float:
    """Seconds without a poll after which a folder's poll is stale: three poll intervals,
    and at least two minutes (a reconnect after an outage takes a while)."""
    return max(120.0, 3 * settings.imap_poll_seconds)


@dataclass
class Report:
    """Everything ``arbox status`` prints, as JSON-simple values."""

    inbound: dict[str, int]
    mailbox: dict[str, int]
    review: dict[str, int]
    outbox: dict[str, int]
    redis: str
    queues: dict[str, dict[str, Any]] = field(default_factory=dict)
    folders: list[dict[str, Any]] = field(default_factory=list)
    workers: list[dict[str, Any]] = field(default_factory=list)
    pollers: list[dict[str, Any]] = field(default_factory=list)
    schedulers: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def build_report(settings: Settings, *, now: datetime) -> Report:
    """Read the database and Redis (without starting an embedded one) into a :class:`Report`."""
    # loaded when run: SQLAlchemy, the models and Dramatiq (`arbox --help` stays quick)
    from core.queues import queue_stats
    from ledger.operations import status_counts
    from ledger.session import make_engine, make_sessionmaker
    from worker.broker import redis_client_for

    engine = make_engine(settings.database_url)
    try:
        with make_sessionmaker(engine)() as session:
            counts = status_counts(session)
    finally:
        engine.dispose()
    report = Report(
        inbound=counts.inbound,
        mailbox=counts.mailbox,
        review=counts.review,
        outbox=counts.outbox,
        redis="ok",
    )
    client = redis_client_for(settings)
    if client is None:
        report.redis = EMBEDDED_NOT_RUNNING
        report.problems.append(EMBEDDED_NOT_RUNNING)
    else:
        try:
            for q in queue_stats(client, now_ms=int(now.timestamp() * 1000)):
                report.queues[q.name] = {
                    "ready": q.ready,
                    "delayed": q.delayed,
                    "oldest_age_seconds": q.oldest_age_seconds,
                }
            for alive in alive_processes(client):
                entry = {"host": alive.host, "pid": alive.pid, "started_at": alive.started_at}
                entry.update(alive.detail)
                {"worker": report.workers, "poller": report.pollers}.get(
                    alive.role, report.schedulers
                ).append(entry)
        except Exception as e:  # boundary: an unreadable Redis is the answer, not a crash
            report.redis = f"unavailable ({type(e).__name__})"
            report.problems.append(f"Redis {report.redis}")
        finally:
            client.close()
    if not report.workers:
        report.problems.append("no worker alive")
    limit = stale_after(settings)
    account = ImapConfig.from_settings(settings).account if settings.imap_configured else None
    polled: dict[str, datetime | None] = {}
    for f in counts.folders:
        age = (now - f.last_poll_at).total_seconds() if f.last_poll_at else None
        stale = (
            f.account == account
            and f.folder in settings.imap_folders
            and (age is None or age > limit)
        )
        report.folders.append(
            {
                "account": f.account,
                "folder": f.folder,
                "uidvalidity": f.uidvalidity,
                "last_uid": f.last_uid,
                "last_poll_at": f.last_poll_at.isoformat(timespec="seconds")
                if f.last_poll_at
                else None,
                "stale": stale,
            }
        )
        if f.account == account:
            polled[f.folder] = f.last_poll_at
        if stale:
            report.problems.append(f"poll of {f.folder} stale (no poll for {limit:g} s)")
    if account is not None:
        for folder in settings.imap_folders:
            if folder not in polled:
                report.problems.append(f"{folder} never polled")
    return report


def print_table(report: Report, out: Console) -> None:
    """The report for people."""
    table = common.PlainTable(title="arbox status", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    for label, values in (
        ("inbound", report.inbound),
        ("mailbox", report.mailbox),
        ("review (open)", report.review),
        ("outbound mail", report.outbox),
    ):
        for key, n in sorted(values.items()):
            table.add_row(f"{label}: {key}", str(n))
        if not values:
            table.add_row(f"{label}", "0")
    if report.queues:
        for name, q in report.queues.items():
            table.add_row(f"queue: {name}", str(q["ready"] + q["delayed"]))
    else:
        table.add_row("queues", report.redis)
    out.print(table)
    for f in report.folders:
        out.print(
            f"mailbox {f['account']} {f['folder']}: UIDVALIDITY {f['uidvalidity']}, "
            f"last UID {f['last_uid']}, last poll {f['last_poll_at'] or 'never'}"
            + (" (stale)" if f["stale"] else ""),
            highlight=False,
        )
    for role, entries in (
        ("worker", report.workers),
        ("poller", report.pollers),
        ("scheduler", report.schedulers),
    ):
        for e in entries:
            out.print(f"{role} alive: {e['host']} pid {e['pid']} since {e['started_at']}")
    for problem in report.problems:
        out.print(f"problem: {problem}", highlight=False)


def status_cmd(
    fmt: common.TableOrJson = "table",
) -> None:
    """Inbound mail per state, queue depths, review items per kind, last poll per folder,
    live workers and pollers. With --format json, exit 1 when no worker is alive, a poll is
    stale or Redis cannot be read (a monitoring check); the table names the problems."""
    settings = Settings.from_env()
    common.check_ready(settings)  # a missing, unreachable or unmigrated database: one line, exit 1
    report = build_report(settings, now=datetime.now(UTC))
    if fmt == "json":
        body = dict(report.__dict__)
        body["healthy"] = not report.problems
        sys.stdout.write(json.dumps(body, indent=2, sort_keys=True) + "\n")
    else:
        print_table(report, common.out)
    if report.problems and fmt == "json":  # the monitoring check; the table is for people
        raise typer.Exit(1)


@dataclass
class Operations:
    """The heartbeats and metrics port a service process started."""

    heartbeats: list[Heartbeat]
    metrics_port: int | None

    def stop(self) -> None:
        """Stop beating (the process is no longer alive for ``arbox status``)."""
        for beat in self.heartbeats:
            beat.stop()


def start_operations(settings: Settings, roles: dict[Role, dict[str, Any]]) -> Operations:
    """Start this process's heartbeat for each role (with its detail, e.g. the folders it
    polls) and its metrics port (``ARBOX_METRICS_PORT``)."""
    from worker.broker import redis_url  # loads Dramatiq: `arbox --help` stays quick

    try:
        port = serve_metrics(settings)
    except OSError as e:
        raise ARError(
            f"ARBOX_METRICS_PORT {settings.metrics_port} on {settings.metrics_host}: "
            f"{e.strerror or type(e).__name__}; give this process a free port, or 0 for none"
        ) from e
    client = redis.Redis.from_url(redis_url(settings))
    beats = [Heartbeat(client, role, **detail).start() for role, detail in roles.items()]
    return Operations(heartbeats=beats, metrics_port=port)
