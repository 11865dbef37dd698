"""Tie bank credits to remittances, in the transaction of whichever arrives second.

- :func:`expect_payment`: a remittance just posted (worker.inbound.remittance) becomes an expected
  payment, then looks for the credit among the payments already imported that are unmatched.
- :func:`link_new_credit`: a credit just imported (worker.bank.importing) looks for its expected
  payment among the open ones.

The rules are :mod:`matching.bank_link`'s (amount exact, payer, reference, date window); an
ambiguous case opens a ``bank_link`` review item naming the candidates. When a link is made
and the remittance's lines were held (``ARBOX_APPLY_CASH_ON=bank``), they post now, their
applications recording ``basis = 'bank'``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import structlog
from sqlalchemy.orm import Session

from core.errors import RefusedActionError
from core.statuses import (
    ApplicationStatus,
    ExpectedPaymentStatus,
    InboundStatus,
    LinkMethod,
    PaymentStatus,
    ReviewKind,
    ReviewStatus,
)
from core.types import Outcome
from ledger import models as m
from ledger.bank_link_store import (
    held_lines,
    late_held_lines,
    open_expected_near,
    open_items_of_kind,
    payment_link_of,
    settle_held_line,
    unmatched_credits_near,
)
from ledger.posting import apply_cash, audit, open_review_item
from ledger.remittance_lines import WOULD_APPLY
from matching.bank_link import (
    CreditView,
    ExpectedView,
    LinkDecision,
    link_credit,
    link_expected,
)
from parsers.text_refs import find_creditor_refs

log = structlog.get_logger(__name__)


def credit_view(payment: m.Payment) -> CreditView:
    """A payment row as linking sees it."""
    refs = tuple(r for r in (payment.end_to_end_id, payment.bank_ref) if r)
    refs += tuple((payment.refs or "").splitlines())
    # An RF reference printed in groups (``RF18 5390 0754 7034``) is one reference, not words
    refs += find_creditor_refs(payment.remittance_text or "")
    return CreditView(
        payment_id=payment.id,
        amount=payment.amount,
        currency=payment.currency,
        value_date=payment.value_date or payment.booking_date,
        customer_id=payment.customer_id,
        references=refs,
        text=payment.remittance_text or "",
    )


def expected_view(row: m.ExpectedPayment) -> ExpectedView:
    """An expected payment row as linking sees it."""
    return ExpectedView(
        expected_id=row.id,
        amount=row.amount,
        currency=row.currency,
        expected_on=row.expected_on,
        customer_id=row.customer_id,
        payment_ref=row.payment_ref,
        invoice_refs=tuple((row.invoice_refs or "").splitlines()),
    )


def expect_payment(
    session: Session,
    *,
    row: m.InboundMessage,
    rem: m.Remittance,
    invoice_refs: list[str],
    window_days: int,
    now: datetime,
) -> m.ExpectedPayment | None:
    """Record what ``rem`` announces and link it to an imported credit if one is its money."""
    amount = rem.stated_total if rem.stated_total is not None else rem.lines_total
    if amount is None or amount <= 0:
        return None
    expected = m.ExpectedPayment(
        remittance_id=rem.id,
        customer_id=rem.customer_id,
        amount=amount,
        currency=rem.currency,
        payment_ref=rem.payment_ref,
        invoice_refs="\n".join(dict.fromkeys(r for r in invoice_refs if r))[:4000] or None,
        expected_on=rem.payment_date or row.received_at.date(),
        status=ExpectedPaymentStatus.OPEN,
        created_at=now,
    )
    session.add(expected)
    session.flush()
    payments = unmatched_credits_near(
        session,
        currency=expected.currency,
        amount=amount,
        day=expected.expected_on,
        window_days=window_days,
    )
    decision = link_expected(
        expected_view(expected), [credit_view(p) for p in payments], window_days=window_days
    )
    by_id = {p.id: p for p in payments}
    _act(session, decision, payments=by_id, expected={expected.id: expected}, now=now)
    return expected


def link_new_credit(
    session: Session, payment: m.Payment, *, window_days: int, now: datetime
) -> LinkDecision:
    """Link a just-imported credit to the open expected payment it pays (see module)."""
    day = payment.value_date or payment.booking_date or now.date()
    rows = open_expected_near(
        session,
        currency=payment.currency,
        amount=payment.amount,
        day=day,
        window_days=window_days,
    )
    decision = link_credit(
        credit_view(payment), [expected_view(r) for r in rows], window_days=window_days
    )
    _act(session, decision, payments={payment.id: payment}, expected={r.id: r for r in rows},
         now=now)  # fmt: skip
    return decision


def _act(
    session: Session,
    decision: LinkDecision,
    *,
    payments: dict[int, m.Payment],
    expected: dict[int, m.ExpectedPayment],
    now: datetime,
) -> None:
    if decision.outcome == "link" and decision.chosen is not None:
        link(
            session,
            payments[decision.chosen.payment_id],
            expected[decision.chosen.expected_id],
            reason=decision.reason,
            actor="worker",
            method=LinkMethod.AUTO,
            now=now,
        )
        return
    if decision.outcome != "ambiguous":
        return
    pids = sorted({c.payment_id for c in decision.candidates})
    eids = sorted({c.expected_id for c in decision.candidates})
    candidates = []
    for c in decision.candidates:
        p, e = payments[c.payment_id], expected[c.expected_id]
        candidates.append(
            {
                "invoice_number": (e.invoice_refs or "").split("\n", 1)[0],
                "score": "1.000" if c.reference else "0.500" if c.payer else "0.000",
                "payment_id": p.id,
                "expected_payment_id": e.id,
                "amount": str(p.amount),
                "value_date": p.value_date.isoformat() if p.value_date else None,
                "payer_name": p.payer_name,
                "evidence": c.evidence,
            }
        )
    first = expected[eids[0]]
    open_review_item(
        session,
        key=f"bank_link:p{','.join(map(str, pids))}:e{','.join(map(str, eids))}"[:255],
        kind=ReviewKind.BANK_LINK,
        reason=f"{decision.reason}: {len(pids)} payment(s), {len(eids)} remittance(s)",
        now=now,
        customer_id=first.customer_id if len(eids) == 1 else None,
        candidates=candidates,
    )
    log.info("bank_link_ambiguous", payments=pids, expected=eids)


def link(
    session: Session,
    payment: m.Payment,
    expected: m.ExpectedPayment,
    *,
    reason: str,
    actor: str,
    method: LinkMethod,
    now: datetime,
) -> None:
    """Tie ``payment`` to ``expected``, and post the remittance's held lines now."""
    session.add(
        m.PaymentLink(
            payment_id=payment.id,
            expected_payment_id=expected.id,
            method=method,
            reason=reason,
            linked_by=actor,
            linked_at=now,
        )
    )
    expected.status = ExpectedPaymentStatus.LINKED
    payment.status = PaymentStatus.LINKED
    if payment.customer_id is None:
        payment.customer_id = expected.customer_id
    session.flush()
    posted = post_held_lines(session, expected.remittance_id, now=now)
    if posted:
        payment.status = PaymentStatus.APPLIED
    audit(
        session,
        actor=actor,
        action="link_payment",
        entity="payment",
        entity_id=payment.id,
        now=now,
        expected_payment_id=expected.id,
        remittance_id=expected.remittance_id,
        why=reason,
        posted_lines=posted,
    )
    log.info("payment_linked", payment_id=payment.id, expected_payment_id=expected.id)


