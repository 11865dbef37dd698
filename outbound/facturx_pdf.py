"""A Factur-X / ZUGFeRD invoice: the invoice PDF made PDF/A-3 with the CII XML embedded as
``factur-x.xml`` (profile EN 16931), by the ``factur-x`` package (Akretion's reference
implementation: the attachment with ``AFRelationship /Data``, the ``/AF`` array, the XMP
metadata with the Factur-X extension schema, PDF 1.6 header; it works on pypdf).

Deterministic bytes: factur-x stamps the document information, the attachment and the XMP
metadata with the clock (its private ``_get_pdf_timestamp`` and ``_get_metadata_timestamp``).
The document's moment is the caller's (``created``), so those two are replaced for the call,
under a lock; a factur-x release that renames them makes :func:`embed_facturx` fail loudly
rather than fall back to the clock (the module-attribute check below). The third replaced
function, ``_prepare_pdf_metadata_txt``, is wrapped to make the document information's
``/Producer`` the XMP's (``pypdf``): factur-x leaves ours (``arbox``) in place, and PDF/A
wants the two to agree.

What PDF/A-3 asks of the PDF itself is the writer's part (:mod:`outbound.pdf_writer`): every
font embedded with a ToUnicode map, no transparency, no encryption. veraPDF is not available
here, so conformance is checked as far as factur-x checks it (XSD of the XML, the XMP and
attachment structure read back by ``facturx.get_xml_from_pdf``).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import facturx
from facturx import facturx as facturx_module

from core.invoicing import IssuedInvoice

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

_LOCK = threading.Lock()
_PATCHED = ("_get_pdf_timestamp", "_get_metadata_timestamp", "_prepare_pdf_metadata_txt")
#: The producer factur-x writes into the XMP metadata (pypdf writes the file); the document
#: information says the same, as PDF/A wants the two to agree (ISO 19005-3, 6.6.2.3).
_PRODUCER = "pypdf"


def embed_facturx(
    pdf: bytes, cii_xml: bytes, *, invoice: IssuedInvoice, created: datetime, lang: str
) -> bytes:
    """``pdf`` as a Factur-X EN 16931 invoice carrying ``cii_xml``, dated ``created`` (aware).

    The XML is not checked here (the tests validate what :mod:`outbound.einvoice_cii`
    writes against the XSD and the Schematron); checking 10,000 of them at issue time would
    double the time an invoice takes.
    """
    draft = invoice.draft
    moment = created.astimezone(UTC)
    metadata = {
        "author": draft.seller.name,
        "keywords": "Factur-X, Invoice",
        "title": f"{draft.seller.name}: {draft.document_type.name.title()} {draft.number}",
        "subject": f"Factur-X {draft.document_type.value} {draft.number}",
    }
    stream = _InPlace(pdf)
    with _LOCK, _FixedClock(moment):
        facturx.generate_from_file(
            stream,
            cii_xml,
            flavor="factur-x",
            level="en16931",
            check_xsd=False,
            pdf_metadata=metadata,
            lang=lang.replace("_", "-"),
        )
    return stream.getvalue()


class _InPlace(io.BytesIO):
    """The PDF factur-x reads, then the PDF it writes: the first write starts the buffer
    anew. ``generate_from_binary`` would write the bytes to a named temporary file on disk
    and let pypdf read it through ``tempfile``'s wrapper, call by call: this halves the time
    of an embedding (10 → 5 ms, bench/einvoice.py)."""

    _written = False

    def write(self, data: ReadableBuffer, /) -> int:
        if not self._written:
            self._written = True
            self.seek(0)
            self.truncate()
        return super().write(data)


class _FixedClock:
    """Replaces factur-x's two clock readings with ``moment`` for the duration."""

    def __init__(self, moment: datetime) -> None:
        self._moment = moment
        self._saved: dict[str, Callable[..., Any]] = {}

    def __enter__(self) -> None:
        for name in _PATCHED:
            if not hasattr(facturx_module, name):
                raise RuntimeError(f"factur-x has no {name}: its dates would be the clock's")
            self._saved[name] = getattr(facturx_module, name)
        pdf_date = self._moment.strftime("D:%Y%m%d%H%M%S+00'00'")
        xmp_date = self._moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")
        facturx_module._get_pdf_timestamp = lambda date=None: pdf_date
        facturx_module._get_metadata_timestamp = lambda: xmp_date
        prepare = self._saved["_prepare_pdf_metadata_txt"]
        facturx_module._prepare_pdf_metadata_txt = lambda metadata: {
            **prepare(metadata),
            "/Producer": _PRODUCER,
        }

    def __exit__(self, *_: object) -> None:
        for name, function in self._saved.items():
            setattr(facturx_module, name, function)
