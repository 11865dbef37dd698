"""Remittance advice written as text: mail bodies, HTML tables turned into text, PDF text.
Pure: no IO.

:func:`parse_text_remittance` drops quoted replies and the signature
(:mod:`parsers.quoted_text`) and cuts a body into blocks (:mod:`parsers.text_tables`): tables
(``|``, tab or space aligned) go to :func:`parsers.tables.read_grid`, which reads their
columns (gross, discount, deduction, net); the other lines are read as sentences
(:func:`parsers.text_sentences.read_sentence`: "We paid INV-10023 ($1,200.00) and INV-10031
($850.50)", "in settlement of invoices 4711, 4712 and 4720 we transferred 3,456.78") and as
single lines (:func:`parsers.line_scan.scan_lines`). Samples::

    INV-1001  1,250.00
    INV-1001 | 2026-01-05 | 1,250.00          (a table row, see parsers.html_text)
    We paid invoice INV-1001 for 1,250.00 today.
    Total: 3,000.00                             (the stated total, not a line)
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from core.types import Remittance, RemittanceLine
from parsers.line_scan import LinesRead, is_listed, scan_lines
from parsers.quoted_text import strip_quotes_and_signature
from parsers.table_headers import AMOUNT_ROLES, header_role
from parsers.tables import read_grid
from parsers.text_refs import MAX_TEXT_LINES
from parsers.text_sentences import read_sentence
from parsers.text_tables import Block, split_blocks
from parsers.vocabulary import SUBTOTAL_RE, TOTAL_RE


def parse_text_remittance(text: str) -> Remittance | None:
    """The remittance written in ``text`` (a mail body), or None when it has no lines.

    Quoted replies and the signature are removed first, so a remittance that is only quoted
    from an earlier mail is not read again. Tables (``|``, tab or space aligned) are read
    by :func:`parsers.tables.read_grid`; the other lines are read as sentences
    (:func:`~parsers.text_sentences.read_sentence`) and as single lines
    (:func:`~parsers.line_scan.scan_lines`).
    """
    scan = read_text(strip_quotes_and_signature(text))
    if not scan.lines:
        return None
    return Remittance(
        lines=scan.lines,
        stated_total=scan.stated_total,
        payment_ref=scan.payment_ref,
        currency=scan.currency,
        source="body",
    )


def read_text(text: str) -> LinesRead:
    """The lines, stated total, payment reference and currency of ``text`` (already without
    quotes), its tables and its sentences, in the order they are written. The total written
    last wins."""
    found: list[tuple[int, RemittanceLine]] = []
    totals: list[tuple[int, Decimal]] = []
    refs: list[tuple[int, str]] = []
    currencies: set[str] = set()
    prose: list[tuple[int, str]] = []
    for block in split_blocks(text.splitlines()[:MAX_TEXT_LINES]):
        if block.kind != "prose" and not _facts_only(block):
            rows = block.grid()
            grid = read_grid(rows, read_rows_as_text=False)
            if grid.lines:
                end = block.start + len(block.lines)
                totals += [(end, grid.stated_total)] if grid.stated_total is not None else []
                refs += [(block.start, grid.payment_ref)] if grid.payment_ref else []
                currencies |= {grid.currency} if grid.currency else set()
                found += _place_rows(block.start, rows, grid.lines)
                continue
        prose += [(block.start + no, line) for no, line in enumerate(block.lines)]
    for no, line in prose:
        scan = read_sentence(line) or scan_lines([line], part=True)
        found += [(no, found_line) for found_line in scan.lines]
        totals += [(no, scan.stated_total)] if scan.stated_total is not None else []
        refs += [(no, scan.payment_ref)] if scan.payment_ref else []
        currencies |= {scan.currency} if scan.currency else set()
    found.sort(key=lambda pair: pair[0])
    if all(is_listed(line) for _, line in found):
        found = []  # "Invoices 1001 and 1002: 2,500.00" alone: no remittance line
    return LinesRead(
        lines=tuple(line for _, line in found),
        stated_total=max(totals, key=lambda pair: pair[0])[1] if totals else None,
        payment_ref=min(refs)[1] if refs else None,
        currency=currencies.pop() if len(currencies) == 1 else None,
    )


def _facts_only(block: Block) -> bool:
    """Whether ``block`` is a block of ``label: value`` lines none of whose labels names an
    amount ("Date d'exécution: …", "N° de règlement: CHK 82325", "Lieferantennr.: …"): the
    payment's facts above a table, read as lines of prose (a payment reference, a date),
    never as a row of a document (a portal's records name the amount of each)."""
    if block.kind != "fields":
        return False
    labels = block.grid()[0]
    return not any(header_role(label) in AMOUNT_ROLES for label in labels)


def _place_rows(
    start: int, rows: Sequence[Sequence[str]], lines: Sequence[RemittanceLine]
) -> list[tuple[int, RemittanceLine]]:
    """The lines a table gave, each at the position of its row; a row with an amount that
    gave no line (its cells ran together: "INV-10024 980.00" under two headers) is read as
    a text line instead."""
    placed: list[tuple[int, RemittanceLine]] = []
    pending = list(lines)
    table_refs = {line.invoice_ref for line in lines}
    for no, row in enumerate(rows):
        text = " | ".join(" ".join(cell.split()) for cell in row if cell.strip())
        if pending and pending[0].source == text:  # read_grid's source of the row
            placed.append((start + no, pending.pop(0)))
        elif not SUBTOTAL_RE.search(text) and not TOTAL_RE.search(text):
            placed += [
                (start + no, line)
                for line in scan_lines([text]).lines
                if line.invoice_ref not in table_refs  # never a table's line twice
            ]
    placed += [(start + len(rows), line) for line in pending]
    return placed
