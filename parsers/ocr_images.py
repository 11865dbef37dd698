"""The pages of a scan as images, checked before they are decoded. Pure: no IO.

A scan reaches arbox as an image attachment (PNG, JPEG, TIFF with one page or more, HEIC/HEIF
from a phone) or as a PDF whose pages have no text layer. :func:`scan_kind` tells an image
attachment by its content type, its file name or its first bytes; :func:`image_pages` and
:func:`pdf_pages` give the pages as greyscale Pillow images, each checked against the
limits of :class:`ScanLimits` *before* its pixels are decoded: the width and height come
from the file's header (Pillow reads only the header on ``open``), so a decompression bomb
(a 100,000 x 100,000 PNG of a few KB) is refused with a reason, never inflated. A TIFF that
claims more pages than the limit is refused once the page after the last allowed one is
found (its page directory is walked no further). Every failure is an
:class:`~core.errors.UnreadableDocumentError` with a reason a person can act on.

The page is then made readable by :mod:`parsers.ocr_pages`.
"""

from __future__ import annotations

import ctypes
import io
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pillow_heif
import pypdfium2.raw as pdfium  # type: ignore[import-untyped]
from PIL import (
    Image,
    ImageOps,
    UnidentifiedImageError,
)

from core.errors import UnreadableDocumentError
from core.types import Attachment
from parsers.pdf_streams import PdfiumDeclinedError, check_expansion
from parsers.pdf_text import PDF_LOCK

pillow_heif.register_heif_opener()

#: Scan kinds by content type, file name ending and magic bytes.
_TYPES = {
    "image/png": "png",
    "image/jpeg": "jpeg",
    "image/jpg": "jpeg",
    "image/pjpeg": "jpeg",
    "image/tiff": "tiff",
    "image/heic": "heic",
    "image/heif": "heic",
    "image/heic-sequence": "heic",
    "image/heif-sequence": "heic",
}
_ENDINGS = {
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".jpe": "jpeg",
    ".tif": "tiff",
    ".tiff": "tiff",
    ".heic": "heic",
    ".heif": "heic",
    ".hif": "heic",
}
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
)
_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1")
#: Pillow formats accepted for each kind (a ``.png`` that is a JPEG is read as what it is).
_FORMATS = frozenset({"PNG", "JPEG", "MPO", "TIFF", "HEIF"})

EMPTY_FILE = "empty file"
NOT_AN_IMAGE = "not a readable image"
DAMAGED = "damaged or truncated image"


@dataclass(frozen=True, slots=True)
class ScanLimits:
    """How much of a scan is recognised: pages, pixels per page (checked from the header,
    before decoding) and the resolution image-only PDF pages are rendered at."""

    max_pages: int = 10
    max_pixels: int = 50_000_000
    dpi: int = 300


def scan_kind(attachment: Attachment) -> str | None:
    """``"png"``, ``"jpeg"``, ``"tiff"`` or ``"heic"`` for an image attachment, else None:
    by content type, then file name, then the first bytes."""
    kind = _TYPES.get(attachment.content_type.lower())
    if kind is not None:
        return kind
    name = (attachment.filename or "").lower()
    for ending, kind in _ENDINGS.items():
        if name.endswith(ending):
            return kind
    return magic_kind(attachment.data)


def magic_kind(data: bytes) -> str | None:
    """The scan kind of ``data`` by its first bytes, or None."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "heic"
    return None


def image_pages(data: bytes, limits: ScanLimits) -> Iterator[Image.Image]:
    """The pages of the image file ``data`` (one, or each frame of a TIFF or HEIF),
    greyscale, each checked against ``limits`` before it is decoded.

    Raises:
        UnreadableDocumentError: empty, not an image, damaged, too many pages, too large.
    """
    if not data:
        raise UnreadableDocumentError(EMPTY_FILE)
    image = _open(data)
    for number in range(limits.max_pages + 1):
        if not _seek(image, number):
            return
        if number == limits.max_pages:
            raise UnreadableDocumentError(
                f"scan has more than {limits.max_pages} pages (ARBOX_OCR_MAX_PAGES)"
            )
        check_pixels(*image.size, limits)
        yield _decoded(image)


def header_size(data: bytes) -> tuple[int, int] | None:
    """The width and height of the image ``data``'s first page, from its header (nothing is
    decoded), or None when it cannot be opened."""
    try:
        return _open(data).size
    except UnreadableDocumentError:
        return None


def _open(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # our own pixel limit is checked per page
            image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as e:
        raise UnreadableDocumentError(NOT_AN_IMAGE) from e
    except Image.DecompressionBombError as e:  # over twice Pillow's MAX_IMAGE_PIXELS
        raise UnreadableDocumentError(f"decompression bomb: {e}") from e
    if image.format not in _FORMATS:
        raise UnreadableDocumentError(f"{NOT_AN_IMAGE} ({image.format} is not read)")
    return image


def _seek(image: Image.Image, number: int) -> bool:
    """Go to page ``number``; False when there is none."""
    if number == 0:
        return True
    try:
        image.seek(number)
    except EOFError:
        return False
    except (OSError, ValueError, SyntaxError) as e:
        raise UnreadableDocumentError(DAMAGED) from e
    return True


def check_pixels(width: int, height: int, limits: ScanLimits) -> None:
    """Refuse a page of ``width`` x ``height`` pixels over the limit (or empty)."""
    if width <= 0 or height <= 0:
        raise UnreadableDocumentError(DAMAGED)
    if width * height > limits.max_pixels:
        raise UnreadableDocumentError(
            f"image of {width} x {height} pixels is larger than the limit of "
            f"{limits.max_pixels:,} pixels (ARBOX_OCR_MAX_PIXELS)"
        )


def _decoded(image: Image.Image) -> Image.Image:
    """The current page's pixels, greyscale, upright by its EXIF orientation."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            image.load()
            page = ImageOps.exif_transpose(image) or image
            return _square_pixels(page.convert("L"), image.info.get("dpi"))
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError) as e:
        raise UnreadableDocumentError(DAMAGED) from e


