"""``/settings`` (supervisors): the settings this app runs with, read-only. Settings are
``ARBOX_*`` environment variables (docs/configuration.md) and change by restarting with new
values, so the page shows them and never edits them. Secrets never appear: a secret shows as
``set`` or ``unset``, and a URL shows with every secret in it masked (:mod:`review.masking`)."""

from __future__ import annotations

from pydantic import SecretStr
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core.config import Settings
from review.auth import require
from review.masking import looks_like_url, mask_database_url, mask_url
from review.templating import render


def shown_settings(settings: Settings) -> list[tuple[str, str]]:
    """``(ARBOX_NAME, value as shown)`` for every setting, by name; secrets masked: a secret
    shows as ``set (hidden)``, a URL (database, Redis, any other) with its secrets masked."""
    rows: list[tuple[str, str]] = []
    for name in sorted(type(settings).model_fields):
        value = getattr(settings, name)
        if name == "database_url":
            text = mask_database_url(str(value))
        elif name == "redis_url" and isinstance(value, SecretStr):
            text = "set: " + mask_url(value.get_secret_value())
        elif isinstance(value, SecretStr):
            text = "set (hidden)"
        elif value is None:
            text = "unset"
        elif isinstance(value, str) and looks_like_url(value):
            text = mask_url(value)
        else:
            text = str(value)
        rows.append((f"ARBOX_{name.upper()}", text))
    return rows


async def settings_page(request: Request) -> Response:
    """``/settings``."""
    require(request, "supervisor")
    return render(request, "settings.html", {"rows": shown_settings(request.app.state.settings)})


routes: list[BaseRoute] = [Route("/settings", settings_page, methods=["GET"])]
