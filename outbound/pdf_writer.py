"""A small PDF writer for the statement and invoice-copy documents: pages of text in any
script and straight lines. Pure: no IO (the fonts are read once per process, see
:mod:`outbound.font_files`).

Why not reportlab's canvas: a statement run renders one PDF per customer (10,000 in ``make
bench``), and most of the canvas's time went on general machinery these documents do not use
(its text objects, resources, per-document font set-up). This writer does only what the
documents need: a content stream per page (``BT x y Td /F1 9 Tf <0001…> Tj ET``; ``x1 y1 m x2
y2 l S``), deflated, and the few objects around it (catalog, pages, the fonts, the document
information). Invoice copies used reportlab's canvas too; they are drawn here now, so every
PDF arbox writes carries its text the same way (reportlab has no right-to-left shaping and no
per-character font fallback).

Text is drawn in DejaVu Sans (bold: DejaVu Sans Bold) with Droid Sans Fallback for CJK,
subsets embedded, each character by the first font that has it, right-to-left text shaped and
reordered (:mod:`outbound.pdf_glyphs`); every font has a ToUnicode map, so text extraction
gives back the characters drawn (:mod:`outbound.pdf_fonts`). Widths are the glyphs' advances.
Nothing in a string is interpreted; control characters are dropped, a character no font has is
drawn as U+FFFD (�).
The bytes are the same for the same calls: no date is written and the file identifier is a
digest of the content.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Sequence
from typing import Protocol

from outbound.font_files import FontName
from outbound.pdf_fonts import RESOURCE_NAMES, FontSet
from outbound.pdf_glyphs import clean, is_shaped, visual, width_of, width_table

__all__ = ["FontName", "PdfBackend", "PdfDocument", "Rect", "fit_text", "text_width"]

#: A rectangle: left, bottom, width, height in points.
Rect = tuple[float, float, float, float]

ELLIPSIS = "…"
#: Of a right-to-left text too wide for its room, at most this many times the room (measured
#: unshaped) is shaped to find the cut: contextual forms are narrower than isolated ones, but
#: not four times.
_SHAPED_SLACK = 4


def text_width(text: str, font: FontName, size: float) -> float:
    """The width of ``text`` in points as this writer draws it."""
    return width_of(visual(clean(text), font), font) * size / 1000


def fit_text(text: str, font: FontName, size: float, width: float) -> tuple[str, float]:
    """``text`` cut with an ellipsis where it is wider than ``width`` points, and the width of
    what is returned. One pass over the characters, however long the text (a payment
    reference from a hostile mail can be a megabyte)."""
    cleaned = clean(text)
    if is_shaped(cleaned):
        return _fit_shaped(text, cleaned, font, size, width)
    widths = width_table(font)
    scale = size / 1000
    drawn = sum(map(widths.__getitem__, cleaned))
    if drawn * scale <= width:
        return text, drawn * scale
    room = width / scale - widths[ELLIPSIS]
    used = 0
    for kept, ch in enumerate(cleaned):
        used += widths[ch]
        if used > room:  # the characters before this one fit with the ellipsis
            return cleaned[:kept] + ELLIPSIS, text_width(cleaned[:kept] + ELLIPSIS, font, size)
    raise AssertionError("unreachable: the text is wider than the room")  # pragma: no cover


def _fit_shaped(
    text: str, cleaned: str, font: FontName, size: float, width: float
) -> tuple[str, float]:
    """:func:`fit_text` of right-to-left text: shaping changes widths (a letter's form depends
    on its neighbours), so the cut is searched on shaped prefixes of the logical text."""
    widths = width_table(font)
    bound, used, end = _SHAPED_SLACK * width * 1000 / size, 0, len(cleaned)
    for n, ch in enumerate(cleaned):
        used += widths[ch]
        if used > bound:
            end = n
            break
    else:
        drawn = text_width(cleaned, font, size)
        if drawn <= width:
            return text, drawn
    low, high = 0, end  # the longest prefix that fits with the ellipsis, by bisection
    while low < high:
        middle = (low + high + 1) // 2
        if text_width(cleaned[:middle] + ELLIPSIS, font, size) <= width:
            low = middle
        else:
            high = middle - 1
    cut = cleaned[:low] + ELLIPSIS
    return cut, text_width(cut, font, size)


def _info_string(text: str) -> bytes:
    """A document-information string: UTF-16BE with its byte-order mark, in hex."""
    clean = "".join(ch for ch in text if ch >= " ")
    return b"<FEFF" + clean.encode("utf-16-be").hex().upper().encode() + b">"


def _num(value: float) -> bytes:
    return b"%.2f" % value


class PdfBackend(Protocol):
    """What :class:`outbound.pdf_layout.PageWriter` draws on."""

    def new_page(self) -> None: ...

    def text(self, x: float, y: float, text: str, *, font: FontName, size: float) -> None: ...

    def line(self, x1: float, y1: float, x2: float, y2: float, *, width: float) -> None: ...

    def rects(self, rects: Sequence[Rect], *, gray: float = 0.0) -> None: ...

    def finish(self) -> bytes: ...


class PdfDocument:
    """Pages of text and lines; :meth:`finish` returns the file."""

    def __init__(
        self,
        *,
        width: float,
        height: float,
        title: str = "",
        author: str = "",
        creator: str = "",
        output_intent: bytes | None = None,
    ) -> None:
        """``output_intent``: an RGB ICC profile made the document's PDF/A output intent
        (PDF/A allows the device colours this writer paints in, gray, only under one)."""
        self._output_intent = output_intent
        self._width = width
        self._height = height
        self._info = {"Title": title, "Author": author, "Creator": creator, "Producer": "arbox"}
        self._pages: list[bytearray] = []
        self._fonts = FontSet()

    def new_page(self) -> None:
        """Start a new page; later drawing goes on it."""
        self._pages.append(bytearray())

    def text(self, x: float, y: float, text: str, *, font: FontName, size: float) -> None:
        """``text`` with its baseline starting at (``x``, ``y``), in points from bottom left."""
        runs = self._fonts.encode(visual(clean(text), font), font)
        if not runs:
            return
        page = self._current()
        page += b"BT %s %s Td" % (_num(x), _num(y))
        for index, codes in runs:  # each run continues where the one before ended
            page += b" /%s %s Tf <%s> Tj" % (RESOURCE_NAMES[index], _num(size), codes)
        page += b" ET\n"

    def line(self, x1: float, y1: float, x2: float, y2: float, *, width: float) -> None:
        """A straight black line ``width`` points thick."""
        page = self._current()
        page += b"%s w %s %s m %s %s l S\n" % (_num(width), _num(x1), _num(y1), _num(x2), _num(y2))

    def rects(self, rects: Sequence[Rect], *, gray: float = 0.0) -> None:
        """Filled rectangles in one path, ``gray`` from 0 (black) to 1 (white): a QR code's
        modules, drawn as vectors. Coordinates have three decimals (a module of a 46 mm QR
        code is under 3 pt: two decimals would let rounding open hairline gaps)."""
        if not rects:
            return
        page = self._current()
        page += b"q %s g\n" % _num(gray)
        for x, y, w, h in rects:
            page += b"%.3f %.3f %.3f %.3f re\n" % (x, y, w, h)
        page += b"f Q\n"

    def finish(self) -> bytes:
        """The PDF file (at least one page)."""
        if not self._pages:
            self.new_page()
        page_count = len(self._pages)
        # Objects: 1 catalog, 2 pages, 3 information, page + content pairs, then the fonts.
        first_page = 4
        fonts, font_objects = self._fonts.objects(first_page + 2 * page_count)
        objects: list[bytes] = [
            self._catalog(first_page + 2 * page_count + len(font_objects)),
            b"<< /Type /Pages /Count %d /Kids [%s] >>"
            % (
                page_count,
                b" ".join(b"%d 0 R" % (first_page + 2 * n) for n in range(page_count)),
            ),
            b"<< %s >>"
            % b" ".join(
                b"/%s %s" % (key.encode(), _info_string(value))
                for key, value in self._info.items()
                if value
            ),
        ]
        resources = b"<< /Font %s /ProcSet [/PDF /Text] >>" % fonts
        media_box = b"[0 0 %s %s]" % (_num(self._width), _num(self._height))
        for n, content in enumerate(self._pages):
            stream = zlib.compress(bytes(content), 6)
            objects.append(
                b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Resources %s /Contents %d 0 R >>"
                % (media_box, resources, first_page + 2 * n + 1)
            )
            objects.append(
                b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream"
                % (len(stream), stream)
            )
        objects += font_objects
        if self._output_intent is not None:
            profile = zlib.compress(self._output_intent, 6)
            objects.append(
                b"<< /N 3 /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream"
                % (len(profile), profile)
            )
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        for offset in offsets:
            out += b"%010d 00000 n \n" % offset
        digest = hashlib.md5(out, usedforsecurity=False).hexdigest().upper().encode()
        out += (
            b"trailer\n<< /Size %d /Root 1 0 R /Info 3 0 R /ID [<%s> <%s>] >>\n"
            b"startxref\n%d\n%%%%EOF\n" % (len(objects) + 1, digest, digest, xref)
        )
        return bytes(out)

    def _catalog(self, profile_number: int) -> bytes:
        if self._output_intent is None:
            return b"<< /Type /Catalog /Pages 2 0 R >>"
        return (
            b"<< /Type /Catalog /Pages 2 0 R /OutputIntents [<< /Type /OutputIntent /S /GTS_PDFA1"
            b" /OutputConditionIdentifier (sRGB IEC61966-2.1) /Info (sRGB IEC61966-2.1)"
            b" /DestOutputProfile %d 0 R >>] >>" % profile_number
        )

    def _current(self) -> bytearray:
        if not self._pages:
            self.new_page()
        return self._pages[-1]
