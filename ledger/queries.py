"""Read queries of the ledger. Each returns frozen dataclasses, never ORM rows.

Joins are spelled out here, with ``select()`` of columns, so no relationship is ever loaded
lazily (they are all ``lazy="raise"``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Executable, Result, Row, Select, bindparam, or_, select
from sqlalchemy.orm import Session

from core.types import OpenInvoice, ReviewStatus
from ledger import sqlite_reads
from ledger.models import (
    Application,
    Contact,
    Customer,
    InboundMessage,
    Invoice,
    RemittanceLine,
    ReviewItem,
)
from ledger.models import Remittance as RemittanceModel

_T = TypeVar("_T")

#: Rows per ``IN (...)`` list: below SQLite's historical limit of 999 bound parameters.
IN_CHUNK = 900
#: Application statuses that are cash applied (as opposed to anything reversed later).
APPLIED_STATUSES: tuple[str, ...] = ("auto", "confirmed")


@dataclass(frozen=True, slots=True)
class ApplicationRow:
    """One (payment, invoice) application, as exported."""

    message_id: str
    invoice_number: str
    customer_number: str
    amount_applied: Decimal
    discount: Decimal
    deduction: Decimal
    currency: str
    status: str
    confidence: Decimal
    applied_at: datetime


@dataclass(frozen=True, slots=True)
class ReviewCandidate:
    """An invoice suggested for a review item, with its score (0–1)."""

    invoice_number: str
    score: Decimal


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """An open review item, as listed."""

    id: int
    kind: str
    message_id: str | None
    customer_number: str | None
    reason: str
    candidates: tuple[ReviewCandidate, ...]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CustomerRef:
    """A customer with its registered (lower-cased) contact addresses."""

    id: int
    number: str
    name: str
    contacts: tuple[str, ...]


def applications_for_export(session: Session) -> list[ApplicationRow]:
    """Every application of cash, with the Message-ID of the mail it came from.

    Ordered by ``applied_at``, then id.
    """
    stmt = (
        select(
            InboundMessage.message_id,
            Invoice.number,
            Customer.number,
            Application.amount,
            Application.discount,
            Application.deduction,
            Application.currency,
            Application.status,
            Application.confidence,
            Application.applied_at,
        )
        .join(RemittanceLine, Application.remittance_line_id == RemittanceLine.id)
        .join(RemittanceModel, RemittanceLine.remittance_id == RemittanceModel.id)
        .join(InboundMessage, RemittanceModel.inbound_id == InboundMessage.id)
        .join(Invoice, Application.invoice_id == Invoice.id)
        .join(Customer, Invoice.customer_id == Customer.id)
        .where(Application.status.in_(APPLIED_STATUSES))
        .order_by(Application.applied_at, Application.id)
    )
    return [
        ApplicationRow(
            message_id=r[0],
            invoice_number=r[1],
            customer_number=r[2],
            amount_applied=r[3],
            discount=r[4],
            deduction=r[5],
            currency=r[6],
            status=r[7],
            confidence=r[8],
            applied_at=r[9],
        )
        for r in session.execute(stmt)
    ]


def pending_review(session: Session) -> list[ReviewRow]:
    """Open review items, oldest first (created_at, then id)."""
    stmt = (
        select(
            ReviewItem.id,
            ReviewItem.kind,
            InboundMessage.message_id,
            Customer.number,
            ReviewItem.reason,
            ReviewItem.candidates,
            ReviewItem.created_at,
        )
        .outerjoin(InboundMessage, ReviewItem.inbound_id == InboundMessage.id)
        .outerjoin(Customer, ReviewItem.customer_id == Customer.id)
        .where(ReviewItem.status == ReviewStatus.OPEN)
        .order_by(ReviewItem.created_at, ReviewItem.id)
    )
    return [
        ReviewRow(
            id=r[0],
            kind=r[1],
            message_id=r[2] or None,  # "" is stored for a mail without Message-ID
            customer_number=r[3],
            reason=r[4],
            candidates=to_review_candidates(r[5]),
            created_at=r[6],
        )
        for r in session.execute(stmt)
    ]


def to_review_candidates(stored: Any) -> tuple[ReviewCandidate, ...]:
    """The candidates JSON of a review item (``[{"invoice_number", "score"}]``) as values.

    Scores are stored as strings (``"0.875"``); numbers are read through ``str`` so that no
    binary float leaks into the Decimal. Entries without an invoice number are skipped.
    """
    candidates: list[ReviewCandidate] = []
    for entry in stored or ():
        if not isinstance(entry, dict) or not entry.get("invoice_number"):
            continue
        try:
            score = Decimal(str(entry.get("score", "0")))
        except InvalidOperation:
            score = Decimal(0)
        candidates.append(ReviewCandidate(invoice_number=str(entry["invoice_number"]), score=score))
    return tuple(candidates)


def open_invoices_for_customer(session: Session, customer_id: int) -> Sequence[OpenInvoice]:
    """The open invoices of a customer, by due date then number."""
    if _on_sqlite(session):
        return sqlite_reads.open_invoices(session, customer_id)
    stmt = _prepared().open_for_customer
    return [_to_open_invoice(r) for r in _core(session, stmt, {"customer_id": customer_id})]


#: The name the SQLite reader had here before ``ledger.sqlite_reads``.
_open_invoices_sqlite = sqlite_reads.open_invoices


def _on_sqlite(session: Session) -> bool:
    """Whether the session is bound to SQLite (whose reads go through ledger.sqlite_reads)."""
    return session.get_bind().dialect.name == "sqlite"


def lock_invoices(session: Session, *, keys: Collection[str], customer_id: int | None) -> int:
    """Lock (``SELECT ... FOR UPDATE``) every invoice a remittance could touch: those whose
    ``ref_key`` is in ``keys`` and the customer's open ones. Returns how many were locked.

    The rows are locked in id order, so two workers locking overlapping sets wait for each
    other instead of deadlocking, and reads after this in the same transaction see the
    balances of whoever committed before us, not a stale snapshot. A no-op on SQLite, whose
    ``BEGIN IMMEDIATE`` already serializes writers.
    """
    if session.get_bind().dialect.name == "sqlite":
        return 0  # checked first: building the conditions costs more than nothing
    conditions: list[ColumnElement[bool]] = []
    if keys:
        conditions.append(Invoice.ref_key.in_(sorted(set(keys))))
    if customer_id is not None:
        conditions.append((Invoice.customer_id == customer_id) & (Invoice.status == "open"))
    if not conditions:
        return 0
    stmt = select(Invoice.id).where(or_(*conditions)).order_by(Invoice.id).with_for_update()
    return len(session.execute(stmt).all())


def invoices_by_ref_keys(session: Session, keys: Collection[str]) -> dict[str, list[OpenInvoice]]:
    """Every invoice (any status, any customer) whose ``ref_key`` is in ``keys``, by key.

    Paid invoices are included so matching can say "already paid" rather than "unknown".
    Keys with no invoice are absent from the result.
    """
    if _on_sqlite(session):
        return sqlite_reads.invoices_by_ref_keys(session, sorted(set(keys)))
    found: dict[str, list[OpenInvoice]] = {}
    for chunk in _chunks(sorted(set(keys)), IN_CHUNK):
        for r in _core(session, _prepared().by_ref_keys, {"keys": list(chunk)}):
            found.setdefault(r[11], []).append(_to_open_invoice(r))
    return found


def customer_by_email(session: Session, address: str) -> CustomerRef | None:
    """The customer whose registered contacts include ``address`` (case-insensitive).

    Returns None when no customer has it, and also when several do: an address shared by two
    customers does not say which one is writing.
    """
    email = address.strip().lower()
    if not email:
        return None
    if _on_sqlite(session):
        one = sqlite_reads.customer_by_email(session, email)
        return CustomerRef(*one) if one is not None else None
    found = _core(session, _prepared().customer_by_email, {"email": email}).all()
    if len(found) != 1:
        return None
    cid, number, name = found[0]
    return CustomerRef(id=cid, number=number, name=name, contacts=customer_contacts(session, cid))


def contact_customer_ids(session: Session, address: str | None) -> tuple[int, ...]:
    """Every customer with ``address`` as a registered contact (case-insensitive), by id: one
    AP team paying for sister companies is registered with each of them."""
    email = (address or "").strip().lower()
    if not email:
        return ()
    found = session.scalars(
        select(Contact.customer_id).where(Contact.email == email).distinct()
    ).all()
    return tuple(sorted(found))


def customer_contacts(session: Session, customer_id: int) -> tuple[str, ...]:
    """The registered contact addresses of a customer, sorted."""
    return tuple(_core(session, _prepared().contacts, {"customer_id": customer_id}).scalars())


def unapplied_before(session: Session, invoice_ids: Collection[int]) -> set[int]:
    """Those of ``invoice_ids`` a person un-applied cash from at least once (what
    ``ledger.reversals.reversed_invoice_ids`` says, read as cheaply as the matching path's
    other reads: it runs for every line that would post)."""
    if not invoice_ids:
        return set()
    if _on_sqlite(session):
        return sqlite_reads.unapplied_before(session, invoice_ids)
    found: set[int] = set()
    for chunk in _chunks(sorted(set(invoice_ids)), IN_CHUNK):
        found.update(_core(session, _prepared().unapplied, {"ids": list(chunk)}).scalars())
    return found


def customers_at_domain(session: Session, domain: str) -> list[int]:
    """Ids of the customers with a registered contact at ``domain`` (at most two: more
    say no more than two do)."""
    domain = domain.strip().lower()
    if not domain:
        return []
    return list(
        _core(
            session,
            select(Contact.customer_id)
            .where(Contact.email.endswith(f"@{domain}", autoescape=True))
            .distinct()
            .order_by(Contact.customer_id)
            .limit(2),
        ).scalars()
    )


def customer_names(session: Session) -> dict[int, str]:
    """Every customer's name, by id (for identification by payer name)."""
    return dict(_core(session, select(Customer.id, Customer.name)).tuples().all())


