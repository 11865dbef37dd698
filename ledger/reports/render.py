"""Writing report documents (:mod:`ledger.reports.tables`) as CSV, JSON, XLSX and HTML.

- Cells: money with its row's currency's ISO minor units (``1250.00``, ``1250`` JPY, ``1.125``
  KWD; two places where a table has no currency column), never rounded; thousands separators
  only in the text table and HTML; counts as integers, percent and days with one place, dates
  ISO, empty for unknown.
- ``locale`` (``--locale de_DE``): the text table and HTML write numbers as the locale does
  (``1.250,00``); CSV takes the locale's decimal separator and, where that is a comma, ``;``
  between fields, as Excel in that locale reads it. JSON stays canonical; XLSX cells are
  numbers (Excel shows them in its user's locale) with the currency's decimals as their format.
- CSV: a report of one table is that table, header first, total rows last. A report of
  several tables (cash, close) writes each as a block: a line with the table's name, its
  header, rows and totals, then an empty line.
- JSON: ``{"report", "title", "params", "tables": {name: {"title", "columns", "rows",
  "totals"}}}``, rows as objects; money, percent and days are strings, counts numbers.
- XLSX (openpyxl): a sheet per table, bold frozen header row, number formats
  (``#,##0.00`` for money), bold total rows, column widths, and native Excel charts (aging
  buckets as bars, daily STP as a line) next to their tables.
- HTML: one self-contained page (inline CSS and SVG charts, no external assets); every text
  is escaped.
"""

from __future__ import annotations

import html
import io
import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from babel.numbers import get_decimal_symbol

from core.locales import format_money
from core.money import plain_amount
from ledger.reports.tables import Cell, Column, Document, Kind, Table
from ledger.sheet_cells import CsvWriter, xlsx_strings, xlsx_text

_ONE = Decimal("0.1")
#: Excel number formats per column kind.
XLSX_FORMATS: dict[Kind, str] = {
    "money": "#,##0.00",
    "count": "0",
    "percent": '0.0"%"',
    "days": "0.0",
    "date": "yyyy-mm-dd",
    "text": "General",
}


def cell_text(
    value: Cell,
    kind: Kind,
    *,
    grouped: bool = False,
    currency: str | None = None,
    locale: str | None = None,
) -> str:
    """A cell as text: ``1250.00`` (``1,250.00`` with ``grouped``; ``1.250,00`` grouped in
    ``de_DE``), ``60.0``, ``2026-03-01``. Money has ``currency``'s decimals (two without one)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = _number(value, kind, currency)
        if locale is None:
            return f"{Decimal(text):,f}" if grouped and kind == "money" else text
        if grouped:
            return format_money(Decimal(text), currency or "XXX", locale, symbol=False)
        return text.replace(".", get_decimal_symbol(locale))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _number(value: Decimal, kind: Kind, currency: str | None) -> str:
    """``value`` as exact decimal text: money with the currency's minor units (more only when
    it has more: never rounded), percent and days with one place."""
    if kind != "money":
        return format(value.quantize(_ONE), "f")
    return plain_amount(value, currency or "XXX")  # XXX: no currency, two decimals


def row_texts(
    row: Sequence[Cell],
    columns: Sequence[Column],
    *,
    grouped: bool = False,
    locale: str | None = None,
) -> list[str]:
    """The cells of ``row`` as text, money in the currency of the row's ``currency`` column."""
    currency = _row_currency(row, columns)
    return [
        cell_text(v, c.kind, grouped=grouped, currency=c.currency or currency, locale=locale)
        for v, c in zip(row, columns, strict=True)
    ]


def _row_currency(row: Sequence[Cell], columns: Sequence[Column]) -> str | None:
    for value, column in zip(row, columns, strict=True):
        if column.name == "currency" and isinstance(value, str):
            return value
    return None


def _json_cell(value: Cell, kind: Kind, currency: str | None) -> Any:
    if value is None:
        return None
    if isinstance(value, int) and kind == "count":
        return value
    return cell_text(value, kind, currency=currency)


def to_csv(doc: Document, *, locale: str | None = None) -> str:
    """The document as CSV (see the module docstring)."""
    buffer = io.StringIO()
    comma = locale is not None and get_decimal_symbol(locale) == ","
    writer = CsvWriter(buffer, lineterminator="\n", delimiter=";" if comma else ",")
    blocks = len(doc.tables) > 1
    for table in doc.tables:
        if blocks:
            writer.writerow([table.name])
        writer.writerow([c.name for c in table.columns])
        for row in (*table.rows, *table.totals):
            writer.writerow(row_texts(row, table.columns, locale=locale))
        if blocks:
            writer.writerow([])
    return buffer.getvalue()


