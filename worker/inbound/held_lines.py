"""Lines the decision would apply that a person must see first, and why: the payment may be
counted already. Pure decisions over reads of :mod:`ledger`."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from core.statuses import ReviewKind
from core.types import QUESTION_KINDS, LineDecision, Outcome, Remittance
from ledger import models as m
from ledger.inbound_store import SamePayment, earlier_mail_waiting
from matching.decide import RemittanceDecision

#: How far back the first copy of a re-sent advice is looked for.
RESEND_LOOKBACK = timedelta(days=30)


def told_again_while_waiting(
    session: Session,
    row: m.InboundMessage,
    remittance: Remittance,
    decision: RemittanceDecision,
) -> RemittanceDecision:
    """``decision`` with every automatic line sent to a person when the mail says it tells
    its payment again ("Resend: …", "nous vous le renvoyons") while an earlier mail of the
    same customer still waits for a person that may be its first copy (nothing of it was
    read, or it names one of the same invoices, payment reference or total): the payment
    would be counted twice once the person posts it. A waiting mail about other invoices
    is another payment, and holds nothing back."""
    auto = [d for d in decision.lines if d.outcome is Outcome.AUTO and d.invoice is not None]
    if remittance.told_again is None or not auto:
        return decision
    customers = {d.invoice.customer_id for d in auto if d.invoice is not None}
    same = SamePayment(
        invoice_ids=frozenset(d.invoice.invoice_id for d in auto if d.invoice is not None),
        refs=frozenset(
            line.invoice_ref.casefold() for line in remittance.lines if line.invoice_ref
        ),
        payment_ref=remittance.payment_ref,
        total=remittance.stated_total,
    )
    first = earlier_mail_waiting(
        session,
        customers | ({row.customer_id} if row.customer_id else set()),
        inbound_id=row.id,
        since=row.received_at - RESEND_LOOKBACK,
        question_kinds={kind.value for kind in QUESTION_KINDS},
        same=same,
    )
    if first is None:
        return decision
    why = f"the mail says it is sent again ({remittance.told_again!r}) and mail {first} of "
    return dataclasses.replace(
        decision,
        lines=tuple(
            held_back(d, f"{why}the customer waits for a person: would apply: {d.reason}")
            if d.outcome is Outcome.AUTO and d.invoice is not None
            else d
            for d in decision.lines
        ),
    )


def held_back(d: LineDecision, reason: str) -> LineDecision:
    """``d``, an automatic line, given to a person instead for ``reason``."""
    assert d.invoice is not None
    return dataclasses.replace(
        d,
        outcome=Outcome.REVIEW,
        reason=reason,
        confidence=min(d.confidence, Decimal("0.990")),
        candidates=d.candidates or ((d.invoice.number, d.confidence),),
        discount=Decimal("0.00"),
        deduction=Decimal("0.00"),
        deduction_reason=None,
        review_kind=ReviewKind.REMITTANCE_LINE,
    )
