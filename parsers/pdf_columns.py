"""Column roles of a remittance table from its header words, and the lines they give. Pure.

The minimum the PDF reader needs from a grid engine that :func:`parsers.tables.read_grid`
does not do yet (its first cut joins the cells into text lines): which column holds our
invoice number and which the payer's own document number, and the per-line gross, discount,
deduction (and its reason) and net paid. :mod:`parsers.remittance_pdf` takes whichever of the
two readings carries more, so once ``read_grid`` reads roles it wins the ties.

Header words that say "ours": "Your reference", "Your invoice", "Ihre Belegnr.", "Ihre
Referenz", "Rechnungsnr.", "Invoice No.". Words that say "the payer's": "Our document",
"Our ref", "Unsere Belegnr.", "Doc. no." (beside an "ours" column), a bare "Belegnr.". Where the
header cannot tell (two reference columns, neither named), a column whose values carry a
document prefix (INV-, RE-) beats one of bare numbers; when nothing tells them apart the
leftmost is the reference and the other goes to ``RemittanceLine.alt_refs``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal, cast, get_args

from core.errors import AmountFormatError
from core.money import parse_amount
from core.types import RemittanceLine
from parsers.line_scan import LinesRead
from parsers.pdf_layout import is_amount, is_total
from parsers.text_refs import join_digit_groups
from parsers.vocabulary import PAGE_CONTINUED_RE, PDF_COLUMN_ROLE_WORDS

Role = Literal["ours", "theirs", "ref", "date", "gross", "discount", "deduction", "reason", "net"]

_ROLE_PATTERNS: tuple[tuple[Role, re.Pattern[str]], ...] = tuple(
    (cast("Role", role), re.compile(pattern, re.IGNORECASE))
    for role, pattern in PDF_COLUMN_ROLE_WORDS
    if role in get_args(Role)
)
#: Rows of a grid looked at for its header (a title row may come first).
HEADER_ROWS_SEARCHED = 4
#: Role names of header columns that refer to a document.
_REF_ROLES = ("ours", "theirs", "ref")
#: Values that carry a document prefix: INV-1001, RE2026-17, CM-2001.
_PREFIXED_RE = re.compile(r"^(?:inv|in|re|rg|rech|bill|f|fa|ft|cm|cn|dm|dn)[-/ ]?\d", re.I)
_REF_TOKEN_RE = re.compile(r"[A-Za-z]{0,6}[-/]?\d[\w/-]*")


@dataclass(frozen=True, slots=True)
class Columns:
    """Which column (index) plays which role."""

    ref: int
    alts: tuple[int, ...]
    by_role: dict[Role, int]


def header_roles(header: Sequence[str | None]) -> dict[int, Role]:
    """The role of each named header cell."""
    roles: dict[int, Role] = {}
    for index, cell in enumerate(header):
        text = " ".join((cell or "").split())
        if not text:
            continue
        for role, pattern in _ROLE_PATTERNS:
            if pattern.search(text):
                roles[index] = role
                break
    return roles


def read_columns(rows: Sequence[Sequence[str | None]]) -> LinesRead | None:
    """The lines of a grid with a header row (one of its first rows, above the values)
    naming a reference column and an amount column, or None when no header names them."""
    found = next(
        (
            (no, columns)
            for no, row in enumerate(rows[:HEADER_ROWS_SEARCHED])
            if not any(is_amount(c or "") for c in row)
            and (columns := _columns(header_roles(row), rows[no + 1 :])) is not None
        ),
        None,
    )
    if found is None:
        return None
    start, columns = found
    lines: list[RemittanceLine] = []
    total: Decimal | None = None
    header_key = _key(rows[start])
    for row in rows[start + 1 :]:
        cells = [" ".join((c or "").split()) for c in row]
        text = "  ".join(c for c in cells if c)
        if not text or _key(row) == header_key:
            continue
        if PAGE_CONTINUED_RE.search(next(c for c in cells if c)):
            continue  # labelled "Carried forward", "Continued", "Page 2 of 3": no invoice
        amounts = {role: _amount(cells, i) for role, i in columns.by_role.items()}
        net = amounts.get("net")
        ref = _ref(cells, columns.ref)
        if is_total(text) and (ref is None or is_total(_cell(cells, columns.ref))):
            stated = net if net is not None else _last_amount(cells)
            total = stated if stated is not None else total
            continue
        if ref is None:
            if lines and _is_wrapped_reason(cells, columns) and lines[-1].deduction_reason:
                last = lines[-1]
                reason = f"{last.deduction_reason} {_cell(cells, columns.by_role['reason'])}"
                lines[-1] = _replace_reason(last, reason)
            continue
        line = _line(ref, cells, columns, amounts, source=text)
        if line is not None:
            lines.append(line)
    return LinesRead(lines=tuple(lines), stated_total=total, payment_ref=None, currency=None)


def _columns(roles: dict[int, Role], body: Sequence[Sequence[str | None]]) -> Columns | None:
    by_role: dict[Role, int] = {}
    for index, role in roles.items():
        if role not in _REF_ROLES:
            by_role.setdefault(role, index)
    if (
        "net" not in by_role
        and "gross" in by_role
        and not ({"discount", "deduction"} & by_role.keys())
    ):
        by_role["net"] = by_role.pop("gross")  # a lone "Amount" column is what was paid
    if "net" not in by_role and "gross" not in by_role:
        return None
    ours = [i for i, r in roles.items() if r == "ours"]
    theirs = [i for i, r in roles.items() if r == "theirs"]
    if len(ours) == 1:  # the header says which is ours
        return Columns(ref=ours[0], alts=(), by_role=by_role)
    generic = [i for i, r in roles.items() if r == "ref"]
    if len(generic) == 1 and theirs and not ours:  # "Reference" beside "Our document"
        return Columns(ref=generic[0], alts=(), by_role=by_role)
    candidates = ours or generic or theirs
    if not candidates:
        return None
    if len(candidates) == 1:
        return Columns(ref=candidates[0], alts=(), by_role=by_role)
    prefixed = [i for i in candidates if _share_prefixed(body, i) > 0.5]
    if len(prefixed) == 1:
        return Columns(ref=prefixed[0], alts=(), by_role=by_role)
    return Columns(ref=candidates[0], alts=tuple(candidates[1:]), by_role=by_role)


def _share_prefixed(body: Sequence[Sequence[str | None]], index: int) -> float:
    values = [(row[index] or "").strip() for row in body if index < len(row) and row[index]]
    return sum(1 for v in values if _PREFIXED_RE.match(v)) / len(values) if values else 0.0


def _cell(cells: Sequence[str], index: int) -> str:
    return cells[index] if 0 <= index < len(cells) else ""


def _key(row: Sequence[str | None]) -> str:
    return "".join((c or "") for c in row).casefold().replace(" ", "")


def _ref(cells: Sequence[str], index: int) -> str | None:
    value = _cell(cells, index)
    if not is_amount(value):
        value = join_digit_groups(value).strip()  # "9004 0486": one number in groups
    match = _REF_TOKEN_RE.search(value)
    if match is None or sum(ch.isdigit() for ch in match.group(0)) < 3 or is_amount(value):
        return None
    return match.group(0)


def _amount(cells: Sequence[str], index: int) -> Decimal | None:
    value = _cell(cells, index)
    if not value or not is_amount(value):
        return None
    try:
        return parse_amount(value)
    except (AmountFormatError, InvalidOperation):
        return None


def _last_amount(cells: Sequence[str]) -> Decimal | None:
    for index in reversed(range(len(cells))):
        amount = _amount(cells, index)
        if amount is not None:
            return amount
    return None


def _line(
    ref: str,
    cells: Sequence[str],
    columns: Columns,
    amounts: dict[Role, Decimal | None],
    *,
    source: str,
) -> RemittanceLine | None:
    gross, net = amounts.get("gross"), amounts.get("net")
    discount, deduction = amounts.get("discount"), amounts.get("deduction")
    discount = abs(discount) if discount is not None else None
    deduction = abs(deduction) if deduction is not None else None
    if net is None and gross is not None:
        net = gross - (discount or Decimal("0.00")) - (deduction or Decimal("0.00"))
    if net is None:
        return None
    reason_index = columns.by_role.get("reason")
    reason = _cell(cells, reason_index) if reason_index is not None else ""
    if deduction is None and reason and gross is not None:
        short = gross - (discount or Decimal("0.00")) - net
        deduction = short if short > 0 else None  # short paid, the reason column says why
    alts = tuple(a for a in (_ref(cells, i) for i in columns.alts) if a and a != ref)
    return RemittanceLine(
        invoice_ref=ref,
        amount=net,
        source=source,
        gross=gross,
        discount=discount,
        deduction=deduction,
        deduction_reason=(reason or None) if deduction else None,
        alt_refs=alts,
    )


def _is_wrapped_reason(cells: Sequence[str], columns: Columns) -> bool:
    """Whether a row without a reference only continues the reason of the row above."""
    reason = columns.by_role.get("reason")
    if reason is None or reason >= len(cells) or not cells[reason]:
        return False
    return not any(cell for i, cell in enumerate(cells) if i != reason)


def _replace_reason(line: RemittanceLine, reason: str) -> RemittanceLine:
    return RemittanceLine(
        invoice_ref=line.invoice_ref,
        amount=line.amount,
        source=line.source,
        gross=line.gross,
        discount=line.discount,
        deduction=line.deduction,
        deduction_reason=reason,
        alt_refs=line.alt_refs,
    )
