"""The switches and thresholds of automatic application. Pure: no IO.

Every control of the issue's "safe automation" lives here, so a decision can be replayed
with another policy (``make eval`` does, for the baseline):

- ``auto_apply``: the global kill switch;
- ``shadow`` (read by the worker): decide and record everything, post nothing;
- ``min_confidence``, ``amount_bands`` and ``customer_thresholds``: how sure a decision must be
  to act alone, overall, from an amount up, and per customer (``None``: never alone);
- ``max_invoice_age_days``: invoices issued longer ago than this before the payment go to a
  person (0: off);
- the matching methods that can be switched off one by one: identification by content, near
  references, combinations for payments without references.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

#: Steps a combination search may take per line (~25 ms of pure Python here).
COMBINATION_STEP_BUDGET = 50_000


@dataclass(frozen=True, slots=True)
class MatchPolicy:
    """Thresholds and switches of automatic application."""

    auto_apply: bool = True
    amount_tolerance: Decimal = Decimal("0.00")
    suggestion_cutoff: float = 60.0
    #: Days past the discount window an early-payment discount still counts as earned.
    discount_grace_days: int = 0
    #: Identify the customer of a mail from an unknown sender by its content (the invoices
    #: referenced, the sender's domain, the payer name): see matching.customer.
    identify_by_content: bool = True
    #: Apply a reference that names no invoice to the one invoice of the identified customer
    #: it is a certain near form of (OCR confusion, transposition…, amount agreeing).
    near_matches: bool = True
    #: Apply a line without references to the one set of the customer's open balances that
    #: adds up to its amount exactly (several sets: a person picks from them, ranked).
    combinations: bool = True
    combination_step_budget: int = COMBINATION_STEP_BUDGET
    max_suggestions: int = 3
    #: Decide and record, post nothing (the worker reads this).
    shadow: bool = False
    #: The confidence (0–1) a line needs to be applied without a person.
    min_confidence: Decimal = Decimal("0.000")
    #: ``(from_amount, min_confidence)``: a line of at least ``from_amount`` needs at least
    #: that confidence (the highest band it reaches counts).
    amount_bands: tuple[tuple[Decimal, Decimal], ...] = ()
    #: Per customer number: the confidence its lines need, or None for "never alone".
    customer_thresholds: Mapping[str, Decimal | None] = field(default_factory=dict)
    #: Invoices issued more than this many days before the payment go to review (0: off).
    max_invoice_age_days: int = 0
    #: A line that would leave more than this share of the invoice's amount open as a
    #: deduction (a short pay, an unearned discount, a partial payment) goes to a person.
    max_deduction_share: Decimal = Decimal("0.50")
    #: A line read by OCR whose reference or amount the recogniser was less sure of than
    #: this (0–100) goes to a person (matching.ocr_gate).
    ocr_min_confidence: Decimal = Decimal("80")

    def required_confidence(self, amount: Decimal, customer_number: str) -> Decimal | None:
        """The confidence a line of ``amount`` for ``customer_number`` needs to act alone,
        or None when that customer's lines never do."""
        needed = self.min_confidence
        if customer_number in self.customer_thresholds:
            override = self.customer_thresholds[customer_number]
            if override is None:
                return None
            needed = max(needed, override)
        for from_amount, confidence in self.amount_bands:
            if amount >= from_amount:
                needed = max(needed, confidence)
        return needed
