"""What PDFium would make of a PDF's streams, bounded before PDFium opens it. Pure: no IO.

PDFium ends the process (abort) when an allocation fails, where pdfminer raises MemoryError:
under the parse child's address-space limit a bomb would kill the child instead of being
reported as a mail over the memory limit, and without the limit it would take the worker's
memory. Two kinds of PDF make PDFium allocate far more than the file's size, both measured
here: a decompression bomb (a 200 KB PDF whose content inflates to 1 GB,
``tests/hostile.py``), and page content that PDFium turns into objects (8 MB of path
operators took 160 MB; a 2.5 KB PDF of form XObjects invoking each other 20 times over five
levels ended PDFium under a 1 GiB limit). So before PDFium reads a PDF,
:func:`check_expansion` looks at every stream, found by its ``stream`` keyword in the raw file
(every stream PDFium can read has one), with the filters its dictionary names:

- images, metadata and embedded files are left alone (PDFium does not decode them to read
  text);
- fonts, object and cross-reference streams, CMaps and colour profiles count towards
  :data:`DATA_BUDGET`: at the most deflate can inflate them to, or, where that is too much,
  inflated and measured;
- everything else is page content (pages, form XObjects, Type 3 glyphs, patterns): inflated,
  measured and searched for ``Do`` (the operator that draws an XObject). The content PDFium
  may parse is at most the pages' content plus, for each ``Do`` in it, a form XObject,
  which may itself draw forms as deep as there are forms; that bound must stay within
  :data:`CONTENT_BUDGET`.

A PDF is declined (:class:`PdfiumDeclinedError`, then read with pdfplumber) past a budget, when
it is encrypted (its streams cannot be inflated without the key), or when a stream has a
filter whose output cannot be bounded cheaply here (LZW, run length, a name spelled with
``#`` escapes, a filter given by reference).
"""

from __future__ import annotations

import base64
import binascii
import re
import string
import zlib
from dataclasses import dataclass, field

#: Bytes of fonts and other data streams PDFium may keep in memory for one PDF.
DATA_BUDGET = 128 * 1024 * 1024
#: Bytes of page content PDFium may parse into objects for one PDF (about 20 times that in
#: memory, measured).
CONTENT_BUDGET = 8 * 1024 * 1024
#: The most deflate can inflate a byte to (258 bytes per 2-bit code: 1032; with margin).
MAX_DEFLATE_RATIO = 1100
#: zlib input and output per step while counting.
_CHUNK = 1 << 20
#: Past this the bound on parsed content is only "too much".
_NO_LIMIT = 1 << 62
_FLATE = frozenset({b"FlateDecode", b"Fl"})
#: Filters whose output is no longer than their input.
_SHRINKING = frozenset({b"ASCIIHexDecode", b"AHx", b"ASCII85Decode", b"A85"})
#: Image codecs: PDFium decodes them only to render.
_IMAGE_CODECS = frozenset(
    {b"DCTDecode", b"DCT", b"JPXDecode", b"CCITTFaxDecode", b"CCF", b"JBIG2Decode"}
)
_HEX_DIGITS = frozenset(string.hexdigits)
_STREAM_RE = re.compile(rb"(?<!end)stream[ \t]*(?:\r\n|\r|\n)?")
_OBJ_RE = re.compile(rb"\d+\s+\d+\s+obj\b")
_FILTER_RE = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>()%]*|\S)")
_NAME_RE = re.compile(rb"/([^\s/\[\]<>()%]*)")
_SKIPPED_RE = re.compile(rb"/Subtype\s*/Image\b|/Type\s*/(?:Metadata|EmbeddedFile)\b")
_DATA_RE = re.compile(
    rb"/Length[123]\b|/Subtype\s*/(?:Type1C|CIDFontType0C|OpenType)\b"
    rb"|/Type\s*/(?:ObjStm|XRef|CMap)\b|/N\s+\d"
)
_FORM_RE = re.compile(rb"/Subtype\s*/Form\b")
_OBJ_NUMBER_RE = re.compile(rb"(\d+)\s+\d+\s+obj\b")
_REF_RE = re.compile(rb"(\d+)\s+\d+\s+R\b")
_INDIRECT_RESOURCES_RE = re.compile(rb"/Resources\s*\d+\s+\d+\s+R\b")
#: A string without nested parentheses (escaped characters allowed).
_STRING_RE = re.compile(rb"\((?:\\.|[^\\()])*\)", re.DOTALL)
_A85_RE = re.compile(rb"[!-uz\s]*")
_ESCAPE_RE = re.compile(rb"#([0-9A-Fa-f]{2})")
_BLANKS = b" \t\r\n\x0c\x00"
#: How far before its ``stream`` keyword a stream's dictionary is looked for.
HEAD_WINDOW = 4096
#: The operator that draws an XObject.
_DO_RE = re.compile(rb"(?<![^\s\]>)/])Do(?![^\s\[<(/%])")


