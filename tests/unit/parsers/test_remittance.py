"""parsers.remittance: which part of a mail the remittance is read from."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from pathlib import Path

from core.types import Attachment, ParsedEmail, PaymentMethod
from parsers.html_text import html_to_text
from parsers.remittance import extract_remittance

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"
RULED = (FIXTURES / "remittances" / "cobalt_ruled_table.pdf").read_bytes()
ENCRYPTED = (FIXTURES / "remittances" / "elmwood_encrypted.pdf").read_bytes()

BLANK = ParsedEmail(
    message_id="<m@x.example>",
    subject="advice",
    from_address="ap@acme-mfg.example",
    from_name="",
    reply_to=None,
    return_path=None,
    date=None,
    headers=(),
    text="",
    html_text="",
    attachments=(),
    content_type="text/plain",
)


def _pdf(data: bytes, name: str | None = "advice.pdf") -> Attachment:
    return Attachment(filename=name, content_type="application/pdf", data=data)


def test_pdf_remittance_wins_over_the_body() -> None:
    parsed = dataclasses.replace(BLANK, text="INV-9999 10.00", attachments=(_pdf(RULED),))
    extraction = extract_remittance(parsed)
    assert extraction.remittance is not None
    assert extraction.remittance.source == "pdf"
    assert len(extraction.remittance.lines) == 3
    assert extraction.problems == ()


def test_body_text_is_read_when_there_is_no_pdf() -> None:
    parsed = dataclasses.replace(BLANK, text="INV-1001 1,250.00", html_text="INV-2002 | 5.00")
    extraction = extract_remittance(parsed)
    assert extraction.remittance is not None
    assert extraction.remittance.source == "body"
    assert extraction.remittance.lines[0].amount == Decimal("1250.00")


def test_html_text_is_read_when_the_text_body_has_no_lines() -> None:
    parsed = dataclasses.replace(BLANK, text="see below", html_text="INV-2002 | 5.00")
    extraction = extract_remittance(parsed)
    assert extraction.remittance is not None
    assert extraction.remittance.source == "html"
    assert extraction.remittance.lines[0].invoice_ref == "INV-2002"


def test_unreadable_pdf_is_a_problem_and_the_body_is_still_read() -> None:
    parsed = dataclasses.replace(
        BLANK,
        text="We paid INV-1001 1,250.00",
        attachments=(_pdf(ENCRYPTED, "secret.pdf"), _pdf(b"", None)),
    )
    extraction = extract_remittance(parsed)
    assert extraction.problems == ("secret.pdf: needs password", "attachment 2: empty file")
    assert extraction.remittance is not None
    assert extraction.remittance.source == "body"


def test_file_named_pdf_that_is_not_one_is_reported() -> None:
    fake = Attachment(
        filename="Invoice.PDF",
        content_type="application/octet-stream",
        data=b"MZ\x90\x00 not a pdf",
    )
    extraction = extract_remittance(dataclasses.replace(BLANK, attachments=(fake,)))
    assert extraction == type(extraction)(remittance=None, problems=("Invoice.PDF: not a PDF",))


def test_csv_without_a_remittance_table_is_left_alone() -> None:
    csv = Attachment(filename="lines.csv", content_type="text/csv", data=b"Name,City\nAnn,Oslo\n")
    extraction = extract_remittance(dataclasses.replace(BLANK, attachments=(csv,)))
    assert extraction.remittance is None
    assert extraction.problems == ()


def test_csv_attachment_wins_over_the_body_and_the_body_gives_the_payment_facts() -> None:
    # Given a mail whose body names the payment and whose CSV attachment lists the invoices
    csv = Attachment(
        filename="remittance.csv",
        content_type="application/octet-stream",
        data=b"Invoice No;Amount paid\r\nINV-1001;1.250,00\r\nINV-1002;99,00\r\n",
    )
    parsed = dataclasses.replace(
        BLANK,
        subject="Remittance advice",
        from_name="Jane Doe",
        text="Hi, we paid INV-9999 10.00\nPaid by ACH, payment ref: ACH-778812, EUR.\n"
        "Payment date: 03.11.2026\nAcme Manufacturing GmbH",
        attachments=(csv,),
    )
    # When the remittance is extracted
    extraction = extract_remittance(parsed)
    # Then the lines are the spreadsheet's, and the facts it lacks come from the body
    remittance = extraction.remittance
    assert remittance is not None
    assert remittance.source == "csv"
    assert [(ln.invoice_ref, ln.amount) for ln in remittance.lines] == [
        ("INV-1001", Decimal("1250.00")),
        ("INV-1002", Decimal("99.00")),
    ]
    assert remittance.payment_method is PaymentMethod.ACH
    assert remittance.payment_ref == "ACH-778812"
    assert remittance.payment_date == date(2026, 11, 3)
    assert remittance.payer_name == "Acme Manufacturing GmbH"
    assert remittance.currency == "EUR"


def test_damaged_xlsx_is_a_problem_and_the_body_is_still_read() -> None:
    xlsx = Attachment(
        filename="advice.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        data=b"PK\x03\x04 truncated",
    )
    parsed = dataclasses.replace(BLANK, text="We paid INV-1001 1,250.00", attachments=(xlsx,))
    extraction = extract_remittance(parsed)
    assert extraction.problems == ("advice.xlsx: not an XLSX file (no zip archive)",)
    assert extraction.remittance is not None
    assert extraction.remittance.source == "body"


def test_html_body_with_nested_tables_is_read_from_the_inner_table() -> None:
    # Given an AP-portal notification: a layout table around the data table
    html = """<table><tr><td><b>Payment notification</b></td></tr>
    <tr><td><table>
      <thead><tr><th>Invoice</th><th>Invoice date</th><th>Gross</th><th>Discount</th>
      <th>Paid</th></tr></thead>
      <tbody><tr><td>INV-10023</td><td>11/03/2026</td><td>$1,250.00</td><td>$25.00</td>
      <td>$1,225.00</td></tr>
      <tr><td colspan=4>Total</td><td>$1,225.00</td></tr></tbody>
    </table></td></tr>
    <tr><td>Payment method: ACH | Payer: Northwind Traders Inc.</td></tr></table>"""
    parsed = dataclasses.replace(BLANK, text="see HTML", html_text=html_to_text(html))
    # When the remittance is extracted
    remittance = extract_remittance(parsed).remittance
    # Then the data table gives the line, the total, and the layout text the payment facts
    assert remittance is not None
    assert remittance.source == "html"
    line = remittance.lines[0]
    assert (line.invoice_ref, line.gross, line.discount, line.amount) == (
        "INV-10023",
        Decimal("1250.00"),
        Decimal("25.00"),
        Decimal("1225.00"),
    )
    assert remittance.stated_total == Decimal("1225.00")
    assert remittance.payment_method is PaymentMethod.ACH
    assert remittance.currency == "USD"
