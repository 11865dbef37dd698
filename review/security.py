"""ASGI middleware of the review app: security headers on every response (HSTS too when
served over https), two CSRF walls on every request that is not GET/HEAD/OPTIONS, and the
per-request database session closed after.

The CSRF checks here are the wall: a handler that forgets :func:`review.auth.check_csrf` is
still protected. First the browser's own word on where the request comes from
(``Sec-Fetch-Site``, ``Origin``): another site's, or a ``null`` origin, is refused with 403
before the body is read. Then the token: the body is read (up to :data:`MAX_BODY_BYTES`), the
token looked for in the ``X-CSRF-Token`` header or the form, and the body handed on unchanged.
A request with neither header (no browser: curl, scripts) needs the token alone.
"""

from __future__ import annotations

from typing import Final

import structlog
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from review.auth import CSRF_FIELD, CSRF_HEADER, is_valid_csrf
from review.deps import DB_SCOPE_KEY
from review.sanitize import FRAME_STYLE_SOURCE

#: The Content-Security-Policy: nothing inline (but the fixed style block of the mail's
#: sandboxed frame, by its hash), nothing from elsewhere, no framing.
CSP: Final = (
    f"default-src 'self'; script-src 'self'; style-src 'self' {FRAME_STYLE_SOURCE}; "
    "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
#: Headers every response gets.
SECURITY_HEADERS: Final = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
#: Sent over https only (``ARBOX_WEB_HTTPS``): browsers use https for a year. No
#: includeSubDomains: other hosts of the domain are not ours to decide.
HSTS: Final = (b"strict-transport-security", b"max-age=31536000")
#: ``Sec-Fetch-Site`` values of a request this app's own pages made (``none``: typed/bookmarked).
SAME_SITE_FETCH: Final = frozenset({"same-origin", "none"})
#: The largest request body accepted (forms; nothing is uploaded).
MAX_BODY_BYTES: Final = 2 * 1024 * 1024
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})

log = structlog.get_logger(__name__)


class SecurityMiddleware:
    """Headers, CSRF and the request's database session around the whole app."""

    def __init__(self, app: ASGIApp, *, https: bool = False) -> None:
        self.app = app
        self.https = https
        self.headers = [*SECURITY_HEADERS, HSTS] if https else list(SECURITY_HEADERS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        no_store = not scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = (
                    [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"]
                    if no_store
                    else list(message.get("headers", []))
                )
                headers.extend(self.headers)
                if no_store:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        started = False

        async def send_tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send_with_headers(message)

        try:
            if _has_control_characters(scope["path"]):  # /static/app.js%00.css (issue 19)
                await PlainTextResponse("the path holds a control character", 400)(
                    scope, receive, send_tracked
                )
                return
            await self._guarded(scope, receive, send_tracked)
        except Exception:  # the HTTP boundary: log it, answer 500 with the headers still on
            log.exception("review_request_failed", path=scope["path"], method=scope["method"])
            if started:
                raise
            await PlainTextResponse("internal error: it was logged", 500)(
                scope, receive, send_with_headers
            )
        finally:
            session = scope.get(DB_SCOPE_KEY)
            if isinstance(session, Session):
                session.close()

    async def _guarded(self, scope: Scope, receive: Receive, send_with_headers: Send) -> None:
        if scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send_with_headers)
            return
        if not is_same_origin(scope, https=self.https):
            log.warning("cross_site_request_refused", path=scope["path"], method=scope["method"])
            await PlainTextResponse("cross-site request refused", 403)(
                scope, receive, send_with_headers
            )
            return
        body = await _read_body(receive)
        if body is None:
            await PlainTextResponse("request body too large", 413)(
                scope, receive, send_with_headers
            )
            return
        if not await _csrf_ok(scope, body):
            await PlainTextResponse(
                "CSRF token missing or wrong: reload the page and try again", 403
            )(scope, _replay(body), send_with_headers)
            return
        await self.app(scope, _replay(body), send_with_headers)


def is_same_origin(scope: Scope, *, https: bool) -> bool:
    """Whether the browser says the request comes from this site: ``Sec-Fetch-Site`` is
    ``same-origin`` or ``none`` when sent, and ``Origin`` is this host (scheme http(s) as
    served, https behind a TLS proxy) when sent. A ``same-site`` sibling host is refused too:
    another subdomain is another application.

    ``Origin: null`` is what our own form posts carry (``Referrer-Policy: no-referrer`` makes
    browsers send ``null`` for them), and also what a sandboxed frame or a privacy redirect
    sends; it passes only when ``Sec-Fetch-Site`` vouches for it (every current browser sends
    that header; one too old to is refused on such a post)."""
    headers = {k.lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
    fetch_site = headers.get(b"sec-fetch-site")
    if fetch_site is not None and fetch_site.strip().lower() not in SAME_SITE_FETCH:
        return False
    origin = headers.get(b"origin")
    if origin is None:
        return True
    if origin.strip().lower() == "null":
        return fetch_site is not None
    scheme, sep, host = origin.strip().lower().partition("://")
    schemes = {str(scope.get("scheme", "http"))} | ({"https"} if https else set())
    own_host = headers.get(b"host", "").strip().lower()
    return bool(sep) and scheme in schemes and bool(own_host) and host == own_host


def _has_control_characters(path: str) -> bool:
    """Whether a (decoded) path holds NUL or another control character: no page has one, and
    the file system refuses them with an error of its own (``embedded null byte``)."""
    return any(ord(ch) < 32 or ord(ch) == 127 for ch in path)


async def _read_body(receive: Receive) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


async def _csrf_ok(scope: Scope, body: bytes) -> bool:
    request = Request(scope, _replay(body))
    token = request.headers.get(CSRF_HEADER)
    if token is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            try:
                form = await request.form()
            except Exception:  # a malformed body is refused like a missing token
                return False
            value = form.get(CSRF_FIELD)
            token = value if isinstance(value, str) else None
            await form.close()
    return is_valid_csrf(request, token)
