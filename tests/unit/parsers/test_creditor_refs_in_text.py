"""ISO 11649 creditor references written by payers (parsers.text_refs.take_creditor_refs): found
compact or in groups of four, in any case, as one reference; the groups that belong to it
settled by the check digits; a mistyped one kept whole but marked invalid; never read as an
amount or as other references."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.creditor_ref import creditor_reference, format_creditor_reference
from parsers.bank.model import BankEntry
from parsers.bank.remittance import remittance_from_entry
from parsers.remittance_text import parse_text_remittance
from parsers.text_refs import find_creditor_refs, find_invoice_refs, take_creditor_refs

ISO_SAMPLE = "RF18539007547034"  # ISO 11649's own example: RF18 5390 0754 7034


@pytest.mark.parametrize(
    "written",
    [
        "RF18 5390 0754 7034",
        "RF18539007547034",
        "rf18 5390 0754 7034",
        "rf18539007547034",
        "Ref: RF18 5390 0754 7034.",
        "Payment reference RF18 5390 0754 7034 1,250.00",
    ],
)
def test_a_creditor_reference_is_found_with_or_without_spaces_in_any_case(written):
    work, found = take_creditor_refs(written)
    assert found == [(ISO_SAMPLE, True)]
    assert "5390" not in work and "7034" not in work  # blanked: never amounts or references
    assert len(work) == len(written)


def test_the_check_digits_say_where_a_printed_reference_ends():
    ref = creditor_reference("INV-2026-000017")
    printed = format_creditor_reference(ref)  # RF50 INV2 0260 0001 7
    assert take_creditor_refs(f"{printed} 1200 EUR")[1] == [(ref, True)]
    remittance = parse_text_remittance(f"Paid {printed}   1,250.00\n")
    assert remittance is not None
    assert [(line.invoice_ref, line.amount) for line in remittance.lines] == [
        (ref, Decimal("1250.00"))
    ]


@pytest.mark.parametrize(
    "written", ["RF19 5390 0754 7034", "RF18 5390 0754 7035", "RF18539007547043"]
)
def test_bad_check_digits_are_refused(written):
    _, found = take_creditor_refs(written)
    assert found == [(written.replace(" ", ""), False)]
    assert find_creditor_refs(written) == ()


def test_a_line_with_a_mistyped_reference_keeps_it_whole():
    # The line still names the mistyped reference (it goes to review: it names no invoice);
    # its groups are not read as invoice numbers
    remittance = parse_text_remittance("RF19 5390 0754 7034 1,250.00\n")
    assert remittance is not None
    assert [line.invoice_ref for line in remittance.lines] == ["RF19539007547034"]


def test_lower_case_rf_with_bad_check_digits_is_ordinary_text():
    assert take_creditor_refs("rf12 widgets at 3.00")[1] == []
    assert take_creditor_refs("RF2026-0042")[1] == []  # an invoice number, not a reference


def test_prose_and_a_bank_credit_name_the_creditor_reference():
    assert find_invoice_refs("Invoice 4711, our ref rf18 5390 0754 7034") == (ISO_SAMPLE,)
    entry = BankEntry(
        amount=Decimal("99.99"),
        currency="EUR",
        value_date=None,
        remittance_text="RF18 5390 0754 7034 ACME GMBH",
    )
    remittance = remittance_from_entry(entry)
    assert remittance is not None
    assert [(line.invoice_ref, line.amount) for line in remittance.lines] == [
        (ISO_SAMPLE, Decimal("99.99"))
    ]


def test_a_csv_remittance_with_creditor_references_in_the_reference_column():
    from parsers.spreadsheet import parse_spreadsheet_remittance

    data = (
        b"Reference;Amount\r\n"
        b"RF18 5390 0754 7034;1.250,00\r\n"
        b"rf37inv4711;99,90\r\n"
        b"Total;1.349,90\r\n"
    )
    remittance = parse_spreadsheet_remittance(data, kind="csv")
    assert remittance is not None
    assert [(line.invoice_ref, line.amount) for line in remittance.lines] == [
        (ISO_SAMPLE, Decimal("1250.00")),
        ("RF37INV4711", Decimal("99.90")),
    ]


def test_a_pdf_remittance_quoting_a_printed_reference():
    import io

    from reportlab.pdfgen.canvas import Canvas

    from parsers.remittance_pdf import parse_pdf_remittance

    buffer = io.BytesIO()
    c = Canvas(buffer, invariant=1)
    text = c.beginText(50, 740)
    text.setFont("Helvetica", 10)
    for row in (
        "REMITTANCE ADVICE",
        "Granite Tools Inc",
        "Your reference                     Amount paid",
        "RF18 5390 0754 7034                   1,250.00",
        "Total                                 1,250.00",
    ):
        text.textLine(row)
    c.drawText(text)
    c.showPage()
    c.save()
    remittance = parse_pdf_remittance(buffer.getvalue())
    assert remittance is not None
    assert [(line.invoice_ref, line.amount) for line in remittance.lines] == [
        (ISO_SAMPLE, Decimal("1250.00"))
    ]


def test_a_hostile_line_of_reference_starts_costs_little():
    import time

    line = " ".join(["RF12 1234 1234 1234 1234 1234"] * 80)[:2000]
    started = time.perf_counter()
    for _ in range(1000):
        take_creditor_refs(line)
    assert time.perf_counter() - started < 3.0  # about 0.5 ms a line: 5,000 lines in seconds
