"""The statement and invoice-copy PDF writer: what it writes is read back by pdfplumber and
pypdfium2 as it was drawn, widths are the glyphs' advances, the embedded subsets are the
fonts' own outlines, hostile text never breaks it, and the file is well formed."""

from __future__ import annotations

import pickle
import re
import time
from io import BytesIO
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from fontTools.ttLib import TTFont
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import FontNotFoundError
from outbound.font_files import DEJAVU, DEJAVU_BOLD, DROID, find_font, load_face, read_cmap
from outbound.font_subset import subset_font
from outbound.pdf_writer import PdfDocument, fit_text, text_width


def one_page(*texts: str, font: str = "regular") -> bytes:
    doc = PdfDocument(width=595, height=842, title="T (1)", author="Müller", creator="arbox")
    for n, text in enumerate(texts):
        doc.text(50, 800 - 20 * n, text, font=font, size=10)  # type: ignore[arg-type]
    doc.line(50, 500, 300, 500, width=0.6)
    return doc.finish()


def lines_of(data: bytes) -> list[str]:
    with pdfplumber.open(BytesIO(data)) as pdf:
        return [line for page in pdf.pages for line in (page.extract_text() or "").splitlines()]


def pdfium_lines(data: bytes) -> list[str]:
    pages = pdfium.PdfDocument(data)
    text = "\n".join(page.get_textpage().get_text_range() for page in pages)
    return [line for line in text.replace("\r", "").split("\n") if line]


def test_parentheses_backslashes_and_markup_come_back_as_written():
    texts = ["Acme (Holdings) \\ Ltd", "<script>alert(1)</script>", "Müller & Söhne – 1.250,00 €"]
    assert lines_of(one_page(*texts)) == texts
    assert pdfium_lines(one_page(*texts)) == texts


def test_letters_outside_windows_1252_are_drawn_as_themselves():
    # the issue: "Łódź Gdańsk" came out as "Lódz Gdansk" and Greek or Japanese as "?"
    texts = ["Łódź Gdańsk Sp. z o.o.", "Ελληνική ΑΕ", "株式会社テスト", "ООО «Тест»"]
    assert lines_of(one_page(*texts)) == texts
    assert lines_of(one_page(*texts, font="bold")) == texts


def test_control_characters_are_dropped_and_decomposed_letters_drawn_composed():
    assert lines_of(one_page("A\r\nB\x00C\x7f\x85D", "Zak\u0142ad C\u0301ma")) == [
        "ABCD",
        "Zakład Ćma",
    ]


def unassigned_by_every_font() -> str:
    faces = [load_face(f) for f in (DEJAVU, DEJAVU_BOLD, DROID)]
    for code in range(0x13000, 0x13430):  # Egyptian hieroglyphs: in none of the three fonts
        if all(code not in face.cmap for face in faces):
            return chr(code)
    raise AssertionError("every font has every hieroglyph")


def test_a_character_no_font_has_is_drawn_as_the_replacement_character():
    # Given a hieroglyph (no font of the chain has one) and an unpaired surrogate
    missing = unassigned_by_every_font()
    data = one_page(f"A{missing}B\ud800C")
    # Then each is drawn as U+FFFD, which is a real glyph of DejaVu Sans, and read back so
    assert lines_of(data) == ["A\ufffdB\ufffdC"]
    assert pdfium_lines(data) == ["A\ufffdB\ufffdC"]
    assert text_width("\ufffd", "regular", 10) > 0
    assert text_width(missing, "regular", 10) == text_width("\ufffd", "regular", 10)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=40))
def test_any_string_at_all_is_drawn_without_an_error_and_read_back_by_both_readers(text: str):
    # surrogates, controls, unassigned code points, private use, RTL, CJK …
    data = one_page(text, font="bold")
    assert isinstance(lines_of(data), list)
    assert len(pdfium.PdfDocument(data)) == 1
    assert text_width(text, "bold", 9) >= 0


def test_widths_are_the_glyphs_advances_from_the_font():
    # DejaVu Sans at 1000 units: "A" is 1401/2048 em, "1" 1303/2048 (the font's hmtx)
    tt = TTFont(find_font(DEJAVU))
    upm = tt["head"].unitsPerEm
    for text in ("INV-00042", "1,234,567.89", "Łódź – €"):
        expected = sum(round(tt["hmtx"][tt.getBestCmap()[ord(c)]][0] * 1000 / upm) for c in text)
        assert abs(text_width(text, "regular", 8.5) - expected * 8.5 / 1000) < 1e-9
    assert text_width("W", "bold", 10) > text_width("W", "regular", 10)


