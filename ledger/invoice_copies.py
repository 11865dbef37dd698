"""Copies of invoices a customer asked for (the invoice-copy reply): what each shows, read
from the ledger. Importable from :mod:`ledger.statements` too, where they began."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.models import Customer, Invoice


@dataclass(frozen=True, slots=True)
class InvoiceCopy:
    """What a copy of an invoice shows."""

    number: str
    customer_number: str
    customer_name: str
    issue_date: date
    due_date: date
    amount: Decimal
    balance: Decimal
    currency: str
    terms: str | None


def invoice_copies(
    session: Session, *, customer_id: int, numbers: Sequence[str]
) -> list[InvoiceCopy]:
    """Copies of the invoices ``numbers`` that belong to ``customer_id``, by number; a number
    of another customer's invoice, or of none, is left out."""
    if not numbers:
        return []
    rows = session.execute(
        select(
            Invoice.number,
            Customer.number,
            Customer.name,
            Invoice.issue_date,
            Invoice.due_date,
            Invoice.amount,
            Invoice.balance,
            Invoice.currency,
            Invoice.terms,
        )
        .join(Customer, Customer.id == Invoice.customer_id)
        .where(Invoice.customer_id == customer_id, Invoice.number.in_(sorted(set(numbers))))
        .order_by(Invoice.number)
    )
    return [InvoiceCopy(*r) for r in rows]
