"""Near matches of a reference among one customer's invoices: which edits count, and when a
near match is certain enough to apply."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.refs import normalise_ref
from core.types import OpenInvoice
from matching.near import certain_near_match, near_kind, near_matches


def inv(number: str, balance: str, invoice_id: int) -> OpenInvoice:
    return OpenInvoice(
        invoice_id=invoice_id,
        number=number,
        customer_id=1,
        customer_number="C1",
        balance=Decimal(balance),
        currency="USD",
        status="open",
        due_date=date(2026, 12, 1),
    )


@pytest.mark.parametrize(
    ("written", "ours", "kind"),
    [
        ("INV-1O23", "INV-1023", "ocr"),
        ("INV-lOl5", "INV-1015", "ocr"),
        ("INV-B8S0", "INV-8850", "ocr"),
        ("10203", "10230", "transposed"),
        ("1023", "10234", "dropped"),
        ("102345", "10234", "extra"),
        ("10235", "10234", "substituted"),
        ("0042", "2026-0042", None),  # leading zeros go in normalising: "42" is too short
        ("26-0042", "2026-0042", "truncated"),
        ("INV-10234", "10234", None),  # equal after normalising: exact, not near
        ("12", "13", None),  # too short for an edit to mean anything
        ("55555", "10234", None),
    ],
)
def test_near_kinds(written, ours, kind):
    assert near_kind(normalise_ref(written), normalise_ref(ours)) == kind


def test_ocr_confusion_confirmed_by_amount_is_certain():
    # Given the customer's open invoices and a line "INV-1O23 500.00" (letter O)
    invoices = [inv("INV-1023", "500.00", 1), inv("INV-1024", "500.00", 2)]
    # When near matches are looked for
    matches = near_matches("INV-1O23", invoices, amount=Decimal("500.00"))
    # Then only INV-1023 is near (INV-1024 differs in two places), and it is certain
    assert [(m.invoice.number, m.kind) for m in matches] == [("INV-1023", "ocr")]
    match = certain_near_match(matches)
    assert match is not None and match.invoice.number == "INV-1023"


def test_two_near_invoices_whose_amounts_both_agree_are_left_to_a_person():
    invoices = [inv("10230", "900.00", 1), inv("10213", "900.00", 2)]
    matches = near_matches("10203", invoices, amount=Decimal("900.00"))
    assert [(m.invoice.number, m.kind) for m in matches] == [
        ("10230", "transposed"),
        ("10213", "substituted"),
    ]
    assert certain_near_match(matches) is None


def test_near_match_whose_amount_disagrees_is_never_certain():
    matches = near_matches("10203", [inv("10230", "900.00", 1)], amount=Decimal("899.00"))
    assert matches and not matches[0].amount_agrees
    assert certain_near_match(matches) is None


def test_single_agreeing_transposition_is_certain():
    invoices = [inv("10230", "900.00", 1), inv("10231", "100.00", 2)]
    matches = near_matches("10203", invoices, amount=Decimal("900.00"))
    match = certain_near_match(matches)
    assert match is not None and match.invoice.number == "10230"


def test_a_lone_substitution_is_never_certain_even_when_the_amount_agrees():
    # INV-1001 vs INV-1007 is how two neighbouring invoices differ
    matches = near_matches("INV-1007", [inv("INV-1001", "250.00", 1)], amount=Decimal("250.00"))
    assert matches[0].kind == "substituted"
    assert certain_near_match(matches) is None


def test_an_accepted_discounted_amount_agrees():
    matches = near_matches(
        "10203",
        [inv("10230", "1000.00", 7)],
        amount=Decimal("980.00"),
        accepted_amounts={7: [Decimal("980.00")]},
    )
    assert certain_near_match(matches) is not None


def test_unstated_amount_never_agrees():
    matches = near_matches("10203", [inv("10230", "900.00", 1)], amount=None)
    assert certain_near_match(matches) is None


keys = st.text(alphabet="0123456789", min_size=4, max_size=9)


@given(keys, st.data())
def test_swapping_two_different_adjacent_digits_is_a_transposition(key, data):
    i = data.draw(st.integers(min_value=0, max_value=len(key) - 2))
    swapped = key[:i] + key[i + 1] + key[i] + key[i + 2 :]
    expected = None if swapped == key else "transposed"
    assert near_kind(swapped, key) == expected


@given(keys, st.data())
def test_dropping_a_digit_is_dropped_or_shorter(key, data):
    i = data.draw(st.integers(min_value=0, max_value=len(key) - 1))
    dropped = key[:i] + key[i + 1 :]
    kind = near_kind(dropped, key)
    assert kind in ("dropped", "truncated", None)
    if len(dropped) >= 4:
        assert kind in ("dropped", "truncated")
