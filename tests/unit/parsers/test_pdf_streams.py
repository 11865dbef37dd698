"""parsers.pdf_streams: a PDF goes to PDFium only when what its streams come to is bounded.

PDFium aborts the process on a failed allocation, so neither a decompression bomb nor page
content that PDFium would blow up into objects may reach it; these tests hold the measuring to
the filters and the kinds of stream it claims to bound."""

from __future__ import annotations

import base64
import time
import zlib
from pathlib import Path

import pytest

from parsers.pdf_streams import (
    CONTENT_BUDGET,
    DATA_BUDGET,
    PdfiumDeclinedError,
    check_expansion,
)
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
        found = check_expansion(path.read_bytes())
        assert found.content > 0 and found.parsed <= CONTENT_BUDGET, path.name
        assert found.data <= DATA_BUDGET


def test_page_content_is_inflated_and_measured() -> None:
    content = b"BT /F1 9 Tf (INV-1001 1,250.00) Tj ET\n" * 1000
    found = check_expansion(_pdf((b"/Filter /FlateDecode", zlib.compress(content))))
    assert (found.content, found.calls, found.forms, found.data) == (len(content), 0, [], 0)


def test_page_content_past_its_budget_is_declined_however_small_it_packs() -> None:
    # 9 MB of path operators in 20 KB: PDFium makes an object of each (8 MB took 160 MB)
    spam = zlib.compress(b"0 0 m 1 1 l S\n" * 700_000, 9)
    assert len(spam) < 50_000
    with pytest.raises(PdfiumDeclinedError, match="past the budget"):
        check_expansion(_pdf((b"/Filter /FlateDecode", spam)))


def _nested_forms(levels: int, fan: int) -> bytes:
    """Page content drawing a form ``fan`` times, each form drawing the next ``fan`` times,
    ``levels`` deep, the last drawing ``fan`` lines: a 2.5 KB PDF of 20 x 5 made PDFium end
    its process under a 1 GiB address-space limit (measured)."""
    calls = b"q /X Do Q\n" * fan
    forms = [(b"/Type /XObject /Subtype /Form /BBox [0 0 9 9]", calls) for _ in range(levels)]
    forms[-1] = (forms[-1][0], b"0 0 m 1 1 l S\n" * fan)
    return _pdf((b"", calls), *forms)


def test_forms_drawing_forms_are_declined_when_they_may_multiply_past_the_budget() -> None:
    with pytest.raises(PdfiumDeclinedError, match="page content may expand"):
        check_expansion(_nested_forms(levels=5, fan=20))
    # A few forms drawn a few times are what real documents have
    found = check_expansion(_nested_forms(levels=2, fan=3))
    assert found.calls == 3 and [calls for _, calls in found.forms] == [3, 0]
    assert found.parsed < 10_000


def test_a_data_stream_counts_at_the_deflate_ratio_without_being_inflated() -> None:
    # A font program of garbage that is no zlib data: inflated, it would come to nothing
    data = _pdf((b"/Length1 100 /Filter /FlateDecode", b"x" * 100))
    # (the stream runs to "endstream": its 100 bytes and the end of line)
    assert check_expansion(data).data == (101 + 1024) * 1100


def test_a_data_stream_that_may_pass_its_budget_is_inflated_and_measured() -> None:
    packed = zlib.compress(b"\0" * 500_000)
    data = _pdf((b"/Length1 500000 /Filter [/FlateDecode]", packed))
    assert (len(packed) + 1024) * 1100 > 600_000  # the deflate ratio cannot rule it out
    assert check_expansion(data, data_budget=600_000).data == 500_000
    with pytest.raises(PdfiumDeclinedError):
        check_expansion(data, data_budget=400_000)


def test_ascii85_before_flate_is_decoded_then_inflated() -> None:
    # reportlab writes its content streams so
    content = b"BT /F1 9 Tf (x) Tj ET " * 2000
    packed = base64.a85encode(zlib.compress(content)) + b"~>"
    data = _pdf((b"/Filter [ /ASCII85Decode /FlateDecode ]", packed))
    assert check_expansion(data).content == len(content)


def test_twice_deflated_data_is_inflated_twice() -> None:
    twice = zlib.compress(zlib.compress(b"\0" * 300_000))
    data = _pdf((b"/Filter [/FlateDecode /FlateDecode]", twice))
    assert check_expansion(data).content == 300_000


def test_images_metadata_and_attached_files_are_not_counted() -> None:
    packed = zlib.compress(b"\0" * 2_000_000)
    data = _pdf(
        (b"/Subtype /Image /Filter /FlateDecode", packed),
        (b"/Type /Metadata /Subtype /XML /Filter /FlateDecode", packed),
        (b"/Type /EmbeddedFile /Subtype /text#2Fxml /Filter /FlateDecode", packed),
    )
    found = check_expansion(data, content_budget=1000, data_budget=1000)
    assert (found.content, found.data) == (0, 0)


