"""A remittance whose every line applies automatically, posted in five statements.

The common case (a payer's advice, every line an open invoice paid) posted line by line costs
about ten statements and two savepoints a line (:func:`ledger.posting.apply_cash`). Here the
whole remittance is one savepoint: the lines in one INSERT, their applications in one INSERT,
every invoice by one guarded UPDATE sent at once for all (``status = 'open'``, the currency,
and a balance at least what all the lines settle on it, so nothing is taken twice), and the
audit events in one INSERT. When the UPDATE does not change every invoice (a balance moved under
us, an invoice closed), the savepoint is rolled back and the caller posts line by line, which
decides line by line what still applies.

The rows written are the ones the line-by-line path writes for the same remittance: the same
columns, outcomes, reasons, applications and audit events, so the two paths cannot be told
apart afterwards (a test compares them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, case, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.statuses import ApplicationStatus, InvoiceStatus
from core.types import AckLine, Allocation, LineDecision, RemittanceLine
from ledger import models as m
from ledger.compiled import rows, write

ZERO = Decimal("0.00")

#: The tables written, as Core tables: an ORM bulk INSERT costs more than the statement.
LINES = cast(Table, m.RemittanceLine.__table__)
APPLICATIONS = cast(Table, m.Application.__table__)
AUDIT_EVENTS = cast(Table, m.AuditEvent.__table__)
INVOICES = cast(Table, m.Invoice.__table__)

#: One invoice settled: what is owed comes off an open balance of the currency, if enough is
#: left (an invoice settled to zero is paid). Built once: its cache key is computed once.
_OWED = bindparam("b_owed", type_=m.Invoice.balance.type)
_NEW_BALANCE = INVOICES.c.balance - _OWED
SETTLE = (
    update(INVOICES)
    .where(
        INVOICES.c.id == bindparam("b_id"),
        INVOICES.c.status == InvoiceStatus.OPEN.value,
        INVOICES.c.currency == bindparam("b_currency"),
        INVOICES.c.balance >= _OWED,
    )
    .values(
        balance=_NEW_BALANCE,
        status=case(
            (_NEW_BALANCE == ZERO, InvoiceStatus.PAID.value), else_=InvoiceStatus.OPEN.value
        ),
        updated_at=bindparam("b_now", type_=m.Invoice.updated_at.type),
    )
)
BALANCES = select(INVOICES.c.id, INVOICES.c.balance).where(
    INVOICES.c.id.in_(bindparam("b_ids", expanding=True))
)

#: The INSERTs, built once (run through ledger.compiled: on SQLite, compiled once).
_INSERT_LINES = insert(LINES).returning(LINES.c.line_no, LINES.c.id)
_INSERT_APPLICATIONS = insert(APPLICATIONS).returning(
    APPLICATIONS.c.remittance_line_id, APPLICATIONS.c.invoice_id, APPLICATIONS.c.id
)
_INSERT_AUDIT_EVENTS = insert(AUDIT_EVENTS)

#: One line to write: its decision, the line as stated, and its parts.
Planned = tuple[LineDecision, RemittanceLine, tuple[Allocation, ...]]


def can_post_at_once(planned: Sequence[Planned]) -> bool:
    """Whether every line posts automatically and nothing needs a follow-up: each has parts
    on distinct invoices, each part settles a positive amount, and no line leaves a
    deduction open."""
    return bool(planned) and all(
        parts
        and d.deduction == ZERO
        and len({p.invoice.invoice_id for p in parts}) == len(parts)
        and all(p.amount > ZERO and p.discount >= ZERO for p in parts)
        for d, _, parts in planned
    )


def post_at_once(
    session: Session,
    *,
    rem: m.Remittance,
    planned: Sequence[Planned],
    line_values: Callable[[LineDecision, RemittanceLine], dict[str, Any]],
    now: datetime,
) -> list[AckLine] | None:
    """Write and post every line of ``planned`` (see :func:`can_post_at_once`), or nothing:
    None when an invoice's balance moved, and the caller posts line by line."""
    owed: dict[int, Decimal] = defaultdict(lambda: ZERO)
    currency: dict[int, str] = {}
    for _, _, parts in planned:
        for part in parts:
            owed[part.invoice.invoice_id] += part.amount + part.discount
            currency[part.invoice.invoice_id] = part.invoice.currency
    savepoint = session.begin_nested()
    try:
        line_ids = _insert_lines(session, rem, planned, line_values)
        app_ids = _insert_applications(session, planned, line_ids, now=now)
        balances = _settle(session, owed, currency, now=now)
    except IntegrityError:  # an application refused: the lines go one by one, as apply_cash does
        savepoint.rollback()
        return None
    if balances is None:
        savepoint.rollback()
        return None
    acks = _acks_and_audit(session, planned, app_ids, balances, now=now)
    savepoint.commit()
    return acks


