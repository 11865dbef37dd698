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

:func:`prepare` normalises a page for the recogniser: greyscale, contrast stretched
(``ImageOps.autocontrast`` with 1 % cut-off, which evens out a grey photo or a faint fax) and
a large photo scaled down to :data:`WORK_LONG_SIDE` pixels; :func:`straighten` removes a skew
of up to ±5 degrees (:func:`skew_angle`, a projection-profile search with Pillow, measured
in ``bench/ocr.py``).
"""

from __future__ import annotations

import ctypes
import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

import pillow_heif
import pypdfium2.raw as pdfium  # type: ignore[import-untyped]
from PIL import (
    Image,
    ImageChops,
    ImageDraw,
    ImageFilter,
    ImageOps,
    ImageStat,
    UnidentifiedImageError,
)

from core.errors import UnreadableDocumentError
from core.types import Attachment
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

#: A page larger than this (pixels on its longer side) is scaled down before recognition:
#: an A4 page at 300 dpi is 3,508 pixels long; a 48-megapixel phone photo is 8,000.
WORK_LONG_SIDE = 3600
#: Skew angles searched, in degrees either way, and the steps of the coarse and fine search.
MAX_SKEW = 5.0
_COARSE_STEP = 0.5
_FINE_STEP = 0.1
#: Grey level below which a pixel is ink, the share of ink that makes a row or a column a
#: ruling line, and the height a band of rules needs before its vertical rules are looked for.
#: A page whose pixels differ from its 3x3 median by more than this on average (grey levels)
#: is speckled (scanner noise) and is read median-filtered.
_NOISE_LEVEL = 6.0
#: Rules are often thin grey lines, lighter still once a scan is turned straight: any pixel
#: clearly darker than paper counts for them.
_RULE_INK_LEVEL = 200
_RULE_SHARE = 0.6
#: More rows than this share "ruled" are no rules but a dark background.
_MAX_RULED_SHARE = 0.1
#: A vertical rule is ink nearly all the way down a band between two horizontal rules (a
#: letter's stroke is ink for its height, less than the band's: the cell's padding).
_VERTICAL_RULE_SHARE = 0.9
_MIN_BAND_HEIGHT = 8
#: Width of the image the skew is measured on (pixels): enough to resolve 0.1 degree.
_SKEW_WIDTH = 1000

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


def pdf_pages(data: bytes, limits: ScanLimits) -> Iterator[Image.Image]:
    """The pages of the PDF ``data`` rendered with PDFium at ``limits.dpi`` (scaled down to
    stay within the pixel limit), greyscale.

    Raises:
        UnreadableDocumentError: the PDF cannot be opened, or has more pages than the limit.
    """
    with PDF_LOCK:
        doc = pdfium.FPDF_LoadMemDocument64(data, len(data), None)
        if not doc:
            raise UnreadableDocumentError("malformed PDF")
        try:
            count = pdfium.FPDF_GetPageCount(doc)
            if count > limits.max_pages:
                raise UnreadableDocumentError(
                    f"scan has {count} pages, more than {limits.max_pages} (ARBOX_OCR_MAX_PAGES)"
                )
            images = [_render(doc, number, limits) for number in range(count)]
        finally:
            pdfium.FPDF_CloseDocument(doc)
    yield from images


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


# --- normalising a page -----------------------------------------------------------------------


def prepare(page: Image.Image) -> Image.Image:
    """``page`` ready for recognition: greyscale, contrast stretched, and scaled down when
    larger than :data:`WORK_LONG_SIDE`."""
    grey = page if page.mode == "L" else page.convert("L")
    long_side = max(grey.size)
    if long_side > WORK_LONG_SIDE:
        factor = WORK_LONG_SIDE / long_side
        size = (max(int(grey.width * factor), 1), max(int(grey.height * factor), 1))
        grey = grey.resize(size, Image.Resampling.LANCZOS)
    smooth = grey.filter(ImageFilter.MedianFilter(3))
    if ImageStat.Stat(ImageChops.difference(grey, smooth)).mean[0] > _NOISE_LEVEL:
        grey = smooth  # speckled: Tesseract took minutes on such a page, a second without
    return ImageOps.autocontrast(grey, cutoff=1)


def straighten(page: Image.Image) -> tuple[Image.Image, float]:
    """``page`` turned by its skew (:func:`skew_angle`), and the angle."""
    angle = skew_angle(page)
    if not angle:
        return page, 0.0
    turned = page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    return turned, angle


def without_rules(page: Image.Image) -> Image.Image:
    """``page`` with its ruling lines painted white: rows that are mostly ink across the
    text's width (a table's horizontal rules), then, in each band between two of them,
    columns that are ink nearly all the way down the band (its vertical rules). Tesseract
    reads a ruled table's borders as letters ("|", "l", "j", "_") glued to the cells; the
    layout reader needs no rules (it finds columns by the words' positions)."""
    ink = page.point(lambda v: 255 if v < _RULE_INK_LEVEL else 0)
    box = ink.getbbox()
    if box is None:
        return page
    left, _, right, _ = box
    text = ink.crop((left, 0, right, ink.height))
    rows = _means(text.resize((1, text.height), Image.Resampling.BOX))
    ruled = [y for y, share in enumerate(rows) if share > _RULE_SHARE]
    if not ruled or len(ruled) > _MAX_RULED_SHARE * len(rows):
        return page  # none, or a dark background (a desk around a photographed page)
    clean = page.copy()
    draw = ImageDraw.Draw(clean)
    for y in ruled:
        draw.line([(0, y - 1), (clean.width, y - 1)], fill=255, width=3)
    for top, bottom in _bands(ruled):
        band = text.crop((0, top, text.width, bottom))
        columns = _means(band.resize((band.width, 1), Image.Resampling.BOX))
        for x, share in enumerate(columns):
            if share > _VERTICAL_RULE_SHARE:
                draw.line([(left + x - 1, top - 2), (left + x - 1, bottom + 2)], fill=255, width=3)
    return clean


def _bands(ruled: list[int]) -> list[tuple[int, int]]:
    """The bands between consecutive runs of ruled rows (a table's rows of cells)."""
    runs: list[tuple[int, int]] = []
    for y in ruled:
        if runs and y - runs[-1][1] <= 2:
            runs[-1] = (runs[-1][0], y)
        else:
            runs.append((y, y))
    return [
        (upper[1] + 1, lower[0])
        for upper, lower in pairwise(runs)
        if lower[0] - upper[1] > _MIN_BAND_HEIGHT
    ]


def _means(strip: Image.Image) -> list[float]:
    """The ink share (0-1) of each pixel of a one-pixel-wide or -high ``strip``."""
    return [v / 255 for v in strip.tobytes()]


def skew_angle(page: Image.Image) -> float:
    """The angle (degrees, counter-clockwise, within ±:data:`MAX_SKEW`) that makes the text
    lines of ``page`` horizontal: the angle at which the rows' ink varies most (straight
    lines give dark rows between white gaps; skewed ones smear). A coarse search in
    half-degree steps, then a fine one in tenths around the best; 0.0 when no angle
    beats the page as it is."""
    small = _ink(page)
    best = _profile_score(small, 0.0)
    angle = 0.0
    steps = int(MAX_SKEW / _COARSE_STEP)
    for step in range(-steps, steps + 1):
        candidate = step * _COARSE_STEP
        score = _profile_score(small, candidate)
        if score > best * 1.02:  # a real gain, not noise
            best, angle = score, candidate
    if angle == 0.0:
        return 0.0
    centre = angle
    for step in range(-4, 5):
        candidate = round(centre + step * _FINE_STEP, 2)
        score = _profile_score(small, candidate)
        if score > best:
            best, angle = score, candidate
    return angle


def _ink(page: Image.Image) -> Image.Image:
    """A small black-on-white image of ``page`` as ink (255) on paper (0)."""
    factor = min(1.0, _SKEW_WIDTH / max(page.width, 1))
    size = (max(int(page.width * factor), 1), max(int(page.height * factor), 1))
    small = page.resize(size, Image.Resampling.BOX)
    threshold = ImageStat.Stat(small).mean[0] * 0.8
    return small.point(lambda v: 255 if v < threshold else 0)


def _profile_score(ink: Image.Image, angle: float) -> float:
    """The variance of the rows' ink of ``ink`` turned by ``angle``."""
    turned = ink.rotate(angle, resample=Image.Resampling.NEAREST, expand=False, fillcolor=0)
    rows = turned.resize((1, turned.height), Image.Resampling.BOX)
    return float(ImageStat.Stat(rows).var[0])
