"""Candidate invoices for a reviewer, ranked. Pure: no IO.

A line that goes to a person carries up to ``max_suggestions`` invoices with a 0–1 score:
the invoice the line names when it is the customer's, the customer's open invoices whose
numbers are nearest the reference (rapidfuzz ``ratio`` on the normalised numbers; a balance
equal to the amount ranks higher), and last a named invoice of another customer. A score
only ranks: it never applies cash.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from rapidfuzz import fuzz, process, utils

from core.types import OpenInvoice, OpenInvoices, RemittanceLine
from matching.policy import MatchPolicy


def suggest(
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
    invoices = OpenInvoices.of(customer_open)  # compared by column: no invoice is made
    ids, numbers, keys = invoices.ids, invoices.numbers, invoices.keys
    named = invoice is not None and (invoice.invoice_id in set(ids) or not invoices)
    first = ((invoice.number, Decimal("0.900")),) if invoice is not None and named else ()
    last = ((invoice.number, Decimal("0.500")),) if invoice is not None and not named else ()
    chosen = invoice.invoice_id if invoice is not None else None
    others = [no for no, invoice_id in enumerate(ids) if invoice_id != chosen]
    if not key or not others:
        return first + last
    choices = {numbers[no]: keys[no] for no in others}
    ranked = process.extract(
        key,
        choices,
        scorer=fuzz.ratio,
        processor=utils.default_process,
        score_cutoff=policy.suggestion_cutoff,
        limit=max(1, policy.max_suggestions - len(first) - len(last)),
    )
    balances = {numbers[no]: invoices.balances[no] for no in others}
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
