"""Scans made from the fixture advices, degraded as real ones are: the OCR test set of
``bench/ocr.py`` (and of the OCR tests). Generated at run time, deterministically (fixed
seeds; Pillow's noise generator is C ``rand()``, the same on every run of one build); no
image is committed.

Each degradation turns a PDF's pages, rendered at 300 dpi, into the bytes of an image file
(``kind`` as :func:`parsers.ocr_images.scan_kind` names it), as a scanner, a fax machine or a
phone would send it.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageChops, ImageFilter

from parsers.ocr_images import ScanLimits, pdf_pages

#: The resolution pages are rendered at before they are degraded.
RENDER_DPI = 300


@dataclass(frozen=True, slots=True)
class Degradation:
    """A name, the image kind it gives, and how it turns pages into a file."""

    name: str
    kind: str
    make: Callable[[Sequence[Image.Image]], bytes]


def rendered(pdf: bytes, *, dpi: int = RENDER_DPI) -> list[Image.Image]:
    """The pages of ``pdf`` as greyscale images at ``dpi``."""
    return list(pdf_pages(pdf, ScanLimits(max_pages=50, max_pixels=200_000_000, dpi=dpi)))


def _scaled(page: Image.Image, dpi: int) -> Image.Image:
    factor = dpi / RENDER_DPI
    size = (round(page.width * factor), round(page.height * factor))
    return page.resize(size, Image.Resampling.LANCZOS)


def _tiff(pages: Sequence[Image.Image], *, dpi: tuple[int, int], compression: str) -> bytes:
    out = io.BytesIO()
    first, *rest = pages
    first.save(
        out, format="TIFF", save_all=True, append_images=rest, dpi=dpi, compression=compression
    )
    return out.getvalue()


def _png(pages: Sequence[Image.Image], dpi: int) -> bytes:
    """One page as PNG; more as a multi-page TIFF (lossless both)."""
    if len(pages) > 1:
        return _tiff(pages, dpi=(dpi, dpi), compression="tiff_deflate")
    out = io.BytesIO()
    pages[0].save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue()


def _jpeg(page: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    page.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def at_dpi(dpi: int) -> Callable[[Sequence[Image.Image]], bytes]:
    return lambda pages: _png([_scaled(p, dpi) for p in pages], dpi)


def rotated(angle: float) -> Callable[[Sequence[Image.Image]], bytes]:
    def make(pages: Sequence[Image.Image]) -> bytes:
        turned = [
            p.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
            for p in pages
        ]
        return _png(turned, RENDER_DPI)

    return make


def noisy(sigma: float) -> Callable[[Sequence[Image.Image]], bytes]:
    """Gaussian noise of ``sigma`` grey levels, at 300 dpi."""

    def make(pages: Sequence[Image.Image]) -> bytes:
        out = []
        for page in pages:
            noise = Image.effect_noise(page.size, sigma)  # centred on 128
            out.append(ImageChops.add(page, noise, scale=1.0, offset=-128))
        return _png(out, RENDER_DPI)

    return make


def jpeg(quality: int, dpi: int = 200) -> Callable[[Sequence[Image.Image]], bytes]:
    """The first page as a JPEG of ``quality`` at ``dpi`` (a scanner's e-mail default)."""
    return lambda pages: _jpeg(_scaled(pages[0], dpi), quality)


def fax(pages: Sequence[Image.Image]) -> bytes:
    """A G3 fax in standard resolution: 200 x 100 dpi, 1 bit, a TIFF stating that."""
    out = []
    for page in pages:
        size = (round(page.width * 200 / RENDER_DPI), round(page.height * 100 / RENDER_DPI))
        small = page.resize(size, Image.Resampling.BOX)
        out.append(small.point(lambda v: 255 if v > 150 else 0).convert("1"))
    return _tiff(out, dpi=(200, 100), compression="group4")


def photo(pages: Sequence[Image.Image]) -> bytes:
    """A phone photo of the first page: taken at a slant (perspective), lit unevenly (dark
    towards one corner), a little soft, on a grey desk, JPEG quality 85. The top of the
    sheet is out of the picture (no whole outline: it is not flattened, only lit evenly);
    :func:`on_desk` is a photo of the whole sheet."""
    page = pages[0]
    rng = random.Random(23)
    w, h = page.size
    margin = int(0.06 * w)
    canvas = Image.new("L", (w + 2 * margin, h + 2 * margin), 90)
    canvas.paste(page, (margin, margin))
    cw, ch = canvas.size
    jitter = [rng.uniform(0.0, 0.05) for _ in range(4)]
    # Where each corner of the output looks in the canvas: a trapezium, wider at the bottom.
    quad = (
        jitter[0] * cw + 0.04 * cw,
        jitter[1] * ch,
        -jitter[2] * cw,
        ch,
        cw + jitter[3] * cw,
        ch,
        cw - 0.04 * cw - jitter[0] * cw,
        jitter[1] * ch,
    )
    slanted = canvas.transform(
        (cw, ch), Image.Transform.QUAD, quad, Image.Resampling.BICUBIC, fillcolor=90
    )
    light = Image.linear_gradient("L").rotate(35).resize((cw, ch))
    light = light.point(lambda v: 255 - int(v * 0.45))  # 100 % down to 55 % of the light
    lit = ImageChops.multiply(slanted, light)
    soft = lit.filter(ImageFilter.GaussianBlur(1.0))
    return _jpeg(soft, 85)


#: Where the corners of the sheet land in a desk photo (share of its width and height): top
#: left, top right, bottom right, bottom left; the far edge narrower, the sheet turned.
DESK_CORNERS = ((0.20, 0.08), (0.83, 0.12), (0.93, 0.93), (0.08, 0.88))


def on_desk(page: Image.Image, *, seed: int = 7) -> tuple[bytes, np.ndarray]:
    """A phone photo of ``page`` lying whole on a dark desk, seen at a slant (its corners at
    :data:`DESK_CORNERS`), lit from one side (down to 45 % of the light), slightly soft,
    with sensor noise, JPEG quality 85; and where the sheet's corners are (pixels)."""
    rng = np.random.default_rng(seed)
    width, height = int(page.width * 1.1), int(page.height * 1.05)
    corners = np.array([(x * width, y * height) for x, y in DESK_CORNERS], dtype=np.float32)
    source = np.array(
        [[0, 0], [page.width - 1, 0], [page.width - 1, page.height - 1], [0, page.height - 1]],
        dtype=np.float32,
    )
    matrix = cv2.getPerspectiveTransform(source, corners)
    desk = rng.normal(70, 6, (height, width)).clip(0, 255).astype(np.uint8)
    sheet = cv2.warpPerspective(np.asarray(page), matrix, (width, height), flags=cv2.INTER_AREA)
    inside = cv2.warpPerspective(
        np.full((page.height, page.width), 255, np.uint8), matrix, (width, height)
    )
    photo = np.where(inside > 128, sheet, desk).astype(np.float32)
    light = np.linspace(1.0, 0.45, width, dtype=np.float32)[None, :]
    photo = cv2.GaussianBlur(photo * light, (0, 0), 1.2) + rng.normal(0, 3, (height, width))
    return _jpeg(Image.fromarray(photo.clip(0, 255).astype(np.uint8)), 85), corners


DEGRADATIONS: tuple[Degradation, ...] = (
    Degradation("300 dpi clean", "png", at_dpi(300)),
    Degradation("200 dpi", "png", at_dpi(200)),
    Degradation("150 dpi", "png", at_dpi(150)),
    Degradation("rotated +3 deg", "png", rotated(3.0)),
    Degradation("rotated -3 deg", "png", rotated(-3.0)),
    Degradation("gaussian noise s=40", "png", noisy(40.0)),
    Degradation("JPEG q90 200 dpi", "jpeg", jpeg(90)),
    Degradation("JPEG q40 200 dpi", "jpeg", jpeg(40)),
    Degradation("fax 200x100 1-bit", "tiff", fax),
    Degradation("phone photo", "jpeg", photo),
    Degradation("photo, sheet on desk", "jpeg", lambda pages: on_desk(pages[0])[0]),
)
