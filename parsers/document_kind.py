"""Is a PDF a remittance advice or an invoice? Pure: no IO.

Payers attach our own invoice to a question, or their AP system mails the invoices it paid
beside the advice. An invoice's item table (description, quantity, price, amount) reads like
remittance lines, and taking it for one would apply cash nobody sent. So a document whose text
has the marks of an invoice (its title, bill-to, quantities and unit prices, tax, due date,
subtotals) and none of a payment (remittance, payment advice, check number, paid/transferred,
payment or value date) is an invoice and gives no remittance lines.

Measured on the real invoices of ``../shared/corpora/{invoice2data-tests,zugferd-corpus}``
(``tests/unit/parsers/test_document_kind.py``) and every remittance layout of the labelled
corpus (``make bench``).
"""

from __future__ import annotations

import re

#: Marks of an invoice, each counted once: a document with at least INVOICE_MARKS of them and
#: no payment mark is an invoice.
_INVOICE_MARKS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE | re.MULTILINE)
    for p in (
        # the title: the whole line, alone or with its number ("INVOICE", "Rechnung 4711"),
        # never a column header ("Invoice No.  Date  Amount")
        r"^\s*(?:tax\s+|commercial\s+|pro[\s-]?forma\s+|kopie\s+|copy\s+of\s+|copie\s+"
        r"|duplicate\s+)?(?:invoice|rechnung|facture|factura|fattura|factuur|faktura"
        r"|credit\s+note|gutschrift|avoir|nota\s+de\s+crédito)"
        r"(?:\s*[.:]?\s*$|\s*(?:no\.?|nr\.?|number|n°|#)?\s*:?\s*[\w/-]*\d)",
        r"\b(?:bill(?:ed)?\s+to|sold\s+to|ship\s+to|invoice\s+to|rechnungsempfänger"
        r"|rechnungsadresse|lieferanschrift|adresse\s+de\s+facturation|facturé\s+à"
        r"|facturar\s+a|cliente?\s*:)",
        r"\b(?:qty|quantity|menge|anzahl|quantité|qté|cantidad|quantità|aantal|unit\s+price"
        r"|einzelpreis|e-?preis|prix\s+unitaire|p\.?\s?u\.|precio\s+unitario|stückpreis"
        r"|hoeveelheid|aantal|prijs\s+per\s+stuk)\b",
        r"\b(?:vat|mwst|ust|umsatzsteuer|tva|iva|btw|gst|sales\s+tax|tax\s+id|steuernummer"
        r"|ust-?idnr?)\b",
        r"\b(?:due\s+date|payment\s+terms|terms\s+of\s+payment|zahlungsbedingungen|zahlbar"
        r"|fällig\w*|échéance|conditions\s+de\s+paiement|vencimiento|scadenza|vervaldatum"
        r"|date\s+limite\s+de\s+paiement)\b",
        r"\b(?:sub-?\s?total|zwischensumme|nettobetrag|total\s+(?:ht|ttc|net|excl)"
        r"|amount\s+due|balance\s+due|total\s+due|rechnungsbetrag|gesamtbetrag|net\s+à\s+payer"
        r"|invoice\s+total|subtotaal|totaal|total\s+facture|somme\s+à\s+payer)\b",
        r"\b(?:invoice\s+(?:no|number|#|nr)|rechnungs-?\s?(?:nr|nummer)|n°\s*de\s+facture"
        r"|numéro\s+de\s+facture|factura\s+n|factuur\s*(?:nr|nummer|datum|totaal))",
    )
)
INVOICE_MARKS = 3
#: Marks of a payment: any one of them and the document is read as a remittance.
_PAYMENT_RE = re.compile(
    r"\b(?:remittance\s+(?:advice|details|notice|summary|information|statement)|remitted"
    r"|payment\s+(?:advice|notification|notice|details|summary|reference\s*:)"
    r"|payment\s+date\s*:?\s*\d|advice\s+of\s+payment|zahlungs(?:avis|avise|datum|nr)"
    r"|ausführungstag|valuta|value\s+date|avis\s+de\s+(?:paiement|règlement|virement)"
    r"|aviso\s+de\s+pago|check\s+(?:no|number|date|#)|cheque\s+(?:no|number)|check\s+enclosed"
    r"|we\s+(?:have\s+)?(?:paid|transferred|remitted|wired)|(?:amount|net)\s+paid"
    r"|paid\s+(?:on|by|via|\d)|überwiesen|in\s+settlement|net\s+payé|montant\s+payé"
    r"|importe\s+pagado|hemos\s+pagado|nous\s+avons\s+(?:payé|réglé|viré))",
    re.IGNORECASE,
)
#: Titles set in spaced capitals ("Z A H L U N G S A V I S").
_SPACED_RE = re.compile(r"\b(?:[A-ZÄÖÜ] ){3,}[A-ZÄÖÜ]\b")


def _unspaced(text: str) -> str:
    return _SPACED_RE.sub(lambda m: m.group(0).replace(" ", ""), text)


def invoice_marks(text: str) -> int:
    """How many of the marks of an invoice ``text`` has."""
    text = _unspaced(text)
    return sum(1 for mark in _INVOICE_MARKS if mark.search(text))


def has_payment_mark(text: str) -> bool:
    """Whether ``text`` speaks of a payment the way a remittance advice does."""
    return _PAYMENT_RE.search(_unspaced(text)) is not None


def is_invoice_document(text: str) -> bool:
    """Whether ``text`` (a document's text, pages joined) is an invoice, not a remittance."""
    return not has_payment_mark(text) and invoice_marks(text) >= INVOICE_MARKS
