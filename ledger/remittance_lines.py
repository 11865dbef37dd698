"""Record each line of a remittance with its decision, and post what is decided.

One call per remittance, inside the transaction of the mail: a line applied automatically
posts each of its parts (one invoice, or several for a payment matched by combination) in
one savepoint, so a balance that moved under us undoes the whole line and sends it to a
person; a line that goes to a person gets a review item of its kind, and the money it
carries is unapplied cash on the customer until someone applies it. In shadow mode nothing
is posted: the decision is recorded beside the review item a person works as before. With
``hold`` a line decided for automatic application is recorded with outcome ``held`` and what
it would post, and posts when its bank credit links (worker.bank.linking). A contact's line
held under ``ARBOX_APPLY_CASH_ON=bank`` goes to a person only when its credit is late
(:func:`worker.bank.linking.flag_late_held_lines`); a line held because its sender is no
registered contact (``hold_review``) also gets a review item at once: a person may confirm it
before the bank does (a remittance is a claim; cash is what the bank says arrived).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from core.money import format_amount
from core.statuses import (
    ApplicationBasis,
    ApplicationStatus,
    ReviewKind,
    ReviewStatus,
    UnappliedStatus,
)
from core.types import AckLine, Allocation, LineDecision, Outcome, Remittance
from core.types import RemittanceLine as RemittanceLineIn
from ledger import models as m
from ledger.bulk_posting import can_post_at_once, post_at_once
from ledger.compiled import rows
from ledger.posting import Posted, apply_cash, open_review_item
from ledger.unapplied_cash import record_unapplied_cash
from matching.decide import RemittanceDecision

ZERO = Decimal("0.00")


@dataclass(slots=True)
class LinesPosted:
    """What the lines of one remittance came to."""

    applied: list[AckLine] = field(default_factory=list)
    in_review: list[AckLine] = field(default_factory=list)
    review_reasons: list[str] = field(default_factory=list)
    #: Lines decided for automatic application that wait for their bank credit.
    held: int = 0
    #: The final outcome of each line written, in order (the worker counts them).
    outcomes: list[str] = field(default_factory=list)


class _BalanceMoved(Exception):
    """A part of a line could not be posted: undo the line's other parts."""


def post_lines(
    session: Session,
    *,
    row: m.InboundMessage,
    rem: m.Remittance,
    remittance: Remittance,
    decision: RemittanceDecision,
    shadow: bool,
    now: datetime,
    hold: bool = False,
    hold_review: str | None = None,
) -> LinesPosted:
    """Write the remittance lines of ``rem`` with ``decision`` and post it (see module)."""
    out = LinesPosted()
    planned = [
        (d, stated, d.postings())
        for d, stated in zip(decision.lines, remittance.lines, strict=True)
    ]
    if not shadow and not hold and can_post_at_once(planned):
        acks = post_at_once(session, rem=rem, planned=planned, line_values=line_values, now=now)
        if acks is not None:
            out.applied = acks
            out.outcomes = [d.outcome.value for d in decision.lines]
            return out
    written: list[m.RemittanceLine] = []
    for d, stated, parts in planned:
        values = line_values(d, stated, shadow=shadow, hold=hold, hold_review=hold_review)
        line = m.RemittanceLine(remittance_id=rem.id, **values)
        session.add(line)
        session.flush()
        written.append(line)
        if hold and parts and not shadow:
            out.held += 1
            if hold_review:
                _line_item(session, line, row, d, ReviewKind.UNVERIFIED_PAYMENT, now=now)
            continue
        posted = None if shadow or not parts else _post(session, line, d, parts, now=now)
        if parts and not shadow and posted is None:  # the balance moved under us
            line.outcome = Outcome.REVIEW.value
            line.reason = "invoice balance changed while applying"
        if posted:
            _follow_deduction(session, row=row, line=line, d=d, now=now)
            out.applied.extend(
                AckLine(
                    reference=d.invoice_ref or "",
                    amount=part.amount,
                    invoice_number=part.invoice.number,
                    remaining=result.balance_after,
                )
                for part, result in posted
            )
            continue
        if hold_review:  # a stranger's claim in review for another reason too
            line.reason = f"{hold_review}; {line.reason}"[:4000]
        out.in_review.append(AckLine(reference=d.invoice_ref or "", amount=d.amount))
        out.review_reasons.append(line.reason)
        kind = d.review_kind or ReviewKind.REMITTANCE_LINE
        if shadow and parts:
            kind = ReviewKind.SHADOW
        if hold_review and kind != ReviewKind.UNKNOWN_SENDER:
            kind = ReviewKind.UNVERIFIED_PAYMENT  # never bulk-accepted, holds no dunning
        _line_item(session, line, row, d, kind, now=now)
        # A stranger's claim is no cash on an account; a re-send's is counted by its first.
        if d.amount > 0 and not hold_review and d.cash_counted_in is None:
            record_unapplied_cash(
                session,
                key=f"line:{line.id}",
                amount=d.amount,
                currency=rem.currency,
                reason=line.reason,
                now=now,
                customer_id=row.customer_id,
                inbound_id=row.id,
                remittance_line_id=line.id,
            )
    # their final outcome: a balance that moved made auto a review
    out.outcomes = [line.outcome for line in written]
    return out