def test_text_lands_where_it_is_drawn_and_each_run_continues_the_one_before():
    doc = PdfDocument(width=595, height=842)
    doc.text(100, 700, "HERE 東京 ok", font="bold", size=12)
    with pdfplumber.open(BytesIO(doc.finish())) as pdf:
        words = pdf.pages[0].extract_words()
        chars = pdf.pages[0].chars
    assert [w["text"] for w in words] == ["HERE", "東京", "ok"]
    assert abs(words[0]["x0"] - 100) < 0.01
    assert abs(chars[0]["y0"] - 700) < 3.5  # the baseline, less the font's descent
    assert chars[0]["fontname"].endswith("+DejaVuSans-Bold")
    assert chars[5]["fontname"].endswith("+DroidSansFallback")  # DejaVu has no CJK
    assert abs(words[-1]["x1"] - (100 + text_width("HERE 東京 ok", "bold", 12))) < 0.01


@pytest.mark.parametrize("font", [DEJAVU, DEJAVU_BOLD, DROID], ids=lambda f: f.name)
def test_a_subset_holds_the_fonts_own_outlines_and_advances(font):
    # Given glyphs of the font in an order of first use: composite accented letters (their
    # components come along), a repeated glyph, the replacement character
    face = load_face(font)
    text = "Łódź Ćma ÅÉ Ελλη شركة 株式会社 A"
    gids = [0, *dict.fromkeys(face.cmap[ord(c)] for c in text if ord(c) in face.cmap)]
    gids.append(gids[1])
    # When they are subset and read back with fontTools
    sub = TTFont(BytesIO(subset_font(face, gids)))
    original = TTFont(find_font(font))
    orig_order, sub_order = original.getGlyphOrder(), sub.getGlyphOrder()
    # Then glyph n of the subset is glyph gids[n] of the font: same outline, same advance
    assert sub["maxp"].numGlyphs >= len(gids)
    for new, old in enumerate(gids):
        mine = sub["glyf"][sub_order[new]].getCoordinates(sub["glyf"])
        theirs = original["glyf"][orig_order[old]].getCoordinates(original["glyf"])
        assert list(mine[0]) == list(theirs[0]) and list(mine[1]) == list(theirs[1]), new
        assert sub["hmtx"][sub_order[new]][0] == original["hmtx"][orig_order[old]][0]
    assert any(original["glyf"][orig_order[g]].isComposite() for g in gids) or font is DROID


@pytest.mark.parametrize("font", [DEJAVU, DEJAVU_BOLD, DROID], ids=lambda f: f.name)
def test_our_cmap_reader_agrees_with_fonttools_in_both_formats(font):
    tt = TTFont(find_font(font))
    ids = tt.getReverseGlyphMap()
    expected = {code: ids[name] for code, name in tt.getBestCmap().items()}
    table = tt.reader["cmap"]
    assert read_cmap(table) == expected  # format 12
    bmp_only = next(t for t in tt["cmap"].tables if (t.platformID, t.platEncID) == (3, 1))
    # the same font with its format 12 subtable left out: read from format 4
    tt["cmap"].tables = [bmp_only]
    assert read_cmap(tt["cmap"].compile(tt)) == {c: g for c, g in expected.items() if c < 0x10000}


def test_each_font_of_the_page_is_embedded_once_as_a_subset_with_a_tounicode_map():
    data = one_page("Łódź Ćma", "شركة الاختبار", "株式会社", font="bold")
    programs = re.findall(rb"/Length \d+ /Length1 (\d+) /Filter /FlateDecode", data)
    assert len(programs) == 2  # DejaVu Sans Bold and Droid Sans Fallback, nothing else
    assert data.count(b"/ToUnicode") == 2 and data.count(b"/Encoding /Identity-H") == 2
    fonts = re.findall(rb"/Type0 /BaseFont /[A-Z]{6}\+(\S+) /Encoding", data)
    assert sorted(fonts) == [b"DejaVuSans-Bold", b"DroidSansFallback"]


