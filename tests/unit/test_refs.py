"""core.refs: invoice references compare exactly after normalisation."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from core.refs import REF_PREFIXES, normalise_ref


@pytest.mark.parametrize(
    "written", ["INV-001001", "inv 1001", "Invoice #1001", "1001", "INVOICE NO. 1001", "No. 1001"]
)
def test_written_forms_of_one_invoice_normalise_alike(written: str) -> None:
    assert normalise_ref(written) == "1001"


def test_credit_memo_prefix_stays_distinct() -> None:
    assert normalise_ref("CM-1001") == "cm1001"
    assert normalise_ref("CM-1001") != normalise_ref("INV-1001")


def test_nothing_of_a_reference_left_is_empty() -> None:
    assert normalise_ref("") == ""
    assert normalise_ref(" -/ ") == ""
    assert normalise_ref("INV-") == ""


def test_all_zero_reference_keeps_one_zero() -> None:
    assert normalise_ref("000") == "0"


@given(st.text(max_size=40))
def test_normalise_ref_is_idempotent(text: str) -> None:
    once = normalise_ref(text)
    assume(not once.startswith(REF_PREFIXES))  # "invinv5" → "inv5": a prefix left over
    assert normalise_ref(once) == once


@given(st.integers(min_value=1, max_value=10**9), st.sampled_from(["INV-", "inv ", "#", ""]))
def test_prefix_and_zero_padding_do_not_matter(number: int, prefix: str) -> None:
    assert normalise_ref(f"{prefix}{number:08d}") == str(number)
