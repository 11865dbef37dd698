"""Invoice search for the pick and split forms: open invoices by number, customer or amount."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from core.refs import normalise_ref
from ledger import models as m

#: Most invoices a search returns.
MAX_HITS = 20


@dataclass(frozen=True, slots=True)
class InvoiceHit:
    number: str
    customer_number: str
    customer_name: str
    balance: Decimal
    currency: str
    due_date: date
    is_items_customer: bool


def search_invoices(
    session: Session,
    query: str,
    *,
    currency: str | None = None,
    customer_id: int | None = None,
    limit: int = MAX_HITS,
) -> list[InvoiceHit]:
    """Open invoices whose number (as written or normalised) contains ``query``, whose
    customer's number or name contains it, or whose balance or amount equals it (``1,250.00``
    and ``1250`` both work); in ``currency`` when given; ``customer_id``'s first, then by due
    date. An empty query finds ``customer_id``'s open invoices."""
    text = query.strip()[:100]
    stmt = (
        select(m.Invoice, m.Customer)
        .join(m.Customer, m.Customer.id == m.Invoice.customer_id)
        .where(m.Invoice.status == "open")
    )
    if currency:
        stmt = stmt.where(m.Invoice.currency == currency)
    if text:
        like = f"%{_escape(text)}%"
        key = normalise_ref(text)
        conditions: list[ColumnElement[bool]] = [
            m.Invoice.number.ilike(like, escape="\\"),
            m.Customer.number.ilike(like, escape="\\"),
            m.Customer.name.ilike(like, escape="\\"),
        ]
        if key:
            conditions.append(m.Invoice.ref_key.contains(key, autoescape=True))
        amount = _amount(text)
        if amount is not None:
            conditions += [m.Invoice.balance == amount, m.Invoice.amount == amount]
        stmt = stmt.where(or_(*conditions))
    elif customer_id is not None:
        stmt = stmt.where(m.Invoice.customer_id == customer_id)
    else:
        return []
    rows = session.execute(stmt.order_by(m.Invoice.due_date, m.Invoice.number).limit(500))
    hits = [
        InvoiceHit(
            number=inv.number,
            customer_number=cust.number,
            customer_name=cust.name,
            balance=inv.balance,
            currency=inv.currency,
            due_date=inv.due_date,
            is_items_customer=customer_id is not None and inv.customer_id == customer_id,
        )
        for inv, cust in rows.tuples()
    ]
    hits.sort(key=lambda h: not h.is_items_customer)  # stable: due date order within
    return hits[:limit]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _amount(text: str) -> Decimal | None:
    """``text`` as an amount with at most two places (``1,250.00``, ``1250``), else None."""
    plain = text.replace(",", "").replace(" ", "")
    try:
        value = Decimal(plain)
    except InvalidOperation:
        return None
    if not value.is_finite() or value.as_tuple().exponent < -2 or abs(value) >= 10**12:  # type: ignore[operator]
        return None
    return value.quantize(Decimal("0.01"))
