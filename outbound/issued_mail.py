"""The mail that carries an issued invoice or credit memo (issue 24). Pure: data in, the
outbox's bytes out (the same bytes every time for the same document and moment).

The PDF is :func:`outbound.pdf_issued_invoice.render_issued_invoice_pdf` in the customer's
locale. The e-invoice: ``factur-x`` makes that PDF a Factur-X EN 16931 PDF/A-3 carrying the
CII XML as ``factur-x.xml`` (:mod:`outbound.facturx_pdf`); ``ubl`` attaches the Peppol BIS
Billing 3.0 XML (:mod:`outbound.einvoice_ubl`) beside the PDF; ``none`` sends the PDF alone.
The words are the ``invoice_issued`` templates (en, de, fr, es, nl), whose context is
:class:`IssuedMailContext`; the Message-ID is the outbox key's
(:func:`outbound.compose.stable_message_id`), so a document is one Message-ID forever.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from core.creditor_ref import format_creditor_reference, is_creditor_reference
from core.invoicing import IssuedInvoice
from outbound.compose import stable_message_id
from outbound.issued_documents import EInvoice, render_documents
from outbound.mime_writer import Attachment, write_document_mail
from outbound.outbox import RenderedMail
from outbound.templating import render, render_subject

#: The template names (``invoice_issued.subject.j2``, ``.txt.j2``, ``.html.j2``).
TEMPLATE = "invoice_issued"


@dataclass(frozen=True, slots=True)
class IssuedMailContext:
    """What the ``invoice_issued`` templates are handed as ``doc``."""

    number: str
    is_credit_note: bool
    customer_name: str
    issue_date: date
    due_date: date
    total: Decimal
    currency: str
    #: As printed (RF references in groups of four); None for a credit note.
    payment_reference: str | None
    #: The invoice a credit note credits.
    credits: str | None
    #: ``factur-x`` or ``ubl`` when an e-invoice is attached, else None.
    einvoice: str | None


@dataclass(frozen=True, slots=True)
class IssuedMailStyle:
    """What every mail of a run shares."""

    sender: str
    domain: str
    company_name: str
    templates_dir: Path | None


def document_key(invoice: IssuedInvoice) -> str:
    """The outbox key of a document's mail (``invoice:INV-2026-000001``,
    ``credit_memo:CN-2026-000001``): its Message-ID derives from it."""
    kind = "credit_memo" if invoice.is_credit_note else "invoice"
    return f"{kind}:{invoice.draft.number}"


def mail_context(invoice: IssuedInvoice, einvoice: EInvoice) -> IssuedMailContext:
    """The templates' ``doc`` for ``invoice``."""
    draft = invoice.draft
    reference = None if invoice.is_credit_note else draft.payment_reference
    if reference and is_creditor_reference(reference):
        reference = format_creditor_reference(reference)
    return IssuedMailContext(
        number=draft.number,
        is_credit_note=invoice.is_credit_note,
        customer_name=draft.buyer.name,
        issue_date=draft.issue_date,
        due_date=draft.due_date,
        total=invoice.amount_due,
        currency=draft.currency,
        payment_reference=reference,
        credits=draft.credits.number if draft.credits else None,
        einvoice=None if einvoice == "none" else einvoice,
    )


def document_attachments(
    invoice: IssuedInvoice, *, einvoice: EInvoice, locale: str, created: datetime
) -> list[Attachment]:
    """The PDF (Factur-X when asked) and, for UBL, the XML beside it
    (:func:`outbound.issued_documents.render_documents`)."""
    documents = render_documents(invoice, locale=locale, einvoice=einvoice, created=created)
    attachments = [Attachment(filename=documents.pdf_filename, data=documents.pdf)]
    if einvoice == "ubl" and documents.xml is not None:
        name = documents.xml_filename or f"{documents.pdf_filename.removesuffix('.pdf')}.xml"
        attachments.append(Attachment(name, documents.xml, content_type="application/xml"))
    return attachments


def render_issued_mail(
    invoice: IssuedInvoice,
    *,
    to: Sequence[str],
    locale: str,
    einvoice: EInvoice,
    now: datetime,
    style: IssuedMailStyle,
) -> RenderedMail:
    """The mail of ``invoice`` to ``to``, as the outbox stores it.

    Raises:
        ValueError: no recipient, or data a payment code or e-invoice cannot carry.
    """
    context = {
        "doc": mail_context(invoice, einvoice),
        "company_name": style.company_name,
    }
    folder = style.templates_dir
    return write_document_mail(
        sender=style.sender,
        company_name=style.company_name,
        to=to,
        subject=render_subject(
            f"{TEMPLATE}.subject.j2", context, locale=locale, templates_dir=folder
        ),
        message_id=stable_message_id(document_key(invoice), domain=style.domain),
        now=now,
        text=render(f"{TEMPLATE}.txt.j2", context, locale=locale, templates_dir=folder),
        html=render(f"{TEMPLATE}.html.j2", context, locale=locale, templates_dir=folder),
        attachments=document_attachments(invoice, einvoice=einvoice, locale=locale, created=now),
    )


@dataclass(frozen=True, slots=True)
class MailJob:
    """One document's mail to render, possibly in another process."""

    invoice: IssuedInvoice
    to: tuple[str, ...]
    locale: str
    einvoice: EInvoice
    now: datetime
    style: IssuedMailStyle


def render_job(job: MailJob) -> RenderedMail:
    """:func:`render_issued_mail` of ``job`` (a top-level function: a process pool runs it)."""
    return render_issued_mail(
        job.invoice,
        to=job.to,
        locale=job.locale,
        einvoice=job.einvoice,
        now=job.now,
        style=job.style,
    )
