"""Statements of account and invoice copies: what they say, read from the ledger.

A statement is one customer's position in one currency as of a date: its open items (invoices
with a positive balance), its open credits (credit memos: negative balances), its unapplied
cash, the open items aged by days past due, and the total due (open items − credits −
unapplied cash). Balances are the ledger's current ones; ``as_of`` sets the aging and leaves
out invoices issued after it.

:func:`iter_statements` walks every customer with open items by keyset pagination on the
customer id, one short session per page, so a bulk run never holds all invoices in memory and
never keeps a transaction open while the caller writes to the outbox.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from core.statuses import InvoiceStatus, UnappliedStatus
from ledger.models import Contact, Customer, Invoice, UnappliedCash
from ledger.models import Remittance as RemittanceModel

ZERO = Decimal("0.00")
#: A contact whose role contains this word (``statements``, ``AP / statements``) receives
#: the statement run's mail; a customer without one, every contact.
STATEMENT_ROLE = "statement"
#: Customers per page of a bulk run (four queries a page).
PAGE_SIZE = 200
#: Aging buckets: label, first and last day past due (None: no upper end).
BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("current", 0, 0),
    ("1-30", 1, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("90+", 91, None),
)


#: An open document as the statements read it: ``(number, issue_date, due_date, amount,
#: balance, currency)``, and for a credit memo optionally the number of the invoice it credits.
OpenDocument = (
    tuple[str, date, date, Decimal, Decimal, str]
    | tuple[str, date, date, Decimal, Decimal, str, str | None]
)


@dataclass(frozen=True, slots=True)
class StatementItem:
    """An open invoice, or a credit memo (negative ``balance``), on a statement."""

    number: str
    issue_date: date
    due_date: date
    amount: Decimal
    balance: Decimal
    days_past_due: int  # 0 when not yet due
    #: A credit memo's: the number of the invoice it credits, when it is linked to one.
    credits_number: str | None = None


@dataclass(frozen=True, slots=True)
class UnappliedItem:
    """Cash received and not applied to an invoice yet."""

    received_on: date
    reference: str | None  # the payment's reference, when the remittance gave one
    amount: Decimal


@dataclass(frozen=True, slots=True)
class AgingBucket:
    """The open items of one aging bucket."""

    label: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Statement:
    """A customer's statement of account in one currency as of a date."""

    customer_id: int
    customer_number: str
    customer_name: str
    contacts: tuple[str, ...]  # registered addresses, lower-cased, sorted
    as_of: date
    currency: str
    items: tuple[StatementItem, ...]  # positive balances, by due date then number
    credits: tuple[StatementItem, ...]  # negative balances
    unapplied: tuple[UnappliedItem, ...]
    aging: tuple[AgingBucket, ...]  # of the open items; adds up to ``open_total``
    #: The contacts whose role names statements (``statements``, ``AP statements``, …): a
    #: statement run mails them alone when there are any, else every contact.
    statement_contacts: tuple[str, ...] = ()

    @property
    def open_total(self) -> Decimal:
        """What the open items add up to."""
        return sum((i.balance for i in self.items), start=ZERO)

    @property
    def credits_total(self) -> Decimal:
        """What the open credits are worth (a positive number)."""
        return -sum((c.balance for c in self.credits), start=ZERO)

    @property
    def unapplied_total(self) -> Decimal:
        """The unapplied cash (a positive number)."""
        return sum((u.amount for u in self.unapplied), start=ZERO)

    @property
    def total_due(self) -> Decimal:
        """Open items − credits − unapplied cash (negative: the customer is in credit)."""
        return self.open_total - self.credits_total - self.unapplied_total

    @property
    def overdue_total(self) -> Decimal:
        """The part of the open items past due."""
        return sum((i.balance for i in self.items if i.days_past_due > 0), start=ZERO)


def days_past_due(due_date: date, as_of: date) -> int:
    """Whole days ``as_of`` is after ``due_date``; 0 when not yet due."""
    return max(0, (as_of - due_date).days)


