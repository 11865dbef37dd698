"""A small PDF writer for the statement and invoice-copy documents: pages of text in the two
standard fonts Helvetica and Helvetica-Bold, and straight lines. Pure: no IO.

Why not reportlab's canvas: a statement run renders one PDF per customer (10,000 in ``make
bench``), and most of the canvas's time went on general machinery these documents do not use
(its text objects, resources, per-document font set-up). This writer does only what the
documents need: a content stream per page (``BT /F1 9 Tf x y Td (text) Tj ET``; ``x1 y1 m x2
y2 l S``), deflated, and the few objects around it (catalog, pages, two font dictionaries, the
document information). A one-page statement takes about 1 ms instead of ~5 ms.

Text is in the fonts' WinAnsiEncoding (Windows-1252): a character outside it is written as
its base letter when it has one (``ő`` → ``o``, ``Ł`` → ``L``), else as ``?``; the widths
come from the fonts' AFM metrics (reportlab's copy of them). Nothing in a string is
interpreted: ``(``, ``)`` and ``\\`` are escaped, control characters dropped.
The bytes are the same for the same calls: no date is written and the file identifier is a
digest of the content.

:class:`ReportlabDocument` draws the same on reportlab's canvas; invoice copies (a few per
question, not thousands per run) use it.
"""

from __future__ import annotations

import hashlib
import unicodedata
import zlib
from io import BytesIO
from typing import Literal, Protocol

from reportlab import rl_config
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfgen.canvas import Canvas

FontName = Literal["Helvetica", "Helvetica-Bold"]

#: Resource names of the two fonts in every page's content stream.
_FONT_KEYS: dict[str, str] = {"Helvetica": "F1", "Helvetica-Bold": "F2"}
#: Glyph widths per WinAnsi code, in thousandths of the font size (from the AFM files).
_WIDTHS: dict[str, tuple[int, ...]] = {name: tuple(getFont(name).widths) for name in _FONT_KEYS}
_CONTROL = bytes(range(32)) + b"\x7f"  # dropped from text
#: Letters whose base letter Unicode does not decompose to.
_BASE_LETTERS = {"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i"}


def encode_text(text: str) -> bytes:
    """``text`` in WinAnsiEncoding: unencodable characters by their base letter, else ``?``."""
    try:
        raw = text.encode("cp1252")
    except UnicodeEncodeError:
        raw = "".join(_fallback(ch) for ch in text).encode("cp1252")
    return raw.translate(None, delete=_CONTROL)


def _fallback(ch: str) -> str:
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        if ch in _BASE_LETTERS:
            return _BASE_LETTERS[ch]
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        try:
            return base.encode("cp1252").decode("cp1252") or "?"
        except UnicodeEncodeError:
            return "?"
    return ch


def text_width(text: str, font: FontName, size: float) -> float:
    """The width of ``text`` in points as this writer draws it."""
    return sum(map(_WIDTHS[font].__getitem__, encode_text(text))) * size / 1000


def fit_text(text: str, font: FontName, size: float, width: float) -> tuple[str, float]:
    """``text`` cut with an ellipsis where it is wider than ``width`` points, and the width of
    what is returned. One pass over the characters, however long the text (a payment
    reference from a hostile mail can be a megabyte)."""
    raw = encode_text(text)
    widths = _WIDTHS[font]
    scale = size / 1000
    drawn = sum(map(widths.__getitem__, raw)) * size / 1000  # as text_width() measures
    if drawn <= width:
        return text, drawn
    ellipsis = widths[0x85] * scale  # … in WinAnsiEncoding
    room = width - ellipsis
    kept, used = 0, 0.0
    for code in raw:
        glyph = widths[code] * scale
        if used + glyph > room:
            break
        used += glyph
        kept += 1
    return raw[:kept].decode("cp1252") + "…", used + ellipsis


def _literal(raw: bytes) -> bytes:
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


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

    def finish(self) -> bytes: ...


