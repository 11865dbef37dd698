"""Who paid, when, how and under which reference, from the free text of a remittance
(the mail body, the text of a PDF page). Pure: no IO.

Each fact is read from a labelled statement first ("Payer: Muster GmbH", "Valuta:
03.11.2026", "Check no. 10045") and from weaker evidence after (a company line with a
legal form in the letterhead, a method named in a sentence). Methods, in the order they are
looked for:

- ``ach``: ACH, CCD/CTX/PPD.
- ``eft``: EFT, electronic funds transfer, direct debit (Lastschrift, prélèvement,
  domiciliación) and a bare "SEPA": these move money in bank batches, like ACH.
- ``check``: check/cheque/Scheck/chèque/assegno, when written as a payment (a check
  number, "by check", "cheque enclosed"); "please check" is not one.
- ``wire``: wire, bank or credit transfer, Überweisung, virement, transferencia, bonifico,
  overboeking, SWIFT/TT. "SEPA-Überweisung" and "SEPA credit transfer" are wires: the
  word for a transfer wins over the scheme.
- ``card``: credit/debit card, Visa, Mastercard, Amex, Kreditkarte, carte bancaire.

Dates are read day-first when the text shows it is European (a day-first date such as
``31.12.2026`` or ``25/11/2026``, ``1.234,56`` amounts, or EUR/GBP/CHF), month-first otherwise.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from core.types import PaymentMethod
from parsers.ascii_numbers import ascii_date, ascii_int
from parsers.payer_name import clean_sender_name, read_payer_name

#: Text read at most; a remittance's payment facts are at its start.
MAX_TEXT_CHARS = 200_000

_MONTHS = {
    **dict.fromkeys(
        ("jan", "january", "januar", "janvier", "enero", "gennaio", "januari", "jän"), 1
    ),
    **dict.fromkeys(("feb", "february", "februar", "fevrier", "février", "febrero", "febbraio"), 2),
    **dict.fromkeys(("mar", "march", "mär", "märz", "maerz", "mars", "marzo", "maart"), 3),
    **dict.fromkeys(("apr", "april", "avril", "abril", "aprile"), 4),
    **dict.fromkeys(("may", "mai", "mayo", "maggio", "mei"), 5),
    **dict.fromkeys(("jun", "june", "juni", "juin", "junio", "giugno"), 6),
    **dict.fromkeys(("jul", "july", "juli", "juillet", "julio", "luglio"), 7),
    **dict.fromkeys(("aug", "august", "août", "aout", "agosto", "augustus"), 8),
    **dict.fromkeys(("sep", "sept", "september", "septembre", "septiembre", "settembre"), 9),
    **dict.fromkeys(("oct", "october", "okt", "oktober", "octobre", "octubre", "ottobre"), 10),
    **dict.fromkeys(("nov", "november", "novembre", "noviembre"), 11),
    **dict.fromkeys(
        ("dec", "december", "dez", "dezember", "décembre", "decembre", "diciembre", "dicembre"),
        12,
    ),
}
_MONTH = r"(?P<{g}>[a-zA-Zäéûô]{{3,10}})\.?"
#: A written date; :func:`parse_date` turns one into a ``date``.
DATE_RE = re.compile(
    r"(?<![\w.,/-])(?:"
    r"(?P<iy>\d{4})[-/.](?P<im>\d{1,2})[-/.](?P<id>\d{1,2})"
    r"|(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})"
    r"|" + _MONTH.format(g="m1") + r"\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{4})"
    r"|(?P<d2>\d{1,2})(?:st|nd|rd|th|er)?\.?\s*(?:de\s+)?"
    + _MONTH.format(g="m2")
    + r",?\s+(?:de\s+)?(?P<y2>\d{4})"
    r")(?![\w/-])",
    re.IGNORECASE,
)
_DATE_LABEL_RE = re.compile(
    r"\b(?:payment|pmt|value|settlement|transfer|remittance|check|cheque|posting|execution"
    r"|zahlungs|valuta|wert|überweisungs|ausführungs|buchungs|date\s+de\s+(?:paiement"
    r"|valeur|règlement|virement)|fecha\s+(?:de\s+)?(?:pago|valor)|data\s+(?:di\s+)?"
    r"(?:pagamento|valuta)|betaal|paid\s+on|transferred\s+on|sent\s+on)\s*(?:date|datum)?"
    r"\s*[:.]?\s*$",
    re.IGNORECASE,
)
#: Dates of other things: an invoice, a due date, an order.
_OTHER_DATE_LABEL_RE = re.compile(
    r"\b(?:invoice|inv|due|order|delivery|rechnungs|beleg|liefer|fällig\w*|facture|factura"
    r"|échéance|vencimiento|scadenza|vervaldatum)\w*\s*(?:date|datum|fecha|data)?\s*[:.]?\s*$",
    re.IGNORECASE,
)
_PLAIN_DATE_LABEL_RE = re.compile(r"\b(?:date|datum|fecha|data)\s*[:.]?\s*$", re.IGNORECASE)
_TOKEN = r"(?P<token>[A-Za-z0-9][\w/-]*\d[\w/-]*|\d+)"
_REF_LABEL = (
    r"ref(?:erence|erenz|erencia)?\b\.?|référence|riferimento|no\b\.?|nr\b\.?|n°"
    r"|number|nummer|num\b|numéro|número|#|id\b|code"
)
_PAYMENT_REF_RE = re.compile(
    r"\b(?:payment|pmt|remittance|transaction|trace|confirmation|check|cheque|chk|wire|ach"
    r"|eft|transfer|bank|zahlungs?|überweisungs?|scheck|avis|paiement|virement|chèque|pago"
    r"|transferencia|pagamento|bonifico|betaling)"
    r"\s*(?:(?:advice|avis|document|doc|beleg)\b\.?\s*(?:"
    + _REF_LABEL
    + r")?|"
    + _REF_LABEL
    + r")\s*[:#.]?\s*"
    + _TOKEN,
    re.IGNORECASE,
)
#: Romance word order: "Référence de paiement", "Número de cheque", "Riferimento bonifico".
_REF_OF_PAYMENT_RE = re.compile(
    r"\b(?:référence|reference|referencia|riferimento|numéro|numero|número|n°|no)\.?\s+"
    r"(?:(?:de|du|del|della|dello)\s+(?:la\s+|l')?)?(?:paiement|virement|chèque|cheque|pago"
    r"|transferencia|pagamento|bonifico|versement|règlement)\s*[:#.]?\s*" + _TOKEN,
    re.IGNORECASE,
)
#: "Reference code: TPL-5520193" (an AP platform's notice): the payment's own code.
_REFERENCE_CODE_RE = re.compile(
    r"\breference\s+code\s*[:#|]?\s*(?P<token>[A-Za-z0-9][\w/-]*\d[\w/-]*|\d+)", re.I
)
_CHECK_NUMBER_RE = re.compile(
    r"\b(?:check|cheque|chk|scheck|chèque)\s+#?\s*(?P<token>\d{3,})(?!\d|[.,]\d)", re.I
)
_PAYMENT_CODE_RE = re.compile(
    r"(?<![\w-])(?P<token>(?:ACH|WIRE|WT|EFT|CHK|CHQ|TRN|TXN|PMT|PAY)[-/#]?\d[\w/-]*)", re.I
)
_METHODS: tuple[tuple[re.Pattern[str], PaymentMethod], ...] = tuple(
    (re.compile(p, re.IGNORECASE), m)
    for p, m in (
        (r"\bach\b|\b(?:ccd|ctx|ppd)\+?(?=\s|$)", PaymentMethod.ACH),
        (
            r"\beft\b|electronic\s+funds?\s+transfer|direct\s+debit|lastschrift|prélèvement"
            r"|prelevement|domiciliación|domiciliacion|addebito\s+diretto|incasso",
            PaymentMethod.EFT,
        ),
        (
            r"\b(?:check|cheque|chk)\s*(?:no\b|nr\b|number|num\b|#|amount|date|\d{3,})"
            r"|\b(?:by|via|per|your|our|enclosed|attached)\s+(?:check|cheque)\b"
            r"|\bcheque\b|\bscheck\b|chèque|\bassegno\b|\bcheque\s+enclosed",
            PaymentMethod.CHECK,
        ),
        (
            r"\bwire[ds]?\b|\b(?:bank|credit|sepa|telegraphic)[\s-]+transfer|\btransfer(?:red)?\b"
            r"|überweisung|ueberweisung|\bvirement|\btransferencia|\bbonifico|\boverboeking"
            r"|\bswift\b|\btt\b",
            PaymentMethod.WIRE,
        ),
        (
            r"\b(?:credit|debit)\s+card\b|\bcard\s+payment|\bvisa\b|mastercard|\bamex\b"
            r"|american\s+express|kreditkarte|carte\s+(?:bancaire|de\s+crédit)|\btarjeta\b",
            PaymentMethod.CARD,
        ),
    )
)
#: For each of ``_METHODS``, words one of which every match holds (casefolded): a text with
#: none of them is not searched with that pattern. The patterns are alternations of words,
#: tried at every position (a tenth of a millisecond each on a page of text, measured);
#: ``in`` finds a word at C speed.
_METHOD_HINTS: tuple[tuple[str, ...], ...] = (
    ("ach", "ccd", "ctx", "ppd"),
    ("eft", "electronic", "direct", "lastschrift", "prélèvement", "prelevement", "domiciliaci",
     "addebito", "incasso"),
    ("check", "cheque", "chk", "chèque", "assegno"),
    ("wire", "transfer", "überweisung", "ueberweisung", "virement", "bonifico", "overboeking",
     "swift", "tt"),
    ("card", "visa", "amex", "american", "kreditkarte", "carte", "tarjeta"),
)  # fmt: skip
#: Hints that count only as a word of their own ("tt" is in every "remittance").
_WORD_HINTS = frozenset({"tt"})
#: Letters that case-insensitive matching folds where ``str.casefold`` does not (dotted and
#: dotless i, long s, Kelvin sign): a text with one is searched with every pattern.
_FOLD_EXCEPTIONS = frozenset("\u0130\u0131\u017f\u212a")
_METHOD_LABEL_RE = re.compile(
    r"\b(?:payment\s+(?:method|type|mode)|method\s+of\s+payment|paid\s+by|pay\s+type"
    r"|zahlungs(?:art|weise)|mode\s+de\s+(?:paiement|règlement)|moyen\s+de\s+paiement"
    r"|forma\s+de\s+pago|método\s+de\s+pago|metodo\s+di\s+pagamento|modalità\s+di\s+pagamento"
    r"|betaalwijze|betaalmethode)\s*[:\-]\s*(?P<value>[^\n]{1,40})",
    re.IGNORECASE,
)
#: Bare words after a method label ("Payment method: Check").
_METHOD_WORDS: tuple[tuple[re.Pattern[str], PaymentMethod], ...] = tuple(
    (re.compile(p, re.IGNORECASE), m)
    for p, m in (
        (r"^\s*(?:check|cheque|chèque|scheck|assegno|cheque)\b", PaymentMethod.CHECK),
        (r"^\s*(?:card|karte|carte|tarjeta|carta)\b", PaymentMethod.CARD),
        (r"^\s*sepa\b", PaymentMethod.EFT),
    )
)
_SEPA_RE = re.compile(r"\bsepa\b", re.IGNORECASE)
_CODES = "USD|EUR|GBP|CHF|CAD|AUD|NZD|SEK|NOK|DKK|PLN|CZK|HUF|JPY|CNY|HKD|SGD|MXN|BRL|ZAR|INR|RON"
_CURRENCY_RE = re.compile(rf"(?<![A-Za-z])(?P<code>{_CODES})(?![A-Za-z])|(?P<sym>[$€£¥])")
_SYMBOLS = {"€": "EUR", "£": "GBP", "¥": "JPY"}
#: Codes of other dollars: with one of these in the text, "$" is not USD.
_OTHER_DOLLARS = frozenset({"CAD", "AUD", "NZD", "HKD", "SGD", "MXN"})
_EUROPEAN_AMOUNT_RE = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+,\d{2}(?!\d)|\b\d+,\d{2}\b")


@dataclass(frozen=True, slots=True)
class PaymentInfo:
    """The payment-level facts a remittance states; None where it does not."""

    payer_name: str | None = None
    payment_date: date | None = None
    payment_method: PaymentMethod | None = None
    payment_ref: str | None = None
    currency: str | None = None


def read_payment_info(
    text: str, *, sender_name: str | None = None, own_names: Sequence[str] = ()
) -> PaymentInfo:
    """The payment facts stated in ``text``. ``sender_name`` (the mail's From display name)
    is a fallback for the payer name, never preferred over what the document says;
    ``own_names`` are the receiving company's names, never taken for the payer."""
    text = text[:MAX_TEXT_CHARS]
    lines = [line.strip() for line in text.splitlines()]
    currency = read_currency(text)
    dayfirst = is_dayfirst(text, currency=currency)
    return PaymentInfo(
        payer_name=read_payer_name(lines, own_names) or clean_sender_name(sender_name),
        payment_date=_payment_date(lines, dayfirst=dayfirst),
        payment_method=read_payment_method(text),
        payment_ref=read_payment_ref(text),
        currency=currency,
    )


def parse_date(text: str, *, dayfirst: bool = False) -> date | None:
    """The first date written in ``text`` (``2026-11-03``, ``03.11.2026``, ``11/03/2026``,
    ``3 November 2026``, ``3. Nov. 2026``, ``3 de noviembre de 2026``), or None.

    Dotted dates are day-first; slashed or dashed ones are read by ``dayfirst`` unless one
    part is over 12.
    """
    for m in DATE_RE.finditer(text):
        found = _date_of(m, dayfirst=dayfirst)
        if found is not None:
            return found
    return None


def is_dayfirst(text: str, *, currency: str | None = None) -> bool:
    """Whether the dates of ``text`` are to be read day-first (see the module docstring)."""
    for m in DATE_RE.finditer(text):
        if m.group("a") is None:
            continue
        a, b = ascii_int(m.group("a"), maximum=99), ascii_int(m.group("b"), maximum=99)
        if a is None or b is None:  # not ASCII digits: no date (parsers.ascii_numbers)
            continue
        if m.group("sep") == "." or a > 12 >= b:
            return True
        if b > 12 >= a:
            return False
    if _EUROPEAN_AMOUNT_RE.search(text):
        return True
    return currency in {"EUR", "GBP", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK"}


def read_currency(text: str) -> str | None:
    """The currency ``text`` is written in: the most frequent code or symbol (``$`` is USD
    unless another dollar's code appears), or None."""
    counts: Counter[str] = Counter()
    dollars = 0
    for m in _CURRENCY_RE.finditer(text[:MAX_TEXT_CHARS]):
        if m.group("code"):
            counts[m.group("code")] += 1
        elif m.group("sym") == "$":
            dollars += 1
        else:
            counts[_SYMBOLS[m.group("sym")]] += 1
    if dollars and not _OTHER_DOLLARS & set(counts):
        counts["USD"] += dollars
    if not counts:
        return None
    (best, n), *rest = [*counts.most_common(2), ("", 0)]
    return best if n > rest[0][1] else None


def read_payment_method(text: str) -> PaymentMethod | None:
    """How ``text`` says the payment was made: the method mentioned first, or None."""
    text = text[:MAX_TEXT_CHARS]
    labelled = _METHOD_LABEL_RE.search(text)
    if labelled:
        value = labelled.group("value")
        for pattern, method in (*_METHODS, *_METHOD_WORDS):
            if pattern.search(value):
                return method
    found: list[tuple[int, PaymentMethod]] = []
    folded = None if not _FOLD_EXCEPTIONS.isdisjoint(text) else text.casefold()
    for (pattern, method), hints in zip(_METHODS, _METHOD_HINTS, strict=True):
        if folded is not None and not any(_holds(folded, hint) for hint in hints):
            continue
        m = pattern.search(text)
        if m:
            found.append((m.start(), method))
    if not found:
        return PaymentMethod.EFT if _SEPA_RE.search(text) else None
    return min(found, key=lambda pair: pair[0])[1]


def _holds(folded: str, hint: str) -> bool:
    """Whether the casefolded text holds ``hint`` (as a word of its own if it must be one)."""
    if hint not in _WORD_HINTS:
        return hint in folded
    start = folded.find(hint)
    while start >= 0:
        end = start + len(hint)
        before = folded[start - 1] if start else " "
        after = folded[end] if end < len(folded) else " "
        if not (before.isalnum() or before == "_" or after.isalnum() or after == "_"):
            return True
        start = folded.find(hint, start + 1)
    return False


def read_payment_ref(text: str) -> str | None:
    """The payment's reference or check number ("Payment ref: ACH-778812", "Check no 10045",
    "Zahlungsreferenz: 5100004711"), or None."""
    text = text[:MAX_TEXT_CHARS]
    patterns = (
        _PAYMENT_REF_RE,
        _REF_OF_PAYMENT_RE,
        _REFERENCE_CODE_RE,
        _CHECK_NUMBER_RE,
        _PAYMENT_CODE_RE,
    )
    for pattern in patterns:
        m = pattern.search(text)
        if m:
            return m.group("token")
    return None


def _date_of(m: re.Match[str], *, dayfirst: bool) -> date | None:
    """The date of a DATE_RE match; None for 31.02.2026, month 13 or digits that are not
    ASCII (``\\d`` matches any script's digits; parsers.ascii_numbers reads only ours)."""
    if m.group("iy"):
        return ascii_date(m.group("iy"), m.group("im"), m.group("id"))
    if m.group("a"):
        a, b = ascii_int(m.group("a"), maximum=99), ascii_int(m.group("b"), maximum=99)
        year = ascii_int(m.group("y"), maximum=9999)
        if a is None or b is None or year is None:
            return None
        year += 2000 if year < 100 else 0
        if m.group("sep") == "." or a > 12:
            return ascii_date(year, b, a)
        if b > 12 or not dayfirst:
            return ascii_date(year, a, b)
        return ascii_date(year, b, a)
    name = (m.group("m1") or m.group("m2")).casefold().rstrip(".")
    month = _MONTHS.get(name)
    if month is None:
        return None
    return ascii_date(m.group("y1") or m.group("y2"), month, m.group("d1") or m.group("d2"))


def _payment_date(lines: Sequence[str], *, dayfirst: bool) -> date | None:
    """The date after a payment-date label; else after a plain "Date:" label."""
    plain: date | None = None
    for line in lines:
        for m in DATE_RE.finditer(line):
            before = line[: m.start()]
            if _DATE_LABEL_RE.search(before):
                found = _date_of(m, dayfirst=dayfirst)
                if found is not None:
                    return found
            elif (
                plain is None
                and _PLAIN_DATE_LABEL_RE.search(before)
                and not _OTHER_DATE_LABEL_RE.search(before)
            ):
                plain = _date_of(m, dayfirst=dayfirst)
    return plain
