"""Remittance lines read one text line at a time. Pure: no IO.

:func:`scan_lines` reads lines that each carry one invoice reference and an amount (the last
amount on the line), the stated total (the last "Total" line; subtotals and carried-forward
lines are ignored) and the payment reference. Samples::

    INV-1001  1,250.00
    Invoice 1001: $1,250.00
    1001    1.250,00 EUR
    924.03 - 48.63 promo allowance              (net, and what was kept back, with why)
    Total: 3,000.00                             (the stated total, not a line)

It reads the text lines of mail bodies and PDFs, and the rows of a grid that gave no line
(:mod:`parsers.tables`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.types import RemittanceLine
from parsers.amount_asides import read_aside
from parsers.text_amounts import Amount, read_amounts
from parsers.text_refs import (
    MAX_LINE_CHARS,
    find_invoice_refs,
    read_reference,
    remove_noise,
    take_creditor_refs,
)
from parsers.vocabulary import SUBTOTAL_RE, TOTAL_RE

#: A line about how to reach someone, or a company's legal registration in a signature ("SAS
#: au capital de 150 000 € · RCS Lyon 406 837 250"), is never a remittance line.
CONTACT_LINE_RE = re.compile(
    r"\b(?:tel|phone|fax|mobile|cell|iban|swift|bic)\b|\bau\s+capital\s+de\b|\bcapital\s+social"
    r"|\bshare\s+capital\b|\b(?:stamm|grund)kapital\b|\brcs\s+[a-z]|\bhrb?\s*\d|\bamtsgericht\b"
    r"|\bregistro\s+mercantil\b|\bkvk\b|\bust-?id|\btva\s+intra|\bn[°º]\s*tva\b|\bsiren\b|\bsiret\b"
    r"|\bvat\s+(?:reg\w*|no|number|id)\b|\bregistered\s+(?:office|in\s+england)",
    re.I,
)
#: Between a line's net and what the payer kept back: "924.03 - 48.63 promo allowance",
#: "2 062,87 - retenue 42,10 marchandise endommagée", "1.250,00 abzgl. 25,00 Skonto",
#: "paid 1,914.98; withheld 1,031.14 for damage", "2.205,00, descontados 68,20 por retraso",
#: "793,30 EUR - retenue 41,75 casse", "559,65 réglés, 139,91 retenus (pénalité)".
_DEDUCTION_BETWEEN_RE = re.compile(
    r"\s*(?:[A-Z]{3}\b|[$€£])?\s*(?:paid|r[ée]gl[ée]e?s?|pay[ée]e?s?|bezahlt|gezahlt|überwiesen"
    r"|pagad[oa]s?|abonad[oa]s?|betaald|voldaan)?\s*"
    r"(?:[-–—;,]|less|minus|moins|menos|abzgl\.?|abzüglich|min)?\s*"
    r"(?P<word>reten\w*|d[ée]duct\w*|deduc\w*|descont\w*|descuento|korting|aftrek\w*"
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
#: Words that say a payment was made; a sentence without one is not read as a remittance.
PAID_RE = re.compile(
    r"\b(?:paid|pay(?:ing|ment)?s?|pmt|transferred|transfer|remit\w*|settle\w*|sent|wired"
    r"|cleared|covers?|covering|bezahlt|gezahlt|beglichen|überwiesen|zahlung\w*|ausgeglichen"
    r"|réglé\w*|regle\w*|payé\w*|paye|paiement|virement|versé\w*|pagad[oa]s?|pago"
    r"|transferid[oa]|pagat[oi]|bonifico|betaald|overgemaakt|betaling|voldaan|angewiesen"
    r"|vir[ée]e?s?|abonad[oa]s?|ingresad[oa]s?|gestort|uitbetaald)\b",
    re.IGNORECASE,
)
WORD_RE = re.compile(r"(?<![\w-])[^\W\d_]{2,}(?![\w-])")
#: Between the references of a line naming several documents for one amount.
LISTED_SEP = " / "


def is_listed(line: RemittanceLine) -> bool:
    """Whether ``line`` names several documents for one amount (:func:`scan_lines`)."""
    return LISTED_SEP in (line.invoice_ref or "")


def _listed(line: str, work: str) -> str | None:
    """The references a line names for one amount, joined by :data:`LISTED_SEP`: those
    :func:`find_invoice_refs` reads, or the list as written when it reads fewer than two
    ("90041475, 578": the second a tail of the first); None when the line names one."""
    refs = find_invoice_refs(line)
    if len(refs) > 1:
        return LISTED_SEP.join(refs)[:255]
    listed = _LISTED_REFS_RE.search(work)
    if listed is None:
        return None
    return LISTED_SEP.join(_LIST_SEP_RE.split(listed.group(0)))[:255]


#: Between the references of a list as written.
_LIST_SEP_RE = re.compile(r"\s*(?:,|&|\+|/|\band\b|\bund\b|\bet\b|\by\b|\ben\b)\s*", re.IGNORECASE)
#: A list of references for one amount, as written: "90041475, 578", "INV-1001 & 1002".
_LISTED_REFS_RE = re.compile(
    r"#?[A-Za-z]{0,6}[-/]?\d{3,}(?:\s*(?:,|&|\+|/|and|und|et|y|en)\s*#?[A-Za-z]{0,6}[-/]?\d{3,})+",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class LinesRead:
    """What a reader found in a run of text lines (:func:`scan_lines`) or in a table
    (:func:`parsers.tables.read_grid`): the lines, the stated total, the payment reference
    and the one currency written (None when none or several)."""

    lines: tuple[RemittanceLine, ...]
    stated_total: Decimal | None
    payment_ref: str | None
    currency: str | None


def scan_lines(lines: Iterable[str], *, part: bool = False) -> LinesRead:
    """Read remittance lines, the stated total and the payment reference from ``lines``.

    The last "Total" line wins; subtotals ("Subtotal", "Page total", "Carried forward") are
    ignored. Lines without an amount (headers, prose) are skipped. A line with several
    references for one amount ("Facture 90041475, 578: 4 921,31") is a line whose reference
    is the list (:func:`is_listed`), for a person to split, counted towards the total; alone
    it is no remittance, unless ``lines`` are ``part`` of a text read line by line (the
    reader of the whole text says).
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
        work, creditor = take_creditor_refs(line)
        work, ref_of_payment = remove_noise(work)
        payment_ref = payment_ref or ref_of_payment
        amounts = read_amounts(work)
        if not amounts or CONTACT_LINE_RE.search(line):
            continue
        amount = amounts[-1]
        kept_back = _kept_back(work, amounts) if len(amounts) > 1 else None
        before_amount = work[: amounts[0].start]
        for a in reversed(amounts):
            work = work[: a.start] + " " * (a.end - a.start) + work[a.end :]
        if SUBTOTAL_RE.search(line):
            continue
        ref, ambiguous, strong = _creditor_or_read(creditor, work)
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
            joined = _listed(line, work) if len(amounts) == 1 else None
            if joined is not None:
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
    if len(several) == len(found) and not part:
        found = []  # "Invoices 1001 and 1002: 2,500.00" alone: no line
    stated = total if total is not None else prose_total
    return LinesRead(
        lines=_kept_back_as_gross(tuple(found), stated),
        stated_total=stated,
        payment_ref=payment_ref,
        currency=currency,
    )


