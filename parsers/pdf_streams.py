"""How far a PDF's streams inflate, measured before PDFium opens it. Pure: no IO.

PDFium ends the process (abort) when an allocation fails, where pdfminer raises MemoryError:
under the parse child's address-space limit a decompression bomb (a 200 KB PDF whose content
inflates to 1 GB, ``tests/hostile.py``) would kill the child instead of being reported as a
mail over the memory limit, and without the limit it would take the worker's memory. So
before PDFium reads a PDF, :func:`check_expansion` inflates its streams with zlib, counting,
and stops at :data:`INFLATE_BUDGET` bytes.

Streams are found by their ``stream`` keyword in the raw file (every stream PDFium can read
has one), each with the filters named in the dictionary before it. Image streams are not
counted: PDFium does not decode images to read text. A PDF is declined
(:class:`PdfiumDeclinedError`) when its streams inflate past the budget, when it is encrypted
(its streams cannot be inflated without the key), or when a stream has a filter whose output
cannot be bounded cheaply here (LZW, run length, a name spelled with ``#`` escapes, a filter
given by reference). Declined PDFs are read with pdfplumber.
"""

from __future__ import annotations

import base64
import binascii
import re
import string
import zlib

#: Bytes all non-image streams of a PDF may inflate to for PDFium to read it.
INFLATE_BUDGET = 32 * 1024 * 1024
#: The most deflate can inflate a byte to (258 bytes per 2-bit code: 1032; with margin).
MAX_DEFLATE_RATIO = 1100
#: zlib input and output per step while counting.
_CHUNK = 1 << 20
_HEX_DIGITS = frozenset(string.hexdigits)
_FLATE = frozenset({b"FlateDecode", b"Fl"})
#: Filters whose output is no longer than their input.
_SHRINKING = frozenset({b"ASCIIHexDecode", b"AHx", b"ASCII85Decode", b"A85"})
#: Image codecs: PDFium decodes them only to render.
_IMAGE_CODECS = frozenset(
    {b"DCTDecode", b"DCT", b"JPXDecode", b"CCITTFaxDecode", b"CCF", b"JBIG2Decode"}
)
_STREAM_RE = re.compile(rb"(?<!end)stream[ \t]*(?:\r\n|\r|\n)?")
_OBJ_RE = re.compile(rb"\d+\s+\d+\s+obj\b")
_FILTER_RE = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>()%]*|\S)")
_NAME_RE = re.compile(rb"/([^\s/\[\]<>()%]*)")
_IMAGE_RE = re.compile(rb"/Subtype\s*/Image\b")


class PdfiumDeclinedError(Exception):
    """PDFium should not read this PDF; ``reason`` says why (read it with pdfplumber)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_expansion(data: bytes, *, budget: int = INFLATE_BUDGET) -> int:
    """At most how many bytes the non-image streams of ``data`` inflate to: a stream whose
    deflate ratio cannot take the total past ``budget`` is counted at that ratio, others are
    inflated and measured.

    Raises:
        PdfiumDeclinedError: encrypted, past ``budget``, or a filter that cannot be measured.
    """
    if b"/Encrypt" in data:
        raise PdfiumDeclinedError("encrypted")
    total = 0
    since = 0
    for match in _STREAM_RE.finditer(data):
        head = _dictionary(data, since, match.start())
        since = match.end()
        filters = _filters(head)
        if not filters or _IMAGE_RE.search(head):
            continue
        chain = _chain(filters)
        end = data.find(b"endstream", since)
        end = len(data) if end < 0 else end
        bound = (end - since) * MAX_DEFLATE_RATIO ** sum(f in _FLATE for f in chain) + 1024
        if total + bound > budget:
            bound = _decoded_size(memoryview(data)[since:end], chain, budget - total)
        total += bound
    return total


def _dictionary(data: bytes, since: int, stream: int) -> bytes:
    """The text from the last ``N G obj`` before ``stream`` (not before ``since``)."""
    head = data[since:stream]
    starts = [match.start() for match in _OBJ_RE.finditer(head)]
    return head[starts[-1] :] if starts else head


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


def _decoded_size(raw: memoryview, chain: list[bytes], budget: int) -> int:
    """The size of ``raw`` decoded by ``chain``.

    Raises:
        PdfiumDeclinedError: past ``budget`` bytes.
    """
    data: bytes | memoryview = raw
    for name in chain:
        if name in _FLATE:
            data = _inflate(memoryview(data), budget)
        elif name in (b"ASCII85Decode", b"A85"):
            data = _ascii85(bytes(data))
        else:
            data = _hex(bytes(data))
    return len(data)


def _ascii85(data: bytes) -> bytes:
    end = data.find(b"~>")
    try:
        return base64.a85decode(data[: end if end >= 0 else len(data)])
    except ValueError:
        return b""  # damaged: PDFium stops too


def _hex(data: bytes) -> bytes:
    end = data.find(b">")
    digits = bytes(c for c in data[: end if end >= 0 else len(data)] if chr(c) in _HEX_DIGITS)
    return binascii.unhexlify(digits + b"0" * (len(digits) % 2))


def _inflate(source: memoryview, budget: int) -> bytes:
    """zlib data at the start of ``source`` inflated (up to where it ends or breaks).

    Raises:
        PdfiumDeclinedError: it inflates past ``budget`` bytes.
    """
    inflater = zlib.decompressobj()
    out = bytearray()
    offset = 0
    pending = b""
    try:
        while not inflater.eof:
            if not pending:
                if offset >= len(source):
                    break
                pending = bytes(source[offset : offset + _CHUNK])
                offset += len(pending)
            out += inflater.decompress(pending, _CHUNK)
            if len(out) > budget:
                raise PdfiumDeclinedError("streams inflate past the budget")
            pending = inflater.unconsumed_tail
    except zlib.error:
        pass  # damaged data: PDFium's inflater stops here too
    return bytes(out)
