"""A reviewer's confirmation of a remittance line (``arbox review confirm``): the cash is applied
to the invoices the person names, the review item is resolved, and, when asked to remember,
the confirmation becomes explicit rules (:mod:`ledger.rules`) the next mail is identified by.

Everything happens in the caller's transaction and is all-or-nothing: a refused confirmation
(:class:`~core.errors.RefusedActionError`) raises before anything is posted, and a posting
that fails half-way raises too, so the caller's rollback leaves the ledger as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.errors import RefusedActionError
from core.money import fits_currency, minor_units
from core.refs import normalise_ref
from core.statuses import (
    LINE_KINDS,
    ApplicationStatus,
    InboundStatus,
    InvoiceStatus,
    ReviewKind,
    ReviewStatus,
)
from core.types import Outcome
from ledger import models as m
from ledger.posting import apply_cash, audit, open_review_item
from ledger.rules import Rule
from ledger.taught_rules import remember_rules
from ledger.unapplied_cash import take_unapplied_cash

ZERO = Decimal("0.00")
#: The confidence recorded for cash a person applied.
CONFIRMED = Decimal("1.000")

#: An invoice number as the reviewer typed it and the amount to apply (None: as much as
#: the invoice's balance and what is left of the line allow).
Allocation = tuple[str, Decimal | None]


@dataclass(frozen=True, slots=True)
class ConfirmedApplication:
    """Cash a confirmation applied to one invoice."""

    application_id: int
    invoice_number: str
    amount: Decimal
    balance_after: Decimal


@dataclass(frozen=True, slots=True)
class Confirmed:
    """What a confirmation did: the applications, the line's amount left unapplied (None when
    the payer stated none), whether the customer was assigned by it, and the rules it taught."""

    item_id: int
    customer_id: int
    customer_number: str
    currency: str
    applied: tuple[ConfirmedApplication, ...]
    left_unapplied: Decimal | None
    customer_assigned: bool
    rules: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class _Target:
    invoice: m.Invoice
    typed: str
    amount: Decimal | None


def confirm_line(
    session: Session,
    *,
    item_id: int,
    allocations: Sequence[Allocation],
    actor: str,
    remember: bool,
    now: datetime,
    deduction: Decimal = ZERO,
    deduction_reason: str | None = None,
) -> Confirmed:
    """Apply a remittance line that went to review to the invoices a person names.

    The invoices must exist, belong to one customer (the item's; when the item has none, the
    remittance and its mail are assigned that customer), be open and in the remittance's
    currency; each amount must be positive and within the invoice's balance, and together
    no more than the line's amount. The item is resolved by ``actor`` with an audit event.

    With ``remember``, the confirmation creates the rules it teaches: the sender's address is
    this customer's (when the sender is no registered contact); the payer name is this
    customer's (when the remittance names a payer that did not already identify them); the
    customer writes our numbers without a prefix (when the line's normalised reference is
    a proper end of the invoice's, the rest being the prefix).

    A ``deduction`` (one invoice only) is what the payer kept back for ``deduction_reason``:
    it stays open on the invoice and is followed up by a ``deduction`` review item.

    Raises:
        RefusedActionError: anything above does not hold; nothing was changed.
    """
    item = session.get(m.ReviewItem, item_id, with_for_update=True, populate_existing=True)
    if item is None:
        raise RefusedActionError(f"review item {item_id} does not exist")
    if item.kind not in LINE_KINDS or item.remittance_line_id is None:
        raise RefusedActionError(
            f"review item {item_id} is a {item.kind} item; only remittance lines are confirmed"
        )
    if item.status != ReviewStatus.OPEN:
        by = f" by {item.resolved_by}" if item.resolved_by else ""
        raise RefusedActionError(f"review item {item_id} is already {item.status}{by}")
    line = session.get(m.RemittanceLine, item.remittance_line_id)
    assert line is not None  # a foreign key
    remittance = session.get(m.Remittance, line.remittance_id)
    assert remittance is not None
    inbound = session.get(m.InboundMessage, remittance.inbound_id)
    assert inbound is not None
    if line.amount < ZERO:
        raise RefusedActionError(
            f"line {line.line_no} is a credit memo ({line.amount}): there is no cash to apply"
        )
    targets = _targets(session, allocations, currency=remittance.currency)
    customer_id = _one_customer(session, targets, item)
    cap = line.amount if line.amount > ZERO else None
    amounts = _amounts(targets, cap=cap)
    if deduction and (len(targets) != 1 or amounts[0] + deduction != targets[0].invoice.balance):
        raise RefusedActionError(
            "a deduction is what one invoice's balance keeps after the payment: "
            f"{' + '.join(str(a) for a in amounts)} paid and {deduction} deducted does not "
            f"make the balance {targets[0].invoice.balance}"
        )
    assigned = item.customer_id is None
    if assigned:
        item.customer_id = customer_id
        remittance.customer_id = customer_id
        inbound.customer_id = customer_id
    applied: list[ConfirmedApplication] = []
    reasons = f"confirmed by {actor} (review item {item_id})"
    for target, amount in zip(targets, amounts, strict=True):
        posted = apply_cash(
            session,
            remittance_line_id=line.id,
            invoice_id=target.invoice.id,
            amount=amount,
            currency=remittance.currency,
            status=ApplicationStatus.CONFIRMED,
            confidence=CONFIRMED,
            reasons=reasons,
            actor=actor,
            now=now,
            deduction=deduction,
        )
        if posted is None:
            raise RefusedActionError(
                f"invoice {target.invoice.number} cannot take {amount} from this line: it "
                "changed meanwhile, or this line was applied (or un-applied) to it before"
            )
        applied.append(
            ConfirmedApplication(
                application_id=posted.application_id,
                invoice_number=target.invoice.number,
                amount=amount,
                balance_after=posted.balance_after,
            )
        )
    item.status = ReviewStatus.RESOLVED
    item.resolved_at = now
    item.resolved_by = actor
    if line.outcome == Outcome.HELD:
        line.outcome = Outcome.REVIEW
        line.reason = f"{reasons}; was {line.reason}"[:4000]
    if deduction:
        _open_deduction(session, line, targets[0].invoice, deduction, deduction_reason, now)
    if assigned:
        session.execute(
            update(m.UnappliedCash)
            .where(m.UnappliedCash.remittance_line_id == line.id)
            .values(customer_id=customer_id)
        )
    take_unapplied_cash(
        session,
        remittance_line_id=line.id,
        amount=sum((a.amount for a in applied), start=ZERO),
        actor=actor,
        now=now,
    )
    session.flush()
    _close_mail_when_done(session, inbound, actor=actor)
    rules = (
        remember_rules(
            session,
            inbound,
            remittance,
            line,
            [t.invoice for t in targets],
            customer_id,
            item_id,
            actor,
            now,
        )
        if remember
        else ()
    )
    total = sum(amounts, start=ZERO)
    customer = session.get(m.Customer, customer_id)
    assert customer is not None
    audit(
        session,
        actor=actor,
        action="confirm_review_item",
        entity="review_item",
        entity_id=item_id,
        now=now,
        customer_id=customer_id,
        customer_assigned=assigned,
        applied=[
            {"invoice_number": a.invoice_number, "amount": str(a.amount), "id": a.application_id}
            for a in applied
        ],
        rules=[rule.id for rule in rules],
        why=reasons,
    )
    return Confirmed(
        item_id=item_id,
        customer_id=customer_id,
        customer_number=customer.number,
        currency=remittance.currency,
        applied=tuple(applied),
        left_unapplied=None if cap is None else cap - total,
        customer_assigned=assigned,
        rules=rules,
    )


def _targets(
    session: Session, allocations: Sequence[Allocation], *, currency: str
) -> list[_Target]:
    """The invoices named, locked in id order, each checked open and in ``currency``."""
    if not allocations:
        raise RefusedActionError("name at least one invoice to apply the line to")
    found: list[tuple[m.Invoice, str, Decimal | None]] = []
    for typed, amount in allocations:
        invoice = _invoice_by_number(session, typed)
        if any(invoice.id == other.id for other, _, _ in found):
            raise RefusedActionError(f"invoice {invoice.number} is named twice")
        found.append((invoice, typed, amount))
    ids = sorted(invoice.id for invoice, _, _ in found)
    locked = {
        inv.id: inv
        for inv in session.scalars(
            select(m.Invoice)
            .where(m.Invoice.id.in_(ids))
            .order_by(m.Invoice.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    targets = [_Target(locked[inv.id], typed, amount) for inv, typed, amount in found]
    for t in targets:
        if t.invoice.status != InvoiceStatus.OPEN or t.invoice.balance <= ZERO:
            raise RefusedActionError(
                f"invoice {t.invoice.number} is not open ({t.invoice.status}, balance "
                f"{t.invoice.balance})"
            )
        if t.invoice.currency != currency:
            raise RefusedActionError(
                f"invoice {t.invoice.number} is in {t.invoice.currency}, the payment in {currency}"
            )
        if t.amount is not None and not fits_currency(t.amount, currency):
            raise RefusedActionError(
                f"{t.amount} has more decimals than {currency} allows ({minor_units(currency)})"
            )
    return targets


def _invoice_by_number(session: Session, typed: str) -> m.Invoice:
    """The invoice numbered ``typed``, else the one invoice whose normalised number it is."""
    number = typed.strip()
    invoice = session.scalars(select(m.Invoice).where(m.Invoice.number == number)).first()
    if invoice is not None:
        return invoice
    key = normalise_ref(number)
    by_key = list(session.scalars(select(m.Invoice).where(m.Invoice.ref_key == key).limit(2)))
    if key and len(by_key) == 1:
        return by_key[0]
    if len(by_key) > 1:
        raise RefusedActionError(f"{typed!r} names several invoices; give the exact number")
    raise RefusedActionError(f"there is no invoice {typed!r}")


def _one_customer(session: Session, targets: Sequence[_Target], item: m.ReviewItem) -> int:
    owners = {t.invoice.customer_id for t in targets}
    ids = owners | ({item.customer_id} if item.customer_id is not None else set())
    numbers = dict(
        session.execute(select(m.Customer.id, m.Customer.number).where(m.Customer.id.in_(ids)))
        .tuples()
        .all()
    )
    if len(owners) > 1:
        raise RefusedActionError(
            "the invoices belong to several customers: "
            + ", ".join(f"{t.invoice.number} ({numbers[t.invoice.customer_id]})" for t in targets)
        )
    (owner,) = owners
    if item.customer_id is not None and owner != item.customer_id:
        raise RefusedActionError(
            f"invoice {targets[0].invoice.number} is customer {numbers[owner]}'s; this line "
            f"was identified as customer {numbers[item.customer_id]}'s"
        )
    return owner


def _amounts(targets: Sequence[_Target], *, cap: Decimal | None) -> list[Decimal]:
    """The amount for each invoice: as given (positive, within the balance), else the balance
    or what is left of the line, whichever is less; together no more than the line (``cap``)."""
    left = cap
    amounts: list[Decimal] = []
    for t in targets:
        balance = t.invoice.balance
        if t.amount is None:
            amount = balance if left is None else min(balance, left)
        else:
            amount = t.amount
            if amount <= ZERO:
                raise RefusedActionError(f"amount {amount} for {t.typed} is not positive")
            if amount > balance:
                raise RefusedActionError(
                    f"{amount} is more than the open balance {balance} of {t.invoice.number}"
                )
        if amount <= ZERO:
            raise RefusedActionError(f"nothing of the line is left for {t.invoice.number}")
        if left is not None:
            if amount > left:
                raise RefusedActionError(
                    f"the amounts add up to more than the line's {cap} "
                    f"(at {t.invoice.number}, {left} was left)"
                )
            left -= amount
        amounts.append(amount)
    return amounts


def _close_mail_when_done(session: Session, inbound: m.InboundMessage, *, actor: str) -> None:
    """A mail waiting for review whose last open item this was is applied."""
    still_open = session.scalars(
        select(m.ReviewItem.id)
        .where(m.ReviewItem.inbound_id == inbound.id, m.ReviewItem.status == ReviewStatus.OPEN)
        .limit(1)
    ).first()
    if still_open is None and inbound.status == InboundStatus.REVIEW:
        inbound.status = InboundStatus.APPLIED
        inbound.reason = f"{inbound.reason or ''}; confirmed by {actor}".lstrip("; ")[:2000]


def _open_deduction(
    session: Session,
    line: m.RemittanceLine,
    invoice: m.Invoice,
    deduction: Decimal,
    reason: str | None,
    now: datetime,
) -> None:
    """What a reviewer recorded as deducted stays open, followed up as a deduction item."""
    remittance = session.get(m.Remittance, line.remittance_id)
    assert remittance is not None
    open_review_item(
        session,
        key=f"deduction:{line.id}",
        kind=ReviewKind.DEDUCTION,
        reason=f"{deduction} {invoice.currency} of invoice {invoice.number} stays open: "
        f"{reason or 'no reason given'}",
        now=now,
        inbound_id=remittance.inbound_id,
        remittance_line_id=line.id,
        customer_id=invoice.customer_id,
        candidates=[{"invoice_number": invoice.number, "score": str(CONFIRMED)}],
    )
