"""Writing report documents (:mod:`ledger.reports.tables`) as CSV, JSON, XLSX and HTML.

- Cells: money with two places (``1250.00``; thousands separators only in the text table),
  counts as integers, percent and days with one place, dates ISO, empty for unknown.
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

import csv
import html
import io
import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from ledger.reports.tables import Cell, Column, Document, Kind, Table

_MONEY = Decimal("0.01")
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


def cell_text(value: Cell, kind: Kind, *, grouped: bool = False) -> str:
    """A cell as text: ``1250.00`` (``1,250.00`` with ``grouped``), ``60.0``, ``2026-03-01``."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        if kind == "money":
            q = value.quantize(_MONEY)
            return f"{q:,f}" if grouped else format(q, "f")
        return format(value.quantize(_ONE), "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _json_cell(value: Cell, kind: Kind) -> Any:
    if value is None:
        return None
    if isinstance(value, int) and kind == "count":
        return value
    return cell_text(value, kind)


def to_csv(doc: Document) -> str:
    """The document as CSV (see the module docstring)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    blocks = len(doc.tables) > 1
    for table in doc.tables:
        if blocks:
            writer.writerow([table.name])
        writer.writerow([c.name for c in table.columns])
        for row in (*table.rows, *table.totals):
            writer.writerow([cell_text(v, c.kind) for v, c in zip(row, table.columns, strict=True)])
        if blocks:
            writer.writerow([])
    return buffer.getvalue()


def to_json(doc: Document) -> str:
    """The document as JSON with sorted keys (see the module docstring)."""

    def records(rows: Sequence[Sequence[Cell]], columns: Sequence[Column]) -> list[dict[str, Any]]:
        return [
            {c.name: _json_cell(v, c.kind) for v, c in zip(row, columns, strict=True)}
            for row in rows
        ]

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
        for row in table.rows:
            sheet.append([_xlsx_value(v, c.kind) for v, c in zip(row, table.columns, strict=True)])
        for row in table.totals:
            sheet.append([_xlsx_value(v, c.kind) for v, c in zip(row, table.columns, strict=True)])
            for cell in sheet[sheet.max_row]:
                cell.font = bold
        for index, column in enumerate(table.columns, start=1):
            number_format = XLSX_FORMATS[column.kind]
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
            width = max(
                [len(column.name)]
                + [
                    len(cell_text(r[index - 1], column.kind, grouped=True))
                    for r in (*table.rows, *table.totals)
                ]
            )
            sheet.column_dimensions[get_column_letter(index)].width = min(60, width + 2)
        sheet.freeze_panes = "A2"
        _add_chart(doc, table, sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_html(doc: Document, *, charts: Sequence[str] = ()) -> str:
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
        parts.extend(_html_row(row, table.columns) for row in table.rows)
        parts.append("</tbody>")
        if table.totals:
            parts.append("<tfoot>")
            parts.extend(_html_row(row, table.columns) for row in table.totals)
            parts.append("</tfoot>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _html_row(row: Sequence[Cell], columns: Sequence[Column]) -> str:
    cells = []
    for value, column in zip(row, columns, strict=True):
        css = ' class="n"' if column.kind not in ("text", "date") else ""
        text = html.escape(cell_text(value, column.kind, grouped=True))
        cells.append(f"<td{css}>{text}</td>")
    return "<tr>" + "".join(cells) + "</tr>"


def _xlsx_value(value: Cell, kind: Kind) -> Any:
    if isinstance(value, Decimal):  # written exactly, as its decimal digits
        return value.quantize(_MONEY if kind == "money" else _ONE)
    return value


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
