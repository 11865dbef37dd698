"""A reviewer's decisions on a review item (the review app's item page), as ledger functions.

Each decision runs in the caller's transaction and is all-or-nothing: the review item is locked
first (``SELECT ... FOR UPDATE``), checked open and of a kind the decision applies to, then the
invoices it names are locked and checked (the item's customer's, open, in the payment's
currency); cash is posted through :func:`ledger.review_actions.confirm_line`, the code
``arbox review confirm`` uses, which posts through :func:`ledger.posting.apply_cash` like the
worker. Every decision writes a ``review_decision`` audit event with the user and the form's
``submission`` token: a second submit of the same form finds it and changes nothing
(``Decided.duplicate``); any other refusal raises :class:`~core.errors.RefusedActionError`
before anything is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import RefusedActionError
from core.statuses import LINE_KINDS, InvoiceStatus, ReviewStatus
from ledger import models as m
from ledger.posting import audit
from ledger.review_actions import Confirmed, confirm_line

ZERO = Decimal("0.00")
#: The audit action every decision writes (with ``decision``, ``submission`` and ``summary``).
DECISION_EVENT = "review_decision"
#: Longest note or reason kept.
MAX_TEXT = 2000


@dataclass(frozen=True, slots=True)
class Decided:
    """What a decision did, in words (``summary``); ``duplicate`` when this submission had
    been done already and nothing new happened."""

    item_id: int
    decision: str
    summary: str
    duplicate: bool = False
    rules: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OpenItem:
    item: m.ReviewItem
    line: m.RemittanceLine | None
    remittance: m.Remittance | None
    inbound: m.InboundMessage | None


def open_item(
    session: Session, item_id: int, *, lines_only: bool, submission: str | None, decision: str
) -> OpenItem | Decided:
    """The item locked and checked open, or the earlier result of this very submission."""
    item = session.get(m.ReviewItem, item_id, with_for_update=True, populate_existing=True)
    if item is None:
        raise RefusedActionError(f"review item {item_id} does not exist")
    done = _earlier(session, item_id, submission)
    if done is not None:
        return done
    if item.status != ReviewStatus.OPEN:
        by = f" by {item.resolved_by}" if item.resolved_by else ""
        raise RefusedActionError(f"review item {item_id} is already {item.status}{by}")
    if lines_only and (item.kind not in LINE_KINDS or item.remittance_line_id is None):
        raise RefusedActionError(
            f"review item {item_id} is a {item.kind} item: {decision.replace('_', ' ')} is "
            "for a remittance line"
        )
    line = (
        session.get(m.RemittanceLine, item.remittance_line_id, populate_existing=True)
        if item.remittance_line_id is not None
        else None
    )
    remittance = session.get(m.Remittance, line.remittance_id) if line is not None else None
    inbound_id = item.inbound_id if remittance is None else remittance.inbound_id
    inbound = session.get(m.InboundMessage, inbound_id) if inbound_id is not None else None
    return OpenItem(item, line, remittance, inbound)


def decision_events(session: Session, item_id: int) -> Sequence[m.AuditEvent]:
    """The decisions recorded on review item ``item_id``, oldest first."""
    return session.scalars(
        select(m.AuditEvent)
        .where(
            m.AuditEvent.entity == "review_item",
            m.AuditEvent.entity_id == item_id,
            m.AuditEvent.action == DECISION_EVENT,
        )
        .order_by(m.AuditEvent.id)
    ).all()


def _earlier(session: Session, item_id: int, submission: str | None) -> Decided | None:
    if not submission:
        return None
    for event in decision_events(session, item_id):
        if event.detail.get("submission") == submission:
            return Decided(
                item_id=item_id,
                decision=str(event.detail.get("decision", "")),
                summary=str(event.detail.get("summary", "")),
                duplicate=True,
                rules=tuple(event.detail.get("rules", ())),
            )
    return None


def record_decision(
    session: Session,
    item_id: int,
    *,
    decision: str,
    summary: str,
    actor: str,
    now: datetime,
    submission: str | None,
    rules: Sequence[str] = (),
    **detail: object,
) -> Decided:
    audit(
        session,
        actor=actor,
        action=DECISION_EVENT,
        entity="review_item",
        entity_id=item_id,
        now=now,
        decision=decision,
        submission=submission,
        summary=summary,
        rules=list(rules),
        **detail,
    )
    session.flush()
    return Decided(item_id=item_id, decision=decision, summary=summary, rules=tuple(rules))


def checked_text(value: str, what: str, *, required: bool = True) -> str:
    text = value.strip()
    if required and not text:
        raise RefusedActionError(f"{what} is required")
    if len(text) > MAX_TEXT:
        raise RefusedActionError(f"{what} is longer than {MAX_TEXT} characters")
    return text


def _applied(done: Confirmed) -> str:
    parts = ", ".join(f"{a.amount} to {a.invoice_number}" for a in done.applied)
    return f"applied {parts} {done.currency}"


def proposal(session: Session, item: m.ReviewItem) -> list[tuple[str, Decimal | None]]:
    """What the worker proposed for a line item, among invoices still open: its allocations,
    else the invoice it chose, else the best-scored open candidate; [] when none is left."""
    if item.remittance_line_id is None:
        return []
    line = session.get(m.RemittanceLine, item.remittance_line_id)
    assert line is not None
    parts = (line.evidence or {}).get("allocations") or []
    numbers = [str(p["invoice_number"]) for p in parts]
    chosen = session.get(m.Invoice, line.invoice_id) if line.invoice_id is not None else None
    if chosen is not None:
        numbers.append(chosen.number)
    candidates = item.candidates if isinstance(item.candidates, list) else []
    numbers += [str(c.get("invoice_number")) for c in candidates if isinstance(c, dict)]
    still_open = set(
        session.scalars(
            select(m.Invoice.number).where(
                m.Invoice.number.in_(numbers), m.Invoice.status == InvoiceStatus.OPEN
            )
        )
    )
    if parts and all(str(p["invoice_number"]) in still_open for p in parts):
        return [(str(p["invoice_number"]), Decimal(str(p["amount"]))) for p in parts]
    if chosen is not None and chosen.number in still_open:
        return [(chosen.number, None)]
    best = top_candidate(
        [c for c in candidates if isinstance(c, dict) and c.get("invoice_number") in still_open]
    )
    return [(best[0], None)] if best else []


def top_candidate(candidates: object) -> tuple[str, Decimal] | None:
    """The best-scored ``{invoice_number, score}`` of a review item's candidates (the first of
    equals), scores read from their strings."""
    best: tuple[str, Decimal] | None = None
    for entry in candidates if isinstance(candidates, list) else ():
        if not isinstance(entry, dict) or not entry.get("invoice_number"):
            continue
        try:
            score = Decimal(str(entry.get("score", "0")))
        except ArithmeticError:
            continue
        if best is None or score > best[1]:
            best = (str(entry["invoice_number"]), score)
    return best


def accept_proposal(
    session: Session,
    *,
    item_id: int,
    actor: str,
    now: datetime,
    remember: bool = False,
    submission: str | None = None,
) -> Decided:
    """Confirm what the worker proposed for the line (see :func:`proposal`)."""
    found = open_item(session, item_id, lines_only=True, submission=submission, decision="accept")
    if isinstance(found, Decided):
        return found
    parts = proposal(session, found.item)
    if not parts:
        raise RefusedActionError(f"review item {item_id} has no proposal: pick an invoice")
    return _confirm(session, found, parts, "accept", actor, now, remember, submission)


def pick_invoice(
    session: Session,
    *,
    item_id: int,
    invoice_number: str,
    actor: str,
    now: datetime,
    remember: bool = False,
    submission: str | None = None,
) -> Decided:
    """Apply the line to another invoice than proposed (as much as line and balance allow)."""
    found = open_item(session, item_id, lines_only=True, submission=submission, decision="pick")
    if isinstance(found, Decided):
        return found
    number = checked_text(invoice_number, "the invoice number")
    return _confirm(session, found, [(number, None)], "pick", actor, now, remember, submission)


def split_line(
    session: Session,
    *,
    item_id: int,
    parts: Sequence[tuple[str, Decimal]],
    actor: str,
    now: datetime,
    remember: bool = False,
    submission: str | None = None,
) -> Decided:
    """Apply one line over several invoices: the amounts must add up to the line's amount
    exactly, each within its invoice's open balance (checked by the posting)."""
    found = open_item(session, item_id, lines_only=True, submission=submission, decision="split")
    if isinstance(found, Decided):
        return found
    assert found.line is not None
    if len(parts) < 2:
        raise RefusedActionError("a split names at least two invoices")
    total = sum((amount for _, amount in parts), start=ZERO)
    if total != found.line.amount:
        gap = found.line.amount - total
        off = f"short by {gap}" if gap > ZERO else f"over by {-gap}"
        raise RefusedActionError(
            f"the amounts add up to {total}, the line is {found.line.amount}: {off}"
        )
    allocations = [(number, amount) for number, amount in parts]
    return _confirm(session, found, allocations, "split", actor, now, remember, submission)


