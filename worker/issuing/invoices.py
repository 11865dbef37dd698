"""``arbox invoices issue FILE``: check a file of invoices whole, then issue each (numbered,
computed, stored as an open item, mailed).

First the whole file is read (:mod:`worker.issuing.invoice_file`) and checked against the
ledger and the settings: unknown customer, a customer without a contact to mail to or without
the details its e-invoice needs, a tax rate not configured, a negative quantity, terms not
understood, a currency an e-invoice cannot carry, the same invoice twice in the file. Any
problem refuses the file: nothing is numbered, stored or sent. Currencies: any ISO 4217
currency, per invoice (a customer may be invoiced in several; aging and statements keep them
apart).

Then the invoices are issued in batches of fifty, a transaction each
(:mod:`worker.issuing.batches`): the sequence's row is locked only while a batch is written,
so concurrent runs interleave and numbers stay gap-free; an invoice whose content (its issue
key) was issued before — a re-run of the same file — is reported as such and neither numbered
nor sent again. When one fails (an imported invoice has the next number), the run stops there:
the invoices before it are issued and mailed, a re-run goes on after them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from core.config import Settings
from core.creditor_ref import creditor_reference
from core.errors import InvoiceDataError
from core.invoice_totals import compute_invoice
from core.invoicing import InvoiceDraft, InvoiceLine, IssuedInvoice
from core.payment_terms import due_date_from_terms
from core.statuses import OutboxStatus
from ledger.issuing_store import (
    BillingCustomer,
    billing_customers,
    issued_keys,
    pending_outbox_rows,
)
from outbound.einvoice_common import check_einvoice
from worker.issuing.batches import issue_all, render_pool
from worker.issuing.common import (
    NEXT,
    Pending,
    buyer,
    einvoice_for,
    locale_of,
    mail_style,
    policy,
    recipients,
    seller,
)
from worker.issuing.invoice_file import DocumentIn, IssueFileError, read_invoice_file
from worker.runs.statements import SentStatements, send_statements
from worker.services import Services


@dataclass(frozen=True, slots=True)
class Outcome:
    """One invoice of the file: ``issued`` now, ``already`` issued by an earlier run, or
    ``planned`` (a dry run; ``number`` is ``(next)``)."""

    where: str
    status: str
    number: str
    customer_number: str
    total: Decimal
    currency: str
    einvoice: str
    to: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class IssueRun:
    """What a run did; ``stopped`` is why it stopped before the end (None: it did not)."""

    outcomes: tuple[Outcome, ...]
    sent: SentStatements | None
    queued: int
    stopped: str | None = None


@dataclass(frozen=True, slots=True)
class _Planned:
    doc: DocumentIn
    key: str
    pending: Pending
    preview: IssuedInvoice
    already: tuple[str, Decimal] | None


def issue_invoices(
    svc: Services,
    path: Path,
    *,
    einvoice: str | None = None,
    dry_run: bool = False,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> IssueRun:
    """Check ``path`` whole, then issue its invoices (see the module), their mails rendered
    in ``workers`` processes; with ``dry_run`` only check and preview. Mails are sent at the
    end when SMTP is configured (else they wait in the outbox for ``arbox run``).

    Raises:
        IssueFileError: the file is refused (every problem with its row or document).
        ImportFileError: the file cannot be read.
    """
    documents, problems = read_invoice_file(path)
    planned = plan_invoices(svc, documents, einvoice=einvoice, problems=problems)
    if dry_run:
        return IssueRun(tuple(_outcome(p, "planned", NEXT) for p in planned), None, 0)
    to_issue = [p for p in planned if p.already is None]
    with render_pool(workers) as pool:
        results, stop = issue_all(
            svc,
            to_issue,
            style=mail_style(svc.settings),
            pool=pool,
            progress=None if progress is None else lambda n: progress(n, len(to_issue)),
        )
    by_key = {plan.key: r for plan, r in zip(to_issue, results, strict=False)}
    outcomes = []
    for plan in planned:
        if plan.already is not None:
            outcomes.append(_outcome(plan, "already", *plan.already))
        elif plan.key in by_key:
            result = by_key[plan.key]
            outcomes.append(_outcome(plan, result.status, result.number, result.total))
    queued = [r.outbox_id for r in results if r.outbox_id is not None]
    earlier = _still_to_send(svc, [o for o in outcomes if o.status == "already"])
    sent = None
    if svc.settings.smtp_configured:
        sent = send_statements(svc, sorted({*queued, *earlier}))
    stopped = None if stop is None else f"{to_issue[stop[0]].doc.where}: {stop[1]}"
    return IssueRun(tuple(outcomes), sent, len(queued), stopped)


def _outcome(plan: _Planned, status: str, number: str, total: Decimal | None = None) -> Outcome:
    return Outcome(
        where=plan.doc.where,
        status=status,
        number=number,
        customer_number=plan.doc.customer_number,
        total=plan.preview.amount_due if total is None else total,
        currency=plan.doc.currency,
        einvoice=plan.pending.einvoice,
        to=plan.pending.to,
    )


def _still_to_send(svc: Services, already: Sequence[Outcome]) -> list[int]:
    """Outbox rows of invoices issued by an earlier run that are still to send."""
    if not already:
        return []
    statuses = [OutboxStatus.PENDING]
    with svc.sessions() as session:
        return pending_outbox_rows(session, [f"invoice:{o.number}" for o in already], statuses)


def plan_invoices(
    svc: Services,
    documents: Sequence[DocumentIn],
    *,
    einvoice: str | None,
    problems: Sequence[tuple[str, str]] = (),
) -> list[_Planned]:
    """Check every document against the ledger and the settings.

    Raises:
        IssueFileError: every problem, with its row or document.
    """
    settings = svc.settings
    problems = [*_settings_problems(settings, einvoice), *problems]
    company = settings.company_code
    keys = [doc.issue_key(company) for doc in documents]
    with svc.sessions() as session:
        customers = billing_customers(session, {doc.customer_number for doc in documents})
        issued = issued_keys(session, keys)
    planned: list[_Planned] = []
    seen: dict[str, str] = {}
    for doc, key in zip(documents, keys, strict=True):
        if key in seen:
            problems.append((doc.where, f"the same invoice as {seen[key]}"))
            continue
        seen[key] = doc.where
        try:
            planned.append(_plan(doc, key, customers, issued.get(key), einvoice, settings))
        except _Refused as e:
            problems.append((e.where, e.reason))
    if problems:
        raise IssueFileError(sorted(problems, key=_order))
    return planned


def _order(problem: tuple[str, str]) -> tuple[int, ...]:
    """Problems in the file's order: settings first, then by row or document and line."""
    numbers = [int(part) for part in re.findall(r"\d+", problem[0])]
    return (0,) if problem[0] == "settings" else (1, *numbers)


