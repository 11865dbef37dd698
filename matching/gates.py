"""The last word before a line is applied alone: the safe-automation controls. Pure: no IO.

A decision the matching would apply automatically still goes to a person when

- a person un-applied cash from one of its invoices before (they know something we do not);
- an invoice is older than the policy's ``max_invoice_age_days`` at the payment date;
- its confidence is below what the policy asks for its amount and customer, or the customer's
  lines are never applied alone.

The decision keeps its invoice and candidates, so the reviewer sees what would have been done.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from datetime import date
from decimal import Decimal

from core.money import fits_currency, format_amount, minor_units
from core.statuses import ReviewKind
from core.types import LineDecision, Outcome
from matching.policy import MatchPolicy

ZERO = Decimal("0.00")


def held(
    decision: LineDecision,
    *,
    policy: MatchPolicy,
    paid_on: date | None,
    reversed_invoice_ids: Collection[int] = (),
    written: Decimal | None = None,
) -> LineDecision:
    """``decision``, or the same sent to review when a control holds it. ``written`` is the
    line's amount as read from a document a person wrote (None for EDI and ISO 20022 files,
    whose amounts have one reading)."""
    postings = decision.postings()
    if not postings:
        return decision
    reason = _hold_reason(
        decision, policy=policy, paid_on=paid_on, reversed_ids=reversed_invoice_ids
    ) or _mis_scaled(written, postings[0].invoice.currency)
    if reason is None:
        return decision
    return hold(decision, reason)


def hold(decision: LineDecision, reason: str) -> LineDecision:
    """``decision``, which would have applied, sent to a person for ``reason``: it keeps its
    invoice as the first candidate so the reviewer sees what would have been done."""
    candidates = decision.candidates or tuple(
        (part.invoice.number, decision.confidence) for part in decision.postings()
    )
    return dataclasses.replace(
        decision,
        outcome=Outcome.REVIEW,
        reason=f"{reason}; would have applied: {decision.reason}",
        confidence=min(decision.confidence, Decimal("0.990")),
        candidates=candidates,
        discount=ZERO,
        deduction=ZERO,
        deduction_reason=None,
        review_kind=ReviewKind.HELD,
    )


def _mis_scaled(written: Decimal | None, currency: str) -> str | None:
    """Why a whole amount of 1,000 or more in a three-decimal currency is not applied alone when
    it was not written with three decimals: ``1.500`` is one and a half dinars to the payer who
    wrote it and 1,500 to a reader that takes the point for a thousands separator."""
    if written is None or minor_units(currency) != 3 or written < 1000:
        return None
    if written.as_tuple().exponent == -3 or written != written.to_integral_value():
        return None  # written with its three decimals, or with a fraction: one reading
    return (
        f"{format_amount(written, currency)} {currency} was not written with three decimals "
        f"(1.500 is 1.5 or 1,500 {currency})"
    )


def _hold_reason(
    decision: LineDecision,
    *,
    policy: MatchPolicy,
    paid_on: date | None,
    reversed_ids: Collection[int],
) -> str | None:
    postings = decision.postings()
    for part in postings:
        currency = part.invoice.currency
        for value in (part.amount, part.discount, decision.deduction):
            if not fits_currency(value, currency):
                return f"{value} has more decimals than {currency} allows ({minor_units(currency)})"
    for part in postings:
        if part.invoice.invoice_id in reversed_ids:
            return f"a person un-applied cash from invoice {part.invoice.number} before"
    if policy.max_invoice_age_days > 0 and paid_on is not None:
        for part in postings:
            issued = part.invoice.issue_date
            if issued is not None and (paid_on - issued).days > policy.max_invoice_age_days:
                return (
                    f"invoice {part.invoice.number} was issued {(paid_on - issued).days} days "
                    f"before the payment (automatic only up to {policy.max_invoice_age_days})"
                )
    customer = postings[0].invoice.customer_number
    needed = policy.required_confidence(decision.amount, customer)
    if needed is None:
        return f"lines of customer {customer} are never applied automatically (setting)"
    if decision.confidence < needed:
        return (
            f"confidence {decision.confidence} is below the {needed} required for "
            f"{format_amount(decision.amount, postings[0].invoice.currency)} of customer {customer}"
        )
    return None