#: Between a held line's why and what it would post, in its reason.
WOULD_APPLY = "; would apply: "


def line_values(
    d: LineDecision,
    stated: RemittanceLineIn,
    *,
    shadow: bool = False,
    hold: bool = False,
    hold_review: str | None = None,
) -> dict[str, Any]:
    """The columns of a remittance line as written: its decision record, and its outcome
    and reason (a line that would apply is for review in shadow mode, ``held`` with
    ``hold``)."""
    parts = d.postings()
    record = decision_record(d)
    outcome, reason = d.outcome.value, d.reason
    if shadow and parts:
        record["shadow"] = True
        outcome, reason = Outcome.REVIEW.value, f"shadow mode, would apply: {d.reason}"
    elif hold and parts:
        record["held_for_bank"] = held_parts(d, parts)
        waits = "waiting for the bank credit"
        if hold_review:
            waits += f" or a person: {hold_review}"
        outcome, reason = Outcome.HELD.value, f"{waits}{WOULD_APPLY}{d.reason}"
    return {
        "line_no": d.line_no,
        "invoice_ref": _clip(d.invoice_ref, 255),
        "amount": d.amount,
        "stated_amount": stated.amount,
        "gross": stated.gross,
        "discount": stated.discount,
        "deduction": stated.deduction,
        "deduction_reason": _clip(stated.deduction_reason, 2000),
        "alt_refs": "\n".join(stated.alt_refs) or None,
        "evidence": record,
        "outcome": outcome,
        "confidence": d.confidence,
        "reason": reason,
        "invoice_id": d.invoice.invoice_id if d.invoice else None,
    }


def held_parts(d: LineDecision, parts: tuple[Allocation, ...]) -> list[dict[str, str | int]]:
    """What a held line posts once its credit links (amounts as strings)."""
    return [
        {
            "invoice_id": part.invoice.invoice_id,
            "invoice_number": part.invoice.number,
            "currency": part.invoice.currency,
            "amount": str(part.amount),
            "discount": str(part.discount),
            "deduction": str(d.deduction if len(parts) == 1 else ZERO),
        }
        for part in parts
    ]


def _post(
    session: Session,
    line: m.RemittanceLine,
    d: LineDecision,
    parts: tuple[Allocation, ...],
    *,
    now: datetime,
) -> list[tuple[Allocation, Posted]] | None:
    """Apply every part of ``d`` or none of them."""
    done: list[tuple[Allocation, Posted]] = []
    try:
        with session.begin_nested():
            for part in parts:
                posted = apply_cash(
                    session,
                    remittance_line_id=line.id,
                    invoice_id=part.invoice.invoice_id,
                    amount=part.amount,
                    currency=part.invoice.currency,
                    status=ApplicationStatus.AUTO,
                    confidence=d.confidence,
                    reasons=d.reason,
                    actor="worker",
                    now=now,
                    discount=part.discount,
                    deduction=d.deduction if len(parts) == 1 else ZERO,
                )
                if posted is None:
                    raise _BalanceMoved
                done.append((part, posted))
    except _BalanceMoved:
        return None
    return done


def _follow_deduction(
    session: Session,
    *,
    row: m.InboundMessage,
    line: m.RemittanceLine,
    d: LineDecision,
    now: datetime,
) -> None:
    """The cash is applied; what stays open is followed up, never written off silently."""
    if d.invoice is None or d.deduction <= 0:
        return
    open_review_item(
        session,
        key=f"deduction:{line.id}",
        kind=ReviewKind.DEDUCTION,
        reason=(
            f"{format_amount(d.deduction, d.invoice.currency)} of invoice "
            f"{d.invoice.number} stays open: {d.deduction_reason}"
        ),
        now=now,
        inbound_id=row.id,
        remittance_line_id=line.id,
        customer_id=row.customer_id,
        candidates=[{"invoice_number": d.invoice.number, "score": str(d.confidence)}],
    )


