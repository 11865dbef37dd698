"""The shortcuts of the PDF reading path (issue 18: CPU per mail) answer as the plain
functions do: the kept answers of cell_kind, is_amount and is_total, and the word test before
the payment-method patterns of pdf_facts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers import pdf_facts, pdf_layout, table_values

#: Pieces of cells and lines: amounts, dates, codes, method and total words, and the letters
#: case-insensitive matching folds differently from str.casefold.
_PIECES = st.sampled_from(
    ["1,234.56", "(5.583,46) EUR", "-12.00", "2026-10-01", "03.11.2026", "INV-1001", "#4711",
     "5100004711", "Total", "TOTAL paid", "Subtotal", "carried forward", "check", "CHEQUE",
     "Chk", "wire", "SWIFT", "Überweisung", "ach", "ACH", "eft", "SEPA", "bacs", "credit card",
     "card  payment", "Visa", "\u212ach", "\u017fepa", "v\u0130sa", "\u0131", "ß", " ", "\n",
     "-", "_", "x", "$", "€", "USD"]
)  # fmt: skip
_TEXTS = st.lists(_PIECES, max_size=8).map("".join)


@settings(max_examples=500, deadline=None)
@given(text=_TEXTS)
def test_payment_method_with_the_word_test_is_the_method_of_every_pattern(text: str) -> None:
    every = {m for m, pattern, _ in pdf_facts._METHODS if pattern.search(text)}
    expected = every.pop() if len(every) == 1 else None
    assert pdf_facts._method(text) == expected


@settings(max_examples=300, deadline=None)
@given(text=_TEXTS)
def test_kept_answers_are_the_answers_of_the_plain_functions(text: str) -> None:
    for _ in range(2):  # asked first, then kept
        assert table_values.cell_kind(text) is table_values._cell_kind(text)
        assert pdf_layout.is_amount(text) is pdf_layout._is_amount.__wrapped__(text)
        assert pdf_layout.is_total(text) is pdf_layout._is_total(text)


def test_long_cells_and_lines_are_not_kept() -> None:
    table_values._kept_cell_kind.cache_clear()
    pdf_layout._kept_is_total.cache_clear()
    cell = "1,234.56 " * 20
    line = "Total " * 50
    assert table_values.cell_kind(cell) is table_values._cell_kind(cell)
    assert pdf_layout.is_total(line) is pdf_layout._is_total(line)
    assert table_values._kept_cell_kind.cache_info().currsize == 0
    assert pdf_layout._kept_is_total.cache_info().currsize == 0
