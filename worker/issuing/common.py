"""What issuing an invoice and a credit memo share: our company and the customer as the
document names them, who receives it and in which locale, and the transaction step that
numbers, computes, renders, stores and queues one document.

One document, one transaction (:func:`store_and_queue`): its number is taken
(:func:`ledger.numbering.next_number`), its figures computed, its PDF and e-invoice
rendered, its open item, lines and audit event written and its mail queued in the outbox, and
all of it commits together or not at all — a document that fails gives its number back (no
gap), and one that commits is sent exactly once (the outbox key and Message-ID derive from its
number).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Literal

from sqlalchemy.orm import Session

from core.config import Settings
from core.creditor_ref import creditor_reference
from core.errors import PermanentError
from core.invoice_totals import InvoicePolicy, compute_invoice
from core.invoicing import (
    Buyer,
    DocumentType,
    ElectronicAddress,
    InvoiceDraft,
    IssuedInvoice,
    PostalAddress,
    Seller,
)
from core.locales import mail_locale
from core.statuses import OutboxStatus
from ledger.bulk_runs import insert_outbox_rows
from ledger.issuing_store import (
    BillingCustomer,
    StoredDocument,
    StoredLine,
    number_taken,
    numbers_taken,
    store_document,
    store_documents,
)
from ledger.numbering import next_number
from outbound.issued_documents import EInvoice
from outbound.issued_mail import IssuedMailStyle, document_key, render_issued_mail
from outbound.outbox import RenderedMail, add_to_outbox
from outbound.recipients import Audience, allowed_recipients
from worker.runs.statements import valid_addresses

#: A contact whose role says this receives the invoices (``Billing``, ``AP invoices``,
#: ``Rechnungen``, ``facturation``); when a customer has none, every contact does.
_BILLING_ROLE = re.compile(r"bill|invoic|rechnung|factur|fattur", re.IGNORECASE)
#: The placeholder number a document is checked (and shown by ``--dry-run``) with.
NEXT = "(next)"


@dataclass(frozen=True, slots=True)
class IssuedDocument:
    """An invoice or credit memo issued (or found issued before: ``already_issued``).
    ``total`` is the gross amount, positive for both kinds."""

    number: str
    kind: Literal["invoice", "credit_memo"]
    customer_number: str
    currency: str
    total: Decimal
    invoice_id: int
    outbox_id: int | None
    already_issued: bool = False
    #: The invoice a credit memo credits.
    credits: str | None = None


class NumberTakenError(PermanentError):
    """The sequence's next number is already an invoice's (an imported one)."""


def policy(settings: Settings) -> InvoicePolicy:
    """How the company computes its documents."""
    return InvoicePolicy(rounding=settings.invoice_rounding, tax_rates=settings.allowed_tax_rates)


def seller(settings: Settings, currency: str) -> Seller:
    """Our company as a document in ``currency`` names it (the account for that currency)."""
    endpoint = None
    if settings.company_endpoint:
        scheme, _, identifier = settings.company_endpoint.partition(":")
        endpoint = ElectronicAddress(scheme.strip(), identifier.strip())
    return Seller(
        name=settings.company_name,
        address=PostalAddress(
            lines=settings.company_address_lines,
            country=settings.company_country,
            postcode=settings.company_postcode,
            city=settings.company_city,
        ),
        vat_id=settings.company_vat_id or None,
        iban=settings.iban_for(currency) or "",
        bic=settings.company_bic or None,
        email=settings.ar_address,
        endpoint=endpoint,
        qr_iban=(settings.company_qr_iban or "").replace(" ", "") or None,
    )


def buyer(customer: BillingCustomer) -> Buyer:
    """The customer as its documents name it."""
    lines = tuple(
        line.strip() for line in re.split(r"[|\n]", customer.address or "") if line.strip()
    )
    endpoint = None
    if customer.endpoint_scheme and customer.endpoint_id:
        endpoint = ElectronicAddress(customer.endpoint_scheme, customer.endpoint_id)
    return Buyer(
        customer_number=customer.number,
        name=customer.name,
        address=PostalAddress(
            lines=lines,
            country=customer.country or "",
            postcode=customer.postcode or "",
            city=customer.city or "",
        ),
        vat_id=customer.vat_id,
        endpoint=endpoint,
    )


def recipients(customer: BillingCustomer) -> tuple[str, ...]:
    """Who receives the customer's documents: its contacts whose role names billing or
    invoices, else every registered contact (only addresses :mod:`outbound.recipients`
    allows)."""
    everyone = [c.email for c in customer.contacts]
    billing = [c.email for c in customer.contacts if c.role and _BILLING_ROLE.search(c.role)]
    audience = Audience(
        customer_id=customer.id, contacts=frozenset(everyone), domain=customer.contact_domain
    )
    return allowed_recipients(valid_addresses(billing) or valid_addresses(everyone), [audience])


def locale_of(customer: BillingCustomer, to: Sequence[str], settings: Settings) -> str:
    """The locale of the customer's documents mailed to ``to`` (core.locales' resolution)."""
    return mail_locale(
        to,
        contact_locales={c.email: c.locale for c in customer.contacts},
        customer=customer.locale,
        default=settings.default_locale,
    )


def einvoice_for(customer: BillingCustomer, override: str | None, settings: Settings) -> EInvoice:
    """``--einvoice`` > the customer's setting > ``ARBOX_DEFAULT_EINVOICE``."""
    chosen = override or customer.einvoice or settings.default_einvoice
    if chosen not in ("none", "factur-x", "ubl"):
        raise PermanentError(f"e-invoice {chosen!r}: expected none, factur-x or ubl")
    return chosen  # type: ignore[return-value]


