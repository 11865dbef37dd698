"""The item page, its decisions, the attachment page images, invoice search and bulk-accept.

Every route needs a signed-in user: viewers see, clerks decide (a viewer's POST is 403).
Every POST carries the CSRF token (checked by the app's middleware and again here) and the
page's ``submission`` token, so a double submit does the decision once. A decision the ledger
refuses shows the item again with the reason (409), nothing changed; a decision done sends
the clerk on to the next open item with what was done shown at the top.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.errors import AmountFormatError, RefusedActionError
from core.money import parse_amount
from ledger import models as m
from ledger.item_reads import last_decision
from ledger.locale_store import pending_locale_suggestions
from ledger.queue_reads import next_open_item
from ledger.review_bulk import bulk_accept, bulk_candidates
from ledger.review_closing import (
    add_note,
    close_item,
    leave_unapplied,
    mark_not_remittance,
    reassign_customer,
)
from ledger.review_decisions import (
    Decided,
    accept_proposal,
    pick_invoice,
    record_deduction,
    split_line,
)
from review import deps
from review.auth import User, check_csrf, require
from review.item_credit_panel import credit_panel
from review.item_mail import page_png, renderer
from review.item_reply import ReplySender, send_reply
from review.item_search import search_invoices
from review.item_view import ItemView, read_item_view
from review.params import is_id_text, path_id, query_id, query_share
from review.templating import render

#: Most split rows a form may send.
MAX_SPLIT_ROWS = 20
#: The bulk-accept threshold offered first.
DEFAULT_BULK_CONFIDENCE = Decimal("0.95")

Decision = Callable[[Session, int, FormData, User, Request], Decided]


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _flag(form: FormData, name: str) -> bool:
    return _field(form, name) in ("1", "on", "yes", "true")


def _amount(text: str, what: str) -> Decimal:
    try:
        return parse_amount(text, decimal_sep=".")
    except (AmountFormatError, ValueError) as e:
        raise RefusedActionError(f"{what}: {text!r} is not an amount") from e


def _common(request: Request, user: User, form: FormData) -> dict[str, Any]:
    return {
        "actor": user.username,
        "now": deps.now(request),
        "submission": _field(form, "submission") or None,
    }


def _accept(s: Session, item: int, form: FormData, user: User, req: Request) -> Decided:
    return accept_proposal(
        s, item_id=item, remember=_flag(form, "remember"), **_common(req, user, form)
    )


def _pick(s: Session, item: int, form: FormData, user: User, req: Request) -> Decided:
    return pick_invoice(
        s,
        item_id=item,
        invoice_number=_field(form, "invoice"),
        remember=_flag(form, "remember"),
        **_common(req, user, form),
    )


def _split(s: Session, item: int, form: FormData, user: User, req: Request) -> Decided:
    numbers = [v.strip() for v in form.getlist("invoice") if isinstance(v, str)]
    amounts = [v.strip() for v in form.getlist("amount") if isinstance(v, str)]
    rows = [(n, a) for n, a in zip(numbers, amounts, strict=False) if n or a]
    if len(rows) > MAX_SPLIT_ROWS:
        raise RefusedActionError(f"a split has at most {MAX_SPLIT_ROWS} invoices")
    parts = []
    for number, text in rows:
        if not number or not text:
            raise RefusedActionError("every split row needs an invoice and an amount")
        parts.append((number, _amount(text, f"amount for {number}")))
    return split_line(
        s, item_id=item, parts=parts, remember=_flag(form, "remember"), **_common(req, user, form)
    )


def _deduction(s: Session, item: int, form: FormData, user: User, req: Request) -> Decided:
    return record_deduction(
        s,
        item_id=item,
        invoice_number=_field(form, "invoice"),
        reason=_field(form, "reason"),
        **_common(req, user, form),
    )


def _unapplied(s: Session, item: int, form: FormData, user: User, req: Request) -> Decided:
    return leave_unapplied(
        s, item_id=item, reason=_field(form, "reason"), **_common(req, user, form)
    )


def _not_remittance(s: Session, item: int, form: FormData, user: User, req: Request) -> Decided:
    return mark_not_remittance(
        s, item_id=item, reason=_field(form, "reason"), **_common(req, user, form)
    )


def _reassign(s: Session, item: int, form: FormData, user: User, req: Request) -> Decided:
    return reassign_customer(
        s,
        item_id=item,
        customer_number=_field(form, "customer"),
        remember=_flag(form, "remember"),
        **_common(req, user, form),
    )


def _close(s: Session, item: int, form: FormData, user: User, req: Request) -> Decided:
    return close_item(s, item_id=item, reason=_field(form, "reason"), **_common(req, user, form))


def _note(s: Session, item: int, form: FormData, user: User, req: Request) -> Decided:
    return add_note(s, item_id=item, text=_field(form, "text"), **_common(req, user, form))


def _reply(s: Session, item: int, form: FormData, user: User, req: Request) -> Decided:
    settings = deps.settings(req)
    return send_reply(
        s,
        item_id=item,
        body=_field(form, "body"),
        sender=ReplySender(ar_address=settings.ar_address, company_name=settings.company_name),
        **_common(req, user, form),
    )


#: The decisions by the last part of their URL; those that leave the item open stay on it.
DECISIONS: dict[str, Decision] = {
    "accept": _accept,
    "pick": _pick,
    "split": _split,
    "deduction": _deduction,
    "unapplied": _unapplied,
    "not-remittance": _not_remittance,
    "reassign": _reassign,
    "close": _close,
    "note": _note,
    "reply": _reply,
}
STAYS_OPEN = frozenset({"reassign", "note", "reply"})


async def item_page(request: Request) -> Response:
    """``GET /items/{id}``: the item, its mail and pages, lines, evidence and decisions."""
    user = require(request, "viewer")
    item_id = path_id(request.path_params, "item_id", "review item")
    view = await _view(request, item_id)
    if view is None:
        raise HTTPException(404, f"there is no review item {item_id}")
    return _render(request, user, view, flash=_flash(request))


async def _view(request: Request, item_id: int) -> ItemView | None:
    pages = renderer(deps.settings(request).data_dir)
    return await run_in_threadpool(read_item_view, deps.sessions(request), item_id, pages=pages)


def _render(
    request: Request,
    user: User,
    view: ItemView,
    *,
    flash: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    suggestions = (
        pending_locale_suggestions(
            deps.db(request),
            default=deps.settings(request).default_locale,
            customer_number=view.customer_number,
        )
        if view.customer_number
        else []
    )
    return render(
        request,
        "item.html",
        {
            "view": view,
            "suggestions": suggestions,  # the customer's contacts' languages (issue 21)
            "back": f"/items/{view.id}",
            "can_confirm": user.has_role("clerk"),
            "can_decide": user.has_role("clerk") and view.is_open,
            "submission": secrets.token_urlsafe(16),
            "credit": credit_panel(request, view.id, view.kind, view.is_open),
            "flash": flash,
            "error": error,
        },
        status_code=status_code,
    )


async def render_item(request: Request, user: User, item_id: int, *, error: str) -> Response:
    """The item page with ``error`` (409), for decisions made elsewhere (review.item_credit)."""
    view = await _view(request, item_id)
    if view is None:
        raise HTTPException(404, f"there is no review item {item_id}")
    return _render(request, user, view, error=error, status_code=409)


def _flash(request: Request) -> str | None:
    """What the decision just done did (``?done=ID``), read from the ledger, not the URL."""
    done = query_id(request.query_params, "done")
    if done is None:
        return None
    event = last_decision(deps.db(request), done)
    if event is None:
        return None
    return f"Item {done}: {event.detail.get('summary', '')} ({event.actor})"


async def decide(request: Request) -> Response:
    """``POST /items/{id}/{decision}``: one decision, one transaction."""
    user = require(request, "clerk")
    form = await check_csrf(request)
    item_id = path_id(request.path_params, "item_id", "review item")
    name = request.path_params["decision"]
    action = DECISIONS.get(name)
    if action is None:
        raise HTTPException(404, f"there is no decision {name!r}")
    session = deps.db(request)
    try:
        with session.begin():
            action(session, item_id, form, user, request)
    except RefusedActionError as e:
        view = await _view(request, item_id)
        if view is None:
            raise HTTPException(404, f"there is no review item {item_id}") from e
        return _render(request, user, view, error=f"{e}; nothing was changed", status_code=409)
    if name in STAYS_OPEN:
        return RedirectResponse(f"/items/{item_id}?done={item_id}", status_code=303)
    following = next_open_item(session, after=item_id)
    target = f"/items/{following}" if following is not None else "/queue"
    return RedirectResponse(f"{target}?done={item_id}", status_code=303)


async def page_image(request: Request) -> Response:
    """``GET /items/{id}/pages/{n}.png``: page ``n`` of the item's mail's PDFs."""
    require(request, "viewer")
    item_id = path_id(request.path_params, "item_id", "review item")
    number = path_id(request.path_params, "page", "page")
    pages = renderer(deps.settings(request).data_dir)

    def find() -> Any:
        with deps.sessions(request)() as session:
            item = session.get(m.ReviewItem, item_id)
            inbound = (
                session.get(m.InboundMessage, item.inbound_id) if item and item.inbound_id else None
            )
            raw = inbound.raw if inbound is not None else None
        return page_png(raw, number, pages=pages) if raw else None

    path = await run_in_threadpool(find)
    if path is None:
        raise HTTPException(404, f"item {item_id} has no page {number}")
    return FileResponse(
        path, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"}
    )


async def invoice_search(request: Request) -> Response:
    """``GET /invoices/search?q=&item=``: open invoices as an HTML fragment for pick/split."""
    require(request, "viewer")
    query = request.query_params.get("q", "")
    item_id = query_id(request.query_params, "item")
    session = deps.db(request)
    item = session.get(m.ReviewItem, item_id) if item_id is not None else None
    currency = None
    if item is not None and item.remittance_line_id is not None:
        line = session.get(m.RemittanceLine, item.remittance_line_id)
        remittance = session.get(m.Remittance, line.remittance_id) if line else None
        currency = remittance.currency if remittance else None
    hits = search_invoices(
        session, query, currency=currency, customer_id=item.customer_id if item else None
    )
    return render(request, "item_search.html", {"hits": hits, "q": query})


async def bulk_page(request: Request) -> Response:
    """``GET /items/bulk-accept``: how many open items a threshold and filter would accept."""
    user = require(request, "viewer")
    threshold, kind, customer, error = _bulk_filter(request.query_params)
    ids = bulk_candidates(
        deps.db(request), min_confidence=threshold, kind=kind, customer_number=customer
    )
    return render(
        request,
        "item_bulk.html",
        {
            "ids": ids,
            "threshold": threshold,
            "kind": kind or "",
            "customer": customer or "",
            "error": error,
            "result": None,
            "can_decide": user.has_role("clerk"),
            "submission": secrets.token_urlsafe(16),
        },
    )


async def bulk_accept_action(request: Request) -> Response:
    """``POST /items/bulk-accept``: accept each listed item still at or above the threshold."""
    user = require(request, "clerk")
    form = await check_csrf(request)
    threshold, kind, customer, error = _bulk_filter(form)
    ids = [int(v) for v in form.getlist("item") if isinstance(v, str) and is_id_text(v)]
    result = await run_in_threadpool(
        bulk_accept,
        deps.sessions(request),
        item_ids=ids[:500],
        min_confidence=threshold,
        actor=user.username,
        now=deps.now(request),
        submission=_field(form, "submission") or None,
    )
    return render(
        request,
        "item_bulk.html",
        {
            "ids": [],
            "threshold": threshold,
            "kind": kind or "",
            "customer": customer or "",
            "error": error,
            "result": result,
            "can_decide": True,
            "submission": secrets.token_urlsafe(16),
        },
    )


def _bulk_filter(values: Any) -> tuple[Decimal, str | None, str | None, str | None]:
    """Threshold, kind, customer (and no error: a bad threshold answers 400)."""
    threshold = query_share(values, "min_confidence", default=DEFAULT_BULK_CONFIDENCE)
    error = None
    kind = str(values.get("kind") or "").strip()[:200] or None
    customer = str(values.get("customer") or "").strip()[:200] or None
    return threshold, kind, customer, error


routes: list[BaseRoute] = [
    Route("/items/bulk-accept", bulk_page, methods=["GET"]),
    Route("/items/bulk-accept", bulk_accept_action, methods=["POST"]),
    Route("/items/{item_id:id}", item_page, methods=["GET"]),
    Route("/items/{item_id:id}/pages/{page:id}.png", page_image, methods=["GET"]),
    Route("/items/{item_id:id}/{decision:str}", decide, methods=["POST"]),
    Route("/invoices/search", invoice_search, methods=["GET"]),
]
