"""Column roles of a remittance table from its header words, in several languages. Pure.

:func:`header_role` names what a header cell says its column holds; :mod:`parsers.tables`
finds the header row with it and reads the rows below. Words are compared casefolded and
without accents, so ``N° Facture``, ``Kürzung`` and ``Importe pagado`` need no special
spelling. The rules are tried in order: the first that matches decides, so ``Payment date``
is a date (not the amount paid), ``Invoice amount`` is the gross (not our reference) and
``Deduction reason`` is the reason.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from enum import StrEnum


class Role(StrEnum):
    """What a column of a remittance table holds."""

    REF = "ref"  # our invoice number ("Your reference", "Rechnungsnr.", "Facture")
    DOC = "doc"  # a document number that may be ours or the payer's ("Document", "Doc no.")
    THEIRS = "theirs"  # the payer's own document number ("Our doc.", "Unsere Belegnr.")
    DATE = "date"
    GROSS = "gross"
    DISCOUNT = "discount"
    DEDUCTION = "deduction"
    REASON = "reason"
    NET = "net"
    DESCRIPTION = "description"
    TYPE = "type"  # document type: invoice / credit memo ("Gutschrift", "Avoir")
    CURRENCY = "currency"
    PAYMENT_REF = "payment_ref"  # a check or payment number per row
    OTHER = "other"  # PO, customer, account, open balance: never read as a line field


#: Roles whose cells are amounts.
AMOUNT_ROLES = frozenset({Role.GROSS, Role.DISCOUNT, Role.DEDUCTION, Role.NET})

_W = r"(?<![a-z])"  # a word start (header text is casefolded and accent-free)
_SUPPLIER = r"(?:supplier|vendor|lieferant(?:en)?|kreditor|fournisseur|proveedor|leverancier)"
_DOCUMENT = (
    r"(?:inv\w*|rechnung\w*|factur\w*|factuur\w*|bill|doc\w*|beleg\w*|ref\w*|referenz"
    r"|referencia|kenmerk)"
)
#: A column the payer's AP export names after the supplier's document: the supplier's (our)
#: invoice number, beside the payer's own "Invoice ID" ("Supplier Inv No", "Supplier
#: Document No", "Rechnungsnr. Lieferant", "Ref. proveedor", "N° facture fournisseur",
#: "Factuurnr. leverancier", "Fremdbelegnummer"). Not "Vendor ID" or "Lieferantennr.": those
#: number the supplier itself.
SUPPLIER_DOCUMENT_RE = re.compile(
    rf"^{_SUPPLIER}\s*{_DOCUMENT}\.?\s*(?:no|nr|number|num|#|id|ref\w*)?\.?$"
    rf"|^(?:n[o°º]?\s*)?(?:de\s+(?:la\s+)?)?{_DOCUMENT}\.?\s*(?:no|nr|number|num)?\.?\s*"
    rf"(?:del?\s+|du\s+|of\s+(?:the\s+)?)?{_SUPPLIER}$"
    r"|^fremdbeleg\w*|^external\s+doc\w*"
)
#: (pattern over the normalised header text, role), first match wins.
_RULES: tuple[tuple[re.Pattern[str], Role], ...] = tuple(
    (re.compile(pattern), role)
    for pattern, role in (
        (
            r"^(?:check|cheque|chk|scheck)(?:\s*(?:no|nr|number|num|ref\w*|id))?$"
            r"|^(?:payment|pmt|zahlungs?)\s*(?:ref\w*|no|nr|number|id)$|^trace\b|^transaction\b"
            # the label the other way round, in other languages: "Réf. virement", ...
            # ("N° de règlement" is "n de reglement" once normalised: the ° is punctuation)
            r"|^(?:ref\w*|n[o°º]?|nr|num\w*)\.?\s*(?:du\s+|de\s+la\s+|de\s+|del\s+)?"
            r"(?:virement|paiement|reglement|pago|transferencia|zahlung|uberweisung|betaling)$"
            r"|^betalingskenmerk$|^zahlungs?n(?:r|ummer)\.?$|^betalingsn(?:r|ummer)\.?$",
            Role.PAYMENT_REF,
        ),
        (SUPPLIER_DOCUMENT_RE.pattern, Role.REF),
        (
            rf"{_W}(?:p\s?o|purchase|order|bestell\w*|auftrag\w*|commande|pedido|ordine"
            rf"|customer|cust|kunde\w*|client\w*|account|acct|konto|vendor|supplier"
            rf"|lieferant\w*|fournisseur|proveedor|fornitore|leverancier)\b",
            Role.OTHER,
        ),
        (
            rf"{_W}(?:reason|comments?|remarks?|grund|begrundung|motif|motivo|reden"
            rf"|bemerkung\w*|explanation|causa|raison|opmerking)\b|\w*grund\b",
            Role.REASON,
        ),
        (rf"{_W}(?:date|dated|fecha|data|dt)\b|datum\b|{_W}valuta\b", Role.DATE),
        (
            rf"{_W}(?:discount|disc|skonto|escompte|descuento|dto|sconto|korting|rabatt"
            rf"|remise|nachlass|kredietbeperking|betalingskorting)\w*",
            Role.DISCOUNT,
        ),
        (
            rf"{_W}(?:deduction|deducted|short\s?pa(?:y|id)|adjust\w*|abzug|abzuge|kurzung"
            rf"|retenue|deduccion|ajuste|detrazione|trattenuta|inhouding|minderung"
            rf"|chargeback|withh\w*|einbehalt\w*)|abzug\b",
            Role.DEDUCTION,
        ),
        (
            rf"{_W}(?:open|balance|outstanding|offen\w*|saldo|restbetrag|solde|pendiente"
            rf"|residuo|openstaand|remaining)\b",
            Role.OTHER,
        ),
        (
            rf"{_W}(?:net|nett|netto|neto|paid|payment|pmt|remitted|zahlbetrag|gezahlt"
            rf"|zahlung|bezahlt|ausgleich\w*|paye|payes|pagado|pagato|betaald|regle"
            rf"|verse|a\s+payer|importe\s+pagado|montant\s+paye|amount\s+applied|applied"
            # the payment itself as a column's name: "Règlement", "Settlement", "Abonado"
            rf"|reglements?|settle(?:ment|d)|abonad[oa]s?|abono|ingresado|transferido"
            rf"|uberwiesen|uberweisung|overgemaakt|betaling|voldaan)\b"
            rf"|zahlbetrag|nettobetrag|nettobedrag|betaald\s*bedrag|montant\s+net",
            Role.NET,
        ),
        (
            rf"{_W}(?:gross|brutto|bruto|amount|amt|betrag|montant|importe|importo|bedrag"
            rf"|total|totale|sum|summe|value|wert|invoice\s+amount|original|due)\b"
            rf"|betrag\b|bruttobetrag|brutobedrag|factuurbedrag|rechnungsbetrag|importe\s+bruto",
            Role.GROSS,
        ),
        (rf"{_W}(?:currency|curr|ccy|cur|wahrung|devise|moneda|divisa|munt)\b", Role.CURRENCY),
        (
            rf"{_W}(?:type|typ|art|belegart|doc\s+type|tipo|soort|genre|kind)\b|belegart",
            Role.TYPE,
        ),
        (
            rf"{_W}(?:description|desc|text|details?|beschreibung|bezeichnung|libelle"
            rf"|descripcion|concepto|omschrijving|descrizione|buchungstext|narrative"
            rf"|memo|particulars)\b",
            Role.DESCRIPTION,
        ),
        (
            rf"{_W}(?:our|unsere?|notre|nos|nuestr[oa]s?|onze|ons|nostr[oa]|payer|buyer)\b",
            Role.THEIRS,
        ),
        (
            rf"{_W}(?:your|ihre?|votre|vos|su|sus|uw|vostr[oa]|invoices?|inv|rechnung\w*|rg"
            rf"|re\s?nr|factures?|facturas?|fattur[ae]|factuur\w*|bill)\b"
            rf"|rechnung",
            Role.REF,
        ),
        (
            rf"{_W}(?:document|doc|dokument|beleg\w*|reference|ref|referenz|referencia"
            rf"|riferimento|referentie|kenmerk|number|num|no|nr|n|numero|nummer|id)\b|belegn|nummer\b",
            Role.DOC,
        ),
    )
)
_PUNCT_RE = re.compile(r"[^\w\s]+")
_SPACES_RE = re.compile(r"\s+")


def normalise_header(text: str) -> str:
    """``text`` casefolded, accents removed, punctuation turned into spaces, spaces collapsed
    (``"N° Facture"`` → ``"n facture"``, ``"Kürzung"`` → ``"kurzung"``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("ß", "ss"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES_RE.sub(" ", _PUNCT_RE.sub(" ", plain.replace("_", " "))).strip()


@functools.lru_cache(maxsize=4096)
def header_role(text: str) -> Role | None:
    """The role a header cell names, or None when its words say nothing known.

    >>> header_role("Ihre Belegnr."), header_role("Montant payé"), header_role("Skonto")
    (<Role.REF: 'ref'>, <Role.NET: 'net'>, <Role.DISCOUNT: 'discount'>)
    """
    words = normalise_header(text)
    if not words or len(words) > 60 or any(ch.isdigit() for ch in words):
        return None
    for pattern, role in _RULES:
        if pattern.search(words):
            return role
    return None
