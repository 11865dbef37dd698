"""ISO 11649 creditor references and Swiss QR references for issued invoices (issue 24)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.ch import esr

from core.creditor_ref import (
    creditor_reference,
    format_creditor_reference,
    is_creditor_reference,
    normalise_creditor_reference,
    swiss_qr_reference,
)


def test_the_standards_example_is_created_and_valid():
    # ISO 11649's example: RF18 5390 0754 7034
    assert creditor_reference("539007547034") == "RF18539007547034"
    assert is_creditor_reference("RF18 5390 0754 7034")
    assert format_creditor_reference("rf18539007547034") == "RF18 5390 0754 7034"


def test_invoice_number_becomes_a_reference_without_separators():
    assert creditor_reference("INV-2026-0042") == "RF73INV20260042"
    assert normalise_creditor_reference(" rf73 inv2 0260 042 ") == "RF73INV20260042"


@pytest.mark.parametrize(
    "text",
    [
        "RF17 5390 0754 7034",
        "RF18 5390 0754 7035",
        "RF185390075470341234567890",
        "RX18539007547034",
        "RF1",
        "RF18 5390 ٣754 7034",
        "",
    ],
)
def test_wrong_references_are_refused(text):
    assert not is_creditor_reference(text)


@pytest.mark.parametrize("number", ["", "---", "Straße-1", "A" * 22, "INV/٣"])
def test_numbers_without_a_reference_are_refused(number):
    with pytest.raises(ValueError, match="creditor reference"):
        creditor_reference(number)


@given(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-", min_size=1, max_size=30))
def test_every_created_reference_validates_and_one_changed_character_does_not(number):
    body = number.replace("-", "")
    if not 1 <= len(body) <= 21:
        return
    reference = creditor_reference(number)
    assert is_creditor_reference(reference)
    # a digit for another digit, a letter for another letter: the number's value changes by
    # d × 10^k with 0 < |d| < 97, which MOD 97-10 always catches (a letter for a digit
    # changes the length of the digit string and may not be caught: TJMKRA → TJMKR0)
    last = reference[-1]
    same_class = "01" if last.isdigit() else "AB"
    other = same_class[0] if last != same_class[0] else same_class[1]
    assert not is_creditor_reference(reference[:-1] + other)


def test_swiss_qr_reference_has_a_valid_check_digit():
    reference = swiss_qr_reference("INV-2026-0042")
    assert reference == "000000000000000000202600427"
    assert esr.is_valid(reference)
    with pytest.raises(ValueError, match="QR reference"):
        swiss_qr_reference("INV-ABC")
