"""The words printed on the statement and invoice-copy PDFs, in English, German, French,
Spanish and Dutch (issue 21). Pure data: no IO.

A locale whose language is not here gets the English labels (its amounts and dates still in
its own formats). Placeholders in ``{braces}`` are filled with :meth:`str.format`.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.locales import language_of


@dataclass(frozen=True, slots=True)
class PdfLabels:
    """Every fixed text of the two documents."""

    page: str  # "Page {number}"
    remit_to: str
    customer: str  # "Customer {number}"
    customer_number: str
    currency: str
    invoice: str
    issued: str
    due: str
    amount: str
    balance: str
    total: str
    # The statement.
    statement_title: str
    statement_doc: str  # document title: "Statement {number} {as_of}"
    statement_footer: str  # "{company} · statement for {number} as of {as_of}"
    as_of: str
    statement_for: str
    total_due: str
    open_items: str
    open_items_total: str
    days_past_due: str
    credits: str
    credit_memo: str
    credit_for: str  # a credit memo's line: "CN-4 for INV-17"
    credits_total: str
    unapplied_cash: str
    received: str
    payment_reference: str
    unapplied_total: str
    aging: str
    aging_current: str
    summary: str
    less_credits: str
    less_unapplied: str
    # The invoice copy.
    copy_title: str
    copy_doc: str  # "Invoice {number} (copy)"
    copy_footer: str  # "{company} · copy of invoice {number}"
    invoice_number: str
    issue_date: str
    due_date: str
    bill_to: str
    terms: str
    open_balance: str
    copy_note: str


ENGLISH = PdfLabels(
    page="Page {number}",
    remit_to="Please remit to",
    customer="Customer {number}",
    customer_number="Customer number",
    currency="Currency",
    invoice="Invoice",
    issued="Issued",
    due="Due",
    amount="Amount",
    balance="Balance",
    total="Total",
    statement_title="Statement of account",
    statement_doc="Statement {number} {as_of}",
    statement_footer="{company} · statement for {number} as of {as_of}",
    as_of="As of",
    statement_for="Statement for",
    total_due="Total due",
    open_items="Open items",
    open_items_total="Open items total",
    days_past_due="Days past due",
    credits="Credits",
    credit_memo="Credit memo",
    credit_for="{number} for {invoice}",
    credits_total="Credits total",
    unapplied_cash="Unapplied cash",
    received="Received",
    payment_reference="Payment reference",
    unapplied_total="Unapplied total",
    aging="Aging (days past due)",
    aging_current="Current",
    summary="Summary",
    less_credits="Less credits",
    less_unapplied="Less unapplied cash",
    copy_title="Invoice (copy)",
    copy_doc="Invoice {number} (copy)",
    copy_footer="{company} · copy of invoice {number}",
    invoice_number="Invoice number",
    issue_date="Issue date",
    due_date="Due date",
    bill_to="Bill to",
    terms="Terms",
    open_balance="Open balance",
    copy_note="This is a copy of the invoice for your records.",
)

GERMAN = PdfLabels(
    page="Seite {number}",
    remit_to="Bitte überweisen Sie an",
    customer="Kundennummer {number}",
    customer_number="Kundennummer",
    currency="Währung",
    invoice="Rechnung",
    issued="Datum",
    due="Fällig",
    amount="Betrag",
    balance="Offen",
    total="Summe",
    statement_title="Kontoauszug",
    statement_doc="Kontoauszug {number} {as_of}",
    statement_footer="{company} · Kontoauszug für {number} zum {as_of}",
    as_of="Stand",
    statement_for="Kontoauszug für",
    total_due="Zu zahlender Betrag",
    open_items="Offene Posten",
    open_items_total="Summe offene Posten",
    days_past_due="Tage überfällig",
    credits="Gutschriften",
    credit_memo="Gutschrift",
    credit_for="{number} zu {invoice}",
    credits_total="Summe Gutschriften",
    unapplied_cash="Nicht zugeordnete Zahlungen",
    received="Eingang",
    payment_reference="Verwendungszweck",
    unapplied_total="Summe nicht zugeordnet",
    aging="Fälligkeitsstruktur (Tage überfällig)",
    aging_current="Nicht fällig",
    summary="Zusammenfassung",
    less_credits="Abzüglich Gutschriften",
    less_unapplied="Abzüglich nicht zugeordneter Zahlungen",
    copy_title="Rechnung (Kopie)",
    copy_doc="Rechnung {number} (Kopie)",
    copy_footer="{company} · Kopie der Rechnung {number}",
    invoice_number="Rechnungsnummer",
    issue_date="Rechnungsdatum",
    due_date="Fälligkeitsdatum",
    bill_to="Rechnungsempfänger",
    terms="Zahlungsbedingungen",
    open_balance="Offener Betrag",
    copy_note="Dies ist eine Kopie der Rechnung für Ihre Unterlagen.",
)

FRENCH = PdfLabels(
    page="Page {number}",
    remit_to="Merci de régler à",
    customer="Client n° {number}",
    customer_number="N° client",
    currency="Devise",
    invoice="Facture",
    issued="Date",
    due="Échéance",
    amount="Montant",
    balance="Solde",
    total="Total",
    statement_title="Relevé de compte",
    statement_doc="Relevé {number} {as_of}",
    statement_footer="{company} · relevé de compte de {number} au {as_of}",
    as_of="Arrêté au",
    statement_for="Relevé établi pour",
    total_due="Total à régler",
    open_items="Factures non réglées",
    open_items_total="Total des factures non réglées",
    days_past_due="Jours de retard",
    credits="Avoirs",
    credit_memo="Avoir",
    credit_for="{number} sur {invoice}",
    credits_total="Total des avoirs",
    unapplied_cash="Paiements non affectés",
    received="Reçu le",
    payment_reference="Référence du paiement",
    unapplied_total="Total non affecté",
    aging="Balance âgée (jours de retard)",
    aging_current="Non échu",
    summary="Récapitulatif",
    less_credits="Moins les avoirs",
    less_unapplied="Moins les paiements non affectés",
    copy_title="Facture (duplicata)",
    copy_doc="Facture {number} (duplicata)",
    copy_footer="{company} · duplicata de la facture {number}",
    invoice_number="N° de facture",
    issue_date="Date de facture",
    due_date="Date d'échéance",
    bill_to="Facturé à",
    terms="Conditions de paiement",
    open_balance="Solde restant dû",
    copy_note="Ce document est un duplicata de la facture, pour vos archives.",
)

SPANISH = PdfLabels(
    page="Página {number}",
    remit_to="Rogamos efectúen el pago a",
    customer="Cliente n.º {number}",
    customer_number="N.º de cliente",
    currency="Moneda",
    invoice="Factura",
    issued="Fecha",
    due="Vencimiento",
    amount="Importe",
    balance="Pendiente",
    total="Total",
    statement_title="Extracto de cuenta",
    statement_doc="Extracto {number} {as_of}",
    statement_footer="{company} · extracto de cuenta de {number} a {as_of}",
    as_of="Fecha de corte",
    statement_for="Extracto para",
    total_due="Total a pagar",
    open_items="Partidas pendientes",
    open_items_total="Total partidas pendientes",
    days_past_due="Días de retraso",
    credits="Abonos",
    credit_memo="Factura rectificativa",
    credit_for="{number} de {invoice}",
    credits_total="Total abonos",
    unapplied_cash="Pagos sin aplicar",
    received="Recibido",
    payment_reference="Referencia del pago",
    unapplied_total="Total sin aplicar",
    aging="Antigüedad de saldos (días de retraso)",
    aging_current="No vencido",
    summary="Resumen",
    less_credits="Menos abonos",
    less_unapplied="Menos pagos sin aplicar",
    copy_title="Factura (copia)",
    copy_doc="Factura {number} (copia)",
    copy_footer="{company} · copia de la factura {number}",
    invoice_number="N.º de factura",
    issue_date="Fecha de emisión",
    due_date="Fecha de vencimiento",
    bill_to="Facturar a",
    terms="Condiciones de pago",
    open_balance="Saldo pendiente",
    copy_note="Este documento es una copia de la factura para sus archivos.",
)

DUTCH = PdfLabels(
    page="Pagina {number}",
    remit_to="Gelieve te betalen aan",
    customer="Klantnummer {number}",
    customer_number="Klantnummer",
    currency="Valuta",
    invoice="Factuur",
    issued="Datum",
    due="Vervaldatum",
    amount="Bedrag",
    balance="Openstaand",
    total="Totaal",
    statement_title="Rekeningoverzicht",
    statement_doc="Rekeningoverzicht {number} {as_of}",
    statement_footer="{company} · rekeningoverzicht voor {number} per {as_of}",
    as_of="Per",
    statement_for="Rekeningoverzicht voor",
    total_due="Totaal te betalen",
    open_items="Openstaande posten",
    open_items_total="Totaal openstaande posten",
    days_past_due="Dagen vervallen",
    credits="Creditnota's",
    credit_memo="Creditnota",
    credit_for="{number} bij {invoice}",
    credits_total="Totaal creditnota's",
    unapplied_cash="Niet-toegewezen betalingen",
    received="Ontvangen",
    payment_reference="Betalingskenmerk",
    unapplied_total="Totaal niet toegewezen",
    aging="Ouderdomsanalyse (dagen vervallen)",
    aging_current="Niet vervallen",
    summary="Samenvatting",
    less_credits="Min creditnota's",
    less_unapplied="Min niet-toegewezen betalingen",
    copy_title="Factuur (kopie)",
    copy_doc="Factuur {number} (kopie)",
    copy_footer="{company} · kopie van factuur {number}",
    invoice_number="Factuurnummer",
    issue_date="Factuurdatum",
    due_date="Vervaldatum",
    bill_to="Factuuradres",
    terms="Betalingsvoorwaarden",
    open_balance="Openstaand bedrag",
    copy_note="Dit is een kopie van de factuur voor uw administratie.",
)

#: The labels of each language.
LABELS: dict[str, PdfLabels] = {
    "en": ENGLISH,
    "de": GERMAN,
    "fr": FRENCH,
    "es": SPANISH,
    "nl": DUTCH,
}


def pdf_labels(locale: str) -> PdfLabels:
    """The labels for ``locale``'s language; English for a language without its own."""
    return LABELS.get(language_of(locale), ENGLISH)
