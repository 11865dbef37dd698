"""Credit memos the payer nets against a payment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from core.refs import normalise_ref
from core.types import OpenInvoice, Outcome, Remittance, RemittanceLine
from matching.decide import MatchPolicy, decide_remittance


def doc(number: str, balance: str, invoice_id: int, customer: int = 1) -> OpenInvoice:
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


LEDGER = [doc("INV-1001", "1000.00", 1), doc("CM-2001", "-200.00", 2), doc("CM-9", "-50.00", 3, 2)]


def decide(*lines: tuple[str, str], total: str | None = None):
    rem = Remittance(
        lines=tuple(RemittanceLine(invoice_ref=r, amount=Decimal(a)) for r, a in lines),
        stated_total=Decimal(total) if total else None,
    )
    by_key: dict[str, list[OpenInvoice]] = {}
    for inv in LEDGER:
        by_key.setdefault(normalise_ref(inv.number), []).append(inv)
    return decide_remittance(
        rem,
        customer_id=1,
        invoices_by_key=by_key,
        customer_open=[i for i in LEDGER if i.customer_id == 1],
        policy=MatchPolicy(),
    )


def test_our_credit_memo_on_the_remittance_is_netted_and_the_invoice_paid_in_full():
    result = decide(("INV-1001", "1000.00"), ("CM-2001", "-200.00"), total="800.00")
    invoice, credit = result.lines
    assert invoice.outcome is Outcome.AUTO and invoice.amount == Decimal("1000.00")
    assert credit.outcome is Outcome.AUTO
    assert [(p.invoice.number, p.amount) for p in credit.postings()] == [
        ("CM-2001", Decimal("-200.00"))
    ]
    assert "200.00 of its 200.00 netted" in credit.reason
    assert result.applied_total == Decimal("800.00")  # the cash that came


def test_netting_more_than_is_left_of_the_credit_goes_to_review():
    (_, credit) = decide(("INV-1001", "1000.00"), ("CM-2001", "-250.00"), total="750.00").lines
    assert credit.outcome is Outcome.REVIEW
    assert "credit memo CM-2001 has 200.00 left; the line nets 250.00" in credit.reason


def test_another_customers_credit_memo_is_never_netted():
    (_, credit) = decide(("INV-1001", "1000.00"), ("CM-9", "-50.00"), total="950.00").lines
    assert credit.outcome is Outcome.REVIEW
    assert "belongs to another customer" in credit.reason


def test_a_payment_line_naming_a_credit_memo_is_not_applied():
    (line,) = decide(("CM-2001", "200.00")).lines
    assert line.outcome is Outcome.REVIEW
    assert "CM-2001 is a credit memo" in line.reason
