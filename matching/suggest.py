"""Candidate invoices for a reviewer, ranked. Pure: no IO.

A line that goes to a person carries up to ``max_suggestions`` invoices with a 0–1 score, in
the order a clerk would look (issue 17, "every line in review shows the invoice the person
will pick"):

1. the invoice the line names, when it is the customer's;
2. the customer's invoices the reference is a near form of (a look-alike, a swap, a cut
   prefix…: matching.near) whose open balance is one of the amounts the payer wrote;
3. the one invoice whose open balance is what the payer wrote, whatever its number;
4. the other near forms, strongest edit first;
5. invoices whose balance is what the payer wrote among several such, and numbers merely
   similar to the reference (rapidfuzz ``ratio``), the nearer first;

and last a named invoice of another customer (the payer's typo colliding with someone else's
number, most likely). A score only ranks: it never applies cash.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from rapidfuzz import fuzz, process, utils

from core.open_invoices import OpenInvoices
from core.types import OpenInvoice, RemittanceLine
from matching.amounts import confirming_amounts
from matching.near import KIND_STRENGTH, near_positions
from matching.policy import MatchPolicy

NAMED = Decimal("0.900")
OTHER_CUSTOMERS = Decimal("0.500")
NEAR_AGREEING = Decimal("0.870")
ONLY_EQUAL_BALANCE = Decimal("0.820")
NEAR = Decimal("0.700")
#: Scores of the weakest kinds stay below this.
WEAK_CAP = Decimal("0.690")
MILLI = Decimal("0.001")
ZERO = Decimal("0.000")


def suggest(
    line: RemittanceLine,
    key: str,
    invoice: OpenInvoice | None,
    customer_open: Sequence[OpenInvoice],
    policy: MatchPolicy,
) -> tuple[tuple[str, Decimal], ...]:
    """Candidate invoices for a reviewer, best first, with a 0–1 score (see the module)."""
    invoices = OpenInvoices.of(customer_open)  # compared by column: few invoices are made
    ids, numbers, keys = invoices.ids, invoices.numbers, invoices.keys
    named = invoice is not None and (invoice.invoice_id in set(ids) or not invoices)
    first = ((invoice.number, NAMED),) if invoice is not None and named else ()
    last = ((invoice.number, OTHER_CUSTOMERS),) if invoice is not None and not named else ()
    chosen = invoice.invoice_id if invoice is not None else None
    room = max(1, policy.max_suggestions - len(first) - len(last))
    scores: dict[str, Decimal] = {}

    def offer(number: str, value: Decimal) -> None:
        if value > scores.get(number, Decimal(-1)):
            scores[number] = value.quantize(MILLI)

    written = confirming_amounts(line)
    if key:
        for no, kind in near_positions(key, keys):
            if ids[no] == chosen:
                continue
            bonus = (KIND_STRENGTH[kind] - Decimal("0.70")) / 10  # 0–0.025: stronger edit first
            agrees = invoices.balances[no] in written
            offer(numbers[no], (NEAR_AGREEING if agrees else NEAR) + bonus)
    if written:
        equal = [
            no
            for no, balance in enumerate(invoices.balances)
            if balance in written and ids[no] != chosen
        ]
        for no in equal:
            similarity = Decimal(str(round(fuzz.ratio(key, keys[no]) / 100, 3))) if key else ZERO
            if len(equal) == 1:
                offer(numbers[no], ONLY_EQUAL_BALANCE)
            else:
                offer(numbers[no], min(WEAK_CAP, Decimal("0.550") + similarity / 10))
    others = [no for no, invoice_id in enumerate(ids) if invoice_id != chosen]
    if key and others:
        choices = {numbers[no]: keys[no] for no in others}
        for _choice, score, number in process.extract(
            key,
            choices,
            scorer=fuzz.ratio,
            processor=utils.default_process,
            score_cutoff=policy.suggestion_cutoff,
            limit=room,
        ):
            offer(number, min(WEAK_CAP, Decimal(str(round(score / 100, 3))) - Decimal("0.300")))
    ranked = sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))[:room]
    return first + tuple(ranked) + last
