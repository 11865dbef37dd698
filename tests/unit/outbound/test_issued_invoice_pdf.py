"""The issued invoice and credit note PDF and its QR payment codes (issue 24): the QR is
decoded back from a PDFium rendering of the page with zxing-cpp and its payload compared
with the one the standard prescribes, written out here by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from io import BytesIO

import pdfplumber
import pypdfium2
import pytest
import zxingcpp

from core.creditor_ref import swiss_qr_reference
from core.invoice_totals import InvoicePolicy, compute_invoice
from outbound.payment_qr import module_rects, payment_code
from outbound.pdf_issued_invoice import render_issued_invoice_pdf
from outbound.pdf_writer import PdfDocument
from tests.invoice_samples import BUYER, SWISS_SELLER, credit_note, draft, line

POLICY = InvoicePolicy()
SWISS_BUYER = replace(
    BUYER, address=replace(BUYER.address, country="CH", postcode="3011", city="Bern")
)


def _qr_texts(pdf: bytes) -> list[str]:
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=2).to_pil()
    # the raw bytes of the symbol: UTF-8 without ECI, as the payload's charset field says
    return [
        r.bytes.decode("utf-8")
        for r in zxingcpp.read_barcodes(image)
        if r.format == zxingcpp.BarcodeFormat.QRCode
    ]


def _text(pdf: bytes) -> str:
    with pdfplumber.open(BytesIO(pdf)) as doc:
        return "\n".join(page.extract_text() or "" for page in doc.pages)


def test_euro_invoice_carries_the_epc_code_with_the_rf_reference():
    pdf = render_issued_invoice_pdf(compute_invoice(draft(), policy=POLICY), locale="de_DE")
    # EPC069-12 v002: service tag, version, charset 1 (UTF-8), SCT, BIC, name, IBAN,
    # amount, purpose, structured reference; the unstructured line left out
    assert _qr_texts(pdf) == [
        "BCD\n002\n1\nSCT\nBYLADEM1001\nNordwind Tools GmbH\nDE02120300000000202051\nEUR312.52\n\nRF73INV20260042"
    ]


def test_codes_are_level_m_without_eci_and_epc_within_version_13():
    invoice = compute_invoice(draft(notes=()), policy=POLICY)
    pdf = render_issued_invoice_pdf(invoice)
    (found,) = zxingcpp.read_barcodes(pypdfium2.PdfDocument(pdf)[0].render(scale=2).to_pil())
    assert found.symbology_identifier == "]Q1"  # model 2, no ECI header
    assert found.ec_level == "M"
    code = payment_code(invoice)
    assert code is not None and (len(code.matrix) - 17) // 4 <= 13


def test_euro_invoice_without_rf_reference_puts_the_number_in_the_text_line():
    pdf = render_issued_invoice_pdf(compute_invoice(draft(payment_reference=None), policy=POLICY))
    assert _qr_texts(pdf) == [
        "BCD\n002\n1\nSCT\nBYLADEM1001\nNordwind Tools GmbH\nDE02120300000000202051\nEUR312.52\n\n\nINV-2026-0042 INV-2026-0042"
    ]


def _swiss(**overrides):
    values = {
        "seller": SWISS_SELLER,
        "buyer": SWISS_BUYER,
        "currency": "CHF",
        "lines": (line(tax_rate=Decimal("8.1")),),
    }
    values.update(overrides)
    return compute_invoice(draft(**values), policy=POLICY)


def test_swiss_invoice_carries_the_qr_bill_code_with_the_rf_reference():
    pdf = render_issued_invoice_pdf(_swiss(), locale="de_CH")
    # Swiss Implementation Guidelines QR-bill 2.x: SPC 0200, coding 1, IBAN, creditor (S:
    # structured), 7 empty ultimate-creditor fields, amount, currency, debtor, SCOR + reference,
    # message, EPD; lines end with CR LF
    expected = "\r\n".join(
        [
            "SPC", "0200", "1", "CH9300762011623852957",
            "S", "Nordwind Werkzeuge AG", "Bahnhofstrasse 1", "", "8001", "Zürich", "CH",
            "", "", "", "", "", "", "",
            "107.99", "CHF",
            "S", "Acme Handel AG", "Marktplatz 3", "", "3011", "Bern", "CH",
            "SCOR", "RF73INV20260042", "INV-2026-0042", "EPD",
        ]
    )  # fmt: skip
    assert _qr_texts(pdf) == [expected]


def test_swiss_invoice_with_a_qr_reference_is_paid_to_the_qr_iban():
    reference = swiss_qr_reference("INV-2026-0042")
    pdf = render_issued_invoice_pdf(_swiss(payment_reference=reference), locale="fr_CH")
    (text,) = _qr_texts(pdf)
    fields = text.split("\r\n")
    assert fields[3] == "CH4431999123000889012"
    assert fields[27:29] == ["QRR", reference]


def test_swiss_code_has_the_cross_over_its_centre():
    pdf = render_issued_invoice_pdf(_swiss())
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=4).to_pil().convert("L")
    (found,) = zxingcpp.read_barcodes(image)  # decodes with the cross over it (level M)
    corners = (
        found.position.top_left,
        found.position.top_right,
        found.position.bottom_right,
        found.position.bottom_left,
    )
    centre_x = sum(c.x for c in corners) / 4
    centre_y = sum(c.y for c in corners) / 4
    side = (found.position.top_right.x - found.position.top_left.x) * 7 / 46  # the cross's square
    # Then the centre is white (where the bars cross) and the square's corners are black
    assert image.getpixel((centre_x, centre_y)) > 200
    for dx, dy in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
        assert image.getpixel((centre_x + dx * side * 0.35, centre_y + dy * side * 0.35)) < 50


@pytest.mark.parametrize(
    "invoice",
    [
        compute_invoice(draft(currency="USD"), policy=POLICY),
        compute_invoice(credit_note(), policy=POLICY),
    ],
    ids=["usd", "credit-note"],
)
def test_no_qr_code_where_none_applies(invoice):
    assert payment_code(invoice) is None
    assert _qr_texts(render_issued_invoice_pdf(invoice)) == []


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("en_US", ["Invoice", "Total net", "€312.52", "Please pay €312.52 by Dec 31, 2026"]),
        ("de_DE", ["Rechnung", "Summe netto", "312,52 €", "Bankverbindung", "RF73 INV2 0260 042"]),
        ("fr_FR", ["Facture", "Total HT", "312,52 €", "Coordonnées bancaires"]),
        ("es_ES", ["Factura", "Total neto", "312,52 €", "Datos bancarios"]),
        ("nl_NL", ["Factuur", "Totaal netto", "€ 312,52", "Bankgegevens"]),
    ],
)
def test_invoice_is_written_in_the_customers_language(locale, words):
    text = _text(render_issued_invoice_pdf(compute_invoice(draft(), policy=POLICY), locale=locale))
    for word in words:
        assert word in text


def test_pdf_shows_every_figure_of_the_model():
    invoice = compute_invoice(draft(), policy=POLICY)
    text = _text(render_issued_invoice_pdf(invoice, locale="en_GB"))
    for figures in invoice.lines:
        assert f"{figures.net:,.2f}" in text
    for subtotal in invoice.breakdown:
        assert f"{subtotal.taxable:,.2f}" in text and f"{subtotal.tax:,.2f}" in text
    for total in (invoice.total_net, invoice.total_tax, invoice.total_gross):
        assert f"€{total:,.2f}" in text
    assert "Your order: PO-7788" in text and "Customer number: C-1001" in text


def test_credit_note_says_so_and_names_the_invoice_it_credits():
    text = _text(
        render_issued_invoice_pdf(compute_invoice(credit_note(), policy=POLICY), locale="de_DE")
    )
    assert "Gutschrift" in text
    assert "Gutschrift zu Rechnung INV-2026-0042 vom 01.12.2026" in text
    assert "es ist nichts zu zahlen" in text
    assert "Gutschriftsdatum: 01.12.2026" in text
    assert (
        "Bankverbindung" not in text
        and "Fälligkeitsdatum" not in text
        and "Rechnungsdatum" not in text
    )


def test_same_invoice_gives_the_same_bytes():
    invoice = compute_invoice(draft(), policy=POLICY)
    assert render_issued_invoice_pdf(invoice) == render_issued_invoice_pdf(invoice)


def test_hostile_text_is_drawn_as_text_and_long_invoices_run_onto_more_pages():
    lines = tuple(line(f"<b>Item {n}</b>\x00\x1b[31m" + "x" * 500) for n in range(80))
    invoice = compute_invoice(
        draft(lines=lines, notes=("%PDF-1.4 ) Tj (", "\u202e reversed")), policy=POLICY
    )
    pdf = render_issued_invoice_pdf(invoice)
    with pdfplumber.open(BytesIO(pdf)) as doc:
        assert len(doc.pages) >= 2
        assert "<b>Item 0</b>" in doc.pages[0].extract_text()
    document = pypdfium2.PdfDocument(pdf)
    last = document[len(document) - 1].render(scale=2).to_pil()
    assert [r.bytes.decode().split("\n")[7] for r in zxingcpp.read_barcodes(last)] == [
        f"EUR{invoice.amount_due:.2f}"
    ]


def test_rects_are_filled_paths_in_the_content():
    doc = PdfDocument(width=100, height=100)
    doc.new_page()
    doc.rects([(10, 10, 20, 20)])
    doc.rects([(15, 15, 5, 5)], gray=1.0)
    image = pypdfium2.PdfDocument(doc.finish())[0].render(scale=1).to_pil().convert("L")
    assert image.getpixel((12, 100 - 12)) < 10  # black
    assert image.getpixel((17, 100 - 17)) > 245  # the white one over it
    assert image.getpixel((50, 50)) > 245  # nothing drawn there


def test_module_rects_merge_runs_of_dark_modules():
    matrix = (
        (True, True, False, True),
        (False, False, False, False),
        (True, True, True, True),
        (False,) * 4,
    )
    rects = module_rects(matrix, x=0, y=0, size=4)
    assert rects == [(0, 3, 2, 1), (3, 3, 1, 1), (0, 1, 4, 1)]


def test_code_on_an_invoice_issued_today_decodes_for_any_amount():
    for amount in ("0.01", "999999.99"):
        lines = (
            line(
                quantity=Decimal("1"),
                unit_price=Decimal(amount),
                tax_rate=Decimal("0"),
                tax_category="Z",
            ),
        )
        invoice = compute_invoice(
            draft(lines=lines, issue_date=date(2026, 12, 7), due_date=date(2027, 1, 6)),
            policy=POLICY,
        )
        (text,) = _qr_texts(render_issued_invoice_pdf(invoice))
        assert text.split("\n")[7] == f"EUR{Decimal(amount):.2f}"


def test_swiss_code_without_structured_reference_carries_it_in_the_message():
    code = payment_code(_swiss(payment_reference="Order 7788/B"))
    assert code is not None
    fields = code.payload.split("\r\n")
    assert fields[27:30] == ["NON", "", "INV-2026-0042 Order 7788/B"]


def test_swiss_code_leaves_out_a_debtor_address_qrbill_refuses():
    # Given a buyer without postcode (the QR-bill's debtor needs one)
    buyer = replace(SWISS_BUYER, address=replace(SWISS_BUYER.address, postcode=""))
    code = payment_code(_swiss(buyer=buyer))
    assert code is not None
    fields = code.payload.split("\r\n")
    # Then the seven debtor fields are empty and the rest is as usual
    assert fields[20:27] == [""] * 7
    assert fields[27:29] == ["SCOR", "RF73INV20260042"]


def test_swiss_code_with_a_qr_reference_but_no_qr_iban_is_refused():
    seller = replace(SWISS_SELLER, qr_iban=None)
    with pytest.raises(ValueError, match="no Swiss QR-bill"):
        payment_code(_swiss(seller=seller, payment_reference=swiss_qr_reference("INV-2026-0042")))


def test_every_language_has_every_label_with_the_same_placeholders():
    import dataclasses
    import string

    from outbound.pdf_issued_labels import ENGLISH, LABELS

    def placeholders(text):
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for language, labels in LABELS.items():
        for field in dataclasses.fields(labels):
            text, english = getattr(labels, field.name), getattr(ENGLISH, field.name)
            assert text.strip(), (language, field.name)
            assert placeholders(text) == placeholders(english), (language, field.name)
