"""The matching path's reads: what every remittance line asks the ledger (the customer of its
sender, the invoices its references name, the customer's open invoices, those a person
un-applied cash from) and the locks taken before posting.

Each statement is written once, in Core, built once with bound parameters (building and
hashing a ``select()`` per call cost as much as running it), and run through
:func:`ledger.compiled.rows`: on SQLite its compiled SQL, cached, through the driver's cursor.
Joins are spelled out, so no relationship is ever loaded lazily.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, bindparam, or_, select
from sqlalchemy.orm import Session, aliased

from core.open_invoices import OpenInvoices
from core.refs import creditor_forms
from core.statuses import InvoiceStatus
from core.types import OpenInvoice
from ledger.compiled import chunks, columns, rows
from ledger.models import Application, Contact, Customer, Invoice


@dataclass(frozen=True, slots=True)
class CustomerRef:
    """A customer with its registered (lower-cased) contact addresses."""

    id: int
    number: str
    name: str
    contacts: tuple[str, ...]


#: A customer's open invoices, the columns matching compares on every line: half the time of
#: reading every column (each text column is a string object per row). From the covering
#: index ix_invoices_customer_open alone, already in order.
_OPEN_KEYS = (
    select(Invoice.id, Invoice.number, Invoice.balance, Invoice.ref_key)
    .where(Invoice.customer_id == bindparam("customer_id"), Invoice.status == InvoiceStatus.OPEN)
    .order_by(Invoice.due_date, Invoice.number)
)
_DETAIL_COLUMNS = (
    Invoice.id,
    Invoice.currency,
    Invoice.due_date,
    Invoice.issue_date,
    Invoice.amount,
    Invoice.terms,
)
#: The rest of an open invoice, read when matching asks for that invoice.
_OPEN_DETAILS = select(*_DETAIL_COLUMNS).where(Invoice.id == bindparam("id"))
#: The rest of every open invoice of a customer, read when matching goes through them all.
_OPEN_DETAILS_ALL = select(*_DETAIL_COLUMNS).where(
    Invoice.customer_id == bindparam("customer_id"), Invoice.status == InvoiceStatus.OPEN
)
_CUSTOMER_NUMBER = select(Customer.number).where(Customer.id == bindparam("customer_id"))
#: An invoice as :class:`OpenInvoice` holds it, in its field order.
_INVOICE_FIELDS = (
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
)
#: Every invoice with one of the keys, in :class:`OpenInvoice`'s field order.
_BY_REF_KEYS = (
    select(*_INVOICE_FIELDS)
    .join(Customer, Invoice.customer_id == Customer.id)
    .where(Invoice.ref_key.in_(bindparam("keys", expanding=True)))
    .order_by(Invoice.id)
)
#: Every invoice whose printed payment reference is one of the forms, and that reference.
_BY_PAYMENT_REFS = (
    select(*_INVOICE_FIELDS, Invoice.payment_reference)
    .join(Customer, Invoice.customer_id == Customer.id)
    .where(Invoice.payment_reference.in_(bindparam("refs", expanding=True)))
    .order_by(Invoice.id)
)
_WRITER = aliased(Contact)
_OTHER = aliased(Contact)
#: The customers with a contact, each with every contact of its own.
_CUSTOMERS_BY_EMAIL = (
    select(Customer.id, Customer.number, Customer.name, _OTHER.email)
    .select_from(_WRITER)
    .join(Customer, Customer.id == _WRITER.customer_id)
    .join(_OTHER, _OTHER.customer_id == Customer.id)
    .where(_WRITER.email == bindparam("email"))
    .order_by(Customer.id, _OTHER.email)
)
_CONTACTS = (
    select(Contact.email)
    .where(Contact.customer_id == bindparam("customer_id"))
    .order_by(Contact.email)
)
_UNAPPLIED = (
    select(Application.invoice_id)
    .where(
        Application.reversed_at.is_not(None),
        Application.invoice_id.in_(bindparam("ids", expanding=True)),
    )
    .distinct()
)


def open_invoices_for_customer(session: Session, customer_id: int) -> OpenInvoices:
    """The open invoices of a customer, by due date then number.

    What matching compares on every line (ids, numbers, keys, balances) is read at once; the
    rest of an invoice (currency, dates, amount, terms) is read when matching first asks for
    that invoice, and for all of them in one read when it goes through every one. Most lines
    look closely at one or two. Those reads belong to this transaction: made after it ended,
    they raise instead of reading another snapshot."""
    found = rows(session, _CUSTOMER_NUMBER, {"customer_id": customer_id})
    if not found:
        return OpenInvoices.of(())
    number = found[0][0]
    transaction = session.get_transaction()

    def details(stmt: Any, params: dict[str, int]) -> dict[int, Any]:
        if transaction is None or session.get_transaction() is not transaction:
            raise RuntimeError("open invoices made after the transaction that read them ended")
        return {r[0]: r for r in rows(session, stmt, params)}

    ids, numbers, balances, keys = columns(session, _OPEN_KEYS, {"customer_id": customer_id})

    def made(no: int, d: Any) -> OpenInvoice:
        return _open_invoice(
            ids[no],
            numbers[no],
            customer_id,
            number,
            balances[no],
            d[1],
            InvoiceStatus.OPEN,
            d[2],
            d[3],
            d[4],
            d[5],
            keys[no],
        )

    def make(no: int) -> OpenInvoice:
        return made(no, details(_OPEN_DETAILS, {"id": ids[no]})[ids[no]])

    def make_all(read: Sequence[int]) -> list[OpenInvoice]:
        every = details(_OPEN_DETAILS_ALL, {"customer_id": customer_id})
        # One this transaction has paid since it read them is no longer open: read it alone.
        return [made(no, every[ids[no]]) if ids[no] in every else make(no) for no in read]

    return OpenInvoices(
        ids=ids,
        numbers=numbers,
        keys=keys,
        balances=balances,
        rows=range(len(ids)),
        make=make,
        make_all=make_all,
    )


def invoices_by_ref_keys(session: Session, keys: Collection[str]) -> dict[str, list[OpenInvoice]]:
    """Every invoice (any status, any customer) whose ``ref_key`` is in ``keys``, by key, each
    list in id order.

    A key that is an ISO 11649 creditor reference with valid check digits (``rf18…``) also
    names the invoice whose printed ``payment_reference`` it is; a mistyped one names none.
    Paid invoices are included so matching can say "already paid" rather than "unknown".
    Keys with no invoice are absent from the result.
    """
    found: dict[str, list[OpenInvoice]] = {}
    for chunk in chunks(sorted(set(keys))):
        for r in rows(session, _BY_REF_KEYS, {"keys": chunk}):
            found.setdefault(r[11], []).append(_open_invoice(*r))
    by_form = {form: key for key in keys for form in creditor_forms(key)}
    for chunk in chunks(sorted(by_form)):
        for r in rows(session, _BY_PAYMENT_REFS, {"refs": chunk}):
            listed = found.setdefault(by_form[r[12]], [])
            if all(inv.invoice_id != r[0] for inv in listed):
                listed.append(_open_invoice(*r[:12]))
    return found


def customer_by_email(session: Session, address: str) -> CustomerRef | None:
    """The customer whose registered contacts include ``address`` (case-insensitive).

    Returns None when no customer has it, and also when several do: an address shared by two
    customers does not say which one is writing.
    """
    email = address.strip().lower()
    if not email:
        return None
    found = rows(session, _CUSTOMERS_BY_EMAIL, {"email": email})
    if not found or found[0][0] != found[-1][0]:
        return None
    cid, number, name, _ = found[0]
    return CustomerRef(id=cid, number=number, name=name, contacts=tuple(r[3] for r in found))


def customer_contacts(session: Session, customer_id: int) -> tuple[str, ...]:
    """The registered contact addresses of a customer, sorted."""
    return tuple(r[0] for r in rows(session, _CONTACTS, {"customer_id": customer_id}))


def unapplied_before(session: Session, invoice_ids: Collection[int]) -> set[int]:
    """Those of ``invoice_ids`` a person un-applied cash from at least once (what
    ``ledger.reversals.reversed_invoice_ids`` says, read as cheaply as the matching path's
    other reads: it runs for every line that would post)."""
    found: set[int] = set()
    for chunk in chunks(sorted(set(invoice_ids))):
        found.update(r[0] for r in rows(session, _UNAPPLIED, {"ids": chunk}))
    return found


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
        if forms := sorted({form for key in keys for form in creditor_forms(key)}):
            conditions.append(Invoice.payment_reference.in_(forms))
    if customer_id is not None:
        conditions.append(
            (Invoice.customer_id == customer_id) & (Invoice.status == InvoiceStatus.OPEN)
        )
    if not conditions:
        return 0
    stmt = select(Invoice.id).where(or_(*conditions)).order_by(Invoice.id).with_for_update()
    return len(session.execute(stmt).all())


# A frozen dataclass's ``__init__`` sets every field through ``object.__setattr__``; for a
# customer's ~200 open invoices per line that was most of turning the rows into invoices.
# Filling the slots of a new instance directly makes the same (immutable) object in half the
# time. The setters in field order: a new field of OpenInvoice breaks this unpacking at import.
(
    _put_invoice_id,
    _put_number,
    _put_customer_id,
    _put_customer_number,
    _put_balance,
    _put_currency,
    _put_status,
    _put_due_date,
    _put_issue_date,
    _put_amount,
    _put_terms,
    _put_ref_key,
) = (getattr(OpenInvoice, f.name).__set__ for f in fields(OpenInvoice))
_new = object.__new__


def _open_invoice(
    invoice_id: int,
    number: str,
    customer_id: int,
    customer_number: str,
    balance: Decimal,
    currency: str,
    status: str,
    due_date: date,
    issue_date: date | None,
    amount: Decimal | None,
    terms: str | None,
    ref_key: str,
) -> OpenInvoice:
    """``OpenInvoice(...)`` of these fields, without its ``__init__``."""
    invoice: OpenInvoice = _new(OpenInvoice)
    _put_invoice_id(invoice, invoice_id)
    _put_number(invoice, number)
    _put_customer_id(invoice, customer_id)
    _put_customer_number(invoice, customer_number)
    _put_balance(invoice, balance)
    _put_currency(invoice, currency)
    _put_status(invoice, status)
    _put_due_date(invoice, due_date)
    _put_issue_date(invoice, issue_date)
    _put_amount(invoice, amount)
    _put_terms(invoice, terms)
    _put_ref_key(invoice, ref_key)
    return invoice