def mail_style(settings: Settings) -> IssuedMailStyle:
    """The From, domain and templates of the run.

    Raises:
        PermanentError: ``ARBOX_AR_ADDRESS`` is not set (the From of every mail).
    """
    if not settings.ar_address:
        raise PermanentError("set ARBOX_AR_ADDRESS (the From of every invoice mail)")
    return IssuedMailStyle(
        sender=settings.ar_address,
        domain=settings.ar_address.partition("@")[2],
        company_name=settings.company_name,
        templates_dir=settings.templates_dir,
    )


def payment_reference(number: str, settings: Settings) -> str:
    """The reference an invoice asks the payer to quote (``ARBOX_INVOICE_PAYMENT_REFERENCE``)."""
    if settings.invoice_payment_reference == "rf":
        return creditor_reference(number)
    return number


@dataclass(frozen=True, slots=True)
class Pending:
    """A checked document waiting for its number: the draft (numbered :data:`NEXT`), whom it
    goes to, how, and what the stored row says beside the figures."""

    draft: InvoiceDraft
    customer: BillingCustomer
    to: tuple[str, ...]
    locale: str
    einvoice: EInvoice
    issue_key: str | None = None
    credits_invoice_id: int | None = None
    action: str = "issue_invoice"
    actor: str = "issue"
    detail: tuple[tuple[str, str], ...] = ()


def store_and_queue(
    session: Session, pending: Pending, *, settings: Settings, style: IssuedMailStyle, now: datetime
) -> tuple[IssuedInvoice, int, int | None]:
    """In the caller's transaction: number ``pending``, compute, render, store and queue it;
    (the issued document, its invoice id, its outbox row id).

    Raises:
        NumberTakenError: the sequence's next number is an invoice's already.
        InvoiceDataError, ValueError: the document cannot be computed or rendered.
    """
    issued = number_and_compute(session, pending, settings=settings)
    mail = render_issued_mail(
        issued,
        to=pending.to,
        locale=pending.locale,
        einvoice=pending.einvoice,
        now=now,
        style=style,
    )
    invoice_id, outbox_id = store_rendered(session, pending, issued, mail, now=now)
    return issued, invoice_id, outbox_id


def number_and_compute(
    session: Session, pending: Pending, *, settings: Settings, check_taken: bool = True
) -> IssuedInvoice:
    """Take ``pending``'s number (in the caller's transaction) and compute its figures.

    Raises:
        NumberTakenError: the sequence's next number is an invoice's already (checked when
            ``check_taken``; else the caller checks with :func:`refuse_taken`).
        InvoiceDataError: the document cannot be computed.
    """
    draft = pending.draft
    credit = draft.document_type is DocumentType.CREDIT_NOTE
    number = next_number(
        session,
        company=settings.company_code,
        name="credit_memo" if credit else "invoice",
        year=draft.issue_date.year,
        pattern=settings.credit_number_format if credit else settings.invoice_number_format,
    )
    if check_taken and number_taken(session, number):
        raise _taken(number, credit=credit)
    reference = None if credit else payment_reference(number, settings)
    return compute_invoice(
        replace(draft, number=number, payment_reference=reference), policy=policy(settings)
    )


