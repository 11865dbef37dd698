"""parsers.decimal_marks: one decimal mark per file, inferred only when the amounts say it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ImportFileError
from core.money import parse_amount
from parsers.decimal_marks import choose_decimal_mark


def cells(*texts: str) -> list[tuple[int, str]]:
    return list(enumerate(texts, start=2))


@pytest.mark.parametrize(
    ("texts", "mark", "note"),
    [
        (("100,00", "1.234,56"), ",", "decimal comma ('100,00' in row 2)"),
        (("1.234.567", "12"), ",", "decimal comma"),
        (("(1.234,56)", "5,5"), ",", "decimal comma"),
        (("100.00", "1,234.56"), ".", None),
        (("1250", "99"), ".", None),
        (("1,234",), ".", "can be read either way"),
        (("1,234", "5.50"), ".", None),
        (("1.234", "5,50"), ",", "decimal comma"),
    ],
)
def test_mark_is_inferred_from_the_amounts_that_read_one_way(texts, mark, note):
    choice = choose_decimal_mark(cells(*texts))
    assert choice.mark == mark
    assert (choice.note is None) if note is None else (note in (choice.note or ""))


def test_a_forced_mark_wins_and_says_nothing():
    assert choose_decimal_mark(cells("1,234"), forced=",").mark == ","
    assert choose_decimal_mark(cells("100,00", "1.50"), forced=".").note is None


def test_amounts_written_both_ways_are_refused_naming_both():
    with pytest.raises(ImportFileError, match=r"'100,00' in row 2 and '5.50' in row 3"):
        choose_decimal_mark(cells("100,00", "5.50"))


@given(st.decimals(min_value=Decimal("-999999999.99"), max_value=Decimal("999999999.99"), places=2))
def test_a_german_amount_is_read_back_with_the_inferred_mark(value):
    # Given an amount as Excel writes it in a German Windows: 1.234,56
    text = f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    # When the file's mark is inferred from it
    choice = choose_decimal_mark(cells(text))
    # Then it is the comma, and the amount reads back exactly
    assert choice.mark == ","
    assert parse_amount(text, decimal_sep=choice.mark) == value
