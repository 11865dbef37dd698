"""Payment terms: which forms grant a discount, and when a discount is earned."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.types import OpenInvoice
from matching.terms import Terms, discount_of, earned_discount, parse_terms


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("2/10 Net 30", Terms(Decimal("2"), 10, 30)),
        ("2/10 N30", Terms(Decimal("2"), 10, 30)),
        ("2% 10 Net 30", Terms(Decimal("2"), 10, 30)),
        ("1.5/15 net 45", Terms(Decimal("1.5"), 15, 45)),
        ("1,5/15 Net 45", Terms(Decimal("1.5"), 15, 45)),
        ("Net 30", None),
        ("", None),
        (None, None),
        ("2/10EOM", None),
        ("100/10 Net 30", None),
    ],
)
def test_parse_terms(text, terms):
    assert parse_terms(text) == terms


def inv(
    amount: str, *, balance: str | None = None, terms: str | None = "2/10 Net 30"
) -> OpenInvoice:
    return OpenInvoice(
        invoice_id=1,
        number="INV-1",
        customer_id=1,
        customer_number="C1",
        balance=Decimal(balance or amount),
        currency="USD",
        status="open",
        due_date=date(2026, 11, 30),
        issue_date=date(2026, 10, 31),
        amount=Decimal(amount),
        terms=terms,
    )


def test_discount_is_rounded_half_up_to_the_cent():
    assert discount_of(inv("1234.56")) == Decimal("24.69")  # 24.6912
    assert discount_of(inv("0.25")) == Decimal("0.01")  # 0.005 → 0.01


def test_discount_is_earned_within_the_window_only():
    invoice = inv("1000.00")
    assert earned_discount(invoice, paid_on=date(2026, 11, 10), grace_days=0) == Decimal("20.00")
    assert earned_discount(invoice, paid_on=date(2026, 11, 11), grace_days=0) == Decimal("0.00")
    assert earned_discount(invoice, paid_on=date(2026, 11, 12), grace_days=2) == Decimal("20.00")


def test_no_discount_on_a_part_paid_invoice_or_without_terms_or_date():
    assert (
        earned_discount(inv("1000.00", balance="500.00"), paid_on=date(2026, 11, 1), grace_days=0)
        == 0
    )
    assert (
        earned_discount(inv("1000.00", terms="Net 30"), paid_on=date(2026, 11, 1), grace_days=0)
        == 0
    )
    assert earned_discount(inv("1000.00"), paid_on=None, grace_days=0) == 0