@dataclass(frozen=True, slots=True)
class LineRecord:
    """One remittance line of a mail, as decided, with its decision record."""

    inbound_id: int
    line_no: int
    invoice_ref: str | None
    stated_amount: Decimal | None
    amount: Decimal
    outcome: str
    confidence: Decimal
    reason: str
    invoice_number: str | None
    evidence: dict[str, Any]


def line_records(session: Session, message_id: str) -> list[LineRecord]:
    """The decided remittance lines of every stored mail with ``message_id``, in order."""
    stmt = (
        select(
            InboundMessage.id,
            RemittanceLine.line_no,
            RemittanceLine.invoice_ref,
            RemittanceLine.stated_amount,
            RemittanceLine.amount,
            RemittanceLine.outcome,
            RemittanceLine.confidence,
            RemittanceLine.reason,
            Invoice.number,
            RemittanceLine.evidence,
        )
        .join(RemittanceModel, RemittanceModel.inbound_id == InboundMessage.id)
        .join(RemittanceLine, RemittanceLine.remittance_id == RemittanceModel.id)
        .outerjoin(Invoice, Invoice.id == RemittanceLine.invoice_id)
        .where(InboundMessage.message_id == message_id.strip())
        .order_by(InboundMessage.id, RemittanceLine.line_no)
    )
    return [
        LineRecord(
            inbound_id=r[0],
            line_no=r[1],
            invoice_ref=r[2],
            stated_amount=r[3],
            amount=r[4],
            outcome=r[5],
            confidence=r[6],
            reason=r[7],
            invoice_number=r[8],
            evidence=r[9] or {},
        )
        for r in session.execute(stmt)
    ]


