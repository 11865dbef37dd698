"""Scans read by OCR (issue 23): a rendered fixture advice gives its lines with confidences,
whatever way up it was scanned, as PNG, a two-page TIFF, HEIC, a JPEG phone photo or an
image-only PDF; the image kinds are told by type, name and first bytes; skew is measured.
Real Tesseract on real files: few pages (each costs about a second of CPU)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PIL import Image

from bench.ocr_scans import photo
from core.refs import normalise_ref
from core.types import Attachment, ParsedEmail, RemittanceLine
from parsers.ocr_images import header_size, scan_kind
from parsers.ocr_pages import skew_angle
from parsers.pdf_text import Word
from parsers.remittance import OcrRun, extract_remittance
from parsers.remittance_ocr import OcrOptions, line_confidence, read_scan
from parsers.remittance_pdf import NO_TEXT_LAYER
from tests.unit.parsers.ocr_samples import (
    COBALT_LINES,
    COBALT_TOTAL,
    encoded,
    page_of,
    refs_and_amounts,
    require_tesseract,
)

OPTIONS = OcrOptions(timeout_seconds=120)


@pytest.fixture(scope="module")
def cobalt() -> Image.Image:
    return page_of("cobalt_ruled_table")


def mail_with(*attachments: Attachment) -> ParsedEmail:
    return ParsedEmail(
        message_id="<scan@cobalt-retail.example>",
        subject="Zahlungsavis",
        from_address="buchhaltung@cobalt-retail.example",
        from_name="Cobalt Retail",
        reply_to=None,
        return_path=None,
        date=None,
        headers=(),
        text="Anbei unser Zahlungsavis.",
        html_text="",
        attachments=attachments,
        content_type="multipart/mixed",
    )


# --- without Tesseract ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "filename", "head", "kind"),
    [
        ("image/png", None, b"", "png"),
        ("image/jpeg", None, b"", "jpeg"),
        ("application/octet-stream", "Scan 0001.TIF", b"", "tiff"),
        ("application/octet-stream", "IMG_4711.HEIC", b"", "heic"),
        ("application/octet-stream", None, b"\x89PNG\r\n\x1a\n", "png"),
        ("application/octet-stream", None, b"\xff\xd8\xff\xe0", "jpeg"),
        ("application/octet-stream", None, b"MM\x00*", "tiff"),
        ("application/octet-stream", None, b"\x00\x00\x00\x18ftypheic", "heic"),
        ("application/octet-stream", "advice.pdf", b"%PDF-1.7", None),
        ("text/plain", "notes.txt", b"hello", None),
    ],
)
def test_scan_kind_by_type_name_or_first_bytes(content_type, filename, head, kind):
    attachment = Attachment(filename=filename, content_type=content_type, data=head + b"\0" * 8)
    assert scan_kind(attachment) == kind


@pytest.mark.parametrize("angle", [3.0, -3.0, 1.5, -4.2])
def test_skew_is_measured_within_a_fifth_of_a_degree(cobalt, angle):
    turned = cobalt.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    assert skew_angle(turned) == pytest.approx(-angle, abs=0.2)
    assert skew_angle(cobalt) == 0.0


def test_line_confidence_is_the_lowest_of_the_reference_and_amount_words():
    row = [
        (Word("INV-", 0, 10, 0, 5), 91.0),
        (Word("10011", 11, 20, 0, 5), 62.5),
        (Word("04.02.2026", 30, 40, 0, 5), 12.0),  # the date gave neither: not counted
        (Word("1.890,00", 50, 60, 0, 5), 88.0),
    ]
    other = [(Word("INV-10012", 0, 20, 10, 15), 40.0), (Word("2.450,75", 50, 60, 10, 15), 97.0)]
    line = RemittanceLine(invoice_ref="INV-10011", amount=Decimal("1890.00"))
    assert line_confidence(line, [row, other]) == 62.5
    second = RemittanceLine(invoice_ref="INV-10012", amount=Decimal("2450.75"))
    assert line_confidence(second, [row, other]) == 40.0
    # a reference no row holds: the lowest confidence on the page, never a guess upwards
    lost = RemittanceLine(invoice_ref="INV-99999", amount=Decimal("1.00"))
    assert line_confidence(lost, [row, other]) == 12.0


def test_a_fax_in_standard_resolution_is_stretched_to_square_pixels(cobalt):
    small = cobalt.resize((cobalt.width * 2 // 3, cobalt.height // 3)).convert("1")
    data = encoded([small], "TIFF", dpi=(200, 100), compression="group4")
    assert header_size(data) == small.size
    from parsers.ocr_images import ScanLimits, image_pages

    (page,) = image_pages(data, ScanLimits())
    assert page.size == (small.width, small.height * 2)


# --- with Tesseract ------------------------------------------------------------------------


def test_a_rendered_advice_gives_its_lines_with_confidences(cobalt):
    require_tesseract()
    remittance = read_scan(encoded([cobalt], "PNG"), kind="png", options=OPTIONS)
    assert remittance is not None
    assert refs_and_amounts(remittance) == COBALT_LINES
    assert remittance.stated_total == COBALT_TOTAL
    assert remittance.source == "ocr png"
    assert "INV-10012" in remittance.read_text and "\f" not in remittance.read_text
    for line in remittance.lines:
        assert line.confidence is not None and 60.0 <= line.confidence <= 100.0


@pytest.mark.parametrize("turn", [90, 180])
def test_a_page_scanned_sideways_or_upside_down_is_turned_and_read(cobalt, turn):
    require_tesseract()
    turned = cobalt.rotate(turn, expand=True)
    remittance = read_scan(encoded([turned], "PNG"), kind="png", options=OPTIONS)
    assert refs_and_amounts(remittance) == COBALT_LINES


def test_a_two_page_tiff_is_read_page_by_page(cobalt):
    require_tesseract()
    second = page_of("dunmore_unruled_courier", dpi=200)
    data = encoded([cobalt.resize((1700, 2200)), second], "TIFF", compression="tiff_deflate")
    remittance = read_scan(data, kind="tiff", options=OPTIONS)
    assert remittance is not None and remittance.source == "ocr tiff"
    first_page, second_page = remittance.read_text.split("\f")
    assert "INV-10011" in first_page and "INV-10011" not in second_page
    refs = {ref for ref, _ in refs_and_amounts(remittance)}
    assert {"INV-10011", "INV-10012", "INV-10013"} <= refs
    assert len(refs) > 3  # and the dunmore page's own lines


def test_a_heic_from_a_phone_is_read(cobalt):
    require_tesseract()
    data = encoded([cobalt], "HEIF", quality=90)
    attachment = Attachment(filename="IMG_0815.HEIC", content_type="image/heic", data=data)
    assert scan_kind(attachment) == "heic"
    remittance = read_scan(data, kind="heic", options=OPTIONS)
    assert refs_and_amounts(remittance) == COBALT_LINES
    assert remittance is not None and remittance.source == "ocr heic"


def test_a_jpeg_phone_photo_with_perspective_and_uneven_light_is_read(cobalt):
    require_tesseract()
    remittance = read_scan(photo([cobalt]), kind="jpeg", options=OPTIONS)
    # the references as matching reads them (a photo's "INV" may come out as "inv")
    read = [(normalise_ref(ref or ""), amount) for ref, amount in refs_and_amounts(remittance)]
    assert read == [(normalise_ref(ref), amount) for ref, amount in COBALT_LINES]


def test_an_image_only_pdf_is_read_by_ocr_only_when_ocr_is_on(cobalt):
    require_tesseract()
    pdf = encoded([cobalt], "PDF", resolution=300)
    parsed = mail_with(Attachment("Zahlungsavis.pdf", "application/pdf", pdf))
    off = extract_remittance(parsed)
    assert off.remittance is None or off.remittance.source != "ocr pdf"
    assert off.problems == (f"Zahlungsavis.pdf: {NO_TEXT_LAYER}",)
    on = extract_remittance(parsed, ocr=OcrRun(OPTIONS))
    assert on.problems == ()
    assert on.remittance is not None and on.remittance.source == "ocr pdf"
    assert refs_and_amounts(on.remittance) == COBALT_LINES


def test_a_logo_is_no_scan_and_an_image_of_no_advice_is_no_problem():
    require_tesseract()
    logo = encoded([Image.new("L", (240, 80), 200)], "PNG")
    blank = encoded([Image.new("L", (1200, 1600), 255)], "PNG")
    started: list[bool] = []
    parsed = mail_with(
        Attachment("logo.png", "image/png", logo), Attachment("blank.png", "image/png", blank)
    )
    extraction = extract_remittance(
        parsed, ocr=OcrRun(OPTIONS, on_start=lambda: started.append(True))
    )
    # the logo is passed over unread; the blank page is recognised (no text: a reason)
    assert started == [True]
    assert extraction.problems == ("blank.png: OCR recognised no text",)


def test_every_scan_of_a_mail_is_read_and_their_lines_are_one_remittance(cobalt):
    # The probe's mail: two scanned advices, the second's lines were dropped unread.
    require_tesseract()
    png = encoded([cobalt], "PNG")
    parsed = mail_with(
        Attachment("advice1.png", "image/png", png), Attachment("advice2.png", "image/png", png)
    )
    extraction = extract_remittance(parsed, ocr=OcrRun(OPTIONS))
    remittance = extraction.remittance
    assert remittance is not None and remittance.source == "ocr png"
    assert refs_and_amounts(remittance) == COBALT_LINES + COBALT_LINES
    assert remittance.stated_total == COBALT_TOTAL * 2  # each advice states its total
    assert remittance.read_text.count("\f") == 1


def test_joined_scans_state_the_total_only_when_it_is_known():
    from core.types import Remittance
    from parsers.remittance import _joined

    def scan(total: str | None, ref: str = "CR-1") -> Remittance:
        return Remittance(
            lines=(RemittanceLine("INV-1", Decimal("10.00")),),
            stated_total=None if total is None else Decimal(total),
            payment_ref=ref,
            source="ocr jpeg",
        )

    assert _joined([scan("10.00"), scan("10.00")]).stated_total == Decimal("20.00")
    last_page = _joined([scan(None), scan("20.00")])  # one advice, photographed page by page
    assert last_page.stated_total == Decimal("20.00") and len(last_page.lines) == 2
    assert _joined([scan(None), scan("20.00"), scan("5.00")]).stated_total is None
    assert _joined([scan(None, "A"), scan(None, "B")]).payment_ref is None
    assert _joined([]) is None


def mixed_pdf() -> bytes:
    """The three-page elmwood advice with its second page replaced by a scan of it (an
    image, no text layer), as a payer who scanned one page of a printout sends it."""
    import io

    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    from parsers.ocr_images import ScanLimits, pdf_pages
    from tests.unit.parsers.ocr_samples import REMITTANCES

    typed = (REMITTANCES / "elmwood_multipage.pdf").read_bytes()
    second = list(pdf_pages(typed, ScanLimits()))[1]
    scan = pdfium.PdfDocument(encoded([second], "PDF", resolution=300))
    source = pdfium.PdfDocument(typed)
    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(source, [0])
    mixed.import_pages(scan, [0])
    mixed.import_pages(source, [2])
    out = io.BytesIO()
    mixed.save(out)
    return out.getvalue()


def test_a_pdf_with_a_scanned_page_among_pages_of_text_is_read_whole():
    import json

    from parsers.ocr_images import pages_without_text
    from tests.unit.parsers.ocr_samples import REMITTANCES

    require_tesseract()
    pdf = mixed_pdf()
    assert pages_without_text(pdf, 50) == (1,)
    truth = json.loads((REMITTANCES / "elmwood_multipage.expected.json").read_text())
    want = [(ln["invoice_ref"], Decimal(ln["amount"])) for ln in truth["lines"]]
    parsed = mail_with(Attachment("Avis.pdf", "application/pdf", pdf))
    # without OCR the text pages alone are read: the scanned page's lines are missing
    off = extract_remittance(parsed).remittance
    assert off is not None and off.source == "pdf"
    assert len(off.lines) == len(want) - 15
    on = extract_remittance(parsed, ocr=OcrRun(OPTIONS))
    assert on.problems == ()
    remittance = on.remittance
    assert remittance is not None and remittance.source == "ocr pdf"
    assert refs_and_amounts(remittance) == want
    assert remittance.stated_total == Decimal(truth["stated_total"])
    assert remittance.read_text.count("\f") == 2
    # the scanned page's lines (INV-20016 to INV-20030) carry the recogniser's confidence
    # for the OCR gate; the text layer's were not recognised
    recognised = {line.invoice_ref for line in remittance.lines if line.confidence is not None}
    assert recognised == {f"INV-200{n}" for n in range(16, 31)}


@pytest.mark.parametrize(
    ("read", "meant"),
    [
        ("3,468,43", "3,468.43"),  # a fax's dot read as a comma
        ("9.701.29", "9.701,29"),  # and a comma as a dot
        ("$21,188,55", "$21,188.55"),
        ("(1,234,56)", "(1,234.56)"),
        ("1,234,567", "1,234,567"),  # thousands only: left as it is
        ("2,254.54", "2,254.54"),
        ("100,00", "100,00"),
        ("12.11.2026", "12.11.2026"),
        ("INV-10,011,22", "INV-10,011,22"),
    ],
)
def test_an_amount_whose_decimal_mark_was_read_as_its_thousands_mark_is_put_right(read, meant):
    from parsers.ocr_engine import _amount_marks

    assert _amount_marks(read) == meant


def test_a_pdf_of_text_and_a_scanned_page_without_remittance_lines_is_no_problem():
    # a cover letter with a scanned delivery note: read, nothing found, nothing to review
    import io

    import pypdfium2 as pdfium
    from reportlab.pdfgen import canvas

    require_tesseract()
    out = io.BytesIO()
    letter = canvas.Canvas(out)
    letter.drawString(72, 720, "Dear customer, please find our delivery note attached.")
    letter.save()
    mixed = pdfium.PdfDocument(out.getvalue())
    blank = encoded([Image.new("L", (1240, 1754), 255)], "PDF", resolution=150)
    mixed.import_pages(pdfium.PdfDocument(blank), [0])
    data = io.BytesIO()
    mixed.save(data)
    parsed = mail_with(Attachment("Lieferschein.pdf", "application/pdf", data.getvalue()))
    extraction = extract_remittance(parsed, ocr=OcrRun(OPTIONS))
    assert extraction.problems == ()
    assert extraction.remittance is None or extraction.remittance.source == "body"
