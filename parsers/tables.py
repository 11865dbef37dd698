"""Tables of a remittance advice (rows of cells) to remittance lines. Pure: no IO.

Every tabular source ends here: ruled and unruled PDF tables (``parsers.remittance_pdf``),
HTML tables, column-aligned text in mail bodies, CSV and XLSX attachments. A grid is a
sequence of rows, each a sequence of cell strings, exactly as the source had them::

    [["Invoice", "Date", "Gross", "Discount", "Net paid"],
     ["INV-1001", "05.01.2026", "1.250,00", "25,00", "1.225,00"],
     ["Total", "", "", "", "1.225,00"]]

First cut: each row is joined and read by :func:`parsers.remittance_text.scan_lines`.
TODO(#4): header detection, column roles from header words and from values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.types import RemittanceLine
from parsers.remittance_text import scan_lines

CELL_SEPARATOR = " | "


@dataclass(frozen=True, slots=True)
class GridRead:
    """What :func:`read_grid` found in one table."""

    lines: tuple[RemittanceLine, ...]
    stated_total: Decimal | None
    payment_ref: str | None
    currency: str | None


def read_grid(rows: Sequence[Sequence[str | None]]) -> GridRead:
    """The remittance lines, stated total, payment reference and currency of a table."""
    joined = [CELL_SEPARATOR.join(" ".join((c or "").split()) for c in row) for row in rows]
    scan = scan_lines(row for row in joined if row.strip(" |"))
    return GridRead(
        lines=scan.lines,
        stated_total=scan.stated_total,
        payment_ref=scan.payment_ref,
        currency=scan.currency,
    )
