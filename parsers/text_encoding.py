"""The bytes of a text file (CSV, TSV) as text, by what the bytes say. Pure: no IO.

In this order, the first that holds wins:

1. A byte-order mark: UTF-32 LE/BE, UTF-8, UTF-16 LE/BE (Excel's "Unicode text" is UTF-16LE
   with a BOM). The rest must decode strictly in that encoding.
2. Strict UTF-8. A file that decodes as UTF-8 stays UTF-8 (the mojibake guard: UTF-8 bytes
   also "decode" in every single-byte code page, into nonsense).
3. A legacy single-byte code page (:data:`LEGACY_ENCODINGS`), told by charset-normalizer,
   with a floor: the chosen reading must have no more mess than :data:`MAX_CHAOS`; a reading
   that puts a symbol before a letter (``£ódŸ``), a capital after a small letter (``ŁódĽ``)
   or a Cyrillic or Greek letter inside a Latin word (``Mьller``) loses to one that does
   not; and every other reading that gives different text must trail the chosen one by
   :data:`MIN_CHAOS_LEAD`. A tie is settled for Windows-1252 only when it differs from the
   others in :data:`WESTERN_LETTERS` alone (``è`` against cp1250's ``č``) and the file has
   :data:`MIN_EVIDENCE` bytes beyond ASCII. Anything else is not sure: the file is refused
   with the readings it could have (or, leniently, read with the letters the readings
   disagree on replaced by U+FFFD: the digits and ASCII letters of every reading are the
   same). ``bench/encodings.py`` measures what this reads, refuses and misreads.

Nothing is ever decoded with ``errors="replace"`` behind the caller's back. Latin-1 is read
as Windows-1252, its superset for text (they differ only in C1 control codes).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from charset_normalizer import from_bytes

from core.errors import UnreadableDocumentError

#: The single-byte code pages a legacy file is tried in: Western, Central European,
#: Cyrillic, Greek, Turkish and Baltic Windows code pages and their ISO counterparts.
LEGACY_ENCODINGS: tuple[str, ...] = (
    "cp1252",
    "iso8859_15",
    "cp1250",
    "iso8859_2",
    "cp1251",
    "koi8_r",
    "cp1253",
    "iso8859_7",
    "cp1254",
    "iso8859_9",
    "cp1257",
    "iso8859_13",
)
#: Most mess (charset-normalizer's "chaos", 0-1) a reading may have to count at all; its
#: own default is 0.2, too lax for a file whose every name we keep.
MAX_CHAOS = 0.10
#: Most mess a reading may have to count as a rival of the chosen one (charset-normalizer's
#: default threshold is 0.2): a rival that gives other text makes the choice unsure.
RIVAL_CHAOS = 0.3
#: How much less mess the chosen reading must have than any reading giving other text.
MIN_CHAOS_LEAD = 0.04
#: Bytes beyond ASCII a file needs before a lead or a tie-break decides between readings that
#: give different text (below it, only readings that agree are taken).
MIN_EVIDENCE = 4
#: Letters of French, Spanish and German: where Windows-1252 differs from its rivals only in
#: these, a tie goes to it (``Crème`` against Windows-1250's ``Crčme``). Left out, measured by
#: ``bench/encodings.py``: the letters whose twins are everyday Czech, Hungarian, Romanian or
#: Baltic (``ò ì ù õ û ã È Ï`` against ``ň ě ů ő ű ă Č Ď``), so such a file is refused rather
#: than misread.
WESTERN_LETTERS = frozenset("àâäçèéêëîïôöüÿñáíóúœÀÂÄÇÉÊËÎÔÖÜŸÑÁÍÓÚŒ")
REPLACEMENT = "\ufffd"

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_UNIT = {"utf-16-le": 2, "utf-16-be": 2, "utf-32-le": 4, "utf-32-be": 4}
_ASCII = bytes(range(128))


@dataclass(frozen=True, slots=True)
class DecodedText:
    """A file's text and how it was read: ``encoding`` is a Python codec name (``utf-8``,
    ``utf-16-le``, ``cp1252``…); ``bom`` whether a byte-order mark said so; ``unsure`` the
    code pages a lenient reading could not choose between (their disputed letters are
    U+FFFD in ``text``)."""

    text: str
    encoding: str
    bom: bool = False
    unsure: tuple[str, ...] = ()


def decode_text(data: bytes, *, encoding: str | None = None, lenient: bool = False) -> DecodedText:
    """The text of ``data``, read as the module docstring says (or in ``encoding``, given).

    Raises:
        UnreadableDocumentError: empty, binary (NUL bytes), broken in the encoding its BOM
            names, or no encoding is sure (the reason says what was tried).
    """
    if not data:
        raise UnreadableDocumentError("empty file")
    if encoding is not None:
        return _checked(_strict(data, encoding, what=encoding))
    for bom, name in _BOMS:
        if data.startswith(bom):
            return _checked(_with_bom(data[len(bom) :], name))
    if b"\x00" in data:
        raise UnreadableDocumentError(
            "not a text file: it has NUL bytes (a UTF-16 file needs its byte-order mark)"
        )
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    return _checked(_legacy(data, lenient=lenient))


def _with_bom(body: bytes, name: str) -> DecodedText:
    unit = _UNIT.get(name, 1)
    if len(body) % unit:
        raise UnreadableDocumentError(
            f"{name.upper()} file (byte-order mark) with a cut-off last character: "
            f"{len(body)} bytes after the mark is not a multiple of {unit}"
        )
    return DecodedText(
        _strict(body, name, what=f"{name.upper()} (byte-order mark)").text, name, True
    )


def _strict(data: bytes, name: str, *, what: str) -> DecodedText:
    try:
        return DecodedText(data.decode(name), name)
    except LookupError as e:
        raise UnreadableDocumentError(f"unknown encoding {name!r}") from e
    except UnicodeDecodeError as e:
        raise UnreadableDocumentError(f"not {what} text: {e.reason} at byte {e.start}") from e


def _checked(decoded: DecodedText) -> DecodedText:
    if "\x00" in decoded.text:
        raise UnreadableDocumentError(f"not a text file: NUL characters ({decoded.encoding})")
    return decoded


def _legacy(data: bytes, *, lenient: bool) -> DecodedText:
    """The single-byte reading of ``data`` (not UTF-8, no BOM, no NUL)."""
    beyond_ascii = data.translate(None, _ASCII)
    high = sorted(set(beyond_ascii))  # the bytes the code pages differ in
    # Little evidence (a one-line file with three accents): a tie-break does not decide.
    sure_enough = len(beyond_ascii) >= MIN_EVIDENCE
    lead = MIN_CHAOS_LEAD
    matches = from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS), threshold=RIVAL_CHAOS)
    readings = {
        name: m.chaos
        for m in matches
        for name in m.could_be_from_charset
        if name in LEGACY_ENCODINGS and _decodes(high, name)
    }
    if not readings or min(readings.values()) > MAX_CHAOS:
        raise UnreadableDocumentError(
            "not a text file in any encoding arbox reads: no byte-order mark, not UTF-8, and "
            f"no legacy code page reads it cleanly (tried {', '.join(LEGACY_ENCODINGS)}); "
            "save it as UTF-8"
        )
    suspect = {name for name in readings if _is_suspect(data, high, name)}
    ranked = sorted(
        readings,
        key=lambda name: (name in suspect, readings[name], LEGACY_ENCODINGS.index(name)),
    )
    best = ranked[0]
    if readings[best] > MAX_CHAOS:  # the plausible readings are suspect: nothing leads
        lead = 1.0
    rivals = [
        name
        for name in ranked[1:]
        if _table(high, name) != _table(high, best)
        and (name not in suspect or best in suspect)
        and readings[name] - readings[best] < lead
    ]
    if (
        rivals
        and sure_enough
        and "cp1252" in [best, *rivals]
        and _western_tie(high, [best, *rivals])
    ):
        best, rivals = "cp1252", []
    # Readings that give the same text: name the most common code page.
    best = next(
        name
        for name in LEGACY_ENCODINGS
        if name in readings and _table(high, name) == _table(high, best)
    )
    if not rivals:
        return DecodedText(data.decode(best), best)
    if not lenient:
        raise UnreadableDocumentError(_unsure_reason(data, high, [best, *rivals]))
    return _masked(data, high, best, rivals)


def _decodes(high: list[int], name: str) -> bool:
    try:
        bytes(high).decode(name)
    except UnicodeDecodeError:
        return False
    return True


def _is_suspect(data: bytes, high: list[int], name: str) -> bool:
    """Whether ``name``'s reading has what no name is written with: a symbol (``£ ® ¼ ¹``…,
    Unicode S* and No) right before a letter (``£ódŸ`` is Polish ``Łódź`` read as
    Windows-1252), an accented capital right after a small letter (``ŁódĽ``: the same in
    Windows-1250), or a Greek or Cyrillic letter inside a Latin word (``Mьller``: German
    ``Müller`` read as Windows-1251). ``25°C`` matches too, but ``°`` is the same in the code
    pages, so it does not tell them apart."""
    table = _table(high, name)
    pairs = list(zip(high, table, strict=True))
    symbols = bytes(b for b, ch in pairs if _is_symbol(ch))
    letters = bytes(b for b, ch in pairs if ch.isalpha())
    lower = bytes(b for b, ch in pairs if ch.islower())
    upper = bytes(b for b, ch in pairs if ch.isupper())
    foreign = bytes(b for b, ch in pairs if ch.isalpha() and not _is_latin(ch))
    patterns = []
    if symbols:
        patterns.append(b"[" + re.escape(symbols) + b"](?=[A-Za-z" + re.escape(letters) + b"])")
    if upper:
        patterns.append(b"[a-z" + re.escape(lower) + b"][" + re.escape(upper) + b"]")
    if foreign:
        group = b"[" + re.escape(foreign) + b"]"
        patterns.append(b"[A-Za-z]" + group + b"|" + group + b"[A-Za-z]")
    return bool(patterns) and re.search(b"|".join(patterns), data) is not None


def _is_latin(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("LATIN")


def _is_symbol(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category[0] == "S" or category == "No"


def _table(high: list[int], name: str) -> str:
    """What the bytes of ``high`` read as in ``name``: two readings with the same table give
    the same text."""
    return bytes(high).decode(name)


def _western_tie(high: list[int], names: list[str]) -> bool:
    western = _table(high, "cp1252")
    others = [_table(high, name) for name in names if name != "cp1252"]
    return all(
        ch in WESTERN_LETTERS
        for i, ch in enumerate(western)
        if any(other[i] != ch for other in others)
    )


def _masked(data: bytes, high: list[int], best: str, rivals: list[str]) -> DecodedText:
    tables = [_table(high, name) for name in (best, *rivals)]
    disputed = {
        ord(ch): REPLACEMENT
        for i, ch in enumerate(tables[0])
        if any(table[i] != ch for table in tables[1:])
    }
    return DecodedText(data.decode(best).translate(disputed), best, unsure=(best, *rivals))


def _unsure_reason(data: bytes, high: list[int], names: list[str]) -> str:
    tables = {name: _table(high, name) for name in names}
    first = tables[names[0]]
    index = next(i for i, ch in enumerate(first) if any(t[i] != ch for t in tables.values()))
    word = _word_around(data, data.index(bytes([high[index]])))
    readings = ", ".join(f"{name} {word.decode(name)!r}" for name in names)
    return (
        "the encoding cannot be told for sure: not UTF-8 and no byte-order mark, and the "
        f"legacy code pages read it differently ({readings}); save it as UTF-8 "
        "(Excel: CSV UTF-8) or UTF-16 (Excel: Unicode text), or name it with --encoding"
    )


def _word_around(data: bytes, at: int) -> bytes:
    """The bytes of the word (up to 20 bytes either side) around offset ``at``."""
    stops = b" \t\r\n,;\"'|"
    start = at
    while start > max(0, at - 20) and data[start - 1] not in stops:
        start -= 1
    end = at + 1
    while end < min(len(data), at + 21) and data[end] not in stops:
        end += 1
    return data[start:end]
