"""parsers.spreadsheet: CSV and XLSX attachments, read exactly and within bounds."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import UnreadableDocumentError
from core.types import Attachment
from parsers.spreadsheet import (
    parse_spreadsheet_remittance,
    read_csv_rows,
    read_xlsx_rows,
    spreadsheet_kind,
)

GERMAN_CSV = (
    "Zahlungsavis\r\nMuster GmbH\r\n\r\n"
    "Rechnungsnr.;Datum;Betrag;Skonto;Zahlbetrag\r\n"
    "RE-4711;03.11.2026;1.250,00;25,00;1.225,00\r\n"
    "RE-4712;03.11.2026;99,90;;99,90\r\n"
    "Summe;;;;1.324,90\r\n"
)


def _xlsx(rows: list[list[object]], formats: dict[tuple[int, int], str] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for (row_no, col_no), number_format in (formats or {}).items():
        sheet.cell(row=row_no, column=col_no).number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_semicolon_csv_with_junk_rows_above_the_header_is_read_in_any_encoding(
    encoding: str,
) -> None:
    # Given a German CSV export with a title block, in one of the usual encodings
    data = GERMAN_CSV.replace("Muster", "Müller").encode(encoding)
    # When it is read as a remittance
    remittance = parse_spreadsheet_remittance(data, kind="csv")
    # Then the table below the title block gives the lines and the total
    assert remittance is not None
    assert [(ln.invoice_ref, ln.amount, ln.discount) for ln in remittance.lines] == [
        ("RE-4711", Decimal("1225.00"), Decimal("25.00")),
        ("RE-4712", Decimal("99.90"), None),
    ]
    assert remittance.stated_total == Decimal("1324.90")
    assert remittance.payer_name == "Müller GmbH"
    assert remittance.source == "csv"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_delimiter_is_sniffed(delimiter: str) -> None:
    text = "\n".join(delimiter.join(row) for row in [["Invoice", "Paid"], ["INV-1", "12.50"]])
    assert read_csv_rows(text.encode()) == [["Invoice", "Paid"], ["INV-1", "12.50"]]


def test_comma_csv_with_quoted_us_amounts() -> None:
    data = b'Invoice No,Amount\r\nINV-10023,"1,250.00"\r\nINV-10024,"(100.00)"\r\n'
    remittance = parse_spreadsheet_remittance(data, kind="csv")
    assert remittance is not None
    assert [ln.amount for ln in remittance.lines] == [Decimal("1250.00"), Decimal("-100.00")]


def test_xlsx_numbers_and_dates_are_read_exactly() -> None:
    # Given a workbook with a title block, a number-typed invoice number, float amounts,
    # a euro-formatted cell and date cells
    data = _xlsx(
        [
            ["Payment advice"],
            ["Payer: Contoso Ltd"],
            ["Payment date", date(2026, 11, 3)],
            [],
            ["Invoice", "Invoice date", "Amount", "Paid"],
            [10023, date(2026, 10, 1), 1250.5, 1250.5],
            ["INV-10024", date(2026, 10, 2), 99, 99],
            ["Total", None, None, 1349.5],
        ],
        formats={(7, 4): "#,##0.00 [$€-407]"},
    )
    # When it is read
    rows = read_xlsx_rows(data)[0]
    remittance = parse_spreadsheet_remittance(data, kind="xlsx")
    # Then numbers keep their value, integral ones read as written, dates as ISO dates
    assert rows[5] == ["10023", "2026-10-01", "1250.5", "1250.5"]
    assert rows[6] == ["INV-10024", "2026-10-02", "99", "99.00 €"]
    assert remittance is not None
    assert [(ln.invoice_ref, ln.amount) for ln in remittance.lines] == [
        ("10023", Decimal("1250.50")),
        ("INV-10024", Decimal("99.00")),
    ]
    assert remittance.stated_total == Decimal("1349.50")
    assert (remittance.payer_name, remittance.payment_date) == ("Contoso Ltd", date(2026, 11, 3))
    assert remittance.currency == "EUR"


def test_xlsx_float_that_is_not_a_whole_cent_is_never_rounded() -> None:
    data = _xlsx([["Invoice", "Paid"], ["INV-1", 10.005], ["INV-2", 3.5], ["INV-3", 1.0051]])
    rows = read_xlsx_rows(data)[0]
    remittance = parse_spreadsheet_remittance(data, kind="xlsx")
    assert rows[1] == ["INV-1", "10.005"]
    assert remittance is not None
    # 10.005 is read exactly (KWD has three decimals; a USD line of it goes to review), a
    # fourth decimal is no amount arbox keeps
    assert [(ln.invoice_ref, str(ln.amount)) for ln in remittance.lines] == [
        ("INV-1", "10.005"),
        ("INV-2", "3.50"),
    ]


def test_zip_bomb_xlsx_is_refused_before_it_is_unpacked() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (100 * 1024 * 1024))
    started = time.monotonic()
    with pytest.raises(UnreadableDocumentError, match="expands to"):
        read_xlsx_rows(buffer.getvalue())
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04garbage", b"not a zip", _xlsx([["a", 1]])[:300]],
    # Names, not the bytes: a zip entry carries the time it was written, and each process of
    # a parallel run (pytest-xdist) must collect the same test ids.
    ids=["zip-magic-then-garbage", "not-a-zip", "xlsx-cut-at-300-bytes"],
)
def test_damaged_xlsx_is_unreadable_with_a_reason(data: bytes) -> None:
    with pytest.raises(UnreadableDocumentError) as caught:
        read_xlsx_rows(data)
    assert caught.value.reason


def test_a_sheet_longer_than_the_row_limit_is_refused_not_cut() -> None:
    # Rows past the limit would be in no line and no review item: the file goes to a person
    data = ("Invoice,Paid\n" + "".join(f"INV-{n},1.00\n" for n in range(30_000))).encode()
    with pytest.raises(UnreadableDocumentError, match="more than 10,000 rows"):
        read_csv_rows(data, max_rows=10_000)
    exactly = ("Invoice,Paid\n" + "".join(f"INV-{n},1.00\n" for n in range(9_999))).encode()
    assert len(read_csv_rows(exactly, max_rows=10_000)) == 10_000
    book = _xlsx([["Invoice", "Paid"]] + [[f"INV-{n}", 1.0] for n in range(30)])
    with pytest.raises(UnreadableDocumentError, match="more than 20 rows"):
        read_xlsx_rows(book, max_rows=20)
    assert len(read_xlsx_rows(book, max_rows=31)[0]) == 31


def test_binary_file_named_csv_is_unreadable() -> None:
    with pytest.raises(UnreadableDocumentError, match="not a text file"):
        read_csv_rows(b"\x00\x01\x02INV")


@pytest.mark.parametrize(
    ("filename", "content_type", "data", "kind"),
    [
        ("advice.csv", "application/octet-stream", b"a,b", "csv"),
        (None, "text/csv", b"a,b", "csv"),
        ("advice.xlsx", "application/octet-stream", b"PK\x03\x04", "xlsx"),
        ("advice.xls", "application/vnd.ms-excel", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xls"),
        ("export.xls", "application/vnd.ms-excel", b"Invoice;Paid", "csv"),
        ("advice.pdf", "application/pdf", b"%PDF-1.4", None),
    ],
)
def test_spreadsheet_kind_by_content_type_and_name(
    filename: str | None, content_type: str, data: bytes, kind: str | None
) -> None:
    assert spreadsheet_kind(Attachment(filename, content_type, data)) == kind


def test_legacy_xls_is_unreadable_with_a_reason() -> None:
    with pytest.raises(UnreadableDocumentError, match="XLS"):
        parse_spreadsheet_remittance(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", kind="xls")


@given(st.binary(max_size=300))
def test_any_bytes_read_as_csv_give_rows_or_an_unreadable_document(data: bytes) -> None:
    try:
        rows = read_csv_rows(data)
    except UnreadableDocumentError:
        return
    assert all(isinstance(cell, str) for row in rows for cell in row)


@given(st.binary(max_size=300).map(lambda tail: b"PK\x03\x04" + tail))
def test_any_zip_like_bytes_read_as_xlsx_give_rows_or_an_unreadable_document(
    data: bytes,
) -> None:
    try:
        read_xlsx_rows(data)
    except UnreadableDocumentError:
        return


@pytest.mark.parametrize(
    ("member", "payload"),
    [
        ("xl/worksheets/sheet1.xml", b'<worksheet><sheetData><row><c r="A1"><v>1'),
        ("xl/workbook.xml", b"garbage"),
        ("[Content_Types].xml", b"<x/>"),
    ],
)
def test_xlsx_with_a_damaged_part_is_unreadable(member: str, payload: bytes) -> None:
    # Given a valid workbook with one of its parts replaced by broken XML
    source = zipfile.ZipFile(io.BytesIO(_xlsx([["Invoice", "Paid"], ["INV-1", 1.5]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            data = payload if info.filename == member else source.read(info.filename)
            archive.writestr(info.filename, data)
    # When it is read, then it is an unreadable document with a reason
    with pytest.raises(UnreadableDocumentError, match="damaged XLSX"):
        read_xlsx_rows(buffer.getvalue())


def test_title_lines_above_a_one_row_table_hide_neither_its_delimiter_nor_its_header() -> None:
    # Given an export with two title lines, a ';' table of one row and a quoted German amount
    data = (
        b"Created 2026-08-27\r\nAdams Supplies GmbH\r\n"
        b'Rechnungsnr.;Invoice date;Amount\r\nINV-369513;2026-08-02;"21.622,06"\r\n'
    )
    remittance = parse_spreadsheet_remittance(data, kind="csv")
    assert remittance is not None
    assert [(line.invoice_ref, line.amount) for line in remittance.lines] == [
        ("INV-369513", Decimal("21622.06"))
    ]
    # and a ',' one with a dated title line and an OCR-damaged reference
    data = (
        b"Created 2026-11-08\nRechnungsnr.,Invoice date,Paid amount\n3l6940,2026-07-25,10932.85\n"
    )
    remittance = parse_spreadsheet_remittance(data, kind="csv")
    assert remittance is not None
    assert [(line.invoice_ref, line.amount) for line in remittance.lines] == [
        ("3l6940", Decimal("10932.85"))
    ]
