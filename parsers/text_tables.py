"""Tables written as text (mail bodies, HTML turned into text) cut into grids of cells for
:func:`parsers.tables.read_grid`. Pure: no IO.

A text is split into blocks of consecutive lines:

- ``|`` tables: lines with cells between bars (``INV-1001 | 2026-01-05 | 1,250.00``, also
  Markdown with ``|---|`` rules, and HTML rows as :mod:`parsers.html_text` writes them);
- tab tables: lines whose cells are separated by tabs;
- aligned tables: two or more lines whose cells are separated by two or more spaces. The
  line with the most cells sets the columns; a cell of another line belongs to the column
  it overlaps most (right-aligned amounts overlap their header), else the nearest one;
- fields: lines of ``label: value`` whose labels name a column role ("Invoice number:
  INV-10023", "Amount paid: $1,225.00"), as portals write one invoice after another; the
  labels are the header and each record a row (a label seen again starts the next row);
- prose: everything else, one block per run of lines.

A single line of one cell between two rows of a table (a note, "carried forward") belongs
to the table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from parsers.table_headers import header_role
from parsers.vocabulary import FIELD_TOTAL_LABEL_RE

BlockKind = Literal["pipe", "tab", "aligned", "fields", "prose"]

#: Longer lines are never a table row.
MAX_ROW_CHARS = 2000
_RULE_RE = re.compile(r"^[\s|:+=-]+$")
_FIELD_RE = re.compile(r"^\s*(?P<label>[^\W\d][^:|\t]{0,38}?)\s*:\s+(?P<value>\S.{0,200})$")
#: A cell of an aligned line: words separated by single spaces. Only ASCII spaces and tabs
#: separate: a no-break space groups digits (1\u202f000,00).
_CHUNK_RE = re.compile(r"[^ \t]+(?: [^ \t]+)*")


@dataclass(frozen=True, slots=True)
class Block:
    """A run of lines of one kind; ``start`` is the index of its first line."""

    kind: BlockKind
    start: int
    lines: tuple[str, ...]

    def grid(self) -> list[list[str]]:
        """The block's rows of cells (prose: one cell per line)."""
        if self.kind == "pipe":
            return [_pipe_cells(line) for line in self.lines if not _RULE_RE.match(line)]
        if self.kind == "tab":
            return [[cell.strip() for cell in line.split("\t")] for line in self.lines]
        if self.kind == "aligned":
            return aligned_grid(self.lines)
        if self.kind == "fields":
            return fields_grid(self.lines)
        return [[line.strip()] for line in self.lines]


def split_blocks(lines: Sequence[str]) -> list[Block]:
    """``lines`` cut into table and prose blocks, in order."""
    kinds = [_line_kind(line) for line in lines]
    for no in range(1, len(lines) - 1):  # a note or "carried forward" row inside a table
        if kinds[no] == "prose" and lines[no].strip() and kinds[no - 1] == kinds[no + 1] != "prose":
            kinds[no] = kinds[no - 1]
    blocks: list[Block] = []
    no = 0
    while no < len(lines):
        kind = kinds[no]
        end = no + 1
        while end < len(lines) and _continues(kind, kinds[end], lines[end]):
            end += 1
        run = tuple(lines[no:end])
        if kind == "aligned" and len(run) < 2:
            kind = "prose"
        if blocks and blocks[-1].kind == "prose" and kind == "prose":
            last = blocks.pop()
            blocks.append(Block("prose", last.start, last.lines + run))
        else:
            blocks.append(Block(kind, no, run))
        no = end
    return blocks


def aligned_grid(lines: Sequence[str]) -> list[list[str]]:
    """Rows of cells of space-aligned ``lines`` (see the module docstring)."""
    chunked = [
        [(m.start(), m.end(), m.group(0)) for m in _CHUNK_RE.finditer(_expand(line))]
        for line in lines
    ]
    template = max(chunked, key=len)
    columns = [(start, end) for start, end, _ in template]
    rows: list[list[str]] = []
    for chunks in chunked:
        cells = [""] * len(columns)
        for start, end, text in chunks:
            col = _column_of(start, end, columns)
            cells[col] = f"{cells[col]} {text}".strip()
        rows.append(cells)
    return rows


def fields_grid(lines: Sequence[str]) -> list[list[str]]:
    """Rows of ``label: value`` lines: the labels as the header, one row per record."""
    labels: list[str] = []
    records: list[dict[str, str]] = [{}]
    for line in lines:
        m = _FIELD_RE.match(line)
        if not m:
            continue
        label, value = m.group("label").strip(), m.group("value").strip()
        if label in records[-1]:
            records.append({})
        records[-1][label] = value
        if label not in labels:
            labels.append(label)
    return [labels] + [[record.get(label, "") for label in labels] for record in records]


def _expand(line: str) -> str:
    return line.expandtabs(8)[:MAX_ROW_CHARS]


def _column_of(start: int, end: int, columns: Sequence[tuple[int, int]]) -> int:
    overlaps = [max(0, min(end, c_end) - max(start, c_start)) for c_start, c_end in columns]
    best = max(range(len(columns)), key=lambda no: overlaps[no])
    if overlaps[best] > 0:
        return best
    middle = (start + end) / 2
    return min(range(len(columns)), key=lambda no: abs(sum(columns[no]) / 2 - middle))


def _pipe_cells(line: str) -> list[str]:
    cells = [cell.strip() for cell in line.strip().split("|")]
    if cells and not cells[0] and line.strip().startswith("|"):
        cells = cells[1:]
    if cells and not cells[-1] and line.strip().endswith("|"):
        cells = cells[:-1]
    return cells


def _line_kind(line: str) -> BlockKind:
    stripped = line.strip()
    if not stripped or len(line) > MAX_ROW_CHARS:
        return "prose"
    field = _FIELD_RE.match(stripped)
    if (
        field
        and header_role(field.group("label")) is not None
        and not FIELD_TOTAL_LABEL_RE.search(field.group("label"))
    ):
        return "fields"
    if stripped.count("|") >= 1 and len([c for c in _pipe_cells(stripped) if c]) >= 2:
        return "pipe"
    if "\t" in stripped and len([c for c in stripped.split("\t") if c.strip()]) >= 2:
        return "tab"
    if len(_CHUNK_RE.findall(stripped)) >= 2:
        return "aligned"
    return "prose"


def _continues(kind: BlockKind, next_kind: BlockKind, line: str) -> bool:
    """Whether a line of ``next_kind`` carries on a block of ``kind``."""
    if kind == "pipe":
        return next_kind == "pipe" or bool(line.strip() and _RULE_RE.match(line))
    if kind == "prose":
        return next_kind == "prose"
    return next_kind == kind
