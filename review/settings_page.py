"""``/settings`` (supervisors): the settings this app runs with, read-only. Settings are
``ARBOX_*`` environment variables (README, Configuration) and change by restarting with new
values, so the page shows them and never edits them. Secrets never appear: a secret shows as
``set`` or ``unset``, and the password of a database URL is masked."""

from __future__ import annotations

from pydantic import SecretStr
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core.config import Settings
from review.auth import require
from review.templating import render


def shown_settings(settings: Settings) -> list[tuple[str, str]]:
    """``(ARBOX_NAME, value as shown)`` for every setting, by name; secrets masked."""
    rows: list[tuple[str, str]] = []
    for name in sorted(type(settings).model_fields):
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            text = "set (hidden)"
        elif value is None:
            text = "unset"
        elif name == "database_url":
            text = _masked_url(str(value))
        else:
            text = str(value)
        rows.append((f"ARBOX_{name.upper()}", text))
    return rows


def _masked_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "set (not a URL)"


async def settings_page(request: Request) -> Response:
    """``/settings``."""
    require(request, "supervisor")
    return render(request, "settings.html", {"rows": shown_settings(request.app.state.settings)})


routes: list[BaseRoute] = [Route("/settings", settings_page, methods=["GET"])]
