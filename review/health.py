"""The endpoints without sign-in (docs/operations.md): ``/healthz``, ``/readyz`` and ``/metrics``.

They answer status words and counts only, nothing about an account: ``/healthz`` that the
process serves, ``/readyz`` whether the database answers, its schema is at the newest
migration and Redis answers (when ``ARBOX_REDIS_URL`` is set), 503 when not; ``/metrics``
the Prometheus text of :mod:`review.state_metrics` (read at scrape time) and, when the app
runs inside ``arbox run``, the counters of that process's workers and poller.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import Metric
from prometheus_client.registry import Collector
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from core.config import Settings
from review.state_metrics import (
    StateCollector,
    configured_redis_client,
    migrations_head,
    readiness,
)


def metrics_registry(
    sessions: sessionmaker[Session],
    settings: Settings,
    *,
    extra: CollectorRegistry | None,
    redis_client: Callable[[], Any | None] | None = None,
) -> CollectorRegistry:
    """The registry ``/metrics`` serves: the state gauges (queue depths read through
    ``redis_client``, by default a client of ``ARBOX_REDIS_URL``), plus ``extra`` (a
    process's own counters) when given."""
    registry = CollectorRegistry(auto_describe=False)
    reader = redis_client or partial(configured_redis_client, settings)
    registry.register(StateCollector(sessions, redis_client=reader))
    if extra is not None:
        registry.register(_Forward(extra))
    return registry


class _Forward(Collector):
    """Another registry's metrics, collected with ours."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self) -> Iterable[Metric]:
        return self.registry.collect()


async def healthz(request: Request) -> Response:
    """The process is up and serving."""
    return PlainTextResponse("ok")


async def readyz(request: Request) -> Response:
    """Database reachable, migrations current, Redis reachable when configured; 503 if not."""
    state = request.app.state
    result = await run_in_threadpool(
        readiness, state.sessions, settings=state.settings, head=migrations_head()
    )
    return JSONResponse(
        {"status": "ready" if result.ready else "not ready", "checks": result.checks},
        status_code=200 if result.ready else 503,
    )


async def metrics(request: Request) -> Response:
    """Prometheus text; every series starts with ``arbox_``."""
    registry: CollectorRegistry = request.app.state.metrics_registry
    body = await run_in_threadpool(generate_latest, registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST)


routes = [
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
    Route("/metrics", metrics, methods=["GET"]),
]
