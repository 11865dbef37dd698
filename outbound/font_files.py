"""The TrueType fonts the PDFs are drawn in, found at run time, and what the writer needs of
each: which glyph draws a character, its advance width, and its outline bytes for a subset.

The fonts come from Debian packages, never from the repository (their licences travel with
the package): DejaVu Sans and DejaVu Sans Bold (``fonts-dejavu-core``: Latin, Greek,
Cyrillic, Hebrew, Arabic with its presentation forms) and Droid Sans Fallback
(``fonts-droid-fallback``: Chinese, Japanese, Korean) for what DejaVu lacks. Droid is chosen
for CJK because it is TrueType-outlined (a ``glyf`` table, so the same subsetter serves every
font) and one 4 MB file; Noto CJK is CFF in a collection, and WenQuanYi a collection too.
A missing font file is a :class:`core.errors.FontNotFoundError` naming the package to install.

Reading a font is IO; it happens once per process (:func:`load_face` is cached). Everything
after that is pure.
"""

from __future__ import annotations

import struct
from array import array
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from fontTools.ttLib import TTFont, TTLibError

from core.errors import FontNotFoundError

FontName = Literal["regular", "bold"]

#: Where Debian installs TrueType fonts (``fonts-*`` packages), then local additions.
FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype"),
    Path("/usr/local/share/fonts"),
    Path("/usr/share/fonts"),
)


@dataclass(frozen=True, slots=True)
class FontFile:
    """A font the writer needs: its file name, where Debian puts it, and the package."""

    name: str  # the PDF's BaseFont, before the subset tag
    file: str
    subdir: str
    package: str


DEJAVU = FontFile("DejaVuSans", "DejaVuSans.ttf", "dejavu", "fonts-dejavu-core")
DEJAVU_BOLD = FontFile("DejaVuSans-Bold", "DejaVuSans-Bold.ttf", "dejavu", "fonts-dejavu-core")
DROID = FontFile("DroidSansFallback", "DroidSansFallbackFull.ttf", "droid", "fonts-droid-fallback")

#: Per style, the fonts in the order they are asked for a glyph: the first that has it draws.
CHAINS: dict[FontName, tuple[FontFile, ...]] = {
    "regular": (DEJAVU, DROID),
    "bold": (DEJAVU_BOLD, DROID),  # Droid has no bold: CJK in bold is drawn regular
}


def find_font(font: FontFile, dirs: tuple[Path, ...] = FONT_DIRS) -> Path:
    """The path of ``font``: Debian's place for it first, then a search of ``dirs``."""
    for base in dirs:
        direct = base / font.subdir / font.file
        if direct.is_file():
            return direct
    for base in dirs:
        if base.is_dir():
            for found in sorted(base.rglob(font.file)):
                if found.is_file():
                    return found
    raise FontNotFoundError(font.file, font.package, [str(d) for d in dirs])


@dataclass(frozen=True, slots=True)
class FontFace:
    """One font, parsed: the tables a subset copies and per-glyph data.

    ``advances`` are in thousandths of the font size (PDF text space), rounded: the same
    numbers go into the PDF's ``/W`` array and into every width the layout measures."""

    name: str
    cmap: dict[int, int]  # code point → glyph id
    advances: array[int]  # per glyph id, thousandths of an em
    units_per_em: int
    tables: dict[str, bytes]  # head hhea maxp hmtx post, as in the file
    loca: array[int]  # glyph offsets into ``glyf``, numGlyphs + 1 of them
    glyf: bytes
    bbox: tuple[int, int, int, int]  # in thousandths
    ascent: int
    descent: int
    cap_height: int

    def glyph(self, gid: int) -> bytes:
        """The outline of glyph ``gid`` as stored (empty for a blank glyph)."""
        return self.glyf[self.loca[gid] : self.loca[gid + 1]]

    def metrics(self, gid: int) -> tuple[int, int]:
        """The advance width and left side bearing of ``gid`` in font units (``hmtx``)."""
        hmtx = self.tables["hmtx"]
        long_metrics = struct.unpack(">H", self.tables["hhea"][34:36])[0]
        if gid < long_metrics:
            advance, lsb = struct.unpack_from(">Hh", hmtx, 4 * gid)
            return int(advance), int(lsb)
        advance = struct.unpack_from(">H", hmtx, 4 * (long_metrics - 1))[0]
        lsb = struct.unpack_from(">h", hmtx, 4 * long_metrics + 2 * (gid - long_metrics))[0]
        return int(advance), int(lsb)


