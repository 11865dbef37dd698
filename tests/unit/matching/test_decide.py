"""Decisions per remittance line: when cash is applied alone, and why a line goes to review."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.refs import normalise_ref
from core.types import OpenInvoice, Outcome, Remittance, RemittanceLine
from matching.decide import MatchPolicy, decide_remittance

ACME, BOREALIS = 1, 2


def invoice(
    number: str,
    balance: str,
    *,
    customer: int = ACME,
    status: str = "open",
    invoice_id: int | None = None,
) -> OpenInvoice:
    return OpenInvoice(
        invoice_id=invoice_id or abs(hash(number)) % 10_000,
        number=number,
        customer_id=customer,
        customer_number=f"C{customer}",
        balance=Decimal(balance),
        currency="USD",
        status=status,
        due_date=date(2026, 12, 1),
    )


def decide(lines, invoices, *, customer=ACME, total=None, policy=None):
    rem = Remittance(
        lines=tuple(RemittanceLine(invoice_ref=r, amount=Decimal(a)) for r, a in lines),
        stated_total=Decimal(total) if total else None,
    )
    by_key: dict[str, list[OpenInvoice]] = {}
    for inv in invoices:
        by_key.setdefault(normalise_ref(inv.number), []).append(inv)
    return decide_remittance(
        rem,
        customer_id=customer,
        invoices_by_key=by_key,
        customer_open=[i for i in invoices if i.customer_id == customer and i.status == "open"],
        policy=policy or MatchPolicy(),
    )


def test_exact_reference_and_amount_applies_automatically():
    result = decide([("inv 10001", "1250.00")], [invoice("INV-10001", "1250.00")])
    (line,) = result.lines
    assert line.outcome is Outcome.AUTO
    assert line.confidence == Decimal("1.000")
    assert result.applied_total == Decimal("1250.00")


def test_short_pay_applies_and_says_what_stays_open():
    (line,) = decide([("INV-10001", "1000.00")], [invoice("INV-10001", "1250.00")]).lines
    assert line.outcome is Outcome.AUTO
    assert "250.00 stays open" in line.reason


def test_amount_above_balance_goes_to_review_as_overpayment():
    (line,) = decide([("INV-10001", "1300.00")], [invoice("INV-10001", "1250.00")]).lines
    assert line.outcome is Outcome.REVIEW
    assert "overpayment" in line.reason


def test_two_lines_paying_one_invoice_together_above_balance_go_to_review():
    result = decide(
        [("INV-10001", "700.00"), ("10001", "700.00")], [invoice("INV-10001", "1250.00")]
    )
    assert [d.outcome for d in result.lines] == [Outcome.REVIEW, Outcome.REVIEW]


def test_invoice_of_another_customer_is_never_applied():
    (line,) = decide(
        [("INV-20001", "500.00")], [invoice("INV-20001", "500.00", customer=BOREALIS)]
    ).lines
    assert line.outcome is Outcome.REVIEW
    assert "another customer" in line.reason


def test_paid_invoice_is_not_open():
    (line,) = decide([("INV-10001", "100.00")], [invoice("INV-10001", "0.00", status="paid")]).lines
    assert line.outcome is Outcome.REVIEW
    assert "not open" in line.reason


def test_unknown_reference_goes_to_review_with_ranked_suggestions():
    (line,) = decide(
        [("INV-10007", "1250.00")],
        [invoice("INV-10001", "1250.00", invoice_id=1), invoice("INV-20000", "9.00", invoice_id=2)],
    ).lines
    assert line.outcome is Outcome.REVIEW
    assert "no invoice matches" in line.reason
    assert line.candidates[0][0] == "INV-10001"  # close number and the amount agrees


def test_lines_not_adding_up_to_the_stated_total_send_everything_to_review():
    result = decide([("INV-10001", "1250.00")], [invoice("INV-10001", "1250.00")], total="1300.00")
    (line,) = result.lines
    assert line.outcome is Outcome.REVIEW
    assert "stated total" in line.reason


def test_unknown_sender_is_never_applied_automatically():
    (line,) = decide(
        [("INV-10001", "1250.00")], [invoice("INV-10001", "1250.00")], customer=None
    ).lines
    assert line.outcome is Outcome.REVIEW
    assert "not a registered contact" in line.reason


def test_ambiguous_reference_goes_to_review():
    (line,) = decide(
        [("1001", "10.00")],
        [invoice("INV-1001", "10.00", invoice_id=1), invoice("1001", "10.00", invoice_id=2)],
    ).lines
    assert line.outcome is Outcome.REVIEW
    assert "several invoices" in line.reason


def test_kill_switch_sends_everything_to_review():
    (line,) = decide(
        [("INV-10001", "1250.00")],
        [invoice("INV-10001", "1250.00")],
        policy=MatchPolicy(auto_apply=False),
    ).lines
    assert line.outcome is Outcome.REVIEW


cents = st.integers(min_value=-50_000, max_value=500_000).map(lambda c: Decimal(c) / 100)


@given(
    balances=st.lists(st.integers(min_value=0, max_value=500_000), min_size=1, max_size=6),
    paid=st.lists(cents, min_size=1, max_size=8),
    owners=st.lists(st.sampled_from([ACME, BOREALIS]), min_size=6, max_size=6),
    refs=st.lists(st.integers(min_value=0, max_value=7), min_size=8, max_size=8),
)
def test_no_automatic_application_exceeds_a_balance_or_crosses_customers(
    balances, paid, owners, refs
):
    invoices = [
        invoice(f"INV-{n}", str(Decimal(b) / 100), customer=owners[n], invoice_id=n + 1)
        for n, b in enumerate(balances)
    ]
    lines = [(f"INV-{refs[i]}", str(a)) for i, a in enumerate(paid)]
    result = decide(lines, invoices)
    applied: dict[int, Decimal] = {}
    for d in result.lines:
        if d.outcome is Outcome.AUTO:
            assert d.invoice is not None
            assert d.invoice.customer_id == ACME
            assert d.amount > 0
            applied[d.invoice.invoice_id] = applied.get(d.invoice.invoice_id, Decimal(0)) + d.amount
    for inv in invoices:
        assert applied.get(inv.invoice_id, Decimal(0)) <= inv.balance


def _decide_lines(lines, invoices, *, total, customer=ACME):
    by_key: dict[str, list[OpenInvoice]] = {}
    for inv in invoices:
        by_key.setdefault(normalise_ref(inv.number), []).append(inv)
    return decide_remittance(
        Remittance(lines=tuple(lines), stated_total=Decimal(total) if total else None),
        customer_id=customer,
        invoices_by_key=by_key,
        customer_open=[i for i in invoices if i.customer_id == customer],
        policy=MatchPolicy(),
    )


def test_refs_without_amounts_apply_their_balances_when_they_add_up_to_the_total():
    # Given "in settlement of invoices 4711 and 4712" with one total of 300.00
    lines = [RemittanceLine("4711", None), RemittanceLine("4712", None)]
    invoices = [invoice("INV-4711", "100.00"), invoice("INV-4712", "200.00")]
    # When decided, Then each open balance is applied
    result = _decide_lines(lines, invoices, total="300.00")
    assert [d.outcome for d in result.lines] == [Outcome.AUTO, Outcome.AUTO]
    assert [d.amount for d in result.lines] == [Decimal("100.00"), Decimal("200.00")]


def test_refs_without_amounts_go_to_review_when_balances_miss_the_total():
    lines = [RemittanceLine("4711", None), RemittanceLine("4712", None)]
    invoices = [invoice("INV-4711", "100.00"), invoice("INV-4712", "200.00")]
    result = _decide_lines(lines, invoices, total="299.00")
    assert {d.outcome for d in result.lines} == {Outcome.REVIEW}
    assert "not the amount paid" in result.lines[0].reason


def test_refs_without_amounts_and_without_total_go_to_review():
    lines = [RemittanceLine("4711", None)]
    result = _decide_lines(lines, [invoice("INV-4711", "100.00")], total=None)
    assert result.lines[0].outcome is Outcome.REVIEW


def test_alternative_reference_is_used_when_the_reference_names_no_invoice():
    # Given an SAP advice whose first number is the payer's own document number
    line = RemittanceLine("5100004711", Decimal("100.00"), alt_refs=("INV-4711",))
    result = _decide_lines([line], [invoice("INV-4711", "100.00")], total=None)
    (d,) = result.lines
    assert d.outcome is Outcome.AUTO
    assert d.invoice is not None and d.invoice.number == "INV-4711"


def test_two_alternative_references_naming_invoices_are_not_guessed_between():
    line = RemittanceLine("999", Decimal("100.00"), alt_refs=("INV-4711", "INV-4712"))
    invoices = [invoice("INV-4711", "100.00"), invoice("INV-4712", "100.00")]
    (d,) = _decide_lines([line], invoices, total=None).lines
    assert d.outcome is Outcome.REVIEW


def test_ocr_misread_reference_applies_to_the_customers_invoice_when_the_amount_agrees():
    # Given a line "INV-1O23 500.00" (letter O) and the customer's open INV-1023 of 500.00
    invoices = [
        invoice("INV-1023", "500.00", invoice_id=1),
        invoice("INV-1099", "70.00", invoice_id=2),
    ]
    (d,) = decide([("INV-1O23", "500.00")], invoices).lines
    # Then it is applied, with less than full confidence and the edit named
    assert d.outcome is Outcome.AUTO
    assert d.invoice is not None and d.invoice.number == "INV-1023"
    assert Decimal("0.5") < d.confidence < Decimal("1.000")
    assert "ocr" in d.reason


def test_near_reference_with_a_different_amount_goes_to_review_with_the_invoice_suggested():
    invoices = [invoice("INV-1023", "500.00", invoice_id=1)]
    (d,) = decide([("INV-1O23", "499.00")], invoices).lines
    assert d.outcome is Outcome.REVIEW
    assert d.candidates and d.candidates[0][0] == "INV-1023"


def test_near_reference_never_reaches_another_customers_invoice():
    # Given the only near invoice belongs to another customer
    invoices = [invoice("INV-1023", "500.00", customer=BOREALIS, invoice_id=1)]
    (d,) = decide([("INV-1O23", "500.00")], invoices).lines
    assert d.outcome is Outcome.REVIEW
    assert d.invoice is None


def test_near_matching_can_be_switched_off():
    invoices = [invoice("INV-1023", "500.00", invoice_id=1)]
    (d,) = decide([("INV-1O23", "500.00")], invoices, policy=MatchPolicy(near_matches=False)).lines
    assert d.outcome is Outcome.REVIEW


def test_transposed_reference_is_not_applied_when_another_near_invoice_has_the_same_amount():
    invoices = [invoice("10230", "900.00", invoice_id=1), invoice("10213", "900.00", invoice_id=2)]
    (d,) = decide([("10203", "900.00")], invoices).lines
    assert d.outcome is Outcome.REVIEW


def test_every_decision_records_its_signals():
    # Given a near reference and a stated total that agrees
    invoices = [
        invoice("INV-1023", "500.00", invoice_id=1),
        invoice("INV-1099", "70.00", invoice_id=2),
    ]
    (d,) = decide([("INV-1O23", "500.00")], invoices, total="500.00").lines
    signals = {s.name: (s.value, s.detail) for s in d.signals}
    # Then each signal says what it saw
    assert signals["reference"][0] == "near (ocr)"
    assert signals["amount"] == ("500.00", "equals the open balance 500.00")
    assert signals["total"][0] == "agrees"
    assert signals["invoice"][0] == "open"
    assert d.runner_up is not None and d.runner_up.startswith("INV-1099: reference differs")


def test_short_pay_signal_says_how_far_below_the_balance():
    (d,) = decide([("INV-10001", "1000.00")], [invoice("INV-10001", "1250.00")]).lines
    amount = next(s for s in d.signals if s.name == "amount")
    assert amount.detail == "250.00 below the open balance 1,250.00"


def _termed(number: str, amount: str, *, invoice_id: int = 1) -> OpenInvoice:
    return OpenInvoice(
        invoice_id=invoice_id,
        number=number,
        customer_id=ACME,
        customer_number="C1",
        balance=Decimal(amount),
        currency="USD",
        status="open",
        due_date=date(2026, 11, 30),
        issue_date=date(2026, 10, 31),
        amount=Decimal(amount),
        terms="2/10 Net 30",
    )


def _decide_on(lines, invoices, *, paid_on, policy=None):
    by_key = {normalise_ref(i.number): [i] for i in invoices}
    return decide_remittance(
        Remittance(lines=tuple(lines)),
        customer_id=ACME,
        invoices_by_key=by_key,
        customer_open=invoices,
        policy=policy or MatchPolicy(),
        paid_on=paid_on,
    )


def test_earned_discount_is_written_off_and_nothing_stays_open():
    # Given 2/10 Net 30 on 1,000.00 and 980.00 paid on day 8
    (d,) = _decide_on(
        [RemittanceLine("INV-1", Decimal("980.00"), discount=Decimal("20.00"))],
        [_termed("INV-1", "1000.00")],
        paid_on=date(2026, 11, 8),
    ).lines
    assert d.outcome is Outcome.AUTO
    assert (d.discount, d.deduction) == (Decimal("20.00"), Decimal("0.00"))
    assert "earned" in d.reason


def test_unearned_discount_applies_the_cash_and_leaves_the_discount_open():
    # Given the same discount taken on day 20
    (d,) = _decide_on(
        [RemittanceLine("INV-1", Decimal("980.00"), discount=Decimal("20.00"))],
        [_termed("INV-1", "1000.00")],
        paid_on=date(2026, 11, 20),
    ).lines
    assert d.outcome is Outcome.AUTO
    assert d.discount == Decimal("0.00")
    assert (d.deduction, d.deduction_reason) == (Decimal("20.00"), "unearned discount")


def test_short_pay_with_the_payers_reason_keeps_the_reason():
    (d,) = _decide_on(
        [
            RemittanceLine(
                "INV-1",
                Decimal("900.00"),
                deduction=Decimal("100.00"),
                deduction_reason="damaged goods",
            )
        ],
        [_termed("INV-1", "1000.00")],
        paid_on=date(2026, 11, 20),
    ).lines
    assert d.outcome is Outcome.AUTO
    assert (d.deduction, d.deduction_reason) == (Decimal("100.00"), "damaged goods")


def test_partial_payment_without_a_reason_is_a_short_pay():
    (d,) = _decide_on(
        [RemittanceLine("INV-1", Decimal("700.00"))],
        [_termed("INV-1", "1000.00")],
        paid_on=date(2026, 11, 20),
    ).lines
    assert (d.deduction, d.deduction_reason) == (Decimal("300.00"), "short pay")


@pytest.mark.parametrize(
    ("paid", "share", "outcome"),
    [
        ("400.00", "0.50", Outcome.REVIEW),  # 600 of 1,000 would stay open: over half
        ("500.00", "0.50", Outcome.AUTO),  # exactly half: still a deduction
        ("700.00", "0.25", Outcome.REVIEW),  # the share is a setting
        ("700.00", "0.30", Outcome.AUTO),
    ],
)
def test_a_deduction_over_the_share_of_the_invoice_goes_to_a_person(paid, share, outcome):
    (d,) = _decide_on(
        [RemittanceLine("INV-1", Decimal(paid))],
        [_termed("INV-1", "1000.00")],
        paid_on=date(2026, 11, 20),
        policy=MatchPolicy(max_deduction_share=Decimal(share)),
    ).lines
    assert d.outcome is outcome
    if outcome is Outcome.REVIEW:
        assert "would stay open" in d.reason and d.candidates[0][0] == "INV-1"


def test_a_reference_colliding_with_another_customers_invoice_suggests_the_near_own_one_first():
    # Acme transposes two digits of its INV-55796 and hits Borealis' INV-55769
    theirs = invoice("INV-55769", "900.00", customer=BOREALIS, invoice_id=1)
    own = invoice("INV-55796", "2229.30", invoice_id=2)
    (line,) = decide([("INV-55769", "2229.30")], [theirs, own, invoice("INV-10001", "5.00")]).lines
    assert line.outcome is Outcome.REVIEW
    assert "belongs to another customer" in line.reason
    assert [n for n, _ in line.candidates][:2] == ["INV-55796", "INV-55769"]


def test_the_date_signal_places_the_payment_against_due_date_and_discount_window():
    termed = OpenInvoice(
        invoice_id=1,
        number="INV-2001",
        customer_id=ACME,
        customer_number="C1",
        balance=Decimal("1000.00"),
        currency="USD",
        status="open",
        due_date=date(2026, 12, 1),
        issue_date=date(2026, 11, 1),
        amount=Decimal("1000.00"),
        terms="2/10 Net 30",
    )
    rem = Remittance(lines=(RemittanceLine(invoice_ref="INV-2001", amount=Decimal("1000.00")),))
    (d,) = decide_remittance(
        rem,
        customer_id=ACME,
        invoices_by_key={"2001": [termed]},
        customer_open=[termed],
        policy=MatchPolicy(),
        paid_on=date(2026, 12, 5),
    ).lines
    signal = next(s for s in d.signals if s.name == "date")
    assert signal.value == "2026-12-05"
    assert signal.detail == (
        "paid 2026-12-05; 34 days after issue; 4 days past due; after the discount window of "
        "'2/10 Net 30' (to 2026-11-11)"
    )


def test_a_mistyped_creditor_reference_is_never_near_matched():
    # Given an invoice numbered with its creditor reference, and a payer who swapped two
    # digits of it (the check digits no longer hold), paying the exact balance
    invoices = [invoice("RF18539007547034", "500.00", invoice_id=1)]
    (d,) = decide([("RF18 5390 0754 7043", "500.00")], invoices).lines
    # Then nothing is applied: an RF reference is exact or nothing
    assert d.outcome is Outcome.REVIEW
    # (the same swap in an ordinary number is a certain near form)
    (plain,) = decide(
        [("INV-5390075470343", "500.00")], [invoice("INV-5390075470334", "500.00")]
    ).lines
    assert plain.outcome is Outcome.AUTO


def test_a_creditor_reference_and_the_number_inside_it_naming_one_invoice_resolve_to_it():
    # Given an ISO 20022 line: the payer's own document number, then CdtrRefInf's RF reference
    # and the reference inside it, both naming INV-4711 (by payment reference and by number)
    inv = invoice("INV-4711", "100.00", invoice_id=7)
    line = RemittanceLine("5100004711", Decimal("100.00"), alt_refs=("RF37INV4711", "INV4711"))
    rem = Remittance(lines=(line,), stated_total=None)
    result = decide_remittance(
        rem,
        customer_id=ACME,
        invoices_by_key={"rf37inv4711": [inv], "4711": [inv]},
        customer_open=[inv],
        policy=MatchPolicy(),
    )
    (d,) = result.lines
    assert d.outcome is Outcome.AUTO
    assert d.invoice is not None and d.invoice.number == "INV-4711"
