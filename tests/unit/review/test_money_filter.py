"""The review app's ``money`` filter: an amount as its currency writes it, never rounded."""

from __future__ import annotations

from decimal import Decimal

import pytest

from review.templating import money


@pytest.mark.parametrize(
    ("value", "currency", "shown"),
    [
        ("1234.5", "USD", "1,234.50"),
        ("1234567.00", "JPY", "1,234,567"),
        ("1250.125", "KWD", "1,250.125"),
        ("2.50", "KWD", "2.500"),
        ("1.125", None, "1.125"),  # no currency: two decimals unless the amount has more
        ("1.1", None, "1.10"),
    ],
)
def test_money_has_the_currency_minor_units_and_never_rounds(value, currency, shown):
    assert money(Decimal(value), currency) == shown


def test_no_amount_is_empty():
    assert money(None) == ""
