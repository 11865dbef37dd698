"""Decide one line of a remittance whose reference has been resolved. Pure: no IO.

:func:`decide_line` runs the checks of matching.decide's rules in order, each a step of its
own: the reference names one invoice; that invoice can take this payment (the customer's, open,
in the remittance's currency, a payment and not a credit); the amount is not, to the cent, a
near invoice's balance; it does not exceed the balance; and what stays open is a deduction small
enough to record without a person. The first step that fails sends the line to review with its
reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal

from core.money import format_amount
from core.refs import is_creditor_key, normalise_ref
from core.statuses import InvoiceStatus, ReviewKind
from core.types import LineDecision, OpenInvoice, Outcome, RemittanceLine
from matching.amounts import confirming_amounts
from matching.near import NearMatch, near_matches
from matching.no_reference import CombinationMatch, decide_by_combination
from matching.policy import MatchPolicy
from matching.suggest import suggest
from matching.terms import discount_of, earned_discount

CERTAIN = Decimal("1.000")
NO_CONFIDENCE = Decimal("0.000")

#: Sends the line to review: (reason, invoice, kind, suggestions) -> the decision.
Review = Callable[..., LineDecision]


def decide_line(
    line_no: int,
    line: RemittanceLine,
    key: str,
    found: Sequence[OpenInvoice],
    *,
    customer_id: int | None,
    customer_open: Sequence[OpenInvoice],
    per_invoice: Mapping[int, Decimal],
    blocker: str | None,
    policy: MatchPolicy,
    near: NearMatch | None = None,
    paid_on: date | None = None,
    combo: CombinationMatch | None = None,
    currency: str | None = None,
    settled_by: dict[int, int] | None = None,
) -> LineDecision:
    """The decision for one line: applied automatically, or to review with the reason.

    ``found`` are the invoices the line's key names; ``per_invoice`` what all the lines pay
    each invoice; ``settled_by`` records which line carries an invoice's discount and
    deduction when several lines pay it.
    """
    review = _reviewer(line_no, line, key, customer_id, customer_open, policy)
    if not key:
        if combo is None:
            return review(blocker or "no invoice reference on the line")
        return decide_by_combination(line_no, line, combo, review, policy)
    ref = line.invoice_ref or ""
    if key != normalise_ref(ref):
        ref = f"{ref} (alternative reference {key})" if ref else key
    if not found:
        return review(f"no invoice matches reference {ref!r}")
    found = narrow(found, line, customer_id)
    if len(found) > 1:
        numbers = ", ".join(sorted(inv.number for inv in found))
        return review(
            f"reference {ref!r} matches several invoices: {numbers}", kind=ReviewKind.AMBIGUOUS
        )
    invoice = found[0]
    if line.amount is None:
        return review(
            "the remittance names this invoice but not the amount paid for it, and the "
            "open balances do not add up to the stated total",
            invoice,
        )
    refused = _cannot_take(line.amount, invoice, customer_id, blocker, currency)
    if refused is not None:
        return review(refused, invoice)
    if line.amount < 0 and invoice.balance < 0:
        return _net_credit(line_no, line, invoice, review)
    refused = _not_a_payment(line.amount, invoice)
    if refused is not None:
        return review(refused, invoice)
    rival = (
        _rival_review(line, invoice, key, customer_open, policy, paid_on, review)
        if near is None
        else None
    )
    if rival is not None:
        return rival
    paid = per_invoice.get(invoice.invoice_id, Decimal("0.00"))
    if paid > invoice.balance:
        what = "amount" if paid == line.amount else "lines for this invoice together come to"
        return review(
            f"{what} {format_amount(paid, invoice.currency)} is over the open balance "
            f"{format_amount(invoice.balance, invoice.currency)} of invoice {invoice.number} "
            "(overpayment: unapplied cash)",
            invoice,
            kind=ReviewKind.OVERPAYMENT,
        )
    return _applied(
        line_no, line, line.amount, invoice, paid, ref, near, policy, paid_on, settled_by, review
    )


def _reviewer(
    line_no: int,
    line: RemittanceLine,
    key: str,
    customer_id: int | None,
    customer_open: Sequence[OpenInvoice],
    policy: MatchPolicy,
) -> Review:
    """The function that sends this line to review, with ranked suggestions."""

    def review(
        reason: str,
        invoice: OpenInvoice | None = None,
        kind: ReviewKind = ReviewKind.REMITTANCE_LINE,
        suggestions: tuple[tuple[str, Decimal], ...] | None = None,
    ) -> LineDecision:
        if suggestions is None:
            suggestions = suggest(line, key, invoice, customer_open, policy)
        confidence = suggestions[0][1] if suggestions else NO_CONFIDENCE
        if customer_id is None:
            kind = ReviewKind.UNKNOWN_SENDER
        return LineDecision(
            line_no=line_no,
            invoice_ref=line.invoice_ref,
            amount=line.amount if line.amount is not None else Decimal("0.00"),
            outcome=Outcome.REVIEW,
            confidence=min(confidence, Decimal("0.990")),
            reason=reason,
            invoice=invoice,
            candidates=suggestions,
            review_kind=kind,
        )

    return review


def _cannot_take(
    amount: Decimal,
    invoice: OpenInvoice,
    customer_id: int | None,
    blocker: str | None,
    currency: str | None,
) -> str | None:
    """Why ``invoice`` cannot take cash from this remittance at all, or None."""
    if customer_id is not None and invoice.customer_id != customer_id:
        return f"invoice {invoice.number} belongs to another customer ({invoice.customer_number})"
    if blocker is not None:
        return blocker
    if currency is not None and invoice.currency != currency:
        return f"the remittance is in {currency}, invoice {invoice.number} in {invoice.currency}"
    if invoice.status != InvoiceStatus.OPEN or invoice.balance == 0:
        balance = format_amount(invoice.balance, invoice.currency)
        return f"invoice {invoice.number} is not open (balance {balance})"
    return None


def _not_a_payment(amount: Decimal, invoice: OpenInvoice) -> str | None:
    """Why the line is no payment of ``invoice`` (a credit memo, a non-positive amount)."""
    written = format_amount(amount, invoice.currency)
    if invoice.balance < 0:
        return f"{invoice.number} is a credit memo; line amount {written} pays it"
    if amount <= 0:
        return f"line amount {written} is not a payment"
    return None


def _rival_review(
    line: RemittanceLine,
    invoice: OpenInvoice,
    key: str,
    customer_open: Sequence[OpenInvoice],
    policy: MatchPolicy,
    paid_on: date | None,
    review: Review,
) -> LineDecision | None:
    """To review when the amount is, to the cent, another near invoice's balance."""
    rival = amount_points_elsewhere(line, invoice, key, customer_open, policy, paid_on=paid_on)
    if rival is None:
        return None
    balance = format_amount(invoice.balance, invoice.currency)
    return review(
        f"reference names invoice {invoice.number} (open balance {balance}), but the "
        f"amount is, to the cent, what {rival.invoice.number} asks, a near form of the "
        f"reference ({rival.kind}): a mistyped number, or a short pay of {invoice.number}",
        invoice,
        suggestions=(
            (rival.invoice.number, Decimal("0.900")),
            (invoice.number, Decimal("0.850")),
        ),
    )


