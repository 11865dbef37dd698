"""What the prose of a remittance PDF says: invoices settled by a letter, and the payment
facts (payer, date, method, reference, currency). Pure: no IO.

Payment facts go through :func:`parsers.payment_info.read_payment_info`; what it leaves
None is filled from the minimum read here (a labelled payment date, a method word, the
letterhead's company name, an ISO currency code), so the PDF reader does not wait for it.

A letter that names invoices without amounts::

    In settlement of invoices 4711, 4712 and 4720 we transferred EUR 3.456,78 today.

gives lines 4711, 4712, 4720 with ``amount=None`` and the stated total 3456.78; matching fills
the amounts only if the open balances add up to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from core.errors import AmountFormatError
from core.money import parse_amount
from core.types import PaymentMethod, RemittanceLine
from parsers.payment_info import PaymentInfo, parse_date, read_payment_info
from parsers.payment_prose import payer_in, payment_date_in
from parsers.text_refs import find_payment_ref

#: Text read at most for prose facts; the rest of a long document is ignored.
MAX_TEXT_CHARS = 20_000

_REF = r"(?:[A-Za-z]{1,6}[-/]?)?\d{3,}[\w/-]*"
_SEP = r"\s*(?:,|;|&|\+|/|\band\b|\bund\b|\bet\b|\bas\s+well\s+as\b)\s*(?:no\.?\s*|nr\.?\s*|#)?"
_NARRATIVE_RE = re.compile(
    r"\b(?:invoices?|inv\.?|rechnung(?:en)?|rechnungsnummern|factures?|facturas?)"
    r"\s*(?:nos?\.?|numbers?|nrn?\.?|nummern|#)?\s*[:#]?\s*"
    rf"(?P<refs>{_REF}(?:{_SEP}{_REF})*)",
    re.IGNORECASE,
)
#: Characters around named invoices searched for words that say they were paid.
SETTLE_WINDOW = 120
#: Words that say a payment was made (not "please pay", not "payment terms").
_SETTLED_RE = re.compile(
    r"\b(?:settle(?:d|ment)|paid|transferred|remitted|wired|sent\s+you|have\s+paid"
    r"|payment\s+(?:of|for|covering|covers)|überwiesen|bezahlt|beglichen|ausgeglichen"
    r"|ausgleich|zahlung\s+(?:von|für|über)|réglé|règlement|virement|pagado|pagamos)\b",
    re.IGNORECASE,
)
_AMOUNT_RE = re.compile(
    r"(?<![\w.,])(?:(?:USD|EUR|GBP|CHF|CAD|[$€£])\s?)?"
    r"(?P<num>\d{1,3}(?:[.,' ]\d{3})+[.,]\d{2}|\d+[.,]\d{2})(?![\w.,]*\d)"
)
_PAY_VERB_RE = re.compile(
    r"\b(?:transferred|paid|remitted|sent|wired|überwiesen|gezahlt|bezahlt|payment\s+of"
    r"|amount\s+of|total|betrag\s+von|in\s+the\s+amount|virement|versé)\b",
    re.IGNORECASE,
)
_DATE_LABEL_RE = re.compile(
    r"\b(?:payment\s+date|date\s+of\s+payment|date\s+paid|paid\s+on|value\s+date|check\s+date"
    r"|cheque\s+date|zahlungsdatum|valuta(?:datum)?|zahldatum|ausgleichsdatum|date\s+de\s+paiement)"
    r"\s*[:.]?\s*(?P<date>\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4})",
    re.IGNORECASE,
)
_METHODS: tuple[tuple[PaymentMethod, re.Pattern[str], tuple[str, ...]], ...] = (
    (PaymentMethod.CHECK, re.compile(r"\b(?:check|cheque|chk)\b", re.I),
     ("check", "cheque", "chk")),
    (PaymentMethod.WIRE, re.compile(r"\b(?:wire|swift|überweisung|virement)\b", re.I),
     ("wire", "swift", "überweisung", "virement")),
    (PaymentMethod.ACH, re.compile(r"\bach\b", re.I), ("ach",)),
    (PaymentMethod.EFT, re.compile(r"\b(?:eft|bacs|sepa)\b", re.I), ("eft", "bacs", "sepa")),
    (PaymentMethod.CARD, re.compile(r"\b(?:credit\s+card|card\s+payment|visa)\b", re.I),
     ("card", "visa")),
)  # fmt: skip
#: Letters that case-insensitive matching folds where ``str.casefold`` does not (dotted and
#: dotless i, long s, Kelvin sign): a text with one is searched with every pattern.
_FOLD_EXCEPTIONS = frozenset("\u0130\u0131\u017f\u212a")
_COMPANY_RE = re.compile(
    r"^[^\d:@]{2,80}\b(?:inc|llc|ltd|limited|gmbh|ag|sa|sas|sarl|bv|nv|plc|corp|corporation"
    r"|co|kg|oy|ab|as|spa|srl)\.?$",
    re.IGNORECASE,
)
#: A line that names the addressee (us), not the payer.
_ADDRESSEE_RE = re.compile(
    r"(?:to|an|à|attn\.?|z\.\s?hd\.?)(?::|\s)|(?:vendor|payee|beneficiary|empfänger"
    r"|bénéficiaire|lieferant|fournisseur)\b|.*\baccounts\s+receivable\b",
    re.IGNORECASE,
)
_CURRENCY_RE = re.compile(
    r"(?i:currency|währung|devise)\s*[:.]?\s*(?P<a>[A-Z]{3})\b|\((?P<b>USD|EUR|GBP|CHF|CAD)\)"
)


@dataclass(frozen=True, slots=True)
class Narrative:
    """Invoices a letter names without amounts, and the amount it says was paid."""

    lines: tuple[RemittanceLine, ...]
    stated_total: Decimal | None


def narrative_lines(text: str) -> Narrative | None:
    """The invoices named in the prose of ``text`` and its one payment amount, or None when
    it names no invoice."""
    flat = " ".join(text[:MAX_TEXT_CHARS].split())
    refs: list[str] = []
    sources: dict[str, str] = {}
    for match in _NARRATIVE_RE.finditer(flat):
        around = flat[max(0, match.start() - SETTLE_WINDOW) : match.end() + SETTLE_WINDOW]
        if not _SETTLED_RE.search(around):
            continue  # "Invoice 4711 ... payable within 30 days" names, it does not pay
        for ref in re.findall(_REF, match.group("refs")):
            if ref not in sources:
                refs.append(ref)
                sources[ref] = match.group(0)
    if not refs:
        return None
    lines = tuple(RemittanceLine(invoice_ref=r, amount=None, source=sources[r]) for r in refs)
    return Narrative(lines=lines, stated_total=_paid_amount(flat))


def _paid_amount(flat: str) -> Decimal | None:
    """The amount a letter says was paid: the only amount, else the one after a verb of
    paying ("we transferred 3,456.78"); None when that does not decide it."""
    found: list[tuple[int, Decimal]] = []
    for match in _AMOUNT_RE.finditer(flat):
        try:
            found.append((match.start(), parse_amount(match.group("num"))))
        except (AmountFormatError, InvalidOperation):
            continue
    if len({value for _, value in found}) == 1:
        return found[0][1]
    near = [
        value for start, value in found if _PAY_VERB_RE.search(flat[max(0, start - 40) : start])
    ]
    return near[0] if len(set(near)) == 1 else None


def payment_facts(text: str, *, sender_name: str | None) -> PaymentInfo:
    """Payer, payment date, method, reference and currency stated in ``text``."""
    text = text[:MAX_TEXT_CHARS]
    info = read_payment_info(text, sender_name=None)
    head = [line for line in text.splitlines()[:4] if line.strip()]
    return PaymentInfo(
        payer_name=info.payer_name
        or _payer(text)
        or payer_in(text, sender_name=sender_name, letterhead=head[:3])
        or (sender_name or None),
        payment_date=info.payment_date or _payment_date(text) or payment_date_in(text),
        payment_method=info.payment_method or _method(text),
        payment_ref=info.payment_ref or find_payment_ref(text),
        currency=info.currency or _currency(text),
    )


def _payer(text: str) -> str | None:
    """The company name of the letterhead: one of the first lines, ending in a legal form."""
    for line in text.splitlines()[:4]:
        name = " ".join(line.split())
        if _COMPANY_RE.match(name) and not _ADDRESSEE_RE.match(name):
            return name
    return None


def _payment_date(text: str) -> date | None:
    match = _DATE_LABEL_RE.search(text)
    return parse_date(match.group("date")) if match else None


def _method(text: str) -> PaymentMethod | None:
    """The one method ``text`` names, or None. A pattern runs only where the casefolded text
    holds one of its words: a match needs one (the page text of a 4-page advice took
    0.8 ms through the five patterns)."""
    folded = text.casefold() if _FOLD_EXCEPTIONS.isdisjoint(text) else None
    found = {
        method
        for method, pattern, words in _METHODS
        if (folded is None or any(word in folded for word in words)) and pattern.search(text)
    }
    return found.pop() if len(found) == 1 else None


def _currency(text: str) -> str | None:
    codes = {m.group("a") or m.group("b") for m in _CURRENCY_RE.finditer(text)}
    return codes.pop() if len(codes) == 1 else None
