"""The reads of one review item's page and of its invoice search: the item's remittance and
its lines, the invoices (with their customers) a line's candidates name, the decision just
recorded, and open invoices by number, customer or amount. The review pages call these; the
SQL is here."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from decimal import Decimal

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from core.statuses import InvoiceStatus
from ledger import models as m
from ledger.like_patterns import escape_like

#: Most open invoices one search reads (the page shows fewer).
SEARCH_ROWS = 500


def remittance_of_inbound(session: Session, inbound_id: int) -> m.Remittance | None:
    """A remittance read from the mail ``inbound_id`` (the first, when it has several)."""
    return session.scalars(
        select(m.Remittance).where(m.Remittance.inbound_id == inbound_id)
    ).first()


def remittance_lines(session: Session, remittance_id: int) -> Sequence[m.RemittanceLine]:
    """The lines of remittance ``remittance_id``, in the order they were written."""
    return session.scalars(
        select(m.RemittanceLine)
        .where(m.RemittanceLine.remittance_id == remittance_id)
        .order_by(m.RemittanceLine.line_no)
    ).all()


def invoices_with_customers(
    session: Session, numbers: Collection[str]
) -> dict[str, tuple[m.Invoice, m.Customer]]:
    """The invoices numbered ``numbers`` (those that exist), each with its customer, by
    number."""
    return {
        inv.number: (inv, cust)
        for inv, cust in session.execute(
            select(m.Invoice, m.Customer)
            .join(m.Customer, m.Customer.id == m.Invoice.customer_id)
            .where(m.Invoice.number.in_(numbers))
        ).tuples()
    }


def invoices_numbered(session: Session, numbers: Collection[str]) -> list[m.Invoice]:
    """The invoices numbered ``numbers`` (those that exist)."""
    return list(session.scalars(select(m.Invoice).where(m.Invoice.number.in_(numbers))))


def invoice_number(session: Session, invoice_id: int | None) -> str | None:
    """The number of invoice ``invoice_id``; None for no id or no such invoice."""
    if invoice_id is None:
        return None
    return session.scalars(select(m.Invoice.number).where(m.Invoice.id == invoice_id)).first()


def customer_number(session: Session, customer_id: int) -> str:
    """The number of customer ``customer_id`` (which must exist)."""
    return session.scalars(select(m.Customer.number).where(m.Customer.id == customer_id)).one()


def last_decision(session: Session, item_id: int) -> m.AuditEvent | None:
    """The audit event of the latest decision on review item ``item_id``, if any."""
    return session.scalars(
        select(m.AuditEvent)
        .where(
            m.AuditEvent.entity == "review_item",
            m.AuditEvent.entity_id == item_id,
            m.AuditEvent.action == "review_decision",
        )
        .order_by(m.AuditEvent.id.desc())
        .limit(1)
    ).first()


def search_open_invoices(
    session: Session,
    *,
    text: str,
    ref_key: str,
    amount: Decimal | None,
    currency: str | None,
    customer_id: int | None,
) -> list[tuple[m.Invoice, m.Customer]]:
    """Open invoices (at most :data:`SEARCH_ROWS`, by due date then number) with their
    customers: those whose number contains ``text`` or whose reference key contains
    ``ref_key`` (its normalised form), whose customer's number or name contains ``text``
    (case-insensitively), or whose balance or amount is ``amount``; with no ``text``,
    ``customer_id``'s open invoices, and with neither, none. Only in ``currency`` when
    given."""
    stmt = (
        select(m.Invoice, m.Customer)
        .join(m.Customer, m.Customer.id == m.Invoice.customer_id)
        .where(m.Invoice.status == InvoiceStatus.OPEN)
    )
    if currency:
        stmt = stmt.where(m.Invoice.currency == currency)
    if text:
        like = f"%{escape_like(text)}%"
        conditions: list[ColumnElement[bool]] = [
            m.Invoice.number.ilike(like, escape="\\"),
            m.Customer.number.ilike(like, escape="\\"),
            m.Customer.name.ilike(like, escape="\\"),
        ]
        if ref_key:
            conditions.append(m.Invoice.ref_key.contains(ref_key, autoescape=True))
        if amount is not None:
            conditions += [m.Invoice.balance == amount, m.Invoice.amount == amount]
        stmt = stmt.where(or_(*conditions))
    elif customer_id is not None:
        stmt = stmt.where(m.Invoice.customer_id == customer_id)
    else:
        return []
    rows = session.execute(stmt.order_by(m.Invoice.due_date, m.Invoice.number).limit(SEARCH_ROWS))
    return list(rows.tuples())