def record_deduction(
    session: Session,
    *,
    item_id: int,
    invoice_number: str,
    reason: str,
    actor: str,
    now: datetime,
    submission: str | None = None,
) -> Decided:
    """A short pay: apply the whole line to the invoice and leave the rest of its balance open
    as a deduction (with ``reason``) followed up by a ``deduction`` item; never written off."""
    found = open_item(
        session, item_id, lines_only=True, submission=submission, decision="deduction"
    )
    if isinstance(found, Decided):
        return found
    why = checked_text(reason, "the reason for the deduction")
    number = checked_text(invoice_number, "the invoice number")
    assert found.line is not None
    invoice = session.scalars(select(m.Invoice).where(m.Invoice.number == number)).first()
    if invoice is None:
        raise RefusedActionError(f"there is no invoice {number!r}")
    session.refresh(invoice, with_for_update=True)
    kept = invoice.balance - found.line.amount
    if kept <= ZERO:
        raise RefusedActionError(
            f"the line's {found.line.amount} is not less than the open balance "
            f"{invoice.balance} of {invoice.number}: there is nothing deducted"
        )
    done = confirm_line(
        session,
        item_id=item_id,
        allocations=[(invoice.number, found.line.amount)],
        actor=actor,
        remember=False,
        now=now,
        deduction=kept,
        deduction_reason=why,
    )
    summary = f"{_applied(done)}; {kept} stays open as a deduction: {why}"
    return record_decision(
        session,
        item_id,
        decision="deduction",
        summary=summary,
        actor=actor,
        now=now,
        submission=submission,
        invoice_number=invoice.number,
        deduction=str(kept),
        why=why,
    )


def _confirm(
    session: Session,
    found: OpenItem,
    allocations: Sequence[tuple[str, Decimal | None]],
    decision: str,
    actor: str,
    now: datetime,
    remember: bool,
    submission: str | None,
) -> Decided:
    done = confirm_line(
        session,
        item_id=found.item.id,
        allocations=allocations,
        actor=actor,
        remember=remember,
        now=now,
    )
    rules = tuple(rule.describe() for rule in done.rules)
    summary = _applied(done)
    if done.left_unapplied:
        summary += f"; {done.left_unapplied} left unapplied"
    return record_decision(
        session,
        found.item.id,
        decision=decision,
        summary=summary,
        actor=actor,
        now=now,
        submission=submission,
        rules=rules,
        applied=[
            {"invoice_number": a.invoice_number, "amount": str(a.amount)} for a in done.applied
        ],
    )
