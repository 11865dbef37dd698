"""Tables of a remittance advice (rows of cells) to remittance lines. Pure: no IO.

Every tabular source ends here: ruled and unruled PDF tables (``parsers.remittance_pdf``),
HTML tables, column-aligned text in mail bodies, CSV and XLSX attachments. A grid is a
sequence of rows, each a sequence of cell strings, exactly as the source had them::

    [["Zahlungsavis 5100004711", "", ""],
     ["Ihre Belegnr.", "Unsere Belegnr.", "Brutto", "Skonto", "Zahlbetrag"],
     ["INV-1001", "5100001234", "1.250,00", "25,00", "1.225,00"],
     ["Summe", "", "", "", "1.225,00"]]

How it is read:

1. The header row is the first row (of the first :data:`HEADER_SEARCH_ROWS`) whose cells
   name at least two column roles (:mod:`parsers.table_headers`); rows above it are title
   text. The same header repeated further down (a new page) is skipped.
2. Columns the header does not name get a role from their values: dates, a column of
   reference-like tokens (our reference: a code such as ``INV-1001`` before a bare number),
   amount columns (the rightmost is the net paid; gross − discount − deduction = net pins
   the others). Without a header every column is decided this way.
3. Each amount column has one number format, decided from all its cells (``1.234,56`` or
   ``1,234.56``; plain ``1234.5`` from spreadsheets), so ``1.234`` reads the same in every row.
4. Rows: subtotals, page totals, carried/brought forward and "continued" rows are skipped;
   the last total row is the stated total; a credit memo is negative (parentheses, trailing
   minus or ``CR``, or a "credit"/"Gutschrift" document type); without a net, net = gross −
   discount − deduction, exactly.
5. When the grid gives no line at all, each row is read as a text line instead
   (:func:`parsers.line_scan.scan_lines`), the reading of the first cut.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from core.errors import AmountFormatError
from core.money import parse_amount
from core.types import RemittanceLine
from parsers.amount_asides import read_aside
from parsers.line_scan import LinesRead, scan_lines
from parsers.payment_info import DATE_RE, read_currency, read_payment_ref
from parsers.table_columns import (
    MONEY_HINT_RE,
    TableColumns,
    continues_header,
    decide_columns,
    find_header,
    merge_header,
)
from parsers.table_headers import Role, header_role
from parsers.table_values import (
    Kind,
    amount_currency,
    cell_kind,
    strip_currency,
)
from parsers.text_refs import take_creditor_refs
from parsers.vocabulary import TABLE_SKIP_ROW_RE, TOTAL_RE

CELL_SEPARATOR = " | "
#: Rows read at most; a longer table is cut off there (a bounded read).
MAX_ROWS = 10_000
#: Columns read at most.
MAX_COLS = 64
#: Characters of a cell read at most.
MAX_CELL_CHARS = 500

_CREDIT_TYPE_RE = re.compile(
    r"credit|gutschrift|avoir|abono|nota\s+de\s+cr|nota\s+di\s+credito|creditnota"
    r"|^(?:cm|cn|kg|gs|cr|av|nc|h)$",
    re.IGNORECASE,
)
_LEAD_WORD_RE = re.compile(
    r"^(?:(?:invoice|inv|rechnung|rg|facture|factura|fattura|factuur|bill|no|nr|n°)"
    r"(?:[.:#\s]+(?:no|nr|n°)?[.:#\s]*)|#\s*)",
    re.IGNORECASE,
)
#: Minus signs typeset as dashes (PDFs): read as "-".
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2012": "-"})
_REF_TOKEN_RE = re.compile(r"[A-Za-z0-9][\w/.-]*\d[\w/-]*|\d+")


def read_grid(
    rows: Sequence[Sequence[str | None]],
    *,
    max_rows: int = MAX_ROWS,
    read_rows_as_text: bool = True,
) -> LinesRead:
    """The remittance lines, stated total, payment reference and currency of a table.

    ``read_rows_as_text=False`` skips step 5 (for callers that read the rows as text
    themselves when no line is found)."""
    grid = _clean(rows, max_rows)
    if not grid:
        return LinesRead(lines=(), stated_total=None, payment_ref=None, currency=None)
    header_at = find_header(grid)
    header = grid[header_at] if header_at is not None else None
    body = grid[header_at + 1 :] if header_at is not None else grid
    if header is not None and body and continues_header(header, body[0]):
        header = merge_header(header, body[0])  # "Zahl-" over "betrag"
        body = body[1:]
    roles = [header_role(cell) for cell in header] if header else [None] * len(grid[0])
    columns = decide_columns(body, roles, header or [""] * len(roles))
    lines, total, used = _read_rows(body, columns, header)
    outside = [row for no, row in enumerate(body) if no not in used]
    outside_text = "\n".join(" ".join(row) for row in grid[: header_at or 0] + outside)
    currency = _grid_currency(body, columns, header) or read_currency(outside_text)
    payment_ref = _column_constant(body, columns.payment_ref, used) or read_payment_ref(
        outside_text
    )
    if not lines:
        if read_rows_as_text:
            return _read_as_text(grid)
        return LinesRead(lines=(), stated_total=None, payment_ref=None, currency=None)
    return LinesRead(
        lines=tuple(lines), stated_total=total, payment_ref=payment_ref, currency=currency
    )


def _clean(rows: Sequence[Sequence[str | None]], max_rows: int) -> list[list[str]]:
    """Rows with whitespace collapsed, blank rows dropped, all padded to one width."""
    out: list[list[str]] = []
    for row in rows[:max_rows]:
        cells = [" ".join((cell or "")[:MAX_CELL_CHARS].split()) for cell in row[:MAX_COLS]]
        if any(cells):
            out.append(cells)
    width = max((len(row) for row in out), default=0)
    return [row + [""] * (width - len(row)) for row in out]


def _amount(cell: str, sep: str | None) -> Decimal | None:
    """The amount written in ``cell`` with the column's separator, or None."""
    if not cell or cell.strip("-–—. ") == "" or not any(ch.isdigit() for ch in cell):
        return None
    other = "," if sep == "." else "."
    # A cell in the other format is read in it; one that breaks the column's is not
    # re-read (10.005 in a column of cents is no amount, not 10005).
    bare = strip_currency(cell).translate(_MINUS_SIGNS)
    for decimal_sep in (sep, other) if sep and other in bare else (sep,):
        try:
            return parse_amount(bare, decimal_sep=decimal_sep)
        except (AmountFormatError, InvalidOperation):
            continue
    return None


