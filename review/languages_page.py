"""``/languages`` (clerks): the languages customers' contacts write in, suggested from their
mail (:mod:`worker.inbound.locale_suggestion`) and waiting for a person, each with a confirm
button. Confirming makes it the contact's locale (its mails and PDFs are written in it from
then on), recorded as the audit event ``locale_confirmed`` with the user
(:mod:`ledger.locale_store`). The item page of a customer with a suggestion shows it too."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.errors import RefusedActionError
from core.locales import normalize_locale
from ledger.locale_store import confirm_locale_suggestion, pending_locale_suggestions
from review import deps
from review.auth import check_csrf, require
from review.params import path_id, query_id
from review.templating import render

#: Where a confirmation may send the user back to: this page or an item page, nothing else.
_BACK = re.compile(r"/items/\d{1,12}|/languages")


async def languages_page(request: Request) -> Response:
    """``/languages``: every pending suggestion."""
    require(request, "clerk")
    return _page(request, confirmed=query_id(request.query_params, "confirmed"))


def _page(request: Request, *, confirmed: int | None = None, error: str | None = None) -> Response:
    suggestions = pending_locale_suggestions(
        deps.db(request), default=deps.settings(request).default_locale
    )
    return render(
        request,
        "languages.html",
        {"suggestions": suggestions, "confirmed": confirmed, "error": error, "can_confirm": True},
        status_code=409 if error else 200,
    )


async def confirm_action(request: Request) -> Response:
    """``POST /languages/{contact_id}/confirm``: the suggested locale (form field ``locale``)
    becomes the contact's, recorded with the user."""
    user = require(request, "clerk")
    form = await check_csrf(request)
    contact_id = path_id(request.path_params, "contact_id", "contact")
    back = str(form.get("next") or "/languages")
    if not _BACK.fullmatch(back):
        back = "/languages"
    try:
        locale = normalize_locale(str(form.get("locale") or ""))
        with deps.db(request).begin():
            confirm_locale_suggestion(
                deps.db(request),
                contact_id=contact_id,
                locale=locale,
                actor=user.username,
                now=deps.now(request),
            )
    except (RefusedActionError, ValueError) as e:
        return _page(request, error=f"{e}; nothing was changed")
    return RedirectResponse(f"{back}?confirmed={contact_id}", status_code=303)


routes: list[BaseRoute] = [
    Route("/languages", languages_page, methods=["GET"]),
    Route("/languages/{contact_id:id}/confirm", confirm_action, methods=["POST"]),
]
