"""Invoice and payment references written in text. Pure: no IO.

Dates, phone numbers, PO/customer/account numbers and payment references are taken out of a
line first (:func:`remove_noise`), so they never become invoice references; the payment
reference found on the way is kept. Then :func:`read_reference` picks a line's invoice
reference (after an "invoice" word, else a letters-and-digits code, else a bare number),
:func:`find_invoice_refs` lists the references of prose (a question, a promise) and
:func:`find_payment_ref` the first payment reference of a text.
"""

from __future__ import annotations

import re

from core.creditor_ref import is_creditor_reference, normalise_creditor_reference
from parsers.text_amounts import blank_out, read_amounts

#: Longer lines are prose or garbage, never one remittance line; skipping them bounds the work.
MAX_LINE_CHARS = 2000
#: Lines of a body read at most: a bounded read (a remittance in a body is a few hundred
#: lines at most; a hostile body of many thousands must not eat the time limit).
MAX_TEXT_LINES = 5_000
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
#: A reference after a word that says "invoice": Invoice 1001, inv 10002, Rechnung Nr. 7.
_KEYWORD_REF_RE = re.compile(
    r"(?:\b(?:invoices?|inv|rechnung|rg|facture|factura|fattura|factuur|bill|document|doc)"
    r"(?![-\w])" + _LABEL_TAIL + r"|(?<!\w)(?:#|no\.|nr\.)\s*)" + _TOKEN,
    re.IGNORECASE,
)
#: A code with letters and digits: INV-1001, CM-2001, RE2026-0042.
CODE_REF_RE = re.compile(r"(?<![\w-])(?P<token>[A-Za-z]{1,6}[-/]?\d[\w/-]*)(?![\w-])")
#: Code prefixes of invoices and credit/debit notes, to pick among several codes on a line.
_DOCUMENT_PREFIX_RE = re.compile(
    r"(?:inv|invoice|in|re|rg|rech|bill|f|fa|fac|ft|cm|cn|dm|dn)[-/]?\d", re.IGNORECASE
)
#: A bare number of three or more digits.
_NUMBER_REF_RE = re.compile(r"(?<![\w.,/-])(?P<token>\d{3,}(?:[-/]\d+)*)(?![\w,/]|\.\d)")
#: More refs listed after the first ("Invoices 1001, 1002 and 1003"): the amount is ambiguous.
_REF_LIST_RE = re.compile(r"^\s*(?:,|&|\+|and\b|und\b|et\b)\s*#?[A-Za-z]{0,6}[-/]?\d{3,}", re.I)
#: A bare number of four or more digits (a document when its own amount follows it), also
#: as OCR misreads it (7O7446, 6303S0, INV-B48552: see :func:`is_ocr_number`).
BARE_NUMBER_RE = re.compile(
    r"(?<![\w.,/-])(?P<token>(?:[A-Za-z]{1,6}[-/])?[0-9OolISB]{4,})(?![\w.,/-])"
)
#: Letters OCR puts where digits were.
_OCR_LETTERS = frozenset("OolISB")
#: A number written in groups ("9004 4812", "90 04 48 12", "90 040 771", with a space, a
#: no-break or a narrow no-break space): groups of two to four digits, not followed by more.
_DIGIT_GROUPS_RE = re.compile(
    r"(?<![\w.,/-])\d{1,4}(?:[ \u00a0\u202f]\d{2,4}){1,3}(?![\w,/-]|[.]\w|[ \u00a0\u202f]?\d)"
)
#: Digits a number written in groups has at least and at most.
_GROUPED_DIGITS = range(6, 13)


def join_digit_groups(work: str) -> str:
    """``work`` with each number written in regular groups of digits joined into one, the
    spaces moved to its end (same length, so positions stay valid): ``"9004 4812"`` →
    ``"90044812 "``. Regular: every group of one length, or the first shorter and the rest
    of three ("90 040 771"); six to twelve digits in all. Run it after the amounts are
    blanked out, so "9004 4812 1 310,64" keeps its amount."""

    def joined(m: re.Match[str]) -> str:
        text = m.group(0)
        groups = re.split(r"[ \u00a0\u202f]", text)
        digits = "".join(groups)
        sizes = {len(g) for g in groups[1:]}
        regular = len(sizes) == 1 and (
            len(groups[0]) in sizes or (sizes == {3} and len(groups[0]) < 3)
        )
        if not regular or len(digits) not in _GROUPED_DIGITS:
            return text
        return digits + " " * (len(text) - len(digits))

    return _DIGIT_GROUPS_RE.sub(joined, work)


def is_ocr_number(token: str) -> bool:
    """Whether ``token`` is a number, perhaps with a prefix and at most two OCR look-alike
    letters among at least three digits ("7O7446"; not "SOLIS", not "BOB1")."""
    number = re.split(r"[-/]", token)[-1]
    digits = sum(ch.isdigit() for ch in number)
    letters = sum(ch in _OCR_LETTERS for ch in number)
    if letters == 0:
        return "-" not in token and "/" not in token  # a plain number; codes are read apart
    return (digits >= 3 and letters <= 2 and number[0].isdigit()) or (digits >= 4 and letters == 1)


#: Where an ISO 11649 creditor reference may start: ``RF`` and two check digits, any case.
_RF_START_RE = re.compile(r"(?<![\w/-])RF\d\d", re.IGNORECASE)
#: One more group of it: letters or digits after at most one space (``RF18 5390 0754 7034``,
#: ``RF18539007547034``); never the start of an amount (``7034 1,250.00``: not ``1``).
_RF_GROUP_RE = re.compile(r" ?([A-Za-z0-9]+)(?![\w/-]|[.,]\d)")
#: Most letters and digits after ``RF`` and the check digits.
_RF_MAX_BODY = 21
#: Most places a line is looked at for a reference: a payer's line quotes one or two; a
#: hostile line of "RF12 1 2 3 …" must not cost a check-digit test per group of each.
_RF_MAX_PER_LINE = 4


