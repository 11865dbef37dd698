"""The rules page (supervisors): what reviewers' confirmations taught, with who made each
rule, when, how often it was used, and a delete button (the undo of a learned rule). The
rules are :mod:`ledger.rules`' (the same as ``arbox rules list|delete``)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.errors import RefusedActionError
from ledger.rules import delete_rule, list_rules
from review import deps
from review.auth import check_csrf, require
from review.params import path_id, query_id
from review.templating import render


async def rules_page(request: Request) -> Response:
    """``/rules``: every rule, newest first."""
    require(request, "supervisor")
    rules = list(reversed(list_rules(deps.db(request))))
    deleted = query_id(request.query_params, "deleted")
    return render(
        request,
        "rules.html",
        {"rules": rules, "deleted": deleted},
    )


async def delete_rule_action(request: Request) -> Response:
    """``POST /rules/{id}/delete``: delete the rule, recorded with the user."""
    user = require(request, "supervisor")
    await check_csrf(request)
    rule_id = path_id(request.path_params, "rule_id", "rule")
    try:
        with deps.db(request).begin():
            delete_rule(
                deps.db(request), rule_id=rule_id, actor=user.username, now=deps.now(request)
            )
    except RefusedActionError as e:
        rules = list(reversed(list_rules(deps.db(request))))
        return render(
            request,
            "rules.html",
            {"rules": rules, "error": e.reason, "deleted": None},
            status_code=404,
        )
    return RedirectResponse(f"/rules?deleted={rule_id}", status_code=303)


routes: list[BaseRoute] = [
    Route("/rules", rules_page, methods=["GET"]),
    Route("/rules/{rule_id:id}/delete", delete_rule_action, methods=["POST"]),
]