def _square_pixels(page: Image.Image, dpi: object) -> Image.Image:
    """``page`` stretched to square pixels when its resolution differs across and down (a
    fax in standard resolution is 204 x 98 dpi: read as it is, every letter is half as
    tall as it is wide)."""
    if not isinstance(dpi, tuple) or len(dpi) != 2:
        return page
    try:
        across, down = float(dpi[0]), float(dpi[1])
    except (TypeError, ValueError):
        return page
    if across <= 0 or down <= 0 or 0.9 <= across / down <= 1.1 or not 0.4 < across / down < 2.5:
        return page
    if across > down:
        size = (page.width, round(page.height * across / down))
    else:
        size = (round(page.width * down / across), page.height)
    return page.resize(size, Image.Resampling.BICUBIC)


def pdf_pages(
    data: bytes, limits: ScanLimits, numbers: Sequence[int] | None = None
) -> Iterator[Image.Image]:
    """The pages of the PDF ``data`` (all, or the page indexes ``numbers``: the scanned
    pages of a PDF whose other pages have text) rendered with PDFium at ``limits.dpi``
    (scaled down to stay within the pixel limit), greyscale.

    Raises:
        UnreadableDocumentError: the PDF cannot be opened, or has more pages to render than
            the limit.
    """
    with PDF_LOCK:
        doc = pdfium.FPDF_LoadMemDocument64(data, len(data), None)
        if not doc:
            raise UnreadableDocumentError("malformed PDF")
        try:
            count = pdfium.FPDF_GetPageCount(doc)
            wanted = range(count) if numbers is None else [n for n in numbers if 0 <= n < count]
            if len(wanted) > limits.max_pages:
                raise UnreadableDocumentError(
                    f"scan has {len(wanted)} pages, more than {limits.max_pages} "
                    "(ARBOX_OCR_MAX_PAGES)"
                )
            images = [_render(doc, number, limits) for number in wanted]
        finally:
            pdfium.FPDF_CloseDocument(doc)
    yield from images


def pages_without_text(data: bytes, max_pages: int) -> tuple[int, ...]:
    """The indexes of the pages (of the first ``max_pages``) of the PDF ``data`` that have
    no character of text: scanned pages. A PDF that cannot be opened has none (its reading
    says why), nor does one PDFium must not open (streams that may inflate past the budget,
    or forms that may draw themselves: PDFium would end the process or spin; pdfplumber read
    it, with the reason)."""
    try:
        check_expansion(data)
    except PdfiumDeclinedError:
        return ()
    with PDF_LOCK:
        doc = pdfium.FPDF_LoadMemDocument64(data, len(data), None)
        if not doc:
            return ()
        try:
            count = min(pdfium.FPDF_GetPageCount(doc), max_pages)
            return tuple(n for n in range(count) if not _has_characters(doc, n))
        finally:
            pdfium.FPDF_CloseDocument(doc)


def _has_characters(doc: object, number: int) -> bool:
    page = pdfium.FPDF_LoadPage(doc, number)
    if not page:
        return True  # a broken page is not taken for a scan
    try:
        text = pdfium.FPDFText_LoadPage(page)
        if not text:
            return True
        try:
            return bool(pdfium.FPDFText_CountChars(text) > 0)
        finally:
            pdfium.FPDFText_ClosePage(text)
    finally:
        pdfium.FPDF_ClosePage(page)


def _render(doc: object, number: int, limits: ScanLimits) -> Image.Image:
    page = pdfium.FPDF_LoadPage(doc, number)
    if not page:
        raise UnreadableDocumentError("malformed PDF")
    try:
        width_pt = pdfium.FPDF_GetPageWidthF(page)
        height_pt = pdfium.FPDF_GetPageHeightF(page)
        scale = limits.dpi / 72
        if width_pt * height_pt * scale * scale > limits.max_pixels:
            scale = (limits.max_pixels / max(width_pt * height_pt, 1.0)) ** 0.5
        width, height = max(int(width_pt * scale), 1), max(int(height_pt * scale), 1)
        check_pixels(width, height, limits)
        bitmap = pdfium.FPDFBitmap_Create(width, height, 0)
        if not bitmap:
            raise MemoryError("PDFium could not allocate the page bitmap")
        try:
            pdfium.FPDFBitmap_FillRect(bitmap, 0, 0, width, height, 0xFFFFFFFF)
            pdfium.FPDF_RenderPageBitmap(bitmap, page, 0, 0, width, height, 0, 0)
            stride = pdfium.FPDFBitmap_GetStride(bitmap)
            buffer = pdfium.FPDFBitmap_GetBuffer(bitmap)
            raw = ctypes.string_at(buffer, stride * height)
        finally:
            pdfium.FPDFBitmap_Destroy(bitmap)
        return Image.frombuffer("RGBX", (width, height), raw, "raw", "BGRX", stride, 1).convert("L")
    finally:
        pdfium.FPDF_ClosePage(page)
