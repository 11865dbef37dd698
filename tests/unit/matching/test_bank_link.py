"""The linking rules between bank credits and expected payments. Pure: no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from matching.bank_link import CreditView, ExpectedView, link_credit, link_expected


def credit(pid=1, amount="100.00", day=date(2026, 11, 10), customer=None, text="", refs=()):
    return CreditView(pid, Decimal(amount), "USD", day, customer, tuple(refs), text)


def expected(eid=1, amount="100.00", day=date(2026, 11, 8), customer=7, ref=None, invoices=()):
    return ExpectedView(eid, Decimal(amount), "USD", day, customer, ref, tuple(invoices))


def test_amount_and_date_alone_are_never_a_link():
    decision = link_credit(credit(), [expected()], window_days=7)
    assert decision.outcome == "ambiguous" and decision.chosen is None
    assert "neither payer nor reference" in decision.reason


def test_the_reference_links_even_without_a_known_payer():
    decision = link_credit(credit(text="Payment INV 4711"), [expected(invoices=["INV-4711"])],
                           window_days=7)  # fmt: skip
    assert decision.outcome == "link" and decision.chosen is not None
    assert decision.chosen.reference and not decision.chosen.payer


def test_a_reference_beats_a_payer_only_candidate():
    found = link_credit(
        credit(customer=7, refs=["E2E-99"]),
        [expected(eid=1), expected(eid=2, ref="E2E-99")],
        window_days=7,
    )
    assert found.outcome == "link" and found.chosen is not None and found.chosen.expected_id == 2


def test_exact_amount_currency_and_window_are_required():
    assert link_credit(
        credit(amount="100.01", customer=7), [expected()], window_days=7
    ).outcome == ("none")
    late = credit(customer=7, day=date(2026, 11, 16))
    assert link_credit(late, [expected()], window_days=7).outcome == "none"
    assert link_credit(late, [expected()], window_days=8).outcome == "link"


def test_a_payer_who_is_another_customer_rules_the_candidate_out():
    other = credit(customer=8, text="INV-4711")
    assert link_credit(other, [expected(invoices=["INV-4711"])], window_days=7).outcome == "none"


def test_two_credits_for_one_remittance_are_ambiguous_from_either_side():
    credits = [credit(pid=1, customer=7), credit(pid=2, customer=7)]
    decision = link_expected(expected(), credits, window_days=7)
    assert decision.outcome == "ambiguous"
    assert {c.payment_id for c in decision.candidates} == {1, 2}
