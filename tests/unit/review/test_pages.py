"""PDF pages as PNG images: bounded, cached by content hash, and a reason instead of an error
for encrypted or broken files."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from review.pages import PageLimits, render_pdf
from tests.conftest import CORPORA, REPO, require

FIXTURES = REPO / "fixtures" / "remittances"
HOSTILE = CORPORA / "qpdf-hostile-pdfs"
PASSWORD = (
    CORPORA
    / "py-pdf-sample-files"
    / "005-libreoffice-writer-password__libreoffice-writer-password.pdf"
)


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pages")


def test_every_page_of_a_multipage_pdf_becomes_a_png_within_the_pixel_bound(cache):
    data = (FIXTURES / "elmwood_multipage.pdf").read_bytes()
    limits = PageLimits(max_pixels=300_000)
    done = render_pdf(data, cache_dir=cache, limits=limits)
    assert done.reason is None
    assert (done.total, len(done.pages)) == (3, 3)
    for page in done.pages:
        width, height = png_size(page)
        assert width * height <= 300_000
        assert width > 100


def test_the_second_view_reads_the_cache_and_renders_nothing(cache):
    data = (FIXTURES / "elmwood_multipage.pdf").read_bytes()
    first = render_pdf(data, cache_dir=cache)
    stamps = [p.stat().st_mtime_ns for p in first.pages]
    second = render_pdf(data, cache_dir=cache)
    assert second == first
    assert [p.stat().st_mtime_ns for p in second.pages] == stamps


def test_pages_past_the_limit_are_not_rendered_but_counted(tmp_path):
    data = (FIXTURES / "elmwood_multipage.pdf").read_bytes()
    done = render_pdf(data, cache_dir=tmp_path, limits=PageLimits(max_pages=1))
    assert (done.total, len(done.pages)) == (3, 1)


def test_an_encrypted_pdf_gives_the_reason_not_an_error(cache):
    done = render_pdf((FIXTURES / "elmwood_encrypted.pdf").read_bytes(), cache_dir=cache)
    assert done.pages == ()
    assert done.reason == "it is encrypted (a password is needed)"


def test_a_password_protected_pdf_from_libreoffice_gives_the_reason(cache):
    require(PASSWORD.is_file(), f"corpus file {PASSWORD} not found")
    done = render_pdf(PASSWORD.read_bytes(), cache_dir=cache)
    assert done.reason == "it is encrypted (a password is needed)"


def test_hostile_pdfs_give_a_reason_or_pages_and_never_raise(cache):
    require(HOSTILE.is_dir(), f"corpus {HOSTILE} not found")
    files = sorted(HOSTILE.glob("*.fuzz"))[:1] + sorted(HOSTILE.glob("issue-*.pdf"))[:1]
    assert files
    for path in files:
        done = render_pdf(path.read_bytes(), cache_dir=cache)
        assert (done.reason is None) == bool(done.pages), path.name


def test_a_render_past_its_time_gives_a_reason_and_is_not_cached(tmp_path):
    data = (FIXTURES / "elmwood_multipage.pdf").read_bytes()
    slow = render_pdf(data, cache_dir=tmp_path, limits=PageLimits(timeout_seconds=0.01))
    assert slow.reason == "took longer than 0.01 s"
    assert render_pdf(data, cache_dir=tmp_path).reason is None


def _image(fmt: str, size: tuple[int, int] = (1200, 1600), frames: int = 1) -> bytes:
    import io

    from PIL import Image, ImageDraw

    pages = []
    for n in range(frames):
        page = Image.new("L", size, 255)
        ImageDraw.Draw(page).text((40, 40 + 20 * n), f"INV-{n + 1}  1,234.50", fill=0)
        pages.append(page)
    out = io.BytesIO()
    pages[0].save(out, format=fmt, save_all=frames > 1, append_images=pages[1:])
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_a_scan_attached_as_an_image_becomes_a_page_within_the_pixel_bound(tmp_path, fmt):
    done = render_pdf(
        _image(fmt), cache_dir=tmp_path, limits=PageLimits(max_pixels=300_000), image=True
    )
    assert done.reason is None
    assert (done.total, len(done.pages)) == (1, 1)
    width, height = png_size(done.pages[0])
    assert width * height <= 300_000
    assert abs(width / height - 1200 / 1600) < 0.01


def test_every_frame_of_a_tiff_is_a_page_up_to_the_limit(tmp_path):
    data = _image("TIFF", (400, 500), frames=3)
    done = render_pdf(data, cache_dir=tmp_path, limits=PageLimits(max_pages=2), image=True)
    assert (done.total, len(done.pages)) == (3, 2)


def test_a_heic_photo_is_shown(tmp_path):
    import io

    from PIL import Image
    from pillow_heif import register_heif_opener

    register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 200, 200)).save(out, format="HEIF")
    done = render_pdf(out.getvalue(), cache_dir=tmp_path, image=True)
    assert done.reason is None and len(done.pages) == 1


def test_a_decompression_bomb_is_refused_before_it_is_decoded(tmp_path):
    import zlib

    # A valid PNG header claiming 100,000 × 100,000 pixels of 1 bit, a few KB in all.
    width = height = 100_000

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    rows = zlib.compress(b"\x00" * (1 + width // 8) * 64)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
        + chunk(b"IDAT", rows)
        + chunk(b"IEND", b"")
    )
    assert len(data) < 20_000
    done = render_pdf(data, cache_dir=tmp_path, image=True)
    assert done.pages == ()
    assert done.reason is not None
    assert done.reason.startswith("the image claims more than 60,000,000 pixels (too many")


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, b"\xff\xd8\xff\xe0" + b"garbage" * 50, b"not an image"],
)
def test_a_broken_image_gives_a_reason_not_an_error(tmp_path, data):
    done = render_pdf(data, cache_dir=tmp_path, image=True)
    assert done.pages == ()
    assert done.reason is not None and done.reason.startswith("not a readable image")
