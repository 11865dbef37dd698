"""Decide what to do with each line of a remittance. Pure: no IO.

A line is applied automatically only when every one of these holds, otherwise it goes to
review with the reason (DESIGN.md, "Rules that do not bend"):

- the customer is identified (the sender is a registered contact);
- the reference resolves, after normalisation, to exactly one invoice;
- that invoice belongs to the identified customer, is open, and has the same currency;
- the amount is positive and, with the other lines paying the same invoice, does not exceed
  the open balance;
- the lines add up to the stated total, when one is stated.

Fuzzy similarity never applies cash; it only ranks suggestions for the reviewer.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rapidfuzz import fuzz, process, utils

from core.money import format_amount
from core.refs import normalise_ref
from core.types import LineDecision, OpenInvoice, Outcome, Remittance, RemittanceLine
from matching.evidence import line_signals, runner_up
from matching.gates import held
from matching.near import NearMatch, certain_near_match, near_matches
from matching.no_reference import UNIQUE_COMBINATION, CombinationMatch, match_without_reference
from matching.policy import MatchPolicy
from matching.terms import discount_of, earned_discount

__all__ = ["MatchPolicy", "RemittanceDecision", "decide_remittance", "line_ref_keys", "resolve_key"]

CERTAIN = Decimal("1.000")
NO_CONFIDENCE = Decimal("0.000")


@dataclass(frozen=True, slots=True)
class RemittanceDecision:
    """The decisions for every line of one remittance."""

    customer_id: int | None
    lines: tuple[LineDecision, ...]

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
        remittance, customer_id=customer_id, policy=policy, customer_reason=customer_reason
    )
    per_invoice = _amount_per_invoice(remittance.lines, keys, invoices_by_key)
    taken: dict[int, Decimal] = dict(per_invoice)
    decisions = []
    combos: list[CombinationMatch | None] = []
    for no, (line, key, near) in enumerate(zip(remittance.lines, keys, nears, strict=True), 1):
        combo = None
        if not key and blocker is None and customer_id is not None:
            combo = _combination(line, customer_open, taken, remittance, policy, paid_on=paid_on)
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
                    found=invoices_by_key.get(key, ()) if key else (),
                    near=near,
                    stated_amount=stated.amount,
                    remittance=remittance,
                    customer_id=customer_id,
                    customer_reason=customer_reason,
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
    return RemittanceDecision(customer_id=customer_id, lines=recorded)


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
    discounted = {
        inv.invoice_id: [
            inv.balance
            - earned_discount(inv, paid_on=paid_on, grace_days=policy.discount_grace_days)
        ]
        for inv in customer_open
    }
    return certain_near_match(
        near_matches(
            line.invoice_ref or key, customer_open, amount=line.amount, accepted_amounts=discounted
        )
    )


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
        found = invoices_by_key.get(key, ()) if key else ()
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
) -> str | None:
    """A reason that sends every line of the remittance to review, or None."""
    if not policy.auto_apply:
        return "automatic application is switched off"
    if customer_id is None:
        return customer_reason or "sender is not a registered contact of any customer"
    if remittance.stated_total is not None:
        delta = abs(remittance.stated_total - remittance.lines_total)
        if delta > policy.amount_tolerance:
            return (
                f"lines add up to {format_amount(remittance.lines_total)}, "
                f"stated total is {format_amount(remittance.stated_total)}"
            )
    return None


def _amount_per_invoice(
    lines: Sequence[RemittanceLine],
    keys: Sequence[str],
    invoices_by_key: Mapping[str, Sequence[OpenInvoice]],
) -> dict[int, Decimal]:
    """Total paid per invoice id over the positive lines whose reference resolves uniquely.

    Negative lines (credits) do not offset payments here: a credit line goes to review, so
    counting it would let the payment beside it exceed the balance.
    """
    totals: dict[int, Decimal] = {}
    for line, key in zip(lines, keys, strict=True):
        found = invoices_by_key.get(key, ()) if key else ()
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
) -> LineDecision:
    def review(
        reason: str,
        invoice: OpenInvoice | None = None,
        kind: str = "remittance_line",
        suggestions: tuple[tuple[str, Decimal], ...] | None = None,
    ) -> LineDecision:
        if suggestions is None:
            suggestions = _suggest(line, key, invoice, customer_open, policy)
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
        return _by_combination(line_no, line, combo, review, policy)
    if key != normalise_ref(ref):
        ref = f"{ref} (alternative reference {key})" if ref else key
    if not found:
        return review(f"no invoice matches reference {ref!r}")
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
    if invoice.status != "open" or invoice.balance == 0:
        return review(f"invoice {invoice.number} is not open (balance {balance})", invoice)
    if line.amount < 0 and invoice.balance < 0:
        return _net_credit(line_no, line, invoice, review)
    if invoice.balance < 0:
        return review(f"{invoice.number} is a credit memo; line amount {amount} pays it", invoice)
    if line.amount <= 0:
        return review(f"line amount {amount} is not a payment", invoice)
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
    if discount > 0:
        reason += (
            f"; early-payment discount {format_amount(discount, invoice.currency)} earned "
            f"under {invoice.terms!r}, written off"
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


def _combination(
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


def _by_combination(
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
            return review(why, kind="ambiguous", suggestions=ranked)
        what = f"{len(combo.solutions)} sets" if combo.complete else "too many sets to be sure"
        why = f"no invoice reference on the line; {what} of open balances add up to {amount}"
        return review(why, kind="ambiguous", suggestions=ranked)
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


def _suggest(
    line: RemittanceLine,
    key: str,
    invoice: OpenInvoice | None,
    customer_open: Sequence[OpenInvoice],
    policy: MatchPolicy,
) -> tuple[tuple[str, Decimal], ...]:
    """Candidate invoices for a reviewer, best first, with a 0–1 score: the invoice the line
    names (when it is the customer's), then the customer's open invoices whose numbers are
    nearest the reference (an agreeing amount counts), then a named invoice of another
    customer (the payer's typo colliding with someone else's number, most likely)."""
    own_ids = {inv.invoice_id for inv in customer_open}
    named = invoice is not None and (invoice.invoice_id in own_ids or not customer_open)
    first = ((invoice.number, Decimal("0.900")),) if invoice is not None and named else ()
    last = ((invoice.number, Decimal("0.500")),) if invoice is not None and not named else ()
    others = [
        inv for inv in customer_open if invoice is None or inv.invoice_id != invoice.invoice_id
    ]
    if not key or not others:
        return first + last
    choices = {inv.number: normalise_ref(inv.number) for inv in others}
    ranked = process.extract(
        key,
        choices,
        scorer=fuzz.ratio,
        processor=utils.default_process,
        score_cutoff=policy.suggestion_cutoff,
        limit=max(1, policy.max_suggestions - len(first) - len(last)),
    )
    balances = {inv.number: inv.balance for inv in others}
    near = []
    for _choice, score, number in ranked:
        value = Decimal(str(round(score / 100, 3)))
        if balances[number] == line.amount:  # the amount agrees: a stronger suggestion
            value = min(Decimal("0.950"), value + Decimal("0.100"))
        if first:
            value = min(value, Decimal("0.850"))  # below the invoice the line names
        near.append((number, value.quantize(Decimal("0.001"))))
    near.sort(key=lambda pair: pair[1], reverse=True)
    return first + tuple(near) + last
