"""Text from strangers in CSV and XLSX exports and reports is never a formula (OWASP "CSV
injection") and never crashes the XLSX writer with a control character; amounts stay numbers."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from ledger.erp import payment_applications, to_quickbooks_csv, to_sap_lockbox_csv
from ledger.exports import applications_to_csv
from ledger.reports.aging import AgingReport, AgingRow, total_rows
from ledger.reports.render import to_csv, to_xlsx
from ledger.reports.tables import aging_document
from ledger.sheet_cells import csv_cell
from tests.unit.ledger.report_ledger import Book, at
from tests.unit.ledger.test_exports import application

D = Decimal
LINK = '=HYPERLINK("http://evil.example/x","Click")'
CMD = "=cmd|'/C calc'!A0"
CONTROL = "Ctl\x01\x1b[31mRed\x07"


@pytest.mark.parametrize("text", [LINK, CMD, "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_text_a_spreadsheet_reads_as_a_formula_gets_a_leading_quote(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["-12.50", "-1.250,00", "+3", "Acme", "", 5, None, D("-1")])
def test_numbers_and_plain_text_are_unchanged(value):
    assert csv_cell(value) == value


def test_generic_applications_csv_quotes_a_formula_and_keeps_negative_amounts():
    rows = [application(message_id=LINK, invoice_number=CMD, deduction=D("-0.10"))]
    (record,) = csv.DictReader(io.StringIO(applications_to_csv(rows)))
    assert record["message_id"] == "'" + LINK
    assert record["invoice_number"] == "'" + CMD
    assert record["deduction"] == "-0.10"


def test_erp_layouts_quote_a_formula_payer_name_and_keep_negative_amounts(sessions):
    with sessions() as session:
        book = Book(session)
        book.customer("C1", LINK)
        book.invoice("CM-1", "C1", issued=date(2026, 1, 2), due=date(2026, 2, 1), amount="-100.00")
        book.invoice("INV-1", "C1", issued=date(2026, 1, 2), due=date(2026, 2, 1), amount="300.00")
        when = at(date(2026, 1, 10))
        line = book.line(when=when, amount="200.00")
        book.pay("INV-1", "300.00", when=when, line_id=line)
        book.pay("CM-1", "-100.00", when=when, line_id=line)
        session.flush()
        rows = payment_applications(session)
    quickbooks = list(csv.DictReader(io.StringIO(to_quickbooks_csv(rows))))
    assert {r["Customer"] for r in quickbooks} == {"'" + LINK}
    assert sorted(r["Payment"] for r in quickbooks) == ["-100.00", "300.00"]
    sap = list(csv.DictReader(io.StringIO(to_sap_lockbox_csv(rows))))
    assert {r["payer_name"] for r in sap} == {"'" + LINK}
    assert sorted(r["amount_paid"] for r in sap) == ["-100.00", "300.00"]


def _aging(name: str) -> AgingReport:
    z = D("0.00")
    rows = (AgingRow("C1", name, "USD", (D("10.00"), z, z, z, z), D("-5.00"), z),)
    return AgingReport(as_of=date(2026, 3, 1), rows=rows, totals=total_rows(rows))


def test_aging_csv_quotes_a_formula_customer_name_and_keeps_negative_credits():
    rows = list(csv.DictReader(io.StringIO(to_csv(aging_document(_aging(CMD))))))
    assert rows[0]["customer_name"] == "'" + CMD
    assert rows[0]["credits"] == "-5.00"


def test_aging_xlsx_writes_a_formula_customer_name_as_a_string_and_numbers_as_numbers(tmp_path):
    path = tmp_path / "aging.xlsx"
    path.write_bytes(to_xlsx(aging_document(_aging(LINK))))
    sheet = openpyxl.load_workbook(path)["aging"]
    header = [c.value for c in sheet[1]]
    name = sheet.cell(2, header.index("customer_name") + 1)
    assert (name.value, name.data_type) == (LINK, "s")
    credits = sheet.cell(2, header.index("credits") + 1)
    assert credits.data_type == "n" and D(str(credits.value)) == D("-5.00")


def test_aging_xlsx_drops_the_control_characters_xlsx_cannot_hold(tmp_path):
    path = tmp_path / "aging.xlsx"
    path.write_bytes(to_xlsx(aging_document(_aging(CONTROL))))
    sheet = openpyxl.load_workbook(path)["aging"]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("customer_name") + 1).value == "Ctl[31mRed"
