"""Remittance advices that arrive as scans: image-only PDF pages and image attachments (PNG,
JPEG, TIFF, HEIC), read by OCR. Pure: no IO but the recogniser's language data.

The pages (:mod:`parsers.ocr_images`, every one checked against :class:`OcrOptions`' limits
before it is decoded) are recognised by Tesseract (:mod:`parsers.ocr_engine`); the words,
with their boxes, are read by the same layout reader as a PDF's text layer
(:func:`parsers.remittance_pdf.remittance_of_pages`: aligned tables, column roles, line
scan). The remittance then has ``source`` ``"ocr <kind>"`` (``"ocr pdf"``, ``"ocr png"``, ...),
``read_text`` the recognised text (pages separated by a form feed, at most
:attr:`OcrOptions.max_text_chars`), and each line the lowest confidence (0-100) of the words
that gave its reference and amount (:func:`line_confidence`).

A PDF with some pages of text and some scanned is read whole: the pages with text from
their text layer, the others rendered and recognised, all read together in page order.
Lines from the text layer have no confidence, and the remittance is ``"ocr pdf"`` only when
a line comes from a scanned page.

Limits: the pages and pixels of :class:`OcrOptions`, and a time limit for the whole scan
(each page's recognition is given what is left of it). The parse child raises its CPU limit
for OCR through ``on_start`` (``worker.inbound.pool``). Every failure is an
:class:`~core.errors.UnreadableDocumentError` with the reason.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from PIL import Image

from core.errors import UnreadableDocumentError
from core.types import Attachment, Remittance, RemittanceLine
from parsers.ocr_engine import DEFAULT_TESSDATA, OcrPage, OcrWord, recognise
from parsers.ocr_images import (
    ScanLimits,
    header_size,
    image_pages,
    pages_without_text,
    pdf_pages,
    scan_kind,
)
from parsers.ocr_pages import prepare
from parsers.pdf_layout import text_lines
from parsers.pdf_streams import PdfiumDeclinedError
from parsers.pdf_text import PageText, Word
from parsers.remittance_pdf import (
    MAX_PAGES,
    PDFIUM_SOURCE,
    PDFPLUMBER_SOURCE,
    remittance_of_pages,
)

#: An image smaller than this (pixels on its longer side) is a logo or an icon, not a scan.
MIN_SCAN_SIDE = 500
NOTHING_RECOGNISED = "OCR recognised no text"
_SQUASH_RE = re.compile(r"[\W_]+")
_DIGITS_RE = re.compile(r"\D+")


@dataclass(frozen=True, slots=True)
class OcrOptions:
    """How scans are read (``ARBOX_OCR_*``, :mod:`core.config`)."""

    languages: str = "eng+deu+fra+spa+nld+ita"
    tessdata: str = DEFAULT_TESSDATA
    timeout_seconds: float = 60.0
    max_pages: int = 10
    max_pixels: int = 50_000_000
    dpi: int = 300
    max_text_chars: int = 200_000

    @property
    def limits(self) -> ScanLimits:
        return ScanLimits(max_pages=self.max_pages, max_pixels=self.max_pixels, dpi=self.dpi)


def is_scan_attachment(attachment: Attachment) -> bool:
    """Whether ``attachment`` is an image that may be a scan (PNG, JPEG, TIFF, HEIC)."""
    return scan_kind(attachment) is not None


def read_scan(
    data: bytes,
    *,
    kind: str,
    options: OcrOptions,
    sender_name: str | None = None,
    on_start: Callable[[], None] | None = None,
) -> Remittance | None:
    """The remittance OCR reads in the scan ``data`` (``kind`` ``"pdf"`` for an image-only
    PDF, else an image kind of :func:`parsers.ocr_images.scan_kind`), or None when the
    scan holds no remittance lines. ``on_start`` is called once, before the first page is
    recognised.

    Raises:
        UnreadableDocumentError: the scan cannot be decoded, breaks a limit, takes longer
            than the time limit, or no text is recognised in it.
    """
    deadline = time.monotonic() + options.timeout_seconds
    typed = [page for page in _text_pages(data) if page.has_text] if kind == "pdf" else []
    # a PDF with text on some pages: its other pages are recognised (else every page is)
    numbers = _scanned_numbers(data, typed, options) if typed else None
    read: list[OcrPage] = []
    for index, image in enumerate(_pages(data, kind, options, numbers)):
        if index == 0 and on_start is not None:
            on_start()
        read.append(
            recognise(
                prepare(image),
                number=index if numbers is None else numbers[index],
                dpi=options.dpi,
                tessdata=options.tessdata,
                languages=options.languages,
                deadline=deadline,
            )
        )
    return remittance_of_scan(
        read, kind=kind, options=options, sender_name=sender_name, text_pages=typed
    )


def _pages(
    data: bytes, kind: str, options: OcrOptions, numbers: Sequence[int] | None
) -> Iterator[Image.Image]:
    if kind == "pdf":
        return pdf_pages(data, options.limits, numbers)
    return image_pages(data, options.limits)


def _scanned_numbers(data: bytes, typed: Sequence[PageText], options: OcrOptions) -> list[int]:
    """The indexes of the pages of the PDF ``data`` without text, ``typed`` being those with."""
    with_text = {page.number for page in typed}
    count = max(with_text) + 1 + options.max_pages  # enough to find one over the limit
    return [n for n in pages_without_text(data, count) if n not in with_text]


def _text_pages(data: bytes) -> Sequence[PageText]:
    """The pages of the PDF ``data`` as its text layer gives them (those without text are
    read by OCR), or none when the text layer cannot be read: then every page is."""
    for source in (PDFIUM_SOURCE, PDFPLUMBER_SOURCE):
        try:
            return source.read_pages(data, filename=None, max_pages=MAX_PAGES)
        except (UnreadableDocumentError, PdfiumDeclinedError):
            continue
    return ()


def is_small_image(data: bytes) -> bool:
    """Whether the image ``data`` is too small to be a scanned page (a logo), by its
    header; an image that cannot be opened is not small (its reading says why)."""
    size = header_size(data)
    return size is not None and max(size) < MIN_SCAN_SIDE


def remittance_of_scan(
    pages: Sequence[OcrPage],
    *,
    kind: str,
    options: OcrOptions,
    sender_name: str | None = None,
    text_pages: Sequence[PageText] = (),
) -> Remittance | None:
    """The remittance of recognised pages, with its ``source``, ``read_text`` and each
    line's confidence. ``text_pages`` are the pages of a PDF that have a text layer (its
    other pages are the scanned ``pages``): read together in page order. A line whose
    reference is on a page with text has no confidence (nothing was recognised), and the
    remittance is ``"pdf"`` when no line comes from a scanned page.

    Raises:
        UnreadableDocumentError: no word was recognised nor any text found.
    """
    if not any(page.words for page in pages) and not text_pages:
        raise UnreadableDocumentError(NOTHING_RECOGNISED)
    scanned = [
        PageText(number=page.number, words=tuple(w.word for w in page.words), has_rules=False)
        for page in pages
    ]
    texts = sorted([*scanned, *text_pages], key=lambda page: page.number)
    remittance = remittance_of_pages(texts, sender_name=sender_name)
    if remittance is None:
        return None
    confidences = {w.word: w.confidence for page in pages for w in page.words}
    rows = [
        [(word, confidences[word]) for word in line.words]
        for text in scanned
        for line in text_lines(text.words)
    ]
    typed = [_squash(line.text) for text in text_pages for line in text_lines(text.words)]
    lines = tuple(
        dataclasses.replace(line, confidence=_confidence(line, rows, typed))
        for line in remittance.lines
    )
    recognised = any(line.confidence is not None for line in lines)
    return dataclasses.replace(
        remittance,
        lines=lines,
        source=f"ocr {kind}" if recognised else remittance.source,
        read_text=recognised_text(texts, options.max_text_chars),
    )


def _confidence(line: RemittanceLine, rows: Sequence[Row], typed: Sequence[str]) -> float | None:
    """:func:`line_confidence`, or None for a line whose reference is on no scanned page's
    row but on a row of a page with text."""
    ref = _squash(line.invoice_ref or "")
    if typed and ref and not _on_a_row(ref, rows) and any(ref in row for row in typed):
        return None
    return line_confidence(line, rows)


def _on_a_row(ref: str, rows: Sequence[Row]) -> bool:
    return any(ref in _squash("".join(w.text for w, _ in row)) for row in rows)


def recognised_text(pages: Sequence[PageText], limit: int) -> str:
    """The text of ``pages`` line by line, pages separated by a form feed, at most
    ``limit`` characters."""
    text = "\f".join("\n".join(line.text for line in text_lines(page.words)) for page in pages)
    return text[:limit]


Row = Sequence[tuple[Word, float]]


def line_confidence(line: RemittanceLine, rows: Sequence[Row]) -> float:
    """The lowest confidence of the words that gave ``line``'s reference and amount: on
    the first row whose words hold the reference, the words that are part of it and the
    words whose digits are part of the amount's. When no row holds the reference (the
    layout reader joined it from more than one), the lowest confidence of any word."""
    ref = _squash(line.invoice_ref or "")
    amount = _DIGITS_RE.sub("", str(abs(line.amount))) if line.amount is not None else ""
    for row in rows:
        if not ref or ref not in _squash("".join(w.text for w, _ in row)):
            continue
        used = [c for w, c in row if _part_of(_squash(w.text), ref)]
        if amount:
            used += [c for w, c in row if _part_of(_DIGITS_RE.sub("", w.text), amount)]
        if used:
            return min(used)
    every = [c for row in rows for _, c in row]
    return min(every) if every else 0.0


def _part_of(piece: str, whole: str) -> bool:
    return bool(piece) and piece in whole


def _squash(text: str) -> str:
    return _SQUASH_RE.sub("", text).upper()


__all__ = [
    "NOTHING_RECOGNISED",
    "OcrOptions",
    "OcrWord",
    "is_scan_attachment",
    "is_small_image",
    "line_confidence",
    "read_scan",
    "recognised_text",
    "remittance_of_scan",
]
