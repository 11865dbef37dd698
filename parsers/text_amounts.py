"""Amounts written in a line of text, with their positions. Pure: no IO.

:func:`read_amounts` finds the amount-looking tokens of a line (``1,250.00``, ``$1,250``,
``1.234,56 EUR``, ``(1,250.00)``, ``1 234,56``); a bare ``1001`` is a number, not an amount.
After a number written in groups ("90 04 45 79 895,19") a first group of the same width is
that number's, not the amount's.
Readers blank the amounts out (:func:`blank_out`, same length, so positions stay valid)
before they look for references.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from core.errors import AmountFormatError
from core.money import CURRENCY_CODES, parse_amount

#: An amount: digits with two decimals (three: KWD, BHD, … write them), or with a currency
#: marker. The full text goes to core.money.parse_amount, which also reads (1,250.00),
#: 1,250.00- and 1,250.00 CR.
_CURRENCY = rf"[$€£₹]|(?<![A-Za-z])(?:{CURRENCY_CODES})(?![A-Za-z])"
_AMOUNT_RE = re.compile(
    rf"""
    (?<![\w.,/-])
    (?P<neg>-|\()?
    (?P<cur1>(?:{_CURRENCY})\s?)?
    (?P<num>
        \d{{1,3}}(?:(?P<grp>[,.'\u00a0\u202f])\d{{3}})(?:(?P=grp)\d{{3}})*(?P<dec>[.,]\d{{2,3}})?
      | \d{{1,3}}(?:\ \d{{3}})+,\d{{2}}            # 1 234,56 (space-grouped: comma only)
      | \d{{1,2}}(?:,\d{{2}})+,\d{{3}}(?P<dec3>\.\d{{2}})  # 12,34,567.00 (lakh and crore)
      | \d+(?P<dec2>[.,]\d{{2,3}})?
    )
    \)?
    (?P<sign>-(?![\w]))?
    (?P<cur2>\s?(?:{_CURRENCY}|(?<![A-Za-z])CR\b))?
    (?![\w.,]*\d)
    """,
    re.VERBOSE,
)
_CURRENCY_CODES = {"$": None, "€": "EUR", "£": "GBP", "₹": "INR"}


@dataclass(frozen=True, slots=True)
class Amount:
    """An amount read from a line, and where it stands (``line[start:end]``)."""

    value: Decimal
    currency: str | None
    start: int
    end: int


def read_amounts(work: str) -> list[Amount]:
    """The amount-looking tokens of ``work``, in order."""
    out: list[Amount] = []
    for m in _AMOUNT_RE.finditer(work):
        cur = (m.group("cur1") or m.group("cur2") or "").strip()
        has_decimals = bool(
            m.group("dec") or m.group("dec2") or m.group("dec3") or m.group("num").count(" ")
        )
        if not has_decimals and (not cur or cur.upper() == "CR"):
            continue  # 1001 is a number, not an amount; $1,250 and 1250 EUR are amounts
        text = m.group("num")
        start = m.start()
        if " " in text and not m.group("cur1") and not m.group("neg"):
            lead = text.split(" ", 1)[0]
            if _lead_belongs_before(work[:start], lead):
                text, start = text[len(lead) + 1 :], start + len(lead) + 1
        if m.group("neg") == "(" and ")" in m.group(0):
            text = f"({text})"  # "(1,250.00" alone is a bracket of prose, not a negative
        elif m.group("neg") == "-" or m.group("sign"):
            text = f"-{text}"
        if cur.upper() == "CR":
            text += " CR"
        code = cur.upper() if cur and cur.upper() != "CR" else None
        try:
            value = parse_amount(text, currency=code)
        except (AmountFormatError, InvalidOperation):
            # core.money.parse_amount lets decimal.InvalidOperation escape for numbers of
            # more than 26 digits (found by fuzzing); neither is an amount.
            continue
        out.append(Amount(value, _CURRENCY_CODES.get(code or "", code), start, m.end()))
    return out


#: The groups of digits right before an amount, each followed by one space.
_GROUPS_BEFORE_RE = re.compile(r"(?:(?<![\w.,])\d{2,4}[ \u00a0\u202f]){2,}$")


def _lead_belongs_before(before: str, lead: str) -> bool:
    """Whether the first group of a space-grouped amount ("79" of "79 895,19") is the last
    group of the number written in groups before it ("90 04 45 79 895,19": invoice
    90044579, 895.19 paid): it has the width of those groups, or a leading zero ("01 619,54"
    is no amount's thousands)."""
    groups = _GROUPS_BEFORE_RE.search(before)
    if groups is None:
        return False
    widths = {len(g) for g in re.findall(r"\d+", groups.group(0))}
    return (len(lead) > 1 and lead.startswith("0")) or widths == {len(lead)}


def blank_out(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]