#: Two or more documents in one reference cell: "90040991 / 90041122", "INV-1 & INV-2".
_SEVERAL_REFS_RE = re.compile(
    r"[A-Za-z]{0,6}[-#]?\d{3,}(?:\s*(?:/|,|&|\+|\band\b|\bund\b|\bet\b|\by\b|\ben\b)\s*"
    r"[A-Za-z]{0,6}[-#]?\d{3,})+",
    re.IGNORECASE,
)
#: A number written in groups of at most four digits ("9004 0771", "060 205"): one number.
_GROUPED_DIGITS_RE = re.compile(r"\d{2,4}(?:[ \u00a0\u202f]\d{2,4})+")
_GROUP_SPACES_RE = re.compile(r"[ \u00a0\u202f]")


def _ref_of(cell: str, *, named: bool) -> str | None:
    """The reference written in a reference cell: the cell when it is one token (after a
    leading "Invoice"/"No." word), else its first token with digits. A cell that is an
    amount or a date is no reference; without a header, a reference has 3+ digits."""
    if not any(ch.isdigit() for ch in cell) or DATE_RE.fullmatch(cell):
        return None
    _, creditor = take_creditor_refs(cell)
    if creditor:  # "RF18 5390 0754 7034": one reference, checked when it is looked up
        return creditor[0][0]
    if named and _GROUPED_DIGITS_RE.fullmatch(cell.strip()):
        return _GROUP_SPACES_RE.sub("", cell.strip())  # "90 040 560" under "Invoice number"
    if cell_kind(cell) is Kind.AMOUNT:
        return None
    rest = _LEAD_WORD_RE.sub("", cell, count=1) or cell
    if _GROUPED_DIGITS_RE.fullmatch(rest.strip()):
        rest = _GROUP_SPACES_RE.sub("", rest)  # "9004 0771": one number written in groups
    several = _SEVERAL_REFS_RE.fullmatch(rest.strip())
    if several:  # "90040991 / 90041122": a line for a person, counting towards the total
        return " / ".join(
            t
            for t in re.split(
                r"\s*(?:/|,|&|\+|\band\b|\bund\b|\bet\b|\by\b|\ben\b)\s*", rest.strip(), flags=re.I
            )
            if t
        )
    token = rest if " " not in rest else None
    if token is None:
        found = [m.group(0) for m in _REF_TOKEN_RE.finditer(rest)]
        token = next((t for t in found if sum(ch.isdigit() for ch in t) >= 3), None)
        token = token or (found[0] if found else None)
    if token is None:
        return None
    token = token.strip(".,;:")
    digits = sum(ch.isdigit() for ch in token)
    return token if digits >= (1 if named else 3) else None


