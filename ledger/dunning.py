"""Dunning: which overdue invoices get a reminder at which level on a date, and which wait.

An invoice is overdue by ``as_of − due_date`` days; its level is the highest configured level
(``ARBOX_DUNNING_LEVELS``, e.g. 7, 30 and 60 days) it has reached. It is reminded at that
level unless a reminder at that level, or a later one, was sent already (``dunning_notices``,
unique per (invoice, level)): an invoice first seen at 65 days gets the final notice only,
and never the earlier ones afterwards.

What holds reminders back, with the reason:

- for the whole customer: open unapplied cash (it may pay these very invoices), a remittance
  line of the customer in review (a payment is being matched), a dispute or promise to pay
  that names no invoice;
- for one invoice: an open dispute on it, a promise to pay it not yet due.

:func:`iter_dunning` walks the customers with overdue invoices by keyset pagination, one
short session per page and a fixed number of queries a page; :func:`plan_customer` is the
pure decision for one customer.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from core.money import format_amount
from core.statuses import InvoiceStatus, OutboxStatus, ReviewKind, ReviewStatus, UnappliedStatus
from ledger.holds import ActiveHold, active_holds
from ledger.models import (
    DunningNotice,
    Invoice,
    OutboxMessage,
    Remittance,
    RemittanceLine,
    ReviewItem,
    UnappliedCash,
)
from ledger.statements import contacts_of, customer_page

ZERO = Decimal("0.00")
#: Customers per page of a run.
PAGE_SIZE = 200


@dataclass(frozen=True, slots=True, order=True)
class Level:
    """A dunning level: from ``days`` overdue, the template ``name``."""

    days: int
    name: str


@dataclass(frozen=True, slots=True)
class OverdueInvoice:
    """An overdue invoice and the level it has reached."""

    invoice_id: int
    number: str
    issue_date: date
    due_date: date
    amount: Decimal
    balance: Decimal
    currency: str
    days_overdue: int
    level: Level


@dataclass(frozen=True, slots=True)
class HeldInvoice:
    """An overdue invoice whose reminder waits, and why."""

    invoice: OverdueInvoice
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CustomerDunning:
    """One customer's reminders on a date: what to send, what waits and why."""

    customer_id: int
    customer_number: str
    customer_name: str
    contacts: tuple[str, ...]
    as_of: date
    due: tuple[OverdueInvoice, ...]  # to remind now, by due date then number
    held: tuple[HeldInvoice, ...]  # overdue at a new level, but waiting
    customer_holds: tuple[str, ...]  # reasons that hold every invoice of the customer

    @property
    def top_level(self) -> Level | None:
        """The highest level among the reminders to send (the mail's template)."""
        return max((i.level for i in self.due), default=None)


def levels_from(pairs: Sequence[tuple[int, str]]) -> tuple[Level, ...]:
    """Levels from ``(days, name)`` pairs (``Settings.dunning_level_list``), by days."""
    return tuple(sorted(Level(days=d, name=n) for d, n in pairs))


def level_for(days_overdue: int, levels: Sequence[Level]) -> Level | None:
    """The highest level ``days_overdue`` has reached; None before the first."""
    reached = [level for level in levels if days_overdue >= level.days]
    return max(reached) if reached else None


def plan_customer(
    *,
    customer_id: int,
    customer_number: str,
    customer_name: str,
    contacts: Sequence[str],
    as_of: date,
    invoices: Sequence[OverdueInvoice],
    sent_days: dict[int, int],
    holds: Sequence[ActiveHold],
    unapplied: Sequence[tuple[str, Decimal]],
    lines_in_review: int,
) -> CustomerDunning:
    """What one customer gets on ``as_of``. Pure.

    Args:
        invoices: its overdue invoices, each with the level reached.
        sent_days: invoice id → the highest level (its days) already reminded.
        holds: its holds in force on ``as_of``.
        unapplied: (currency, amount) of its open unapplied cash, per currency.
        lines_in_review: how many of its remittance lines wait in review.
    """
    customer_reasons = [
        f"unapplied cash {format_amount(amount, currency)} {currency} open"
        for currency, amount in unapplied
    ]
    if lines_in_review:
        customer_reasons.append(f"{lines_in_review} remittance line(s) in review")
    customer_reasons += [h.describe() for h in holds if h.invoice_id is None]
    by_invoice: dict[int, list[str]] = {}
    for h in holds:
        if h.invoice_id is not None:
            by_invoice.setdefault(h.invoice_id, []).append(h.describe())
    due: list[OverdueInvoice] = []
    held: list[HeldInvoice] = []
    for invoice in sorted(invoices, key=lambda i: (i.due_date, i.number)):
        if sent_days.get(invoice.invoice_id, 0) >= invoice.level.days:
            continue  # reminded at this level (or a later one) already
        reasons = tuple(customer_reasons + by_invoice.get(invoice.invoice_id, []))
        if reasons:
            held.append(HeldInvoice(invoice=invoice, reasons=reasons))
        else:
            due.append(invoice)
    return CustomerDunning(
        customer_id=customer_id,
        customer_number=customer_number,
        customer_name=customer_name,
        contacts=tuple(sorted({c.lower() for c in contacts})),
        as_of=as_of,
        due=tuple(due),
        held=tuple(held),
        customer_holds=tuple(customer_reasons) if held else (),
    )


