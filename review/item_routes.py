"""The item page and the decisions (placeholder: the item feature replaces this module)."""

from __future__ import annotations

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
