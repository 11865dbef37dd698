"""Label words and value recognisers for reading invoices of any layout. Pure: no IO.

Labels are compared in a *squashed* form: casefolded, accents and everything but letters
dropped, words of a span joined. So ``Rechnungs-Nr.``, ``Rechnungsnr.``, ``F actuurnummer:``
(a drop capital pdfplumber reads as its own word) and ``N° facture`` compare as
``rechnungsnr``, ``factuurnummer`` and ``nfacture``. The functions here look at one line of
:class:`Word` objects (left to right) from a given index; :mod:`parsers.invoice_pdf` walks
the lines and ranks what they find.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal

from core.errors import AmountFormatError
from core.money import parse_amount
from parsers.ascii_numbers import ascii_date, ascii_int
from parsers.pdf_text import Word

#: Letters NFKD does not decompose into a base letter and an accent.
_UNDECOMPOSED = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "æ": "ae", "œ": "oe"})


def squash(text: str) -> str:
    """``text`` casefolded, without accents and without anything that is not a letter."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_UNDECOMPOSED))
    return "".join(c for c in decomposed if c.isalpha())


def _span(line: list[Word], start: int, length: int) -> str:
    """The squashed label of ``length`` words from ``start``; ``""`` when a word of the span
    has no letters (a value or a colon is never part of a label)."""
    keys = [squash(w.text) for w in line[start : start + length]]
    return "".join(keys) if all(keys) else ""


# --- invoice numbers --------------------------------------------------------------------------

#: Words that name the document itself.
DOC_NOUNS = frozenset(
    {
        "invoice", "taxinvoice", "rechnung", "facture", "factura", "fattura", "factuur",
        "faktura", "faktury", "fakturavat", "gutschrift", "avoir", "creditnote",
        "rechnungskorrektur", "nota",
    }
)  # fmt: skip
#: Words meaning "number" (squashed); ``N°`` squashes to ``n`` and ``Nº`` to ``no``.
MARKERS = frozenset({"nr", "no", "n", "num", "number", "nummer", "numero", "nro", "numer", "id"})
_RAW_MARKERS = frozenset({"#", "n°", "nº", "№"})
#: Document noun and marker written as one label: ``invoiceno``, ``rechnungsnr``,
#: ``numerodefacture``, ``nfacture``, ``factuurnummer``, ``nrfaktury``…
NUMBER_LABELS = frozenset(
    {noun + link + marker for noun in DOC_NOUNS for link in ("", "s", "vat") for marker in MARKERS}
    | {marker + link + noun for noun in DOC_NOUNS for link in ("", "de", "di", "der", "del", "du")
       for marker in MARKERS}
)  # fmt: skip
#: Other document references a receipt or voucher is known by; used only when no invoice
#: label is found (an OYO hotel receipt calls its number "Booking ID").
FALLBACK_NUMBER_LABELS = frozenset(
    {
        "receiptno", "receiptnumber", "documentno", "documentnumber", "docno", "bookingid",
        "bookingno", "bookingnumber", "bookingreference", "belegnr", "belegnummer", "billno",
        "billnumber", "referenceno",
    }
)  # fmt: skip
#: Words that end the search for a marker after a document noun: the number that follows is
#: another document's ("Rechnung gemäß Bestellung Nr. 2018-471331").
_OTHER_REFS = frozenset(
    {
        "bestellung", "order", "lieferung", "delivery", "kunde", "kunden", "customer", "client",
        "auftrag", "vertrag", "contract", "po", "purchase", "commande", "pedido", "ordine",
        "klant", "account", "konto", "ust", "steuer", "seite", "page", "datum", "date", "vom",
        "du", "gemass", "liee", "zu", "to", "for",
    }
)  # fmt: skip
_CODE_RE = re.compile(r"\(\d{1,4}\)")  # a type code in a title: "Handelsrechnung (380) Nr."
_REF_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_\-.]{0,39}")
_DATE_RE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")
_MONEY_RE = re.compile(r"-?\d{1,3}(?:[.,]\d{3})*[.,]\d{2}")


def is_noun(text: str) -> bool:
    """Whether ``text`` names an invoice-like document (German compounds included)."""
    key = squash(text)
    return key in DOC_NOUNS or (key.endswith(("rechnung", "gutschrift")) and len(key) <= 24)


