"""Who paid and on which day, from the prose around a remittance: the sentence that says a
payment was made, the signature, the letterhead. Pure: no IO.

Samples it reads::

    We have made a payment by check on November 9, 2026 (reference 390837).   → 2026-11-09
    Payment details (ACH ACH81248962, 11/13/2026):                           → 2026-11-13
    Paid 11/10/2026 via Check 720992                                         → 2026-11-10
    Virement du 14/11/2026 - réf. FT26209476136                              → 2026-11-14
    Ausführungstag: 03.11.2026      ·   haben wir am 04.11.2026 überwiesen     → 2026-11-03
    we paid the following by ACH today                                       → the mail's day

    Best regards,                    Payer | Romero, Carlson and Mccoy      → the payer
    Deborah Adler B.A.               Romero, Carlson and Mccoy has released a payment
    Accounts Payable | Misicher  → "Misicher" (the line after the sender's name)

Dates of other things (invoice, due, order, document dates) are never the payment date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

#: Words after which a date is the day of the payment.
_PAYMENT_WORD_RE = re.compile(
    r"\b(?:paid|pay(?:ment)?s?|payé|transferred|wired|remitted|sent|made|überwiesen|überweisung"
    r"|zahlung\w*|ausführungstag|valuta|value\s+date|virement|règlement|paiement|pago"
    r"|transferencia|check|cheque|chèque|scheck|ach|eft|wire|remittance|released)\b",
    re.IGNORECASE,
)
#: Labels whose date is not the payment's.
_OTHER_DATE_RE = re.compile(
    r"\b(?:inv(?:oice)?\.?\s+date|due|fällig\w*|order\s+date|beleg(?:datum|\s+vom)"
    r"|rechnungsdatum|date\s+de\s+facture|fecha\s+de\s+factura|issued?|vom)\s*[:|]?\s*$",
    re.IGNORECASE,
)
_MONTHS = {
    "jan": 1, "january": 1, "januar": 1, "janvier": 1, "enero": 1,
    "feb": 2, "february": 2, "februar": 2, "février": 2, "febrero": 2,
    "mar": 3, "march": 3, "märz": 3, "mars": 3, "marzo": 3,
    "apr": 4, "april": 4, "avril": 4, "abril": 4,
    "may": 5, "mai": 5, "mayo": 5,
    "jun": 6, "june": 6, "juni": 6, "juin": 6, "junio": 6,
    "jul": 7, "july": 7, "juli": 7, "juillet": 7, "julio": 7,
    "aug": 8, "august": 8, "août": 8, "agosto": 8,
    "sep": 9, "sept": 9, "september": 9, "septembre": 9, "septiembre": 9,
    "oct": 10, "october": 10, "oktober": 10, "octobre": 10, "octubre": 10, "okt": 10,
    "nov": 11, "november": 11, "novembre": 11, "noviembre": 11,
    "dec": 12, "december": 12, "dezember": 12, "décembre": 12, "diciembre": 12, "dez": 12,
}  # fmt: skip
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE_RE = re.compile(
    rf"""(?<![\w/.-])(?:
        (?P<iso>(?P<iy>\d{{4}})-(?P<im>\d{{1,2}})-(?P<id>\d{{1,2}}))
      | (?P<num>(?P<a>\d{{1,2}})(?P<sep>[./])(?P<b>\d{{1,2}})(?P=sep)(?P<y>\d{{4}}|\d{{2}}))
      | (?P<mdy>(?P<m1>{_MONTH_NAMES})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}}))
      | (?P<dmy>(?P<d2>\d{{1,2}})\.?\s+(?P<m2>{_MONTH_NAMES})\.?,?\s+(?P<y2>\d{{4}}))
    )(?![\w/-])""",
    re.IGNORECASE | re.VERBOSE,
)
_EUROPEAN_RE = re.compile(r"[€£]|\b(?:EUR|GBP|CHF)\b")
_VERB_LAST_RE = re.compile(
    r"\b(?:überwiesen|bezahlt|gezahlt|beglichen|overgemaakt|betaald)\b", re.I
)
#: A date after "am"/"op" ("on"): the day of the verb at the end of the sentence. (The
#: empty iso and mdy groups let _to_date read it like a _DATE_RE match.)
_ON_DATE_RE = re.compile(
    r"\b(?:am|op)\s+(?P<num>(?P<a>\d{1,2})(?P<sep>[./])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2}))"
    r"(?P<iso>)?(?P<mdy>)?",
    re.IGNORECASE,
)
_TODAY_RE = re.compile(r"\b(?:today|heute|aujourd'hui|hoy)\b", re.IGNORECASE)
#: How far after a payment word (characters) its date may stand.
WINDOW = 60
#: Labels that name the payer.
_PAYER_LABEL_RE = re.compile(
    r"^\s*(?:payer|paid\s+by|remitter|zahler|auftraggeber|débiteur|payeur|pagador|ordenante)"
    r"\s*[:|]\s*(?P<name>[^|\n]{2,80}?)\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_RELEASED_RE = re.compile(
    r"^\s*(?P<name>[^\n]{2,80}?)\s+has\s+(?:released|sent|made|scheduled)\s+a\s+payment",
    re.IGNORECASE | re.MULTILINE,
)
_FROM_RE = re.compile(
    r"\bpayment\s+(?:notification|advice|notice)\s+from\s+(?P<name>.{2,80})$", re.I
)
#: Lines that are no company name.
_NOT_A_NAME_RE = re.compile(
    r"\d|@|https?:|www\.|\b(?:regards|grüße|gruß|cordialement|saludos|thanks|thank\s+you"
    r"|sincerely|faithfully|page|seite|remittance|payment|zahlung|avis|dear|hello|hallo)\b"
    r"|^(?:to|an|à|attn\.?|z\.\s?hd\.?|empfänger|bénéficiaire|beneficiary)\s*:",
    re.IGNORECASE,
)
#: Role words before a company in a signature line ("Accounts Payable | Misicher").
_ROLE_RE = re.compile(
    r"^(?:accounts\s+payable|accounting|finance|buchhaltung|kreditorenbuchhaltung"
    r"|comptabilité|contabilidad|treasury)\s*[|,–-]\s*",
    re.IGNORECASE,
)


def payment_date_in(
    text: str, *, mail_day: date | None = None, day_first: bool | None = None
) -> date | None:
    """The day a payment was made, as the prose of ``text`` says, or None.

    Args:
        text: the body or document text.
        mail_day: the day of the mail's Date header, for "paid today".
        day_first: read ``05/11/2026`` as 5 November; None decides by the text (amounts in
            € or £, or EUR/GBP, read day first). A first number over 12 decides by itself.
    """
    text = text[:20_000]
    if day_first is None:
        day_first = _EUROPEAN_RE.search(text) is not None
    for word in _PAYMENT_WORD_RE.finditer(text):
        tail = text[word.end() : word.end() + WINDOW]
        for found in _DATE_RE.finditer(tail):
            before = tail[: found.start()]
            if _OTHER_DATE_RE.search(before) or "\n\n" in before:
                break
            value = _to_date(found, day_first=day_first)
            if value is not None:
                return value
        if mail_day is not None and _TODAY_RE.search(tail.split("\n", 1)[0]):
            return mail_day
    # German and Dutch put the verb last: "haben wir am 04.11.2026 ... überwiesen".
    for word in _VERB_LAST_RE.finditer(text):
        head = text[max(0, word.start() - 2 * WINDOW) : word.start()]
        dated = list(_ON_DATE_RE.finditer(head))
        if dated:
            value = _to_date(dated[-1], day_first=True)
            if value is not None:
                return value
    return None


def _to_date(m: re.Match[str], *, day_first: bool) -> date | None:
    try:
        if m.group("iso"):
            return date(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
        if m.group("num"):
            a, b, year = int(m.group("a")), int(m.group("b")), int(m.group("y"))
            year += 2000 if year < 100 else 0
            if m.group("sep") == "." or a > 12 or (day_first and b <= 12):
                return date(year, b, a)
            return date(year, a, b)
        if m.group("mdy"):
            return date(int(m.group("y1")), _MONTHS[m.group("m1").lower()], int(m.group("d1")))
        return date(int(m.group("y2")), _MONTHS[m.group("m2").lower()], int(m.group("d2")))
    except (ValueError, KeyError):
        return None


def payer_in(
    text: str,
    *,
    subject: str = "",
    sender_name: str | None = None,
    letterhead: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> str | None:
    """The payer a remittance names: a "Payer:" label, "X has released a payment",
    "Payment notification from X" (subject), the signature line after the sender's own
    name, else the first of the document's letterhead lines that is a name. None when none
    gives a name; names in ``exclude`` (our own company) are never the payer."""
    excluded = {name.casefold().rstrip(".") for name in exclude if name}

    def ok(name: str | None) -> str | None:
        if name is None:
            return None
        name = _ROLE_RE.sub("", " ".join(name.split())).strip(" |,;:")
        if not name or len(name) > 80 or _NOT_A_NAME_RE.search(name):
            return None
        return None if name.casefold().rstrip(".") in excluded else name

    for pattern in (_PAYER_LABEL_RE, _RELEASED_RE):
        for m in pattern.finditer(text):
            if (name := ok(m.group("name"))) is not None:
                return name
    subject_match = _FROM_RE.search(subject.strip())
    if subject_match and (name := ok(subject_match.group("name"))) is not None:
        return name
    if sender_name:
        lines = [line.strip() for line in text.splitlines()]
        wanted = " ".join(sender_name.split()).casefold()
        for no, line in enumerate(lines):
            if " ".join(line.split()).casefold() != wanted:
                continue
            following = next((x for x in lines[no + 1 :] if x), None)
            if (name := ok(following)) is not None:
                return name
    return next((name for line in letterhead if (name := ok(line)) is not None), None)
