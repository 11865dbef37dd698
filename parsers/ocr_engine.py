"""Words, boxes and confidences of a page image, recognised by Tesseract through tesserocr.
Pure: no IO but reading the language data.

Why tesserocr and not pytesseract (measured on the rendered ``cobalt_sap_advice`` page at
300 dpi, ``bench/ocr.py`` and the commit that added this module): tesserocr calls
libtesseract (5.5, bundled in its wheel) in this process: 0.43 s of CPU for the page, no
process to start, no image to encode, and the words come with their boxes and confidences
from the result iterator. pytesseract runs the ``tesseract`` program for each call and reads
its TSV: 0.58 s of CPU (0.05 s here, 0.53 s in the program) for the same page, and
``subprocess`` is a module the parsers may not import (the import-linter contract: parsers
are pure). In-process also means the parse child's memory and CPU limits bound the
recogniser itself.

A page is recognised in three steps: its orientation is found with Tesseract's OSD (on a
half-size copy; a page turned 90, 180 or 270 degrees is turned back when OSD is sure
enough), its skew is removed (:func:`parsers.ocr_images.straighten`), and it is recognised
with automatic page segmentation. Each word keeps its box, with the top and bottom of its
text line (a word's own box is as tall as its letters: "ooo" is lower than "Hello"; the
layout reader groups words into lines by their tops), in points at the page's resolution,
and its confidence (0-100).

One engine per language set and data path is kept per process (loading the language data
takes a tenth of a second); the engines are not thread-safe and all recognition runs under
:data:`OCR_LOCK`. OCR runs only in the parse child (``worker.inbound.pool``).
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass

import tesserocr  # type: ignore[import-untyped]
from PIL import Image

from core.errors import UnreadableDocumentError
from parsers.ocr_pages import straighten, without_rules
from parsers.pdf_text import Word

#: Where Debian's ``tesseract-ocr-*`` packages put the language data.
DEFAULT_TESSDATA = "/usr/share/tesseract-ocr/5/tessdata"
#: OSD turns a page only when its orientation confidence is at least this.
MIN_ORIENTATION_CONFIDENCE = 2.0
#: OSD looks at a copy of the page at most this long (pixels): enough, at half the cost.
_OSD_LONG_SIDE = 1800

#: What a table border left as a "letter" at a word's ends ("|", "]", "_"): cut off, and a
#: word of nothing else is no word (the rules of a photographed table are not straight
#: enough to be erased before recognition).
_RULE_MARKS = "|[]{}_"

#: An amount with a speck read after it ("675.00," where the paper had a dot of dirt).
_AMOUNT_TAIL_RE = re.compile(r"^(.*\d[.,]\d{2})[.,;:'`]$")

#: An amount whose decimal mark was read as the mark that groups its thousands ("3,468,43"
#: for "3,468.43" on a fax, where a dot and a comma are a few pixels apart; "9.701.29" for
#: "9.701,29"): two digits after the last of marks that are all alike, each before it
#: grouping three digits. Written either way, such an amount cannot be anything else.
_ONE_MARK_RE = re.compile(r"^([-+(]?[$€£]?\d{1,3}(?:([.,])\d{3})+)\2(\d{2}\)?)$")
_OTHER_MARK = {",": ".", ".": ","}

#: Tesseract's page segmentation mode: automatic (columns, blocks), or one block of text.
PAGE_MODE = tesserocr.PSM.AUTO
TOO_LONG = "OCR took longer than its time limit"

OCR_LOCK = threading.Lock()
_ENGINES: dict[tuple[str, str], _Engine] = {}


@dataclass(frozen=True, slots=True)
class OcrWord:
    """A recognised word (coordinates in points) and the recogniser's confidence (0-100)."""

    word: Word
    confidence: float


@dataclass(frozen=True, slots=True)
class OcrPage:
    """What one page gave: its words, the turn OSD made (degrees) and the skew removed."""

    number: int
    words: tuple[OcrWord, ...]
    turned: int
    skew: float


class _Engine:
    """A Tesseract instance for recognition and one for orientation."""

    def __init__(self, tessdata: str, languages: str) -> None:
        try:
            self.api = tesserocr.PyTessBaseAPI(
                path=tessdata, lang=languages, psm=tesserocr.PSM.AUTO
            )
            self.osd = tesserocr.PyTessBaseAPI(
                path=tessdata, lang="osd", psm=tesserocr.PSM.OSD_ONLY
            )
        except RuntimeError as e:
            raise UnreadableDocumentError(
                f"OCR unavailable: no Tesseract data for {languages!r} (and osd) in {tessdata}"
            ) from e


