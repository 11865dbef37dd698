"""Scans at their worst, read by OCR: a sheet photographed on a desk at a slant in uneven
light (found, warped flat, its light evened out), a page under heavy Gaussian noise, a
sparse page saved as JPEG quality 40; a flat scan keeps its plain path. The images are made
here from the fixture advices with fixed seeds (nothing committed)."""

from __future__ import annotations

import json
from decimal import Decimal

import numpy as np
import pytest
from PIL import Image, ImageDraw

from bench.ocr_scans import on_desk
from core.refs import normalise_ref
from parsers.ocr_cleanup import cleaned, noise_level, page_outline
from parsers.ocr_images import ScanLimits, image_pages
from parsers.ocr_pages import stretched
from parsers.remittance_ocr import OcrOptions, read_scan
from tests.unit.parsers.ocr_samples import (
    COBALT_LINES,
    REMITTANCES,
    encoded,
    page_of,
    refs_and_amounts,
    require_tesseract,
)

OPTIONS = OcrOptions(timeout_seconds=120)


def truth(name: str, count: int | None = None) -> list[tuple[str, Decimal]]:
    lines = json.loads((REMITTANCES / f"{name}.expected.json").read_text())["lines"]
    return [(normalise_ref(ln["invoice_ref"]), Decimal(ln["amount"])) for ln in lines][:count]


def read_rate(remittance: object, want: list[tuple[str, Decimal]]) -> float:
    got = {(normalise_ref(ref or ""), amount) for ref, amount in refs_and_amounts(remittance)}
    return sum(line in got for line in want) / len(want)


def decoded(data: bytes) -> Image.Image:
    return next(image_pages(data, ScanLimits()))


@pytest.fixture(scope="module")
def cobalt() -> Image.Image:
    return page_of("cobalt_ruled_table")


# --- without Tesseract ---------------------------------------------------------------------


def test_the_sheet_on_a_desk_is_found_within_one_percent(cobalt):
    data, corners = on_desk(cobalt, seed=7)
    page = np.asarray(decoded(data))
    found = page_outline(page)
    assert found is not None
    assert np.abs(found - corners).max() < 0.01 * max(page.shape)
    repairs = cleaned(Image.fromarray(page)).repairs
    assert repairs == ("flattened", "lit")


def test_a_flat_scan_is_not_repaired_and_keeps_its_pixels(cobalt):
    # a ruled table's frame is a quadrilateral too, but on white paper, not on a desk
    for scan in (cobalt, cobalt.rotate(3.0, expand=True, fillcolor=255)):
        assert page_outline(np.asarray(scan)) is None
        cleaning = cleaned(scan)
        assert cleaning.repairs == () and cleaning.page is scan


@pytest.mark.parametrize("height", [150, 500])
def test_a_black_band_printed_across_a_scan_is_no_shadow(cobalt, height):
    # dividing by it would make the band, and the white text on it, one white
    page = cobalt.copy()
    ImageDraw.Draw(page).rectangle((0, 0, page.width, height), fill=20)
    assert cleaned(page).repairs == ()
    shaded = cobalt.copy()
    ImageDraw.Draw(shaded).rectangle((0, 0, page.width, 2 * height), fill=150)
    assert cleaned(shaded).repairs == ("lit",)


def test_a_sheet_whose_corner_is_out_of_the_picture_is_not_warped(cobalt):
    data, _ = on_desk(cobalt, seed=7)
    page = decoded(data)
    cropped = page.crop((0, int(page.height * 0.15), page.width, page.height))  # top corners
    assert page_outline(np.asarray(cropped)) is None
    assert "flattened" not in cleaned(cropped).repairs
    assert "lit" in cleaned(cropped).repairs


def test_noise_is_measured_and_filtered(cobalt):
    rng = np.random.default_rng(40)
    noisy = (np.asarray(cobalt) + rng.normal(0, 40, (cobalt.height, cobalt.width))).clip(0, 255)
    page = Image.fromarray(noisy.astype(np.uint8))
    assert noise_level(np.asarray(cobalt)) < 1.0 < 6.0 < noise_level(np.asarray(page))
    cleaning = cleaned(page)
    assert cleaning.repairs == ("denoised",)
    assert noise_level(np.asarray(cleaning.page)) < 2.0


@pytest.mark.parametrize("name", ["borealis_check_stub", "dunmore_unruled_courier"])
def test_the_contrast_stretch_of_a_sparse_jpeg_keeps_its_paper_white(name):
    # Less than 1 % of these pages is ink: a 1 % cut-off would have made the JPEG's ringing
    # around the letters black.
    page = page_of(name, dpi=200)
    ink = (np.asarray(page) < 128).mean()
    assert ink < 0.01
    jpeg = decoded(encoded([page], "JPEG", quality=40))
    after = (np.asarray(stretched(jpeg)) < 128).mean()
    assert after < 1.5 * ink


# --- with Tesseract ------------------------------------------------------------------------


def test_a_sheet_photographed_on_a_desk_at_a_slant_is_read(cobalt):
    require_tesseract()
    data, _ = on_desk(cobalt, seed=7)
    remittance = read_scan(data, kind="jpeg", options=OPTIONS)
    assert read_rate(remittance, [(normalise_ref(r), a) for r, a in COBALT_LINES]) == 1.0


def test_a_page_under_heavy_gaussian_noise_is_read_in_seconds():
    require_tesseract()
    page = page_of("elmwood_multipage")
    rng = np.random.default_rng(23)
    noisy = (np.asarray(page) + rng.normal(0, 40, (page.height, page.width))).clip(0, 255)
    data = encoded([Image.fromarray(noisy.astype(np.uint8))], "PNG")
    # 20 s of wall time: unfiltered, such a page took Tesseract minutes
    remittance = read_scan(data, kind="png", options=OcrOptions(timeout_seconds=20))
    assert read_rate(remittance, truth("elmwood_multipage", 15)) >= 0.85


@pytest.mark.parametrize("name", ["borealis_check_stub", "dunmore_unruled_courier"])
def test_a_sparse_page_as_jpeg_quality_40_is_read(name):
    require_tesseract()
    data = encoded([page_of(name, dpi=200)], "JPEG", quality=40)
    remittance = read_scan(data, kind="jpeg", options=OPTIONS)
    assert read_rate(remittance, truth(name)) >= 0.85
