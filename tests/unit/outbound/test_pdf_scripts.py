"""Issue 21, "PDFs in any script": a statement and an invoice copy for a customer whose name
and our address are in Polish, Czech, Hungarian, Turkish, Greek, Russian, Japanese, Chinese
and Arabic (our own name: Zakład Ćma) read back exactly by pdfplumber and by PDFium, every
glyph drawn is a real outline, and a screenshot of each is written to
``tests/artifacts/pdf-scripts/`` (committed; this test regenerates them).

What is compared, exactly: the strings put in (NFC) against

- PDFium's text (``get_text_range``): equal, character for character. PDFium turns the
  right-to-left runs of a line back into logical order itself.
- pdfplumber's text: equal to the input in *visual* order (python-bidi's ``get_display``, the
  Unicode bidirectional algorithm), which for left-to-right scripts is the input itself.
  pdfminer, under pdfplumber, has no bidi support: it gives a line's characters left to
  right as they stand on the page.

Both read the ToUnicode maps; Arabic drawn in presentation forms comes back as its base
letters (a lam-alef ligature as its two letters), so no NFKC is needed on either side.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from bidi import get_display
from fontTools.ttLib import TTFont

from ledger.invoice_copies import InvoiceCopy
from ledger.statements import build_statements
from outbound.pdf_invoice import render_invoice_pdf
from outbound.pdf_layout import CompanyBlock
from outbound.pdf_statement import render_statement_pdf
from outbound.pdf_writer import PdfDocument

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "pdf-scripts"
OUR_NAME = "Zakład Ćma Sp. z o.o."


@dataclass(frozen=True)
class Case:
    script: str
    name: str  # the customer's
    address: str  # ours, in the customer's country


CASES = [
    Case("polish", "Łódź Gdańsk Sp. z o.o.", "ul. Żółkiewskiego 7, 90-001 Łódź"),
    Case("czech", "Příliš Žluťoučký Kůň s.r.o.", "Náměstí Míru 12, 120 00 Praha 2"),
    Case("hungarian", "Árvíztűrő Tükörfúrógép Kft.", "Őrség utca 5, 1011 Budapest"),
    Case("turkish", "Çağrı İşçi Ağaç Sanayi A.Ş.", "Atatürk Bulvarı No: 5, Şişli İstanbul"),
    Case("greek", "Ελληνική Εταιρεία Εμπορίου ΑΕ", "Οδός Σταδίου 5, Αθήνα 105 59"),
    Case("russian", "ООО «Тестовая компания»", "ул. Тверская, д. 7, Москва"),
    Case("japanese", "株式会社テスト商事", "東京都千代田区丸の内1-1-1"),
    Case("chinese", "北京测试贸易有限公司", "北京市朝阳区建国路88号"),
    Case("arabic", "شركة الاختبار للتجارة", "شارع الملك فهد، الرياض"),
]


def company(case: Case) -> CompanyBlock:
    return CompanyBlock(name=OUR_NAME, address=(case.address,), remit_to=(case.name,))


def statement_pdf(case: Case) -> bytes:
    (built,) = build_statements(
        customer_id=1,
        customer_number="C-001",
        customer_name=case.name,
        contacts=("ap@customer.example",),
        as_of=date(2026, 12, 1),
        invoices=[("INV-1", date(2026, 10, 1), date(2026, 10, 31), Decimal("120.00"),
                   Decimal("120.00"), "EUR")],
        unapplied=[],
    )  # fmt: skip
    return render_statement_pdf(built, company=company(case))


def invoice_pdf(case: Case) -> bytes:
    copy = InvoiceCopy(
        number="INV-1",
        customer_number="C-001",
        customer_name=case.name,
        issue_date=date(2026, 10, 1),
        due_date=date(2026, 10, 31),
        amount=Decimal("120.00"),
        balance=Decimal("120.00"),
        currency="EUR",
        terms="Net 30",
    )
    return render_invoice_pdf(copy, company=company(case))


def plumber_lines(data: bytes) -> list[str]:
    with pdfplumber.open(BytesIO(data)) as pdf:
        return [line for page in pdf.pages for line in (page.extract_text() or "").splitlines()]


def pdfium_lines(data: bytes) -> list[str]:
    text = "\n".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(data))
    return text.replace("\r", "").split("\n")


@pytest.mark.parametrize("render", [statement_pdf, invoice_pdf], ids=["statement", "invoice"])
@pytest.mark.parametrize("case", CASES, ids=[c.script for c in CASES])
def test_names_and_addresses_read_back_exactly_with_pdfplumber_and_pdfium(case, render):
    # Given a document for a customer in this script, from us with an address in it
    data = render(case)
    # When it is read back by both readers
    plumber, pdfium_text = plumber_lines(data), pdfium_lines(data)
    # Then the customer's name is a line of its own, our name and address are there, exactly
    assert get_display(case.name) in plumber, plumber
    assert case.name in pdfium_text, pdfium_text
    for put_in in (OUR_NAME, case.address):
        assert any(get_display(put_in) in line for line in plumber), (put_in, plumber)
        assert any(put_in in line for line in pdfium_text), (put_in, pdfium_text)
    if case.script != "arabic":  # left to right: visual order is the input itself
        assert get_display(case.name) == case.name


def embedded_glyphs(data: bytes) -> list[tuple[TTFont, dict[int, str]]]:
    """Each embedded font program of ``data`` with its ToUnicode map (code → text)."""
    streams = {
        int(m.group(1)): (m.group(2), zlib.decompress(m.group(3)))
        for m in re.finditer(rb"(\d+) 0 obj\n<< (/Length \d+[^>]*)>>\nstream\n(.*?)\nendstream",
                             data, re.S)
    }  # fmt: skip
    fonts = []
    for number, (head, body) in streams.items():
        if b"/Length1" in head:  # the font file; its ToUnicode is the next object
            cmap = streams[number + 1][1].decode().partition("endcodespacerange")[2]
            codes = {
                int(code, 16): bytes.fromhex(text).decode("utf-16-be")
                for code, text in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]+)>", cmap)
            }
            fonts.append((TTFont(BytesIO(body)), codes))
    return fonts


@pytest.mark.parametrize("case", CASES, ids=[c.script for c in CASES])
def test_every_glyph_drawn_is_a_real_outline_not_a_box(case):
    fonts = embedded_glyphs(statement_pdf(case))
    assert fonts
    for font, codes in fonts:
        order = font.getGlyphOrder()
        for code, text in codes.items():
            glyph = font["glyf"][order[code]]
            # a letter has contours; only spaces are blank; .notdef (code 0) is never drawn
            assert code > 0 and (glyph.numberOfContours != 0 or text.isspace()), (code, text)


def test_screenshots_of_each_script_show_the_statement_and_the_invoice_copy():
    # Regenerates tests/artifacts/pdf-scripts/<script>.png: the top of the statement above
    # the top of the invoice copy, 100 dpi. (Looked at by a person when they change.)
    from PIL import Image

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        tops = []
        for data in (statement_pdf(case), invoice_pdf(case)):
            page = pdfium.PdfDocument(data)[0]
            image = page.render(scale=100 / 72, grayscale=True).to_pil()
            tops.append(image.crop((0, 0, image.width, int(image.height * 0.345))))
        sheet = Image.new("L", (tops[0].width, sum(t.height for t in tops)), 255)
        sheet.paste(tops[0], (0, 0))
        sheet.paste(tops[1], (0, tops[0].height))
        path = ARTIFACTS / f"{case.script}.png"
        sheet.save(path, optimize=True)
        # ink where the names are: not a blank page
        assert sheet.getextrema()[0] < 64 and path.stat().st_size < 150_000


def test_pdfium_reads_digits_inside_arabic_text_in_its_own_order():
    """Pinned, not ours to fix: PDFium's own reordering of a right-to-left line puts an
    Arabic comma after digits before them ("فهد 12، الرياض" → "فهد ،12 الرياض"), where the
    Unicode bidi algorithm keeps it after. pdfplumber reads the line as drawn, which is
    UAX #9's visual order. Names and addresses without digits come back exactly (above)."""
    doc = PdfDocument(width=595, height=200)
    address = "شارع الملك فهد 12، الرياض"
    doc.text(20, 100, address, font="regular", size=10)
    data = doc.finish()
    assert plumber_lines(data) == [get_display(address)]
    assert pdfium_lines(data) == ["شارع الملك فهد ،12 الرياض"]


HOSTILE = [
    "A\x00B\x1b[31mC\r\nD",  # control characters: dropped
    "Caf\ud800é",  # an unpaired surrogate: U+FFFD
    "Anubis \U00013080 Ltd",  # a hieroglyph no font has: U+FFFD
    "Ł" * 1_000_000,  # a megabyte: cut with an ellipsis
    "\u202eevil\u202c \u200b\ufe0f",  # bidi overrides, zero width space, variation selector
]


@pytest.mark.parametrize("name", HOSTILE, ids=["controls", "surrogate", "no-font", "1mb", "bidi"])
def test_hostile_names_never_break_a_statement_or_an_invoice_copy(name):
    case = Case("hostile", name, "ul. Żółkiewskiego 7")
    for data in (statement_pdf(case), invoice_pdf(case)):
        lines = plumber_lines(data)
        assert len(pdfium.PdfDocument(data)) >= 1
        text = "\n".join(lines)
        assert "\x00" not in text and "\x1b" not in text
        if "\ud800" in name or "\U00013080" in name:
            assert "\ufffd" in text  # the visible replacement character
        if len(name) > 1000:
            assert "ŁŁŁ…" in text and len(data) < 100_000
