"""core.refs: a question's reference resolved among one customer's invoice numbers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.refs import normalise_ref, ref_tails, resolve_ref


def test_a_reference_without_prefix_and_zeros_names_the_one_invoice_it_fits():
    assert resolve_ref("61408", ["NW-061408", "NW-061409"]) == "NW-061408"
    assert resolve_ref("invoice 61408", ["NW-061408"]) == "NW-061408"
    assert resolve_ref("Invoice #061408", ["NW-061408"]) == "NW-061408"


def test_the_comparison_key_wins_over_a_shorter_form():
    assert resolve_ref("INV-61408", ["INV-061408", "NW-061408"]) == "INV-061408"


def test_trailing_groups_and_a_letter_suffix_are_shorter_forms():
    assert resolve_ref("2026-0042", ["RE-2026-0042"]) == "RE-2026-0042"
    assert resolve_ref("61408", ["61408-A"]) == "61408-A"


def test_two_invoices_that_fit_name_neither():
    assert resolve_ref("61408", ["NW-061408", "XS-61408"]) is None


def test_a_tail_too_short_names_nothing_and_a_cut_number_of_four_digits_its_one_invoice():
    assert resolve_ref("408", ["NW-061408"]) is None
    # four digits of a number whose start was cut: the customer's one invoice ending so
    assert resolve_ref("1408", ["NW-061408"]) == "NW-061408"
    assert resolve_ref("1408", ["NW-061408", "NW-071408"]) is None
    assert ref_tails("RE-2026-0042") == frozenset({"20260042"})


@given(
    ref=st.text(alphabet="AB-0123456789 ", max_size=12),
    numbers=st.lists(st.text(alphabet="ABNW-0123456789/", max_size=12), max_size=6),
)
def test_the_answer_is_one_of_the_numbers_and_fits_the_reference(ref, numbers):
    found = resolve_ref(ref, numbers)
    if found is not None:
        assert found in numbers
        key = normalise_ref(ref)
        assert (
            normalise_ref(found) == key
            or key.lstrip("ab").lstrip("0") in ref_tails(found)
            or (key in ref_tails(found))
        )


def test_a_number_with_its_first_digits_cut_names_the_one_invoice_it_ends():
    from core.refs import resolve_ref

    assert resolve_ref("41962", ["90041962", "90041963"]) == "90041962"
    assert resolve_ref("invoice 41962", ["90041962", "91041962"]) is None  # two end so
    assert resolve_ref("1962", ["90041962", "90041963"]) == "90041962"  # four are enough
    assert resolve_ref("962", ["90041962"]) is None  # three say too little
