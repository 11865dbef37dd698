"""A statement run (``arbox statements send``): one statement mail per customer with open
items, to that customer's registered contacts only, written to the outbox in one transaction
per customer under the key ``statement:{customer number}:{as of}``, so a second run for the
same date writes (and sends) nothing twice. Then the new rows, and rows of an earlier run that
are still pending, are sent.

Customers are streamed page by page (:func:`ledger.statements.iter_statements`); only the
current customer's statement and PDFs are in memory at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import structlog
from sqlalchemy import select

from core.errors import ARError, PermanentError
from ledger import models as m
from ledger.statements import Statement, iter_statements
from outbound.compose import clean_address, stable_message_id
from outbound.documents import compose_statement
from outbound.outbox import add_to_outbox
from outbound.pdf_layout import CompanyBlock
from outbound.pdf_statement import render_statement_pdf
from worker import sending
from worker.services import Services

log = structlog.get_logger(__name__)


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


def statement_key(customer_number: str, as_of: date) -> str:
    """The outbox key of a customer's statement as of a date."""
    return f"statement:{customer_number}:{as_of.isoformat()}"


def queue_statements(
    svc: Services,
    *,
    as_of: date,
    customer_number: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> QueuedStatements:
    """Write the statement of every customer with open items (or of ``customer_number``) to
    the outbox, unless the run for ``as_of`` wrote it already.

    Raises:
        PermanentError: ``ARBOX_AR_ADDRESS`` is not set (the From of every mail).
    """
    settings = svc.settings
    if not settings.ar_address:
        raise PermanentError("set ARBOX_AR_ADDRESS (the From of every statement)")
    sender = settings.ar_address
    domain = sender.partition("@")[2]
    company = CompanyBlock(
        name=settings.company_name,
        address=settings.company_address_lines,
        remit_to=settings.remit_to_lines,
    )
    existing = _existing_rows(svc, as_of)
    customers = done_before = 0
    queued: list[int] = []
    pending: list[int] = []
    without_contact: list[str] = []
    for statements in iter_statements(svc.sessions, as_of=as_of, customer_number=customer_number):
        if not statements:
            continue
        customers += 1
        first = statements[0]
        key = statement_key(first.customer_number, as_of)
        if key in existing:
            row_id, status = existing[key]
            if status == "pending":
                pending.append(row_id)
            else:
                done_before += 1
            continue
        recipients = _valid_addresses(first.contacts)
        if not recipients:
            without_contact.append(first.customer_number)
            log.warning("statement_without_contact", customer=first.customer_number)
            continue
        new_id = _queue_one(
            svc, statements, key=key, sender=sender, domain=domain, company=company, to=recipients
        )
        if new_id is not None:
            queued.append(new_id)
        if progress is not None:
            progress(customers)
    log.info("statements_queued", queued=len(queued), pending=len(pending), as_of=str(as_of))
    return QueuedStatements(
        customers=customers,
        queued=tuple(queued),
        pending=tuple(pending),
        done_before=done_before,
        without_contact=tuple(without_contact),
    )


def send_statements(svc: Services, outbox_ids: Sequence[int]) -> SentStatements:
    """Deliver the outbox rows ``outbox_ids`` now, one after the other."""
    sent = failed = pending = 0
    for outbox_id in outbox_ids:
        try:
            status = sending.send_outbox(outbox_id, svc=svc).status
        except ARError as e:
            log.warning("statement_send_retry", outbox_id=outbox_id, error=type(e).__name__)
            pending += 1
            continue
        if status == "sent":
            sent += 1
        elif status == "failed":
            failed += 1
        else:
            pending += 1
    return SentStatements(sent=sent, failed=failed, pending=pending)


def _queue_one(
    svc: Services,
    statements: Sequence[Statement],
    *,
    key: str,
    sender: str,
    domain: str,
    company: CompanyBlock,
    to: Sequence[str],
) -> int | None:
    first = statements[0]
    now = svc.clock()
    message = compose_statement(
        statements,
        [render_statement_pdf(s, company=company) for s in statements],
        sender=sender,
        company_name=company.name,
        to=to,
        message_id=stable_message_id(key, domain=domain),
        now=now,
        templates_dir=svc.settings.templates_dir,
    )
    with svc.sessions.begin() as session:
        row_id = add_to_outbox(
            session,
            key=key,
            kind="statement",
            message=message,
            now=now,
            customer_id=first.customer_id,
        )
        if row_id is None:  # another run wrote it meanwhile
            return None
    log.info("statement_queued", customer=first.customer_number, outbox_id=row_id)
    return row_id


def _existing_rows(svc: Services, as_of: date) -> dict[str, tuple[int, str]]:
    """Outbox rows of statements as of ``as_of`` already written: key → (id, status)."""
    suffix = f":{as_of.isoformat()}"
    with svc.sessions() as session:
        rows = session.execute(
            select(m.OutboxMessage.key, m.OutboxMessage.id, m.OutboxMessage.status).where(
                m.OutboxMessage.kind == "statement",
                m.OutboxMessage.key.like("statement:%"),
                m.OutboxMessage.key.endswith(suffix, autoescape=True),
            )
        ).tuples()
        return {key: (row_id, status) for key, row_id, status in rows}


def _valid_addresses(contacts: Sequence[str]) -> list[str]:
    """The contacts that are plain addresses (a malformed one is left out, never mailed)."""
    valid = []
    for address in contacts:
        try:
            valid.append(clean_address(address))
        except ValueError:
            log.warning("contact_not_an_address")
    return valid