def post_held_lines(session: Session, remittance_id: int, *, now: datetime) -> int:
    """Post every held line of a remittance (all parts of a line or none); returns how many
    lines posted. A line whose invoice moved meanwhile goes to a person."""
    rem = session.get(m.Remittance, remittance_id)
    assert rem is not None
    lines = held_lines(session, remittance_id)
    done = 0
    for line in lines:
        parts = (line.evidence or {}).get("held_for_bank") or []
        ids = _post_parts(session, line, parts, now=now)
        if ids is None:
            line.outcome = Outcome.REVIEW.value
            line.reason = "invoice balance changed while the payment was on its way"
            open_review_item(
                session,
                key=f"line:{line.id}",
                kind=ReviewKind.REMITTANCE_LINE,
                reason=line.reason,
                now=now,
                inbound_id=rem.inbound_id,
                remittance_line_id=line.id,
                customer_id=rem.customer_id,
            )
            continue
        line.outcome = Outcome.AUTO.value
        line.reason = line.reason.partition(WOULD_APPLY)[2] or line.reason
        # the bank said it: nobody needs to confirm the line any more
        settle_held_line(
            session,
            line.id,
            ids,
            item_kinds=[ReviewKind.UNVERIFIED_PAYMENT, ReviewKind.LATE_CREDIT],
            now=now,
        )
        done += 1
    inbound = session.get(m.InboundMessage, rem.inbound_id)
    if done and inbound is not None and inbound.status != InboundStatus.REVIEW:
        inbound.status = InboundStatus.APPLIED
    return done


