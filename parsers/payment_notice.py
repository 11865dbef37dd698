"""A payment announced without references: "we wired USD 3,456.78 today". Pure: no IO.

Some payers name no invoice at all: one sentence says that money was sent, and how much.
That is still a remittance — one line with the amount and no reference — and matching decides
which open invoices it pays by combination (matching.no_reference). Read only when the mail
has no remittance lines otherwise and names no document, from a sentence that says money was
sent (not a question, not a request), with exactly one amount in it.
"""

from __future__ import annotations

import re
from decimal import Decimal

from core.errors import AmountFormatError
from core.money import parse_amount
from core.refs import normalise_ref
from core.types import Remittance, RemittanceLine
from parsers.quoted_text import strip_quotes_and_signature
from parsers.text_refs import find_invoice_refs, find_payment_ref

MAX_CHARS = 20_000
_CURRENCY = r"(?:[$€£]|(?<![A-Za-z])(?:USD|EUR|GBP|CHF|CAD|AUD)(?![A-Za-z]))"
_NUMBER = r"\d{1,3}(?:[,.'\u00a0 ]\d{3})*(?:[.,]\d{2})|\d+(?:[.,]\d{2})"
_AMOUNT = rf"(?P<cur1>{_CURRENCY}\s?)?(?P<num>{_NUMBER})(?P<cur2>\s?{_CURRENCY})?"
_AMOUNT_RE = re.compile(rf"(?<![\w.,]){_AMOUNT}(?![\w]|[.,]\d)")
#: A sentence that says money went out (first person, past or present perfect).
_SENT_RE = re.compile(
    r"\b(?:we|i)\s+(?:have\s+|had\s+|just\s+|today\s+|now\s+)*"
    r"(?:sent|paid|wired|transferred|remitted|initiated|released|made|scheduled|mailed)\b"
    r"|\b(?:payment|wire|transfer|remittance|ach|check|cheque)\b[^?!\n]{0,60}?"
    r"\b(?:has\s+been|was|is|were)\s+(?:sent|made|initiated|released|transferred|paid|wired|"
    r"mailed|processed|issued)\b"
    r"|\b(?:amount\s+paid|payment\s+amount|total\s+paid|paid\s+amount)\s*[:=]"
    r"|\bour\s+(?:ach|eft|wire|payment|transfer|bank\s+transfer|check|cheque|remittance)"
    r"\s+(?:payment\s+|transfer\s+)?(?:of|for|in\s+the\s+amount\s+of|über|de)\s"
    r"|\b(?:haben|hatten)\s+(?:wir|ich)\b[^?!\n]{0,80}?\b(?:überwiesen|bezahlt|gezahlt)\b"
    r"|\bwir\s+(?:haben\s+)?(?:heute\s+)?[^?!\n]{0,80}?\b(?:überwiesen|bezahlt)\b"
    r"|\b(?:nous\s+avons|j'ai)\s+(?:\w+\s+){0,3}?(?:viré|réglé|payé|transféré|effectué)\b"
    r"|\b(?:hemos|he)\s+(?:\w+\s+){0,3}?(?:pagado|transferido|abonado)\b",
    re.IGNORECASE,
)
#: Words that turn the sentence into a question or a plan, or about money not sent by them.
_NOT_SENT_RE = re.compile(
    r"\b(?:will|shall|going\s+to|plan|intend|can\s+you|could\s+you|did\s+you|"
    r"please\s+(?:confirm|advise|check|send|let|tell|explain)|"
    r"have\s+you|received|not\s+yet|haven't|have\s+not|wasn't|werden|bitte|allons)\b",
    re.IGNORECASE,
)
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜÉ])|\n\s*\n|\n(?=\S)")


def payment_without_references(text: str) -> Remittance | None:
    """A one-line remittance (no reference, the amount announced) when ``text`` announces a
    payment and names no document; None otherwise."""
    body = strip_quotes_and_signature(text[:MAX_CHARS])
    payment_refs = {normalise_ref(ref) for ref in _payment_refs(body)}
    named = {normalise_ref(ref) for ref in find_invoice_refs(body.replace("\n", " "))}
    if not body.strip() or named - payment_refs:
        return None
    found: set[Decimal] = set()
    currency: str | None = None
    for sentence in _SENTENCE_SPLIT_RE.split(body):
        if "?" in sentence or not _SENT_RE.search(sentence) or _NOT_SENT_RE.search(sentence):
            continue
        amounts = [m for m in _AMOUNT_RE.finditer(sentence) if m.group("cur1") or _decimals(m)]
        if len(amounts) != 1:
            continue
        match = amounts[0]
        try:
            amount = parse_amount(match.group("num"))
        except AmountFormatError:
            continue
        if amount > 0:
            found.add(amount)
            currency = currency or _currency(match.group("cur1") or match.group("cur2") or "")
    if len(found) != 1:
        return None
    (amount,) = found
    line = RemittanceLine(invoice_ref=None, amount=amount, source="body")
    refs = _payment_refs(body)
    return Remittance(
        lines=(line,),
        stated_total=amount,
        currency=currency,
        source="body",
        payment_ref=refs[0] if refs else None,
    )


def _payment_refs(text: str) -> list[str]:
    """The payment references the text names ("Payment reference: 922820"), line by line:
    the number of the payment itself, never a document it pays."""
    return [ref for line in text.splitlines() if (ref := find_payment_ref(line))]


def _decimals(match: re.Match[str]) -> bool:
    number = match.group("num")
    return len(number) > 3 and number[-3] in ".,"


def _currency(marker: str) -> str | None:
    marker = marker.strip()
    return {"€": "EUR", "£": "GBP", "$": None}.get(marker, marker.upper() or None)