@pytest.mark.parametrize(
    "entries",
    [
        b"",  # no filter named at all
        b"/Filter /Fl#61teDecode",  # a name with an escape, as PDFium reads it
        b"/Foo (/Subtype /Image) /Filter /FlateDecode",  # a string that looks like a key
        b"/Padding [" + b"0 " * 3000 + b"] /Filter /FlateDecode",  # the key out of sight
    ],
    ids=["unnamed", "escaped", "in a string", "far away"],
)
def test_a_deflated_bomb_is_found_however_its_dictionary_reads(entries: bytes) -> None:
    bomb = zlib.compress(b"\0" * 20_000_000, 9)
    with pytest.raises(PdfiumDeclinedError, match="past the budget"):
        check_expansion(_pdf((entries, bomb)))


@pytest.mark.parametrize(
    ("entries", "reason"),
    [
        (b"/Filter /LZWDecode", "LZWDecode"),
        (b"/Filter /RunLengthDecode", "RunLengthDecode"),
        (b"/Filter /Flat#65Decod", "FlateDecod"),
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
        check_expansion(data)


@pytest.mark.parametrize("size", [0, 1, 3, 4, 5, 8, 1001])
def test_ascii85_is_decoded_as_the_standard_library_decodes_it(size: int) -> None:
    from parsers.pdf_streams import _ascii85

    raw = (b"\0" * 12 + bytes(range(256)) * 4)[:size]  # four zero bytes are written "z"
    text = base64.a85encode(raw, wrapcol=60) + b"~>"
    assert _ascii85(text) == base64.a85decode(text[:-2]) == raw
    assert _ascii85(b"not ascii85 {}~>") == b""


FORM = b"/Type /XObject /Subtype /Form /BBox [0 0 9 9]"
DRAW_X_TWICE = b"q /X Do Q q /X Do Q"


def test_a_form_that_may_draw_itself_is_declined() -> None:
    # object 2 names itself as its form /X and draws it twice: PDFium spins on it
    itself = _pdf(
        (b"", b"q /X Do Q"), (FORM + b" /Resources << /XObject << /X 2 0 R >> >>", DRAW_X_TWICE)
    )
    with pytest.raises(PdfiumDeclinedError, match="draw itself"):
        check_expansion(itself)
    # through another form: 2 draws 3, 3 draws 2
    loop = _pdf(
        (b"", b"q /X Do Q"),
        (FORM + b" /Resources << /XObject << /X 3 0 R >> >>", DRAW_X_TWICE),
        (FORM + b" /Resources << /XObject << /X 2 0 R >> >>", DRAW_X_TWICE),
    )
    with pytest.raises(PdfiumDeclinedError, match="draw itself"):
        check_expansion(loop)
    # resources given by reference cannot be followed here
    hidden = _pdf((b"", b"q /X Do Q"), (FORM + b" /Resources 9 0 R", DRAW_X_TWICE))
    with pytest.raises(PdfiumDeclinedError, match="draw itself"):
        check_expansion(hidden)
    # a chain with no loop goes to PDFium
    chain = _pdf(
        (b"", b"q /X Do Q"),
        (FORM + b" /Resources << /XObject << /X 3 0 R >> >>", DRAW_X_TWICE),
        (FORM, b"0 0 m 1 1 l S"),
    )
    assert check_expansion(chain).drawing == {2: frozenset({3})}


def test_a_remittance_whose_form_draws_itself_is_read_by_pdfplumber_in_time() -> None:
    from parsers.remittance_pdf import parse_pdf_remittance

    content = (
        b"BT /F1 11 Tf 72 740 Td 16 TL (Invoice Amount paid) Tj T* "
        b"(INV-70017 1,119.25) Tj T* (INV-70018 1,126.25) Tj T* (Total 2,245.50) Tj ET\n"
        b"q /X0 Do Q"
    )
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >>"
        b" /XObject << /X0 6 0 R >> >> /Contents 4 0 R >>",
        None,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        None,
    ]
    out, offsets = b"%PDF-1.7\n", []
    for n, body in enumerate(objs, start=1):
        offsets.append(len(out))
        if n == 4:
            out += b"4 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (
                len(content),
                content,
            )
        elif n == 6:
            out += (
                b"6 0 obj\n<< /Length %d /Type /XObject /Subtype /Form /BBox [0 0 612 792]"
                b" /Resources << /XObject << /X 6 0 R >> >> >>\nstream\n%s\nendstream\nendobj\n"
                % (len(DRAW_X_TWICE), DRAW_X_TWICE)
            )
        else:
            out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 7\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size 7 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    started = time.process_time()
    remittance = parse_pdf_remittance(out, filename="remit.pdf")
    assert time.process_time() - started < 5.0
    assert remittance is not None
    assert [(line.invoice_ref, str(line.amount)) for line in remittance.lines] == [
        ("INV-70017", "1119.25"),
        ("INV-70018", "1126.25"),
    ]