def iter_dunning(
    sessions: sessionmaker[Session],
    *,
    as_of: date,
    levels: Sequence[Level],
    customer_number: str | None = None,
    page_size: int = PAGE_SIZE,
) -> Iterator[CustomerDunning]:
    """The dunning of every customer with an invoice overdue by at least the first level (or
    of ``customer_number``), in customer-id order; customers with nothing new to remind or
    hold are left out. Each page is read in its own session, closed before yielding."""
    if not levels:
        return
    latest_due = as_of - timedelta(days=min(level.days for level in levels))
    after = 0
    while True:
        with sessions() as session:
            page = customer_page(
                session, after=after, number=customer_number, limit=page_size,
                invoices=(
                    Invoice.balance > ZERO, Invoice.due_date <= latest_due,
                    Invoice.issue_date <= as_of,
                ),
            )  # fmt: skip
            if not page:
                return
            ids = [cid for cid, _, _ in page]
            invoices = _overdue(session, ids, as_of=as_of, latest_due=latest_due, levels=levels)
            sent = _sent_days([i.invoice_id for rows in invoices.values() for i in rows], session)
            holds = active_holds(session, ids, as_of=as_of)
            unapplied = _unapplied(session, ids)
            in_review = _lines_in_review(session, ids)
            contacts = contacts_of(session, ids)
        for cid, number, name in page:
            plan = plan_customer(
                customer_id=cid,
                customer_number=number,
                customer_name=name,
                contacts=contacts.get(cid, ()),
                as_of=as_of,
                invoices=invoices.get(cid, ()),
                sent_days=sent,
                holds=holds.get(cid, ()),
                unapplied=unapplied.get(cid, ()),
                lines_in_review=in_review.get(cid, 0),
            )
            if plan.due or plan.held:
                yield plan
        after = page[-1][0]
        if len(page) < page_size:
            return


def _overdue(
    session: Session, ids: Sequence[int], *, as_of: date, latest_due: date,
    levels: Sequence[Level],
) -> dict[int, list[OverdueInvoice]]:  # fmt: skip
    rows = session.execute(
        select(
            Invoice.customer_id, Invoice.id, Invoice.number, Invoice.issue_date,
            Invoice.due_date, Invoice.amount, Invoice.balance, Invoice.currency,
        ).where(
            Invoice.customer_id.in_(ids),
            Invoice.status == InvoiceStatus.OPEN,
            Invoice.balance > ZERO,
            Invoice.due_date <= latest_due,
            Invoice.issue_date <= as_of,
        )
    ).tuples()  # fmt: skip
    out: dict[int, list[OverdueInvoice]] = {}
    for cid, iid, number, issued, due, amount, balance, currency in rows:
        days = (as_of - due).days
        level = level_for(days, levels)
        if level is None:
            continue
        out.setdefault(cid, []).append(
            OverdueInvoice(
                invoice_id=iid, number=number, issue_date=issued, due_date=due,
                amount=amount, balance=balance, currency=currency, days_overdue=days,
                level=level,
            )
        )  # fmt: skip
    return out


def _sent_days(invoice_ids: Sequence[int], session: Session) -> dict[int, int]:
    out: dict[int, int] = {}
    for start in range(0, len(invoice_ids), 900):  # under SQLite's bound-parameter limit
        chunk = invoice_ids[start : start + 900]
        rows = session.execute(
            select(DunningNotice.invoice_id, func.max(DunningNotice.days))
            .join(OutboxMessage, OutboxMessage.id == DunningNotice.outbox_id)
            .where(
                DunningNotice.invoice_id.in_(chunk),
                # Rendered, never sent: reminds nobody.
                OutboxMessage.status != OutboxStatus.DRY_RUN,
            )
            .group_by(DunningNotice.invoice_id)
        ).tuples()
        for iid, days in rows:
            out[iid] = days
    return out


def _unapplied(session: Session, ids: Sequence[int]) -> dict[int, list[tuple[str, Decimal]]]:
    rows = session.execute(
        select(UnappliedCash.customer_id, UnappliedCash.currency, UnappliedCash.amount)
        .where(
            UnappliedCash.customer_id.in_(ids),
            UnappliedCash.status == UnappliedStatus.OPEN,
            UnappliedCash.amount > ZERO,
        )
        .order_by(UnappliedCash.customer_id, UnappliedCash.currency)
    ).tuples()
    totals: dict[int, dict[str, Decimal]] = {}
    for cid, currency, amount in rows:
        if cid is not None:
            per = totals.setdefault(cid, {})
            per[currency] = per.get(currency, ZERO) + amount
    return {cid: sorted(per.items()) for cid, per in totals.items()}


def _lines_in_review(session: Session, ids: Sequence[int]) -> dict[int, int]:
    """Open review items about a remittance line of each customer (the customer the mail was
    identified as, or the one the review item names)."""
    rows = session.execute(
        select(Remittance.customer_id, ReviewItem.customer_id, ReviewItem.id)
        .join(RemittanceLine, RemittanceLine.id == ReviewItem.remittance_line_id)
        .join(Remittance, Remittance.id == RemittanceLine.remittance_id)
        .where(
            ReviewItem.status == ReviewStatus.OPEN,
            # a stranger's claim stops no reminder
            ReviewItem.kind != ReviewKind.UNVERIFIED_PAYMENT,
            (Remittance.customer_id.in_(ids)) | (ReviewItem.customer_id.in_(ids)),
        )
    ).tuples()
    wanted = set(ids)
    found: dict[int, set[int]] = {}
    for rem_cid, item_cid, item_id in rows:
        for cid in {rem_cid, item_cid}:
            if cid is not None and cid in wanted:
                found.setdefault(cid, set()).add(item_id)
    return {cid: len(items) for cid, items in found.items()}