def is_marker(text: str) -> bool:
    bare = text.strip(":.")
    return bare.casefold() in _RAW_MARKERS or (bool(bare) and squash(bare) in MARKERS)


def is_ref(text: str) -> bool:
    """Whether ``text`` looks like a document number: has a digit, is not a date or money."""
    bare = text.strip(".,;:()[]").lstrip("#")
    return (
        bool(_REF_RE.fullmatch(bare))
        and any(c.isdigit() for c in bare)
        and not _DATE_RE.fullmatch(bare)
        and not _MONEY_RE.fullmatch(bare)
    )


def number_label_at(
    line: list[Word], index: int, *, above: list[Word] | None
) -> tuple[int, int] | None:
    """``(end, tier)`` of an invoice number label starting at ``line[index]``, else None.

    Tiers: 0 a noun with a marker (``Invoice No``, ``Rechnung des Versicherers (575) Nr.``),
    1 a bare marker under a document title (``INVOICE`` over ``# 1001``), 2 a bare noun
    (``Invoice INV/2023/03/0008``), 3 a fallback label (``Booking ID``).
    """
    for length in (4, 3, 2, 1):
        if index + length <= len(line) and _span(line, index, length) in NUMBER_LABELS:
            return index + length, 0
    if is_noun(line[index].text):
        for k in range(index + 1, min(index + 7, len(line))):
            text = line[k].text
            if is_marker(text):
                return k + 1, 0
            key = squash(text)
            if not (_CODE_RE.fullmatch(text) or (key and key not in _OTHER_REFS and not
                    any(c.isdigit() for c in text))):  # fmt: skip
                break
        return index + 1, 2
    word = line[index]
    if index == 0 and above and is_marker(word.text):
        for title in above:
            gap = word.top - title.bottom
            overlaps = min(title.x1, word.x1) - max(title.x0, word.x0) > 0
            if overlaps and 0 <= gap < word.height and is_noun(title.text):
                return index + 1, 1
    for length in (3, 2, 1):
        if index + length <= len(line) and _span(line, index, length) in FALLBACK_NUMBER_LABELS:
            return index + length, 3
    return None


def ref_at(line: list[Word], start: int, *, strict: bool) -> str | None:
    """The document number at ``line[start]``, after a ``:`` or ``#`` (only ``:`` when
    ``strict``), or None."""
    skippable = {":"} if strict else {":", "#", "-", "–", ":#"}
    k = start
    while k < len(line) and k < start + 3 and line[k].text in skippable:
        k += 1
    if k < len(line) and is_ref(line[k].text):
        return line[k].text.strip(".,;:()[]").lstrip("#")
    return None


# --- totals -----------------------------------------------------------------------------------

