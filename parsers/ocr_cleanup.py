"""A photographed or noisy page cleaned for the recogniser, with OpenCV. Pure: no IO.

Three repairs, each only when a cheap measure of the page says it needs it, so that a clean
scan keeps its plain path (and its CPU time):

- **Speckle** (scanner or sensor noise): a page whose pixels differ from their 3x3 median by
  more than :data:`NOISE_LEVEL` grey levels on average is median-filtered (3x3), smoothed
  (Gaussian, sigma 1 pixel), and what is left of the noise in the paper painted white
  (pixels lighter than the page's median less three robust standard deviations); such a
  page is not contrast-stretched after (with little ink on it, the stretch made the
  leftover noise black again: 185 s and no lines for one advice). Tesseract's own
  binarisation splits a noisy page into thousands of specks: minutes of CPU and words of
  noise, even after the median filter alone (290 s for one advice with Gaussian noise of
  sigma 40, 1.0 s once smoothed too).
  Binarising the smoothed page ourselves (Otsu, or a bilateral filter and Otsu) lost the
  decimal marks of small amounts ("4,991.20" read "499120"): Tesseract gets the grey page.
- **A page on a desk** (a phone photo): the paper's outline is looked for on a small copy
  (edges, the largest contour, a polygon of four corners); when there is a clear one (four
  corners inside the picture, a convex quadrilateral of at least a quarter of it, paper
  clearly lighter than what is around it) the page is warped to a rectangle. A flat scan,
  whose paper fills the picture, and a page whose corners are out of the picture are not
  warped.
- **Uneven light** (a shadow, a lamp at one side): the paper's brightness is estimated on a
  small copy (a grey closing removes the text, a wide median the rest) and, when at least
  :data:`SHADED_SHARE` of the page is shaded (paper 15 % to 65 % darker than the lightest),
  the page is divided by it: paper comes out white everywhere, ink dark. Nothing is
  divided by less than 35 % of the lightest paper, so a printed dark block (a black
  header band with white text, a logo) stays dark and its text readable; a desk around
  the page comes out light grey.

Why OpenCV (``opencv-python-headless``) and not hand-written Pillow code: contours, polygon
approximation, perspective warps and morphology are each a call of the field's library, in
C++, on a page of 9 megapixels in tens of milliseconds;
Pillow has none of them but a quad transform (it cannot find the quad). scikit-image has
them too, but in float images (four times the memory of a grey page, against the parse
child's address-space limit) and slower. OpenCV runs on one thread here
(``cv2.setNumThreads``): the parse child's CPU and memory limits bound it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image

cv2.setNumThreads(1)

#: A greyscale page (8 bits); OpenCV's stubs type its results as any number array.
Grey = npt.NDArray[Any]

#: A page whose pixels differ from their 3x3 median by more than this on average (grey
#: levels) is speckled. The rendered corpus advices (``bench/ocr.py``) measure 0.1-1.0 clean,
#: at 150 dpi, as JPEG q40, as a fax or a phone photo, and 14.8 with Gaussian noise of
#: sigma 40.
NOISE_LEVEL = 6.0
#: A page is unevenly lit when at least this share of it is shaded paper: 15 % to 65 %
#: darker than its lightest paper (the 98th percentile). Darker is ink, a printed block or
#: a desk, never divided by less than :data:`_DARKEST_LIGHT` of the lightest paper. A
#: clean scan has none; one with a black band across its top (4-15 % of the page) under
#: 1 %; the corpus advices photographed 37-62 % (bench/ocr_scans.py).
SHADED_SHARE = 0.05
_SHADE = 0.85
_DARKEST_LIGHT = 0.35
#: The long side (pixels) of the copies the outline and the light are measured on.
_OUTLINE_SIDE = 800
_LIGHT_SIDE = 500
#: The paper must cover at least this share of the picture, its corners lie at least this
#: share of the picture's side inside it, and it must be this much lighter (grey levels)
#: than what is around it.
_MIN_PAGE_SHARE = 0.25
_MIN_CORNER_MARGIN = 0.01
_MIN_PAPER_CONTRAST = 40.0
#: The paper's edges found by Canny are thickened by this before contours are looked for.
_SQUARE = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))


@dataclass(frozen=True, slots=True)
class Cleaning:
    """The cleaned page and the repairs made (``"denoised"``, ``"flattened"``, ``"lit"``)."""

    page: Image.Image
    repairs: tuple[str, ...]


def cleaned(page: Image.Image) -> Cleaning:
    """``page`` (greyscale) with the repairs it needs (see the module's doc)."""
    grey: Grey = np.asarray(page.convert("L") if page.mode != "L" else page, dtype=np.uint8)
    repairs: list[str] = []
    if noise_level(grey) > NOISE_LEVEL:
        grey = _paper_whitened(cv2.GaussianBlur(cv2.medianBlur(grey, 3), (0, 0), 1.0))
        repairs.append("denoised")
    corners = page_outline(grey)
    if corners is not None:
        grey = flattened(grey, corners)
        repairs.append("flattened")
    light = uneven_light(grey)
    if light is not None:
        grey = cv2.divide(grey, light, scale=255)
        repairs.append("lit")
    if not repairs:
        return Cleaning(page=page, repairs=())
    return Cleaning(page=Image.fromarray(grey), repairs=tuple(repairs))


def noise_level(grey: Grey) -> float:
    """How far the pixels of ``grey`` are from their 3x3 median, on average (grey levels)."""
    return float(cv2.absdiff(grey, cv2.medianBlur(grey, 3)).mean())


def _paper_whitened(grey: Grey) -> Grey:
    """``grey`` with the pixels lighter than the paper's level less three robust standard
    deviations (the median absolute deviation, scaled) set to white."""
    level = float(np.median(grey))
    spread = 1.4826 * float(np.median(cv2.absdiff(grey, np.full_like(grey, round(level)))))
    white = grey.copy()
    white[grey > level - 3.0 * spread] = 255
    return white


def _small(grey: Grey, side: int) -> tuple[Grey, float]:
    """``grey`` scaled down to ``side`` pixels on its longer side, and the factor."""
    height, width = grey.shape
    factor = min(1.0, side / max(height, width))
    if factor >= 1.0:
        return grey, 1.0
    size = (max(int(width * factor), 1), max(int(height * factor), 1))
    return cv2.resize(grey, size, interpolation=cv2.INTER_AREA), factor


def uneven_light(grey: Grey) -> Grey | None:
    """The paper's brightness under ``grey`` (full size) when the page is unevenly lit
    (:data:`SHADED_SHARE`), else None. A closing of the small copy fills the text (strokes
    and letters narrower than its kernel) with the paper around it; a wide median then
    removes what is left of dark blocks smaller than a twelfth of the page (a logo, a
    table's shaded header), which must not be taken for shadow."""
    small, _ = _small(grey, _LIGHT_SIDE)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9))
    paper = cv2.medianBlur(cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel), 41)
    lightest = float(np.percentile(paper, 98))
    darkest = max(_DARKEST_LIGHT * lightest, 1.0)
    if shaded_share(paper, lightest) < SHADED_SHARE:
        return None
    paper = np.maximum(paper, round(darkest)).astype(np.uint8)
    height, width = grey.shape
    light: Grey = cv2.resize(paper, (width, height), interpolation=cv2.INTER_LINEAR)
    return light


