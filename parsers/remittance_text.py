"""Remittance advice written as text: mail bodies, HTML tables turned into text, PDF text.
Pure: no IO.

:func:`parse_text_remittance` cuts a body into blocks (:mod:`parsers.text_tables`): tables
(``|``, tab or space aligned) go to :func:`parsers.tables.read_grid`, which reads their
columns (gross, discount, deduction, net); the other lines are read as sentences
(:func:`read_sentence`: "We paid INV-10023 ($1,200.00) and INV-10031 ($850.50)", "in
settlement of invoices 4711, 4712 and 4720 we transferred 3,456.78") and as single lines
(:func:`scan_lines`). A single line has one invoice reference and an amount; the amount is
the last amount on the line. Samples::

    INV-1001  1,250.00
    Invoice 1001: $1,250.00
    INV-1001 | 2026-01-05 | 1,250.00          (a table row, see parsers.html_text)
    1001    1.250,00 EUR
    We paid invoice INV-1001 for 1,250.00 today.
    Total: 3,000.00                             (the stated total, not a line)

Dates, phone numbers, PO/customer/account numbers and payment references are taken out of a
line before its reference is looked for, so they never become invoice references.
:func:`scan_lines` is kept for the PDF parser's text lines.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from core.errors import AmountFormatError
from core.money import parse_amount
from core.types import Remittance, RemittanceLine
from parsers.tables import read_grid
from parsers.text_tables import split_blocks
from parsers.vocabulary import SUBTOTAL_RE, TOTAL_RE

#: Longer lines are prose or garbage, never one remittance line; skipping them bounds the work.
MAX_LINE_CHARS = 2000
#: Lines of a body read at most: a bounded read (a remittance in a body is a few hundred
#: lines at most; a hostile body of many thousands must not eat the time limit).
MAX_TEXT_LINES = 5_000
#: Words (of letters) a line needs besides references and amounts to be a sentence.
SENTENCE_MIN_WORDS = 3

_MONTH = r"(?:jan|feb|mar|mär|apr|may|mai|jun|jul|aug|sep|oct|okt|nov|dec|dez)[a-zä]*\.?"
#: Dates in the forms payers write them; removed before amounts and references are read.
_DATE_RE = re.compile(
    rf"""
    (?<![\w.,/-])(?:
        \d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}            # 2026-01-05, 2026/01/05
      | \d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{2,4}}          # 05/01/2026, 31.12.2026, 1-5-26
      | {_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}   # Jan 5, 2026
      | \d{{1,2}}(?:st|nd|rd|th)?\.?\s+{_MONTH},?\s+\d{{4}}   # 5 January 2026, 5. Januar 2026
      | {_MONTH}\s+\d{{4}}                           # January 2026
    )(?![\w/-])
    """,
    re.IGNORECASE | re.VERBOSE,
)
#: Phone numbers: international (+), (555) 123-4567 and 555-123-4567.
_PHONE_RE = re.compile(
    r"\+\d{1,3}[\s.-]?(?:\(\d+\)[\s.-]?)?\d+(?:[\s.-]\d+)+"
    r"|\(\d{3}\)\s?\d{3}[-.\s]\d{4}\b"
    r"|(?<![\d.,])\d{3}[-.]\d{3}[-.]\d{4}\b"
)
#: A line about how to reach someone is never a remittance line.
_CONTACT_LINE_RE = re.compile(r"\b(?:tel|phone|fax|mobile|cell|iban|swift|bic)\b", re.I)
_TOKEN = r"(?P<token>[A-Za-z0-9][\w/-]*\d[\w/-]*|\d+)"
_LABEL_TAIL = r"\.?\s*(?:no\b\.?|nr\b\.?|number|num\b|#|id\b)?\s*[:#.]?\s*"
#: Numbers of other things, labelled: removed so they are not taken for invoices.
_OTHER_NUMBER_RE = re.compile(
    r"\b(?:purchase\s+order|p\.?\s?o|order|customer|cust|client|account|acct|a/c|routing"
    r"|aba|sort\s+code|vendor|supplier|suite|box|zip|ticket|case|batch)" + _LABEL_TAIL + _TOKEN,
    re.IGNORECASE,
)
#: Payment references: "Payment ref: ACH-778812", "Check no 10045", "Wire reference 12A9".
_PAYMENT_REF_RE = re.compile(
    r"\b(?:payment|pmt|remittance|transaction|trace|confirmation|check|cheque|chk|wire"
    r"|ach|eft|transfer|bank|zahlung|überweisung|virement|paiement|transferencia|pago"
    r"|overboeking|betaling)"
    r"\s*(?:ref(?:erence)?\b\.?|no\b\.?|nr\b\.?|number|num\b|#|id\b|code)\s*[:#.]?\s*" + _TOKEN,
    re.IGNORECASE,
)
#: The label the other way round, or in other languages: "Réf. virement", "Nº de pago",
#: "Referencia del pago", "Betalingskenmerk", "Verwendungszweck".
_PAYMENT_REF_LEAD_RE = re.compile(
    r"(?:(?:\br[ée]f(?:[ée]rence)?|\bnum[ée]ro|(?<!\w)n[°º])\.?\s*"
    r"(?:du\s+|de\s+la\s+|de\s+|del\s+)?(?:virement|paiement|r[èe]glement|pago|transferencia)"
    r"|\breferencia\s+(?:del\s+|de\s+la\s+)?(?:pago|transferencia)"
    r"|\b(?:betalingskenmerk|betalingsreferentie|zahlungsreferenz|verwendungszweck))"
    r"\s*[:#.]?\s*(?P<token>[A-Za-z0-9][\w/-]*\d[\w/-]*|\d+)",
    re.IGNORECASE,
)
#: Between a line's net and what the payer kept back: "924.03 - 48.63 promo allowance",
#: "2 062,87 - retenue 42,10 marchandise endommagée", "1.250,00 abzgl. 25,00 Skonto".
_DEDUCTION_BETWEEN_RE = re.compile(
    r"\s*(?:[-–—]|less|minus|moins|menos|abzgl\.?|abzüglich|min)?\s*"
    r"(?P<word>retenu\w*|d[ée]duct\w*|deduc\w*|descont\w*|descuento|korting|aftrek\w*"
    r"|afgetrokken|ingehouden|kürzung|gekürzt|abzug|abgezogen|einbehalt\w*|withh\w*|retain\w*"
    r"|kept(?:\s+back)?|short(?:\s+paid)?)?\s*:?\s*",
    re.IGNORECASE,
)
#: Between a line's net and the discount it took, in parentheses: "2,428.45 (discount 49.56)".
_DISCOUNT_ASIDE_RE = re.compile(
    r"\s*\(\s*(?:less\s+|minus\s+|abzgl\.?\s+|moins\s+)?(?:cash\s+)?(?:discount|disc\.?|skonto"
    r"|escompte|remise|descuento|dto\.?|korting|sconto)\s*:?\s*",
    re.IGNORECASE,
)
_LESS_ASIDE_RE = re.compile(
    r"\s*\(\s*(?:less|minus|abzgl\.?|abzüglich|moins|menos|min|minder)\s*", re.IGNORECASE
)
_DISCOUNT_AFTER_RE = re.compile(
    r"\)?\s*(?:cash\s+)?(?:discount|skonto|escompte|remise|descuento|dto\.?|korting|sconto)"
    r"\b[^)]*\)?",
    re.IGNORECASE,
)
#: Amounts a sentence may tell beside a payment that are not the payment.
_NOT_THE_PAYMENT_RE = re.compile(
    r"\b(?:discount|skonto|escompte|descuento|korting|deduct\w*|abzug|retenue|fee|fees"
    r"|charges?|gebühr\w*|frais|credit|gutschrift|avoir|abono|creditnota|interest|zinsen"
    r"|balance|saldo|solde|outstanding|due|offen\w*|ouvert|pendiente|openstaand|remaining"
    r"|rest\w*|minimum|limit|invoice\s+amount|rechnungsbetrag)\b",
    re.IGNORECASE,
)
#: A remittance letter's total in its prose: "we made a payment of USD 10,316.42",
#: "hemos realizado un pago de 22.205,72 EUR", "un virement d'un montant de 1 234,56".
_PAYMENT_OF_RE = re.compile(
    r"\b(?:payment|remittance|transfer|wire|paiement|virement|r[èe]glement|pago|transferencia"
    r"|zahlung|überweisung|betaling|overboeking)\s+(?:(?:in\s+the\s+)?amount\s+)?"
    r"(?:of|de|d'un\s+montant\s+de|por\s+(?:un\s+)?(?:importe|valor)\s+de|von|über"
    r"|in\s+höhe\s+von|van|ten\s+bedrage\s+van)\s*(?:[A-Z]{3}|[$€£])?\s*$",
    re.IGNORECASE,
)
#: "Check 10045", "Wire transfer 12345": a payment number written without a label.
#: "Our reference is 673507", "our ref: FT2666...": the payer's reference of the payment.
_OUR_REF_RE = re.compile(
    r"(?:\bour\s+(?:payment\s+)?ref(?:erence)?\b\.?(?:\s+is\b|\s*[:#])"
    r"|\(\s*(?:our\s+)?ref(?:erence)?\b\.?\s*:?"  # "(reference 390837)"
    r"|,\s*ref(?:erence)?\b\.?\s*:?)\s*" + _TOKEN,  # "…by check on 11/14, reference 780942"
    re.IGNORECASE,
)
_CHECK_NUMBER_RE = re.compile(
    r"\b(?:check|cheque|chk|wire(?:\s+transfer)?|transfer|ach|eft)\s+#?(?P<token>\d{3,})"
    r"(?!\d|[.,]\d)",
    re.IGNORECASE,
)
#: Codes whose prefix says they are payments, not invoices (ACH-778812, CHK10045).
_PAYMENT_CODE_RE = re.compile(
    r"(?<![\w-])(?P<token>(?:ACH|WIRE|WT|EFT|CHK|CHQ|TRN|TXN|TRF|PMT|PAY)[-/#]?\d[\w/-]*"
    r"|FT\d{8,})",  # FT: a bank's transfer reference (FT26209476136)
    re.IGNORECASE,
)
#: An amount: digits with two decimals, or with a currency marker. The full text goes to
#: core.money.parse_amount, which also reads (1,250.00), 1,250.00- and 1,250.00 CR.
_CURRENCY = r"[$€£]|(?<![A-Za-z])(?:USD|EUR|GBP|CHF|CAD|AUD|SEK|NOK|DKK|PLN|CZK|JPY)(?![A-Za-z])"
_AMOUNT_RE = re.compile(
    rf"""
    (?<![\w.,/-])
    (?P<neg>-|\()?
    (?P<cur1>(?:{_CURRENCY})\s?)?
    (?P<num>
        \d{{1,3}}(?:(?P<grp>[,.'\u00a0\u202f])\d{{3}})(?:(?P=grp)\d{{3}})*(?P<dec>[.,]\d{{2}})?
      | \d{{1,3}}(?:\ \d{{3}})+,\d{{2}}            # 1 234,56 (space-grouped: comma only)
      | \d+(?P<dec2>[.,]\d{{2}})?
    )
    \)?
    (?P<sign>-(?![\w]))?
    (?P<cur2>\s?(?:{_CURRENCY}|(?<![A-Za-z])CR\b))?
    (?![\w.,]*\d)
    """,
    re.VERBOSE,
)
#: A reference after a word that says "invoice": Invoice 1001, inv 10002, Rechnung Nr. 7.
_KEYWORD_REF_RE = re.compile(
    r"(?:\b(?:invoices?|inv|rechnung|rg|facture|factura|fattura|factuur|bill|document|doc)"
    r"(?![-\w])" + _LABEL_TAIL + r"|(?<!\w)(?:#|no\.|nr\.)\s*)" + _TOKEN,
    re.IGNORECASE,
)
#: A code with letters and digits: INV-1001, CM-2001, RE2026-0042.
_CODE_REF_RE = re.compile(r"(?<![\w-])(?P<token>[A-Za-z]{1,6}[-/]?\d[\w/-]*)(?![\w-])")
#: Code prefixes of invoices and credit/debit notes, to pick among several codes on a line.
_DOCUMENT_PREFIX_RE = re.compile(
    r"(?:inv|invoice|in|re|rg|rech|bill|f|fa|fac|ft|cm|cn|dm|dn)[-/]?\d", re.IGNORECASE
)
#: A bare number of three or more digits.
_NUMBER_REF_RE = re.compile(r"(?<![\w.,/-])(?P<token>\d{3,}(?:[-/]\d+)*)(?![\w,/]|\.\d)")
#: More refs listed after the first ("Invoices 1001, 1002 and 1003"): the amount is ambiguous.
_REF_LIST_RE = re.compile(r"^\s*(?:,|&|\+|and\b|und\b|et\b)\s*#?[A-Za-z]{0,6}[-/]?\d{3,}", re.I)
_DIGITS_RE = re.compile(r"\d{3,}")
#: Words that say a payment was made; a sentence without one is not read as a remittance.
_PAID_RE = re.compile(
    r"\b(?:paid|pay(?:ing|ment)?s?|pmt|transferred|transfer|remit\w*|settle\w*|sent|wired"
    r"|cleared|covers?|covering|bezahlt|gezahlt|beglichen|überwiesen|zahlung\w*|ausgeglichen"
    r"|réglé\w*|regle\w*|payé\w*|paye|paiement|virement|versé\w*|pagad[oa]s?|pago"
    r"|transferid[oa]|pagat[oi]|bonifico|betaald|overgemaakt|betaling|voldaan|angewiesen"
    r"|vir[ée]e?s?|abonad[oa]s?|ingresad[oa]s?|gestort|uitbetaald)\b",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"(?<![\w-])[^\W\d_]{2,}(?![\w-])")
_LIST_HEAD_RE = re.compile(
    r"\b(?:invoices?|inv|invoice\s+numbers?|rechnung(?:en)?|rechnungsnummern|rg|belege?"
    r"|factures?|facturas?|fatture|fattura|facturen|bills?|documents?|nos?\.|nrn?\.)"
    r"(?![\w-])(?:\s+(?:no|nos|nr|nrn|number|numbers|n°)\b\.?)?\s*[:#]?\s*",
    re.IGNORECASE,
)
_LIST_ITEM_RE = re.compile(r"#?\s*(?P<token>[A-Za-z]{0,6}[-/]?\d{3,}[\w/-]*)(?![\w.,]\d)")
_LIST_SEP_RE = re.compile(
    r"\s*(?:,|;|&|\+|\band\b|\bund\b|\bet\b|\by\b|\be\b|\ben\b|as\s+well\s+as)\s*"
    r"(?:(?:and|und|et)\s+)?(?:#|no\.?\s*|nr\.?\s*)?",
    re.IGNORECASE,
)
_CREDIT_WORD_RE = re.compile(r"^(?:cm|cn|gs|kg|av|nc)[-/]?\d", re.IGNORECASE)
_CURRENCY_CODES = {"$": None, "€": "EUR", "£": "GBP"}
_QUOTE_HEADER_RE = re.compile(
    r"^\s*(?:on\s.+\swrote:|am\s.+\sschrieb\s.*:|le\s.+\sa\s+écrit\s*:|el\s.+\sescribió\s*:"
    r"|op\s.+\sschreef\s.*:)\s*$",
    re.IGNORECASE,
)
_ORIGINAL_RE = re.compile(
    r"^\s*-{2,}\s*(?:original message|ursprüngliche nachricht|message d'origine|mensaje original"
    r"|oorspronkelijk bericht)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_FORWARD_RE = re.compile(
    r"forwarded message|begin forwarded message|weitergeleitete nachricht|doorgestuurd bericht"
    r"|mensaje reenviado|message transféré",
    re.IGNORECASE,
)
_OUTLOOK_FROM_RE = re.compile(r"^\s*(?:from|von|de|van):\s", re.IGNORECASE)
_OUTLOOK_NEXT_RE = re.compile(
    r"^\s*(?:sent|date|gesendet|envoyé|to|enviado|fecha|verzonden|datum|aan):\s", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class LineScan:
    """What :func:`scan_lines` found in a run of lines."""

    lines: tuple[RemittanceLine, ...]
    stated_total: Decimal | None
    payment_ref: str | None
    currency: str | None


@dataclass(frozen=True, slots=True)
class _Amount:
    value: Decimal
    currency: str | None
    start: int
    end: int


def parse_text_remittance(text: str) -> Remittance | None:
    """The remittance written in ``text`` (a mail body), or None when it has no lines.

    Quoted replies and the signature are removed first, so a remittance that is only quoted
    from an earlier mail is not read again. Tables (``|``, tab or space aligned) are read
    by :func:`parsers.tables.read_grid`; the other lines are read as sentences
    (:func:`read_sentence`) and as single lines (:func:`scan_lines`).
    """
    scan = read_text(strip_quotes_and_signature(text))
    if not scan.lines:
        return None
    return Remittance(
        lines=scan.lines,
        stated_total=scan.stated_total,
        payment_ref=scan.payment_ref,
        currency=scan.currency,
        source="body",
    )


def read_text(text: str) -> LineScan:
    """The lines, stated total, payment reference and currency of ``text`` (already without
    quotes), its tables and its sentences, in the order they are written. The total written
    last wins."""
    found: list[tuple[int, RemittanceLine]] = []
    totals: list[tuple[int, Decimal]] = []
    refs: list[tuple[int, str]] = []
    currencies: set[str] = set()
    prose: list[tuple[int, str]] = []
    for block in split_blocks(text.splitlines()[:MAX_TEXT_LINES]):
        if block.kind != "prose":
            rows = block.grid()
            grid = read_grid(rows, read_rows_as_text=False)
            if grid.lines:
                end = block.start + len(block.lines)
                totals += [(end, grid.stated_total)] if grid.stated_total is not None else []
                refs += [(block.start, grid.payment_ref)] if grid.payment_ref else []
                currencies |= {grid.currency} if grid.currency else set()
                found += _place_rows(block.start, rows, grid.lines)
                continue
        prose += [(block.start + no, line) for no, line in enumerate(block.lines)]
    for no, line in prose:
        scan = read_sentence(line) or scan_lines([line])
        found += [(no, found_line) for found_line in scan.lines]
        totals += [(no, scan.stated_total)] if scan.stated_total is not None else []
        refs += [(no, scan.payment_ref)] if scan.payment_ref else []
        currencies |= {scan.currency} if scan.currency else set()
    found.sort(key=lambda pair: pair[0])
    return LineScan(
        lines=tuple(line for _, line in found),
        stated_total=max(totals, key=lambda pair: pair[0])[1] if totals else None,
        payment_ref=min(refs)[1] if refs else None,
        currency=currencies.pop() if len(currencies) == 1 else None,
    )


def _place_rows(
    start: int, rows: Sequence[Sequence[str]], lines: Sequence[RemittanceLine]
) -> list[tuple[int, RemittanceLine]]:
    """The lines a table gave, each at the position of its row; a row with an amount that
    gave no line (its cells ran together: "INV-10024 980.00" under two headers) is read as
    a text line instead."""
    placed: list[tuple[int, RemittanceLine]] = []
    pending = list(lines)
    table_refs = {line.invoice_ref for line in lines}
    for no, row in enumerate(rows):
        text = " | ".join(" ".join(cell.split()) for cell in row if cell.strip())
        if pending and pending[0].source == text:  # read_grid's source of the row
            placed.append((start + no, pending.pop(0)))
        elif not SUBTOTAL_RE.search(text) and not TOTAL_RE.search(text):
            placed += [
                (start + no, line)
                for line in scan_lines([text]).lines
                if line.invoice_ref not in table_refs  # never a table's line twice
            ]
    placed += [(start + len(rows), line) for line in pending]
    return placed


def read_sentence(line: str) -> LineScan | None:
    """The lines of a sentence that names several documents as paid, or None when ``line``
    is not one (a single reference is left to :func:`scan_lines`; a sentence without a
    word of paying is a question or a complaint, not a remittance).

    - Each reference followed by its own amount: "We paid INV-10023 ($1,200.00) and
      INV-10031 ($850.50) by ACH today" gives two lines with amounts (an amount in
      parentheses in a sentence is an aside, not a credit).
    - One reference with its amount in parentheses ("we have paid 0010434 ($4,584.31)")
      is read here too: the parentheses are an aside, not a credit.
    - A list of references and one amount: "in settlement of invoices 4711, 4712 and 4720
      we transferred 3,456.78" gives lines without an amount, and the amount is the total.
    """
    if (
        len(line) > MAX_LINE_CHARS
        or len(_DIGITS_RE.findall(line)) < 2  # two references at least
        or len(_WORD_RE.findall(line)) < SENTENCE_MIN_WORDS
        or _CONTACT_LINE_RE.search(line)
    ):
        return None
    work, payment_ref = _remove_noise(line)
    amounts = _amounts(work)
    blanked = work
    for a in amounts:
        blanked = _blank(blanked, a.start, a.end)
    if len(_WORD_RE.findall(blanked)) < SENTENCE_MIN_WORDS or not _PAID_RE.search(line):
        return None  # "invoices 4711 and 4712 (3,000.00) are wrong" is no payment
    found = _with_bare_numbers(_sentence_refs(blanked), blanked, work, amounts)
    if not found or SUBTOTAL_RE.search(line):
        return None
    if len(found) == 1 and not work[found[0][1] :].lstrip().startswith("("):
        return None  # one document and its amount: scan_lines reads it
    lines: list[RemittanceLine] = []
    total: Decimal | None = None
    bounds = [start for start, _, _ in found[1:]] + [len(work)]
    paired = [
        [a for a in amounts if end <= a.start < bound]
        for (_, end, _), bound in zip(found, bounds, strict=True)
    ]
    source = line.strip()
    leading = [a for a in amounts if a.end <= found[0][0]]
    if all(len(own) >= 1 for own in paired[:-1]) and paired[-1]:
        for (_, _, ref), own in zip(found, paired, strict=True):
            amount = own[0]
            value = abs(amount.value) if not _CREDIT_WORD_RE.search(ref) else amount.value
            lines.append(RemittanceLine(invoice_ref=ref, amount=value, source=source))
        last = paired[-1][-1]
        if len(paired[-1]) > 1 and work[last.start] != "(":
            total = last.value
        elif leading:  # "A check of $16,457.29 was sent ... for 10549 ($9,244.54) and ..."
            total = abs(leading[-1].value)
    elif not any(paired[:-1]) and _is_listed(blanked, found):
        lines = [RemittanceLine(invoice_ref=ref, amount=None, source=source) for *_, ref in found]
        outside = [a for a in amounts if a.start >= found[-1][1] or a.end <= found[0][0]]
        total = abs(outside[-1].value) if outside else None
    else:
        return None
    explicit = {a.currency for a in amounts} - {None}
    return LineScan(
        lines=tuple(lines),
        stated_total=total,
        payment_ref=payment_ref,
        currency=explicit.pop() if len(explicit) == 1 else None,
    )


#: A bare number of four or more digits (a document when its own amount follows it), also
#: as OCR misreads it (7O7446, 6303S0, INV-B48552: see :func:`_is_ocr_number`).
_BARE_NUMBER_RE = re.compile(
    r"(?<![\w.,/-])(?P<token>(?:[A-Za-z]{1,6}[-/])?[0-9OolISB]{4,})(?![\w.,/-])"
)
#: Letters OCR puts where digits were.
_OCR_LETTERS = frozenset("OolISB")


def _sentence_refs(work: str) -> list[tuple[int, int, str]]:
    """(start, end, reference) of the documents a sentence names, in order: codes
    (INV-10023), numbers after an "invoice" word, and numbers listed after those."""
    found: dict[int, tuple[int, int, str]] = {}
    for m in _CODE_REF_RE.finditer(work):
        token = m.group("token")
        if sum(ch.isdigit() for ch in token) >= 3:
            found[m.start()] = (m.start(), m.end(), token)
    for m in _LIST_HEAD_RE.finditer(work):
        pos = m.end()
        while True:
            item = _LIST_ITEM_RE.match(work, pos)
            if not item:
                break
            start, end = item.span("token")
            if not any(s <= start < e for s, e, _ in found.values()):
                found[start] = (start, end, item.group("token"))
            pos = item.end()
            sep = _LIST_SEP_RE.match(work, pos)
            if not sep:
                break
            pos = sep.end()
    return [found[key] for key in sorted(found)]


def _with_bare_numbers(
    found: list[tuple[int, int, str]], blanked: str, work: str, amounts: Sequence[_Amount]
) -> list[tuple[int, int, str]]:
    """``found`` and the bare numbers whose own amount in parentheses follows them
    ("for 10549 ($9,244.54) and 10551 ($7,212.75)"), in order."""
    starts = {a.start for a in amounts}
    taken = {start for start, _, _ in found}
    extra = []
    for m in _BARE_NUMBER_RE.finditer(blanked):
        if not _is_ocr_number(m.group("token")):
            continue
        after = len(work) - len(work[m.end() :].lstrip())
        if after in starts and work[after] == "(" and m.start() not in taken:
            extra.append((m.start(), m.end(), m.group("token")))
    return sorted(found + extra)


def _is_ocr_number(token: str) -> bool:
    """Whether ``token`` is a number, perhaps with a prefix and at most two OCR look-alike
    letters among at least three digits ("7O7446"; not "SOLIS", not "BOB1")."""
    number = re.split(r"[-/]", token)[-1]
    digits = sum(ch.isdigit() for ch in number)
    letters = sum(ch in _OCR_LETTERS for ch in number)
    if letters == 0:
        return "-" not in token and "/" not in token  # a plain number; codes are read apart
    return (digits >= 3 and letters <= 2 and number[0].isdigit()) or (digits >= 4 and letters == 1)


def _is_listed(work: str, found: Sequence[tuple[int, int, str]]) -> bool:
    """Whether only list separators stand between the references."""
    return all(
        _LIST_SEP_RE.fullmatch(work[end:start]) or not work[end:start].strip()
        for (_, end, _), (start, _, _) in itertools.pairwise(found)
    )


def strip_quotes_and_signature(text: str) -> str:
    """``text`` without ``>`` quoted lines, anything after a reply header ("On … wrote:",
    "-----Original Message-----", an Outlook From:/Sent: block) or the ``-- `` signature line.
    """
    kept: list[str] = []
    lines = text.splitlines()
    forward_header = False  # the From:/Date: block of a forwarded mail is kept
    for no, line in enumerate(lines):
        stripped = line.strip()
        following = lines[no + 1].strip() if no + 1 < len(lines) else ""
        if _FORWARD_RE.search(line):
            forward_header = True
        elif not stripped:
            forward_header = False
        if (
            stripped == "--"
            or _ORIGINAL_RE.match(line)
            or _QUOTE_HEADER_RE.match(line)
            or (stripped.lower().startswith("on ") and following.lower().endswith("wrote:"))
            or (
                not forward_header
                and _OUTLOOK_FROM_RE.match(line)
                and _OUTLOOK_NEXT_RE.match(following)
            )
        ):
            break
        if stripped.startswith(">"):
            continue
        kept.append(line)
    return "\n".join(kept)


def scan_lines(lines: Iterable[str]) -> LineScan:
    """Read remittance lines, the stated total and the payment reference from ``lines``.

    The last "Total" line wins; subtotals ("Subtotal", "Page total", "Carried forward") are
    ignored. Lines without an amount (headers, prose) and lines with several references for
    one amount are skipped.
    """
    found: list[RemittanceLine] = []
    total: Decimal | None = None
    prose_total: Decimal | None = None  # "we made a payment of USD 10,316.42"
    several: list[RemittanceLine] = []  # lines naming several documents for one amount
    payment_ref: str | None = None
    currencies: set[str | None] = set()
    for raw in lines:
        line = raw.replace("\t", "  ").strip()
        if not line or len(line) > MAX_LINE_CHARS or not any(ch.isdigit() for ch in line):
            continue
        work, ref_of_payment = _remove_noise(line)
        payment_ref = payment_ref or ref_of_payment
        amounts = _amounts(work)
        if not amounts or _CONTACT_LINE_RE.search(line):
            continue
        amount = amounts[-1]
        kept_back = _kept_back(work, amounts) if len(amounts) > 1 else None
        before_amount = work[: amounts[0].start]
        for a in reversed(amounts):
            work = work[: a.start] + " " * (a.end - a.start) + work[a.end :]
        if SUBTOTAL_RE.search(line):
            continue
        ref, ambiguous, strong = _reference(work)
        if TOTAL_RE.search(line) and (ref is None or ambiguous or not strong):
            total = amount.value
            continue
        if ref is None and len(amounts) == 1 and _is_payment_sentence(line, before_amount):
            prose_total = prose_total or amount.value
            continue
        if ref is None:
            continue
        if ambiguous:
            # Several documents for one amount ("Facture 90041475, 578: 4 921,31"): a line a
            # person splits, which still counts towards the stated total.
            refs = find_invoice_refs(line) if len(amounts) == 1 else ()
            if len(refs) > 1:
                joined = " / ".join(refs)[:255]
                several.append(RemittanceLine(invoice_ref=joined, amount=amount.value, source=line))
                found.append(several[-1])
            continue
        currencies.add(amount.currency)
        if kept_back is not None:
            net, taken, why = kept_back
            found.append(
                RemittanceLine(
                    invoice_ref=ref,
                    amount=net.value,
                    discount=taken.value if why is None else None,
                    deduction=taken.value if why is not None else None,
                    deduction_reason=why,
                    source=line,
                )
            )
            continue
        found.append(RemittanceLine(invoice_ref=ref, amount=amount.value, source=line))
    explicit = currencies - {None}
    currency = explicit.pop() if len(explicit) == 1 else None
    if len(several) == len(found):  # "Invoices 1001 and 1002: 2,500.00" alone: no line
        found = []
    stated = total if total is not None else prose_total
    return LineScan(
        lines=_kept_back_as_gross(tuple(found), stated),
        stated_total=stated,
        payment_ref=payment_ref,
        currency=currency,
    )


def _is_payment_sentence(line: str, before_amount: str) -> bool:
    """Whether ``line`` (no reference, one amount) tells the amount of the payment: "we made a
    payment of X", "X has been remitted to your account", "Den Betrag von X haben wir
    überwiesen", "Our ACH of X settles the following" — and not of something else the
    payment concerns (a discount, a fee, a balance still due)."""
    if _NOT_THE_PAYMENT_RE.search(line):
        return False
    return bool(_PAYMENT_OF_RE.search(before_amount) or _PAID_RE.search(line))


def _kept_back_as_gross(
    lines: tuple[RemittanceLine, ...], total: Decimal | None
) -> tuple[RemittanceLine, ...]:
    """``lines`` read again when their total says so: "1,000.00 - 20.00 damaged" is the net
    paid and what was kept back (as read) unless the stated total is what they come to with
    the first amount taken as the gross and the second taken off it."""
    kept = [
        line
        for line in lines
        if line.deduction is not None and line.gross is None and line.discount is None
    ]
    if total is None or not kept:
        return lines
    as_read = sum((line.amount or Decimal(0) for line in lines), start=Decimal(0))
    taken_off = sum((line.deduction or Decimal(0) for line in kept), start=Decimal(0))
    if as_read == total or as_read - taken_off != total:
        return lines
    return tuple(
        dataclasses.replace(line, gross=line.amount, amount=line.amount - line.deduction)
        if line in kept and line.amount is not None and line.deduction is not None
        else line
        for line in lines
    )


def _kept_back(work: str, amounts: Sequence[_Amount]) -> tuple[_Amount, _Amount, str | None] | None:
    """(net, deduction, reason) of a line whose last two amounts are what the payer paid and
    what it kept back for a reason written after them ("924.03 - 48.63 promo allowance"),
    or None. Only with a reason: "1,000.00 - 20.00" alone may be a sum, or a range. A
    discount in parentheses after the net ("2,428.45 (discount 49.56)") gives the reason
    None: it is the discount taken."""
    if len(amounts) < 2:
        return None
    net, deduction = amounts[-2], amounts[-1]
    closing = ")" in work[deduction.start : deduction.end] + work[deduction.end :].lstrip()[:1]
    if (
        net.value > 0
        and deduction.value > 0
        and (
            (_DISCOUNT_ASIDE_RE.fullmatch(work[net.end : deduction.start]) and closing)
            # "2.801,08 (abzgl. 57,17 Skonto)": the word of discount after the amount
            or (
                _LESS_ASIDE_RE.fullmatch(work[net.end : deduction.start])
                and _DISCOUNT_AFTER_RE.match(work[deduction.end :])
            )
        )
    ):
        return net, deduction, None
    between = _DEDUCTION_BETWEEN_RE.fullmatch(work[net.end : deduction.start])
    if between is None or not work[net.end : deduction.start].strip():
        return None
    if deduction.value <= 0 or net.value <= 0:
        return None
    why = work[deduction.end :].strip(" -–—:;,.()")
    if not _WORD_RE.search(why) and not between.group("word"):
        return None
    return net, deduction, (why or between.group("word"))[:200]


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def _remove_noise(line: str) -> tuple[str, str | None]:
    """``line`` with dates, phone numbers, other labelled numbers and payment references
    blanked out (same length, so positions stay valid), and the payment reference, if any."""
    payment_ref: str | None = None
    work = line
    for pattern in (
        _PAYMENT_REF_RE,
        _PAYMENT_REF_LEAD_RE,
        _OUR_REF_RE,
        _CHECK_NUMBER_RE,
        _PAYMENT_CODE_RE,
    ):
        for m in pattern.finditer(work):
            payment_ref = payment_ref or m.group("token")
            work = _blank(work, m.start(), m.end())
    for pattern in (_DATE_RE, _PHONE_RE, _OTHER_NUMBER_RE):
        for m in pattern.finditer(work):
            work = _blank(work, m.start(), m.end())
    return work, payment_ref


def find_payment_ref(text: str) -> str | None:
    """The first payment reference written in ``text`` ("Payment ref: ACH-778812", "check
    no 10045", "reference TRF-796427819", "(reference 390837)"), or None."""
    for line in text.splitlines()[:MAX_TEXT_LINES]:
        if len(line) <= MAX_LINE_CHARS:
            _, ref = _remove_noise(line)
            if ref is not None:
                return ref
    return None


def _amounts(work: str) -> list[_Amount]:
    """The amount-looking tokens of ``work``, in order."""
    out: list[_Amount] = []
    for m in _AMOUNT_RE.finditer(work):
        cur = (m.group("cur1") or m.group("cur2") or "").strip()
        has_decimals = bool(m.group("dec") or m.group("dec2") or m.group("num").count(" "))
        if not has_decimals and (not cur or cur.upper() == "CR"):
            continue  # 1001 is a number, not an amount; $1,250 and 1250 EUR are amounts
        text = m.group("num")
        if m.group("neg") == "(" and ")" in m.group(0):
            text = f"({text})"  # "(1,250.00" alone is a bracket of prose, not a negative
        elif m.group("neg") == "-" or m.group("sign"):
            text = f"-{text}"
        if cur.upper() == "CR":
            text += " CR"
        try:
            value = parse_amount(text)
        except (AmountFormatError, InvalidOperation):
            # core.money.parse_amount lets decimal.InvalidOperation escape for numbers of
            # more than 26 digits (found by fuzzing); neither is an amount.
            continue
        code = cur.upper() if cur and cur.upper() != "CR" else None
        out.append(_Amount(value, _CURRENCY_CODES.get(code or "", code), m.start(), m.end()))
    return out


def _reference(work: str) -> tuple[str | None, bool, bool]:
    """(reference, ambiguous, strong) of a line whose amounts are blanked out.

    Preference: a reference after an "invoice" word, then a letters-and-digits code, then a
    bare number of three or more digits. ``ambiguous`` is true when the chosen kind occurs
    more than once or is followed by a list of further references; ``strong`` is true for
    the first two kinds.
    """
    keyword = list(_KEYWORD_REF_RE.finditer(work))
    if keyword:
        first = keyword[0]
        token = first.group("token")
        others = {m.group("token") for m in keyword} - {token}
        listed = bool(_REF_LIST_RE.match(work[first.end("token") :]))
        return token, bool(others) or listed, True
    for pattern, strong in ((_CODE_REF_RE, True), (_NUMBER_REF_RE, False)):
        tokens = [m.group("token") for m in pattern.finditer(work)]
        tokens = [t for t in tokens if sum(ch.isdigit() for ch in t) >= 3]
        if len(set(tokens)) > 1:  # "C1001 INV-10001": prefer the code that names a document
            tokens = [t for t in tokens if _DOCUMENT_PREFIX_RE.match(t)] or tokens
        if tokens:
            return tokens[0], len(set(tokens)) > 1, strong
    # a number as OCR or a hurried hand misreads it: "90O41650 629.56" (letter O)
    ocr = [
        m.group("token")
        for m in _BARE_NUMBER_RE.finditer(work)
        if any(ch in _OCR_LETTERS for ch in m.group("token")) and _is_ocr_number(m.group("token"))
    ]
    if ocr:
        return ocr[0], len(set(ocr)) > 1, False
    return None, False, False


#: More references listed after one ("invoices 4711, 4712 and 4720", "INV-1 / INV-2").
_REF_CONTINUATION_RE = re.compile(
    r"\s*(?:,|&|\+|/|\band\b|\bund\b|\bet\b|\by\b|\bor\b|\boder\b|\bou\b)\s*#?\s*"
    r"(?P<token>[A-Za-z]{0,6}[-/]?\d{3,}[\w/-]*)(?![\w-])",
    re.IGNORECASE,
)
_YEAR_RE = re.compile(r"(?:19|20)\d\d")


def find_invoice_refs(text: str) -> tuple[str, ...]:
    """Invoice references written in prose (a question, a promise), in order, each once.

    A reference follows an "invoice" word (with the list after it: "invoices 4711, 4712 and
    4720") or is a code with a document prefix (INV-1001, CM-2001); a bare number of four or
    more digits counts only when there is neither. Dates, amounts, phone numbers, payment
    references and other labelled numbers (orders, customers) are never references.
    """
    work, _ = _remove_noise(text[:MAX_LINE_CHARS])
    for a in _amounts(work):
        work = _blank(work, a.start, a.end)
    found: list[tuple[int, str]] = []
    for m in _KEYWORD_REF_RE.finditer(work):
        found.append((m.start("token"), m.group("token")))
        end = m.end("token")
        while (more := _REF_CONTINUATION_RE.match(work, end)) is not None:
            found.append((more.start("token"), more.group("token")))
            end = more.end("token")
    for m in _CODE_REF_RE.finditer(work):
        if _DOCUMENT_PREFIX_RE.match(m.group("token")):
            found.append((m.start("token"), m.group("token")))
    if not found:
        found = [
            (m.start("token"), m.group("token"))
            for m in _NUMBER_REF_RE.finditer(work)
            if len(m.group("token")) >= 4 and not _YEAR_RE.fullmatch(m.group("token"))
        ]
    refs: list[str] = []
    for _, token in sorted(found):
        token = token.rstrip("/-")
        if sum(ch.isdigit() for ch in token) >= 3 and token not in refs:
            refs.append(token)
    return tuple(refs)
