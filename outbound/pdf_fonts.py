"""The fonts of one PDF: which glyphs it drew, as what codes, and the font objects that
carry them. Pure: no IO (the fonts are loaded by :mod:`outbound.font_files`).

Each font used is a Type0 font with the Identity-H encoding: a two-byte code per glyph, the
code being the glyph's id in the embedded subset (a CIDFontType2 with ``/CIDToGIDMap
/Identity``; the subset is a TrueType ``FontFile2``). Codes are given in the order the
document first draws each (glyph, text) pair, so the same drawing gives the same bytes; a
glyph that stands for two texts (the space glyph for U+0020 and U+00A0) gets one code per
text, so the ``/ToUnicode`` map gives back exactly what was drawn. ``/W`` holds the widths the
layout measured with.
"""

from __future__ import annotations

import hashlib
import zlib
from functools import cache

from outbound.font_files import CHAINS, FontFace, FontName, load_face
from outbound.font_subset import subset_font
from outbound.pdf_glyphs import FONTS, REPLACEMENT, glyph_table

#: The PDF resource name of each font of :data:`outbound.pdf_glyphs.FONTS`.
RESOURCE_NAMES = tuple(b"F%d" % (n + 1) for n in range(len(FONTS)))
STYLES: tuple[FontName, ...] = tuple(CHAINS)
#: Codes per font: two bytes, less .notdef and one kept for the replacement character.
_MAX_CODES = 0xFFFE

_TO_UNICODE_HEAD = b"""/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
"""
_TO_UNICODE_TAIL = b"""endcmap
CMapName currentdict /CMap defineresource pop
end
end"""


class _Codes(dict[int, str]):
    """Code point → what a document draws for it, for ``str.translate``: filled on a miss by
    :meth:`FontSet.assign`, which fills the style's other table too."""

    def __init__(self, fonts: FontSet, style: FontName) -> None:
        super().__init__()
        self._fonts = fonts
        self._style = style

    def __missing__(self, code: int) -> str:
        self._fonts.assign(chr(code), self._style)
        return self[code]


class FontSet:
    """The glyphs one document has drawn, per font, and the codes it drew them with."""

    def __init__(self) -> None:
        # per font: (glyph id, text) → code, and per code (glyph id, width, text); code 0
        # is .notdef, never drawn
        self._codes: list[dict[tuple[int, str], int]] = [{} for _ in FONTS]
        self._glyphs: list[list[tuple[int, int, str]]] = [[(0, 0, "")] for _ in FONTS]
        # per style, for str.translate: code point → its font as one digit, and → its code
        # as four hex digits; both "" for a character that is not drawn
        self._font_of = {style: _Codes(self, style) for style in STYLES}
        self._hex_of = {style: _Codes(self, style) for style in STYLES}

    def encode(self, drawn: str, style: FontName) -> list[tuple[int, bytes]]:
        """``drawn`` (left to right, as :func:`outbound.pdf_glyphs.visual` gives it) as runs of
        (font, hex codes), one run per change of font. Translated in C (``str.translate``):
        a statement draws about a hundred strings."""
        fonts = drawn.translate(self._font_of[style])
        if not fonts:
            return []
        codes = drawn.translate(self._hex_of[style])
        first = fonts[0]
        if fonts.count(first) == len(fonts):
            return [(int(first), codes.encode())]
        runs, start = [], 0
        for n in range(1, len(fonts) + 1):
            if n == len(fonts) or fonts[n] != fonts[start]:
                runs.append((int(fonts[start]), codes[4 * start : 4 * n].encode()))
                start = n
        return runs

    def assign(self, ch: str, style: FontName) -> None:
        """Give ``ch`` drawn in ``style`` its code (a new one for a new glyph and text)."""
        font, code = self._code(ch, style)
        self._font_of[style][ord(ch)] = str(font) if font >= 0 else ""
        self._hex_of[style][ord(ch)] = f"{code:04X}" if font >= 0 else ""

    def _code(self, ch: str, style: FontName) -> tuple[int, int]:
        glyph = glyph_table(style)[ch]
        if glyph.font < 0:
            return -1, 0
        codes = self._codes[glyph.font]
        key = (glyph.gid, glyph.text)
        if key not in codes and len(codes) >= _MAX_CODES and ch != REPLACEMENT:  # all taken
            return self._code(REPLACEMENT, style)
        if key not in codes:
            codes[key] = len(self._glyphs[glyph.font])
            self._glyphs[glyph.font].append((glyph.gid, glyph.width, glyph.text))
        return glyph.font, codes[key]

    def used(self) -> list[int]:
        """The fonts (indices of ``FONTS``) the document drew with."""
        return [n for n, glyphs in enumerate(self._glyphs) if len(glyphs) > 1]

    def objects(self, first: int) -> tuple[bytes, list[bytes]]:
        """The ``/Font`` resource dictionary and the objects behind it, numbered from
        ``first``: per font used, Type0, CIDFont, descriptor, font file and ToUnicode."""
        entries: list[bytes] = []
        objects: list[bytes] = []
        for font in self.used():
            number = first + len(objects)
            entries.append(b"/%s %d 0 R" % (RESOURCE_NAMES[font], number))
            objects += _font_objects(load_face(FONTS[font]), self._glyphs[font], number)
        return b"<< " + b" ".join(entries) + b" >>", objects


