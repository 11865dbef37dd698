"""parsers.text_encoding: a CSV from any sane system is read exactly, or refused with the reason.

Which files the detector can tell apart (measured with charset-normalizer 3.5, see
docs/imports-and-exports.md#files-from-other-systems): a legacy file is only read when one reading of it
leads the others. The cases below are realistic exports of several rows: a German file in
Windows-1252 (its umlauts are the same in every Latin code page, so all readings agree),
a Polish file in ISO-8859-2 of eight rows (Windows-1252 reads ``Łódź`` as ``£ód¼``: a pound
sign before a letter, and Windows-1250 as ``ŁódĽ``: a capital after a small letter, so both
lose), a Russian file in Windows-1251 and KOI8-R, and a French file in Latin-1 (Windows-1250
reads ``è`` as ``č`` and ties: the tie goes to Windows-1252, whose letters are all Western).
Greek and Japanese are tested in UTF-16 and UTF-32 too. A Hungarian file is refused as not
sure: Windows-1252 reads its ``ő`` as ``õ``, a letter as good (bench/encodings.py measures
which languages are read and which refused).
"""

from __future__ import annotations

import codecs
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import UnreadableDocumentError
from parsers.text_encoding import REPLACEMENT, decode_text

HEADER = "invoice_number,customer_number,customer_name,issue_date,due_date,amount\n"
GERMAN = ["Müller GmbH", "Bäckerei Größe KG", "Schröder & Söhne", "Köln Süd AG"]
POLISH = [
    "Łódź Gdańsk Sp. z o.o.",
    "Zakład Ćma",
    "Świętokrzyskie Żurawie",
    "Przedsiębiorstwo Źródło",
    "Kraków Śląsk",
    "Wrocław Łąka",
    "Gżegżółka Spółka",
    "Poznań Ząbki",
]
RUSSIAN = ["ООО Ромашка", "Иванов и партнёры", "Москва Торг"]
FRENCH = ["Société Générale", "Café Crème SARL", "Boulangerie Lefèvre", "Hôtel du Château"]
NAMES_IN_EVERY_SCRIPT = ["Müller GmbH", "Łódź Gdańsk Sp. z o.o.", "Ελληνική ΑΕ", "株式会社テスト"]


def ledger(names: list[str]) -> str:
    rows = (
        f"INV-{n},C-{n},{name},2026-01-05,2026-02-04,{100 + n}.00\n" for n, name in enumerate(names)
    )
    return HEADER + "".join(rows)


@pytest.mark.parametrize(
    ("names", "encoding", "read_as"),
    [
        (GERMAN, "cp1252", "cp1252"),
        (GERMAN, "latin-1", "cp1252"),
        (FRENCH, "latin-1", "cp1252"),
        (POLISH, "iso8859_2", "iso8859_2"),
        (POLISH, "cp1250", "cp1250"),
        (RUSSIAN, "cp1251", "cp1251"),
        (RUSSIAN, "koi8_r", "koi8_r"),
    ],
)
def test_legacy_file_the_detector_can_tell_reads_back_exactly(names, encoding, read_as):
    # Given an export of a few rows in a legacy code page
    text = ledger(names)
    # When it is decoded
    decoded = decode_text(text.encode(encoding))
    # Then every name reads back exactly, and the code page is named
    assert decoded.text == text
    assert decoded.encoding == read_as
    assert not decoded.bom


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_file_with_a_byte_order_mark_reads_every_script_exactly(bom, codec):
    text = ledger(NAMES_IN_EVERY_SCRIPT).replace(",", "\t")  # Excel's "Unicode text" is TSV
    decoded = decode_text(bom + text.encode(codec))
    assert decoded.text == text
    assert (decoded.encoding, decoded.bom) == (codec, True)


@given(st.text(min_size=1).filter(lambda s: "\x00" not in s and not s.startswith("\ufeff")))
def test_a_file_that_decodes_as_utf8_stays_utf8(text):
    # The mojibake guard: UTF-8 bytes also "decode" in Windows-1252 (Müller as MÃ¼ller).
    decoded = decode_text(text.encode("utf-8"))
    assert (decoded.text, decoded.encoding, decoded.bom) == (text, "utf-8", False)


def test_utf8_accents_are_not_read_as_windows_1252():
    assert decode_text("Müller;Crème\n".encode()).text == "Müller;Crème\n"


@given(st.binary(min_size=1, max_size=400))
def test_any_bytes_are_read_exactly_or_refused(data):
    # Never a replacement character behind the caller's back: what is read encodes back.
    try:
        decoded = decode_text(data)
    except UnreadableDocumentError as e:
        assert e.reason
        return
    bom = {"utf-8": 3, "utf-16-le": 2, "utf-16-be": 2}.get(decoded.encoding, 4)
    body = data[bom:] if decoded.bom else data
    assert decoded.text.encode(decoded.encoding) == body


HUNGARIAN = ["Szőlő Győr Kft"]


def test_file_the_code_pages_read_differently_is_refused_naming_the_readings():
    # Given a Hungarian file in ISO-8859-2: Windows-1252 reads Szőlő as Szõlõ, as plausible
    data = ledger(HUNGARIAN).encode("iso8859_2")
    # When it is decoded strictly, it is refused with the readings it could have
    with pytest.raises(UnreadableDocumentError, match="cannot be told for sure") as refused:
        decode_text(data)
    assert "cp1252 'Szõlõ'" in refused.value.reason and "iso8859_2 'Szőlő'" in refused.value.reason
    assert "save it as UTF-8" in refused.value.reason
    # And leniently (an attachment), the disputed letters are marked, nothing is guessed
    lenient = decode_text(data, lenient=True)
    assert len(lenient.unsure) >= 2
    assert "INV-0,C-0," in lenient.text and "100.00" in lenient.text
    assert REPLACEMENT in lenient.text
    line = lenient.text.splitlines()[1]
    assert all(
        a in (b, REPLACEMENT) for a, b in zip(line, ledger(HUNGARIAN).splitlines()[1], strict=True)
    )


def test_a_given_encoding_is_used_and_checked():
    data = ledger(HUNGARIAN).encode("iso8859_2")
    assert decode_text(data, encoding="iso8859_2").text == ledger(HUNGARIAN)
    with pytest.raises(UnreadableDocumentError, match="not utf-8 text"):
        decode_text(data, encoding="utf-8")
    with pytest.raises(UnreadableDocumentError, match="unknown encoding"):
        decode_text(data, encoding="no-such-codec")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "NUL bytes"),
        (b"invoice_number,amount\x00\n", "NUL bytes"),
        (codecs.BOM_UTF16_LE + "abc".encode("utf-16-le") + b"x", "cut-off last character"),
        (codecs.BOM_UTF16_LE + "a\x00b".encode("utf-16-le"), "NUL characters"),
        (codecs.BOM_UTF8 + b"caf\xe9", "not UTF-8 \\(byte-order mark\\) text"),
        (bytes(range(128, 256)) * 40, "no legacy code page reads it cleanly"),
    ],
)
def test_hostile_file_is_refused_with_a_clear_reason(data, reason):
    with pytest.raises(UnreadableDocumentError, match=reason):
        decode_text(data)


def test_a_50_mb_single_line_is_decoded_without_hanging():
    start = time.perf_counter()
    with pytest.raises(UnreadableDocumentError):
        decode_text(("é" * 50_000_000).encode("cp1252"))
    assert decode_text(b"a" * 50_000_000).encoding == "utf-8"
    assert time.perf_counter() - start < 10
