"""The words printed on an issued invoice or credit note (issue 24), in English, German,
French, Spanish and Dutch, beside :mod:`outbound.pdf_labels` (whose shared words, such as
``invoice_number`` and ``bill_to``, these documents use too). Pure data: no IO.

Kept apart from :mod:`outbound.pdf_labels` only because together they would pass the
400-line limit of a module. A language not here gets English.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.locales import language_of


@dataclass(frozen=True, slots=True)
class IssuedLabels:
    """Every fixed text of the issued invoice and credit note."""

    invoice_title: str
    credit_note_title: str
    invoice_doc: str  # document title: "Invoice {number}"
    credit_note_doc: str  # "Credit note {number}"
    footer: str  # "{company} · {document}"
    credit_note_number: str
    credit_note_date: str
    po_number: str
    delivery_date: str
    credits_invoice: str  # "Credits invoice {number}"
    credits_invoice_of: str  # "Credits invoice {number} of {date}"
    vat_id: str
    description: str
    quantity: str
    unit_price: str
    tax_rate: str
    net: str
    tax_breakdown: str
    taxable: str
    tax: str
    total_net: str
    total_tax: str
    total_gross: str
    amount_due: str
    credited: str
    bank_details: str
    payment_reference: str
    pay_by: str  # "Please pay {amount} by {date}, quoting {reference}."
    scan_to_pay: str
    nothing_to_pay: str


ENGLISH = IssuedLabels(
    invoice_title="Invoice",
    credit_note_title="Credit note",
    invoice_doc="Invoice {number}",
    credit_note_doc="Credit note {number}",
    footer="{company} · {document}",
    credit_note_number="Credit note number",
    credit_note_date="Credit note date",
    po_number="Your order",
    delivery_date="Delivery date",
    credits_invoice="Credits invoice {number}",
    credits_invoice_of="Credits invoice {number} of {date}",
    vat_id="VAT ID",
    description="Description",
    quantity="Quantity",
    unit_price="Unit price",
    tax_rate="VAT %",
    net="Net",
    tax_breakdown="VAT breakdown",
    taxable="Taxable amount",
    tax="VAT",
    total_net="Total net",
    total_tax="Total VAT",
    total_gross="Total",
    amount_due="Amount due",
    credited="Amount credited",
    bank_details="Bank details",
    payment_reference="Payment reference",
    pay_by="Please pay {amount} by {date}, quoting {reference}.",
    scan_to_pay="Scan with your banking app to pay",
    nothing_to_pay="This credit note reduces what you owe us; there is nothing to pay.",
)

GERMAN = IssuedLabels(
    invoice_title="Rechnung",
    credit_note_title="Gutschrift",
    invoice_doc="Rechnung {number}",
    credit_note_doc="Gutschrift {number}",
    footer="{company} · {document}",
    credit_note_number="Gutschriftsnummer",
    credit_note_date="Gutschriftsdatum",
    po_number="Ihre Bestellung",
    delivery_date="Lieferdatum",
    credits_invoice="Gutschrift zu Rechnung {number}",
    credits_invoice_of="Gutschrift zu Rechnung {number} vom {date}",
    vat_id="USt-IdNr.",
    description="Beschreibung",
    quantity="Menge",
    unit_price="Einzelpreis",
    tax_rate="USt. %",
    net="Netto",
    tax_breakdown="Umsatzsteuer",
    taxable="Bemessungsgrundlage",
    tax="USt.",
    total_net="Summe netto",
    total_tax="Summe USt.",
    total_gross="Gesamtbetrag",
    amount_due="Zu zahlen",
    credited="Gutgeschriebener Betrag",
    bank_details="Bankverbindung",
    payment_reference="Verwendungszweck",
    pay_by="Bitte zahlen Sie {amount} bis zum {date} mit dem Verwendungszweck {reference}.",
    scan_to_pay="Mit Ihrer Banking-App scannen und bezahlen",
    nothing_to_pay="Diese Gutschrift mindert Ihre Schuld; es ist nichts zu zahlen.",
)

FRENCH = IssuedLabels(
    invoice_title="Facture",
    credit_note_title="Avoir",
    invoice_doc="Facture {number}",
    credit_note_doc="Avoir {number}",
    footer="{company} · {document}",
    credit_note_number="N° d'avoir",
    credit_note_date="Date de l'avoir",
    po_number="Votre commande",
    delivery_date="Date de livraison",
    credits_invoice="Avoir sur la facture {number}",
    credits_invoice_of="Avoir sur la facture {number} du {date}",
    vat_id="N° TVA",
    description="Désignation",
    quantity="Quantité",
    unit_price="Prix unitaire",
    tax_rate="TVA %",
    net="Montant HT",
    tax_breakdown="Détail de la TVA",
    taxable="Base HT",
    tax="TVA",
    total_net="Total HT",
    total_tax="Total TVA",
    total_gross="Total TTC",
    amount_due="Net à payer",
    credited="Montant de l'avoir",
    bank_details="Coordonnées bancaires",
    payment_reference="Référence de paiement",
    pay_by="Merci de régler {amount} avant le {date} en indiquant la référence {reference}.",
    scan_to_pay="Scannez avec votre application bancaire pour payer",
    nothing_to_pay="Cet avoir réduit votre solde ; aucun paiement n'est à effectuer.",
)

SPANISH = IssuedLabels(
    invoice_title="Factura",
    credit_note_title="Factura rectificativa",
    invoice_doc="Factura {number}",
    credit_note_doc="Factura rectificativa {number}",
    footer="{company} · {document}",
    credit_note_number="N.º de factura rectificativa",
    credit_note_date="Fecha de emisión",
    po_number="Su pedido",
    delivery_date="Fecha de entrega",
    credits_invoice="Rectifica la factura {number}",
    credits_invoice_of="Rectifica la factura {number} del {date}",
    vat_id="NIF-IVA",
    description="Descripción",
    quantity="Cantidad",
    unit_price="Precio unitario",
    tax_rate="IVA %",
    net="Importe neto",
    tax_breakdown="Desglose del IVA",
    taxable="Base imponible",
    tax="IVA",
    total_net="Total neto",
    total_tax="Total IVA",
    total_gross="Total",
    amount_due="Importe a pagar",
    credited="Importe abonado",
    bank_details="Datos bancarios",
    payment_reference="Referencia de pago",
    pay_by="Le rogamos pague {amount} antes del {date} indicando la referencia {reference}.",
    scan_to_pay="Escanee con su aplicación bancaria para pagar",
    nothing_to_pay="Esta factura rectificativa reduce su saldo; no hay nada que pagar.",
)

DUTCH = IssuedLabels(
    invoice_title="Factuur",
    credit_note_title="Creditnota",
    invoice_doc="Factuur {number}",
    credit_note_doc="Creditnota {number}",
    footer="{company} · {document}",
    credit_note_number="Creditnotanummer",
    credit_note_date="Creditnotadatum",
    po_number="Uw bestelling",
    delivery_date="Leverdatum",
    credits_invoice="Creditnota bij factuur {number}",
    credits_invoice_of="Creditnota bij factuur {number} van {date}",
    vat_id="Btw-nummer",
    description="Omschrijving",
    quantity="Aantal",
    unit_price="Stukprijs",
    tax_rate="Btw %",
    net="Netto",
    tax_breakdown="Btw-specificatie",
    taxable="Grondslag",
    tax="Btw",
    total_net="Totaal netto",
    total_tax="Totaal btw",
    total_gross="Totaal",
    amount_due="Te betalen",
    credited="Gecrediteerd bedrag",
    bank_details="Bankgegevens",
    payment_reference="Betalingskenmerk",
    pay_by="Gelieve {amount} vóór {date} te betalen onder vermelding van {reference}.",
    scan_to_pay="Scan met uw bankapp om te betalen",
    nothing_to_pay="Deze creditnota verlaagt uw openstaande bedrag; u hoeft niets te betalen.",
)

#: The labels of each language.
LABELS: dict[str, IssuedLabels] = {
    "en": ENGLISH,
    "de": GERMAN,
    "fr": FRENCH,
    "es": SPANISH,
    "nl": DUTCH,
}


def issued_labels(locale: str) -> IssuedLabels:
    """The labels for ``locale``'s language; English for a language without its own."""
    return LABELS.get(language_of(locale), ENGLISH)
