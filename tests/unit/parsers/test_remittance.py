"""parsers.remittance: which part of a mail the remittance is read from."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

from core.types import Attachment, ParsedEmail
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


def test_non_pdf_attachments_are_left_alone() -> None:
    csv = Attachment(filename="lines.csv", content_type="text/csv", data=b"INV-1,1.00\n")
    extraction = extract_remittance(dataclasses.replace(BLANK, attachments=(csv,)))
    assert extraction.remittance is None
    assert extraction.problems == ()
