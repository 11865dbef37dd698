"""XLSX formulas: read by their cached value, refused naming the cell when they have none."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from core.errors import ImportFileError, UnreadableDocumentError
from parsers.export_table import read_table
from parsers.spreadsheet import parse_spreadsheet_remittance
from parsers.xlsx_formulas import formulas_without_value

HEADER = ["invoice_number", "customer_number", "customer_name", "issue_date", "due_date", "amount"]


def workbook_with_formula(cell: str, formula: str, *, title: str = "Open items") -> bytes:
    """openpyxl writes formulas without cached values (it does not compute)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(HEADER)
    sheet.append(["INV-1", "C-1", "Acme", "2026-01-05", "2026-02-04", 100.5])
    sheet[cell] = formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_cached_value(data: bytes, cell: str, value: str, *, cell_type: str = "") -> bytes:
    """``data`` with the formula in ``cell`` given a cached value, as Excel saves it:
    ``<c r="F2"><f>SUM(A1)</f><v>100.5</v></c>``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            part = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                start = part.index(f'<c r="{cell}"'.encode())
                end = part.index(b"</c>", start) + 4
                formula = part[start:end].split(b"<f>")[1].split(b"</f>")[0]
                kind = f' t="{cell_type}"'.encode() if cell_type else b""
                part = (
                    part[:start]
                    + f'<c r="{cell}"'.encode()
                    + kind
                    + b"><f>"
                    + formula
                    + b"</f><v>"
                    + value.encode()
                    + b"</v></c>"
                    + part[end:]
                )
            dst.writestr(item, part)
    return out.getvalue()


@pytest.mark.parametrize("cell", ["F2", "C2", "A2"])
def test_import_refuses_a_formula_without_value_naming_the_cell_in_any_column(cell):
    data = workbook_with_formula(cell, "=SUM(F3:F9)")
    with pytest.raises(ImportFileError) as refused:
        read_table(data, name="invoices.xlsx")
    assert refused.value.args[0] == (
        "invoices.xlsx: formula without a value: open and save the file in Excel "
        f"(cell 'Open items'!{cell})"
    )


def test_import_reads_a_formula_by_its_cached_value():
    data = with_cached_value(workbook_with_formula("F2", "=SUM(F3:F9)"), "F2", "100.5")
    header, records = read_table(data, name="invoices.xlsx")
    assert header == HEADER
    assert records == [(2, ["INV-1", "C-1", "Acme", "2026-01-05", "2026-02-04", "100.5"])]


def test_a_formula_whose_cached_value_is_an_empty_string_has_a_value():
    data = with_cached_value(
        workbook_with_formula("G2", '=IF(1,"","x")'), "G2", "", cell_type="str"
    )
    assert formulas_without_value(data, max_sheets=1) == []


def test_several_cells_are_counted_and_a_plain_sheet_name_is_not_quoted():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(HEADER)
    for n in range(5):
        sheet.append([f"INV-{n}", "C-1", "Acme", "2026-01-05", "2026-02-04", f"=1+{n}"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ImportFileError, match=r"cells Sheet1!F2, Sheet1!F3, Sheet1!F4 and 2 more"):
        read_table(buffer.getvalue(), name="invoices.xlsx")


def test_remittance_workbook_with_a_formula_without_value_is_unreadable_naming_the_cell():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Avis"
    sheet.append(["Invoice", "Amount"])
    sheet.append(["INV-1001", 100])
    sheet.append(["INV-1002", 50])
    sheet.append(["Total", "=SUM(B2:B3)"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(UnreadableDocumentError, match=r"formula without a value.*Avis!B4"):
        parse_spreadsheet_remittance(buffer.getvalue(), kind="xlsx")
    # Saved by Excel, the total has its value and the remittance reads
    saved = with_cached_value(buffer.getvalue(), "B4", "150")
    remittance = parse_spreadsheet_remittance(saved, kind="xlsx")
    assert remittance is not None
    assert [(line.invoice_ref, line.amount) for line in remittance.lines] == [
        ("INV-1001", Decimal("100.00")),
        ("INV-1002", Decimal("50.00")),
    ]
    assert remittance.stated_total == Decimal("150.00")