def _insert_lines(
    session: Session,
    rem: m.Remittance,
    planned: Sequence[Planned],
    line_values: Callable[[LineDecision, RemittanceLine], dict[str, Any]],
) -> list[int]:
    """The lines in one INSERT; their ids in the order of ``planned``. (Asking RETURNING
    for the order of the parameters makes SQLAlchemy insert a row at a time on SQLite: the
    ids are matched by line number instead, unique in a remittance.)"""
    values = [{"remittance_id": rem.id, **line_values(d, stated)} for d, stated, _ in planned]
    ids = dict(write(session, _INSERT_LINES, values).rows)
    return [ids[d.line_no] for d, _, _ in planned]


def _insert_applications(
    session: Session, planned: Sequence[Planned], line_ids: Sequence[int], *, now: datetime
) -> list[list[int]]:
    """The applications of each line's parts in one INSERT; their ids, by line and part
    (one application per line and invoice: a unique key)."""
    values = [
        {
            "remittance_line_id": line_id,
            "invoice_id": part.invoice.invoice_id,
            "amount": part.amount,
            "discount": part.discount,
            "deduction": d.deduction if len(parts) == 1 else ZERO,
            "currency": part.invoice.currency,
            "status": ApplicationStatus.AUTO,
            "confidence": d.confidence,
            "reasons": d.reason,
            "applied_by": "worker",
            "applied_at": now,
        }
        for (d, _, parts), line_id in zip(planned, line_ids, strict=True)
        for part in parts
    ]
    returned = write(session, _INSERT_APPLICATIONS, values).rows
    ids = {(line_id, invoice_id): app_id for line_id, invoice_id, app_id in returned}
    return [
        [ids[line_id, part.invoice.invoice_id] for part in parts]
        for (_, _, parts), line_id in zip(planned, line_ids, strict=True)
    ]


def _settle(
    session: Session, owed: dict[int, Decimal], currency: dict[int, str], *, now: datetime
) -> dict[int, Decimal] | None:
    """Take ``owed`` off each invoice with one guarded UPDATE per invoice, sent at once; the
    balances after, or None when an invoice did not qualify (not open, another currency,
    less left than owed). Both drivers count the rows an executemany changed."""
    settled = write(
        session,
        SETTLE,
        [
            {"b_id": invoice_id, "b_owed": amount, "b_currency": currency[invoice_id], "b_now": now}
            for invoice_id, amount in owed.items()
        ],
    )
    if settled.rowcount != len(owed):
        return None
    return dict(rows(session, BALANCES, {"b_ids": sorted(owed)}))


def _acks_and_audit(
    session: Session,
    planned: Sequence[Planned],
    app_ids: Sequence[Sequence[int]],
    balances: dict[int, Decimal],
    *,
    now: datetime,
) -> list[AckLine]:
    """What each part left on its invoice, as the line-by-line path reports it (an invoice
    paid by two parts shows the balance after each), and the audit event of each."""
    later: dict[int, Decimal] = defaultdict(lambda: ZERO)  # settled by parts after this one
    after: list[list[Decimal]] = []
    for _, _, parts in reversed(planned):
        line_after = []
        for part in reversed(parts):
            invoice_id = part.invoice.invoice_id
            line_after.append(balances[invoice_id] + later[invoice_id])
            later[invoice_id] += part.amount + part.discount
        after.append(line_after[::-1])
    after.reverse()
    acks: list[AckLine] = []
    events: list[dict[str, Any]] = []
    for (d, _, parts), ids, balances_after in zip(planned, app_ids, after, strict=True):
        for part, app_id, balance in zip(parts, ids, balances_after, strict=True):
            acks.append(
                AckLine(
                    reference=d.invoice_ref or "",
                    amount=part.amount,
                    invoice_number=part.invoice.number,
                    remaining=balance,
                )
            )
            deduction = d.deduction if len(parts) == 1 else ZERO
            events.append(_event(d, part, app_id, balance, deduction, now=now))
    write(session, _INSERT_AUDIT_EVENTS, events)
    return acks


def _event(
    d: LineDecision,
    part: Allocation,
    app_id: int,
    balance: Decimal,
    deduction: Decimal,
    *,
    now: datetime,
) -> dict[str, Any]:
    """The audit event :func:`ledger.posting.apply_cash` writes for one part."""
    return {
        "at": now,
        "actor": "worker",
        "action": "apply_cash",
        "entity": "invoice",
        "entity_id": part.invoice.invoice_id,
        "detail": {
            "application_id": app_id,
            "amount": str(part.amount),
            "discount": str(part.discount),
            "deduction": str(deduction),
            "balance_after": str(balance),
            "why": d.reason,
        },
    }
