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

from parsers.payment_info import DATE_RE, is_dayfirst, parse_date

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
_VERB_LAST_RE = re.compile(
    r"\b(?:überwiesen|bezahlt|gezahlt|beglichen|overgemaakt|betaald)\b", re.I
)
#: "am"/"op" ("on") before the date of a verb that ends the sentence.
_ON_RE = re.compile(r"\b(?:am|op)\s+", re.IGNORECASE)
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
    r"^\s*(?P<name>[^\n]{2,80}?)\s+(?:has\s+(?:released|sent|made|scheduled|issued"
    r"|submitted)\s+(?:you\s+)?a\s+(?:payment|remittance)"
    r"|sent\s+you\s+a\s+(?:payment|remittance))\b",
    re.IGNORECASE | re.MULTILINE,
)
#: An AP platform's notice: "… sent this message on behalf of Lumen Media Ltd."
_ON_BEHALF_RE = re.compile(
    r"\bon\s+behalf\s+of\s+(?P<name>[^\n.,;:!?]{2,80}?(?:\s(?:Inc|Ltd|Co|Corp|L\.?L\.?C)\.?)?)"
    r"\s*(?:[.,;:!?]\s|[.,;:!?]?$)",
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
        day_first: read ``05/11/2026`` as 5 November; None decides by the text
            (:func:`parsers.payment_info.is_dayfirst`). A number over 12 decides by itself.
    """
    text = text[:20_000]
    if day_first is None:
        day_first = is_dayfirst(text)
    for word in _PAYMENT_WORD_RE.finditer(text):
        tail = text[word.end() : word.end() + WINDOW]
        for found in DATE_RE.finditer(tail):
            before = tail[: found.start()]
            if _OTHER_DATE_RE.search(before) or "\n\n" in before:
                break
            value = parse_date(found.group(0), dayfirst=day_first)
            if value is not None:
                return value
        if mail_day is not None and _TODAY_RE.search(tail.split("\n", 1)[0]):
            return mail_day
    # German and Dutch put the verb last: "haben wir am 04.11.2026 ... überwiesen".
    for word in _VERB_LAST_RE.finditer(text):
        head = text[max(0, word.start() - 2 * WINDOW) : word.start()]
        for on in reversed(list(_ON_RE.finditer(head))):
            dated = DATE_RE.match(head, on.end())
            if dated is not None:
                return parse_date(dated.group(0), dayfirst=True)
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

    for pattern in (_PAYER_LABEL_RE, _RELEASED_RE, _ON_BEHALF_RE):
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
