"""Invoice search for the pick and split forms: open invoices by number, customer or amount."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy.orm import Session

from core.refs import normalise_ref
from ledger.item_reads import search_open_invoices

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
    rows = search_open_invoices(
        session,
        text=text,
        ref_key=normalise_ref(text) if text else "",
        amount=_amount(text) if text else None,
        currency=currency,
        customer_id=customer_id,
    )
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
        for inv, cust in rows
    ]
    hits.sort(key=lambda h: not h.is_items_customer)  # stable: due date order within
    return hits[:limit]


def _amount(text: str) -> Decimal | None:
    """``text`` as an amount with at most three places (``1,250.00``, ``1250``, ``1.125``
    KWD), else None."""
    plain = text.replace(",", "").replace(" ", "")
    try:
        value = Decimal(plain)
    except InvalidOperation:
        return None
    if not value.is_finite() or value.as_tuple().exponent < -3 or abs(value) >= 10**12:  # type: ignore[operator]
        return None
    return value if value.as_tuple().exponent == -3 else value.quantize(Decimal("0.01"))
