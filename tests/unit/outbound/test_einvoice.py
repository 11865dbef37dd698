"""Factur-X (CII) and Peppol BIS (UBL) e-invoices (issue 24), validated against the
standards' XSDs and the EN 16931 Schematron rules (see tests/einvoice_validation.py for
which rule sets run and where they come from), their figures compared with the model's and
the PDF's, and the Factur-X PDF read back."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO

import facturx
import pdfplumber
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from core.errors import InvoiceDataError
from core.invoice_totals import InvoicePolicy, compute_invoice, has_text
from core.invoicing import Buyer, ElectronicAddress, PostalAddress, TaxCategory
from core.locales import format_money
from outbound.einvoice_cii import to_cii
from outbound.einvoice_ubl import to_ubl
from outbound.facturx_pdf import embed_facturx
from outbound.pdf_issued_invoice import render_issued_invoice_pdf
from tests.einvoice_validation import (
    CII_SCHEMATRON,
    CII_XSD,
    UBL_CREDIT_NOTE_XSD,
    UBL_INVOICE_XSD,
    UBL_SCHEMATRON,
    fired_rules,
    schematron_findings,
    xsd_errors,
)
from tests.invoice_samples import BUYER, FRENCH_BUYER, SELLER, credit_note, draft, line

DELIVERED = date(2026, 11, 30)
US_BUYER = Buyer(
    customer_number="C-3003",
    name="Bluebird Supply Inc.",
    address=PostalAddress(("500 Main St",), "US", postcode="02110", city="Boston"),
    email="ap@bluebird.example",
    endpoint=ElectronicAddress("EM", "ap@bluebird.example"),
)
ZERO = Decimal("0")

CASES = {
    "standard-two-rates": {"delivery_date": DELIVERED},
    "credit-note": {"document_type": "credit"},
    "reverse-charge": {
        "buyer": FRENCH_BUYER,
        "lines": (line(tax_category=TaxCategory.REVERSE_CHARGE, tax_rate=ZERO),),
    },
    "intra-community": {
        "buyer": FRENCH_BUYER,
        "delivery_date": DELIVERED,
        "lines": (line(tax_category=TaxCategory.INTRA_COMMUNITY, tax_rate=ZERO),),
    },
    "export": {
        "buyer": US_BUYER,
        "currency": "USD",
        "lines": (line(tax_category=TaxCategory.EXPORT, tax_rate=ZERO),),
    },
    "exempt-and-standard": {
        "lines": (
            line(),
            line(
                "Training (exempt)",
                tax_category=TaxCategory.EXEMPT,
                tax_rate=ZERO,
                exemption_reason="Exempt under §4 Nr. 21 UStG",
            ),
        )
    },
    "zero-and-standard": {
        "lines": (line(), line("Books", tax_category=TaxCategory.ZERO, tax_rate=ZERO))
    },
    "not-subject": {
        "seller": replace(SELLER, vat_id=None, legal_id="HRB 123456"),
        "buyer": replace(BUYER, vat_id=None),
        "lines": (line(tax_category=TaxCategory.NOT_SUBJECT, tax_rate=ZERO),),
    },
    "yen": {
        "currency": "JPY",
        "lines": (line(quantity=Decimal("3"), unit_price=Decimal("333.5")),),
    },
    "per-line-rounding": {
        "rounding": "line",
        "lines": tuple(
            line(f"Pin {n}", quantity=Decimal("1"), unit_price=Decimal("0.04")) for n in range(40)
        ),
    },
    "returned-item": {
        "allow_negative": True,
        "lines": (line(), line("Returned wrench", quantity=Decimal("-1"))),
    },
    "no-order-number": {"po_number": None, "delivery_date": DELIVERED},
    "hostile-text": {
        "notes": ("<script>&amp;\x00\x1b]]>",),
        "lines": (line("Wrench <½\"> & 'co' \x07\ud800"),),
    },
    "fine-quantities": {
        "lines": (
            line(quantity=Decimal("1.234567"), unit_price=Decimal("0.123456")),
            line(quantity=Decimal("2.5"), unit_price=Decimal("19.99"), unit_code="HUR"),
        )
    },
}


def _invoice(name):
    overrides = dict(CASES[name])
    policy = InvoicePolicy(
        rounding=overrides.pop("rounding", "total"),
        allow_negative_quantity=overrides.pop("allow_negative", False),
    )
    if overrides.pop("document_type", None) == "credit":
        return compute_invoice(credit_note(**overrides), policy=policy)
    return compute_invoice(draft(**overrides), policy=policy)


def _problems(findings):
    """Errors and fatals, and warnings other than an empty delivery element (CII needs the
    element; EN 16931 BT-72 is optional: PEPPOL-EN16931-R008 only warns)."""
    return [f for f in findings if f.flag != "warning" or f.rule != "PEPPOL-EN16931-R008"]


@pytest.mark.parametrize("name", CASES)
def test_cii_is_valid_factur_x_en16931(name):
    xml = to_cii(_invoice(name))
    assert xsd_errors(xml, CII_XSD) == []
    assert _problems(schematron_findings(xml, CII_SCHEMATRON)) == []
    assert fired_rules(xml, CII_SCHEMATRON) > 50  # the rules did run on this document


@pytest.mark.parametrize("name", CASES)
def test_ubl_is_valid_en16931(name):
    invoice = _invoice(name)
    xml = to_ubl(invoice)
    assert xsd_errors(xml, UBL_CREDIT_NOTE_XSD if invoice.is_credit_note else UBL_INVOICE_XSD) == []
    assert schematron_findings(xml, UBL_SCHEMATRON) == []
    assert fired_rules(xml, UBL_SCHEMATRON) > 40


def test_schematron_catches_a_wrong_total():
    # A test of the test: the rule set refuses what is wrong
    xml = to_cii(_invoice("standard-two-rates")).replace(
        b"<ram:GrandTotalAmount>312.52<", b"<ram:GrandTotalAmount>312.53<"
    )
    assert {f.rule for f in schematron_findings(xml, CII_SCHEMATRON)} >= {"BR-CO-15"}
    xml = to_ubl(_invoice("standard-two-rates")).replace(
        b'<cbc:TaxAmount currencyID="EUR">43.49<', b'<cbc:TaxAmount currencyID="EUR">45.49<'
    )
    assert "BR-CO-14" in {f.rule for f in schematron_findings(xml, UBL_SCHEMATRON)}


def _cii_figures(xml: bytes) -> dict[str, Decimal]:
    tree = etree.fromstring(xml)
    ns = {
        "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
    }
    total = tree.find(".//ram:SpecifiedTradeSettlementHeaderMonetarySummation", ns)
    return {child.tag.split("}")[1]: Decimal(child.text) for child in total}


def _ubl_figures(xml: bytes) -> dict[str, Decimal]:
    tree = etree.fromstring(xml)
    ns = {"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"}
    total = tree.find("cac:LegalMonetaryTotal", ns)
    figures = {child.tag.split("}")[1]: Decimal(child.text) for child in total}
    figures["TaxAmount"] = Decimal(tree.find("cac:TaxTotal", ns)[0].text)
    return figures


@pytest.mark.parametrize("name", ["standard-two-rates", "credit-note", "yen", "per-line-rounding"])
def test_xml_totals_equal_the_model_and_the_pdf(name):
    invoice = _invoice(name)
    cii, ubl = _cii_figures(to_cii(invoice)), _ubl_figures(to_ubl(invoice))
    assert (cii["LineTotalAmount"], cii["TaxTotalAmount"], cii["GrandTotalAmount"], cii["DuePayableAmount"]) == (
        invoice.total_net, invoice.total_tax, invoice.total_gross, invoice.amount_due,
    )  # fmt: skip
    assert (ubl["LineExtensionAmount"], ubl["TaxAmount"], ubl["TaxInclusiveAmount"], ubl["PayableAmount"]) == (
        invoice.total_net, invoice.total_tax, invoice.total_gross, invoice.amount_due,
    )  # fmt: skip
    with pdfplumber.open(BytesIO(render_issued_invoice_pdf(invoice, locale="en_GB"))) as doc:
        text = "\n".join(page.extract_text() for page in doc.pages)
    places = 0 if invoice.draft.currency == "JPY" else 2
    for amount in (cii["LineTotalAmount"], cii["TaxTotalAmount"], cii["GrandTotalAmount"]):
        assert f"{amount:,.{places}f}" in text


@pytest.mark.parametrize("name", ["standard-two-rates", "credit-note"])
def test_factur_x_pdf_carries_the_cii_and_reads_back(name):
    invoice = _invoice(name)
    pdf, xml = render_issued_invoice_pdf(invoice, locale="de_DE"), to_cii(invoice)
    created = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    out = embed_facturx(pdf, xml, invoice=invoice, created=created, lang="de_DE")
    name, embedded = facturx.get_xml_from_pdf(out, check_xsd=True)
    assert name == "factur-x.xml"
    assert embedded == xml
    assert out.startswith(b"%PDF-1.")
    assert facturx.get_flavor(etree.fromstring(embedded)) == "factur-x"
    assert facturx.get_level(etree.fromstring(embedded)) == "en16931"
    # PDF/A-3 as far as factur-x and pypdf show it: XMP with pdfaid part 3 / conformance B
    # and the Factur-X extension schema, the attachment as an associated file (/AF)
    import pypdf

    reader = pypdf.PdfReader(BytesIO(out))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert (
        b"<pdfaid:part>3</pdfaid:part>" in xmp
        and b"<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    )
    assert b"<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>" in xmp
    assert b"<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>" in xmp
    assert "/AF" in reader.trailer["/Root"]
    (intent,) = reader.trailer["/Root"]["/OutputIntents"]
    intent = intent.get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3 and profile.get_data()[36:40] == b"acsp"  # an ICC profile
    assert reader.metadata["/CreationDate"] == "D:20261201093000+00'00'"
    # the document information agrees with the XMP (PDF/A, ISO 19005-3 6.6.2.3)
    assert f"<pdf:Producer>{reader.metadata['/Producer']}</pdf:Producer>".encode() in xmp
    assert f"<xmp:CreatorTool>{reader.metadata['/Creator']}</xmp:CreatorTool>".encode() in xmp
    assert b"<xmp:CreateDate>2026-12-01T09:30:00+00:00</xmp:CreateDate>" in xmp
    assert reader.metadata["/Title"].encode() in xmp
    # the page still reads as the invoice
    with pdfplumber.open(BytesIO(out)) as doc:
        text = doc.pages[0].extract_text()
    assert format_money(invoice.total_gross, "EUR", "de_DE").replace("\xa0", " ") in text


def test_factur_x_bytes_do_not_depend_on_the_clock(monkeypatch):
    invoice = _invoice("standard-two-rates")
    pdf, xml = render_issued_invoice_pdf(invoice), to_cii(invoice)
    created = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    first = embed_facturx(pdf, xml, invoice=invoice, created=created, lang="en_US")
    import facturx.facturx as module

    class LaterClock(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2031, 1, 1, tzinfo=tz)

    monkeypatch.setattr(module, "datetime", LaterClock)
    assert embed_facturx(pdf, xml, invoice=invoice, created=created, lang="en_US") == first


@pytest.mark.parametrize("writer", [to_cii, to_ubl])
def test_three_decimal_currencies_are_refused_for_e_invoices(writer):
    invoice = compute_invoice(draft(currency="KWD"), policy=InvoicePolicy())
    with pytest.raises(InvoiceDataError, match="KWD has 3 decimals"):
        writer(invoice)


_texts = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60).filter(
    has_text
)
_line_rows = st.lists(
    st.tuples(
        _texts,
        st.decimals(min_value=Decimal("0.001"), max_value=Decimal("9999"), places=3),
        st.decimals(min_value=Decimal("0"), max_value=Decimal("99999"), places=4),
        st.sampled_from(
            [
                (TaxCategory.STANDARD, Decimal("19")),
                (TaxCategory.STANDARD, Decimal("7")),
                (TaxCategory.ZERO, ZERO),
                (TaxCategory.EXEMPT, ZERO),
            ]
        ),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=_line_rows,
    rounding=st.sampled_from(["line", "total"]),
    currency=st.sampled_from(["EUR", "JPY", "CHF"]),
    credit=st.booleans(),
    note=_texts,
)
def test_any_valid_draft_gives_schema_and_schematron_valid_xml(
    rows, rounding, currency, credit, note
):
    lines = tuple(
        line(text, quantity=q, unit_price=p, tax_category=c, tax_rate=r)
        for text, q, p, (c, r) in rows
    )
    make = credit_note if credit else draft
    invoice = compute_invoice(
        make(lines=lines, currency=currency, notes=(note,), delivery_date=DELIVERED),
        policy=InvoicePolicy(rounding=rounding),
    )
    cii, ubl = to_cii(invoice), to_ubl(invoice)
    assert xsd_errors(cii, CII_XSD) == []
    assert schematron_findings(cii, CII_SCHEMATRON) == []
    assert xsd_errors(ubl, UBL_CREDIT_NOTE_XSD if credit else UBL_INVOICE_XSD) == []
    assert schematron_findings(ubl, UBL_SCHEMATRON) == []


@pytest.mark.parametrize("einvoice", ["none", "factur-x", "ubl"])
def test_documents_per_e_invoice_setting(einvoice):
    from outbound.issued_documents import render_documents

    invoice = _invoice("standard-two-rates")
    created = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    documents = render_documents(invoice, locale="de_DE", einvoice=einvoice, created=created)
    assert documents.pdf_filename == "INV-2026-0042.pdf"
    embedded = facturx.get_xml_from_pdf(documents.pdf, check_xsd=False)
    if einvoice == "factur-x":
        assert (
            embedded == ("factur-x.xml", documents.xml) and documents.xml_filename == "factur-x.xml"
        )
    else:
        assert embedded == (False, False)  # factur-x's "no XML in this PDF"
    if einvoice == "ubl":
        assert documents.xml_filename == "INV-2026-0042.xml"
        assert xsd_errors(documents.xml, UBL_INVOICE_XSD) == []
    if einvoice == "none":
        assert documents.xml is None
    assert (
        render_documents(invoice, locale="de_DE", einvoice=einvoice, created=created) == documents
    )


def test_documents_need_an_aware_moment():
    from outbound.issued_documents import render_documents

    with pytest.raises(ValueError, match="aware"):
        render_documents(
            _invoice("standard-two-rates"),
            locale="en_US",
            einvoice="none",
            created=datetime(2026, 12, 1),  # noqa: DTZ001 - naive on purpose
        )
