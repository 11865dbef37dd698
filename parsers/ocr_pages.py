"""A scan's page made readable for the recogniser (:mod:`parsers.ocr_engine`). Pure: no IO.

:func:`prepare`: greyscale, a large photo scaled down, cleaned (:mod:`parsers.ocr_cleanup`:
noise, perspective, uneven light), contrast stretched; :func:`straighten`: skew of up to ±5
degrees removed by a projection-profile search with Pillow (measured in ``bench/ocr.py``);
:func:`without_rules`: a ruled table's lines painted out.
"""

from __future__ import annotations

from itertools import pairwise

from PIL import Image, ImageDraw, ImageOps, ImageStat

from parsers.ocr_cleanup import cleaned

#: A page larger than this (pixels on its longer side) is scaled down before recognition:
#: an A4 page at 300 dpi is 3,508 pixels long; a 48-megapixel phone photo is 8,000.
WORK_LONG_SIDE = 3600
#: Grey level below which a pixel is ink for the contrast stretch.
_INK_LEVEL = 128
#: Skew angles searched, in degrees either way, and the steps of the coarse and fine search.
MAX_SKEW = 5.0
_COARSE_STEP = 0.5
_FINE_STEP = 0.1
#: Grey level below which a pixel is ink, the share of ink that makes a row or a column a
#: ruling line, and the height a band of rules needs before its vertical rules are looked for.
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


def prepare(page: Image.Image) -> Image.Image:
    """``page`` ready for recognition: greyscale, scaled down when larger than
    :data:`WORK_LONG_SIDE`, cleaned (:func:`parsers.ocr_cleanup.cleaned`: a speckled page
    denoised, a photographed sheet flattened, uneven light evened out) and contrast
    stretched."""
    grey = page if page.mode == "L" else page.convert("L")
    long_side = max(grey.size)
    if long_side > WORK_LONG_SIDE:
        factor = WORK_LONG_SIDE / long_side
        size = (max(int(grey.width * factor), 1), max(int(grey.height * factor), 1))
        grey = grey.resize(size, Image.Resampling.LANCZOS)
    cleaning = cleaned(grey)  # denoised, flattened, evenly lit: when it needs to be
    if "denoised" in cleaning.repairs:
        return cleaning.page  # its paper is white already; a stretch would darken its noise
    return stretched(cleaning.page)


def stretched(page: Image.Image) -> Image.Image:
    """``page``'s contrast stretched: its darkest and lightest 1 % of pixels (ink and paper)
    made black and white. On a page with less ink than that (a short advice, a stub) the
    darkest 1 % are paper: its specks or a JPEG's ringing around the letters would turn
    black and Tesseract's layout analysis took the text for pictures (2 lines of an
    advice read at JPEG quality 40); there the darkest pixel is the black end."""
    histogram = page.histogram()
    if sum(histogram[:_INK_LEVEL]) >= 0.01 * page.width * page.height:
        return ImageOps.autocontrast(page, cutoff=1)
    return ImageOps.autocontrast(page, cutoff=(0, 1))


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
