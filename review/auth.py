"""Who is signed in, what they may do, and the CSRF token of their forms.

The session cookie carries a random token signed with the app's secret (itsdangerous); the
database keeps its SHA-256, the user and the CSRF token (:mod:`ledger.auth`), so signing
out, a password change or disabling the user ends the session at once. Before sign-in the
CSRF token lives in a signed cookie of its own (the sign-in form needs one too).

Roles are ordered ``viewer < clerk < supervisor``: :func:`require` lets a role at least as
high as the one asked for through.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Final
from urllib.parse import quote

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request

from ledger.auth import ROLES, Role, session_user
from review import deps

#: The session cookie and the signed-out CSRF cookie.
SESSION_COOKIE: Final = "arbox_session"
ANON_CSRF_COOKIE: Final = "arbox_csrf"
#: Form field and header that carry the CSRF token.
CSRF_FIELD: Final = "csrf_token"
CSRF_HEADER: Final = "x-csrf-token"
#: Where ``request.scope`` caches the user of the request.
_USER_KEY: Final = "arbox.user"
_ANON_KEY: Final = "arbox.anon_csrf"


@dataclass(frozen=True, slots=True)
class User:
    """The signed-in user of a request."""

    id: int
    username: str
    role: Role
    session_id: int
    csrf_token: str

    def has_role(self, role: Role) -> bool:
        """Whether this user may do what ``role`` may."""
        return ROLES.index(self.role) >= ROLES.index(role)


def serializer(request: Request, purpose: str) -> URLSafeTimedSerializer:
    """The app's signer of cookies for ``purpose``."""
    return URLSafeTimedSerializer(request.app.state.secret_key, salt=f"arbox-{purpose}")


def session_token(request: Request) -> str | None:
    """The (verified) token of the session cookie, or None."""
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    max_age = int(deps.settings(request).web_session_hours * 3600)
    try:
        token = serializer(request, "session").loads(raw, max_age=max_age)
    except BadSignature:
        return None
    return token if isinstance(token, str) else None


def current_user(request: Request) -> User | None:
    """The signed-in user, or None (no cookie, a bad signature, an ended session, a
    disabled user). Read once per request, in a database session of its own."""
    if _USER_KEY in request.scope:
        cached: User | None = request.scope[_USER_KEY]
        return cached
    user = None
    token = session_token(request)
    if token is not None:
        with deps.sessions(request)() as session:
            settings = deps.settings(request)
            found = session_user(
                session,
                token=token,
                now=deps.now(request),
                lifetime=timedelta(hours=settings.web_session_hours),
                idle=timedelta(minutes=settings.web_idle_minutes),
            )
            session.commit()
        if found is not None:
            user = User(
                id=found.account.id,
                username=found.account.username,
                role=found.account.role,
                session_id=found.session_id,
                csrf_token=found.csrf_token,
            )
    request.scope[_USER_KEY] = user
    return user


def require(request: Request, role: Role) -> User:
    """The signed-in user when their role is at least ``role``.

    Raises:
        HTTPException: 303 to ``/login`` when signed out; 403 when the role is too low.
    """
    user = current_user(request)
    if user is None:
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        where = "/login" if request.method != "GET" else f"/login?next={quote(target, safe='')}"
        raise HTTPException(303, "sign in first", headers={"Location": where})
    if not user.has_role(role):
        raise HTTPException(403, f"this needs the {role} role")
    return user


def csrf_token(request: Request) -> str:
    """The CSRF token the forms of this page must carry: the session's when signed in, else
    the signed-out cookie's (a new one is made, and set on the response, when missing)."""
    user = current_user(request)
    if user is not None:
        return user.csrf_token
    existing = anonymous_csrf(request)
    if existing is not None:
        return existing
    fresh = request.scope.get(_ANON_KEY)
    if not isinstance(fresh, str):
        fresh = secrets.token_urlsafe(32)
        request.scope[_ANON_KEY] = fresh
    return fresh


def new_anonymous_csrf(request: Request) -> str | None:
    """A signed-out CSRF token made for this response, to be set as its cookie."""
    fresh = request.scope.get(_ANON_KEY)
    return fresh if isinstance(fresh, str) else None


def anonymous_csrf(request: Request) -> str | None:
    """The signed-out CSRF token of the request's cookie, when its signature holds."""
    raw = request.cookies.get(ANON_CSRF_COOKIE)
    if not raw:
        return None
    try:
        token = serializer(request, "csrf").loads(
            raw, max_age=int(timedelta(hours=12).total_seconds())
        )
    except BadSignature:
        return None
    return token if isinstance(token, str) else None


def expected_csrf(request: Request) -> str | None:
    """The token a non-GET request must carry (None: there is none, so nothing passes)."""
    user = current_user(request)
    return user.csrf_token if user is not None else anonymous_csrf(request)


def is_valid_csrf(request: Request, given: str | None) -> bool:
    """Whether ``given`` is this request's CSRF token (constant-time)."""
    expected = expected_csrf(request)
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


async def check_csrf(request: Request) -> FormData:
    """The posted form, once its CSRF token (form field or ``X-CSRF-Token`` header) is
    this session's.

    Raises:
        HTTPException: 403 when the token is missing or wrong.
    """
    form = await request.form()
    given = form.get(CSRF_FIELD)
    token = given if isinstance(given, str) else request.headers.get(CSRF_HEADER)
    if not is_valid_csrf(request, token):
        raise HTTPException(403, "CSRF token missing or wrong: reload the page and try again")
    return form


def cookie_options(request: Request) -> dict[str, object]:
    """Flags of every cookie the app sets: HttpOnly, SameSite=Strict, Secure over https."""
    return {
        "httponly": True,
        "samesite": "strict",
        "secure": deps.settings(request).web_https,
        "path": "/",
    }
