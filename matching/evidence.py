"""The decision record of a remittance line: each signal's value, and the runner-up and why it
lost. Pure: no IO.

This is what a reviewer (and ``arbox explain``) reads to tell candidates apart: not a score
alone but what agreed and what did not. Example for a line ``INV-1O23 500.00``::

    customer   identified   sender is a registered contact
    reference  near (ocr)   'INV-1O23' is INV-1023 with look-alike characters
    amount     500.00       equals the open balance 500.00
    total      not stated
    invoice    open         INV-1023 of C1, due 2026-12-01
    runner-up  INV-1024: reference differs (ratio 75); balance 70.00 differs by 430.00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from rapidfuzz import fuzz, process

from core.money import format_amount
from core.open_invoices import OpenInvoices
from core.refs import normalise_ref
from core.types import LineDecision, OpenInvoice, Remittance, RemittanceLine, Signal
from matching.near import NearMatch
from matching.terms import parse_terms


def line_signals(
    decision: LineDecision,
    line: RemittanceLine,
    *,
    key: str,
    found: Sequence[OpenInvoice],
    near: NearMatch | None,
    stated_amount: Decimal | None,
    remittance: Remittance,
    customer_id: int | None,
    customer_reason: str | None,
    paid_on: date | None = None,
    total: Signal | None = None,
) -> tuple[Signal, ...]:
    """The signals behind ``decision`` for ``line`` (``stated_amount``: the amount the payer
    wrote, before matching filled in an unstated one; ``paid_on``: the payment date;
    ``total``: :func:`total_signal` of ``remittance`` when the caller made it once for every
    line)."""
    return (
        _customer(customer_id, customer_reason),
        _reference(line, key=key, found=found, near=near),
        _amount(decision, stated_amount=stated_amount),
        total if total is not None else total_signal(remittance),
        *((_invoice(decision.invoice),) if decision.invoice is not None else ()),
        *((_date(decision.invoice, paid_on),) if decision.invoice is not None else ()),
    )


def _date(invoice: OpenInvoice, paid_on: date | None) -> Signal:
    """When the payment was made against the invoice's dates and discount window."""
    if paid_on is None:
        return Signal("date", "unknown", "no payment date; the day the mail came is used")
    detail = [f"paid {paid_on.isoformat()}"]
    if invoice.issue_date is not None:
        detail.append(f"{(paid_on - invoice.issue_date).days} days after issue")
    late = (paid_on - invoice.due_date).days
    detail.append(f"{late} days past due" if late > 0 else "not past due")
    terms = parse_terms(invoice.terms)
    if terms is not None and invoice.issue_date is not None:
        window = invoice.issue_date + timedelta(days=terms.days)
        inside = "within" if paid_on <= window else "after"
        detail.append(
            f"{inside} the discount window of {invoice.terms!r} (to {window.isoformat()})"
        )
    return Signal("date", paid_on.isoformat(), "; ".join(detail))


def _customer(customer_id: int | None, reason: str | None) -> Signal:
    if customer_id is None:
        return Signal("customer", "unidentified", reason or "")
    return Signal("customer", "identified", reason or "sender is a registered contact")


def _reference(
    line: RemittanceLine, *, key: str, found: Sequence[OpenInvoice], near: NearMatch | None
) -> Signal:
    written = line.invoice_ref or ""
    if near is not None:
        return Signal(
            "reference",
            f"near ({near.kind})",
            f"{written!r} is {near.invoice.number} (similarity {near.similarity:.0f})",
        )
    if not key:
        return Signal("reference", "none", "the line names no document")
    if not found:
        return Signal("reference", "no match", f"{written!r} names no invoice")
    if len(found) > 1:
        return Signal("reference", "several", ", ".join(sorted(i.number for i in found)))
    if key != normalise_ref(written):
        return Signal(
            "reference", "alternative", f"{found[0].number} is named by another number on the line"
        )
    return Signal("reference", "exact", f"{written!r} is {found[0].number} after normalising")


