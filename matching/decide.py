"""Decide what to do with each line of a remittance. Pure: no IO.

A line is applied automatically only when every one of these holds, otherwise it goes to
review with the reason (rules that never bend, whatever the confidence):

- the customer is identified (a registered contact, a rule a person taught, or content that
  agrees: matching.customer);
- the reference resolves, after normalisation, to exactly one invoice (of several sharing a
  key, the customer's, and the one written exactly, prefix and all); or, only within the
  customer's invoices, it is a certain near form of one (matching.near, the amount agreeing);
  or the line has no reference and exactly one set of the customer's open balances adds up
  to it (matching.no_reference);
- that invoice belongs to the identified customer, is open, and is in the remittance's currency;
- the amount is positive and, with the other lines paying the same invoice, does not exceed
  the open balance (a credit line nets one of the customer's open credit memos instead);
- the lines add up to the stated total, when one is stated;
- no control of the policy holds it (matching.gates).

A short pay or a late discount still applies the cash; what stays open is a deduction with its
reason. Fuzzy similarity never applies cash; it only ranks suggestions for the reviewer.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.money import format_amount
from core.refs import normalise_ref
from core.types import (
    LineDecision,
    OpenInvoice,
    OpenInvoices,
    Outcome,
    Remittance,
    RemittanceLine,
)
from matching.amounts import confirming_amounts
from matching.evidence import line_signals, runner_up
from matching.gates import held
from matching.near import NearMatch, certain_near_match, near_matches, near_positions
from matching.no_reference import CombinationMatch, combination_for, decide_by_combination
from matching.policy import MatchPolicy
from matching.suggest import suggest
from matching.terms import discount_of, earned_discount

__all__ = ["MatchPolicy", "RemittanceDecision", "decide_remittance", "line_ref_keys", "resolve_key"]

CERTAIN = Decimal("1.000")
NO_CONFIDENCE = Decimal("0.000")


@dataclass(frozen=True, slots=True)
class RemittanceDecision:
    """The decisions for every line of one remittance."""

    customer_id: int | None
    lines: tuple[LineDecision, ...]
    #: The currency the lines were decided in (stated, else inferred: matching.currency).
    currency: str | None = None

    @property
    def applied_total(self) -> Decimal:
        """Sum of the amounts applied automatically."""
        return sum(
            (d.amount for d in self.lines if d.outcome is Outcome.AUTO), start=Decimal("0.00")
        )

    @property
    def all_applied(self) -> bool:
        """Whether every line was applied automatically."""
        return all(d.outcome is Outcome.AUTO for d in self.lines)


def decide_remittance(
    remittance: Remittance,
    *,
    customer_id: int | None,
    invoices_by_key: Mapping[str, Sequence[OpenInvoice]],
    customer_open: Sequence[OpenInvoice],
    policy: MatchPolicy,
    customer_reason: str | None = None,
    paid_on: date | None = None,
    reversed_invoice_ids: Collection[int] = (),
) -> RemittanceDecision:
    """Decide each line of ``remittance``.

    Args:
        remittance: the lines as the payer wrote them.
        customer_id: the customer the sender is a registered contact of, or None.
        invoices_by_key: every invoice (whatever its status or customer) whose normalised
            number is one of the lines' normalised references.
        customer_open: the identified customer's open invoices, to rank suggestions.
        policy: switches and thresholds.
        customer_reason: how the customer was identified, or why not (for the reasons).
        paid_on: the payment date (the remittance's, else the day the mail came), for
            early-payment discounts.
        reversed_invoice_ids: invoices a person un-applied cash from before (never again
            automatically).
    """
    original_lines = remittance.lines
    customer_open = OpenInvoices.of(customer_open)  # columns made once for every line
    keys = [resolve_key(line, invoices_by_key) for line in remittance.lines]
    nears = [
        _certain_near(line, key, invoices_by_key, customer_open, policy, paid_on=paid_on)
        for line, key in zip(remittance.lines, keys, strict=True)
    ]
    if any(nears):
        merged = {key: list(found) for key, found in invoices_by_key.items()}
        for no, near in enumerate(nears):
            if near is not None:
                keys[no] = normalise_ref(near.invoice.number)
                merged.setdefault(keys[no], [near.invoice])
        invoices_by_key = merged
    remittance = _fill_unstated_amounts(remittance, keys, invoices_by_key, customer_id=customer_id)
    blocker = _remittance_blocker(
        remittance,
        customer_id=customer_id,
        policy=policy,
        customer_reason=customer_reason,
        unstated_ours=all(
            invoices_by_key.get(key) or (key and near_positions(key, customer_open.keys))
            for line, key in zip(remittance.lines, keys, strict=True)
            if line.amount is None
        ),
    )
    per_invoice = _amount_per_invoice(remittance.lines, keys, invoices_by_key, customer_id)
    taken: dict[int, Decimal] = dict(per_invoice)
    settled_by: dict[int, int] = {}  # invoice id -> the line carrying its discount/deduction
    decisions = []
    combos: list[CombinationMatch | None] = []
    for no, (line, key, near) in enumerate(zip(remittance.lines, keys, nears, strict=True), 1):
        combo = None
        if not key and blocker is None and customer_id is not None:
            combo = combination_for(line, customer_open, taken, remittance, policy, paid_on=paid_on)
        decision = _decide_line(
            no,
            line,
            key,
            invoices_by_key.get(key, ()) if key else (),
            customer_id=customer_id,
            customer_open=customer_open,
            per_invoice=per_invoice,
            blocker=blocker,
            policy=policy,
            near=near,
            paid_on=paid_on,
            combo=combo,
            currency=remittance.currency,
            settled_by=settled_by,
        )
        for part in decision.postings():
            taken[part.invoice.invoice_id] = part.amount
        decisions.append(decision)
        combos.append(combo)
    recorded = tuple(
        held(
            dataclasses.replace(
                d,
                signals=line_signals(
                    d,
                    line,
                    key=key,
                    found=_narrow(invoices_by_key.get(key, ()) if key else (), line, customer_id),
                    near=near,
                    stated_amount=stated.amount,
                    remittance=remittance,
                    customer_id=customer_id,
                    customer_reason=customer_reason,
                    paid_on=paid_on,
                )
                + ((combo.signal(),) if combo is not None else ()),
                runner_up=combo.runner_up()
                if combo is not None
                else runner_up(d, line, key=key, customer_open=customer_open),
            ),
            policy=policy,
            paid_on=paid_on,
            reversed_invoice_ids=reversed_invoice_ids,
        )
        for d, line, stated, key, near, combo in zip(
            decisions, remittance.lines, original_lines, keys, nears, combos, strict=True
        )
    )
    return RemittanceDecision(customer_id=customer_id, lines=recorded, currency=remittance.currency)


def _certain_near(
    line: RemittanceLine,
    key: str,
    invoices_by_key: Mapping[str, Sequence[OpenInvoice]],
    customer_open: Sequence[OpenInvoice],
    policy: MatchPolicy,
    *,
    paid_on: date | None,
) -> NearMatch | None:
    """For a line whose reference names no invoice at all: the one invoice of the identified
    customer it is certainly a mistyped or misread form of (amount agreeing), or None."""
    if not policy.near_matches or not key or invoices_by_key.get(key) or not customer_open:
        return None

    return certain_near_match(_near_agreeing(line, key, customer_open, policy, paid_on=paid_on))


def _near_agreeing(
    line: RemittanceLine,
    key: str,
    customer_open: Sequence[OpenInvoice],
    policy: MatchPolicy,
    *,
    paid_on: date | None,
) -> tuple[NearMatch, ...]:
    """The customer's invoices near the line's reference, those whose open balance (or that
    less an earned discount) is one of the amounts the payer wrote first."""

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


def _amount_points_elsewhere(
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
    for match in _near_agreeing(line, key, customer_open, policy, paid_on=paid_on):
        if match.amount_agrees and match.invoice.invoice_id != invoice.invoice_id:
            return match
    return None


def line_ref_keys(line: RemittanceLine) -> list[str]:
    """The normalised keys a line may name our invoice by: its reference first, then its
    alternative references (a payer's own document number may stand where ours should)."""
    keys = [normalise_ref(ref) for ref in (line.invoice_ref or "", *line.alt_refs)]
    return list(dict.fromkeys(key for key in keys if key))


def resolve_key(line: RemittanceLine, invoices_by_key: Mapping[str, Sequence[OpenInvoice]]) -> str:
    """The key to decide ``line`` by: its reference's, unless that names no invoice and
    exactly one alternative reference does (then that one); ``""`` when it has none."""
    keys = line_ref_keys(line)
    if not keys:
        return ""
    primary = normalise_ref(line.invoice_ref or "")
    if primary and invoices_by_key.get(primary):
        return primary
    named = [key for key in keys if invoices_by_key.get(key)]
    if len(named) == 1:
        return named[0]
    return primary or keys[0]


def _fill_unstated_amounts(
    remittance: Remittance,
    keys: Sequence[str],
    invoices_by_key: Mapping[str, Sequence[OpenInvoice]],
    *,
    customer_id: int | None,
) -> Remittance:
    """``remittance`` with each line that names a document without an amount given that
    document's open balance, when that is certain: every such line resolves to one open
    invoice of the customer, and with them the lines add up to the stated total exactly.
    Otherwise it is returned unchanged (the unstated lines then go to review)."""
    if not remittance.has_unstated_amounts or remittance.stated_total is None:
        return remittance
    filled: list[RemittanceLine] = []
    for line, key in zip(remittance.lines, keys, strict=True):
        if line.amount is not None:
            filled.append(line)
            continue
        found = _narrow(invoices_by_key.get(key, ()) if key else (), line, customer_id)
        if len(found) != 1:
            return remittance
        invoice = found[0]
        if invoice.customer_id != customer_id or invoice.status != "open" or invoice.balance <= 0:
            return remittance
        filled.append(dataclasses.replace(line, amount=invoice.balance))
    total = sum((line.amount or Decimal("0.00") for line in filled), start=Decimal("0.00"))
    if total != remittance.stated_total:
        return remittance
    return dataclasses.replace(remittance, lines=tuple(filled))


def _remittance_blocker(
    remittance: Remittance,
    *,
    customer_id: int | None,
    policy: MatchPolicy,
    customer_reason: str | None = None,
    unstated_ours: bool = True,
) -> str | None:
    """A reason that sends every line of the remittance to review, or None. Lines naming a
    document without its amount may be the rest of a stated total the others fall short of
    only when each names one of our documents, exactly or in a near form: a "line" that
    is a payment number read as a reference is no excuse for a total that does not add up."""
    if not policy.auto_apply:
        return "automatic application is switched off"
    if customer_id is None:
        return customer_reason or "sender is not a registered contact of any customer"
    if remittance.stated_total is not None:
        delta = abs(remittance.stated_total - remittance.lines_total)
        unstated = (
            remittance.has_unstated_amounts
            and unstated_ours
            and remittance.lines_total < remittance.stated_total
        )
        if delta > policy.amount_tolerance and not unstated:  # unstated lines may be the rest
            return (
                f"lines add up to {format_amount(remittance.lines_total)}, "
                f"stated total is {format_amount(remittance.stated_total)}"
            )
    return None


def _amount_per_invoice(
    lines: Sequence[RemittanceLine],
    keys: Sequence[str],
    invoices_by_key: Mapping[str, Sequence[OpenInvoice]],
    customer_id: int | None,
) -> dict[int, Decimal]:
    """Total paid per invoice id over the positive lines whose reference resolves uniquely.

    Negative lines (credits) do not offset payments here: a credit line goes to review, so
    counting it would let the payment beside it exceed the balance.
    """
    totals: dict[int, Decimal] = {}
    for line, key in zip(lines, keys, strict=True):
        found = _narrow(invoices_by_key.get(key, ()) if key else (), line, customer_id)
        if len(found) == 1 and line.amount is not None and line.amount > 0:
            invoice_id = found[0].invoice_id
            totals[invoice_id] = totals.get(invoice_id, Decimal("0.00")) + line.amount
    return totals


def _decide_line(
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
    def review(
        reason: str,
        invoice: OpenInvoice | None = None,
        kind: str = "remittance_line",
        suggestions: tuple[tuple[str, Decimal], ...] | None = None,
    ) -> LineDecision:
        if suggestions is None:
            suggestions = suggest(line, key, invoice, customer_open, policy)
        confidence = suggestions[0][1] if suggestions else NO_CONFIDENCE
        if customer_id is None:
            kind = "unknown_sender"
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

    ref = line.invoice_ref or ""
    if not key:
        if combo is None:
            return review(blocker or "no invoice reference on the line")
        return decide_by_combination(line_no, line, combo, review, policy)
    if key != normalise_ref(ref):
        ref = f"{ref} (alternative reference {key})" if ref else key
    if not found:
        return review(f"no invoice matches reference {ref!r}")
    found = _narrow(found, line, customer_id)
    if len(found) > 1:
        numbers = ", ".join(sorted(inv.number for inv in found))
        return review(f"reference {ref!r} matches several invoices: {numbers}", kind="ambiguous")
    invoice = found[0]
    if line.amount is None:
        return review(
            "the remittance names this invoice but not the amount paid for it, and the "
            "open balances do not add up to the stated total",
            invoice,
        )
    paid = per_invoice.get(invoice.invoice_id, Decimal("0.00"))
    amount = format_amount(line.amount, invoice.currency)
    balance = format_amount(invoice.balance, invoice.currency)
    if customer_id is not None and invoice.customer_id != customer_id:
        return review(
            f"invoice {invoice.number} belongs to another customer ({invoice.customer_number})",
            invoice,
        )
    if blocker is not None:
        return review(blocker, invoice)
    if currency is not None and invoice.currency != currency:
        return review(
            f"the remittance is in {currency}, invoice {invoice.number} in {invoice.currency}",
            invoice,
        )
    if invoice.status != "open" or invoice.balance == 0:
        return review(f"invoice {invoice.number} is not open (balance {balance})", invoice)
    if line.amount < 0 and invoice.balance < 0:
        return _net_credit(line_no, line, invoice, review)
    if invoice.balance < 0:
        return review(f"{invoice.number} is a credit memo; line amount {amount} pays it", invoice)
    if line.amount <= 0:
        return review(f"line amount {amount} is not a payment", invoice)
    rival = (
        _amount_points_elsewhere(line, invoice, key, customer_open, policy, paid_on=paid_on)
        if near is None
        else None
    )
    if rival is not None:
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
    if paid > invoice.balance:
        what = "amount" if paid == line.amount else "lines for this invoice together come to"
        return review(
            f"{what} {format_amount(paid, invoice.currency)} is over the open balance "
            f"{balance} of invoice {invoice.number} (overpayment: unapplied cash)",
            invoice,
            kind="overpayment",
        )
    remaining = invoice.balance - paid
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
    remaining -= discount
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
    code = None
    base = invoice.amount if invoice.amount is not None and invoice.amount > 0 else invoice.balance
    if remaining > base * policy.max_deduction_share:
        return review(
            f"{format_amount(remaining, invoice.currency)} of invoice {invoice.number} "
            f"({format_amount(base, invoice.currency)}) would stay open: more than "
            f"{policy.max_deduction_share:.0%} of it is no deduction to record without a person",
            invoice,
        )
    if remaining > 0:
        code = _deduction_code(line, invoice, remaining)
        reason += (
            f"; {format_amount(remaining, invoice.currency)} stays open as a deduction ({code})"
        )
    return LineDecision(
        line_no=line_no,
        invoice_ref=line.invoice_ref,
        amount=line.amount,
        outcome=Outcome.AUTO,
        confidence=confidence,
        reason=reason,
        invoice=invoice,
        candidates=((invoice.number, confidence),),
        discount=discount,
        deduction=remaining if remaining > 0 else Decimal("0.00"),
        deduction_reason=code,
    )


def _narrow(
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
