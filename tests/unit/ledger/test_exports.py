"""Export rendering: exact CSV and JSON text for applications and the review queue."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from ledger.exports import (
    applications_to_csv,
    applications_to_json,
    review_to_json,
    review_to_table_rows,
)
from ledger.queries import ApplicationRow, ReviewCandidate, ReviewRow, applications_for_export
from tests.unit.ledger.conftest import NOW

CET = timezone(timedelta(hours=1))


def application(**overrides: Any) -> ApplicationRow:
    values: dict[str, Any] = {
        "message_id": "<a1@acme.example>",
        "invoice_number": "INV-1001",
        "customer_number": "C-001",
        "amount_applied": Decimal("1250.00"),
        "discount": Decimal("0.00"),
        "deduction": Decimal("0.00"),
        "currency": "USD",
        "status": "auto",
        "confidence": Decimal("1.000"),
        "applied_at": NOW,
    }
    values.update(overrides)
    return ApplicationRow(**values)


ROWS = [
    application(),
    application(
        message_id='<odd,"id"@x>',
        invoice_number="INV-7",
        amount_applied=Decimal("0.1"),
        discount=Decimal("25.00"),
        deduction=Decimal("-0.10"),
        status="confirmed",
        confidence=Decimal("0.875"),
        applied_at=datetime(2026, 3, 1, 10, 30, 5, tzinfo=CET),
    ),
]


def test_applications_csv_is_exact():
    assert applications_to_csv(ROWS) == (
        "message_id,invoice_number,customer_number,amount_applied,discount,deduction,"
        "currency,status,confidence,applied_at\n"
        "<a1@acme.example>,INV-1001,C-001,1250.00,0.00,0.00,USD,auto,1.000,"
        "2026-03-01T09:30:00+00:00\n"
        '"<odd,""id""@x>",INV-7,C-001,0.10,25.00,-0.10,USD,confirmed,0.875,'
        "2026-03-01T09:30:05+00:00\n"
    )


def test_applications_csv_of_nothing_is_the_header():
    assert applications_to_csv([]) == (
        "message_id,invoice_number,customer_number,amount_applied,discount,deduction,"
        "currency,status,confidence,applied_at\n"
    )


def test_applications_json_is_exact_with_string_amounts():
    assert (
        applications_to_json(ROWS[:1])
        == """[
  {
    "amount_applied": "1250.00",
    "applied_at": "2026-03-01T09:30:00+00:00",
    "confidence": "1.000",
    "currency": "USD",
    "customer_number": "C-001",
    "deduction": "0.00",
    "discount": "0.00",
    "invoice_number": "INV-1001",
    "message_id": "<a1@acme.example>",
    "status": "auto"
  }
]
"""
    )
    assert json.loads(applications_to_json(ROWS))[1]["amount_applied"] == "0.10"
    assert applications_to_json([]) == "[]\n"


def test_amount_finer_than_its_currency_is_written_exactly_not_rounded():
    (row,) = json.loads(applications_to_json([application(amount_applied=Decimal("0.005"))]))
    assert row["amount_applied"] == "0.005"


@pytest.mark.parametrize(
    ("currency", "amount", "written"),
    [("JPY", "1234567.00", "1234567"), ("KWD", "1250.125", "1250.125"), ("KWD", "2.50", "2.500")],
)
def test_amounts_have_their_currency_minor_units(currency, amount, written):
    row = application(amount_applied=Decimal(amount), currency=currency)
    assert json.loads(applications_to_json([row]))[0]["amount_applied"] == written


def test_a_decimal_comma_locale_writes_csv_as_excel_there_reads_it():
    text = applications_to_csv(ROWS, locale="de_DE")
    header, first, *_ = text.splitlines()
    assert header.startswith("message_id;invoice_number;customer_number;amount_applied")
    assert first.split(";")[3:9] == ["1250,00", "0,00", "0,00", "USD", "auto", "1,000"]
    assert applications_to_csv(ROWS, locale="en_GB") == applications_to_csv(ROWS)


def test_naive_timestamp_is_refused():
    with pytest.raises(ValueError, match="naive"):
        applications_to_json([application(applied_at=datetime(2026, 3, 1))])  # noqa: DTZ001


def test_export_of_ledger_rows_round_trips_through_the_database(ledger):
    # Given an application stored with cents that a float would lose
    acme = ledger.customer("C-001")
    inv = ledger.invoice(acme, "INV-1001")
    line = ledger.remittance_line(ledger.inbound("<r1@acme.example>"), amount="0.30")
    ledger.application(line, inv, amount="0.30", discount="0.10", confidence="0.950")
    # When it is exported
    text = applications_to_csv(applications_for_export(ledger.session))
    # Then the line is exact
    assert text.splitlines()[1] == (
        "<r1@acme.example>,INV-1001,C-001,0.30,0.10,0.00,USD,auto,0.950,2026-03-01T09:30:00+00:00"
    )


REVIEW = [
    ReviewRow(
        id=7,
        kind="short_payment",
        message_id="<m1@acme.example>",
        customer_number="C-001",
        reason="paid 10.00 less than INV-1",
        created_at=NOW,
        candidates=(
            ReviewCandidate("INV-1", Decimal("0.875")),
            ReviewCandidate("INV-2", Decimal("1.000")),
        ),
    ),
    ReviewRow(
        id=9,
        kind="unknown_sender",
        message_id=None,
        customer_number=None,
        reason="sender is no contact",
        candidates=(),
        created_at=NOW,
    ),
]


def test_review_json_has_the_contract_keys_and_numeric_scores():
    assert (
        review_to_json(REVIEW[:1])
        == """[
  {
    "candidates": [
      {
        "invoice_number": "INV-1",
        "score": 0.875
      },
      {
        "invoice_number": "INV-2",
        "score": 1.0
      }
    ],
    "created_at": "2026-03-01T09:30:00+00:00",
    "customer_number": "C-001",
    "id": 7,
    "kind": "short_payment",
    "message_id": "<m1@acme.example>",
    "reason": "paid 10.00 less than INV-1"
  }
]
"""
    )
    second = json.loads(review_to_json(REVIEW))[1]
    assert second["message_id"] is None
    assert second["customer_number"] is None
    assert second["candidates"] == []


def test_review_table_rows_are_strings():
    assert review_to_table_rows(REVIEW) == [
        (
            "7",
            "short_payment",
            "<m1@acme.example>",
            "C-001",
            "paid 10.00 less than INV-1",
            "INV-1 (0.875), INV-2 (1.000)",
            "2026-03-01 09:30 UTC",
        ),
        ("9", "unknown_sender", "", "", "sender is no contact", "", "2026-03-01 09:30 UTC"),
    ]