class PdfDocument:
    """Pages of text and lines; :meth:`finish` returns the file."""

    def __init__(
        self, *, width: float, height: float, title: str = "", author: str = "", creator: str = ""
    ) -> None:
        self._width = width
        self._height = height
        self._info = {"Title": title, "Author": author, "Creator": creator, "Producer": "arbox"}
        self._pages: list[bytearray] = []

    def new_page(self) -> None:
        """Start a new page; later drawing goes on it."""
        self._pages.append(bytearray())

    def text(self, x: float, y: float, text: str, *, font: FontName, size: float) -> None:
        """``text`` with its baseline starting at (``x``, ``y``), in points from bottom left."""
        page = self._current()
        page += b"BT /%s %s Tf %s %s Td %s Tj ET\n" % (
            _FONT_KEYS[font].encode(),
            _num(size),
            _num(x),
            _num(y),
            _literal(encode_text(text)),
        )

    def line(self, x1: float, y1: float, x2: float, y2: float, *, width: float) -> None:
        """A straight black line ``width`` points thick."""
        page = self._current()
        page += b"%s w %s %s m %s %s l S\n" % (_num(width), _num(x1), _num(y1), _num(x2), _num(y2))

    def finish(self) -> bytes:
        """The PDF file (at least one page)."""
        if not self._pages:
            self.new_page()
        page_count = len(self._pages)
        # Objects: 1 catalog, 2 pages, 3 and 4 fonts, 5 information, then page + content pairs.
        first_page = 6
        objects: list[bytes] = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Count %d /Kids [%s] >>"
            % (
                page_count,
                b" ".join(b"%d 0 R" % (first_page + 2 * n) for n in range(page_count)),
            ),
        ]
        for name in _FONT_KEYS:
            objects.append(
                b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>"
                % name.encode()
            )
        objects.append(
            b"<< %s >>"
            % b" ".join(
                b"/%s %s" % (key.encode(), _info_string(value))
                for key, value in self._info.items()
                if value
            )
        )
        resources = b"<< /Font << /F1 3 0 R /F2 4 0 R >> /ProcSet [/PDF /Text] >>"
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
            b"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R /ID [<%s> <%s>] >>\n"
            b"startxref\n%d\n%%%%EOF\n" % (len(objects) + 1, digest, digest, xref)
        )
        return bytes(out)

    def _current(self) -> bytearray:
        if not self._pages:
            self.new_page()
        return self._pages[-1]


# Page streams deflated, not also ASCII85-encoded: the PDF travels base64-encoded in a mail
# anyway, and reportlab's pure-Python ASCII85 encoder was a third of its rendering time.
rl_config.useA85 = 0


class ReportlabDocument:
    """The same drawing on reportlab's canvas (``invariant=1``: a fixed date and id, so the
    same bytes for the same calls). Invoice copies use it: a few per question, where the
    canvas's cost does not matter. Text goes through :func:`encode_text` first, so both
    backends draw the same characters at the same widths."""

    def __init__(
        self, *, width: float, height: float, title: str = "", author: str = "", creator: str = ""
    ) -> None:
        self._buffer = BytesIO()
        self._canvas = Canvas(
            self._buffer, pagesize=(width, height), invariant=1, pageCompression=1
        )
        self._canvas.setTitle(title)
        self._canvas.setAuthor(author)
        self._canvas.setCreator(creator)
        self._drawn = False  # the canvas starts on a page of its own

    def new_page(self) -> None:
        """Start a new page; later drawing goes on it."""
        if self._drawn:
            self._canvas.showPage()
        self._drawn = True

    def text(self, x: float, y: float, text: str, *, font: FontName, size: float) -> None:
        """``text`` with its baseline starting at (``x``, ``y``)."""
        self._drawn = True
        self._canvas.setFont(font, size)
        self._canvas.drawString(x, y, encode_text(text).decode("cp1252"))

    def line(self, x1: float, y1: float, x2: float, y2: float, *, width: float) -> None:
        """A straight black line ``width`` points thick."""
        self._drawn = True
        self._canvas.setLineWidth(width)
        self._canvas.line(x1, y1, x2, y2)

    def finish(self) -> bytes:
        """The PDF file."""
        self._canvas.save()
        return self._buffer.getvalue()