def _applied(
    line_no: int,
    line: RemittanceLine,
    amount: Decimal,
    invoice: OpenInvoice,
    paid: Decimal,
    ref: str,
    near: NearMatch | None,
    policy: MatchPolicy,
    paid_on: date | None,
    settled_by: dict[int, int] | None,
    review: Review,
) -> LineDecision:
    """The automatic application, with its earned discount and the deduction left open; to
    review when more than the policy's share of the invoice would stay open."""
    reason = f"reference matches invoice {invoice.number} exactly; amount within balance"
    confidence = CERTAIN
    if near is not None:
        confidence = near.strength
        reason = (
            f"reference {ref!r} names no invoice; it is a near form of invoice "
            f"{invoice.number} ({near.kind}), the only near invoice of the customer whose "
            f"open balance equals the amount"
        )
    earned = earned_discount(invoice, paid_on=paid_on, grace_days=policy.discount_grace_days)
    discount = earned if earned > 0 and paid + earned == invoice.balance else Decimal("0.00")
    remaining = invoice.balance - paid - discount
    first = (
        settled_by.setdefault(invoice.invoice_id, line_no) if settled_by is not None else line_no
    )
    if first != line_no and (discount > 0 or remaining > 0):
        # Several lines pay this invoice: the discount and what stays open are the first's.
        reason += f"; its discount and what stays open are recorded on line {first}"
        discount = remaining = Decimal("0.00")
    if discount > 0:
        reason += (
            f"; early-payment discount {format_amount(discount, invoice.currency)} earned "
            f"under {invoice.terms!r}, written off"
        )
    base = invoice.amount if invoice.amount is not None and invoice.amount > 0 else invoice.balance
    if remaining > base * policy.max_deduction_share:
        return review(
            f"{format_amount(remaining, invoice.currency)} of invoice {invoice.number} "
            f"({format_amount(base, invoice.currency)}) would stay open: more than "
            f"{policy.max_deduction_share:.0%} of it is no deduction to record without a person",
            invoice,
        )
    code = None
    if remaining > 0:
        code = _deduction_code(line, invoice, remaining)
        reason += (
            f"; {format_amount(remaining, invoice.currency)} stays open as a deduction ({code})"
        )
    return LineDecision(
        line_no=line_no,
        invoice_ref=line.invoice_ref,
        amount=amount,
        outcome=Outcome.AUTO,
        confidence=confidence,
        reason=reason,
        invoice=invoice,
        candidates=((invoice.number, confidence),),
        discount=discount,
        deduction=remaining if remaining > 0 else Decimal("0.00"),
        deduction_reason=code,
    )