#: Total labels (squashed) and their class: 0 the amount due, 1 the grand total, 2 a total.
TOTAL_LABELS: dict[str, int] = {
    **dict.fromkeys(
        (
            "amountdue", "totalamountdue", "balancedue", "totaldue", "amountpayable",
            "totalpayable", "duepayable", "amounttopay", "totaltopay", "zahlbetrag", "zuzahlen",
            "zuzahlenderbetrag", "gesamtzahlbetrag", "netapayer", "sommeapayer", "soldeapayer",
            "montantapayer", "resteapayer", "totalapayer", "montantdu", "importeapagar",
            "totalapagar", "totaleapagare", "importodapagare", "nettoapagare",
            "totaledapagare", "tebetalen", "totaaltebetalen", "dozaplaty", "kwotadozaplaty",
            "razemdozaplaty",
        ),
        0,
    ),
    **dict.fromkeys(
        (
            "grandtotal", "totalttc", "montantttc", "totalinclvat", "totalincltax",
            "totalinklmwst", "totalinklust", "bruttosumme", "bruttobetrag", "brutto",
            "gesamtbetrag", "gesamtsumme", "gesamtbrutto", "rechnungsbetrag", "rechnungssumme",
            "endbetrag", "rechnungsendbetrag", "totalfactura", "importetotal", "totalegenerale",
            "totaledocumento", "totalefattura", "importototale", "totaalinclbtw",
            "factuurtotaal", "factuurbedrag", "totaalbedrag", "invoicetotal", "totalinvoice",
            "totalforthisinvoice", "totalbrutto", "wartoscbrutto", "invoiceamount",
            "totalamount",
        ),
        1,
    ),
    **dict.fromkeys(
        ("total", "totaal", "totale", "summe", "gesamt", "montanttotal", "totalfacture",
         "razem", "suma", "importe"),
        2,
    ),
}  # fmt: skip
#: A word before ``Total`` that makes it a part: ``Net total``, ``Tax Total``, ``Subtotal``.
_PART_PREFIXES = frozenset(
    {"sub", "tax", "vat", "net", "netto", "nett", "mwst", "ust", "tva", "btw", "iva", "steuer",
     "line", "zwischen", "ht", "page", "items"}
)  # fmt: skip
#: Words allowed between a total label and its amount (``TOTAL AMOUNT DUE ON August 3, 2014
#: $4.11``); any other word ends the search.
_AMOUNT_FILLERS = frozenset({"on", "am", "le", "au", "per", "ttc", "the"})
_INCLUDING = frozenset({"incl", "inkl", "inclusive", "including", "inclusief", "incluido"})
_TAX_WORDS = frozenset({"vat", "mwst", "ust", "tva", "btw", "iva", "tax", "gst", "taxes"})
_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "₹": "INR"}
#: ISO 4217 codes recognised as a currency when written alone.
CURRENCY_CODES = frozenset(
    {"EUR", "USD", "GBP", "CHF", "INR", "PLN", "SEK", "NOK", "DKK", "CZK", "HUF", "JPY", "CAD",
     "AUD", "NZD", "RON", "BGN", "TRY", "CNY", "SGD", "HKD", "ZAR", "MXN", "BRL"}
)  # fmt: skip
_AMOUNT_RE = re.compile(r"[-+(]?\d[\d.,]*\)?-?(?:CR)?")
_GROUP_RE = re.compile(r"\d{3}(?:[.,]\d{1,2})?")


def total_label_at(line: list[Word], index: int) -> tuple[int, int] | None:
    """``(end, class)`` of a total label starting at ``line[index]``, else None."""
    for length in (4, 3, 2, 1):
        if index + length > len(line):
            continue
        klass = TOTAL_LABELS.get(_span(line, index, length))
        if klass is None:
            continue
        if index and squash(line[index - 1].text) in _PART_PREFIXES:
            return None
        return index + length, klass
    return None


def currency_of(text: str) -> str | None:
    """The currency ``text`` names (``€``, ``EUR``, ``Rs.``, ``zł``…) or None."""
    bare = text.strip(".,:;()[]*")
    if bare.upper() in CURRENCY_CODES and bare.isalpha():
        return bare.upper()
    if bare in {"Rs", "Rs.", "₹"}:
        return "INR"
    if bare.casefold() in {"zł", "zl"}:
        return "PLN"
    return next((code for symbol, code in _SYMBOLS.items() if symbol in text), None)


def amount_at(line: list[Word], start: int) -> tuple[Decimal, str | None] | None:
    """The amount a total label ending before ``line[start]`` labels, with its currency when
    one is written beside it. The last amount before a word that is not a filler wins (in
    ``Total 1 278.61 40.39 319.00`` the gross is last)."""
    found: Decimal | None = None
    currency: str | None = None
    including = False
    k = start
    while k < len(line):
        text = line[k].text
        amount, used = _amount_of(line, k)
        if amount is not None:
            found, k = amount, k + used
            currency = currency_of(text) or currency
            continue
        key = squash(text)
        code = currency_of(text)
        if code is not None and len(key) <= 3:
            currency, k = code, k + 1
            continue
        if not key or key in _AMOUNT_FILLERS or key in MONTHS:
            k += 1
            continue
        if key in _INCLUDING or (including and key in _TAX_WORDS):
            including, k = True, k + 1
            continue
        break
    return (found, currency) if found is not None else None


def _amount_of(line: list[Word], k: int) -> tuple[Decimal | None, int]:
    """The amount written at ``line[k]`` and how many words it takes (``2 076,76`` is two)."""
    text = "".join(c for c in line[k].text if c not in _SYMBOLS).strip()
    if not _AMOUNT_RE.fullmatch(text):
        return None, 1
    used = 1
    while (
        k + used < len(line)
        and re.fullmatch(r"-?\d{1,3}(?: \d{3})*", text)
        and _GROUP_RE.fullmatch(line[k + used].text.rstrip("€$£"))
        and line[k + used].x0 - line[k + used - 1].x1 < 0.5 * line[k].height
    ):
        text = f"{text} {line[k + used].text.rstrip('€$£')}"
        used += 1
    try:
        return parse_amount(text), used
    except AmountFormatError:
        return None, 1


