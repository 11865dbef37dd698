"""What issuing invoices and credit memos reads and writes (issue 24): the customers' billing
details and contacts, the documents already issued (by their issue key), an issued invoice
with its lines and what earlier credit memos credited, and the document itself — its open
item, its lines and its audit event — in the caller's transaction.

The open item is written as an import writes one (:mod:`ledger.imports`): ``ref_key`` is the
number normalised by :func:`core.refs.normalise_ref`, status open, balance = amount. A credit
memo's amount and balance are negative and ``credits_invoice_id`` names its invoice.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from core.refs import normalise_ref
from core.statuses import InvoiceStatus
from ledger.base import money_from_sum
from ledger.compiled import IN_CHUNK
from ledger.models import AuditEvent, Contact, Customer, Invoice, InvoiceLine, OutboxMessage

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class ContactInfo:
    """A registered contact: address (lower case), role and own locale."""

    email: str
    role: str | None
    locale: str | None


@dataclass(frozen=True, slots=True)
class BillingCustomer:
    """A customer as an issued document names it, with its contacts."""

    id: int
    number: str
    name: str
    address: str | None
    postcode: str | None
    city: str | None
    country: str | None
    vat_id: str | None
    endpoint_scheme: str | None
    endpoint_id: str | None
    einvoice: str | None
    locale: str | None
    contact_domain: str | None
    contacts: tuple[ContactInfo, ...]


_CUSTOMER_COLUMNS = (
    Customer.id,
    Customer.number,
    Customer.name,
    Customer.address,
    Customer.postcode,
    Customer.city,
    Customer.country,
    Customer.vat_id,
    Customer.endpoint_scheme,
    Customer.endpoint_id,
    Customer.einvoice,
    Customer.locale,
    Customer.contact_domain,
)


def billing_customers(session: Session, numbers: Collection[str]) -> dict[str, BillingCustomer]:
    """The customers of ``numbers`` that exist, by number, with their contacts."""
    wanted = sorted(set(numbers))
    found: dict[str, tuple[Any, ...]] = {}
    for start in range(0, len(wanted), IN_CHUNK):
        chunk = wanted[start : start + IN_CHUNK]
        for row in session.execute(select(*_CUSTOMER_COLUMNS).where(Customer.number.in_(chunk))):
            found[row.number] = tuple(row)
    contacts = _contacts(session, [row[0] for row in found.values()])
    return {
        number: BillingCustomer(*row, contacts=tuple(contacts.get(row[0], ())))  # type: ignore[misc]
        for number, row in found.items()
    }


def billing_customer_by_id(session: Session, customer_id: int) -> BillingCustomer:
    """The customer ``customer_id`` (which exists) with its contacts."""
    row = session.execute(select(*_CUSTOMER_COLUMNS).where(Customer.id == customer_id)).one()
    contacts = _contacts(session, [customer_id])
    return BillingCustomer(*row, contacts=tuple(contacts.get(customer_id, ())))  # type: ignore[misc]


def _contacts(session: Session, customer_ids: Sequence[int]) -> dict[int, list[ContactInfo]]:
    out: dict[int, list[ContactInfo]] = {}
    for start in range(0, len(customer_ids), IN_CHUNK):
        chunk = list(customer_ids[start : start + IN_CHUNK])
        query = (
            select(Contact.customer_id, Contact.email, Contact.role, Contact.locale)
            .where(Contact.customer_id.in_(chunk))
            .order_by(Contact.customer_id, Contact.email)
        )
        for cid, email, role, locale in session.execute(query):
            out.setdefault(cid, []).append(ContactInfo(email, role, locale))
    return out


def issued_keys(session: Session, keys: Collection[str]) -> dict[str, tuple[str, Decimal]]:
    """Issue key → (number, amount) of the documents of ``keys`` already issued."""
    wanted = sorted(set(keys))
    found: dict[str, tuple[str, Decimal]] = {}
    for start in range(0, len(wanted), IN_CHUNK):
        chunk = wanted[start : start + IN_CHUNK]
        query = select(Invoice.issue_key, Invoice.number, Invoice.amount).where(
            Invoice.issue_key.in_(chunk)
        )
        found.update(
            {key: (number, amount) for key, number, amount in session.execute(query) if key}
        )
    return found


def issued_by_key(session: Session, key: str) -> tuple[int, str, Decimal] | None:
    """(id, number, amount) of the document issued under ``key``, or None."""
    row = session.execute(
        select(Invoice.id, Invoice.number, Invoice.amount).where(Invoice.issue_key == key)
    ).one_or_none()
    return None if row is None else (row[0], row[1], row[2])


def number_taken(session: Session, number: str) -> bool:
    """Whether an invoice (imported or issued) has ``number``."""
    return bool(numbers_taken(session, [number]))


def numbers_taken(session: Session, numbers: Collection[str]) -> set[str]:
    """Those of ``numbers`` an invoice (imported or issued) has."""
    wanted = sorted(set(numbers))
    found: set[str] = set()
    for start in range(0, len(wanted), IN_CHUNK):
        chunk = wanted[start : start + IN_CHUNK]
        found.update(session.scalars(select(Invoice.number).where(Invoice.number.in_(chunk))))
    return found


def pending_outbox_rows(
    session: Session, keys: Collection[str], statuses: Collection[str]
) -> list[int]:
    """Ids of the outbox rows of ``keys`` whose status is one of ``statuses``."""
    wanted = sorted(set(keys))
    found: list[int] = []
    for start in range(0, len(wanted), IN_CHUNK):
        chunk = wanted[start : start + IN_CHUNK]
        query = select(OutboxMessage.id).where(
            OutboxMessage.key.in_(chunk), OutboxMessage.status.in_(list(statuses))
        )
        found.extend(session.scalars(query))
    return sorted(found)


@dataclass(frozen=True, slots=True)
class StoredLine:
    """A line as stored: the written figures as text, net and tax in minor units."""

    description: str
    quantity: Decimal
    unit_code: str
    unit_price: Decimal
    tax_category: str
    tax_rate: Decimal
    net: Decimal
    tax: Decimal | None


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """An invoice or credit memo to store as an open item. ``amount`` is signed (negative for
    a credit memo)."""

    number: str
    customer_id: int
    issue_date: date
    due_date: date
    amount: Decimal
    currency: str
    terms: str | None
    payment_reference: str | None
    po_number: str | None
    notes: str | None
    net_total: Decimal
    tax_total: Decimal
    einvoice: str | None
    issue_key: str | None
    credits_invoice_id: int | None
    lines: tuple[StoredLine, ...]


def store_document(
    session: Session, doc: StoredDocument, *, now: datetime, actor: str, action: str, **detail: Any
) -> int:
    """Write ``doc``, its lines and an audit event; the invoice's id. A taken number or issue
    key raises the database's IntegrityError (the caller's transaction is then lost)."""
    return store_documents(session, [(doc, actor, action, detail)], now=now)[0]


def store_documents(
    session: Session,
    docs: Sequence[tuple[StoredDocument, str, str, dict[str, Any]]],
    *,
    now: datetime,
) -> list[int]:
    """Write each ``(document, actor, action, audit detail)``: the open items in one
    statement, their lines in one, their audit events in one; the invoices' ids in order."""
    ids: list[int] = list(
        session.scalars(
            insert(Invoice).returning(Invoice.id, sort_by_parameter_order=True),
            [_invoice_row(doc, now) for doc, _, _, _ in docs],
        )
    )
    session.execute(
        insert(InvoiceLine),
        [
            {
                "invoice_id": invoice_id,
                "line_no": number,
                "description": line.description,
                "quantity": str(line.quantity),
                "unit_code": line.unit_code,
                "unit_price": str(line.unit_price),
                "tax_category": line.tax_category,
                "tax_rate": str(line.tax_rate),
                "net": line.net,
                "tax": line.tax,
            }
            for invoice_id, (doc, _, _, _) in zip(ids, docs, strict=True)
            for number, line in enumerate(doc.lines, start=1)
        ],
    )
    session.execute(
        insert(AuditEvent),
        [
            {
                "at": now,
                "actor": actor,
                "action": action,
                "entity": "invoice",
                "entity_id": invoice_id,
                "detail": {
                    "number": doc.number,
                    "amount": str(doc.amount),
                    "currency": doc.currency,
                }
                | detail,
            }
            for invoice_id, (doc, actor, action, detail) in zip(ids, docs, strict=True)
        ],
    )
    return ids