def _read_rows(
    body: Sequence[Sequence[str]], columns: TableColumns, header: Sequence[str] | None
) -> tuple[list[RemittanceLine], Decimal | None, set[int]]:
    """The lines and the stated total of the rows below the header, and which rows they
    came from (the others are text around the table)."""
    lines: list[RemittanceLine] = []
    total: Decimal | None = None
    used: set[int] = set()
    header_key = [cell.casefold() for cell in header] if header else None
    for no, row in enumerate(body):
        text = CELL_SEPARATOR.join(cell for cell in row if cell)
        values = {
            role: _amount(row[col], columns.seps.get(col)) for role, col in columns.amounts.items()
        }
        no_amounts = all(value is None for value in values.values())
        if [cell.casefold() for cell in row] == header_key:
            used.add(no)  # the header repeated (a new page); a changed one has no ref
            continue
        if TABLE_SKIP_ROW_RE.search(text):
            used.add(no)
            continue
        ref_cell = row[columns.ref] if columns.ref is not None else ""
        ref = _ref_of(ref_cell, named=columns.header_named_ref) if ref_cell else None
        if TOTAL_RE.search(text) and (ref is None or TOTAL_RE.search(ref_cell)):
            stated = values.get(Role.NET) or _last_amount(row, columns)
            if stated is not None:
                total = stated
                used.add(no)
            continue
        if ref is None:
            continue
        if no_amounts and (columns.amounts or not columns.header_named_ref):
            continue  # a line without an amount only in a table of references
        lines.append(_with_aside(_line(row, ref, values, columns, text), text))
        used.add(no)
    return lines, total, used


def _last_amount(row: Sequence[str], columns: TableColumns) -> Decimal | None:
    for col in range(len(row) - 1, -1, -1):
        value = _amount(row[col], columns.seps.get(col))
        if value is not None and cell_kind(row[col]) is Kind.AMOUNT:
            return value
    return None


def _line(
    row: Sequence[str],
    ref: str,
    values: dict[Role, Decimal | None],
    columns: TableColumns,
    text: str,
) -> RemittanceLine:
    net, gross = values.get(Role.NET), values.get(Role.GROSS)
    discount, deduction = values.get(Role.DISCOUNT), values.get(Role.DEDUCTION)
    discount = abs(discount) if discount is not None else None
    deduction = abs(deduction) if deduction is not None else None
    doc_type = row[columns.doc_type] if columns.doc_type is not None else ""
    if _CREDIT_TYPE_RE.search(doc_type):
        net = -abs(net) if net is not None else None
        gross = -abs(gross) if gross is not None else None
    if net is None and gross is not None:
        net = gross - (discount or 0) - (deduction or 0)
    reason = row[columns.reason] if columns.reason is not None else ""
    if not reason and deduction and columns.description is not None:
        reason = row[columns.description]
    alts = []
    for col in columns.alts:
        alt = _ref_of(row[col], named=True)
        if alt and alt != ref and alt not in alts:
            alts.append(alt)
    return RemittanceLine(
        invoice_ref=ref,
        amount=net,
        source=text,
        gross=gross,
        discount=discount,
        deduction=deduction,
        deduction_reason=reason or None,
        alt_refs=tuple(alts),
    )


def _with_aside(line: RemittanceLine, text: str) -> RemittanceLine:
    """``line`` with what its row says in parentheses after the amount paid ("11.913,21
    (descuento aplicado 243,13)", "561.26 | (302.22 kept back – pallet charges)"): the first
    amount is what was paid, the other was taken off it (:mod:`parsers.amount_asides`)."""
    aside = read_aside(text) if line.discount is None and line.deduction is None else None
    if aside is None or line.amount not in (aside.paid, aside.taken):
        return line
    if aside.discount:
        return dataclasses.replace(line, amount=aside.paid, discount=aside.taken)
    return dataclasses.replace(
        line, amount=aside.paid, deduction=aside.taken, deduction_reason=aside.reason
    )


def _grid_currency(
    body: Sequence[Sequence[str]], columns: TableColumns, header: Sequence[str] | None
) -> str | None:
    """The one currency the table's currency column, amount cells or amount headers show."""
    found: set[str] = set()
    if columns.currency is not None:
        found |= {row[columns.currency].upper() for row in body if row[columns.currency]}
        found = {code for code in found if re.fullmatch(r"[A-Z]{3}", code)}
    for col in columns.amounts.values():
        for row in body:
            code = amount_currency(row[col])
            if code:
                found.add(code)
        if header:
            code = read_currency(header[col])
            if code:
                found.add(code)
    return found.pop() if len(found) == 1 else None


def _column_constant(body: Sequence[Sequence[str]], col: int | None, used: set[int]) -> str | None:
    """The value of column ``col`` when every line row that fills it says the same."""
    if col is None:
        return None
    values = {body[no][col] for no in used if body[no][col]}
    return values.pop() if len(values) == 1 else None


def _read_as_text(grid: Sequence[Sequence[str]]) -> LinesRead:
    joined = (CELL_SEPARATOR.join(cell for cell in row if cell) for row in grid)
    scan = scan_lines(text for text in joined if MONEY_HINT_RE.search(text))
    return LinesRead(
        lines=scan.lines,
        stated_total=scan.stated_total,
        payment_ref=scan.payment_ref,
        currency=scan.currency,
    )
