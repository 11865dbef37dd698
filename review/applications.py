"""The applications page: cash recently applied (automatically or by a person, read by
:func:`ledger.application_reads.recent_applications`), so that a supervisor can find one and
un-apply it with a reason. Un-applying calls the same :func:`ledger.reversals.unapply` as
``arbox unapply``, recorded with the signed-in user."""

from __future__ import annotations

from typing import Final

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.errors import RefusedActionError
from ledger.application_reads import recent_applications
from ledger.reversals import unapply
from review import deps
from review.auth import check_csrf, require
from review.params import path_id, query_id
from review.templating import render

#: Most applications the page lists.
PAGE_ROWS: Final = 200
#: Longest reason kept (the rest is cut).
MAX_REASON: Final = 2000


def _page(request: Request, *, error: str | None = None, status_code: int = 200) -> Response:
    q = request.query_params.get("q", "").strip()[:200] or None
    done = query_id(request.query_params, "unapplied")
    return render(
        request,
        "applications.html",
        {
            "applications": recent_applications(deps.db(request), limit=PAGE_ROWS, q=q),
            "q": q,
            "error": error,
            "unapplied": done,
        },
        status_code=status_code,
    )


async def applications_page(request: Request) -> Response:
    """``/applications``: recent applications; supervisors see an un-apply form on each."""
    require(request, "viewer")
    return _page(request)


async def unapply_action(request: Request) -> Response:
    """``POST /applications/{id}/unapply`` (supervisors): reverse it, with the reason."""
    user = require(request, "supervisor")
    form = await check_csrf(request)
    application_id = path_id(request.path_params, "application_id", "application")
    reason = str(form.get("reason") or "").strip()[:MAX_REASON]
    session = deps.db(request)
    try:
        with session.begin():
            unapply(
                session,
                application_id=application_id,
                actor=user.username,
                reason=reason,
                now=deps.now(request),
            )
    except RefusedActionError as e:
        return _page(request, error=f"Not un-applied: {e.reason}", status_code=409)
    return RedirectResponse(f"/applications?unapplied={application_id}", status_code=303)


routes: list[BaseRoute] = [
    Route("/applications", applications_page, methods=["GET"]),
    Route("/applications/{application_id:id}/unapply", unapply_action, methods=["POST"]),
]
