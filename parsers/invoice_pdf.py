"""The number, total, currency and issue date of an invoice PDF of any layout. Pure: no IO.

Customers attach our invoice to a dispute or a copy request, and payers attach the invoices
they pay: arbox must read invoices it has never seen, not only its own. The reader works on
pdfplumber's words with their positions, grouped into lines, and looks for label words in
English, German, French, Spanish, Italian, Dutch and Polish (``Invoice No``, ``Rechnungsnr.``,
``Facture n°``, ``Factuurnummer``, ``Total TTC``, ``Zahlbetrag``, ``Amount due``…). A value is
taken to the right of its label on the same line or, in column layouts, directly below it::

    Invoice No: INV-1001            Klant   Factuur datum   Factuur
    Amount due   $ 1,234.50         K-17    8-9-2022        VF1005193039

Labels are ranked, not just matched: an amount due beats a grand total, which beats a plain
``Total``; ``Net total``, ``Tax total`` and ``Total HT`` are not totals. See
:mod:`parsers.invoice_labels` for the vocabulary and the value recognisers.

The PDF is opened through :mod:`parsers.pdf_text` (the one pdfplumber adapter, with its PDF
lock: PDFium is not thread-safe); unreadable PDFs raise
:class:`~core.errors.UnreadableDocumentError` with its reasons.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar

from core.errors import UnreadableDocumentError
from parsers.ascii_numbers import ascii_int
from parsers.invoice_labels import (
    NUMERIC_DATE_RE,
    amount_at,
    currency_of,
    date_at,
    date_label_at,
    is_ref,
    number_label_at,
    ref_at,
    total_label_at,
)
from parsers.pdf_text import (
    MALFORMED,
    NO_TEXT_LAYER,
    Word,
    check_pdf_header,
    page_words,
    read_pdf_pages,
)

#: Pages read at most: the number is on the first page and the total on the last of a
#: short document; a longer PDF is a report, not an invoice.
MAX_PAGES = 20
#: How far below a label (in label heights) its value may sit in a column layout.
BELOW_REACH = 2.6
#: A gap wider than this (in word heights) separates columns on a line.
COLUMN_GAP = 1.5

_V = TypeVar("_V", str, Decimal, date)
_T = TypeVar("_T")

#: A label glued to its value: ``n°562044387``, ``Nr.471102``, ``No:12345``.
_GLUED_RE = re.compile(r"^([^\W\d_]{1,14}[.°º#:])(\S*\d\S*)$")


@dataclass(frozen=True, slots=True)
class InvoiceFields:
    """What an invoice says about itself. Each field is None when the document does not say
    it in a way this reader recognises; ``evidence`` tells where each found value came from."""

    number: str | None
    total: Decimal | None
    currency: str | None
    issue_date: date | None
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Found(Generic[_V]):
    """A candidate value: ``rank`` orders candidates (lowest wins), ``evidence`` says why."""

    rank: tuple[int, ...]
    value: _V
    evidence: str
    currency: str | None = None


def read_invoice_fields(
    data: bytes, *, filename: str | None = None, max_pages: int = MAX_PAGES
) -> InvoiceFields:
    """The invoice number, total (gross amount due), currency and issue date of ``data``.

    Raises:
        UnreadableDocumentError: with ``reason`` one of ``"empty file"``, ``"not a PDF"``,
            ``"needs password"``, ``"malformed PDF"``, ``"no text layer, scan?"``.
    """
    check_pdf_header(data, filename=filename)
    pages, lines = _read_lines(data, filename=filename, max_pages=max_pages)
    if not pages:  # no page tree worth the name: as parsers.remittance_pdf says
        raise UnreadableDocumentError(MALFORMED, filename=filename)
    if not lines:
        raise UnreadableDocumentError(NO_TEXT_LAYER, filename=filename)
    return fields_of_lines(lines)


def fields_of_lines(lines: list[list[Word]]) -> InvoiceFields:
    """The invoice fields of positioned text lines (in reading order, pages in sequence)."""
    number = _best(_numbers(lines))
    total = _best(_totals(lines))
    currency = (total.currency if total else None) or _document_currency(lines)
    issue = _best(_dates(lines, us_order=_is_month_first(lines, currency=currency)))
    evidence = tuple(found.evidence for found in (number, total, issue) if found is not None)
    return InvoiceFields(
        number=number.value if number else None,
        total=total.value if total else None,
        currency=currency,
        issue_date=issue.value if issue else None,
        evidence=evidence,
    )


def _best(found: list[_Found[_V]]) -> _Found[_V] | None:
    return min(found, key=lambda f: f.rank) if found else None


# --- reading the PDF --------------------------------------------------------------------------


def _read_lines(
    data: bytes, *, filename: str | None, max_pages: int
) -> tuple[int, list[list[Word]]]:
    """The pages read and their words grouped into lines."""
    pages = read_pdf_pages(
        data,
        filename=filename,
        max_pages=max_pages,
        read_page=functools.partial(page_words, upright_only=False),
    )
    lines: list[list[Word]] = []
    for words in pages:
        lines.extend(_group_lines(_split_glued(words)))
    return len(pages), lines


def _split_glued(raw: Sequence[Word]) -> list[Word]:
    """The words of a page; a label glued to its value becomes two, blank words go."""
    words: list[Word] = []
    for word in raw:
        text, x0, x1 = word.text, word.x0, word.x1
        glued = _GLUED_RE.match(text)
        if glued:
            cut = x0 + (x1 - x0) * len(glued.group(1)) / len(text)
            words.append(dataclasses.replace(word, text=glued.group(1), x1=cut))
            words.append(dataclasses.replace(word, text=glued.group(2), x0=cut))
        elif text.strip():
            words.append(word)
    return words


def _group_lines(words: list[Word]) -> list[list[Word]]:
    """Words whose vertical middles are within half a word height form one line."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        middle = (word.top + word.bottom) / 2
        if lines:
            last = lines[-1][0]
            if abs((last.top + last.bottom) / 2 - middle) <= max(last.height, 1.0) / 2:
                lines[-1].append(word)
                continue
        lines.append([word])
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def _ends_label_column(line: list[Word], end: int) -> bool:
    """Whether the label ending before ``line[end]`` stands alone in its column (nothing, or
    only a wide gap, to its right), so its value may be below it."""
    if end >= len(line):
        return True
    gap = line[end].x0 - line[end - 1].x1
    return gap > COLUMN_GAP * max(line[end - 1].height, 1.0)


