"""What the statement and invoice-copy PDFs share: the company block and a small page writer
on :mod:`outbound.pdf_writer`: lines of text, tables whose header row is repeated on every
page they run onto, and a footer with the page number. Pure: no IO.

Text is drawn as it is, never interpreted as markup, so a ``<`` in a customer's name is a
character. The bytes are the same for the same input.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from outbound.pdf_writer import FontName, PdfBackend, PdfDocument, Rect, fit_text, text_width

Align = Literal["left", "right"]

MM = 72 / 25.4  # points per millimetre
PAGE_WIDTH, PAGE_HEIGHT = 210 * MM, 297 * MM  # A4
MARGIN = 18 * MM
TOP = PAGE_HEIGHT - 16 * MM
BOTTOM = 20 * MM
#: Printable width on A4 between the margins.
WIDTH = PAGE_WIDTH - 2 * MARGIN
#: Table text: DejaVu Sans is about 18 % wider than the Helvetica these tables were laid
#: out for at 8.5 pt; at 8 pt a header such as "Days past due" still fits its column.
TABLE_SIZE = 8.0
REGULAR: FontName = "regular"
BOLD: FontName = "bold"


@dataclass(frozen=True, slots=True)
class CompanyBlock:
    """Who the document is from, and where to send the money."""

    name: str
    address: tuple[str, ...] = ()
    remit_to: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: its share of the width and its alignment."""

    title: str
    share: float
    align: Align = "left"


class PageWriter:
    """Writes top to bottom, page after page, on ``backend`` (the writer of
    :mod:`outbound.pdf_writer` unless a test passes another)."""

    def __init__(
        self,
        *,
        title: str,
        author: str,
        footer: str,
        backend: Callable[..., PdfBackend] = PdfDocument,
        page_label: str = "Page {number}",
        output_intent: bytes | None = None,
    ) -> None:
        extra = {"output_intent": output_intent} if output_intent is not None else {}
        self._doc = backend(
            width=PAGE_WIDTH,
            height=PAGE_HEIGHT,
            title=title,
            author=author,
            creator="arbox",
            **extra,
        )
        self._doc.new_page()
        self._footer = footer
        self._page_label = page_label
        self._page = 1
        self.y = TOP

    def text(
        self,
        text: str,
        *,
        size: float = 9,
        bold: bool = False,
        x: float = MARGIN,
        width: float = WIDTH,
        align: Align = "left",
        advance: bool = True,
    ) -> None:
        """One line of text (cut to ``width``); moves down unless ``advance`` is false."""
        self.ensure(size * 1.35)
        font = BOLD if bold else REGULAR
        text, drawn = fit_width(text, font, size, width)
        left = x + width - drawn if align == "right" else x
        self._doc.text(left, self.y - size, text, font=font, size=size)
        if advance:
            self.y -= size * 1.35

    def lines(self, lines: Sequence[str], *, size: float = 9, bold_first: bool = False) -> None:
        """Several lines of text, the first bold when ``bold_first``."""
        for n, line in enumerate(lines):
            self.text(line, size=size, bold=bold_first and n == 0)

    def gap(self, height: float) -> None:
        """Empty space (nothing carries over to a new page)."""
        self.y -= height

    def heading(self, text: str) -> None:
        """A section heading, kept with at least two lines after it."""
        self.ensure(11 * 1.35 + 3 * 12)
        self.gap(6)
        self.text(text, size=10.5, bold=True)
        self.gap(1)

    def table(
        self, columns: Sequence[Column], rows: Sequence[Sequence[str]], *, total: bool = False
    ) -> None:
        """A table; its header is drawn again at the top of every page it continues on, and
        the last row is bold, under a rule, when ``total``."""
        self.ensure(3 * 12)
        self._row(columns, [c.title for c in columns], bold=True, rule_below=True)
        for n, row in enumerate(rows):
            last = total and n == len(rows) - 1
            if self.ensure(12 + (2 if last else 0)):
                self._row(columns, [c.title for c in columns], bold=True, rule_below=True)
            if last:
                self._rule()
            self._row(columns, row, bold=last)

    def rects(self, rects: Sequence[Rect], *, gray: float = 0.0) -> None:
        """Filled rectangles where they are given (a QR code): the caller keeps room."""
        self._doc.rects(rects, gray=gray)

    def ensure(self, height: float) -> bool:
        """Start a new page unless ``height`` fits on this one; True when it started one."""
        if self.y - height >= BOTTOM:
            return False
        self._finish_page()
        self._doc.new_page()
        self._page += 1
        self.y = TOP
        return True

    def pdf(self) -> bytes:
        """The finished document."""
        self._finish_page()
        return self._doc.finish()

    def _row(
        self,
        columns: Sequence[Column],
        cells: Sequence[str],
        *,
        bold: bool,
        rule_below: bool = False,
    ) -> None:
        size, x = TABLE_SIZE, MARGIN
        font = BOLD if bold else REGULAR
        for column, cell in zip(columns, cells, strict=True):
            width = WIDTH * column.share
            if not cell:
                x += width
                continue
            text, drawn = fit_width(cell, font, size, width - 4)
            left = x + width - 2 - drawn if column.align == "right" else x + 2
            self._doc.text(left, self.y - size, text, font=font, size=size)
            x += width
        self.y -= 12
        if rule_below:
            self._rule()

    def _rule(self) -> None:
        self._doc.line(MARGIN, self.y + 1.5, MARGIN + WIDTH, self.y + 1.5, width=0.6)
        self.y -= 2

    def _finish_page(self) -> None:
        footer = fit(self._footer, REGULAR, 7.5, WIDTH - 60)
        self._doc.text(MARGIN, 10 * MM, footer, font=REGULAR, size=7.5)
        number = self._page_label.format(number=self._page)
        left = MARGIN + WIDTH - text_width(number, REGULAR, 7.5)
        self._doc.text(left, 10 * MM, number, font=REGULAR, size=7.5)


def fit(text: str, font: FontName, size: float, width: float) -> str:
    """``text`` on one line, cut with an ellipsis when wider than ``width`` points."""
    return fit_width(text, font, size, width)[0]


def fit_width(text: str, font: FontName, size: float, width: float) -> tuple[str, float]:
    """:func:`fit` and the width of what it returns, in points."""
    return fit_text(" ".join(text.split()), font, size, width)


def header(
    writer: PageWriter, company: CompanyBlock, title: str, facts: Sequence[tuple[str, str]]
) -> None:
    """Company block on the left; the document's title and its facts on the right."""
    top = writer.y
    writer.lines([company.name, *company.address], bold_first=True)
    left_bottom = writer.y
    writer.y = top
    right = MARGIN + WIDTH * 0.55
    writer.text(title, size=15, bold=True, x=right, width=WIDTH * 0.45)
    writer.gap(2)
    for label, value in facts:
        writer.text(f"{label}: {value}", x=right, width=WIDTH * 0.45)
    writer.y = min(writer.y, left_bottom)
