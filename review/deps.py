"""What a request handler of the review app reaches through its request: the settings, a
database session for this request, the clock.

The database session is opened on first use and closed (rolled back if not committed) when
the response is done, by :class:`review.security.RequestDbMiddleware`. Handlers that change
the ledger do it in one ``with db(request).begin():`` block, or call ``commit()``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request

from core.config import Settings

#: Where the per-request database session is kept in the ASGI scope.
DB_SCOPE_KEY = "arbox.db"


def settings(request: Request) -> Settings:
    """The app's settings."""
    value: Settings = request.app.state.settings
    return value


def sessions(request: Request) -> sessionmaker[Session]:
    """The app's session factory (for work that needs a session of its own)."""
    value: sessionmaker[Session] = request.app.state.sessions
    return value


def db(request: Request) -> Session:
    """The database session of this request (one per request, closed after the response)."""
    existing = request.scope.get(DB_SCOPE_KEY)
    if isinstance(existing, Session):
        return existing
    session = sessions(request)()
    request.scope[DB_SCOPE_KEY] = session
    return session


def now(request: Request) -> datetime:
    """The current time, aware UTC (the app's clock; tests may replace it)."""
    clock = getattr(request.app.state, "clock", None)
    return clock() if clock is not None else datetime.now(UTC)
