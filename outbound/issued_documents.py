"""The files an issued invoice or credit note is sent as, per the customer's e-invoice
setting (issue 24's ``--einvoice none|factur-x|ubl``). Pure: data in, bytes out.

- ``none``: the PDF.
- ``factur-x``: the PDF made Factur-X EN 16931 (PDF/A-3 with ``factur-x.xml``); the CII
  XML is returned too, for the record.
- ``ubl``: the PDF and the Peppol BIS Billing 3.0 UBL XML beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from core.invoicing import IssuedInvoice
from outbound.einvoice_cii import to_cii
from outbound.einvoice_ubl import to_ubl
from outbound.facturx_pdf import embed_facturx
from outbound.pdf_issued_invoice import render_issued_invoice_pdf

EInvoice = Literal["none", "factur-x", "ubl"]


@dataclass(frozen=True, slots=True)
class IssuedDocuments:
    """The PDF (Factur-X for ``factur-x``) and, for an e-invoice, its XML."""

    pdf: bytes
    pdf_filename: str
    xml: bytes | None = None
    xml_filename: str | None = None


def render_documents(
    invoice: IssuedInvoice, *, locale: str, einvoice: EInvoice, created: datetime
) -> IssuedDocuments:
    """The documents of ``invoice`` in ``locale``, dated ``created`` (aware; the Factur-X
    metadata's moment).

    Raises:
        InvoiceDataError: an e-invoice was asked for an invoice EN 16931 cannot carry
            (a currency with three decimals).
        ValueError: ``created`` is naive, or the seller's data cannot go into the QR code.
    """
    if created.tzinfo is None:
        raise ValueError("created must be an aware datetime")
    stem = invoice.draft.number.replace("/", "-")
    pdf = render_issued_invoice_pdf(invoice, locale=locale)
    if einvoice == "factur-x":
        cii = to_cii(invoice)
        pdf = embed_facturx(pdf, cii, invoice=invoice, created=created, lang=locale)
        return IssuedDocuments(pdf, f"{stem}.pdf", cii, "factur-x.xml")
    if einvoice == "ubl":
        return IssuedDocuments(pdf, f"{stem}.pdf", to_ubl(invoice), f"{stem}.xml")
    return IssuedDocuments(pdf, f"{stem}.pdf")