def _below(lines: list[list[Word]], row: int, label: list[Word]) -> Word | None:
    """The word directly under the label words ``label`` of ``lines[row]`` (column layout):
    on the next line of the same page, within reach, overlapping the label the most."""
    if row + 1 >= len(lines):
        return None
    line = lines[row + 1]
    x0, x1 = label[0].x0, label[-1].x1
    height = max(label[0].height, 1.0)
    if line[0].page != label[0].page or line[0].top - label[0].bottom > BELOW_REACH * height:
        return None
    overlapping = [w for w in line if min(w.x1, x1) - max(w.x0, x0) > 0]
    return max(overlapping, key=lambda w: min(w.x1, x1) - max(w.x0, x0), default=None)


# --- the fields -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Labelled(Generic[_T]):
    """A value found beside (``below`` false) or under a label: the label's words, where
    they start (``row``, ``index``) and the tier or class the label matcher gave it."""

    row: int
    index: int
    words: list[Word]
    tier: int
    value: _T
    below: bool

    @property
    def where(self) -> str:
        """``below 'Total', page 2`` or ``right of 'Total', page 2``, for the evidence."""
        side = "below" if self.below else "right of"
        return f"{side} {_text(self.words)!r}, page {self.words[0].page + 1}"


def _labelled_values(
    lines: list[list[Word]],
    *,
    label_at: Callable[[int, int], tuple[int, int] | None],
    value_right: Callable[[list[Word], int, int], _T | None],
    value_below: Callable[[Word, int], _T | None],
) -> list[_Labelled[_T]]:
    """Each label of ``lines`` with its value: ``label_at(row, index)`` gives a label's end
    and tier, ``value_right(line, end, tier)`` the value after it on its line, else, when
    the label stands alone in its column, ``value_below(word, tier)`` the word under it."""
    found: list[_Labelled[_T]] = []
    for row, line in enumerate(lines):
        index = 0
        while index < len(line):
            label = label_at(row, index)
            if label is None:
                index += 1
                continue
            end, tier = label
            words = line[index:end]
            value = value_right(line, end, tier)
            below = False
            if value is None and _ends_label_column(line, end):
                under = _below(lines, row, words)
                value = value_below(under, tier) if under is not None else None
                below = True
            if value is not None:
                found.append(_Labelled(row, index, words, tier, value, below))
            index = end
    return found


