"""The header row and the column roles of a remittance table. Pure: no IO.

:func:`find_header` finds the header row of a grid (the first of :data:`HEADER_SEARCH_ROWS`
rows naming at least two column roles, :mod:`parsers.table_headers`; a header set in two
lines is joined, :func:`merge_header`). :func:`decide_columns` settles the role of each
column: the header's, and from the values (:mod:`parsers.table_values`) where it says
nothing, with the decimal separator of each amount column. :mod:`parsers.tables` reads the
rows with them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from parsers.table_headers import (
    AMOUNT_ROLES,
    SUPPLIER_DOCUMENT_RE,
    Role,
    header_role,
    normalise_header,
)
from parsers.table_values import (
    MAX_ALTS,
    SAMPLE_ROWS,
    Kind,
    assign_from_values,
    cell_kind,
    share_documentish,
)
from parsers.vocabulary import TABLE_SKIP_ROW_RE, TOTAL_RE

#: Rows looked at for the header.
HEADER_SEARCH_ROWS = 60
_REF_WORD_RE = re.compile(r"\bref|referen", re.IGNORECASE)
#: What a row needs to hold for the text reading to look at it: an amount-like token.
MONEY_HINT_RE = re.compile(r"\d[.,]\d{2}(?!\d)|[$€£]\s?\d|\d\s?(?:[$€£]|[A-Z]{3}\b)")


@dataclass(frozen=True, slots=True)
class TableColumns:
    """The column of each role (None when absent), the reference alternatives and the
    decimal separator of each amount column."""

    ref: int | None
    alts: tuple[int, ...]
    amounts: dict[Role, int]
    reason: int | None
    description: int | None
    doc_type: int | None
    currency: int | None
    payment_ref: int | None
    seps: dict[int, str | None]
    header_named_ref: bool


def continues_header(header: Sequence[str], row: Sequence[str]) -> bool:
    """Whether ``row`` is the second line of a header set in two (``Zahl-`` over
    ``betrag``): words only, under at least half of the header's words, the header words
    only too (a line like "Created 2026-11-08" above the header is none)."""
    words = [cell for cell in row if cell]
    named = [cell for cell in header if cell]
    return (
        len(words) >= 2
        and not any(ch.isdigit() for cell in named for ch in cell)
        and 2 * len(words) >= len(named)
        and not any(ch.isdigit() for cell in words for ch in cell)
        and not TOTAL_RE.search(" ".join(words))
        and not TABLE_SKIP_ROW_RE.search(" ".join(words))
    )


def merge_header(header: Sequence[str], row: Sequence[str]) -> list[str]:
    """Each header cell with the word below it (a hyphenated word joined up)."""
    merged: list[str] = []
    for top, below in zip(header, row, strict=True):
        if top.endswith("-") and below:
            merged.append(top[:-1] + below)
        else:
            merged.append(f"{top} {below}".strip())
    return merged


def _header_score(row: Sequence[str]) -> int:
    """How many distinct roles the cells of ``row`` name (0 when it holds amounts)."""
    if any(cell_kind(cell) is Kind.AMOUNT for cell in row):
        return 0
    return len({role for role in map(header_role, row) if role is not None})


def find_header(grid: Sequence[Sequence[str]]) -> int | None:
    """The header row: the first naming two roles (one of them a reference or an amount);
    else a row of three or more word cells, one naming a role, right above a row with an
    amount (a header whose other words are unknown)."""
    for no, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        if no + 1 < len(grid) and continues_header(row, grid[no + 1]):
            row = merge_header(row, grid[no + 1])  # the header set in two
        roles = {role for role in map(header_role, row) if role is not None}
        if _header_score(row) >= min(2, len(row)) and (
            roles & {Role.REF, Role.DOC, Role.THEIRS} or roles & AMOUNT_ROLES
        ):
            return no
    for no, row in enumerate(grid[: min(len(grid) - 1, HEADER_SEARCH_ROWS - 1)]):
        words = [cell for cell in row if cell]
        if (
            len(words) >= 3
            and not any(ch.isdigit() for cell in words for ch in cell)
            and any(header_role(cell) is not None for cell in words)
            and any(cell_kind(cell) is Kind.AMOUNT for cell in grid[no + 1])
        ):
            return no
    return None


def decide_columns(
    body: Sequence[Sequence[str]], header: Sequence[Role | None], header_cells: Sequence[str]
) -> TableColumns:
    """Column roles: the header's, settled where it names a role twice, completed from
    the values where it says nothing."""
    roles: list[Role | None] = list(header)
    refs = [no for no, role in enumerate(roles) if role is Role.REF]
    # the supplier's document beside the payer's own "Invoice ID": the supplier's is ours
    refs.sort(key=lambda no: not SUPPLIER_DOCUMENT_RE.search(normalise_header(header_cells[no])))
    docs = [no for no, role in enumerate(roles) if role is Role.DOC]
    theirs = [no for no, role in enumerate(roles) if role is Role.THEIRS]
    header_named_ref = bool(refs or docs or theirs)
    # Ours: a "your reference" column; else a plain document column; the payer's own
    # number only when nothing else names a document. The others are alternatives.
    # INV-1001 before 5100001234; then a "Reference" (SAP: the supplier's invoice number)
    # before a "Document" (the payer's own posting).
    docs.sort(
        key=lambda no: (-share_documentish(body, no), not _REF_WORD_RE.search(header_cells[no]))
    )
    ordered = refs + docs + theirs
    ref = _best_filled(body, ordered)
    # A column the header says is the payer's own number is never an alternative to ours:
    # tried against the ledger, its number could be one of our invoices by chance.
    alts = [no for no in ordered if no != ref and (ref in theirs or no not in theirs)]
    alts = alts[:MAX_ALTS]
    texts = [" ".join(row) for row in body]
    is_total = [TOTAL_RE.search(text) is not None for text in texts]
    totals = [row for row, total in zip(body, is_total, strict=True) if total]
    candidates = [
        row
        for row, total, text in zip(body, is_total, texts, strict=True)
        if not total and not TABLE_SKIP_ROW_RE.search(text)
    ]
    assigned = assign_from_values(
        candidates or body, roles, total_row=totals[-1] if totals else None
    )
    if ref is None and assigned.ref is not None:
        ref = assigned.ref
    alts += [no for no in assigned.alts if no != ref and no not in alts][: MAX_ALTS - len(alts)]
    amounts: dict[Role, int] = {}
    for role in (Role.GROSS, Role.DISCOUNT, Role.DEDUCTION, Role.NET):
        columns = [no for no, r in enumerate(roles) if r is role]
        if columns:
            amounts[role] = columns[-1] if role is Role.NET else columns[0]
    gross_columns = [no for no, r in enumerate(roles) if r is Role.GROSS]
    if Role.NET not in amounts and len(gross_columns) > 1:
        amounts[Role.NET] = gross_columns[-1]
    for role, no in assigned.amounts.items():
        if role not in amounts and no not in amounts.values():
            amounts[role] = no
    if (
        Role.NET not in amounts
        and Role.GROSS in amounts
        and not ({Role.DISCOUNT, Role.DEDUCTION} & set(amounts))
    ):
        amounts[Role.NET] = amounts.pop(Role.GROSS)  # "Amount" alone is what was paid
    seps = {no: _column_sep([row[no] for row in body]) for no in amounts.values()}
    grid_seps = [sep for sep in seps.values() if sep]
    fallback = max(set(grid_seps), key=grid_seps.count) if grid_seps else None
    return TableColumns(
        ref=ref,
        alts=tuple(alts),
        amounts=amounts,
        reason=_first(roles, Role.REASON),
        description=_first(roles, Role.DESCRIPTION),
        doc_type=_first(roles, Role.TYPE),
        currency=_first(roles, Role.CURRENCY),
        payment_ref=_first(roles, Role.PAYMENT_REF),
        seps={no: sep or fallback for no, sep in seps.items()},
        header_named_ref=header_named_ref,
    )


def _best_filled(body: Sequence[Sequence[str]], candidates: Sequence[int]) -> int | None:
    """The first of ``candidates`` filled in at least half the rows with an amount-like
    cell, else the most filled one (a header split over two cells, "Invoice" over an empty
    column and "No." over the numbers, names both)."""
    if len(candidates) < 2:
        return candidates[0] if candidates else None
    rows = [row for row in body[:SAMPLE_ROWS] if MONEY_HINT_RE.search(" ".join(row))]
    if not rows:
        return candidates[0]
    shares = {no: sum(1 for row in rows if row[no].strip()) / len(rows) for no in candidates}
    most = max(candidates, key=lambda no: shares[no])
    return next((no for no in candidates if shares[no] >= 0.5), most)


def _first(roles: Sequence[Role | None], role: Role) -> int | None:
    return next((no for no, r in enumerate(roles) if r is role), None)


def _column_sep(cells: Sequence[str]) -> str | None:
    """The decimal separator of an amount column: the one most cells end with before one
    or two digits (``1.234,56``, ``12,5``), or the last of two different ones; None when
    no cell shows it."""
    votes = {".": 0, ",": 0}
    for cell in cells:
        s = re.sub(r"[^\d.,]", "", cell)
        m = re.search(r"([.,])(\d+)$", s)
        if not m:
            continue
        if len(m.group(2)) <= 2 or ("." in s and "," in s):
            votes[m.group(1)] += 1
    if votes["."] == votes[","]:
        return None
    return "." if votes["."] > votes[","] else ","
