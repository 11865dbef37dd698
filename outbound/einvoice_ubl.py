"""The OASIS UBL 2.1 Invoice or CreditNote of an issued invoice, in Peppol BIS Billing 3.0
(the EN 16931 core, ``CustomizationID`` and ``ProfileID`` of Peppol). Pure: data in, UTF-8
bytes out; built with lxml like :mod:`outbound.einvoice_cii`, in the XSD's element order.

What Peppol asks beyond EN 16931 and how this writes it:

- Endpoints (``cbc:EndpointID`` with an EAS ``schemeID``, BT-34/BT-49): the party's
  :class:`core.invoicing.ElectronicAddress`; a party without one gets none (a Peppol access
  point needs one: registering it is the company's configuration).
- A buyer reference or an order reference (PEPPOL-EN16931-R003): the PO number as
  ``cac:OrderReference``; without one, the customer number as ``cbc:BuyerReference``.
- Payment means 58 (SEPA credit transfer) with the IBAN, the BIC and the payment reference
  as ``cbc:PaymentID``; credit notes carry none.
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree
from lxml.etree import _Element

from core.invoice_totals import has_text
from core.invoicing import (
    Buyer,
    IssuedInvoice,
    LineFigures,
    PostalAddress,
    Seller,
    TaxCategory,
    TaxSubtotal,
)
from outbound.einvoice_common import (
    amount_text,
    check_einvoice,
    has_intra_community,
    number_text,
    rate_text,
    xml_text,
)

INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
#: Peppol BIS Billing 3.0's customization of EN 16931 and its billing process.
PEPPOL_CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PEPPOL_PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"


class _Writer:
    """Elements in the ``cac``/``cbc`` namespaces, texts cleaned for XML."""

    def __init__(self, currency: str) -> None:
        self.currency = currency

    def cac(self, parent: _Element, tag: str) -> _Element:
        return etree.SubElement(parent, f"{{{CAC}}}{tag}")

    def cbc(self, parent: _Element, tag: str, text: str, **attrs: str) -> _Element:
        element = etree.SubElement(parent, f"{{{CBC}}}{tag}", attrs)
        element.text = xml_text(text)
        return element

    def amount(self, parent: _Element, tag: str, value: Decimal) -> None:
        self.cbc(parent, tag, amount_text(value), currencyID=self.currency)


def to_ubl(invoice: IssuedInvoice) -> bytes:
    """The UBL XML of ``invoice`` (an ``Invoice``, or a ``CreditNote`` for 381).

    Raises:
        InvoiceDataError: the invoice cannot be an EN 16931 e-invoice.
    """
    check_einvoice(invoice)
    draft = invoice.draft
    credit = invoice.is_credit_note
    kind = "CreditNote" if credit else "Invoice"
    namespace = CREDIT_NOTE_NS if credit else INVOICE_NS
    # None is the default namespace as lxml takes it; lxml-stubs types the keys as str only
    nsmap = {None: namespace, "cac": CAC, "cbc": CBC}
    root = etree.Element(f"{{{namespace}}}{kind}", nsmap=nsmap)  # type: ignore[arg-type]
    w = _Writer(draft.currency)
    w.cbc(root, "CustomizationID", PEPPOL_CUSTOMIZATION)
    w.cbc(root, "ProfileID", PEPPOL_PROFILE)
    w.cbc(root, "ID", draft.number)
    w.cbc(root, "IssueDate", draft.issue_date.isoformat())
    if not credit:
        w.cbc(root, "DueDate", draft.due_date.isoformat())
    w.cbc(root, f"{kind}TypeCode", draft.document_type.value)
    for note in filter(has_text, draft.notes):
        w.cbc(root, "Note", note)
    w.cbc(root, "DocumentCurrencyCode", draft.currency)
    if draft.po_number and has_text(draft.po_number):
        w.cbc(w.cac(root, "OrderReference"), "ID", draft.po_number)
    else:
        w.cbc(root, "BuyerReference", draft.buyer.customer_number)
    if draft.credits is not None:
        reference = w.cac(w.cac(root, "BillingReference"), "InvoiceDocumentReference")
        w.cbc(reference, "ID", draft.credits.number)
        if draft.credits.issue_date is not None:
            w.cbc(reference, "IssueDate", draft.credits.issue_date.isoformat())
    _party(w, w.cac(root, "AccountingSupplierParty"), draft.seller)
    _party(w, w.cac(root, "AccountingCustomerParty"), draft.buyer)
    if draft.delivery_date is not None or has_intra_community(invoice):
        delivery = w.cac(root, "Delivery")
        if draft.delivery_date is not None:
            w.cbc(delivery, "ActualDeliveryDate", draft.delivery_date.isoformat())
        if has_intra_community(invoice):  # BR-IC-12: the deliver-to country, the buyer's
            address = w.cac(w.cac(delivery, "DeliveryLocation"), "Address")
            w.cbc(w.cac(address, "Country"), "IdentificationCode", draft.buyer.address.country)
    _payment(w, root, invoice)
    _tax_total(w, root, invoice)
    _monetary_total(w, root, invoice)
    for number, figures in enumerate(invoice.lines, start=1):
        _line(w, root, kind, number, figures)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _party(w: _Writer, role: _Element, party: Seller | Buyer) -> None:
    element = w.cac(role, "Party")
    if party.endpoint is not None:
        w.cbc(element, "EndpointID", party.endpoint.identifier, schemeID=party.endpoint.scheme)
    if isinstance(party, Buyer):
        w.cbc(w.cac(element, "PartyIdentification"), "ID", party.customer_number)
    w.cbc(w.cac(element, "PartyName"), "Name", party.name)
    _address(w, w.cac(element, "PostalAddress"), party.address)
    if party.vat_id:
        scheme = w.cac(element, "PartyTaxScheme")
        w.cbc(scheme, "CompanyID", party.vat_id)
        w.cbc(w.cac(scheme, "TaxScheme"), "ID", "VAT")
    legal = w.cac(element, "PartyLegalEntity")
    w.cbc(legal, "RegistrationName", party.name)
    if isinstance(party, Seller) and party.legal_id:
        w.cbc(legal, "CompanyID", party.legal_id)
    if party.email:
        w.cbc(w.cac(element, "Contact"), "ElectronicMail", party.email)


def _address(w: _Writer, element: _Element, address: PostalAddress) -> None:
    for tag, text in zip(("StreetName", "AdditionalStreetName"), address.lines, strict=False):
        w.cbc(element, tag, text)
    if address.city:
        w.cbc(element, "CityName", address.city)
    if address.postcode:
        w.cbc(element, "PostalZone", address.postcode)
    if len(address.lines) > 2:
        w.cbc(w.cac(element, "AddressLine"), "Line", " ".join(address.lines[2:]))
    w.cbc(w.cac(element, "Country"), "IdentificationCode", address.country)


def _payment(w: _Writer, root: _Element, invoice: IssuedInvoice) -> None:
    draft = invoice.draft
    if not invoice.is_credit_note:
        means = w.cac(root, "PaymentMeans")
        w.cbc(means, "PaymentMeansCode", "58")  # SEPA credit transfer (UNTDID 4461)
        if draft.payment_reference:
            w.cbc(means, "PaymentID", draft.payment_reference)
        account = w.cac(means, "PayeeFinancialAccount")
        w.cbc(account, "ID", draft.seller.iban.replace(" ", ""))
        if draft.seller.bic:
            w.cbc(w.cac(account, "FinancialInstitutionBranch"), "ID", draft.seller.bic)
    if draft.terms and has_text(draft.terms):
        w.cbc(w.cac(root, "PaymentTerms"), "Note", draft.terms)


def _tax_total(w: _Writer, root: _Element, invoice: IssuedInvoice) -> None:
    total = w.cac(root, "TaxTotal")
    w.amount(total, "TaxAmount", invoice.total_tax)
    for subtotal in invoice.breakdown:
        _subtotal(w, total, subtotal)


def _subtotal(w: _Writer, total: _Element, subtotal: TaxSubtotal) -> None:
    element = w.cac(total, "TaxSubtotal")
    w.amount(element, "TaxableAmount", subtotal.taxable)
    w.amount(element, "TaxAmount", subtotal.tax)
    category = w.cac(element, "TaxCategory")
    w.cbc(category, "ID", subtotal.category.value)
    if subtotal.category is not TaxCategory.NOT_SUBJECT:  # BR-O-05: O has no rate
        w.cbc(category, "Percent", rate_text(subtotal.rate))
    if subtotal.exemption_code:
        w.cbc(category, "TaxExemptionReasonCode", subtotal.exemption_code)
    if subtotal.exemption_reason:
        w.cbc(category, "TaxExemptionReason", subtotal.exemption_reason)
    w.cbc(w.cac(category, "TaxScheme"), "ID", "VAT")


def _monetary_total(w: _Writer, root: _Element, invoice: IssuedInvoice) -> None:
    total = w.cac(root, "LegalMonetaryTotal")
    w.amount(total, "LineExtensionAmount", invoice.total_net)
    w.amount(total, "TaxExclusiveAmount", invoice.total_net)
    w.amount(total, "TaxInclusiveAmount", invoice.total_gross)
    w.amount(total, "PayableAmount", invoice.amount_due)


def _line(w: _Writer, root: _Element, kind: str, number: int, figures: LineFigures) -> None:
    line = figures.line
    element = w.cac(root, f"{kind}Line")
    w.cbc(element, "ID", str(number))
    quantity_tag = "CreditedQuantity" if kind == "CreditNote" else "InvoicedQuantity"
    w.cbc(element, quantity_tag, number_text(line.quantity), unitCode=line.unit_code)
    w.amount(element, "LineExtensionAmount", figures.net)
    item = w.cac(element, "Item")
    w.cbc(item, "Name", line.description)
    category = w.cac(item, "ClassifiedTaxCategory")
    w.cbc(category, "ID", line.tax_category.value)
    if line.tax_category is not TaxCategory.NOT_SUBJECT:
        w.cbc(category, "Percent", rate_text(line.tax_rate))
    w.cbc(w.cac(category, "TaxScheme"), "ID", "VAT")
    price = w.cac(element, "Price")
    w.cbc(price, "PriceAmount", number_text(line.unit_price), currencyID=w.currency)
