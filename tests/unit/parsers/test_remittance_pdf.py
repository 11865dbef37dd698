"""parsers.remittance_pdf: golden remittance PDFs and the reasons a PDF cannot be read."""

from __future__ import annotations

import io
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.pdfgen.canvas import Canvas

import parsers.pdf_fast as pdf_fast
from core.errors import UnreadableDocumentError
from core.types import Attachment, ParsedEmail, PdfReader, RemittanceLine
from parsers.pdf_columns import read_columns
from parsers.pdf_text import PageText, Word
from parsers.remittance import extract_remittance
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
    assert len(GOLDEN_PDFS) >= 7


def _as_golden(value: object) -> object:
    """A parsed value as the golden files write it: amounts and dates as strings."""
    if isinstance(value, Decimal | date):
        return value.isoformat() if isinstance(value, date) else str(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _line_as_golden(line: RemittanceLine, keys: set[str]) -> dict[str, object]:
    return {key: _as_golden(getattr(line, key)) for key in keys}


@pytest.mark.parametrize("path", GOLDEN_PDFS, ids=lambda p: p.name)
def test_remittance_pdf_matches_its_golden_json(path: Path) -> None:
    # Given a generated PDF and the golden file written from the data it was drawn from
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    if "error" in expected:
        with pytest.raises(UnreadableDocumentError) as caught:
            parse_pdf_remittance(path.read_bytes(), filename=path.name)
        assert caught.value.reason == expected["error"]
        assert caught.value.filename == path.name
        return
    # When it is parsed
    remittance = parse_pdf_remittance(path.read_bytes(), filename=path.name)
    # Then every field the golden file states is read, line by line and for the payment
    assert remittance is not None
    got: dict[str, object] = {
        "lines": [
            _line_as_golden(line, set(want))
            for line, want in zip(remittance.lines, expected["lines"], strict=False)
        ],
        "stated_total": _as_golden(remittance.stated_total),
    }
    if len(remittance.lines) != len(expected["lines"]):
        got["lines"] = [_line_as_golden(ln, {"invoice_ref", "amount"}) for ln in remittance.lines]
    if "payment" in expected:
        got["payment"] = {k: _as_golden(getattr(remittance, k)) for k in expected["payment"]}
    assert got == expected
    assert remittance.source == "pdf"
    if not remittance.has_unstated_amounts:
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


Cell = tuple[float, str]  # x anchor and text; a text starting with ">" is right-aligned


def _table_pdf(pages: list[list[list[Cell]]], *, boxes: bool = False) -> bytes:
    """A PDF in Helvetica 9 with one row of positioned cells per entry and, with ``boxes``,
    a ruled frame around the letterhead (ruling lines, but no table of lines)."""
    buffer = io.BytesIO()
    c = Canvas(buffer, invariant=1)
    for rows in pages:
        c.setFont("Helvetica", 9)
        if boxes:
            c.grid([60, 200, 300], [780, 760, 740])
            c.drawString(66, 766, "Vendor 778")
        for no, row in enumerate(rows):
            y = 720 - 14 * no
            for x, text in row:
                if text.startswith(">"):
                    c.drawRightString(x, y, text[1:])
                else:
                    c.drawString(x, y, text)
        c.showPage()
    c.save()
    return buffer.getvalue()


def _row(*cells: str) -> list[Cell]:
    """Cells at fixed columns: 60 (left), 160 (left), 330, 420 and 510 (right-aligned)."""
    xs = (60.0, 160.0, 330.0, 420.0, 510.0)
    return [(x, f">{t}" if x > 300 and t else t) for x, t in zip(xs, cells, strict=False) if t]


def test_multipage_advice_skips_continued_subtotal_and_forward_lines() -> None:
    # Given two pages: the header repeats, page 1 ends in "Continued" and a subtotal,
    # page 2 starts with "Brought forward"; the grand total is on the last page
    header = _row("Invoice No.", "Date", "Amount")
    page1 = [
        header,
        _row("INV-3001", "2026-02-01", "100.00"),
        _row("INV-3002", "2026-02-02", "200.00"),
        _row("Subtotal", "", "300.00"),
        _row("Continued on page 2 - 300.00"),
    ]
    page2 = [
        _row("Brought forward", "", "300.00"),
        header,
        _row("INV-3003", "2026-02-03", "50.00"),
        _row("Total", "", "350.00"),
    ]
    # When it is parsed
    remittance = parse_pdf_remittance(_table_pdf([page1, page2]))
    # Then only the three invoices are lines and the stated total is the grand total
    assert remittance is not None
    assert [(ln.invoice_ref, ln.amount) for ln in remittance.lines] == [
        ("INV-3001", Decimal("100.00")),
        ("INV-3002", Decimal("200.00")),
        ("INV-3003", Decimal("50.00")),
    ]
    assert remittance.stated_total == Decimal("350.00")


def test_payer_document_column_named_our_document_is_not_taken_for_the_invoice() -> None:
    # Given English SAP headers with the payer's document first and ours second
    rows = [
        _row("Our document", "Your reference", "Gross", "Discount", "Amount paid"),
        _row("1900000123", "88123", "1,000.00", "20.00", "980.00"),
    ]
    remittance = parse_pdf_remittance(_table_pdf([rows]))
    assert remittance is not None
    line = remittance.lines[0]
    assert (line.invoice_ref, line.alt_refs) == ("88123", ())
    assert (line.gross, line.discount, line.amount) == (
        Decimal("1000.00"),
        Decimal("20.00"),
        Decimal("980.00"),
    )


def test_two_unnamed_reference_columns_keep_the_second_as_an_alternative() -> None:
    # Given two reference columns whose headers do not say whose number each is, both bare
    rows = [
        _row("Reference", "Document", "Amount"),
        _row("4500012345", "90017", "100.00"),
    ]
    remittance = parse_pdf_remittance(_table_pdf([rows]))
    # Then the first is the reference and matching may try the second
    assert remittance is not None
    assert [(ln.invoice_ref, ln.alt_refs) for ln in remittance.lines] == [
        ("4500012345", ("90017",))
    ]


def test_reference_column_with_document_prefixes_beats_one_of_bare_numbers() -> None:
    rows = [
        _row("Document", "Reference", "Amount"),
        _row("5100001234", "INV-1001", "100.00"),
        _row("5100001235", "INV-1002", "1.250,00"),
    ]
    remittance = parse_pdf_remittance(_table_pdf([rows]))
    assert remittance is not None
    # (both headers may name our number: the other column stays an alternative)
    assert [(ln.invoice_ref, ln.alt_refs, ln.amount) for ln in remittance.lines] == [
        ("INV-1001", ("5100001234",), Decimal("100.00")),
        ("INV-1002", ("5100001235",), Decimal("1250.00")),
    ]


def test_credit_memo_with_trailing_cr_is_negative() -> None:
    rows = [
        _row("Invoice", "Date", "Net amount"),
        _row("INV-5001", "31.12.2026", "1,234.56"),
        _row("CM-5002", "31.12.2026", "234.56 CR"),
    ]
    remittance = parse_pdf_remittance(_table_pdf([rows]))
    assert remittance is not None
    assert [ln.amount for ln in remittance.lines] == [Decimal("1234.56"), Decimal("-234.56")]
    assert remittance.lines[1].is_credit


def test_unruled_table_is_read_on_a_page_whose_only_rules_frame_the_letterhead() -> None:
    # Given a ruled frame (no remittance lines in it) and an unruled table below
    rows = [_row("Invoice", "Date", "Amount"), _row("INV-6001", "2026-02-01", "75.00")]
    remittance = parse_pdf_remittance(_table_pdf([rows], boxes=True))
    assert remittance is not None
    assert [(ln.invoice_ref, ln.amount) for ln in remittance.lines] == [
        ("INV-6001", Decimal("75.00"))
    ]


def test_table_finding_runs_only_on_pages_with_ruling_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given table finding that fails if it is ever called, in pdfplumber and in the PDFium
    # source's lattice
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("tables looked for on a page without ruling lines")

    monkeypatch.setattr(pdfplumber.page.Page, "find_tables", refuse)
    monkeypatch.setattr(pdf_fast, "ruled_tables", refuse)
    # When PDFs without vertical rules are parsed (Courier columns; horizontal rules only)
    for name in ("dunmore_unruled_courier.pdf", "elmwood_multipage.pdf"):
        for reader in PdfReader:
            remittance = parse_pdf_remittance((REMITTANCES / name).read_bytes(), reader=reader)
            # Then they are read from their words alone
            assert remittance is not None and remittance.lines, (name, reader)


def test_narrative_letter_with_several_amounts_states_no_total() -> None:
    # Given prose naming invoices and two different amounts, neither after a paying verb
    data = _pdf(
        [
            [
                "We paid invoices 4711, 4712 and 4720; the credit limit is 10,000.00",
                "and the overdue interest of 12.50 is disputed.",
            ]
        ]
    )
    remittance = parse_pdf_remittance(data)
    assert remittance is not None
    assert [(ln.invoice_ref, ln.amount) for ln in remittance.lines] == [
        ("4711", None),
        ("4712", None),
        ("4720", None),
    ]
    assert remittance.stated_total is None


class _FakeSource:
    """A text source that serves fixed words, as a faster PDF library would."""

    def __init__(self, pages: list[PageText]) -> None:
        self.pages = pages

    def read_pages(self, data: bytes, *, filename: str | None, max_pages: int) -> list[PageText]:
        return self.pages[:max_pages]


def _words(*cells: tuple[str, float, float]) -> tuple[Word, ...]:
    return tuple(Word(text, x, x + 6 * len(text), top, top + 10) for text, x, top in cells)


def test_any_text_source_serves_the_reader() -> None:
    # Given words from a source other than pdfplumber
    words = _words(
        ("Invoice", 50, 100),
        ("Amount", 200, 100),
        ("INV-7001", 50, 114),
        ("42.00", 212, 114),
    )
    source = _FakeSource([PageText(number=0, words=words, has_rules=False)])
    # When the reader is given that source
    remittance = parse_pdf_remittance(b"%PDF-1.7 words come from the source", source=source)
    # Then the lines come from its words
    assert remittance is not None
    assert [(ln.invoice_ref, ln.amount) for ln in remittance.lines] == [
        ("INV-7001", Decimal("42.00"))
    ]


def test_source_with_pages_but_no_words_is_a_scan() -> None:
    source = _FakeSource([PageText(number=0, words=(), has_rules=True)])
    with pytest.raises(UnreadableDocumentError) as caught:
        parse_pdf_remittance(b"%PDF-1.7", source=source)
    assert caught.value.reason == "no text layer, scan?"


def test_mail_sender_name_is_the_payer_when_the_pdf_names_no_company() -> None:
    # Given a PDF attachment without a letterhead, sent by "Dana Whitfield"
    pdf = Attachment(
        filename="advice.pdf",
        content_type="application/pdf",
        data=_pdf([["INV-1001 100.00"]]),
    )
    parsed = ParsedEmail(
        message_id="<m@x.example>",
        subject="advice",
        from_address="ap@acme-mfg.example",
        from_name="Dana Whitfield",
        reply_to=None,
        return_path=None,
        date=None,
        headers=(),
        text="",
        html_text="",
        attachments=(pdf,),
        content_type="multipart/mixed",
    )
    # When the mail's remittance is extracted
    remittance = extract_remittance(parsed).remittance
    # Then the PDF's lines carry the sender's name as the payer
    assert remittance is not None and remittance.source == "pdf"
    assert remittance.payer_name == "Dana Whitfield"


def test_letterhead_company_wins_over_the_sender_name() -> None:
    data = (REMITTANCES / "borealis_check_stub.pdf").read_bytes()
    remittance = parse_pdf_remittance(data, sender_name="Priya Lindqvist")
    assert remittance is not None
    assert remittance.payer_name == "Borealis Foods Ltd"


def test_page_without_a_repeated_header_is_cut_by_the_columns_of_the_page_before() -> None:
    # Given a two-reference SAP table whose header is only on page 1
    header = _row("Unsere Belegnr.", "Ihre Rechnungsnr.", "Brutto", "Skonto", "Zahlbetrag")
    page1 = [header, _row("5100000001", "80001", "1.000,00", "20,00", "980,00")]
    page2 = [
        _row("Seite 2 von 2"),
        _row("5100000002", "80002", "500,00", "", "500,00"),
        _row("Summe", "", "1.500,00", "20,00", "1.480,00"),
    ]
    # When it is parsed
    remittance = parse_pdf_remittance(_table_pdf([page1, page2]))
    # Then page 2's row takes our number from the column the page 1 header named
    assert remittance is not None
    assert [(ln.invoice_ref, ln.amount) for ln in remittance.lines] == [
        ("80001", Decimal("980.00")),
        ("80002", Decimal("500.00")),
    ]
    assert remittance.stated_total == Decimal("1480.00")


_TEXTS = st.sampled_from(
    ["Invoice", "Amount", "Date", "Total", "INV-1001", "1,250.00", "(5.00)", "12,00-", "Ihre",
     "Belegnr.", "Subtotal", "continued", "4711", "2026-01-05", "Skonto", "Net", ":", "CR"]
)  # fmt: skip
_WORDS = st.lists(
    st.builds(
        lambda text, x, line: Word(text, x, x + 6 * len(text), 100 + 12 * line, 110 + 12 * line),
        _TEXTS,
        st.floats(min_value=0, max_value=500, allow_nan=False),
        st.integers(min_value=0, max_value=30),
    ),
    max_size=120,
)


@settings(max_examples=150, deadline=None)
@given(pages=st.lists(_WORDS, min_size=1, max_size=3))
def test_any_words_give_a_remittance_or_none_and_never_raise(
    pages: list[list[Word]],
) -> None:
    source = _FakeSource(
        [PageText(number=n, words=tuple(ws), has_rules=False) for n, ws in enumerate(pages)]
    )
    try:
        remittance = parse_pdf_remittance(b"%PDF-1.7", source=source)
    except UnreadableDocumentError as e:
        assert e.reason == "no text layer, scan?"
        return
    if remittance is not None:
        assert remittance.lines
        assert all(ln.invoice_ref for ln in remittance.lines)


def test_total_set_apart_from_the_table_is_the_stated_total() -> None:
    # Given a table without a total row and "Total paid" well below it
    rows = [
        _row("Invoice", "Date", "Amount"),
        _row("INV-9001", "2026-02-01", "10.00"),
        _row("INV-9002", "2026-02-02", "20.00"),
        [], [], [], [], [],
        _row("Total paid: 30.00"),
    ]  # fmt: skip
    remittance = parse_pdf_remittance(_table_pdf([rows]))
    assert remittance is not None
    assert len(remittance.lines) == 2
    assert remittance.stated_total == Decimal("30.00")


def test_ruled_table_with_a_title_row_above_its_header_is_read_by_header_roles() -> None:
    # Given a ruled grid: a title row, then SAP headers with the payer's document first
    buffer = io.BytesIO()
    c = Canvas(buffer, invariant=1)
    c.setFont("Helvetica", 9)
    xs, ys = [50, 150, 250, 350, 450], [700, 680, 660, 640]
    c.grid(xs, ys)
    table = [
        ("Payment details", "", "", ""),
        ("Unsere Belegnr.", "Ihre Belegnr.", "Skonto", "Zahlbetrag"),
        ("5100000777", "40711", "2,00", "98,00"),
    ]
    for row, y in zip(table, ys, strict=False):
        for x, text in zip(xs, row, strict=False):
            c.drawString(x + 4, y - 14, text)
    c.showPage()
    c.save()
    remittance = parse_pdf_remittance(buffer.getvalue())
    assert remittance is not None
    assert [(ln.invoice_ref, ln.discount, ln.amount) for ln in remittance.lines] == [
        ("40711", Decimal("2.00"), Decimal("98.00"))
    ]


def test_invoice_copy_naming_an_invoice_without_paying_it_is_no_remittance() -> None:
    # Given our own invoice sent back: it names the invoice and a total, but pays nothing
    data = _pdf(
        [
            [
                "Example Supplies Co.",
                "Invoice INV-10014 dated 2026-02-04",
                "Payment terms: net 30 days, please pay by 2026-03-06.",
                "Total due 1,200.00",
            ]
        ]
    )
    assert parse_pdf_remittance(data) is None


def test_addressee_line_is_not_taken_for_the_payer() -> None:
    data = _pdf([["To: Example Supplies Co.", "INV-1001 100.00"]])
    remittance = parse_pdf_remittance(data, sender_name="Dana Whitfield")
    assert remittance is not None
    assert remittance.payer_name == "Dana Whitfield"


def test_invoice_line_whose_text_says_continued_is_still_a_line() -> None:
    rows = [
        _row("Invoice No.", "Description", "Amount"),
        _row("INV-3101", "Continued service, March", "120.00"),
        _row("Continued on next page"),
    ]
    remittance = parse_pdf_remittance(_table_pdf([rows]))
    assert remittance is not None
    assert [(ln.invoice_ref, ln.amount) for ln in remittance.lines] == [
        ("INV-3101", Decimal("120.00"))
    ]


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(
        st.lists(st.one_of(st.none(), _TEXTS, st.text(max_size=12)), max_size=7), max_size=8
    )
)
def test_header_roles_read_any_ragged_grid_without_raising(
    rows: list[list[str | None]],
) -> None:
    read = read_columns(rows)
    assert read is None or all(line.invoice_ref for line in read.lines)


def test_amounts_with_currency_codes_and_space_grouping_are_read() -> None:
    rows = [
        _row("Rechnung", "Datum", "Betrag"),
        _row("RE-4001", "31.12.2026", "1 234,56 EUR"),
        _row("RE-4002", "31.12.2026", "EUR 99,00"),
    ]
    remittance = parse_pdf_remittance(_table_pdf([rows]))
    assert remittance is not None
    assert [(ln.invoice_ref, ln.amount) for ln in remittance.lines] == [
        ("RE-4001", Decimal("1234.56")),
        ("RE-4002", Decimal("99.00")),
    ]


@pytest.mark.parametrize("word", ["Referenz", "Référence", "Referencia", "Kenmerk"])
def test_a_reference_column_named_in_the_payers_language_beats_the_payers_own_number(word):
    # "Unsere Belegnr." is the payer's posting; the column named for the reference is ours
    rows = [
        ["Unsere Belegnr.", word, "Betrag"],
        ["5100004711", "90041001", "1.200,00"],
        ["", "90041002", "300,00"],
        ["5100004713", "90041003", "45,50"],
    ]
    read = read_columns(rows)
    assert read is not None
    assert [line.invoice_ref for line in read.lines] == ["90041001", "90041002", "90041003"]
