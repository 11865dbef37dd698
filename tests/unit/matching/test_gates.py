"""The safe-automation controls hold a line a person should see, and say why."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from core.types import LineDecision, OpenInvoice, Outcome, Remittance, RemittanceLine
from matching.decide import MatchPolicy, decide_remittance
from matching.gates import held

INV = OpenInvoice(
    invoice_id=7,
    number="INV-7001",
    customer_id=1,
    customer_number="C1042",
    balance=Decimal("12500.00"),
    currency="USD",
    status="open",
    due_date=date(2026, 6, 30),
    issue_date=date(2026, 5, 31),
)


def decide(policy: MatchPolicy, *, reversed_ids=(), paid_on=date(2026, 11, 30)):
    rem = Remittance(lines=(RemittanceLine(invoice_ref="INV-7001", amount=Decimal("12500.00")),))
    (line,) = decide_remittance(
        rem,
        customer_id=1,
        invoices_by_key={"7001": [INV]},
        customer_open=[INV],
        policy=policy,
        paid_on=paid_on,
        reversed_invoice_ids=reversed_ids,
    ).lines
    return line


def test_by_default_nothing_holds_an_exact_match():
    assert decide(MatchPolicy()).outcome is Outcome.AUTO


def test_an_invoice_a_person_unapplied_cash_from_is_never_applied_again_alone():
    line = decide(MatchPolicy(), reversed_ids={7})
    assert line.outcome is Outcome.REVIEW
    assert line.reason.startswith("a person un-applied cash from invoice INV-7001 before")
    assert "would have applied: reference matches invoice INV-7001 exactly" in line.reason
    assert line.candidates[0][0] == "INV-7001"
    assert line.review_kind == "held"


def test_an_invoice_older_than_the_limit_goes_to_a_person():
    line = decide(MatchPolicy(max_invoice_age_days=90))
    assert line.outcome is Outcome.REVIEW
    assert "issued 183 days before the payment (automatic only up to 90)" in line.reason
    assert decide(MatchPolicy(max_invoice_age_days=200)).outcome is Outcome.AUTO


def test_a_customer_set_to_never_is_always_reviewed():
    line = decide(MatchPolicy(customer_thresholds={"C1042": None}))
    assert line.outcome is Outcome.REVIEW
    assert "lines of customer C1042 are never applied automatically" in line.reason


def test_an_amount_band_asks_for_more_confidence_than_a_near_match_has():
    bands = ((Decimal("10000"), Decimal("1.0")),)
    assert decide(MatchPolicy(amount_bands=bands)).outcome is Outcome.AUTO  # exact: 1.000
    strict = MatchPolicy(
        min_confidence=Decimal("0.5"), customer_thresholds={"C1042": Decimal("0.5")}
    )
    assert decide(strict).outcome is Outcome.AUTO


def test_required_confidence_takes_the_strictest_of_global_band_and_customer():
    policy = MatchPolicy(
        min_confidence=Decimal("0.80"),
        amount_bands=((Decimal("1000"), Decimal("0.90")), (Decimal("10000"), Decimal("0.99"))),
        customer_thresholds={"C9": Decimal("0.95")},
    )
    assert policy.required_confidence(Decimal("999.99"), "C1") == Decimal("0.80")
    assert policy.required_confidence(Decimal("1000"), "C1") == Decimal("0.90")
    assert policy.required_confidence(Decimal("5000"), "C9") == Decimal("0.95")
    assert policy.required_confidence(Decimal("20000"), "C9") == Decimal("0.99")


def test_a_three_decimal_currency_applies_its_thousandths():
    kwd = OpenInvoice(
        invoice_id=9,
        number="INV-9001",
        customer_id=1,
        customer_number="C1042",
        balance=Decimal("1250.125"),
        currency="KWD",
        status="open",
        due_date=date(2026, 6, 30),
        issue_date=date(2026, 5, 31),
    )
    rem = Remittance(
        lines=(RemittanceLine(invoice_ref="INV-9001", amount=Decimal("1250.125")),),
        currency="KWD",
    )
    (line,) = decide_remittance(
        rem,
        customer_id=1,
        invoices_by_key={"9001": [kwd]},
        customer_open=[kwd],
        policy=MatchPolicy(),
        paid_on=date(2026, 11, 30),
    ).lines
    assert (line.outcome, line.amount) == (Outcome.AUTO, Decimal("1250.125"))


def test_an_amount_finer_than_the_invoice_currency_goes_to_a_person():
    decision = LineDecision(
        line_no=1,
        invoice_ref="INV-7001",
        amount=Decimal("12500.005"),
        outcome=Outcome.AUTO,
        confidence=Decimal("1.000"),
        reason="exact reference",
        invoice=INV,
    )
    line = held(decision, policy=MatchPolicy(), paid_on=date(2026, 11, 30))
    assert line.outcome is Outcome.REVIEW
    assert line.reason.startswith("12500.005 has more decimals than USD allows (2)")


def _kwd_line(written: str, source: str = "csv"):
    kwd = OpenInvoice(
        invoice_id=11,
        number="INV-900",
        customer_id=1,
        customer_number="C1042",
        balance=Decimal("1500.000"),
        currency="KWD",
        status="open",
        due_date=date(2026, 6, 30),
        issue_date=date(2026, 5, 31),
    )
    rem = Remittance(
        lines=(RemittanceLine(invoice_ref="INV-900", amount=Decimal(written)),),
        currency="KWD",
        source=source,
    )
    (line,) = decide_remittance(
        rem,
        customer_id=1,
        invoices_by_key={"900": [kwd]},
        customer_open=[kwd],
        policy=MatchPolicy(),
        paid_on=date(2026, 11, 30),
    ).lines
    return line


def test_a_whole_dinar_amount_not_written_with_three_decimals_goes_to_a_person():
    # "1.500" in a table is read as 1,500.00 (the point taken for a thousands separator);
    # the payer may have meant one and a half dinars
    line = _kwd_line("1500.00")
    assert line.outcome is Outcome.REVIEW
    assert "not written with three decimals" in line.reason


def test_a_dinar_amount_written_with_three_decimals_or_from_edi_is_applied():
    assert _kwd_line("1500.000").outcome is Outcome.AUTO
    assert _kwd_line("1500", source="edi 820").outcome is Outcome.AUTO
