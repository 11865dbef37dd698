"""parsers.pdf_streams: a PDF goes to PDFium only when its streams inflate to a bounded size.

PDFium aborts the process on a failed allocation, so a decompression bomb must never reach it;
these tests hold the measuring to the filters it claims to bound."""

from __future__ import annotations

import base64
import time
import zlib
from pathlib import Path

import pytest

from parsers.pdf_streams import INFLATE_BUDGET, PdfiumDeclinedError, check_expansion
from tests.hostile import bomb_pdf

REMITTANCES = Path(__file__).resolve().parents[3] / "fixtures" / "remittances"


def _pdf(*streams: tuple[bytes, bytes]) -> bytes:
    """A PDF-shaped byte string with one stream object per (dictionary entries, data)."""
    out = b"%PDF-1.7\n"
    for number, (entries, data) in enumerate(streams, start=1):
        out += b"%d 0 obj\n<< %s /Length %d >>\nstream\n" % (number, entries, len(data))
        out += data + b"\nendstream\nendobj\n"
    return out + b"%%EOF\n"


def test_the_bomb_of_the_hostile_tests_is_declined_quickly() -> None:
    bomb = bomb_pdf()
    started = time.process_time()
    with pytest.raises(PdfiumDeclinedError, match="past the budget"):
        check_expansion(bomb)
    assert time.process_time() - started < 2.0


def test_every_readable_golden_pdf_is_given_to_pdfium() -> None:
    for path in sorted(REMITTANCES.glob("*.pdf")):
        if "encrypted" in path.name:
            continue
        assert 0 < check_expansion(path.read_bytes()) <= INFLATE_BUDGET, path.name


def test_a_small_stream_counts_at_the_deflate_ratio_without_being_inflated() -> None:
    # Garbage that is no zlib data: it would inflate to nothing if it were inflated
    data = _pdf((b"/Filter /FlateDecode", b"x" * 100))
    # (the stream runs to "endstream": its 100 bytes and the end of line)
    assert check_expansion(data) == 101 * 1100 + 1024


def test_a_stream_that_may_pass_the_budget_is_inflated_and_measured() -> None:
    packed = zlib.compress(b"\0" * 50_000)
    data = _pdf((b"/Filter [/FlateDecode]", packed))
    assert len(packed) * 1100 > 60_000  # the deflate ratio cannot rule it out
    assert check_expansion(data, budget=60_000) == 50_000
    with pytest.raises(PdfiumDeclinedError):
        check_expansion(data, budget=40_000)


def test_ascii85_before_flate_is_decoded_then_inflated() -> None:
    # reportlab writes its content streams so
    packed = base64.a85encode(zlib.compress(b"BT /F1 9 Tf (x) Tj ET " * 2000)) + b"~>"
    data = _pdf((b"/Filter [ /ASCII85Decode /FlateDecode ]", packed))
    assert check_expansion(data, budget=50_000) == 22 * 2000


def test_twice_deflated_data_is_inflated_twice() -> None:
    twice = zlib.compress(zlib.compress(b"\0" * 300_000))
    data = _pdf((b"/Filter [/FlateDecode /FlateDecode]", twice))
    assert check_expansion(data, budget=1_000_000) == 300_000


def test_image_streams_are_not_counted() -> None:
    packed = zlib.compress(b"\0" * 2_000_000)
    data = _pdf((b"/Subtype /Image /Filter /FlateDecode", packed))
    assert check_expansion(data, budget=1000) == 0


@pytest.mark.parametrize(
    ("entries", "reason"),
    [
        (b"/Filter /LZWDecode", "LZWDecode"),
        (b"/Filter /RunLengthDecode", "RunLengthDecode"),
        (b"/Filter /Fl#61teDecode", "Fl#61teDecode"),
        (b"/Filter 7 0 R", "by reference"),
    ],
)
def test_filters_whose_output_cannot_be_bounded_here_are_declined(
    entries: bytes, reason: str
) -> None:
    with pytest.raises(PdfiumDeclinedError, match=reason):
        check_expansion(_pdf((entries, b"data")))


def test_an_encrypted_pdf_is_declined() -> None:
    data = (REMITTANCES / "elmwood_encrypted.pdf").read_bytes()
    with pytest.raises(PdfiumDeclinedError, match="encrypted"):
        check_expansion(data)


def test_a_memory_error_while_inflating_stays_a_memory_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given zlib failing to allocate (the parse child's address-space limit)
    def no_memory(*args: object) -> object:
        raise MemoryError

    monkeypatch.setattr("parsers.pdf_streams.zlib.decompressobj", no_memory)
    data = _pdf((b"/Filter /FlateDecode", zlib.compress(b"\0" * 10)))
    with pytest.raises(MemoryError):
        check_expansion(data, budget=10)
