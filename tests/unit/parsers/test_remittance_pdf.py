"""parsers.remittance_pdf: golden remittance PDFs and the reasons a PDF cannot be read."""

from __future__ import annotations

import io
import json
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from core.errors import UnreadableDocumentError
from parsers.remittance_pdf import parse_pdf_remittance

REMITTANCES = Path(__file__).resolve().parents[3] / "fixtures" / "remittances"
GOLDEN_PDFS = sorted(REMITTANCES.glob("*.pdf"))


def _pdf(pages: list[list[str]], *, draw_only: bool = False) -> bytes:
    """A small PDF with one text line per entry (or, with ``draw_only``, just a box)."""
    buffer = io.BytesIO()
    c = Canvas(buffer, invariant=1)
    for lines in pages:
        if draw_only:
            c.rect(100, 100, 200, 200, fill=1)
        for no, line in enumerate(lines):
            c.drawString(72, 720 - 16 * no, line)
        c.showPage()
    c.save()
    return buffer.getvalue()


def test_golden_fixtures_exist() -> None:
    assert len(GOLDEN_PDFS) >= 4


@pytest.mark.parametrize("path", GOLDEN_PDFS, ids=lambda p: p.name)
def test_remittance_pdf_matches_its_golden_json(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    if "error" in expected:
        with pytest.raises(UnreadableDocumentError) as caught:
            parse_pdf_remittance(path.read_bytes(), filename=path.name)
        assert caught.value.reason == expected["error"]
        assert caught.value.filename == path.name
        return
    remittance = parse_pdf_remittance(path.read_bytes(), filename=path.name)
    assert remittance is not None
    got = {
        "lines": [
            {"amount": str(line.amount), "invoice_ref": line.invoice_ref}
            for line in remittance.lines
        ],
        "stated_total": None if remittance.stated_total is None else str(remittance.stated_total),
    }
    assert got == expected
    assert remittance.source == "pdf"
    assert remittance.lines_total == Decimal(expected["stated_total"])


def test_ruled_table_pdf_reads_the_payment_reference() -> None:
    remittance = parse_pdf_remittance((REMITTANCES / "cobalt_ruled_table.pdf").read_bytes())
    assert remittance is not None
    assert remittance.payment_ref == "CR-2026-0302"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"  \r\n\t ", "empty file"),
        (b"PK\x03\x04 this is a zip", "not a PDF"),
        (b"<html>" + b" " * 2000 + b"%PDF-1.4 after the first kilobyte", "not a PDF"),
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n%%EOF", "malformed PDF"),
        (b"%PDF-1.7\n" + bytes(range(256)) * 8, "malformed PDF"),
    ],
    ids=["empty", "whitespace", "zip", "late-header", "no-pages", "garbage"],
)
def test_unreadable_pdf_raises_with_the_exact_reason(data: bytes, reason: str) -> None:
    with pytest.raises(UnreadableDocumentError) as caught:
        parse_pdf_remittance(data, filename="advice.pdf")
    assert caught.value.reason == reason
    assert "advice.pdf" in str(caught.value)


def test_truncated_golden_pdf_is_malformed_or_unreadable() -> None:
    data = (REMITTANCES / "cobalt_ruled_table.pdf").read_bytes()
    with pytest.raises(UnreadableDocumentError) as caught:
        parse_pdf_remittance(data[: len(data) // 3])
    assert caught.value.reason in ("malformed PDF", "no text layer, scan?")


def test_pdf_with_pages_but_no_text_is_a_scan() -> None:
    with pytest.raises(UnreadableDocumentError) as caught:
        parse_pdf_remittance(_pdf([[], []], draw_only=True))
    assert caught.value.reason == "no text layer, scan?"


def test_encrypted_pdf_needs_a_password() -> None:
    with pytest.raises(UnreadableDocumentError) as caught:
        parse_pdf_remittance((REMITTANCES / "elmwood_encrypted.pdf").read_bytes())
    assert caught.value.reason == "needs password"


def test_pdf_with_text_but_no_remittance_lines_gives_none() -> None:
    assert parse_pdf_remittance(_pdf([["Dear customer,", "thank you for your order."]])) is None


def test_pages_beyond_the_cap_are_ignored() -> None:
    data = _pdf([["INV-1001 100.00"], ["INV-1002 200.00"], ["INV-1003 300.00"]])
    remittance = parse_pdf_remittance(data, max_pages=2)
    assert remittance is not None
    assert [line.invoice_ref for line in remittance.lines] == ["INV-1001", "INV-1002"]


def test_text_layout_without_table_is_read_line_by_line() -> None:
    data = _pdf(
        [
            [
                "Invoice     Date          Amount",
                "INV-1001    2026-01-05    1,250.00",
                "Total                     1,250.00",
            ]
        ]
    )
    remittance = parse_pdf_remittance(data)
    assert remittance is not None
    assert [(ln.invoice_ref, ln.amount) for ln in remittance.lines] == [
        ("INV-1001", Decimal("1250.00"))
    ]
    assert remittance.stated_total == Decimal("1250.00")


def test_parallel_calls_from_threads_are_serialised_and_agree() -> None:
    data = (REMITTANCES / "elmwood_multipage.pdf").read_bytes()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: parse_pdf_remittance(data), range(8)))
    assert all(r == results[0] for r in results)
