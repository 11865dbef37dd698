"""Lines read by OCR apply alone only when reference, amount, total and confidence all agree."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.refs import normalise_ref
from core.types import OpenInvoice, Outcome, Remittance, RemittanceLine
from matching.decide import MatchPolicy, decide_remittance

ACME, OTHER = 1, 2


def invoice(number: str, balance: str, *, customer: int = ACME, no: int = 0) -> OpenInvoice:
    return OpenInvoice(
        invoice_id=no or int("".join(ch for ch in number if ch.isdigit())),
        number=number,
        customer_id=customer,
        customer_number=f"C{customer}",
        balance=Decimal(balance),
        currency="EUR",
        status="open",
        due_date=date(2026, 12, 1),
    )


LEDGER = [
    invoice("INV-20417", "640.25"),
    invoice("INV-20418", "1200.00"),
    invoice("INV-20471", "31200.00"),
    invoice("INV-30001", "99.00", customer=OTHER),
]


def decide(lines, *, total="auto", source="ocr pdf", customer=ACME, policy=None):
    rem_lines = tuple(
        RemittanceLine(
            invoice_ref=ref,
            amount=None if amount is None else Decimal(amount),
            confidence=conf,
        )
        for ref, amount, conf in lines
    )
    if total == "auto":
        total = sum((line.amount or Decimal(0) for line in rem_lines), Decimal("0.00"))
    rem = Remittance(
        lines=rem_lines,
        stated_total=None if total is None else Decimal(total),
        currency="EUR",
        source=source,
    )
    by_key: dict[str, list[OpenInvoice]] = {}
    for inv in LEDGER:
        by_key.setdefault(normalise_ref(inv.number), []).append(inv)
    return decide_remittance(
        rem,
        customer_id=customer,
        invoices_by_key=by_key,
        customer_open=[i for i in LEDGER if i.customer_id == customer],
        policy=policy or MatchPolicy(),
    )


def outcomes(result):
    return [(d.outcome, d.reason) for d in result.lines]


def test_exact_references_paying_whole_balances_that_add_up_apply_alone():
    result = decide([("INV-20417", "640.25", 96.0), ("INV-20418", "1200.00", 91.0)])
    assert [d.outcome for d in result.lines] == [Outcome.AUTO, Outcome.AUTO]


def test_the_same_lines_typed_apply_and_scanned_with_a_near_reference_do_not():
    typed = decide([("INV-2041", "640.25", None)], source="pdf")  # one digit lost
    assert typed.lines[0].outcome is Outcome.AUTO  # a near form confirmed by its amount
    scanned = decide([("INV-2041", "640.25", 95.0)])
    assert scanned.lines[0].outcome is Outcome.REVIEW
    assert "read by OCR: reference INV-2041 is not exactly invoice INV-20417" in (
        scanned.lines[0].reason
    )
    assert scanned.lines[0].candidates[0][0] == "INV-20417"  # the reviewer sees the guess


def test_a_short_pay_read_by_ocr_goes_to_a_person():
    result = decide([("INV-20418", "1100.00", 97.0)])
    assert result.lines[0].outcome is Outcome.REVIEW
    assert "1,100.00 is not the open balance 1,200.00 of invoice INV-20418" in (
        result.lines[0].reason
    )


@pytest.mark.parametrize(
    ("total", "why"),
    [
        (None, "no total is stated to check the lines against"),
        ("1840.52", "the lines add up to 1,840.25, not the stated total 1,840.52"),
    ],
)
def test_lines_read_by_ocr_need_a_stated_total_they_add_up_to(total, why):
    result = decide(
        [("INV-20417", "640.25", 99.0), ("INV-20418", "1200.00", 99.0)],
        total=total,
        policy=MatchPolicy(amount_tolerance=Decimal("1.00")),
    )
    assert [d.outcome for d in result.lines] == [Outcome.REVIEW, Outcome.REVIEW]
    assert all(why in d.reason for d in result.lines)


def test_low_recognition_confidence_goes_to_a_person_and_the_threshold_is_a_setting():
    lines = [("INV-20417", "640.25", 62.0)]
    result = decide(lines)
    assert result.lines[0].outcome is Outcome.REVIEW
    assert "recognition confidence 62 is below 80" in result.lines[0].reason
    relaxed = decide(lines, policy=MatchPolicy(ocr_min_confidence=Decimal("60")))
    assert relaxed.lines[0].outcome is Outcome.AUTO


def test_a_line_without_a_reference_is_never_applied_from_a_scan():
    typed = decide([(None, "1200.00", None)], source="body")
    assert typed.lines[0].outcome is Outcome.AUTO  # one open balance equals it
    scanned = decide([(None, "1200.00", 99.0)])
    assert scanned.lines[0].outcome is Outcome.REVIEW
    assert "never applied alone from a scan" in scanned.lines[0].reason


def test_ocr_lines_of_an_unidentified_sender_never_apply():
    result = decide([("INV-20417", "640.25", 99.0)], customer=None)
    assert result.lines[0].outcome is Outcome.REVIEW


def test_ocr_line_naming_another_customers_invoice_is_not_applied():
    result = decide([("INV-30001", "99.00", 99.0)])
    assert result.lines[0].outcome is Outcome.REVIEW