class PdfiumDeclinedError(Exception):
    """PDFium should not read this PDF; ``reason`` says why (read it with pdfplumber)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Expansion:
    """What the streams of a PDF come to: data bytes (fonts and the like; some at their
    deflate bound), page content bytes and the ``Do`` in them, and per form XObject its
    size and ``Do`` count."""

    data: int = 0
    content: int = 0
    calls: int = 0
    forms: list[tuple[int, int]] = field(default_factory=list)
    #: Per form that draws forms (by object number): the objects its dictionary names, or
    #: None when its resources are given by reference (not seen here).
    drawing: dict[int, frozenset[int] | None] = field(default_factory=dict)

    @property
    def parsed(self) -> int:
        """At most how many bytes of content PDFium parses: each ``Do`` of the pages may
        draw the largest form, each ``Do`` of a form another form, as deep as there are
        forms (PDFium does not enter a form it is already in)."""
        if not self.forms:
            return self.content
        largest = max(size for size, _ in self.forms)
        fan = max(calls for _, calls in self.forms)
        deepest, level = 0, 1
        for _ in self.forms:  # as deep as there are forms
            deepest += level
            level *= fan
            if deepest > _NO_LIMIT:
                break
        return self.content + self.calls * largest * deepest


def check_expansion(
    data: bytes, *, content_budget: int = CONTENT_BUDGET, data_budget: int = DATA_BUDGET
) -> Expansion:
    """What the streams of ``data`` come to (see the module docstring).

    Raises:
        PdfiumDeclinedError: encrypted, past a budget, or a filter that cannot be measured.
    """
    if b"/Encrypt" in data:
        raise PdfiumDeclinedError("encrypted")
    found = Expansion()
    since = 0
    for match in _STREAM_RE.finditer(data):
        head = _dictionary(data, max(since, match.start() - HEAD_WINDOW), match.start())
        since = match.end()
        if _SKIPPED_RE.search(head):
            continue
        end = data.find(b"endstream", since)
        raw = memoryview(data)[since : len(data) if end < 0 else end]
        chain = _sniffed(_chain(_filters(head)), raw)
        if _DATA_RE.search(head):
            found.data += _data_size(raw, chain, data_budget - found.data)
            continue
        content = _decoded(raw, chain, content_budget)
        calls = len(_DO_RE.findall(content))
        if _FORM_RE.search(head):
            found.forms.append((len(content), calls))
            number = _OBJ_NUMBER_RE.search(head)
            if calls and number is not None:
                seen = None if _INDIRECT_RESOURCES_RE.search(head) else _refs(head)
                found.drawing[int(number.group(1))] = seen
        else:
            found.content += len(content)
            found.calls += calls
    if found.parsed > content_budget:
        raise PdfiumDeclinedError("page content may expand past the budget")
    if _may_draw_itself(found.drawing):
        raise PdfiumDeclinedError("a form may draw itself")
    return found


def _refs(head: bytes) -> frozenset[int]:
    return frozenset(int(n) for n in _REF_RE.findall(head))


def _may_draw_itself(drawing: dict[int, frozenset[int] | None]) -> bool:
    """Whether a form that draws forms may, through them, draw itself: its resources name
    it (or a form that leads back to it), or are given by reference and cannot be followed
    here. PDFium spins on a 1.2 KB form drawing itself twice (measured: 20 s and on), where
    pdfminer refuses the circular reference."""
    if any(refs is None for refs in drawing.values()):
        return True
    graph = {form: (refs or frozenset()) & drawing.keys() for form, refs in drawing.items()}
    done: set[int] = set()

    def cycle(form: int, path: set[int]) -> bool:
        if form in path:
            return True
        if form in done:
            return False
        path.add(form)
        if any(cycle(nxt, path) for nxt in graph[form]):
            return True
        path.discard(form)
        done.add(form)
        return False

    return any(cycle(form, set()) for form in graph)


def _dictionary(data: bytes, since: int, stream: int) -> bytes:
    """The dictionary before ``stream``: from the last ``N G obj`` (not before ``since``),
    its strings taken out (a string may hold any text) and ``#`` escapes in names spelled
    out (``/Fl#61teDecode`` is ``/FlateDecode`` to PDFium)."""
    head = data[since:stream]
    starts = [match.start() for match in _OBJ_RE.finditer(head)]
    head = head[starts[-1] :] if starts else head
    if b"#" in head:
        head = _ESCAPE_RE.sub(lambda m: bytes([int(m.group(1), 16)]), head)
    while b"(" in head:
        shorter = _STRING_RE.sub(b"()", head)
        if shorter == head:
            return head.replace(b"(", b" ")
        head = shorter
    return head


def _sniffed(chain: list[bytes], raw: memoryview) -> list[bytes]:
    """``chain``, led by Flate (or ASCII85) where the data looks like it and the dictionary
    did not say so: a dictionary this module misreads must not hide a deflated bomb."""
    if chain:
        return chain
    head = bytes(raw[:64]).lstrip()
    if len(head) >= 2 and head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0:
        return [b"FlateDecode"]
    tail = bytes(raw[-64:]).rstrip()
    if tail.endswith(b"~>") and _A85_RE.fullmatch(head):
        return [b"ASCII85Decode"]
    return chain


def _filters(head: bytes) -> list[bytes]:
    """The filter names of a stream dictionary, in decoding order."""
    match = _FILTER_RE.search(head)
    if match is None:
        return []
    value = match.group(1)
    if not value.startswith((b"[", b"/")):
        raise PdfiumDeclinedError("a filter given by reference")
    return _NAME_RE.findall(value)


def _chain(filters: list[bytes]) -> list[bytes]:
    """The filters PDFium applies to read text: up to the first image codec.

    Raises:
        PdfiumDeclinedError: a filter whose output this module cannot bound.
    """
    chain: list[bytes] = []
    for name in filters:
        if name in _IMAGE_CODECS:
            break
        if name not in _FLATE and name not in _SHRINKING:
            raise PdfiumDeclinedError(f"filter {name.decode('latin-1')!r}")
        chain.append(name)
    return chain


def _data_size(raw: memoryview, chain: list[bytes], budget: int) -> int:
    """The size of a data stream: its deflate bound when that fits ``budget``, else its
    decoded size.

    Raises:
        PdfiumDeclinedError: past ``budget`` bytes.
    """
    bound = len(raw) + 1024
    for name in chain:
        bound *= MAX_DEFLATE_RATIO if name in _FLATE else 1
    if bound <= budget:
        return bound
    if chain in ([b"FlateDecode"], [b"Fl"]):
        return _inflate(raw, budget, keep=False)[1]  # the size only: nothing kept
    return len(_decoded(raw, chain, budget))


def _decoded(raw: memoryview, chain: list[bytes], budget: int) -> bytes:
    """``raw`` decoded by ``chain``.

    Raises:
        PdfiumDeclinedError: past ``budget`` bytes.
    """
    data: bytes = bytes(raw) if not chain or chain[0] not in _FLATE else b""
    for number, name in enumerate(chain):
        if name in _FLATE:
            data = _inflate(raw if number == 0 else memoryview(data), budget)[0]
        elif name in (b"ASCII85Decode", b"A85"):
            data = _ascii85(data)
        else:
            data = _hex(data)
    if len(data) > budget:
        raise PdfiumDeclinedError("streams inflate past the budget")
    return data


def _ascii85(data: bytes) -> bytes:
    """ASCII85 text decoded up to its ``~>``; damaged text gives nothing (PDFium stops too)."""
    end = data.find(b"~>")
    try:
        return base64.a85decode(data[: end if end >= 0 else len(data)], ignorechars=_BLANKS)
    except ValueError:
        return b""


def _hex(data: bytes) -> bytes:
    end = data.find(b">")
    digits = bytes(c for c in data[: end if end >= 0 else len(data)] if chr(c) in _HEX_DIGITS)
    return binascii.unhexlify(digits + b"0" * (len(digits) % 2))


def _inflate(source: memoryview, budget: int, *, keep: bool = True) -> tuple[bytes, int]:
    """zlib data at the start of ``source`` inflated (up to where it ends or breaks), and
    its size; with ``keep`` false only the size is kept.

    Raises:
        PdfiumDeclinedError: it inflates past ``budget`` bytes.
    """
    inflater = zlib.decompressobj()
    out = bytearray()
    size = 0
    offset = 0
    pending = b""
    try:
        while not inflater.eof:
            if not pending:
                if offset >= len(source):
                    break
                pending = bytes(source[offset : offset + _CHUNK])
                offset += len(pending)
            piece = inflater.decompress(pending, _CHUNK)
            size += len(piece)
            if size > budget:
                raise PdfiumDeclinedError("streams inflate past the budget")
            if keep:
                out += piece
            pending = inflater.unconsumed_tail
    except zlib.error:
        pass  # damaged data: PDFium's inflater stops here too
    return bytes(out), size
