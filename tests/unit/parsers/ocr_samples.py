"""Scans for the OCR tests, made in the test from the fixture advices (nothing committed):
rendered with PDFium at a given resolution, saved as PNG, JPEG, TIFF, HEIC or an image-only
PDF. Tesseract and its data are required: the tests skip without them, and fail when ``CI``
is set (``tests.conftest.require``)."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pillow_heif
from PIL import Image

from parsers.ocr_engine import DEFAULT_TESSDATA
from parsers.ocr_images import ScanLimits, pdf_pages
from tests.conftest import require

pillow_heif.register_heif_opener()

REMITTANCES = Path(__file__).resolve().parents[3] / "fixtures" / "remittances"
#: The cobalt ruled-table advice: what its truth file says.
COBALT_LINES = [
    ("INV-10011", Decimal("1890.00")),
    ("INV-10012", Decimal("2450.75")),
    ("INV-10013", Decimal("675.00")),
]
COBALT_TOTAL = Decimal("5015.75")


def require_tesseract() -> None:
    """Skip (fail in CI) unless tesserocr and the eng and osd data are there."""
    try:
        import tesserocr  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the machine
        require(False, "tesserocr is not installed")
    for name in ("eng", "osd"):
        path = Path(DEFAULT_TESSDATA) / f"{name}.traineddata"
        require(path.exists(), f"Tesseract data {path} is not installed (tesseract-ocr-{name})")


def page_of(name: str = "cobalt_ruled_table", *, dpi: int = 300) -> Image.Image:
    """The first page of ``fixtures/remittances/<name>.pdf``, greyscale, at ``dpi``."""
    data = (REMITTANCES / f"{name}.pdf").read_bytes()
    return next(pdf_pages(data, ScanLimits(dpi=dpi)))


def encoded(pages: list[Image.Image], fmt: str, **options: object) -> bytes:
    """``pages`` saved as ``fmt`` (PNG, JPEG, TIFF, HEIF, PDF)."""
    out = io.BytesIO()
    first, *rest = pages
    if fmt in {"JPEG", "HEIF"}:
        first = first.convert("RGB")
    if rest:
        first.save(out, format=fmt, save_all=True, append_images=rest, **options)
    else:
        first.save(out, format=fmt, **options)
    return out.getvalue()


def refs_and_amounts(remittance: object) -> list[tuple[str | None, Decimal | None]]:
    lines = getattr(remittance, "lines", ())
    return [(line.invoice_ref, line.amount) for line in lines]