def shaded_share(paper: Grey, lightest: float) -> float:
    """The share of ``paper`` (a brightness map) that is shaded paper (:data:`SHADED_SHARE`)."""
    shaded = (paper >= _DARKEST_LIGHT * lightest) & (paper < _SHADE * lightest)
    return float(shaded.mean())


def page_outline(grey: Grey) -> npt.NDArray[np.float32] | None:
    """The four corners (top left, top right, bottom right, bottom left; full-size pixels)
    of a sheet of paper photographed on a darker background, or None when there is no
    clear one (see the module's doc)."""
    small, factor = _small(grey, _OUTLINE_SIDE)
    height, width = small.shape
    edges = cv2.dilate(cv2.Canny(cv2.GaussianBlur(small, (5, 5), 0), 30, 90), _SQUARE)
    contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    largest = max(contours, key=cv2.contourArea)
    polygon = cv2.approxPolyDP(largest, 0.02 * cv2.arcLength(largest, True), True)
    if len(polygon) != 4 or not cv2.isContourConvex(polygon):
        return None
    if cv2.contourArea(polygon) < _MIN_PAGE_SHARE * width * height:
        return None
    corners = _ordered(polygon.reshape(4, 2).astype(np.float32))
    margin = _MIN_CORNER_MARGIN * max(width, height)
    inside = (
        (corners[:, 0] >= margin)
        & (corners[:, 0] <= width - 1 - margin)
        & (corners[:, 1] >= margin)
        & (corners[:, 1] <= height - 1 - margin)
    )
    if not bool(inside.all()) or not _paper_on_background(small, corners):
        return None
    scaled: npt.NDArray[np.float32] = corners / np.float32(factor)
    return scaled


def _ordered(corners: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """``corners`` as top left, top right, bottom right, bottom left."""
    total = corners.sum(axis=1)
    diff = corners[:, 1] - corners[:, 0]
    return np.array(
        [
            corners[np.argmin(total)],
            corners[np.argmin(diff)],
            corners[np.argmax(total)],
            corners[np.argmax(diff)],
        ],
        dtype=np.float32,
    )


def _paper_on_background(small: Grey, corners: npt.NDArray[np.float32]) -> bool:
    """Whether the quadrilateral ``corners`` is clearly lighter than what is around it (a
    ruled box on white paper is not a sheet on a desk)."""
    mask = np.zeros(small.shape, dtype=np.uint8)
    cv2.fillConvexPoly(mask, corners.round().astype(np.int32), 255)
    outside = small[mask == 0]
    if outside.size < 0.02 * small.size:
        return False
    paper = float(np.median(small[mask > 0]))
    return paper - float(np.median(outside)) >= _MIN_PAPER_CONTRAST


def flattened(grey: Grey, corners: npt.NDArray[np.float32]) -> Grey:
    """The quadrilateral ``corners`` of ``grey`` warped to an upright rectangle as wide and
    tall as its longer opposite sides."""
    top_left, top_right, bottom_right, bottom_left = corners
    width = max(np.linalg.norm(top_right - top_left), np.linalg.norm(bottom_right - bottom_left))
    height = max(np.linalg.norm(bottom_left - top_left), np.linalg.norm(bottom_right - top_right))
    size = (max(int(width), 1), max(int(height), 1))
    target = np.array(
        [[0, 0], [size[0] - 1, 0], [size[0] - 1, size[1] - 1], [0, size[1] - 1]],
        dtype=np.float32,
    )
    matrix = cv2.getPerspectiveTransform(corners, target)
    warped: Grey = cv2.warpPerspective(
        grey, matrix, size, flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    return warped
