"""A statement run (``arbox statements send``): one statement mail per customer with open
items, to that customer's registered contacts only, written to the outbox (a hundred customers
a transaction) under the key ``statement:{customer number}:{as of}``, so a second run for the
same date writes (and sends) nothing twice. Then the new rows, and rows of an earlier run that
are still pending, are sent.

Customers are streamed page by page (:func:`ledger.statements.iter_statements`); only the
current customer's statement and PDFs are in memory at a time.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from multiprocessing.pool import AsyncResult
from pathlib import Path

import structlog

from core.errors import ARError, PermanentError
from core.locales import DEFAULT_LOCALE
from core.statuses import OutboxStatus
from ledger.bulk_runs import statement_rows_as_of
from ledger.locale_store import LocaleBook, set_locale_books
from ledger.statements import Statement, iter_statements
from outbound.compose import clean_address, stable_message_id
from outbound.mime_writer import Attachment, write_document_mail
from outbound.outbox import RenderedMail
from outbound.pdf_layout import CompanyBlock
from outbound.pdf_statement import render_statement_pdf
from outbound.recipients import Audience, allowed_recipients
from outbound.templating import render, render_subject
from worker import sending
from worker.runs.outbox_batch import OutboxWriter, PendingRow
from worker.services import Services

log = structlog.get_logger(__name__)

#: Statements handed to each rendering process ahead of the one being written.
IN_FLIGHT_PER_WORKER = 4


@dataclass(frozen=True, slots=True)
class QueuedStatements:
    """What writing a run's statements to the outbox did."""

    customers: int  # with open items (and the --customer filter)
    queued: tuple[int, ...]  # outbox rows written by this run
    pending: tuple[int, ...]  # rows an earlier run wrote that are still to send
    done_before: int  # customers whose statement an earlier run sent (or gave up on)
    without_contact: tuple[str, ...]  # customer numbers: nobody to send to, not mailed


@dataclass(frozen=True, slots=True)
class SentStatements:
    """What sending them did."""

    sent: int
    failed: int
    pending: int  # a temporary failure: the next run or the service's sweep sends them
    #: Rendered and stored under ARBOX_OUTBOUND_DRY_RUN, sent to nobody (nothing to retry).
    dry_run: int = 0


def statement_key(customer_number: str, as_of: date) -> str:
    """The outbox key of a customer's statement as of a date."""
    return f"statement:{customer_number}:{as_of.isoformat()}"