def _amount(decision: LineDecision, *, stated_amount: Decimal | None) -> Signal:
    invoice = decision.invoice
    if stated_amount is None:
        if invoice is not None and decision.amount == invoice.balance:
            return Signal("amount", "not stated", "taken as the open balance: lines = total")
        return Signal("amount", "not stated", "the payer gave no amount for this line")
    if invoice is None:
        return Signal("amount", format_amount(stated_amount), "")
    delta = stated_amount - invoice.balance
    balance = format_amount(invoice.balance, invoice.currency)
    if delta == 0:
        detail = f"equals the open balance {balance}"
    elif delta < 0:
        detail = f"{format_amount(-delta, invoice.currency)} below the open balance {balance}"
    else:
        detail = f"{format_amount(delta, invoice.currency)} above the open balance {balance}"
    return Signal("amount", format_amount(stated_amount, invoice.currency), detail)


def total_signal(remittance: Remittance) -> Signal:
    """Whether the lines add up to the stated total: the same for every line."""
    if remittance.stated_total is None:
        return Signal("total", "not stated")
    lines_total = remittance.lines_total
    lines = format_amount(lines_total)
    stated = format_amount(remittance.stated_total)
    if remittance.stated_total == lines_total:
        return Signal("total", "agrees", f"lines add up to the stated {stated}")
    return Signal("total", "differs", f"lines add up to {lines}, stated {stated}")


def _invoice(invoice: OpenInvoice) -> Signal:
    return Signal(
        "invoice",
        invoice.status,
        f"{invoice.number} of {invoice.customer_number}, balance "
        f"{format_amount(invoice.balance, invoice.currency)}, due {invoice.due_date.isoformat()}",
    )


def runner_up(
    decision: LineDecision, line: RemittanceLine, *, key: str, customer_open: Sequence[OpenInvoice]
) -> str | None:
    """The best invoice of the customer other than the one decided for, and why it lost."""
    if not key or not customer_open:
        return None
    invoices = OpenInvoices.of(customer_open)  # compared by column: only the best is made
    chosen = decision.invoice.invoice_id if decision.invoice is not None else None
    amount = line.amount
    found = _best_other(invoices, key, amount, invoices.positions_of_id(chosen))
    if found is None:
        return None
    no, similarity, agrees = found
    best = invoices[no]
    why = [f"reference differs (similarity {similarity:.0f})"]
    if amount is None:
        why.append("no amount to compare")
    elif agrees:
        why.append("balance equals the amount")
    else:
        diff = format_amount(abs(best.balance - amount), best.currency)
        why.append(f"balance {format_amount(best.balance, best.currency)} differs by {diff}")
    return f"{best.number}: " + "; ".join(why)


def _best_other(
    invoices: OpenInvoices, key: str, amount: Decimal | None, chosen: Sequence[int]
) -> tuple[int, float, bool] | None:
    """The position of the best invoice not at one of the positions ``chosen``, by (its
    balance equals ``amount``, similarity of its key to ``key``), the first of equals as
    max() would pick it; its similarity; and whether its balance is the amount. None when
    every invoice is chosen.

    The balances equal to the amount come from the columns' index; with none of them, every
    key is ranked in one rapidfuzz call (ties in index order) and the best not chosen is
    taken from its first ``len(chosen) + 1``: no list of the others is made per line."""
    agreeing = [no for no in invoices.positions_of_balance(amount) if no not in chosen]
    if agreeing:
        keys = invoices.keys
        ranked = process.extractOne(
            key, [keys[no] for no in agreeing], scorer=fuzz.ratio, processor=None
        )
        assert ranked is not None  # a pool and no cutoff: for the type checker
        return agreeing[ranked[2]], ranked[1], True
    if len(chosen) >= len(invoices):
        return None
    top = process.extract(
        key, invoices.keys, scorer=fuzz.ratio, processor=None, limit=len(chosen) + 1
    )
    return next((no, similarity, False) for _, similarity, no in top if no not in chosen)
