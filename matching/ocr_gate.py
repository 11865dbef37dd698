"""Lines read by OCR: applied alone only when everything a person would check agrees. Pure.

A scan or a photo is read by a recogniser that confuses 8 and B, 1 and 7, drops a digit, and
is sure of none of it (issue 23). A near reference confirmed by its amount is a good guess on a
typed advice and a bad one on a scan, where the amount may be misread too. So a line read by
OCR (``Remittance.source`` starting with ``"ocr"``) is applied without a person only when

- its reference names an invoice of the identified customer exactly (no near form, no
  combination of open items);
- its amount equals that invoice's open balance (no discount, deduction or partial payment);
- the lines add up to the stated total (a total must be stated);
- the recogniser was at least ``MatchPolicy.ocr_min_confidence`` sure of the words of its
  reference and amount.

Anything less goes to review, where the page image and the recognised text are shown side
by side.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from core.money import format_amount
from core.types import LineDecision, OpenInvoice, Remittance, RemittanceLine
from matching.gates import hold

#: How the source of a remittance read by OCR begins ("ocr pdf", "ocr png"…).
OCR_SOURCE = "ocr"


def read_by_ocr(remittance: Remittance) -> bool:
    """Whether ``remittance`` was read by OCR."""
    return remittance.source.startswith(OCR_SOURCE)


def ocr_held(
    decision: LineDecision,
    line: RemittanceLine,
    remittance: Remittance,
    *,
    exact: Sequence[OpenInvoice],
    customer_id: int | None,
    min_confidence: Decimal,
) -> LineDecision:
    """``decision`` for ``line`` of the OCR-read ``remittance`` (both as read, before any
    amount was filled in), or the same sent to a person when one of the module's conditions
    fails. ``exact`` are the invoices the line's reference names exactly (no near forms)."""
    if not decision.postings():
        return decision
    reason = _why_not(decision, line, remittance, exact, customer_id, min_confidence)
    return decision if reason is None else hold(decision, f"read by OCR: {reason}")


def _why_not(
    decision: LineDecision,
    line: RemittanceLine,
    remittance: Remittance,
    exact: Sequence[OpenInvoice],
    customer_id: int | None,
    min_confidence: Decimal,
) -> str | None:
    invoice = decision.invoice
    if decision.allocations or invoice is None:
        return "a line without a reference is never applied alone from a scan"
    if customer_id is None or invoice.customer_id != customer_id:
        return "the customer is not identified by the sender"
    if all(found.invoice_id != invoice.invoice_id for found in exact):
        return f"reference {line.invoice_ref or '(none)'} is not exactly invoice {invoice.number}"
    cur = invoice.currency
    if (
        line.amount is None
        or line.amount != invoice.balance
        or decision.deduction
        or (decision.discount)
    ):
        written = "no amount" if line.amount is None else format_amount(line.amount, cur)
        return (
            f"{written} is not the open balance {format_amount(invoice.balance, cur)} "
            f"of invoice {invoice.number}"
        )
    return _total_problem(remittance, cur) or _confidence_problem(line, min_confidence)


def _total_problem(remittance: Remittance, currency: str) -> str | None:
    stated = remittance.stated_total
    if stated is None:
        return "no total is stated to check the lines against"
    if remittance.has_unstated_amounts or remittance.lines_total != stated:
        return (
            f"the lines add up to {format_amount(remittance.lines_total, currency)}, "
            f"not the stated total {format_amount(stated, currency)}"
        )
    return None


def _confidence_problem(line: RemittanceLine, min_confidence: Decimal) -> str | None:
    if line.confidence is None:
        return None
    if Decimal(str(line.confidence)) < min_confidence:
        return f"recognition confidence {line.confidence:.0f} is below {min_confidence}"
    return None