def queue_statements(
    svc: Services,
    *,
    as_of: date,
    customer_number: str | None = None,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> QueuedStatements:
    """Write the statement of every customer with open items (or of ``customer_number``) to
    the outbox, unless the run for ``as_of`` wrote it already.

    With ``workers`` > 1, PDFs and mails are rendered in that many processes (the CPU-bound
    part) while this process alone reads the ledger and writes the outbox, in batches of
    :data:`worker.runs.outbox_batch.WRITE_BATCH` rows a
    transaction; at most a few customers per worker are in flight at a time. ``progress``
    is told how many statements are rendered so far (the total is not known up front: the
    customers are streamed).

    Raises:
        PermanentError: ``ARBOX_AR_ADDRESS`` is not set (the From of every mail).
    """
    settings = svc.settings
    if not settings.ar_address:
        raise PermanentError("set ARBOX_AR_ADDRESS (the From of every statement)")
    style = MailStyle(
        sender=settings.ar_address,
        domain=settings.ar_address.partition("@")[2],
        company=CompanyBlock(
            name=settings.company_name,
            address=settings.company_address_lines,
            remit_to=settings.remit_to_lines,
        ),
        templates_dir=settings.templates_dir,
    )
    tally = _Tally()
    jobs = _jobs(svc, tally, as_of=as_of, customer_number=customer_number, style=style)
    writer = OutboxWriter(svc)
    rendered = 0

    def add(job: StatementJob, mail: RenderedMail) -> None:
        nonlocal rendered
        writer.add(_row(job, mail))
        rendered += 1
        if progress is not None:
            progress(rendered)

    if workers <= 1:
        for job in jobs:
            add(job, render_statement_mail(job))
    else:
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            window: deque[tuple[StatementJob, AsyncResult[RenderedMail]]] = deque()
            for job in jobs:
                window.append((job, pool.apply_async(render_statement_mail, (job,))))
                if len(window) >= IN_FLIGHT_PER_WORKER * workers:
                    done, result = window.popleft()
                    add(done, result.get())
            while window:
                done, result = window.popleft()
                add(done, result.get())
    writer.flush()
    queued = writer.queued
    log.info("statements_queued", queued=len(queued), pending=len(tally.pending), as_of=str(as_of))
    return QueuedStatements(
        customers=tally.customers,
        queued=tuple(queued),
        pending=tuple(tally.pending),
        done_before=tally.done_before,
        without_contact=tuple(tally.without_contact),
    )


@dataclass(frozen=True, slots=True)
class MailStyle:
    """What every statement mail of a run shares."""

    sender: str
    domain: str
    company: CompanyBlock
    templates_dir: Path | None


@dataclass(frozen=True, slots=True)
class StatementJob:
    """One customer's statement mail to render."""

    key: str
    statements: tuple[Statement, ...]
    to: tuple[str, ...]
    now: datetime
    style: MailStyle
    #: The locale the mail and its PDFs are written in (see core.locales.mail_locale).
    locale: str = DEFAULT_LOCALE


def render_statement_mail(job: StatementJob) -> RenderedMail:
    """The PDFs and the mail of ``job``, rendered for the outbox. Pure (runs in a worker)."""
    style = job.style
    first = job.statements[0]
    as_of = first.as_of.isoformat()
    context = {"statements": job.statements, "customer": first, "company_name": style.company.name}
    several = len(job.statements) > 1
    locale, folder = job.locale, style.templates_dir
    return write_document_mail(
        sender=style.sender,
        company_name=style.company.name,
        to=job.to,
        subject=render_subject(
            "statement.subject.j2", context, locale=locale, templates_dir=folder
        ),
        message_id=stable_message_id(job.key, domain=style.domain),
        now=job.now,
        text=render("statement.txt.j2", context, locale=locale, templates_dir=folder),
        html=render("statement.html.j2", context, locale=locale, templates_dir=folder),
        attachments=[
            Attachment(
                filename=f"statement-{s.customer_number}-{as_of}"
                + (f"-{s.currency}" if several else "")
                + ".pdf",
                data=render_statement_pdf(s, company=style.company, locale=job.locale),
            )
            for s in job.statements
        ],
    )


@dataclass(slots=True)
class _Tally:
    customers: int = 0
    done_before: int = 0
    pending: list[int] = field(default_factory=list)
    without_contact: list[str] = field(default_factory=list)


def _jobs(
    svc: Services, tally: _Tally, *, as_of: date, customer_number: str | None, style: MailStyle
) -> Iterator[StatementJob]:
    """A job per customer whose statement is still to write; counts the others in ``tally``."""
    existing = _existing_rows(svc, as_of)
    with svc.sessions() as session:  # the few customers and contacts with a locale of their own
        books = set_locale_books(session)
    default = svc.settings.default_locale
    for statements in iter_statements(svc.sessions, as_of=as_of, customer_number=customer_number):
        if not statements:
            continue
        tally.customers += 1
        first = statements[0]
        key = statement_key(first.customer_number, as_of)
        if key in existing:
            row_id, status = existing[key]
            if sending.is_still_to_send(status, dry_run=svc.settings.outbound_dry_run):
                tally.pending.append(row_id)
            else:
                tally.done_before += 1
            continue
        # Who may receive it: outbound.recipients decides (the customer's registered contacts);
        # its statement contacts when it has any (valid ones), else every contact.
        recipients = allowed_recipients(
            valid_addresses(first.statement_contacts) or valid_addresses(first.contacts),
            [Audience(customer_id=first.customer_id, contacts=frozenset(first.contacts))],
        )
        if not recipients:
            tally.without_contact.append(first.customer_number)
            log.warning("statement_without_contact", customer=first.customer_number)
            continue
        book = books.get(first.customer_id, LocaleBook())
        yield StatementJob(
            key=key,
            statements=tuple(statements),
            to=tuple(recipients),
            now=svc.clock(),
            style=style,
            locale=book.for_mail(recipients, default=default),
        )


def _row(job: StatementJob, mail: RenderedMail) -> PendingRow:
    return PendingRow(
        key=job.key,
        kind="statement",
        mail=mail,
        now=job.now,
        customer_id=job.statements[0].customer_id,
    )


def send_statements(
    svc: Services,
    outbox_ids: Sequence[int],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> SentStatements:
    """Deliver the outbox rows ``outbox_ids`` now, one after the other; ``progress(done,
    total)`` after each."""
    tally: dict[str, int] = dict.fromkeys(OutboxStatus, 0)
    for done, outbox_id in enumerate(outbox_ids, start=1):
        tally[_send_one(svc, outbox_id)] += 1
        if progress is not None:
            progress(done, len(outbox_ids))
    return SentStatements(
        sent=tally[OutboxStatus.SENT],
        failed=tally[OutboxStatus.FAILED],
        pending=tally[OutboxStatus.PENDING],
        dry_run=tally[OutboxStatus.DRY_RUN],
    )


def _send_one(svc: Services, outbox_id: int) -> str:
    """Send one row: ``sent``, ``failed`` (given up), ``dry_run`` (rendered, sent to nobody)
    or ``pending`` (to retry)."""
    try:
        status = sending.send_outbox(outbox_id, svc=svc).status
    except ARError as e:
        log.warning("statement_send_retry", outbox_id=outbox_id, error=type(e).__name__)
        return OutboxStatus.PENDING
    final = (OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.DRY_RUN)
    return status if status in final else OutboxStatus.PENDING


def _existing_rows(svc: Services, as_of: date) -> dict[str, tuple[int, str]]:
    """Outbox rows of statements as of ``as_of`` already written: key → (id, status)."""
    with svc.sessions() as session:
        return statement_rows_as_of(session, as_of)


def valid_addresses(contacts: Sequence[str]) -> list[str]:
    """The contacts that are plain addresses (a malformed one is left out, never mailed)."""
    valid = []
    for address in contacts:
        try:
            valid.append(clean_address(address))
        except ValueError:
            log.warning("contact_not_an_address")
    return valid
