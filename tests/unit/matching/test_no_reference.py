"""Payments without references: applied over the one set of open balances that fits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from core.types import OpenInvoice, Outcome, Remittance, RemittanceLine
from matching.decide import MatchPolicy, decide_remittance

ACME = 1


def invoice(number: str, balance: str, *, due: date, invoice_id: int, **kw) -> OpenInvoice:
    return OpenInvoice(
        invoice_id=invoice_id,
        number=number,
        customer_id=kw.pop("customer", ACME),
        customer_number="C1",
        balance=Decimal(balance),
        currency="USD",
        status="open",
        due_date=due,
        **kw,
    )


OPEN = [
    invoice("INV-1", "1200.00", due=date(2026, 10, 1), invoice_id=1),
    invoice("INV-2", "800.00", due=date(2026, 10, 15), invoice_id=2),
    invoice("INV-3", "455.50", due=date(2026, 11, 1), invoice_id=3),
    invoice("INV-4", "2000.00", due=date(2026, 11, 20), invoice_id=4),
]


def decide(amount: str, open_=OPEN, *, customer=ACME, policy=None, refs=(), paid_on=None):
    lines = [RemittanceLine(invoice_ref=r, amount=Decimal(a)) for r, a in refs]
    lines.append(RemittanceLine(invoice_ref=None, amount=Decimal(amount)))
    by_key = {inv.number.lower().replace("inv-", ""): [inv] for inv in open_}
    return decide_remittance(
        Remittance(lines=tuple(lines)),
        customer_id=customer,
        invoices_by_key=by_key,
        customer_open=open_ if customer else [],
        policy=policy or MatchPolicy(),
        paid_on=paid_on,
    )


def test_the_only_set_of_balances_adding_up_is_applied_over_its_invoices():
    # 1,200.00 + 455.50 is the only set that makes 1,655.50
    (line,) = decide("1655.50").lines
    assert line.outcome is Outcome.AUTO
    assert [(p.invoice.number, p.amount) for p in line.postings()] == [
        ("INV-1", Decimal("1200.00")),
        ("INV-3", Decimal("455.50")),
    ]
    assert line.confidence == Decimal("0.950")
    assert any(s.name == "combination" and s.value == "unique" for s in line.signals)
    assert line.runner_up == "no other set of open balances adds up"


def test_several_sets_adding_up_go_to_review_ranked_fewest_invoices_first():
    # 2,000.00 is INV-4 alone, or INV-1 + INV-2
    (line,) = decide("2000.00").lines
    assert line.outcome is Outcome.REVIEW
    assert line.review_kind == "ambiguous"
    assert "2 sets of open balances add up to 2,000.00" in line.reason
    assert [n for n, _ in line.candidates] == ["INV-4", "INV-1", "INV-2"]
    assert line.candidates[0][1] > line.candidates[1][1]
    assert "INV-1 1,200.00 + INV-2 800.00" in (line.runner_up or "")


def test_no_set_adding_up_goes_to_review_with_near_suggestions_only():
    (line,) = decide("999.99").lines
    assert line.outcome is Outcome.REVIEW
    assert "no set of open balances adds up to 999.99" in line.reason
    assert line.postings() == ()


def test_invoices_other_lines_pay_are_not_offered_again():
    # The referenced line pays INV-1; without it the rest can only be INV-2 + INV-3
    result = decide("1255.50", refs=[("1", "1200.00")])
    first, rest = result.lines
    assert first.outcome is Outcome.AUTO and first.invoice and first.invoice.number == "INV-1"
    assert rest.outcome is Outcome.AUTO
    assert {p.invoice.number for p in rest.postings()} == {"INV-2", "INV-3"}
    assert result.applied_total == Decimal("2455.50")


def test_an_earned_discount_counts_in_the_combination_and_is_written_off():
    termed = [
        invoice(
            "INV-9",
            "1000.00",
            due=date(2026, 12, 20),
            invoice_id=9,
            amount=Decimal("1000.00"),
            issue_date=date(2026, 11, 20),
            terms="2/10 Net 30",
        ),
        invoice("INV-10", "333.00", due=date(2026, 12, 1), invoice_id=10),
    ]
    (line,) = decide("1313.00", termed, paid_on=date(2026, 11, 25)).lines
    assert line.outcome is Outcome.AUTO
    parts = {p.invoice.number: (p.amount, p.discount) for p in line.postings()}
    assert parts == {
        "INV-9": (Decimal("980.00"), Decimal("20.00")),
        "INV-10": (Decimal("333.00"), Decimal("0.00")),
    }
    assert line.discount == Decimal("20.00")


def test_a_search_cut_short_never_claims_a_unique_set():
    many = [
        invoice(f"INV-{n}", f"{100 + n}.00", due=date(2026, 1, 1), invoice_id=n)
        for n in range(1, 41)
    ]
    policy = MatchPolicy(combination_step_budget=50)
    (line,) = decide("1000.00", many, policy=policy).lines
    assert line.outcome is Outcome.REVIEW
    assert "was cut short" in line.reason
    # one set found before the budget ran out is still not "the only one"
    (line,) = decide("1000.00", many, policy=MatchPolicy(combination_step_budget=400)).lines
    assert line.outcome is Outcome.REVIEW
    assert "too many sets to be sure" in line.reason


def test_combinations_switched_off_propose_the_set_but_do_not_apply_it():
    (line,) = decide("1655.50", policy=MatchPolicy(combinations=False)).lines
    assert line.outcome is Outcome.REVIEW
    assert "combinations are not applied automatically" in line.reason
    assert [n for n, _ in line.candidates] == ["INV-1", "INV-3"]


def test_a_payment_without_references_from_nobody_known_goes_to_review():
    (line,) = decide("1655.50", customer=None).lines
    assert line.outcome is Outcome.REVIEW
    assert line.review_kind == "unknown_sender"