def decision_record(d: LineDecision) -> dict[str, object]:
    """The JSON form of a line's decision record (amounts and scores as strings)."""
    record: dict[str, object] = {
        "outcome": d.outcome.value,
        "confidence": str(d.confidence),
        "reason": d.reason,
        "signals": [{"name": s.name, "value": s.value, "detail": s.detail} for s in d.signals],
        "candidates": [{"invoice_number": n, "score": str(score)} for n, score in d.candidates],
        "runner_up": d.runner_up,
    }
    if d.allocations:
        record["allocations"] = [
            {
                "invoice_number": part.invoice.number,
                "amount": str(part.amount),
                "discount": str(part.discount),
            }
            for part in d.allocations
        ]
    if d.review_kind:
        record["review_kind"] = d.review_kind
    return record


def _clip(text: str | None, size: int) -> str | None:
    """``text`` cut to a column of ``size`` characters; None for nothing."""
    return text[:size] if text else None


_RL, _REM, _ITEM = m.RemittanceLine, m.Remittance, m.ReviewItem
#: The lines of other mails claiming one of some invoices that still wait for a person; read
#: for every remittance: built once, run through ledger.compiled.
_WAITING_CLAIMS = (
    select(_RL.invoice_id, _RL.stated_amount, _REM.inbound_id)
    .join(_REM, _REM.id == _RL.remittance_id)
    .where(
        _RL.invoice_id.in_(bindparam("invoice_ids", expanding=True)),
        _REM.inbound_id != bindparam("inbound_id"),
        select(_ITEM.id)
        .where(
            _ITEM.remittance_line_id == _RL.id,
            _ITEM.status == ReviewStatus.OPEN.value,
            _ITEM.kind != ReviewKind.UNVERIFIED_PAYMENT.value,
        )
        .exists(),
    )
)


#: The lines of other mails claiming one of some invoices whose cash is counted already.
_COUNTED_CLAIMS = (
    select(_RL.invoice_id, _RL.stated_amount, _REM.inbound_id)
    .join(_REM, _REM.id == _RL.remittance_id)
    .where(
        _RL.invoice_id.in_(bindparam("invoice_ids", expanding=True)),
        _REM.inbound_id != bindparam("inbound_id"),
        select(m.Application.id)
        .where(
            m.Application.remittance_line_id == _RL.id,
            m.Application.status != ApplicationStatus.REVERSED.value,
        )
        .exists()
        | select(m.UnappliedCash.id)
        .where(
            m.UnappliedCash.remittance_line_id == _RL.id,
            m.UnappliedCash.status != UnappliedStatus.VOID.value,
        )
        .exists(),
    )
    .order_by(_REM.inbound_id)
)


def earlier_waiting_claims(
    session: Session, invoice_ids: Collection[int], *, inbound_id: int
) -> dict[tuple[int, Decimal | None], int]:
    """The lines of mails other than ``inbound_id`` that claim one of ``invoice_ids`` and
    still wait for a person (a stranger's claim waiting only for its bank credit does not
    count): the mail of each, by (invoice id, amount as written)."""
    params = {"invoice_ids": sorted(set(invoice_ids)), "inbound_id": inbound_id}
    earlier = rows(session, _WAITING_CLAIMS, params)
    return {(invoice_id, amount): inbound for invoice_id, amount, inbound in earlier}


def earlier_counted_claims(
    session: Session, invoice_ids: Collection[int], *, inbound_id: int
) -> dict[tuple[int, Decimal | None], int]:
    """The lines of mails other than ``inbound_id`` that claim one of ``invoice_ids`` and whose
    cash is counted: applied (and not un-applied since), or recorded as unapplied cash (open,
    or applied by a person since). The mail of each, by (invoice id, amount as written)."""
    params = {"invoice_ids": sorted(set(invoice_ids)), "inbound_id": inbound_id}
    first: dict[tuple[int, Decimal | None], int] = {}
    for invoice_id, amount, inbound in rows(session, _COUNTED_CLAIMS, params):
        first.setdefault((invoice_id, amount), inbound)
    return first


def mark_applied_by_bank(session: Session, remittance_id: int) -> None:
    """Record the applications of ``remittance_id``'s lines as the bank's word
    (``basis = 'bank'``): the remittance was read from a bank credit."""
    line_ids = select(m.RemittanceLine.id).where(m.RemittanceLine.remittance_id == remittance_id)
    session.execute(
        update(m.Application)
        .where(m.Application.remittance_line_id.in_(line_ids))
        .values(basis=ApplicationBasis.BANK)
    )


def _line_item(
    session: Session,
    line: m.RemittanceLine,
    row: m.InboundMessage,
    decision: LineDecision,
    kind: ReviewKind,
    *,
    now: datetime,
) -> None:
    """The review item of a line that is not posted by itself, with the decision's ranked
    candidates."""
    open_review_item(
        session,
        key=f"line:{line.id}",
        kind=kind,
        reason=line.reason,
        now=now,
        inbound_id=row.id,
        remittance_line_id=line.id,
        customer_id=row.customer_id,
        candidates=[
            {"invoice_number": number, "score": str(score)} for number, score in decision.candidates
        ],
    )