class _Refused(Exception):
    def __init__(self, where: str, reason: str) -> None:
        super().__init__(reason)
        self.where, self.reason = where, reason


def _plan(
    doc: DocumentIn,
    key: str,
    customers: dict[str, BillingCustomer],
    already: tuple[str, Decimal] | None,
    einvoice: str | None,
    settings: Settings,
) -> _Planned:
    customer = customers.get(doc.customer_number)
    if customer is None:
        raise _Refused(doc.where, f"unknown customer {doc.customer_number!r}")
    to = recipients(customer)
    if not to:
        raise _Refused(doc.where, f"customer {customer.number} has no contact to mail it to")
    kind = einvoice_for(customer, einvoice, settings)
    _einvoice_needs(doc, customer, kind)
    if kind != "none" and not settings.company_country:
        raise _Refused(doc.where, f"{kind} for {customer.number} needs ARBOX_COMPANY_COUNTRY")
    try:
        due = due_date_from_terms(doc.issue_date, doc.terms)
    except ValueError as e:
        raise _Refused(doc.where, f"terms: {e}") from None
    draft = InvoiceDraft(
        seller=seller(settings, doc.currency),
        buyer=buyer(customer),
        number=NEXT,
        issue_date=doc.issue_date,
        due_date=due,
        currency=doc.currency,
        lines=tuple(
            InvoiceLine(
                ln.description,
                ln.quantity,
                ln.unit_price,
                ln.tax_rate,
                ln.tax_category,
                ln.unit_code,
            )
            for ln in doc.lines
        ),
        po_number=doc.po_number,
        notes=doc.notes,
        terms=doc.terms,
    )
    try:
        preview = compute_invoice(draft, policy=policy(settings))
        if kind != "none":
            check_einvoice(preview)
    except InvoiceDataError as e:
        where = doc.lines[e.line - 1].where if e.line else doc.where
        raise _Refused(where, e.reason) from None
    pending = Pending(draft, customer, to, locale_of(customer, to, settings), kind, issue_key=key)
    return _Planned(doc, key, pending, preview, already)


def _einvoice_needs(doc: DocumentIn, customer: BillingCustomer, kind: str) -> None:
    """What the customer's e-invoice needs of it (EN 16931 BT-55; Peppol's buyer endpoint)."""
    if kind == "none":
        return
    if not customer.country:
        raise _Refused(doc.where, f"customer {customer.number} has no country ({kind} needs it)")
    if kind == "ubl" and not (customer.endpoint_scheme and customer.endpoint_id):
        raise _Refused(
            doc.where, f"customer {customer.number} has no Peppol endpoint (ubl needs it)"
        )


def _settings_problems(settings: Settings, einvoice: str | None) -> list[tuple[str, str]]:
    problems = []
    if not settings.ar_address:
        problems.append(("settings", "set ARBOX_AR_ADDRESS (the From of every invoice mail)"))
    if settings.invoice_payment_reference == "rf":
        sample = settings.invoice_number_format.format(
            year=2026, seq=999999, company=settings.company_code
        )
        try:
            creditor_reference(sample)
        except ValueError as e:
            problems.append(("settings", f"ARBOX_INVOICE_PAYMENT_REFERENCE=rf: {e}"))
    if einvoice in ("factur-x", "ubl") and not settings.company_country:
        problems.append(("settings", f"--einvoice {einvoice} needs ARBOX_COMPANY_COUNTRY"))
    if einvoice == "ubl" and not settings.company_endpoint:
        problems.append(("settings", "--einvoice ubl needs ARBOX_COMPANY_ENDPOINT"))
    return problems
