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