def age_items(items: Sequence[StatementItem]) -> tuple[AgingBucket, ...]:
    """The open items added up per aging bucket (current, 1–30, 31–60, 61–90, 90+)."""
    out = []
    for label, low, high in BUCKETS:
        total = sum(
            (
                i.balance
                for i in items
                if i.days_past_due >= low and (high is None or i.days_past_due <= high)
            ),
            start=ZERO,
        )
        out.append(AgingBucket(label=label, amount=total))
    return tuple(out)


def build_statements(
    *,
    customer_id: int,
    customer_number: str,
    customer_name: str,
    contacts: Sequence[str],
    as_of: date,
    invoices: Sequence[OpenDocument],
    unapplied: Sequence[tuple[date, str | None, Decimal, str]],
    statement_contacts: Sequence[str] = (),
) -> list[Statement]:
    """The statements of one customer, one per currency that has open items. Pure.

    Args:
        invoices: ``(number, issue_date, due_date, amount, balance, currency)`` of the
            customer's open invoices and credit memos, in any order; a credit memo's may
            add the number of the invoice it credits.
        unapplied: ``(received_on, reference, amount, currency)`` of its open unapplied cash.
    """
    currencies = sorted({inv[5] for inv in invoices if inv[4] > ZERO})
    statements = []
    for currency in currencies:
        lines = sorted(
            (
                StatementItem(
                    number=number,
                    issue_date=issued,
                    due_date=due,
                    amount=amount,
                    balance=balance,
                    days_past_due=days_past_due(due, as_of),
                    credits_number=credited[0] if credited else None,
                )
                for number, issued, due, amount, balance, cur, *credited in invoices
                if cur == currency and balance != ZERO
            ),
            key=lambda i: (i.due_date, i.number),
        )
        items = tuple(i for i in lines if i.balance > ZERO)
        statements.append(
            Statement(
                customer_id=customer_id,
                customer_number=customer_number,
                customer_name=customer_name,
                contacts=tuple(sorted({c.lower() for c in contacts})),
                as_of=as_of,
                currency=currency,
                items=items,
                credits=tuple(i for i in lines if i.balance < ZERO),
                unapplied=tuple(
                    sorted(
                        (
                            UnappliedItem(received_on=on, reference=ref, amount=amount)
                            for on, ref, amount, cur in unapplied
                            if cur == currency
                        ),
                        key=lambda u: (u.received_on, u.reference or "", u.amount),
                    )
                ),
                aging=age_items(items),
                statement_contacts=tuple(sorted({c.lower() for c in statement_contacts})),
            )
        )
    return statements


def iter_statements(
    sessions: sessionmaker[Session],
    *,
    as_of: date,
    customer_number: str | None = None,
    page_size: int = PAGE_SIZE,
) -> Iterator[list[Statement]]:
    """The statements of every customer with open items (or of ``customer_number``), one list
    (one statement per currency) per customer, in customer-id order.

    Each page of customers is read in its own short session that is closed before anything is
    yielded, so the caller may write (and commit) between items on any database.
    """
    after = 0
    while True:
        with sessions() as session:
            page = customer_page(
                session,
                after=after,
                number=customer_number,
                limit=page_size,
                invoices=(Invoice.balance > ZERO, Invoice.issue_date <= as_of),
            )
            if not page:
                return
            ids = [cid for cid, _, _ in page]
            invoices = _open_documents(session, ids, as_of=as_of)
            unapplied = _open_unapplied(session, ids)
            contacts, for_statements = _contacts_and_statement_contacts(session, ids)
        for cid, number, name in page:
            yield build_statements(
                customer_id=cid,
                customer_number=number,
                customer_name=name,
                contacts=contacts.get(cid, ()),
                as_of=as_of,
                invoices=invoices.get(cid, ()),
                unapplied=unapplied.get(cid, ()),
                statement_contacts=for_statements.get(cid, ()),
            )
        after = page[-1][0]
        if len(page) < page_size:
            return


def statements_for_customer(session: Session, customer_id: int, *, as_of: date) -> list[Statement]:
    """The statements of one customer (empty when it has no open items)."""
    row = session.execute(
        select(Customer.number, Customer.name).where(Customer.id == customer_id)
    ).one_or_none()
    if row is None:
        return []
    return build_statements(
        customer_id=customer_id,
        customer_number=row[0],
        customer_name=row[1],
        contacts=contacts_of(session, [customer_id]).get(customer_id, ()),
        as_of=as_of,
        invoices=_open_documents(session, [customer_id], as_of=as_of).get(customer_id, []),
        unapplied=_open_unapplied(session, [customer_id]).get(customer_id, []),
    )