def take_creditor_refs(line: str) -> tuple[str, list[tuple[str, bool]]]:
    """``line`` with its ISO 11649 creditor references blanked out, and each in compact form
    with whether its check digits hold (``RF18 5390 0754 7034`` → ``RF18539007547034``).

    Which groups after ``RF18`` belong to the reference is settled by the check digits: the
    longest run of groups (of four, only the last shorter) that gives a valid reference; with
    none valid, every group (the reference stays one token, and refused: a mistyped reference
    names no invoice, and its groups are not read as other references or amounts).
    """
    found: list[tuple[str, bool]] = []
    work = line
    for tried, start_m in enumerate(_RF_START_RE.finditer(line)):
        if tried == _RF_MAX_PER_LINE:
            break
        ends: list[int] = []
        pos, body, last = start_m.end(), 0, 4
        # printed in groups of four, only the last shorter (ISO 11649), or compact
        while last == 4 and (group := _RF_GROUP_RE.match(line, pos)) is not None:
            last = len(group.group(1))
            body += last
            if body > _RF_MAX_BODY:
                break
            pos = group.end()
            ends.append(pos)
        start = start_m.start()
        valid = next((e for e in reversed(ends) if is_creditor_reference(line[start:e])), None)
        if not ends or (valid is None and not line[start:].startswith("RF")):
            continue  # "rf12 widgets": lower case counts only with valid check digits
        end = valid if valid is not None else ends[-1]
        found.append((normalise_creditor_reference(line[start:end]), valid is not None))
        work = blank_out(work, start, end)
    return work, found


def find_creditor_refs(text: str) -> tuple[str, ...]:
    """The valid ISO 11649 creditor references in ``text``, compact, in order, each once."""
    refs: list[str] = []
    for line in text.splitlines()[:MAX_TEXT_LINES]:
        if len(line) <= MAX_LINE_CHARS:
            refs.extend(ref for ref, valid in take_creditor_refs(line)[1] if valid)
    return tuple(dict.fromkeys(refs))


def remove_noise(line: str) -> tuple[str, str | None]:
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
            work = blank_out(work, m.start(), m.end())
    for pattern in (_DATE_RE, _PHONE_RE, _OTHER_NUMBER_RE):
        for m in pattern.finditer(work):
            work = blank_out(work, m.start(), m.end())
    return work, payment_ref


def find_payment_ref(text: str) -> str | None:
    """The first payment reference written in ``text`` ("Payment ref: ACH-778812", "check
    no 10045", "reference TRF-796427819", "(reference 390837)"), or None."""
    for line in text.splitlines()[:MAX_TEXT_LINES]:
        if len(line) <= MAX_LINE_CHARS:
            _, ref = remove_noise(line)
            if ref is not None:
                return ref
    return None


def read_reference(work: str) -> tuple[str | None, bool, bool]:
    """(reference, ambiguous, strong) of a line whose amounts are blanked out.

    Preference: a reference after an "invoice" word, then a letters-and-digits code, then a
    bare number of three or more digits. ``ambiguous`` is true when the chosen kind occurs
    more than once or is followed by a list of further references; ``strong`` is true for
    the first two kinds.
    """
    work = join_digit_groups(work)
    keyword = list(_KEYWORD_REF_RE.finditer(work))
    if keyword:
        first = keyword[0]
        token = first.group("token")
        others = {m.group("token") for m in keyword} - {token}
        listed = bool(_REF_LIST_RE.match(work[first.end("token") :]))
        return token, bool(others) or listed, True
    for pattern, strong in ((CODE_REF_RE, True), (_NUMBER_REF_RE, False)):
        tokens = [m.group("token") for m in pattern.finditer(work)]
        tokens = [t for t in tokens if sum(ch.isdigit() for ch in t) >= 3]
        if len(set(tokens)) > 1:  # "C1001 INV-10001": prefer the code that names a document
            tokens = [t for t in tokens if _DOCUMENT_PREFIX_RE.match(t)] or tokens
        if tokens:
            return tokens[0], len(set(tokens)) > 1, strong
    # a number as OCR or a hurried hand misreads it: "90O41650 629.56" (letter O)
    ocr = [
        m.group("token")
        for m in BARE_NUMBER_RE.finditer(work)
        if any(ch in _OCR_LETTERS for ch in m.group("token")) and is_ocr_number(m.group("token"))
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

    A valid ISO 11649 creditor reference (``RF18 5390 0754 7034``) is the printed payment
    reference of one of our invoices: when the text carries any, they are its references.

    A reference follows an "invoice" word (with the list after it: "invoices 4711, 4712 and
    4720") or is a code with a document prefix (INV-1001, CM-2001); a bare number of four or
    more digits counts only when there is neither. Dates, amounts, phone numbers, payment
    references and other labelled numbers (orders, customers) are never references.
    """
    if creditor := find_creditor_refs(text[:MAX_LINE_CHARS]):
        return creditor
    work, _ = remove_noise(take_creditor_refs(text[:MAX_LINE_CHARS])[0])
    for a in read_amounts(work):
        work = blank_out(work, a.start, a.end)
    work = join_digit_groups(work)
    found: list[tuple[int, str]] = []
    for m in _KEYWORD_REF_RE.finditer(work):
        found.append((m.start("token"), m.group("token")))
        end = m.end("token")
        while (more := _REF_CONTINUATION_RE.match(work, end)) is not None:
            found.append((more.start("token"), more.group("token")))
            end = more.end("token")
    for m in CODE_REF_RE.finditer(work):
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
