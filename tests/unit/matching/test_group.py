"""A payer paying for a group of customers: each line decided for the customer it names."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from core.types import OpenInvoice, Outcome, Remittance, RemittanceLine
from matching.decide import MatchPolicy
from matching.group import decide_for_group


def doc(number: str, balance: str, customer: int, invoice_id: int) -> OpenInvoice:
    return OpenInvoice(
        invoice_id=invoice_id,
        number=number,
        customer_id=customer,
        customer_number=f"C{customer}",
        balance=Decimal(balance),
        currency="USD",
        status="open",
        due_date=date(2026, 12, 1),
    )


A1, B1, C1 = doc("INV-1", "100.00", 1, 1), doc("INV-2", "200.00", 2, 2), doc("INV-3", "5.00", 3, 3)


def decide(lines, total=None):
    rem = Remittance(
        lines=tuple(RemittanceLine(invoice_ref=r, amount=Decimal(a)) for r, a in lines),
        stated_total=Decimal(total) if total else None,
    )
    return decide_for_group(
        rem,
        group={1, 2},
        invoices_by_key={"1": [A1], "2": [B1], "3": [C1]},
        open_by_customer={1: [A1], 2: [B1]},
        policy=MatchPolicy(),
        reason="rules 1, 2: the payer pays for 2 customers",
    )


def test_each_line_is_applied_for_the_group_customer_whose_invoice_it_names():
    result = decide([("INV-2", "200.00"), ("INV-1", "100.00")], total="300.00")
    assert [(d.line_no, d.outcome, d.invoice.number) for d in result.lines] == [
        (1, Outcome.AUTO, "INV-2"),
        (2, Outcome.AUTO, "INV-1"),
    ]


def test_a_line_outside_the_group_goes_to_review_and_the_others_are_applied():
    first, outside = decide([("INV-1", "100.00"), ("INV-3", "5.00")]).lines
    assert first.outcome is Outcome.AUTO
    assert outside.outcome is Outcome.REVIEW
    assert "names no invoice of the customers it pays for" in outside.reason


def test_lines_not_adding_up_to_the_total_send_every_line_to_review():
    result = decide([("INV-1", "100.00"), ("INV-2", "200.00")], total="310.00")
    assert all(d.outcome is Outcome.REVIEW for d in result.lines)
    assert "stated total is 310.00" in result.lines[0].reason