def _open_invoice_select() -> Select[Any]:
    return select(
        Invoice.id,
        Invoice.number,
        Invoice.customer_id,
        Customer.number,
        Invoice.balance,
        Invoice.currency,
        Invoice.status,
        Invoice.due_date,
        Invoice.issue_date,
        Invoice.amount,
        Invoice.terms,
        Invoice.ref_key,
    ).join(Customer, Invoice.customer_id == Customer.id)


def _to_open_invoice(r: Row[Any]) -> OpenInvoice:
    return OpenInvoice(
        invoice_id=r[0],
        number=r[1],
        customer_id=r[2],
        customer_number=r[3],
        balance=r[4],
        currency=r[5],
        status=r[6],
        due_date=r[7],
        issue_date=r[8],
        amount=r[9],
        terms=r[10],
        ref_key=r[11],
    )


def _chunks(items: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _core(
    session: Session, stmt: Executable, params: Mapping[str, Any] | None = None
) -> Result[Any]:
    """``stmt`` run on the session's connection: these queries select columns, never
    entities, so the ORM's per-row result machinery buys nothing (it is about half of their
    time on 200 rows). Pending changes are flushed first, as ``session.execute`` would."""
    if session.autoflush:
        session.flush()
    return session.connection().execute(stmt, dict(params or {}))


@dataclass(frozen=True, slots=True)
class _Prepared:
    """The statements of the matching path, built once with bound parameters: building and
    hashing a fresh ``select()`` per call cost as much as running it."""

    open_for_customer: Select[Any]
    by_ref_keys: Select[Any]
    customer_by_email: Select[Any]
    contacts: Select[Any]
    unapplied: Select[Any]


@cache
def _prepared() -> _Prepared:
    return _Prepared(
        open_for_customer=_open_invoice_select()
        .where(Invoice.customer_id == bindparam("customer_id"), Invoice.status == "open")
        .order_by(Invoice.due_date, Invoice.number),
        by_ref_keys=_open_invoice_select()
        .where(Invoice.ref_key.in_(bindparam("keys", expanding=True)))
        .order_by(Invoice.id),
        customer_by_email=select(Customer.id, Customer.number, Customer.name)
        .join(Contact, Contact.customer_id == Customer.id)
        .where(Contact.email == bindparam("email"))
        .limit(2),
        contacts=select(Contact.email)
        .where(Contact.customer_id == bindparam("customer_id"))
        .order_by(Contact.email),
        unapplied=select(Application.invoice_id)
        .where(
            Application.invoice_id.in_(bindparam("ids", expanding=True)),
            Application.reversed_at.is_not(None),
        )
        .distinct(),
    )
