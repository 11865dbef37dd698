"""The review web app: ``create_app(settings)`` builds the Starlette application.

Every page needs a signed-in user (``review.auth.require``); every non-GET request carries
the session's CSRF token; every response has the security headers of
:mod:`review.security`. The item page and the decisions come from ``review.item_routes``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from core.config import Settings
from ledger.session import make_engine, make_sessionmaker
from review import (
    applications,
    dashboard,
    health,
    item_credit,
    item_routes,
    languages_page,
    queue,
    reports_page,
    rules_page,
    settings_page,
    signin,
)
from review.auth import require
from review.item_credit import CreditIssuer
from review.secret import secret_key
from review.security import SecurityMiddleware
from review.templating import render

STATIC = Path(__file__).with_name("static")


def create_app(
    settings: Settings,
    *,
    session_factory: sessionmaker[Session] | None = None,
    clock: Callable[[], datetime] | None = None,
    process_metrics: CollectorRegistry | None = None,
    redis_client: Callable[[], Any | None] | None = None,
    credit_issuer: CreditIssuer | None = None,
) -> Starlette:
    """The review app for ``settings``; ``session_factory`` defaults to one over
    ``settings.database_url``; ``clock`` (aware UTC) defaults to the system clock;
    ``/metrics`` adds ``process_metrics`` (the counters of the workers in this process) and
    reads the queues through ``redis_client`` (default: a client of ``ARBOX_REDIS_URL``). With
    ``credit_issuer`` (the worker's ``issue_credit_memo``), a dispute item offers "Credit"."""
    routes: list[BaseRoute] = [
        Route("/", home, methods=["GET"]),
        *health.routes,  # /healthz, /readyz, /metrics: no sign-in, nothing about accounts
        *signin.routes,
        *queue.routes,
        *dashboard.routes,
        *reports_page.routes,
        *rules_page.routes,
        *languages_page.routes,
        *settings_page.routes,
        *applications.routes,
        *item_credit.routes,  # before item_routes: its /items/{id}/{decision} takes any name
        *item_routes.routes,
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(SecurityMiddleware, https=settings.web_https)],
        exception_handlers={HTTPException: http_error},  # type: ignore[dict-item]
    )
    app.state.settings = settings
    app.state.sessions = session_factory or make_sessionmaker(make_engine(settings.database_url))
    app.state.secret_key = secret_key(settings)
    app.state.clock = clock
    app.state.credit_issuer = credit_issuer
    app.state.metrics_registry = health.metrics_registry(
        app.state.sessions, settings, extra=process_metrics, redis_client=redis_client
    )
    return app


async def home(request: Request) -> Response:
    """``/``: the queue."""
    require(request, "viewer")
    return RedirectResponse("/queue", status_code=303)


async def http_error(request: Request, exc: HTTPException) -> Response:
    """Errors as pages; redirects (the sign-in one) as they are."""
    if 300 <= exc.status_code < 400:
        return Response(status_code=exc.status_code, headers=exc.headers)
    return render(
        request,
        "error.html",
        {"status": exc.status_code, "message": exc.detail},
        status_code=exc.status_code,
    )
