"""parsers.text_amounts: amounts in mail text, in the ways payers of many currencies write them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from parsers.text_amounts import read_amounts


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("paid KWD 1,250.125 for INV-1", [("1250.125", "KWD")]),
        ("1.500 KWD", [("1.5", "KWD")]),  # a three-decimal currency: the point is decimal
        ("1.500 EUR", [("1500", "EUR")]),
        ("INR 1,23,456.78", [("123456.78", "INR")]),  # lakh grouping
        ("₹ 1,00,000.00", [("100000", "INR")]),
        ("JPY 120,000", [("120000", "JPY")]),
        ("BRL 3.456,78", [("3456.78", "BRL")]),
    ],
)
def test_amounts_in_many_currencies_are_read_exactly(
    text: str, read: list[tuple[str, str]]
) -> None:
    assert [(a.value, a.currency) for a in read_amounts(text)] == [(Decimal(v), c) for v, c in read]