def _creditor_or_read(creditor: list[tuple[str, bool]], work: str) -> tuple[str | None, bool, bool]:
    """(reference, ambiguous, strong) of a line: its creditor reference (the valid ones
    first; several different ones are ambiguous), else what :func:`read_reference` reads."""
    if not creditor:
        return read_reference(work)
    valid = list(dict.fromkeys(ref for ref, ok in creditor if ok))
    refs = valid or [ref for ref, _ in creditor]
    return refs[0], len(set(refs)) > 1, True


def _is_payment_sentence(line: str, before_amount: str) -> bool:
    """Whether ``line`` (no reference, one amount) tells the amount of the payment: "we made a
    payment of X", "X has been remitted to your account", "Den Betrag von X haben wir
    überwiesen", "Our ACH of X settles the following" — and not of something else the
    payment concerns (a discount, a fee, a balance still due)."""
    if _NOT_THE_PAYMENT_RE.search(line):
        return False
    return bool(_PAYMENT_OF_RE.search(before_amount) or PAID_RE.search(line))


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


def _kept_back(work: str, amounts: Sequence[Amount]) -> tuple[Amount, Amount, str | None] | None:
    """(net, deduction, reason) of a line whose last two amounts are what the payer paid and
    what it kept back for a reason written after them ("924.03 - 48.63 promo allowance"),
    or None. Only with a reason: "1,000.00 - 20.00" alone may be a sum, or a range. A
    discount in parentheses after the net ("2,428.45 (discount 49.56)") gives the reason
    None: it is the discount taken."""
    if len(amounts) < 2:
        return None
    net, deduction = amounts[-2], amounts[-1]
    aside = read_aside(work[net.start :])  # "561.26 (302.22 kept back – pallet charges)"
    if aside is not None and (aside.paid, aside.taken) == (net.value, deduction.value):
        return net, deduction, None if aside.discount else (aside.reason or "kept back")
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
    if not WORD_RE.search(why) and not between.group("word"):
        return None
    return net, deduction, (why or between.group("word"))[:200]