def near_agreeing(
    line: RemittanceLine,
    key: str,
    customer_open: Sequence[OpenInvoice],
    policy: MatchPolicy,
    *,
    paid_on: date | None,
) -> tuple[NearMatch, ...]:
    """The customer's invoices near the line's reference, those whose open balance (or that
    less an earned discount) is one of the amounts the payer wrote first. None for a creditor
    reference (``RF…``): its check digits make it exact or nothing, never a near form."""
    if is_creditor_key(key):
        return ()

    def discounted(inv: OpenInvoice) -> list[Decimal]:
        earned = earned_discount(inv, paid_on=paid_on, grace_days=policy.discount_grace_days)
        return [inv.balance - earned]

    return near_matches(
        line.invoice_ref or key,
        customer_open,
        amount=line.amount,
        accept=discounted,
        stated=confirming_amounts(line),
    )


def amount_points_elsewhere(
    line: RemittanceLine,
    invoice: OpenInvoice,
    key: str,
    customer_open: Sequence[OpenInvoice],
    policy: MatchPolicy,
    *,
    paid_on: date | None,
) -> NearMatch | None:
    """For a line whose reference names ``invoice`` exactly but none of whose amounts is
    its open balance (or that less an earned discount): the customer's invoice near the
    reference whose balance one of them is, to the cent. ``INV-20471`` written and 640.25
    paid, when INV-20471 is open for 31,200.00 and INV-20417 for 640.25: the payer swapped
    two digits, and the "short pay" is not one."""
    if not customer_open:
        return None
    earned = earned_discount(invoice, paid_on=paid_on, grace_days=policy.discount_grace_days)
    written = confirming_amounts(line)
    if invoice.balance in written or (invoice.balance - earned) in written:
        return None
    for match in near_agreeing(line, key, customer_open, policy, paid_on=paid_on):
        if match.amount_agrees and match.invoice.invoice_id != invoice.invoice_id:
            return match
    return None


def narrow(
    found: Sequence[OpenInvoice], line: RemittanceLine, customer_id: int | None
) -> Sequence[OpenInvoice]:
    """Of several invoices a reference's key names (``INV-1000`` and ``1000``): the identified
    customer's, and of those the one whose number is written exactly as on the line, prefix
    and all."""
    if len(found) < 2:
        return found
    if customer_id is not None:
        own = [inv for inv in found if inv.customer_id == customer_id]
        found = own or found
    written = (line.invoice_ref or "").strip().casefold()
    if not any(ch.isalpha() for ch in written):
        return found  # a bare "1001" may be the short form of INV-1001 as much as 1001
    exact = [inv for inv in found if inv.number.strip().casefold() == written]
    return exact if len(exact) == 1 else found


def _net_credit(
    line_no: int, line: RemittanceLine, credit: OpenInvoice, review: Callable[..., LineDecision]
) -> LineDecision:
    """A credit line naming one of our open credit memos: netted against the payment, up to
    what is left of the credit."""
    amount = line.amount or Decimal("0.00")
    left = format_amount(-credit.balance, credit.currency)
    if amount < credit.balance:
        return review(
            f"credit memo {credit.number} has {left} left; the line nets "
            f"{format_amount(-amount, credit.currency)}",
            credit,
        )
    return LineDecision(
        line_no=line_no,
        invoice_ref=line.invoice_ref,
        amount=amount,
        outcome=Outcome.AUTO,
        confidence=CERTAIN,
        reason=(
            f"reference matches credit memo {credit.number} exactly; "
            f"{format_amount(-amount, credit.currency)} of its {left} netted against the payment"
        ),
        invoice=credit,
        candidates=((credit.number, CERTAIN),),
    )


def _deduction_code(line: RemittanceLine, invoice: OpenInvoice, remaining: Decimal) -> str:
    """Why part of the invoice stays open: the payer's reason when it gave one, "unearned
    discount" when it took a discount the terms do not give it, else "short pay"."""
    if line.deduction_reason and line.deduction_reason.strip():
        return line.deduction_reason.strip()[:200]
    if line.discount is not None and line.discount > 0 and line.discount >= remaining:
        return "unearned discount"
    if line.discount is None and invoice.terms and discount_of(invoice) == remaining:
        return "unearned discount"
    return "short pay"