def _invoice_row(doc: StoredDocument, now: datetime) -> dict[str, Any]:
    return {
        "number": doc.number,
        "ref_key": normalise_ref(doc.number),
        "customer_id": doc.customer_id,
        "issue_date": doc.issue_date,
        "due_date": doc.due_date,
        "amount": doc.amount,
        "balance": doc.amount,
        "currency": doc.currency,
        "terms": doc.terms,
        "status": InvoiceStatus.OPEN,
        "created_at": now,
        "updated_at": now,
        "credits_invoice_id": doc.credits_invoice_id,
        "payment_reference": doc.payment_reference,
        "po_number": doc.po_number,
        "notes": doc.notes,
        "net_total": doc.net_total,
        "tax_total": doc.tax_total,
        "einvoice": doc.einvoice,
        "issued_at": now,
        "issue_key": doc.issue_key,
    }


@dataclass(frozen=True, slots=True)
class CreditSource:
    """An issued invoice a credit memo may credit: its header, its lines (as stored) and the
    gross amount earlier credit memos credited (positive)."""

    id: int
    number: str
    customer_id: int
    issue_date: date
    currency: str
    amount: Decimal
    po_number: str | None
    einvoice: str | None
    lines: tuple[StoredLine, ...]
    credited: Decimal


def credit_source(session: Session, number: str) -> CreditSource | None:
    """The invoice ``number`` with its lines and what was credited, its row locked until the
    transaction ends (two credit memos of one invoice wait for each other); None if unknown."""
    row = session.execute(
        select(
            Invoice.id,
            Invoice.number,
            Invoice.customer_id,
            Invoice.issue_date,
            Invoice.currency,
            Invoice.amount,
            Invoice.po_number,
            Invoice.einvoice,
            Invoice.credits_invoice_id,
        )
        .where(Invoice.number == number)
        .with_for_update()
    ).first()
    if row is None or row.credits_invoice_id is not None or row.amount <= 0:
        return None
    lines = session.execute(
        select(
            InvoiceLine.description,
            InvoiceLine.quantity,
            InvoiceLine.unit_code,
            InvoiceLine.unit_price,
            InvoiceLine.tax_category,
            InvoiceLine.tax_rate,
            InvoiceLine.net,
            InvoiceLine.tax,
        )
        .where(InvoiceLine.invoice_id == row.id)
        .order_by(InvoiceLine.line_no)
    ).all()
    credited = money_from_sum(
        session.execute(
            select(func.sum(Invoice.amount)).where(Invoice.credits_invoice_id == row.id)
        ).scalar_one()
    )
    return CreditSource(
        id=row.id,
        number=row.number,
        customer_id=row.customer_id,
        issue_date=row.issue_date,
        currency=row.currency,
        amount=row.amount,
        po_number=row.po_number,
        einvoice=row.einvoice,
        lines=tuple(
            StoredLine(d, Decimal(q), u, Decimal(p), c, Decimal(r), n, t)
            for d, q, u, p, c, r, n, t in lines
        ),
        credited=-credited,
    )
