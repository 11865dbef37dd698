"""What a payer writes in parentheses after the amount it paid: the discount it took or the
amount it kept back, and why. Pure: no IO.

    90043070   561.26   (302.22 kept back – pallet charges)
    90043789 | 11.913,21 (descuento aplicado 243,13)
    2.801,08 (abzgl. 57,17 Skonto)
    1 310,64 (retenue 41,75 : casse)
    535.97   (133.99 kept back – Q3 rebate)
    4,360.09 [cash disc. 88.98]

The first amount is what was paid; the one in parentheses is taken off, as a discount when a
discount word stands beside it, as a deduction when a word of keeping back does (its reason:
the other words). Parentheses that say neither ("(see attached)", "(EUR 561.26)") are no
aside. Square brackets are parentheses too; a number in the words after the amount taken
("Q3") is a word, an amount there is not. The amount in parentheses is never what was paid:
a payer who writes it so tells what it did not pay.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from parsers.text_amounts import read_amounts

#: A discount taken, in five languages.
_DISCOUNT_RE = re.compile(
    r"\b(?:(?:cash|early[- ]payment|prompt[- ]payment)\s+)?(?:discount|disc\.?|skonto"
    r"|escompte|remise|descuento|dto\.?|pronto\s+pago|korting|betalingskorting|sconto|rabatt)"
    r"(?![a-z])",
    re.IGNORECASE,
)
#: An amount kept back, withheld or deducted, in five languages.
_KEPT_RE = re.compile(
    r"\b(?:kept\s+back|held\s+back|withheld|withholding|deducted|deduction|short[- ]?paid"
    r"|short\s+pay(?:ment)?|less|minus|einbehalten|abgezogen|abzug|abzgl\.?|abzüglich"
    r"|gekürzt|kürzung|retenu[es]?|retenue|d[ée]duit|d[ée]duction|moins|retenido|deducido"
    r"|descontado|deducci[oó]n|menos|ingehouden|afgetrokken|inhouding|minder|in\s+mindering)"
    r"(?![a-z])",
    re.IGNORECASE,
)
#: The paid amount, then a parenthesis of at most a few words, the amount taken and more words.
#: The most of a line or row looked at: a remittance row is short, and the pattern's cost
#: grows with the length of runs of digits and spaces (a hostile line must stay cheap).
MAX_CHARS = 400
_ASIDE_RE = re.compile(
    r"(?P<paid>[-(]?[$€£]?\s?\d[\d.,'\u00a0\u202f ]{0,18}\d(?:\s?[A-Z]{3}|\s?[$€£])?)"
    r"\s*(?:\|\s*)?[(\[]\s*(?P<pre>(?:[^\d()\[\]|]|\d{1,2}(?:[.,]\d{1,2})?\s?%){0,60}?)\s*"
    r"(?P<taken>[$€£]?\s?\d[\d.,'\u00a0\u202f ]{0,18}\d(?:\s?[A-Z]{3}|\s?[$€£])?)"
    r"(?P<post>(?:[^()\[\]|\d]|\d(?![\d.,'\u00a0\u202f ]*[.,]\d\d\b)){0,120})[)\]]"
)


@dataclass(frozen=True, slots=True)
class Aside:
    """The paid amount and what was taken off it, read from one line or row."""

    paid: Decimal
    taken: Decimal
    discount: bool  # a discount taken; else an amount kept back, for ``reason``
    reason: str | None


def read_aside(text: str) -> Aside | None:
    """The aside of ``text`` (a line, or a row's cells joined by ``" | "``), or None."""
    if "(" not in text and "[" not in text:
        return None
    for m in _ASIDE_RE.finditer(text[:MAX_CHARS]):
        paid, taken = _one_amount(m.group("paid")), _one_amount(m.group("taken"))
        if paid is None or taken is None or paid <= 0 or taken <= 0:
            continue
        words = f"{m.group('pre')} {m.group('post')}"
        if _DISCOUNT_RE.search(words):
            return Aside(paid, taken, discount=True, reason=None)
        if kept := _KEPT_RE.search(words):
            reason = (words[: kept.start()] + " " + words[kept.end() :]).strip(" -–—:;,.")
            reason = re.sub(r"\s+", " ", re.sub(r"^(?:for|wegen|pour|por|voor)\s+", "", reason))
            return Aside(paid, taken, discount=False, reason=reason[:200] or None)
    return None


def _one_amount(text: str) -> Decimal | None:
    amounts = read_amounts(text.strip())
    return amounts[0].value if len(amounts) == 1 else None
