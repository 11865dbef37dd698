"""Column roles of a remittance table from its values, where the header says nothing.
Pure: no IO.

Each cell is one :class:`Kind` (amount, date, code, number, text); a column is the kind most
of its cells are. Among the columns the header did not name, :func:`assign_from_values`
picks our reference (a column of codes such as ``INV-1001`` before one of bare numbers; the
other reference-like columns become alternatives) and the amounts: the net paid is the
column that adds up to the total row, else the one gross − discount − deduction gives in
every row, else the rightmost; that sum, where the rows bear it out, names the others.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from core.errors import AmountFormatError
from core.money import CURRENCY_CODES, parse_amount
from parsers.payment_info import DATE_RE
from parsers.table_headers import Role

#: Rows sampled to decide a column's kind and how its amounts add up.
SAMPLE_ROWS = 1000
#: Alternative reference columns kept at most.
MAX_ALTS = 3
#: Share of a column's filled cells that must be of one kind for the column to be of it.
MAJORITY = 0.6

_CUR = rf"(?:[$€£¥]|(?<![A-Za-z])(?:{CURRENCY_CODES})(?![A-Za-z]))"
#: An amount cell: digits with two decimals or digit groups (grouped: up to three decimals, as
#: KWD and BHD are written), or any number with a currency;
#: optionally signed, in parentheses, with a trailing minus or CR/DR.
_AMOUNT_CELL_RE = re.compile(
    r"""^[(]?\s*[-+]?\s*
    (?P<num>\d{1,3}(?:[,.'\u00a0\u202f\ ]\d{3})+(?:[.,]\d{1,3})?|\d+[.,]\d{1,2}|(?P<bare>\d+))
    \s*[)]?\s*(?:-|CR|DR|cr|dr)?\s*[)]?$""",
    re.VERBOSE,
)
#: Words before a reference in its cell: "No. 4711", "#4711", "Invoice 4711".
_LEAD_RE = re.compile(
    r"^(?:#|(?:no|nr|n°|invoice|inv|rechnung|facture|factura)(?:[.:#]|\s)+)\s*", re.IGNORECASE
)
_CODE_RE = re.compile(r"^#?(?:[A-Za-z]{1,6}[-/]?|[A-Z]{1,4} )\d[\w/-]*$")
_NUMBER_RE = re.compile(r"^#?\d{3,}(?:[-/]\d+)*$")
_DOCUMENT_PREFIX_RE = re.compile(
    r"^#?(?:inv|invoice|in|re|rg|rech|bill|f|fa|fac|ft|cm|cn|dm|dn)[-/ ]?\d", re.IGNORECASE
)
#: Codes of orders, customers and accounts: reference-like, but never our invoice.
_ORDER_PREFIX_RE = re.compile(
    r"^#?(?:po|so|ord|order|best|cust|kd|acct|acc|vendor|vend|lief)[-/ ]?\d", re.IGNORECASE
)
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2012": "-"})
_SYMBOLS = {"€": "EUR", "£": "GBP", "¥": "JPY"}
_CURRENCY_MARK_RE = re.compile(_CUR)


class Kind(StrEnum):
    """What a cell holds."""

    EMPTY = "empty"
    AMOUNT = "amount"
    DATE = "date"
    CODE = "code"  # letters and digits: INV-1001
    NUMBER = "number"  # a bare number of 3+ digits without decimals: 10023, 5100004711
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class Assigned:
    """Roles :func:`assign_from_values` gave to columns the header left unnamed."""

    ref: int | None = None
    alts: tuple[int, ...] = ()
    amounts: dict[Role, int] = field(default_factory=dict)


#: Cells longer than this are read on every call, never kept.
MEMO_MAX_CHARS = 120


def cell_kind(cell: str) -> Kind:
    """The kind of one cell. A table's cells are asked for their kind again and again (the
    header search, each column's kind, the roles, each row): a short cell's kind is kept
    for the 4,096 cells asked last."""
    if len(cell) > MEMO_MAX_CHARS:
        return _cell_kind(cell)
    return _kept_cell_kind(cell)


def _cell_kind(cell: str) -> Kind:
    cell = cell.strip()
    if not cell:
        return Kind.EMPTY
    if DATE_RE.fullmatch(cell):
        return Kind.DATE
    bare = strip_currency(cell).translate(_MINUS_SIGNS)
    m = _AMOUNT_CELL_RE.match(bare)
    if m and (not m.group("bare") or bare != cell):
        return Kind.AMOUNT
    ref = _LEAD_RE.sub("", cell, count=1)
    if _NUMBER_RE.match(ref):
        return Kind.NUMBER
    if _CODE_RE.match(ref) and sum(ch.isdigit() for ch in ref) >= 2:
        return Kind.CODE
    return Kind.TEXT


_kept_cell_kind = functools.lru_cache(maxsize=4096)(_cell_kind)


def is_amount_cell(cell: str) -> bool:
    """Whether ``cell`` is an amount."""
    return cell_kind(cell) is Kind.AMOUNT


def strip_currency(cell: str) -> str:
    """``cell`` without its currency mark (``(5.583,46) EUR`` → ``(5.583,46)``)."""
    return _CURRENCY_MARK_RE.sub("", cell).strip()


def amount_currency(cell: str) -> str | None:
    """The currency an amount cell is marked with (``$`` is not only USD: None)."""
    if cell_kind(cell) is not Kind.AMOUNT:
        return None
    m = _CURRENCY_MARK_RE.search(cell)
    mark = m.group(0) if m else ""
    return _SYMBOLS.get(mark, mark if len(mark) == 3 else None) or None


def column_kind(cells: Sequence[str]) -> Kind:
    """The kind most filled cells of a column are, or TEXT when none is a clear majority."""
    kinds = Counter(cell_kind(cell) for cell in cells)
    kinds.pop(Kind.EMPTY, None)
    if not kinds:
        return Kind.EMPTY
    kind, n = kinds.most_common(1)[0]
    if (
        kind is Kind.NUMBER
        and kinds[Kind.CODE]
        and n + kinds[Kind.CODE] >= MAJORITY * sum(kinds.values())
    ):
        return Kind.CODE  # "INV-1001" and "1002" in one column are references
    return kind if n >= MAJORITY * sum(kinds.values()) else Kind.TEXT


def assign_from_values(
    body: Sequence[Sequence[str]],
    roles: Sequence[Role | None],
    *,
    total_row: Sequence[str] | None = None,
) -> Assigned:
    """Reference and amount roles for the columns ``roles`` leaves None. ``body`` are the
    rows that may be lines (no total or subtotal rows); ``total_row`` is the table's total
    row, if any: the column whose amounts add up to it is the net."""
    if not body:
        return Assigned()
    width = len(body[0])
    # Title rows, a header of unknown words and notes hold no amount: kinds come from the
    # rows that do.
    body = [row for row in body[:SAMPLE_ROWS] if any(map(is_amount_cell, row))] or body[:1]
    kinds = {
        no: column_kind([row[no] for row in body])
        for no in range(width)
        if no >= len(roles) or roles[no] is None
    }
    codes = [no for no, kind in kinds.items() if kind is Kind.CODE]
    numbers = [no for no, kind in kinds.items() if kind is Kind.NUMBER]
    documentish = [no for no in codes if share_documentish(body, no) > 0.5]
    orders = [no for no in codes if _share(body, no, _ORDER_PREFIX_RE) > 0.5]
    plain = [no for no in codes if no not in documentish and no not in orders]
    ordered = documentish + plain + numbers + orders
    ref = ordered[0] if ordered else None
    amount_cols = sorted(no for no, kind in kinds.items() if kind is Kind.AMOUNT)
    return Assigned(
        ref=ref,
        alts=tuple(ordered[1 : 1 + MAX_ALTS]),
        amounts=_pin_amounts(body, amount_cols, roles, total_row),
    )


def share_documentish(body: Sequence[Sequence[str]], col: int) -> float:
    """The share of the filled cells of column ``col`` that look like our documents
    (a prefix such as INV-, RE, CM- before the digits)."""
    return _share(body, col, _DOCUMENT_PREFIX_RE)


def _share(body: Sequence[Sequence[str]], col: int, pattern: re.Pattern[str]) -> float:
    filled = [row[col] for row in body if row[col]]
    if not filled:
        return 0.0
    return sum(bool(pattern.match(c)) for c in filled) / len(filled)


def _value(cell: str) -> Decimal | None:
    if not cell.strip():
        return None
    try:
        return parse_amount(strip_currency(cell), currency=amount_currency(cell))
    except (AmountFormatError, InvalidOperation):
        return None


def _pin_amounts(
    body: Sequence[Sequence[str]],
    cols: Sequence[int],
    roles: Sequence[Role | None],
    total_row: Sequence[str] | None,
) -> dict[Role, int]:
    """Roles of the unnamed amount columns ``cols``. The net, unless the header names it:
    the column that adds up to the total row; else the one that gross − discount −
    deduction gives in every row; else the rightmost with a non-zero amount. The others
    are gross, discount and deduction as far as that sum holds."""
    named = {role: no for no, role in enumerate(roles) if role is not None}
    if not cols:
        return {}
    out: dict[Role, int] = {}
    net = named.get(Role.NET)
    if net is None:
        net = _net_by_total(body, cols, total_row)
        if net is None:
            net = _net_by_sum(body, cols)
        if net is None:
            paying = [no for no in cols if any(_value(row[no]) for row in body)] or list(cols)
            net = paying[-1]
        out[Role.NET] = net
    rest = [no for no in cols if no != net]
    gross = named.get(Role.GROSS)
    if gross is None and rest:
        for candidate in rest:
            others = [no for no in rest if no != candidate]
            if _adds_up(body, candidate, others, net):
                gross = candidate
                break
        else:
            gross = rest[0] if len(rest) == 1 and _not_below(body, rest[0], net) else None
        if gross is not None:
            out[Role.GROSS] = gross
    rest = [no for no in rest if no != gross]
    if gross is not None and rest and _adds_up(body, gross, rest, net):
        for role, no in zip((Role.DISCOUNT, Role.DEDUCTION), rest, strict=False):
            if role not in named:
                out[role] = no
    return out


def _net_by_total(
    body: Sequence[Sequence[str]], cols: Sequence[int], total_row: Sequence[str] | None
) -> int | None:
    """The rightmost column whose amounts add up to the total row's amount (in that
    column, or the row's only amount), when it is not zero."""
    if total_row is None:
        return None
    stated = [_value(cell) for cell in total_row if is_amount_cell(cell)]
    for no in reversed(cols):
        total = _value(total_row[no]) if total_row[no] else (stated[-1] if stated else None)
        column = sum((_value(row[no]) or Decimal(0) for row in body), start=Decimal(0))
        if total and column == total:
            return no
    return None


def _net_by_sum(body: Sequence[Sequence[str]], cols: Sequence[int]) -> int | None:
    """The rightmost column that another column less one or two more gives in every row,
    with something taken off in one row at least (gross − discount = net)."""
    valid: list[int] = []
    for net in reversed(cols):
        if not any(_value(row[net]) for row in body):
            continue  # a column of zeros (an open balance) is no net
        rest = [no for no in cols if no != net]
        if any(
            _adds_up(body, gross, [no for no in rest if no != gross], net, strict=True)
            for gross in rest
        ):
            valid.append(net)
    # gross − net = discount holds too: the net is the larger side
    return max(valid, key=lambda no: _magnitude(body, no)) if valid else None


def _magnitude(body: Sequence[Sequence[str]], col: int) -> Decimal:
    return sum((abs(_value(row[col]) or Decimal(0)) for row in body), start=Decimal(0))


def _adds_up(
    body: Sequence[Sequence[str]],
    gross: int,
    others: Sequence[int],
    net: int,
    *,
    strict: bool = False,
) -> bool:
    """Whether gross − Σ others = net in every row with a gross and a net (at least one;
    ``strict``: and in one row at least something is taken off)."""
    if not others:
        return False
    checked = 0
    taken_off = False
    for row in body:
        g, n = _value(row[gross]), _value(row[net])
        if g is None or n is None:
            continue
        taken = sum((abs(_value(row[no]) or Decimal(0)) for no in others), start=Decimal(0))
        if g - taken != n:
            return False
        taken_off = taken_off or bool(taken)
        checked += 1
    return checked > 0 and (taken_off or not strict)


def _not_below(body: Sequence[Sequence[str]], gross: int, net: int) -> bool:
    """Whether the column ``gross`` is never smaller than the net (a gross, not a balance)."""
    pairs = [(_value(row[gross]), _value(row[net])) for row in body]
    return all(abs(g) >= abs(n) for g, n in pairs if g is not None and n is not None)