def _numbers(lines: list[list[Word]]) -> list[_Found[str]]:
    """Invoice number candidates; rank: label tier, right before below, first in the file."""
    found = _labelled_values(
        lines,
        label_at=lambda row, index: number_label_at(
            lines[row], index, above=lines[row - 1] if row else None
        ),
        value_right=lambda line, end, tier: ref_at(line, end, strict=tier >= 2),
        value_below=lambda word, _tier: word.text if is_ref(word.text) else None,
    )
    return [
        _Found(
            rank=(f.tier, int(f.below), f.row, f.index),
            value=f.value.lstrip("#").strip(".,;:"),
            evidence=f"number {f.value!r} {f.where}",
        )
        for f in found
    ]


def _totals(lines: list[list[Word]]) -> list[_Found[Decimal]]:
    """Total candidates; rank: right before below, label class, the last in the file."""
    found = _labelled_values(
        lines,
        label_at=lambda row, index: total_label_at(lines[row], index),
        value_right=lambda line, end, _tier: amount_at(line, end),
        value_below=lambda word, _tier: amount_at([word], 0),
    )
    return [
        _Found(
            rank=(int(f.below), f.tier, -f.row, -f.index),
            value=f.value[0],
            evidence=f"total {f.value[0]} {f.where}",
            currency=f.value[1],
        )
        for f in found
    ]


def _dates(lines: list[list[Word]], *, us_order: bool) -> list[_Found[date]]:
    """Issue date candidates; rank: label tier, right before below, first in the file."""
    found = _labelled_values(
        lines,
        label_at=lambda row, index: date_label_at(lines[row], index),
        value_right=lambda line, end, _tier: date_at(line, end, us_order=us_order),
        value_below=lambda word, _tier: date_at([word], 0, us_order=us_order),
    )
    return [
        _Found(
            rank=(f.tier, int(f.below), f.row, f.index),
            value=f.value,
            evidence=f"issue date {f.value.isoformat()} {f.where}",
        )
        for f in found
    ]


def _is_month_first(lines: list[list[Word]], *, currency: str | None) -> bool:
    """Whether the document writes numeric dates month first (``11/17/2017``): decided by
    the dates that can be read one way only (a field above 12), else by a US dollar total."""
    day_first = month_first = 0
    for line in lines:
        for word in line:
            if match := NUMERIC_DATE_RE.fullmatch(word.text.strip(".,;:()")):
                first = ascii_int(match[1], maximum=99) or 0
                second = ascii_int(match[2], maximum=99) or 0
                day_first += first > 12 >= second
                month_first += second > 12 >= first
    if day_first != month_first:
        return month_first > day_first
    return currency == "USD"


def _document_currency(lines: list[list[Word]]) -> str | None:
    """The currency named most often in the document, if any."""
    counts = Counter(
        code for line in lines for word in line if (code := currency_of(word.text)) is not None
    )
    return counts.most_common(1)[0][0] if counts else None


def _text(words: list[Word]) -> str:
    return " ".join(word.text for word in words)
