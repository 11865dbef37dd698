"""An application the database refuses inside the at-once savepoint
(ledger.bulk_posting.post_at_once) undoes it, and the lines post one by one: the line-by-line
path (ledger.posting.apply_cash) treats a refused application as "not posted" and sends the
line to a person, and the mail's transaction goes on.

It cannot happen today (lines post at once only with their parts on distinct invoices, and no
code deletes invoices); shown with a part on an invoice that is no longer there."""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D
from typing import Any

from core.types import Allocation
from tests.fakes import services_on_ledger
from tests.unit.ledger.test_bulk_posting_paths import (
    LEDGER,
    NOW,
    auto,
    invoice,
    post,
    stated,
)


def part_on_a_vanished_invoice(s: Any) -> tuple[list, list]:
    a = invoice(s, "INV-76001")
    gone = dataclasses.replace(a, invoice_id=a.invoice_id + 10_000, number="INV-GONE")
    split = (Allocation(a, D("50.00")), Allocation(gone, D("100.00")))
    return [auto(1, None, "150.00", parts=split)], [stated(None, "150.00")]


def test_a_refused_application_sends_the_line_to_a_person_on_both_paths(tmp_path, database_url):  # type: ignore[no-untyped-def]
    svc = services_on_ledger(tmp_path, database_url, LEDGER, now=NOW)
    try:
        _, by_line, _ = post(svc, part_on_a_vanished_invoice, at_once=False, n=1)
        assert [line[1] for line in by_line["lines"]] == ["review"]
        _, at_once, _ = post(svc, part_on_a_vanished_invoice, at_once=True, n=2)  # raises
        assert at_once == by_line
    finally:
        svc.engine.dispose()