def test_pages_metadata_and_cross_reference_table_are_well_formed():
    doc = PdfDocument(width=595, height=842, title="Statement (C1) Łódź", author="Ex Co")
    for n in range(3):
        doc.new_page()
        doc.text(50, 800, f"page {n + 1}", font="regular", size=9)
    data = doc.finish()
    with pdfplumber.open(BytesIO(data)) as pdf:
        assert [p.extract_text() for p in pdf.pages] == ["page 1", "page 2", "page 3"]
        assert pdf.metadata["Title"] == "Statement (C1) Łódź"
        assert pdf.metadata["Author"] == "Ex Co"
    assert len(pdfium.PdfDocument(data)) == 3
    # every cross-reference offset points at its object, and startxref at the table
    xref_at = int(re.search(rb"startxref\n(\d+)", data).group(1))
    assert data[xref_at:].startswith(b"xref\n")
    offsets = re.findall(rb"(\d{10}) 00000 n ", data)
    for number, offset in enumerate(offsets, start=1):
        assert data[int(offset) :].startswith(b"%d 0 obj\n" % number)


def test_same_calls_give_the_same_bytes_and_other_text_other_bytes():
    assert one_page("a", "Łódź 東京") == one_page("a", "Łódź 東京")
    assert one_page("a", "b") != one_page("a", "c")


def test_an_empty_document_still_has_a_page_and_no_font():
    data = PdfDocument(width=100, height=100).finish()
    assert len(pdfium.PdfDocument(data)) == 1
    assert b"/FontFile2" not in data


def test_text_is_cut_with_an_ellipsis_to_the_width_in_one_pass_however_long():
    assert fit_text("INV-1", "regular", 9, 100) == ("INV-1", text_width("INV-1", "regular", 9))
    started = time.process_time()
    cut, drawn = fit_text("ACH " + "9" * 1_000_000, "regular", 8.5, 120)
    assert time.process_time() - started < 1.0  # one pass, not a width per character dropped
    assert cut.startswith("ACH 99") and cut.endswith("…")
    assert drawn <= 120 and abs(drawn - text_width(cut, "regular", 8.5)) < 1e-9
    # the longest cut that fits: one more character would not
    longer = cut[:-1] + "9…"
    assert text_width(longer, "regular", 8.5) > 120
    # CJK is cut by its own (wider) glyphs
    cjk, cjk_width = fit_text("株式会社" * 50, "regular", 9, 30)
    assert cjk == "株式…" and cjk_width <= 30


def test_right_to_left_text_is_cut_at_its_logical_end_by_shaped_widths():
    # Given a megabyte of Arabic (a hostile payment reference)
    text = "شركة الاختبار " * 75_000
    started = time.process_time()
    cut, drawn = fit_text(text, "regular", 9, 150)
    # Then the cut is quick, keeps the beginning of the text, and fits as drawn
    assert time.process_time() - started < 2.0
    assert cut.endswith("…") and text.startswith(cut[:-1])
    assert drawn <= 150 and drawn == text_width(cut, "regular", 9)
    assert text_width(text[: len(cut)] + "…", "regular", 9) > 150  # one more letter won't fit
    assert fit_text("شركة", "regular", 9, 150) == ("شركة", text_width("شركة", "regular", 9))


def test_a_megabyte_drawn_as_it_is_does_not_break_the_writer():
    data = one_page("Ł" * 1_000_000)
    assert len(pdfium.PdfDocument(data)) == 1


def test_a_missing_font_names_the_debian_package_to_install(tmp_path: Path):
    with pytest.raises(FontNotFoundError, match="install the Debian package fonts-droid-fallback"):
        find_font(DROID, dirs=(tmp_path,))
    # the error comes back whole from a statement run's rendering process (pickled)
    try:
        find_font(DROID, dirs=(tmp_path,))
    except FontNotFoundError as e:
        back = pickle.loads(pickle.dumps(e))
        assert str(back) == str(e) and back.package == "fonts-droid-fallback"
    (tmp_path / "x" / "DroidSansFallbackFull.ttf").parent.mkdir()
    (tmp_path / "x" / "DroidSansFallbackFull.ttf").write_bytes(b"")
    assert find_font(DROID, dirs=(tmp_path,)) == tmp_path / "x" / "DroidSansFallbackFull.ttf"
