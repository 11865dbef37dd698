"""What the database and Redis hold, read when Prometheus scrapes, and whether they answer.

:class:`StateCollector` turns the counts of ``arbox status`` into gauges (mail per state,
open review items per kind and the age of the oldest, outbox per state, last poll per
folder, queue depths and the age of the oldest queued message): a few grouped queries per
scrape, none per mail. :func:`readiness` is the ``/readyz`` check. Both answer with counts
and status words only, never an account, an address or an error's text.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import structlog
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.orm import Session, sessionmaker

from core.config import Settings
from core.queues import queue_stats, redis_client
from core.statuses import OutboxStatus
from ledger.operations import open_review_by_kind, status_counts
from ledger.readiness import database_revision
from ledger.session import reading

log = structlog.get_logger(__name__)


def configured_redis_client(settings: Settings) -> Any | None:
    """A client for ``ARBOX_REDIS_URL``, or None when it is not set. The worker's processes,
    which may run an embedded Redis, give the app a reader of their own
    (``worker.broker.redis_client_for``)."""
    url = settings.secret("redis_url")
    return redis_client(url) if url else None


def _epoch(when: datetime) -> float:
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


class StateCollector(Collector):
    """Gauges read from the database (and Redis, when there is one) at scrape time."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        redis_client: Callable[[], Any | None],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.sessions = sessions
        self.redis_client = redis_client
        self.clock = clock

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "arbox_state_up",
            "Whether the scrape could read the source (1) or not (0).",
            labels=["source"],
        )
        try:
            yield from self._database()
            up.add_metric(["database"], 1)
        except Exception as e:  # boundary: a scrape reports the outage, never raises
            log.warning("metrics_database_unavailable", error=type(e).__name__)
            up.add_metric(["database"], 0)
        try:
            queues = self._queues()
            if queues is not None:  # None: no Redis to read, nothing to say about it
                yield from queues
                up.add_metric(["redis"], 1)
        except Exception as e:  # boundary: as above
            log.warning("metrics_redis_unavailable", error=type(e).__name__)
            up.add_metric(["redis"], 0)
        yield up

    def _database(self) -> list[Metric]:
        now = self.clock()
        with reading(self.sessions) as session:
            counts = status_counts(session)
            review = open_review_by_kind(session)
        inbound = GaugeMetricFamily(
            "arbox_inbound_messages", "Inbound mails per state.", labels=["state"]
        )
        for state, n in sorted(counts.inbound.items()):
            inbound.add_metric([state], n)
        outbox = GaugeMetricFamily(
            "arbox_outbox_messages",
            "Outbound mails per state (pending: not sent yet; failed: given up).",
            labels=["state"],
        )
        for state in sorted({OutboxStatus.PENDING, OutboxStatus.FAILED, *counts.outbox}):
            outbox.add_metric([state], counts.outbox.get(state, 0))
        items = GaugeMetricFamily(
            "arbox_review_items_open", "Open review items per kind.", labels=["kind"]
        )
        oldest = GaugeMetricFamily(
            "arbox_review_oldest_open_age_seconds",
            "Age of the oldest open review item per kind.",
            labels=["kind"],
        )
        for r in review:
            items.add_metric([r.kind], r.count)
            oldest.add_metric([r.kind], max(0.0, now - _epoch(r.oldest_created_at)))
        polled = GaugeMetricFamily(
            "arbox_mailbox_last_poll_timestamp_seconds",
            "Unix time of the last successful poll of a mailbox folder (any poller).",
            labels=["folder"],
        )
        for folder in counts.folders:
            if folder.last_poll_at is not None:
                polled.add_metric([folder.folder], _epoch(folder.last_poll_at))
        return [inbound, outbox, items, oldest, polled]

    def _queues(self) -> list[Metric] | None:
        client = self.redis_client()
        if client is None:  # no Redis configured and the embedded one is not running
            return None
        try:
            stats = queue_stats(client, now_ms=int(self.clock() * 1000))
        finally:
            client.close()
        depth = GaugeMetricFamily(
            "arbox_queue_messages",
            "Messages waiting in a Dramatiq queue (ready: to be fetched; delayed: retries "
            "waiting for their backoff).",
            labels=["queue", "state"],
        )
        age = GaugeMetricFamily(
            "arbox_queue_oldest_message_age_seconds",
            "Age of the oldest ready message of a queue (0 when it is empty).",
            labels=["queue"],
        )
        for s in stats:
            depth.add_metric([s.name, "ready"], s.ready)
            depth.add_metric([s.name, "delayed"], s.delayed)
            age.add_metric([s.name], s.oldest_age_seconds or 0.0)
        return [depth, age]


@dataclass(frozen=True, slots=True)
class Readiness:
    """The ``/readyz`` answer: each check's status word, and whether all are good."""

    checks: dict[str, str]

    @property
    def ready(self) -> bool:
        """Every check passed (or does not apply)."""
        return all(v in ("ok", "current", "not configured") for v in self.checks.values())


def readiness(
    sessions: sessionmaker[Session], *, settings: Settings, head: str | None
) -> Readiness:
    """Database reachable, migrations at ``head``, Redis reachable when configured."""
    checks: dict[str, str] = {}
    try:
        with reading(sessions) as session:
            current = database_revision(session)
        checks["database"] = "ok"
        checks["migrations"] = "current" if head is not None and current == head else "behind"
    except Exception as e:  # boundary: the answer is the status word
        log.warning("readiness_database_failed", error=type(e).__name__)
        checks["database"] = "unreachable"
        checks["migrations"] = "unknown"
    checks["redis"] = _redis_check(settings)
    return Readiness(checks)


def _redis_check(settings: Settings) -> str:
    if settings.redis_url is None:
        return "not configured"  # the embedded Redis lives with the workers
    client = configured_redis_client(settings)
    assert client is not None
    try:
        client.ping()
    except Exception as e:  # boundary: as above
        log.warning("readiness_redis_failed", error=type(e).__name__)
        return "unreachable"
    finally:
        client.close()
    return "ok"


@functools.cache
def migrations_head() -> str | None:
    """The newest migration this code ships (read once: the scripts do not change)."""
    from alembic.script import ScriptDirectory

    from ledger.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