def _engine(tessdata: str, languages: str) -> _Engine:
    key = (tessdata, languages)
    engine = _ENGINES.get(key)
    if engine is None:
        engine = _ENGINES[key] = _Engine(tessdata, languages)
    return engine


def recognise(
    page: Image.Image,
    *,
    number: int,
    dpi: int,
    tessdata: str = DEFAULT_TESSDATA,
    languages: str = "eng",
    deadline: float,
) -> OcrPage:
    """The words of the greyscale ``page`` (page index ``number``, scanned at ``dpi``),
    recognised before ``deadline`` (``time.monotonic()``).

    Raises:
        UnreadableDocumentError: the time ran out, or the language data is missing.
    """
    with OCR_LOCK:
        engine = _engine(tessdata, languages)
        upright, turned = _upright(engine, page)
        straight, skew = straighten(upright)
        straight = without_rules(straight)
        words = _recognised(engine, straight, number, 72.0 / dpi, deadline, PAGE_MODE)
        if not words and PAGE_MODE != tesserocr.PSM.SINGLE_BLOCK:
            # Tesseract's page layout analysis can find no text region on a page with a
            # short text high on a large white sheet; read it as one block of text.
            words = _recognised(
                engine, straight, number, 72.0 / dpi, deadline, tesserocr.PSM.SINGLE_BLOCK
            )
    return OcrPage(number=number, words=words, turned=turned, skew=skew)


def _recognised(
    engine: _Engine, page: Image.Image, number: int, scale: float, deadline: float, mode: int
) -> tuple[OcrWord, ...]:
    left_ms = int((deadline - time.monotonic()) * 1000)
    if left_ms <= 0:
        raise UnreadableDocumentError(TOO_LONG)
    engine.api.SetPageSegMode(mode)
    engine.api.SetImage(page)
    try:
        if not engine.api.Recognize(timeout=left_ms):
            raise UnreadableDocumentError(TOO_LONG)
        return _words(engine.api, number, scale)
    finally:
        engine.api.Clear()


def _upright(engine: _Engine, page: Image.Image) -> tuple[Image.Image, int]:
    """``page`` turned upright by OSD, and the turn made (degrees counter-clockwise)."""
    factor = min(1.0, _OSD_LONG_SIDE / max(page.size))
    small = (
        page
        if factor >= 1.0
        else page.resize((max(int(page.width * factor), 1), max(int(page.height * factor), 1)))
    )
    engine.osd.SetImage(small)
    found = engine.osd.DetectOrientationScript()
    engine.osd.Clear()
    if not found or found.get("orient_conf", 0.0) < MIN_ORIENTATION_CONFIDENCE:
        return page, 0
    turn = int(found.get("orient_deg", 0)) % 360
    if turn == 0:
        return page, 0
    return page.rotate(turn, expand=True, fillcolor=255), turn


def _words(api: tesserocr.PyTessBaseAPI, number: int, scale: float) -> tuple[OcrWord, ...]:
    words: list[OcrWord] = []
    iterator = api.GetIterator()
    if iterator is None:
        return ()
    word_level, line_level = tesserocr.RIL.WORD, tesserocr.RIL.TEXTLINE
    for item in tesserocr.iterate_level(iterator, word_level):
        try:
            text = (item.GetUTF8Text(word_level) or "").strip()
        except RuntimeError:  # "No text returned": an empty page's one empty element
            continue
        text = _amount_marks(_AMOUNT_TAIL_RE.sub(r"\1", text.strip(_RULE_MARKS)))
        box = item.BoundingBox(word_level)
        line = item.BoundingBox(line_level)
        if not text or box is None:
            continue
        x0, _, x1, _ = box
        top, bottom = (line[1], line[3]) if line is not None else (box[1], box[3])
        word = Word(
            text=text,
            x0=x0 * scale,
            x1=x1 * scale,
            top=top * scale,
            bottom=bottom * scale,
            page=number,
        )
        words.append(OcrWord(word=word, confidence=round(float(item.Confidence(word_level)), 1)))
    return tuple(words)


def _amount_marks(text: str) -> str:
    """``text`` with the decimal mark of an amount read as its thousands mark put right."""
    found = _ONE_MARK_RE.match(text)
    if found is None:
        return text
    return f"{found[1]}{_OTHER_MARK[found[2]]}{found[3]}"
