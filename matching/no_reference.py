"""Payments without references: which of the customer's open invoices they pay. Pure: no IO.

A line with an amount and no document number is matched by combination (matching.combos):
the sets of the identified customer's open balances (each at its balance, or less the
early-payment discount it has earned by the payment date) that add up to the amount exactly,
in integer cents, within a step budget. Exactly one set, with the search complete, may be
applied alone; several go to a person ranked (fewest invoices, then oldest first), and a
search cut short never claims to be unique.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.money import format_amount
from core.statuses import InvoiceStatus, ReviewKind
from core.types import (
    Allocation,
    LineDecision,
    OpenInvoice,
    Outcome,
    Remittance,
    RemittanceLine,
    Signal,
)
from matching.combos import Item, find_combinations
from matching.policy import MatchPolicy
from matching.terms import earned_discount

#: Confidence of a unique exact combination: the arithmetic is certain, the intent is not.
UNIQUE_COMBINATION = Decimal("0.950")
#: Solutions shown to a person at most.
SHOWN = 3


@dataclass(frozen=True, slots=True)
class CombinationMatch:
    """The sets of open invoices a payment without references can be, best first."""

    amount: Decimal
    solutions: tuple[tuple[Allocation, ...], ...]
    #: False when the step budget ran out: there may be sets not listed.
    complete: bool
    considered: int

    @property
    def unique(self) -> tuple[Allocation, ...] | None:
        """The only set, when the search saw every set and found exactly one."""
        return self.solutions[0] if self.complete and len(self.solutions) == 1 else None

    def describe(self, solution: Sequence[Allocation]) -> str:
        """``INV-1 4,000.00 + INV-2 1,200.00 (discount 24.00)``."""
        parts = []
        for part in solution:
            text = f"{part.invoice.number} {format_amount(part.amount, part.invoice.currency)}"
            if part.discount > 0:
                text += f" (discount {format_amount(part.discount, part.invoice.currency)})"
            parts.append(text)
        return " + ".join(parts)

    def signal(self) -> Signal:
        """The evidence: how many sets add up to the amount among how many open invoices."""
        amount = format_amount(self.amount)
        if not self.solutions and not self.complete:
            value = "search cut short"
            detail = f"none found among {self.considered} open balances within the step budget"
        elif not self.solutions:
            value, detail = "none", f"no set of {self.considered} open balances adds up to {amount}"
        elif self.unique is not None:
            value = "unique"
            detail = f"only {self.describe(self.unique)} adds up to {amount}"
        else:
            value = "several" if self.complete else "search cut short"
            shown = "; ".join(self.describe(s) for s in self.solutions[:SHOWN])
            detail = f"{len(self.solutions)}{'' if self.complete else '+'} sets: {shown}"
        return Signal("combination", value, detail)

    def runner_up(self) -> str | None:
        """Why the second set lost, or that there is none."""
        if len(self.solutions) < 2:
            return None if not self.solutions else "no other set of open balances adds up"
        return f"{self.describe(self.solutions[1])}: adds up too (a person picks)"


def match_without_reference(
    amount: Decimal,
    customer_open: Sequence[OpenInvoice],
    *,
    taken: Mapping[int, Decimal],
    currency: str | None,
    paid_on: date | None,
    grace_days: int,
    step_budget: int,
) -> CombinationMatch:
    """The sets of ``customer_open`` (less the invoices other lines of the remittance pay,
    ``taken``) whose open balances add up to ``amount``."""
    invoices = sorted(
        (
            inv
            for inv in customer_open
            if inv.status == InvoiceStatus.OPEN
            and inv.balance > 0
            and inv.invoice_id not in taken
            and (currency is None or inv.currency == currency)
        ),
        key=lambda inv: (inv.due_date, inv.number),
    )
    by_id = {inv.invoice_id: inv for inv in invoices}
    discounts = {
        inv.invoice_id: earned_discount(inv, paid_on=paid_on, grace_days=grace_days)
        for inv in invoices
    }
    items = [
        Item(
            key=inv.invoice_id,
            amount=inv.balance,
            alternatives=(inv.balance - discounts[inv.invoice_id],)
            if discounts[inv.invoice_id] > 0
            else (),
        )
        for inv in invoices
    ]
    found = find_combinations(amount, items, step_budget=step_budget)
    solutions = [
        tuple(
            Allocation(
                invoice=by_id[pick.key],
                amount=pick.amount,
                discount=by_id[pick.key].balance - pick.amount,
            )
            for pick in solution
        )
        for solution in found.solutions
    ]
    order = {inv.invoice_id: n for n, inv in enumerate(invoices)}
    solutions.sort(key=lambda s: (len(s), [order[p.invoice.invoice_id] for p in s]))
    return CombinationMatch(
        amount=amount,
        solutions=tuple(solutions),
        complete=found.complete,
        considered=len(invoices),
    )


def combination_for(
    line: RemittanceLine,
    customer_open: Sequence[OpenInvoice],
    taken: Mapping[int, Decimal],
    remittance: Remittance,
    policy: MatchPolicy,
    *,
    paid_on: date | None,
) -> CombinationMatch | None:
    """The combination search for a line without references, when one makes sense."""
    if line.amount is None or line.amount <= 0 or not customer_open:
        return None
    return match_without_reference(
        line.amount,
        customer_open,
        taken=taken,
        currency=remittance.currency,
        paid_on=paid_on,
        grace_days=policy.discount_grace_days,
        step_budget=policy.combination_step_budget,
    )


def decide_by_combination(
    line_no: int,
    line: RemittanceLine,
    combo: CombinationMatch,
    review: Callable[..., LineDecision],
    policy: MatchPolicy,
) -> LineDecision:
    """A line without references: applied over the one set of open balances that adds up
    to its amount, or to review with the sets ranked."""
    amount = format_amount(combo.amount)
    unique = combo.unique
    if unique is None or not policy.combinations:
        shown = [part.invoice.number for s in combo.solutions[:3] for part in s]
        ranked = tuple(
            (number, Decimal("0.800") if n < len(combo.solutions[0]) else Decimal("0.600"))
            for n, number in enumerate(dict.fromkeys(shown))
        )
        if not combo.solutions:
            why = (
                "no invoice reference on the line, and no set of open balances adds up to " + amount
                if combo.complete
                else "no invoice reference on the line, and the search for a set of open "
                f"balances adding up to {amount} was cut short (too many open invoices)"
            )
            return review(why, suggestions=None)
        if unique is not None:
            why = (
                f"no invoice reference on the line; only {combo.describe(unique)} adds up to "
                f"{amount} (combinations are not applied automatically: setting)"
            )
            return review(why, kind=ReviewKind.AMBIGUOUS, suggestions=ranked)
        what = f"{len(combo.solutions)} sets" if combo.complete else "too many sets to be sure"
        why = f"no invoice reference on the line; {what} of open balances add up to {amount}"
        return review(why, kind=ReviewKind.AMBIGUOUS, suggestions=ranked)
    discount = sum((part.discount for part in unique), start=Decimal("0.00"))
    reason = (
        f"no invoice reference on the line; exactly one set of the customer's open balances "
        f"adds up to {amount}: {combo.describe(unique)}"
    )
    if discount > 0:
        reason += "; early-payment discounts earned, written off"
    return LineDecision(
        line_no=line_no,
        invoice_ref=line.invoice_ref,
        amount=combo.amount,
        outcome=Outcome.AUTO,
        confidence=UNIQUE_COMBINATION,
        reason=reason,
        invoice=unique[0].invoice if len(unique) == 1 else None,
        candidates=tuple((part.invoice.number, UNIQUE_COMBINATION) for part in unique),
        discount=discount,
        allocations=unique,
    )