def flag_late_held_lines(session: Session, *, window_days: int, now: datetime) -> int:
    """Open a ``late_credit`` review item for every held line whose bank credit has not come
    within ``window_days`` of the payment date (a line that already has an item, a stranger's
    ``unverified_payment``, keeps that one). Returns the items opened."""
    cutoff = now.date() - timedelta(days=window_days)
    rows = late_held_lines(session, expected_before=cutoff)
    opened = 0
    for line, inbound_id, customer_id in rows:
        waited = line.reason.partition(WOULD_APPLY)[2] or line.reason
        opened += (
            open_review_item(
                session,
                key=f"line:{line.id}",
                kind=ReviewKind.LATE_CREDIT,
                reason=f"no bank credit within {window_days} days of the payment date; "
                f"would apply: {waited}",
                now=now,
                inbound_id=inbound_id,
                remittance_line_id=line.id,
                customer_id=customer_id,
                candidates=[
                    {"invoice_number": str(part.get("invoice_number", "")), "score": "1.000"}
                    for part in (line.evidence or {}).get("held_for_bank") or []
                ],
            )
            is not None
        )
    return opened


def _post_parts(
    session: Session, line: m.RemittanceLine, parts: list[dict[str, object]], *, now: datetime
) -> list[int] | None:
    ids: list[int] = []
    try:
        with session.begin_nested():
            for part in parts:
                posted = apply_cash(
                    session,
                    remittance_line_id=line.id,
                    invoice_id=int(str(part["invoice_id"])),
                    amount=Decimal(str(part["amount"])),
                    currency=str(part["currency"]),
                    status=ApplicationStatus.AUTO,
                    confidence=line.confidence,
                    reasons=line.reason,
                    actor="worker",
                    now=now,
                    discount=Decimal(str(part["discount"])),
                    deduction=Decimal(str(part["deduction"])),
                )
                if posted is None:
                    raise _Moved
                ids.append(posted.application_id)
    except _Moved:
        return None
    return ids


class _Moved(Exception):
    """A held part could not be posted: undo the line's other parts."""


def confirm_link(
    session: Session, *, payment_id: int, expected_payment_id: int, actor: str, now: datetime
) -> m.PaymentLink:
    """A person ties a payment to an expected payment (a ``bank_link`` review item's
    answer): both must be waiting, in one currency and of one amount; the review items
    naming either are resolved.

    Raises:
        RefusedActionError: any of that does not hold; nothing was changed.
    """
    payment = session.get(m.Payment, payment_id, with_for_update=True)
    expected = session.get(m.ExpectedPayment, expected_payment_id, with_for_update=True)
    if payment is None or expected is None:
        missing = "payment" if payment is None else "expected payment"
        number = payment_id if payment is None else expected_payment_id
        raise RefusedActionError(f"{missing} {number} does not exist")
    if payment.status != PaymentStatus.UNMATCHED:
        raise RefusedActionError(f"payment {payment_id} is {payment.status}, not unmatched")
    if expected.status != ExpectedPaymentStatus.OPEN:
        raise RefusedActionError(f"expected payment {expected_payment_id} is {expected.status}")
    if (payment.currency, payment.amount) != (expected.currency, expected.amount):
        raise RefusedActionError(
            f"payment {payment_id} is {payment.amount} {payment.currency}, the remittance "
            f"announced {expected.amount} {expected.currency}"
        )
    link(
        session,
        payment,
        expected,
        reason=f"confirmed by {actor}",
        actor=actor,
        method=LinkMethod.CONFIRMED,
        now=now,
    )
    items = open_items_of_kind(session, ReviewKind.BANK_LINK)
    for item in items:
        named = {(c.get("payment_id"), c.get("expected_payment_id")) for c in item.candidates}
        if any(p == payment_id or e == expected_payment_id for p, e in named):
            item.status = ReviewStatus.RESOLVED
            item.resolved_at = now
            item.resolved_by = actor
    return payment_link_of(session, payment_id)
