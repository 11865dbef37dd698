"""Signing in and out. A sign-in opens a new server-side session (a new token: nothing a
visitor held before sign-in carries over); signing out revokes it."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ledger.users import authenticate, open_session, revoke_session
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

#: What a failed sign-in says, whatever the cause (no hint whether the user exists).
FAILED: Final = "Wrong username or password, or the account is locked after repeated failures."


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
    """Check the username and password; on success a new session and its cookie."""
    form = await check_csrf(request)
    username = str(form.get("username") or "")
    password = str(form.get("password") or "")
    target = safe_next(str(form.get("next") or ""))
    settings = deps.settings(request)
    now = deps.now(request)
    with deps.sessions(request).begin() as session:
        result = authenticate(
            session,
            username=username,
            password=password,
            now=now,
            max_failures=settings.web_lockout_attempts,
            lockout=timedelta(minutes=settings.web_lockout_minutes),
        )
        opened = None
        if result.account is not None:
            old = session_token(request)
            if old is not None:
                revoke_session(session, token=old, now=now)
            opened = open_session(
                session,
                user_id=result.account.id,
                now=now,
                lifetime=timedelta(hours=settings.web_session_hours),
            )
    if opened is None:
        return render(
            request,
            "login.html",
            {"next": target, "error": FAILED, "username": username},
            status_code=401,
        )
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        serializer(request, "session").dumps(opened.token),
        max_age=int(settings.web_session_hours * 3600),
        **cookie_options(request),  # type: ignore[arg-type]
    )
    response.delete_cookie(ANON_CSRF_COOKIE, path="/")
    return response


async def logout(request: Request) -> Response:
    """End the session and forget its cookie."""
    await check_csrf(request)
    token = session_token(request)
    if token is not None:
        with deps.sessions(request).begin() as session:
            user = current_user(request)
            revoke_session(session, token=token, now=deps.now(request))
            if user is not None:
                from ledger.posting import audit

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
