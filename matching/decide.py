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
- no control of the policy holds it (matching.gates);
- a line read by OCR meets the stricter conditions of matching.ocr_gate.

A short pay or a late discount still applies the cash; what stays open is a deduction with its
reason. Fuzzy similarity never applies cash; it only ranks suggestions for the reviewer.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.money import format_amount
from core.open_invoices import OpenInvoices
from core.refs import normalise_ref
from core.statuses import InvoiceStatus
from core.types import LineDecision, OpenInvoice, Outcome, Remittance, RemittanceLine
from matching.evidence import line_signals, runner_up, total_signal
from matching.gates import held
from matching.line_decision import decide_line, narrow, near_agreeing
from matching.near import NearMatch, certain_near_match, near_positions
from matching.no_reference import CombinationMatch, combination_for
from matching.ocr_gate import ocr_held, read_by_ocr
from matching.policy import MatchPolicy

__all__ = ["MatchPolicy", "RemittanceDecision", "decide_remittance", "line_ref_keys", "resolve_key"]


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
    original = remittance
    original_lines = remittance.lines
    customer_open = OpenInvoices.of(customer_open)  # columns made once for every line
    keys = [resolve_key(line, invoices_by_key) for line in remittance.lines]
    exact = [
        narrow(invoices_by_key.get(key, ()), line, customer_id) if key else ()
        for line, key in zip(remittance.lines, keys, strict=True)
    ]
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
        decision = decide_line(
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
    total = total_signal(remittance)
    structured = remittance.source.startswith(STRUCTURED_SOURCES)
    recorded = tuple(
        held(
            dataclasses.replace(
                d,
                signals=line_signals(
                    d,
                    line,
                    key=key,
                    found=narrow(invoices_by_key.get(key, ()) if key else (), line, customer_id),
                    near=near,
                    stated_amount=stated.amount,
                    remittance=remittance,
                    customer_id=customer_id,
                    customer_reason=customer_reason,
                    paid_on=paid_on,
                    total=total,
                )
                + ((combo.signal(),) if combo is not None else ()),
                runner_up=combo.runner_up()
                if combo is not None
                else runner_up(d, line, key=key, customer_open=customer_open),
            ),
            policy=policy,
            paid_on=paid_on,
            reversed_invoice_ids=reversed_invoice_ids,
            written=None if structured else stated.amount,
        )
        for d, line, stated, key, near, combo in zip(
            decisions, remittance.lines, original_lines, keys, nears, combos, strict=True
        )
    )
    if read_by_ocr(original):
        recorded = tuple(
            ocr_held(
                d,
                line,
                original,
                exact=found,
                customer_id=customer_id,
                min_confidence=policy.ocr_min_confidence,
            )
            for d, line, found in zip(recorded, original_lines, exact, strict=True)
        )
    return RemittanceDecision(customer_id=customer_id, lines=recorded, currency=remittance.currency)


#: Sources whose amounts have one reading (machine formats): EDI and ISO 20022 files.
STRUCTURED_SOURCES = ("edi ", "remt.", "camt.")


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

    return certain_near_match(near_agreeing(line, key, customer_open, policy, paid_on=paid_on))


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
    # An RF reference and the number inside it (ISO 20022 CdtrRefInf) name the same invoice.
    named_ids = {tuple(inv.invoice_id for inv in invoices_by_key[key]) for key in named}
    if len(named_ids) == 1:
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
        found = narrow(invoices_by_key.get(key, ()) if key else (), line, customer_id)
        if len(found) != 1:
            return remittance
        invoice = found[0]
        if (
            invoice.customer_id != customer_id
            or invoice.status != InvoiceStatus.OPEN
            or invoice.balance <= 0
        ):
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
        found = narrow(invoices_by_key.get(key, ()) if key else (), line, customer_id)
        if len(found) == 1 and line.amount is not None and line.amount > 0:
            invoice_id = found[0].invoice_id
            totals[invoice_id] = totals.get(invoice_id, Decimal("0.00")) + line.amount
    return totals
