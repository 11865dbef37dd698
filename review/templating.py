"""Jinja2 templates of the review app (``review/templates/``), autoescaped.

:func:`render` adds what every page needs: the request, the signed-in ``user``, the
``csrf_token`` for its forms and the ``nav`` links the user's role may follow.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from core.money import format_amount
from ledger.auth import Role
from review.auth import (
    ANON_CSRF_COOKIE,
    cookie_options,
    csrf_token,
    current_user,
    new_anonymous_csrf,
    serializer,
)

TEMPLATES: Final = Path(__file__).with_name("templates")
#: The navigation: label, path, the role needed to see the link.
NAV: Final[tuple[tuple[str, str, Role], ...]] = (
    ("Queue", "/queue", "viewer"),
    ("Dashboard", "/dashboard", "viewer"),
    ("Reports", "/reports", "viewer"),
    ("Applications", "/applications", "viewer"),
    ("Languages", "/languages", "clerk"),
    ("Rules", "/rules", "supervisor"),
    ("Settings", "/settings", "supervisor"),
)


def money(value: Decimal | None, currency: str | None = None) -> str:
    """``1234.5`` → ``1,234.50`` (``1,234,567`` JPY, ``1,250.125`` KWD); None → empty. Never
    rounds: without a currency, two decimals unless the amount has more."""
    return "" if value is None else format_amount(value, currency or "XXX")


def when(value: datetime | None) -> str:
    """An aware datetime as ``2026-12-01 09:30 UTC``."""
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M UTC")


env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
env.filters["money"] = money
env.filters["when"] = when


def render(
    request: Request,
    template_name: str,
    context: Mapping[str, Any] | None = None,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The template rendered as an HTML response, with ``user``, ``csrf_token`` and ``nav``."""
    user = current_user(request)
    token = csrf_token(request)
    nav = [
        {"label": label, "href": href, "active": request.url.path.startswith(href)}
        for label, href, role in NAV
        if user is not None and user.has_role(role)
    ]
    values = {"request": request, "user": user, "csrf_token": token, "nav": nav}
    values.update(context or {})
    html = env.get_template(template_name).render(values)
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    fresh = new_anonymous_csrf(request)
    if fresh is not None:
        response.set_cookie(
            ANON_CSRF_COOKIE,
            serializer(request, "csrf").dumps(fresh),
            max_age=12 * 3600,
            **cookie_options(request),  # type: ignore[arg-type]
        )
    return response
