"""From a string to the glyphs the PDF draws for it, left to right, and their widths.

1. Control characters (Unicode category Cc) are dropped; an unpaired surrogate becomes
   U+FFFD; the text is put in NFC, so ``e`` + combining acute is drawn as the one glyph ``é``.
2. Text with right-to-left letters (Hebrew, Arabic, …) is shaped and put in visual order:
   ``arabic-reshaper`` picks each Arabic letter's contextual form (initial, medial, final,
   isolated, as Unicode presentation forms, and the lam-alef ligatures) and ``python-bidi``
   reorders by the Unicode bidirectional algorithm (UAX #9). Both are small, maintained
   libraries doing one job each; a full shaper (HarfBuzz) would position glyphs through the
   fonts' GPOS tables, which Latin, Greek, Cyrillic, Hebrew, Arabic and CJK names do not need
   once Arabic is in presentation forms (DejaVu Sans has them all). Only the ligatures the
   font has are used (``config_for_true_type_font``); diacritics (harakat) are kept.
3. Per character, the first font of the style's chain (:data:`outbound.font_files.CHAINS`)
   with a glyph draws it. A character no font has is drawn as U+FFFD (�), visible, unless it
   is an invisible format character (category Cf, variation selectors), which is dropped.

Each glyph says which text it stands for (the PDF's ToUnicode map): the character itself,
U+FFFD for a replacement, and for an Arabic or Hebrew presentation form its compatibility
decomposition (NFKC): the base letter, or both letters of a lam-alef, given right to left like
the run they are drawn in. Pure once the fonts are
loaded (:func:`outbound.font_files.load_face`, once per process).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import NamedTuple

import arabic_reshaper
from bidi import get_display

from outbound.font_files import CHAINS, FontFile, FontName, find_font, load_face

#: Every font any chain uses, in a fixed order: a glyph's ``font`` indexes this.
FONTS: tuple[FontFile, ...] = tuple(dict.fromkeys(f for chain in CHAINS.values() for f in chain))
REPLACEMENT = "\ufffd"
#: Strong right-to-left letters and the Arabic and Hebrew presentation forms.
_RTL = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


class Glyph(NamedTuple):
    """A glyph: ``font`` indexes :data:`FONTS`, -1 for a character that is not drawn."""

    font: int
    gid: int
    width: int  # thousandths of the font size
    text: str  # what it stands for (ToUnicode)


_SKIP = Glyph(-1, 0, 0, "")


def _stands_for(ch: str) -> str:
    code = ord(ch)
    if not (0xFB1D <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF):
        return ch
    letters = unicodedata.normalize("NFKC", ch)  # a presentation form: its base letter(s)
    if len(letters) > 1 and not any(map(unicodedata.combining, letters)):
        # A ligature (lam-alef) of a right-to-left run: its letters in drawing order, so a
        # reader that reverses the run into logical order (PDFium, Acrobat) gets them right.
        return letters[::-1]
    return letters


class GlyphTable(dict[str, Glyph]):
    """Character → glyph for one style, filled as characters are first asked for."""

    def __init__(self, style: FontName) -> None:
        super().__init__()
        self._chain = CHAINS[style]
        for font in self._chain:  # every font of the chain must be there, not just the first
            find_font(font)

    def __missing__(self, ch: str) -> Glyph:
        self[ch] = glyph = self._resolve(ch)
        return glyph

    def _resolve(self, ch: str) -> Glyph:
        code = ord(ch)
        for font in self._chain:
            face = load_face(font)
            gid = face.cmap.get(code)
            if gid:
                return Glyph(FONTS.index(font), gid, face.advances[gid], _stands_for(ch))
        category = unicodedata.category(ch)
        if category in ("Cc", "Cf") or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:
            return _SKIP  # invisible: controls, format characters, variation selectors
        return self[REPLACEMENT if ch != REPLACEMENT else "?"]


@cache
def glyph_table(style: FontName) -> GlyphTable:
    """The (growing) character → glyph table of ``style``, one per process."""
    return GlyphTable(style)


class WidthTable(dict[str, int]):
    """Character → width in thousandths for one style: ``sum(map(table.__getitem__, s))``
    measures a string without a Python-level loop."""

    def __init__(self, style: FontName) -> None:
        super().__init__()
        self._glyphs = glyph_table(style)

    def __missing__(self, ch: str) -> int:
        self[ch] = width = self._glyphs[ch].width
        return width


@cache
def width_table(style: FontName) -> WidthTable:
    """The (growing) character → width table of ``style``, one per process."""
    return WidthTable(style)


@cache
def _reshaper(style: FontName) -> arabic_reshaper.ArabicReshaper:
    path = find_font(CHAINS[style][0])
    config = arabic_reshaper.config_for_true_type_font(
        str(path), arabic_reshaper.ENABLE_LETTERS_LIGATURES
    )
    return arabic_reshaper.ArabicReshaper(configuration={**config, "delete_harakat": False})


def clean(text: str) -> str:
    """``text`` without control characters, surrogates replaced, in NFC."""
    if not text.isascii():
        if _SURROGATE.search(text):
            text = _SURROGATE.sub(REPLACEMENT, text)
        text = unicodedata.normalize("NFC", text)
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    return text


def is_shaped(text: str) -> bool:
    """Whether ``text`` (cleaned) needs shaping and reordering: it has right-to-left text."""
    return not text.isascii() and _RTL.search(text) is not None


def visual(text: str, style: FontName) -> str:
    """``text`` (cleaned) as drawn from left to right: shaped and reordered when it has
    right-to-left letters, else as it is."""
    if not is_shaped(text):
        return text
    return str(get_display(_reshaper(style).reshape(text)))


def width_of(drawn: str, style: FontName) -> int:
    """The width of ``drawn`` (as :func:`visual` returns it) in thousandths of the font size."""
    return sum(map(width_table(style).__getitem__, drawn))