def to_json(doc: Document) -> str:
    """The document as JSON with sorted keys (see the module docstring)."""

    def records(rows: Sequence[Sequence[Cell]], columns: Sequence[Column]) -> list[dict[str, Any]]:
        out = []
        for row in rows:
            currency = _row_currency(row, columns)
            out.append(
                {
                    c.name: _json_cell(v, c.kind, c.currency or currency)
                    for v, c in zip(row, columns, strict=True)
                }
            )
        return out

    value = {
        "report": doc.report,
        "title": doc.title,
        "params": dict(doc.params),
        "tables": {
            t.name: {
                "title": t.title,
                "columns": [c.name for c in t.columns],
                "rows": records(t.rows, t.columns),
                "totals": records(t.totals, t.columns),
            }
            for t in doc.tables
        },
    }
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def to_xlsx(doc: Document) -> bytes:
    """The document as an XLSX workbook (see the module docstring)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    for sheet in list(book.worksheets):
        book.remove(sheet)
    bold = Font(bold=True)
    for table in doc.tables:
        sheet = book.create_sheet(_sheet_title(table.name))
        sheet.append([c.name for c in table.columns])
        for cell in sheet[1]:
            cell.font = bold
        for row in (*table.rows, *table.totals):
            currency = _row_currency(row, table.columns)
            sheet.append(
                [
                    _xlsx_value(v, c.kind, c.currency or currency)
                    for v, c in zip(row, table.columns, strict=True)
                ]
            )
            xlsx_strings(sheet[sheet.max_row])
            for cell, column in zip(sheet[sheet.max_row], table.columns, strict=True):
                cell.number_format = _xlsx_format(column.kind, cell.value, currency)
        for row_no in range(len(table.rows) + 2, sheet.max_row + 1):
            for cell in sheet[row_no]:
                cell.font = bold
        for index, column in enumerate(table.columns, start=1):
            width = max(
                [len(column.name)]
                + [
                    len(row_texts(r, table.columns, grouped=True)[index - 1])
                    for r in (*table.rows, *table.totals)
                ]
            )
            sheet.column_dimensions[get_column_letter(index)].width = min(60, width + 2)
        sheet.freeze_panes = "A2"
        _add_chart(doc, table, sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_html(doc: Document, *, charts: Sequence[str] = (), locale: str | None = None) -> str:
    """The document as one HTML page; ``charts`` are SVG documents to embed (trusted: they
    come from :mod:`ledger.reports.charts`, which escapes its labels)."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(doc.title)}</title>",
        "<style>body{font-family:sans-serif;margin:2em;color:#222}"
        "table{border-collapse:collapse;margin:1em 0}"
        "th,td{border:1px solid #ccc;padding:.25em .6em;white-space:nowrap}"
        "th{background:#f3f3f3;text-align:left}td.n{text-align:right;"
        "font-variant-numeric:tabular-nums}tfoot td{font-weight:bold}"
        "figure{margin:1em 0}</style></head><body>",
        f"<h1>{e(doc.title)}</h1>",
        "<p>" + ", ".join(f"{e(k)}: {e(v)}" for k, v in doc.params) + "</p>",
    ]
    parts.extend(f"<figure>{svg}</figure>" for svg in charts)
    for table in doc.tables:
        parts.append(f"<h2>{e(table.title)}</h2><table><thead><tr>")
        parts.extend(f"<th>{e(c.name)}</th>" for c in table.columns)
        parts.append("</tr></thead><tbody>")
        parts.extend(_html_row(row, table.columns, locale) for row in table.rows)
        parts.append("</tbody>")
        if table.totals:
            parts.append("<tfoot>")
            parts.extend(_html_row(row, table.columns, locale) for row in table.totals)
            parts.append("</tfoot>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _html_row(row: Sequence[Cell], columns: Sequence[Column], locale: str | None) -> str:
    cells = []
    for text, column in zip(
        row_texts(row, columns, grouped=True, locale=locale), columns, strict=True
    ):
        css = ' class="n"' if column.kind not in ("text", "date") else ""
        cells.append(f"<td{css}>{html.escape(text)}</td>")
    return "<tr>" + "".join(cells) + "</tr>"


def _xlsx_value(value: Cell, kind: Kind, currency: str | None) -> Any:
    if isinstance(value, Decimal):  # written exactly, as its decimal digits
        return Decimal(_number(value, kind, currency))
    return xlsx_text(value)


def _xlsx_format(kind: Kind, value: Any, currency: str | None) -> str:
    """The cell's number format: money with as many decimals as the cell has (the currency's)."""
    if kind != "money" or not isinstance(value, Decimal):
        return XLSX_FORMATS[kind]
    places = -int(value.as_tuple().exponent)
    return "#,##0" + ("." + "0" * places if places > 0 else "")


def _sheet_title(name: str) -> str:
    return name.replace("_", " ")[:31]


def _add_chart(doc: Document, table: Table, sheet: Any) -> None:
    """Native Excel charts: the aging buckets of the total rows, the daily STP line."""
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.chart.series import SeriesLabel
    from openpyxl.utils import get_column_letter

    names = [c.name for c in table.columns]
    anchor = f"{get_column_letter(len(names) + 2)}2"
    first_total = len(table.rows) + 2
    if doc.report == "aging" and table.name == "aging" and table.totals:
        bars = BarChart()
        bars.title = doc.title
        bars.y_axis.title = "open balance"
        lo, hi = names.index("current") + 1, names.index("90+") + 1
        for offset, total in enumerate(table.totals):
            data = Reference(sheet, min_col=lo, max_col=hi, min_row=first_total + offset)
            bars.add_data(data, from_rows=True, titles_from_data=False)
            bars.series[-1].tx = SeriesLabel(v=str(total[names.index("currency")]))
        bars.set_categories(Reference(sheet, min_col=lo, max_col=hi, min_row=1))
        sheet.add_chart(bars, anchor)
    if table.name == "stp" and table.rows:
        line = LineChart()
        line.title = "STP per day (%)"
        line.y_axis.scaling.min = 0
        line.y_axis.scaling.max = 100
        col = names.index("stp_percent") + 1
        line.add_data(
            Reference(sheet, min_col=col, min_row=1, max_row=len(table.rows) + 1),
            titles_from_data=True,
        )
        line.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(table.rows) + 1))
        sheet.add_chart(line, anchor)