def customer_page(
    session: Session, *, after: int, number: str | None, limit: int,
    invoices: Sequence[ColumnElement[bool]],
) -> list[tuple[int, str, str]]:  # fmt: skip
    """(id, number, name) of the next ``limit`` customers after id ``after`` (only ``number``
    when given) with an open invoice meeting ``invoices``: a statement or dunning run's page."""
    has_open = (
        select(Invoice.id)
        .where(Invoice.customer_id == Customer.id, Invoice.status == InvoiceStatus.OPEN, *invoices)
        .exists()
    )
    stmt = select(Customer.id, Customer.number, Customer.name).where(Customer.id > after, has_open)
    if number is not None:
        stmt = stmt.where(Customer.number == number)
    rows = session.execute(stmt.order_by(Customer.id).limit(limit)).tuples()
    return [(cid, num, name) for cid, num, name in rows]


def _open_documents(
    session: Session, customer_ids: Sequence[int], *, as_of: date
) -> dict[int, list[OpenDocument]]:
    out: dict[int, list[OpenDocument]] = {}
    credited = aliased(Invoice)
    rows = session.execute(
        select(
            Invoice.customer_id,
            Invoice.number,
            Invoice.issue_date,
            Invoice.due_date,
            Invoice.amount,
            Invoice.balance,
            Invoice.currency,
            credited.number,
        )
        .outerjoin(credited, credited.id == Invoice.credits_invoice_id)
        .where(
            Invoice.customer_id.in_(customer_ids),
            Invoice.status == InvoiceStatus.OPEN,
            Invoice.balance != ZERO,
            Invoice.issue_date <= as_of,
        )
    ).tuples()
    for cid, number, issued, due, amount, balance, currency, credits in rows:
        out.setdefault(cid, []).append((number, issued, due, amount, balance, currency, credits))
    return out


def _open_unapplied(
    session: Session, customer_ids: Sequence[int]
) -> dict[int, list[tuple[date, str | None, Decimal, str]]]:
    out: dict[int, list[tuple[date, str | None, Decimal, str]]] = {}
    rows = session.execute(
        select(
            UnappliedCash.customer_id,
            UnappliedCash.created_at,
            RemittanceModel.payment_ref,
            UnappliedCash.amount,
            UnappliedCash.currency,
        )
        .outerjoin(RemittanceModel, RemittanceModel.inbound_id == UnappliedCash.inbound_id)
        .where(
            UnappliedCash.customer_id.in_(customer_ids),
            UnappliedCash.status == UnappliedStatus.OPEN,
            UnappliedCash.amount > ZERO,
        )
    ).tuples()
    for cid, created, ref, amount, currency in rows:
        if cid is not None:
            out.setdefault(cid, []).append((created.date(), ref, amount, currency))
    return out


def contacts_of(session: Session, customer_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """The registered addresses of each of ``customer_ids`` (lower-cased, sorted)."""
    return _contacts_and_statement_contacts(session, customer_ids)[0]


def _contacts_and_statement_contacts(
    session: Session, customer_ids: Sequence[int]
) -> tuple[dict[int, tuple[str, ...]], dict[int, tuple[str, ...]]]:
    """Per customer, its registered addresses and those whose role names statements
    (:data:`STATEMENT_ROLE`, case-insensitively), both sorted; one read for the two."""
    every: dict[int, list[str]] = {}
    for_statements: dict[int, list[str]] = {}
    rows = session.execute(
        select(Contact.customer_id, Contact.email, Contact.role)
        .where(Contact.customer_id.in_(customer_ids))
        .order_by(Contact.customer_id, Contact.email)
    ).tuples()
    for cid, email, role in rows:
        every.setdefault(cid, []).append(email)
        if role and STATEMENT_ROLE in role.casefold():
            for_statements.setdefault(cid, []).append(email)
    return (
        {cid: tuple(emails) for cid, emails in every.items()},
        {cid: tuple(emails) for cid, emails in for_statements.items()},
    )