@cache
def load_face(font: FontFile) -> FontFace:
    """``font`` read and parsed (once per process)."""
    path = find_font(font)
    try:
        return parse_face(font.name, path.read_bytes())
    except (TTLibError, KeyError, struct.error) as e:
        raise FontNotFoundError(font.file, font.package, [str(path)], reason=str(e)) from e


def read_cmap(table: bytes) -> dict[int, int]:
    """Code point → glyph id from a ``cmap`` table's Unicode subtable (format 12, else 4).

    Read here rather than through fontTools' cmap, which maps to glyph *names*: building the
    names of Droid Sans Fallback's 49,000 glyphs took a third of a second and 20 MB of peak
    memory in every rendering process."""
    count = struct.unpack_from(">H", table, 2)[0]
    found: dict[tuple[int, int], int] = {}
    for n in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", table, 4 + 8 * n)
        found[platform, encoding] = offset
    for key in ((3, 10), (0, 4), (3, 1), (0, 3)):
        if key in found:
            offset = found[key]
            kind = struct.unpack_from(">H", table, offset)[0]
            if kind == 12:
                return _cmap_format_12(table, offset)
            if kind == 4:
                return _cmap_format_4(table, offset)
    raise KeyError("no Unicode cmap subtable of format 4 or 12")


def _cmap_format_12(table: bytes, offset: int) -> dict[int, int]:
    groups = struct.unpack_from(">I", table, offset + 12)[0]
    cmap: dict[int, int] = {}
    for n in range(groups):
        start, end, glyph = struct.unpack_from(">III", table, offset + 16 + 12 * n)
        end = min(end, 0x10FFFF)  # the last code point, whatever a damaged file says
        codes = range(start, end + 1)
        cmap.update(zip(codes, range(glyph, glyph + len(codes)), strict=True))
    return cmap


def _cmap_format_4(table: bytes, offset: int) -> dict[int, int]:
    segments = struct.unpack_from(">H", table, offset + 6)[0] // 2
    fields = array("H", table[offset + 14 : offset + 16 + 8 * segments])
    fields.byteswap()
    ends = fields[:segments]
    starts = fields[segments + 1 : 2 * segments + 1]  # after the reserved pad
    deltas = fields[2 * segments + 1 : 3 * segments + 1]
    range_at = offset + 16 + 6 * segments  # where idRangeOffset[0] is
    cmap: dict[int, int] = {}
    for n in range(segments):
        start, end, delta = starts[n], ends[n], deltas[n]
        range_offset = struct.unpack_from(">H", table, range_at + 2 * n)[0]
        for code in range(start, min(end, 0xFFFE) + 1):
            if range_offset:
                at = range_at + 2 * n + range_offset + 2 * (code - start)
                glyph = struct.unpack_from(">H", table, at)[0]
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            else:
                glyph = (code + delta) & 0xFFFF
            if glyph:
                cmap[code] = glyph
    return cmap


def parse_face(name: str, data: bytes) -> FontFace:
    """The parts of a TrueType file (``glyf`` outlines) the writer uses."""
    from io import BytesIO

    tt = TTFont(BytesIO(data), lazy=True)
    raw = {tag: tt.reader[tag] for tag in ("head", "hhea", "maxp", "hmtx", "loca", "glyf")}
    if "post" in tt.reader:
        raw["post"] = tt.reader["post"]
    head = tt["head"]
    upm: int = head.unitsPerEm
    cmap = read_cmap(bytes(tt.reader["cmap"]))
    count = tt["maxp"].numGlyphs
    metrics = tt["hhea"].numberOfHMetrics
    widths = array("H", raw["hmtx"][: 4 * metrics])
    widths.byteswap()
    units = list(widths[0::2]) + [widths[-2]] * (count - metrics)

    def scaled(value: int) -> int:
        return round(value * 1000 / upm)

    loca = array("I" if head.indexToLocFormat else "H", raw["loca"])
    loca.byteswap()
    offsets = array("I", loca if head.indexToLocFormat else (2 * x for x in loca))
    os2 = tt.get("OS/2")
    hhea = tt["hhea"]
    return FontFace(
        name=name,
        cmap=cmap,
        advances=array("i", map(scaled, units)),
        units_per_em=upm,
        tables={tag: bytes(raw[tag]) for tag in raw if tag not in ("loca", "glyf")},
        loca=offsets[: count + 1],
        glyf=bytes(raw["glyf"]),
        bbox=(scaled(head.xMin), scaled(head.yMin), scaled(head.xMax), scaled(head.yMax)),
        ascent=scaled(hhea.ascent),
        descent=scaled(hhea.descent),
        cap_height=scaled(getattr(os2, "sCapHeight", 0) or hhea.ascent),
    )