def _taken(number: str, *, credit: bool) -> NumberTakenError:
    setting = "ARBOX_CREDIT_NUMBER_FORMAT" if credit else "ARBOX_INVOICE_NUMBER_FORMAT"
    return NumberTakenError(
        f"the next number {number} is already an invoice's (imported): change {setting} "
        "so issued numbers cannot collide with imported ones"
    )


def refuse_taken(session: Session, issued: Sequence[IssuedInvoice]) -> None:
    """Raise NumberTakenError for the first of ``issued`` whose number an invoice has."""
    taken = numbers_taken(session, [i.draft.number for i in issued])
    for invoice in issued:
        if invoice.draft.number in taken:
            raise _taken(invoice.draft.number, credit=invoice.is_credit_note)


def store_many(
    session: Session,
    items: Sequence[tuple[Pending, IssuedInvoice, RenderedMail]],
    *,
    now: datetime,
) -> list[int]:
    """Write the documents of ``items`` and queue their mails, a few statements for all:
    the outbox row ids, in order. A taken issue key or outbox key raises IntegrityError."""
    store_documents(
        session,
        [
            (
                _stored(issued, pending),
                pending.actor,
                pending.action,
                {
                    "einvoice": pending.einvoice,
                    "recipients": list(pending.to),
                    **dict(pending.detail),
                },
            )
            for pending, issued, _ in items
        ],
        now=now,
    )
    return insert_outbox_rows(
        session,
        [
            {
                "key": document_key(issued),
                "kind": "credit_memo" if issued.is_credit_note else "invoice",
                "inbound_id": None,
                "customer_id": pending.customer.id,
                "message_id": mail.message_id,
                "sender": mail.sender,
                "recipients": ",".join(mail.recipients),
                "subject": mail.subject,
                "raw": mail.raw,
                "status": OutboxStatus.PENDING,
                "attempts": 0,
                "created_at": now,
                "enqueued_at": now,
            }
            for pending, issued, mail in items
        ],
    )


def store_rendered(
    session: Session, pending: Pending, issued: IssuedInvoice, mail: RenderedMail, *, now: datetime
) -> tuple[int, int | None]:
    """Write ``issued`` (open item, lines, audit event) and queue ``mail``: (invoice id,
    outbox row id)."""
    invoice_id = store_document(
        session,
        _stored(issued, pending),
        now=now,
        actor=pending.actor,
        action=pending.action,
        einvoice=pending.einvoice,
        recipients=list(pending.to),
        **dict(pending.detail),
    )
    outbox_id = add_to_outbox(
        session,
        key=document_key(issued),
        kind="credit_memo" if issued.is_credit_note else "invoice",
        message=mail,
        now=now,
        customer_id=pending.customer.id,
    )
    return invoice_id, outbox_id


def _stored(issued: IssuedInvoice, pending: Pending) -> StoredDocument:
    draft = issued.draft
    sign = -1 if issued.is_credit_note else 1
    return StoredDocument(
        number=draft.number,
        customer_id=pending.customer.id,
        issue_date=draft.issue_date,
        due_date=draft.due_date,
        amount=sign * issued.amount_due,
        currency=draft.currency,
        terms=draft.terms,
        payment_reference=draft.payment_reference,
        po_number=draft.po_number,
        notes="\n".join(draft.notes) or None,
        net_total=sign * issued.total_net,
        tax_total=sign * issued.total_tax,
        einvoice=None if pending.einvoice == "none" else pending.einvoice,
        issue_key=pending.issue_key,
        credits_invoice_id=pending.credits_invoice_id,
        lines=tuple(
            StoredLine(
                description=f.line.description,
                quantity=f.line.quantity,
                unit_code=f.line.unit_code,
                unit_price=f.line.unit_price,
                tax_category=str(f.line.tax_category.value),
                tax_rate=f.line.tax_rate,
                net=f.net,
                tax=f.tax,
            )
            for f in issued.lines
        ),
    )