# --- dates ------------------------------------------------------------------------------------

#: Date labels (squashed) and their tier: 0 says it is the invoice's date, 1 just "date".
DATE_LABELS: dict[str, int] = {
    **dict.fromkeys(
        ("invoicedate", "dateofinvoice", "rechnungsdatum", "datedefacture", "datefacture",
         "fechadefactura", "fechafactura", "datafattura", "factuurdatum", "datawystawienia",
         "belegdatum", "ausstellungsdatum", "issuedate", "dateofissue", "datedemission",
         "fechadeemision", "datadiemissione", "billdate", "invoicedated"),
        0,
    ),
    **dict.fromkeys(("date", "datum", "fecha", "data", "dated"), 1),
}  # fmt: skip
#: Words after a document number that introduce its date: ``Nr. 471102 vom 05.03.2018``.
_DATE_AFTER_REF = frozenset({"vom", "du", "del", "dated", "issuedat", "dd"})
_NOT_ISSUE = frozenset(
    {"due", "order", "delivery", "shipping", "ship", "payment", "check", "in", "out", "start",
     "end", "expiry", "value", "liefer", "leistungs"}
)  # fmt: skip
MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            "january jan januar janvier januari enero gennaio",
            "february feb februar fevrier februari febrero febbraio",
            "march mar marz maerz mars maart marzo",
            "april apr avril abril aprile",
            "may mai mei mayo maggio",
            "june jun juni juin junio giugno",
            "july jul juli juillet juil julio luglio",
            "august aug aout augustus agosto",
            "september sep sept septembre septiembre settembre",
            "october oct oktober octobre octubre ottobre okt",
            "november nov novembre noviembre",
            "december dec dezember decembre diciembre dicembre dez",
        ),
        start=1,
    )
    for name in names.split()
}
_ISO_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})\b")
NUMERIC_DATE_RE = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})\b")
_DAY_MONTH_RE = re.compile(r"(\d{1,2})\.?\s+([^\W\d_]+)\.?,?\s+(\d{4})\b")
_MONTH_DAY_RE = re.compile(r"([^\W\d_]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\s*,?\s+(\d{4})\b")


def date_label_at(line: list[Word], index: int) -> tuple[int, int] | None:
    """``(end, tier)`` of an issue date label starting at ``line[index]``, else None. Tier 2
    is ``vom``/``du`` right after a document number."""
    for length in (3, 2, 1):
        if index + length > len(line):
            continue
        tier = DATE_LABELS.get(_span(line, index, length))
        if tier is not None:
            if index and squash(line[index - 1].text) in _NOT_ISSUE:
                return None
            return index + length, tier
    for length in (2, 1):
        after_ref = index and is_ref(line[index - 1].text)
        if after_ref and _span(line, index, length) in _DATE_AFTER_REF:
            return index + length, 2
    return None


def date_at(line: list[Word], start: int, *, us_order: bool) -> date | None:
    """The date written from ``line[start]`` on (a few words at most), or None. ``03/04/2024``
    is read day first unless ``us_order`` (or unless only the other order is a date)."""
    k = start
    while k < len(line) and line[k].text in {":", "-"}:
        k += 1
    text = " ".join(w.text for w in line[k : k + 5]).lstrip(": ")
    if match := _ISO_RE.match(text):
        return ascii_date(match[1], match[2], match[3])
    if match := NUMERIC_DATE_RE.match(text):
        first, second = ascii_int(match[1], maximum=99), ascii_int(match[2], maximum=99)
        year = ascii_int(match[3], maximum=9999)
        if first is None or second is None or year is None:  # another script's digits
            return None
        year += 2000 if year < 100 else 0
        day, month = (second, first) if us_order else (first, second)
        if month > 12 >= day:  # only the other order is a date
            day, month = month, day
        return ascii_date(year, month, day)
    if match := _DAY_MONTH_RE.match(text):
        named = MONTHS.get(squash(match[2]))
        return ascii_date(match[3], named, match[1]) if named else None
    if match := _MONTH_DAY_RE.match(text):
        named = MONTHS.get(squash(match[1]))
        return ascii_date(match[3], named, match[2]) if named else None
    return None
