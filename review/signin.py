"""Signing in and out. A sign-in opens a new server-side session (a new token: nothing a
visitor held before sign-in carries over); signing out revokes it. Sign-ins are throttled
per client address and per username (:mod:`review.throttle`), and the password is checked
in a worker thread."""

from __future__ import annotations

import asyncio
import weakref
from datetime import datetime, timedelta
from functools import partial
from typing import Final

import structlog
from anyio import CapacityLimiter, to_thread
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ledger.auth import OpenedSession, authenticate, open_session, revoke_session
from ledger.posting import audit
from review import deps
from review.auth import (
    ANON_CSRF_COOKIE,
    SESSION_COOKIE,
    check_csrf,
    cookie_options,
    current_user,
    serializer,
    session_token,
)
from review.templating import render
from review.throttle import SignInThrottle

#: What a failed sign-in says, whatever the cause (no hint whether the user exists).
FAILED: Final = "Wrong username or password, or the account is locked after repeated failures."
#: What an address backing off is told (it says nothing about any user).
TOO_MANY: Final = "Too many failed sign-ins from your address: try again in {seconds} s."
#: Password checks (scrypt: 16 MiB and tens of ms of CPU each) running at once, per process.
PASSWORD_THREADS: Final = 2

_LIMITERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter] = (
    weakref.WeakKeyDictionary()
)
log = structlog.get_logger(__name__)


def safe_next(target: str | None) -> str:
    """Where to go after sign-in: a path of this site only (never ``//host`` or a URL)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/queue"
    return target


async def login_page(request: Request) -> Response:
    """The sign-in form (signed-in users go on to the queue)."""
    if current_user(request) is not None:
        return RedirectResponse("/queue", status_code=303)
    return render(request, "login.html", {"next": safe_next(request.query_params.get("next"))})


async def login(request: Request) -> Response:
    """Check the username and password; on success a new session and its cookie.

    The client address and the username are throttled first (:mod:`review.throttle`); the
    password check (scrypt, tens of milliseconds of CPU) and its database work run in a
    worker thread, at most :data:`PASSWORD_THREADS` at a time, so sign-ins never hold up the
    event loop (issue 19: 24 bad sign-ins made a static file take 1.1 s)."""
    form = await check_csrf(request)
    username = str(form.get("username") or "")
    password = str(form.get("password") or "")
    target = safe_next(str(form.get("next") or ""))
    settings = deps.settings(request)
    now = deps.now(request)
    address = request.client.host if request.client is not None else "unknown"
    throttle = sign_in_throttle(request)
    verdict = throttle.admit(address=address, username=username, now=now)
    if verdict.action == "wait":
        log.info("sign_in_throttled", address=address, retry_after=verdict.retry_after)
        return render(
            request,
            "login.html",
            {"next": target, "error": TOO_MANY.format(seconds=verdict.retry_after)},
            status_code=429,
            headers={"Retry-After": str(verdict.retry_after)},
        )
    opened = None
    if verdict.action == "check":
        opened = await to_thread.run_sync(
            partial(
                _check_and_open,
                deps.sessions(request),
                username=username,
                password=password,
                now=now,
                old_token=session_token(request),
                lifetime=timedelta(hours=settings.web_session_hours),
                idle=timedelta(minutes=settings.web_idle_minutes),
            ),
            limiter=password_limiter(),
        )
    else:
        log.info("sign_in_refused_locked", address=address)
    if opened is None:
        throttle.failed(username=username, now=now)
        return render(
            request,
            "login.html",
            {"next": target, "error": FAILED, "username": username[:64]},
            status_code=401,
        )
    throttle.succeeded(address=address, username=username)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        serializer(request, "session").dumps(opened.token),
        max_age=int(settings.web_session_hours * 3600),
        **cookie_options(request),  # type: ignore[arg-type]
    )
    response.delete_cookie(ANON_CSRF_COOKIE, path="/")
    return response


def _check_and_open(
    sessions: sessionmaker[Session],
    *,
    username: str,
    password: str,
    now: datetime,
    old_token: str | None,
    lifetime: timedelta,
    idle: timedelta,
) -> OpenedSession | None:
    """In a worker thread: check the password; when right, end the browser's old session and
    open a new one."""
    with sessions.begin() as session:
        result = authenticate(session, username=username, password=password, now=now)
        if result.account is None:
            return None
        if old_token is not None:
            revoke_session(session, token=old_token, now=now)
        return open_session(
            session, user_id=result.account.id, now=now, lifetime=lifetime, idle=idle
        )


def sign_in_throttle(request: Request) -> SignInThrottle:
    """The app's throttle (made on first use, from the lockout settings)."""
    state = request.app.state
    throttle = getattr(state, "sign_in_throttle", None)
    if not isinstance(throttle, SignInThrottle):
        settings = deps.settings(request)
        throttle = SignInThrottle(
            max_failures=settings.web_lockout_attempts,
            window=timedelta(minutes=settings.web_lockout_minutes),
        )
        state.sign_in_throttle = throttle
    return throttle


def password_limiter() -> CapacityLimiter:
    """The limiter of password checks for the running event loop (one per loop: a limiter
    belongs to the loop it was made in)."""
    loop = asyncio.get_running_loop()
    limiter = _LIMITERS.get(loop)
    if limiter is None:
        limiter = CapacityLimiter(PASSWORD_THREADS)
        _LIMITERS[loop] = limiter
    return limiter


async def logout(request: Request) -> Response:
    """End the session and forget its cookie."""
    await check_csrf(request)
    token = session_token(request)
    user = current_user(request)  # before the write transaction: it reads in a session of its own
    if token is not None:
        with deps.sessions(request).begin() as session:
            revoke_session(session, token=token, now=deps.now(request))
            if user is not None:
                audit(
                    session,
                    actor=user.username,
                    action="sign_out",
                    entity="user",
                    entity_id=user.id,
                    now=deps.now(request),
                )
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


routes: list[BaseRoute] = [
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
]
