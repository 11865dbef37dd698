"""The "Credit" decision of a dispute item, and settling the credit memo it made.

``POST /items/{id}/credit`` (clerks; CSRF as every decision): the invoice (the one the dispute
names, preselected), an amount or line numbers (neither: the whole invoice), the reason. The
credit memo is issued by the worker's ``issue_credit_memo``, which the process serving the app
passes in as :data:`CreditIssuer` (the review app does not import the worker): numbered,
stored as a negative open item linked to the invoice, mailed to the customer's contacts, in
its own transaction. Then the item is closed with decision ``credit`` recording the credit
memo, and the page shows it. ``POST /items/{id}/settle`` nets one of the item's credit memos
against its invoice (ledger.credit_settling), as ``arbox credits settle`` does.

A second submit of the same form (the submission token) issues nothing more: the item's
earlier decision is found. Two submits racing in one process wait for each other (a lock per
item); in several processes the item's row lock is taken only when closing, so a double post
there could issue twice: the issuing function has no idempotency key yet.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.errors import AmountFormatError, ARError, RefusedActionError
from core.money import parse_amount
from ledger.credit_settling import settle_credit_memo
from ledger.review_credit import (
    check_creditable_invoice,
    close_credited,
    creditable_item,
    item_credits,
    was_submitted,
)
from ledger.review_decisions import record_decision
from review import deps
from review.auth import User, check_csrf, require
from review.item_routes import render_item
from review.params import path_id

#: Most line numbers a form may name.
MAX_LINES = 200


class CreditIssuer(Protocol):
    """Issues a credit memo and returns its number (worker.issuing.issue_credit_memo, bound
    to the services by the process that serves the app)."""

    def __call__(
        self,
        *,
        invoice_number: str,
        amount: Decimal | None,
        lines: Sequence[int],
        reason: str,
        by: str,
        issue_key: str | None = None,
    ) -> str: ...


class _IssuedNotClosedError(RefusedActionError):
    """The credit memo was issued, and the item could not be closed after it."""


_locks: dict[int, threading.Lock] = {}
_locks_guard = threading.Lock()


def _item_lock(item_id: int) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(item_id, threading.Lock())


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _what(form: FormData) -> tuple[Decimal | None, tuple[int, ...]]:
    """The amount, or the line numbers, the form asks to credit (neither: everything)."""
    amount_text, lines_text = _field(form, "amount"), _field(form, "lines")
    if amount_text and lines_text:
        raise RefusedActionError("give an amount or lines, not both")
    if amount_text:
        try:
            if not amount_text.isascii():  # ١٠ is ten to Decimal: a clerk types ASCII digits
                raise ValueError(amount_text)
            return parse_amount(amount_text, decimal_sep="."), ()
        except (AmountFormatError, ValueError) as e:
            raise RefusedActionError(f"amount: {amount_text[:40]!r} is not an amount") from e
    parts = [p for p in lines_text.replace(";", ",").replace(" ", ",").split(",") if p]
    if len(parts) > MAX_LINES or not all(p.isascii() and p.isdigit() for p in parts):
        raise RefusedActionError(f"lines: {lines_text[:40]!r} is not a list of line numbers")
    return None, tuple(int(p) for p in parts)


async def credit(request: Request) -> Response:
    """``POST /items/{id}/credit``: issue a credit memo for the disputed invoice and close the
    item with it recorded."""
    user = require(request, "clerk")
    form = await check_csrf(request)
    item_id = path_id(request.path_params, "item_id", "review item")
    issuer: CreditIssuer | None = getattr(request.app.state, "credit_issuer", None)
    if issuer is None:
        raise HTTPException(404, "this server does not issue credit memos")
    lock = _item_lock(item_id)
    try:
        await run_in_threadpool(lock.acquire)
        return await run_in_threadpool(_credit, request, item_id, form, user, issuer)
    except _IssuedNotClosedError as e:
        return await render_item(request, user, item_id, error=str(e))
    except ARError as e:
        return await render_item(request, user, item_id, error=f"{e}; nothing was changed")
    finally:
        lock.release()


def _credit(
    request: Request, item_id: int, form: FormData, user: User, issuer: CreditIssuer
) -> Response:
    submission = _field(form, "submission") or None
    invoice, reason = _field(form, "invoice"), _field(form, "reason")
    with deps.sessions(request).begin() as session:
        if was_submitted(session, item_id, submission):
            return RedirectResponse(f"/items/{item_id}?done={item_id}", status_code=303)
        item = creditable_item(session, item_id)
        if not invoice or not reason:
            raise RefusedActionError("the invoice and the reason are required")
        check_creditable_invoice(session, item, invoice)
        amount, lines = _what(form)
    number = issuer(  # one memo per item, even from two app processes at once
        invoice_number=invoice,
        amount=amount,
        lines=lines,
        reason=reason,
        by=user.username,
        issue_key=f"review-item:{item_id}",
    )
    try:
        with deps.sessions(request).begin() as session:
            close_credited(
                session,
                item_id=item_id,
                credit_number=number,
                invoice_number=invoice,
                reason=reason,
                actor=user.username,
                now=deps.now(request),
                submission=submission,
            )
    except RefusedActionError as e:
        raise _IssuedNotClosedError(f"credit memo {number} was issued, but {e}") from e
    return RedirectResponse(f"/items/{item_id}?done={item_id}", status_code=303)


async def settle(request: Request) -> Response:
    """``POST /items/{id}/settle``: net one of the item's credit memos against its invoice."""
    user = require(request, "clerk")
    form = await check_csrf(request)
    item_id = path_id(request.path_params, "item_id", "review item")
    number = _field(form, "credit")

    def run() -> None:
        with deps.sessions(request).begin() as session:
            if number not in {c.number for c in item_credits(session, item_id)}:
                raise RefusedActionError(f"review item {item_id} made no credit memo {number!r}")
            done = settle_credit_memo(
                session, credit_number=number, actor=user.username, now=deps.now(request)
            )
            record_decision(
                session,
                item_id,
                decision="settle",
                summary=done.summary,
                actor=user.username,
                now=deps.now(request),
                submission=_field(form, "submission") or None,
                credit_number=number,
            )

    try:
        await run_in_threadpool(run)
    except ARError as e:
        return await render_item(request, user, item_id, error=f"{e}; nothing was changed")
    return RedirectResponse(f"/items/{item_id}?done={item_id}", status_code=303)


routes: list[BaseRoute] = [
    Route("/items/{item_id:id}/credit", credit, methods=["POST"]),
    Route("/items/{item_id:id}/settle", settle, methods=["POST"]),
]