def _font_objects(face: FontFace, glyphs: list[tuple[int, int, str]], number: int) -> list[bytes]:
    program = subset_font(face, [gid for gid, _, _ in glyphs])
    digest = hashlib.md5(program, usedforsecurity=False).digest()
    tag = bytes(65 + b % 16 for b in digest[:6])  # six capitals, as the spec asks of a subset
    name = b"/%s+%s" % (tag, face.name.encode())
    widths = b" ".join(b"%d" % width for _, width, _ in glyphs)
    descendant, descriptor, file, to_unicode = (number + n for n in range(1, 5))
    packed = zlib.compress(program, 6)
    cmap = zlib.compress(_to_unicode(glyphs), 6)
    return [
        b"<< /Type /Font /Subtype /Type0 /BaseFont %s /Encoding /Identity-H "
        b"/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (name, descendant, to_unicode),
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont %s /CIDSystemInfo << /Registry "
        b"(Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R "
        b"/CIDToGIDMap /Identity /DW 1000 /W [0 [%s]] >>" % (name, descriptor, widths),
        b"<< /Type /FontDescriptor /FontName %s /Flags 4 /FontBBox [%d %d %d %d] "
        b"/ItalicAngle 0 /Ascent %d /Descent %d /CapHeight %d /StemV 80 /FontFile2 %d 0 R >>"
        % (name, *face.bbox, face.ascent, face.descent, face.cap_height, file),
        b"<< /Length %d /Length1 %d /Filter /FlateDecode >>\nstream\n%s\nendstream"
        % (len(packed), len(program), packed),
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(cmap), cmap),
    ]


def _to_unicode(glyphs: list[tuple[int, int, str]]) -> bytes:
    """The ToUnicode CMap: each code → the text its glyph stands for, in UTF-16BE."""
    pairs = [
        b"<%04X> <%s>" % (code, _utf16_hex(text))
        for code, (_, _, text) in enumerate(glyphs)
        if text
    ]
    blocks = [
        b"%d beginbfchar\n%s\nendbfchar\n" % (len(chunk), b"\n".join(chunk))
        for chunk in (pairs[n : n + 100] for n in range(0, len(pairs), 100))
    ]
    return _TO_UNICODE_HEAD + b"".join(blocks) + _TO_UNICODE_TAIL


@cache
def _utf16_hex(text: str) -> bytes:
    return text.encode("utf-16-be").hex().upper().encode()
