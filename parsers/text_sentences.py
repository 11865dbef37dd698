"""Sentences that name several documents as paid. Pure: no IO.

:func:`read_sentence` reads "We paid INV-10023 ($1,200.00) and INV-10031 ($850.50) by ACH
today" (a line per document, with its amount) and "in settlement of invoices 4711, 4712 and
4720 we transferred 3,456.78" (lines without an amount; the amount is the total). A single
reference with its amount is left to :func:`parsers.line_scan.scan_lines`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from decimal import Decimal

from core.types import RemittanceLine
from parsers.line_scan import CONTACT_LINE_RE, PAID_RE, WORD_RE, LinesRead
from parsers.text_amounts import Amount, blank_out, read_amounts
from parsers.text_refs import (
    BARE_NUMBER_RE,
    CODE_REF_RE,
    MAX_LINE_CHARS,
    is_ocr_number,
    remove_noise,
)
from parsers.vocabulary import SUBTOTAL_RE

#: Words (of letters) a line needs besides references and amounts to be a sentence.
SENTENCE_MIN_WORDS = 3
_DIGITS_RE = re.compile(r"\d{3,}")
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


def read_sentence(line: str) -> LinesRead | None:
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
        or len(WORD_RE.findall(line)) < SENTENCE_MIN_WORDS
        or CONTACT_LINE_RE.search(line)
    ):
        return None
    work, payment_ref = remove_noise(line)
    amounts = read_amounts(work)
    blanked = work
    for a in amounts:
        blanked = blank_out(blanked, a.start, a.end)
    if len(WORD_RE.findall(blanked)) < SENTENCE_MIN_WORDS or not PAID_RE.search(line):
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
    return LinesRead(
        lines=tuple(lines),
        stated_total=total,
        payment_ref=payment_ref,
        currency=explicit.pop() if len(explicit) == 1 else None,
    )


def _sentence_refs(work: str) -> list[tuple[int, int, str]]:
    """(start, end, reference) of the documents a sentence names, in order: codes
    (INV-10023), numbers after an "invoice" word, and numbers listed after those."""
    found: dict[int, tuple[int, int, str]] = {}
    for m in CODE_REF_RE.finditer(work):
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
    found: list[tuple[int, int, str]], blanked: str, work: str, amounts: Sequence[Amount]
) -> list[tuple[int, int, str]]:
    """``found`` and the bare numbers whose own amount in parentheses follows them
    ("for 10549 ($9,244.54) and 10551 ($7,212.75)"), in order."""
    starts = {a.start for a in amounts}
    taken = {start for start, _, _ in found}
    extra = []
    for m in BARE_NUMBER_RE.finditer(blanked):
        if not is_ocr_number(m.group("token")):
            continue
        after = len(work) - len(work[m.end() :].lstrip())
        if after in starts and work[after] == "(" and m.start() not in taken:
            extra.append((m.start(), m.end(), m.group("token")))
    return sorted(found + extra)


def _is_listed(work: str, found: Sequence[tuple[int, int, str]]) -> bool:
    """Whether only list separators stand between the references."""
    return all(
        _LIST_SEP_RE.fullmatch(work[end:start]) or not work[end:start].strip()
        for (_, end, _), (start, _, _) in itertools.pairwise(found)
    )
