"""Processing one stored inbound message: read it (in the parse pool), route it to the one
step for what it is, record the outcome; quarantine what keeps failing.

Steps are plain functions of ids and :class:`~worker.services.Services`, so they run the same
under Dramatiq, in ``arbox ingest`` and in tests. Each step is one transaction; follow-up work
(sending mail) is returned as ids for the caller to enqueue after the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import structlog
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from core.errors import PermanentError, TransientError
from core.statuses import FINAL_STATUSES, InboundStatus, ReviewKind
from core.types import QUESTION_KINDS, Classification, MailKind, ParsedEmail, PdfReader
from ledger import models as m
from ledger.inbound_store import (
    attempt_view,
    count_attempt,
    give_back_attempt,
    locked_for_decision,
    record_inbound_failure,
)
from ledger.posting import audit, open_review_item
from ledger.senders import sender_customer
from ledger.session import hold_row, is_transient_db_error, reading
from outbound.compose import clean_header
from parsers.remittance import Extraction
from worker import metrics
from worker.bank.mail import import_bank_mail, is_bank_mail
from worker.inbound.locale_suggestion import suggest_contact_locale
from worker.inbound.pool import ParseLimits, ocr_options, read_mail, shared_reader
from worker.inbound.questions import answer_question_mail
from worker.inbound.remittance import apply_remittance_mail
from worker.inbound.replies import MailReplies
from worker.inbound.sender_check import mail_sender
from worker.inline_send import claim_for_inline
from worker.sending import Claim
from worker.services import Services

log = structlog.get_logger(__name__)

#: Deliveries of one message that may fail (with an error recorded) before it is quarantined.
MAX_ATTEMPTS = 3
#: Deliveries in all, failed or cut short, before it is quarantined. A delivery cut short
#: without an error is a worker that died (killed, restarted, or killed by this very mail):
#: a few are bad luck, so more are allowed than failures, but never endlessly.
MAX_INTERRUPTED_ATTEMPTS = 8


@dataclass(frozen=True, slots=True)
class Processed:
    """What processing an inbound message did."""

    inbound_id: int
    status: str
    outbox_ids: tuple[int, ...] = field(default=())
    #: Those of ``outbox_ids`` claimed for this worker to send now (``claim_inline``).
    claims: tuple[Claim, ...] = field(default=())

    def unclaimed(self) -> tuple[int, ...]:
        """The outbox rows written and not claimed: to send through the queue."""
        claimed = {claim.outbox_id for claim in self.claims}
        return tuple(i for i in self.outbox_ids if i not in claimed)


def process_inbound(
    inbound_id: int,
    *,
    svc: Services,
    claim_inline: bool = False,
    seen_message_id: Callable[[str], None] | None = None,
) -> Processed:
    """Parse, classify, match and post one stored message. Idempotent. With
    ``claim_inline``, the replies it writes are claimed for the caller to send at once
    (:func:`worker.inline_send.send_claimed`), in the same transaction. ``seen_message_id``
    is given the mail's Message-ID as soon as it is read, before anything is logged (the
    actor's log context: no read of its own).

    A message already in a final state is left alone. Each call that starts real work
    counts an attempt; after :data:`MAX_ATTEMPTS` attempts with a failure among them, or
    :data:`MAX_INTERRUPTED_ATTEMPTS` in all, the message is quarantined.
    """
    started = _start_attempt(inbound_id, svc, seen_message_id)
    if isinstance(started, Processed):
        return started
    raw = started
    try:
        with metrics.timed(metrics.PARSE_SECONDS):
            parsed, extraction, classification = _read(raw, svc)
    except PermanentError as e:
        return _quarantine_by_id(inbound_id, str(e), svc)
    except Exception as e:
        _record_failure(inbound_id, e, svc)
        raise
    parsed_at = svc.clock()
    with _forgive_transient(inbound_id, svc), svc.sessions.begin() as session:
        # the raw mail was read above (it may be megabytes): not again
        row = locked_for_decision(session, inbound_id)
        assert row is not None
        if row.status in FINAL_STATUSES:  # a concurrent delivery finished first
            return Processed(inbound_id=inbound_id, status=row.status)
        _mark_parsed(session, row, parsed, classification, parsed_at)
        outbox_ids = _route(session, row, parsed, extraction, classification, svc)
        row.processed_at = svc.clock()
        audit(
            session,
            actor="worker",
            action="process_inbound",
            entity="inbound_message",
            entity_id=row.id,
            now=svc.clock(),
            status=row.status,
            kind=row.kind,
            reason=row.reason,
        )
        claims = claim_for_inline(session, outbox_ids, svc=svc) if claim_inline else ()
        log.info("inbound_processed", inbound_id=row.id, status=row.status, kind=row.kind)
        return Processed(row.id, row.status, outbox_ids=outbox_ids, claims=claims)


def _mark_parsed(
    session: Session,
    row: m.InboundMessage,
    parsed: ParsedEmail,
    classification: Classification,
    parsed_at: datetime,
) -> None:
    """Hold the row for the decision and record what the parse found in it.

    The row changes all along the decision (status, sender, loop evidence, outcome) and no
    read of it looks at it in SQL (those of the sender's mails leave this one out): written
    with the decision's rows, not once per read in between. Parsed is recorded with the
    decision, not in a transaction of its own (a mail whose decision fails stays stored,
    and the next attempt reads it again)."""
    hold_row(session, row)
    row.status, row.parsed_at = InboundStatus.PARSED, row.parsed_at or parsed_at
    row.kind = classification.kind.value
    row.from_address = parsed.from_address
    row.subject = clean_header(parsed.subject)[:2000]


def _start_attempt(
    inbound_id: int, svc: Services, seen_message_id: Callable[[str], None] | None = None
) -> bytes | Processed:
    """Count an attempt and return the raw message; or what the message already came to
    (final, or quarantined now: too big, or too many attempts).

    The message is read in a transaction that only reads (no write lock: on SQLite the mail,
    perhaps megabytes, is not copied while every other writer waits); the attempt is counted
    by one guarded update. A message that is to be quarantined, or that another delivery moved
    on meanwhile, is looked at again under the lock."""
    with reading(svc.sessions) as session:
        seen = attempt_view(session, inbound_id)
    if seen is None:
        raise PermanentError(f"inbound message {inbound_id} does not exist")
    if seen_message_id is not None:
        seen_message_id(seen.message_id)
    if seen.status in FINAL_STATUSES:
        return Processed(inbound_id=inbound_id, status=seen.status)
    if seen.size <= svc.settings.max_message_bytes and not _worn_out(seen.attempts, seen.failed):
        with svc.sessions.begin() as session:
            if count_attempt(session, inbound_id, seen):
                return seen.raw
    return _start_attempt_locked(inbound_id, svc)


def _worn_out(attempts: int, failed: bool) -> bool:
    """Whether a message with ``attempts`` (and a failure recorded, or not) is to be
    quarantined instead of tried again."""
    return attempts >= MAX_INTERRUPTED_ATTEMPTS or (failed and attempts >= MAX_ATTEMPTS)


def _start_attempt_locked(inbound_id: int, svc: Services) -> bytes | Processed:
    """:func:`_start_attempt` with the message read under the write lock."""
    with svc.sessions.begin() as session:
        row = session.get(m.InboundMessage, inbound_id)
        if row is None:
            raise PermanentError(f"inbound message {inbound_id} does not exist")
        if row.status in FINAL_STATUSES:
            return Processed(inbound_id=inbound_id, status=row.status)
        if row.size > svc.settings.max_message_bytes:
            _quarantine(
                session,
                row,
                f"message of {row.size} bytes exceeds the limit of "
                f"{svc.settings.max_message_bytes}",
                svc,
            )
            return Processed(inbound_id=inbound_id, status=InboundStatus.QUARANTINED)
        failed = row.reason is not None  # set by _record_failure
        if _worn_out(row.attempts, failed):
            why = (
                f"failed {row.attempts} times; last: {row.reason}"
                if failed
                else f"{row.attempts} deliveries cut short (the worker died each time)"
            )
            _quarantine(session, row, why, svc)
            return Processed(inbound_id=inbound_id, status=InboundStatus.QUARANTINED)
        row.attempts += 1
        return row.raw


def _read(raw: bytes, svc: Services) -> tuple[ParsedEmail, Extraction, Classification]:
    """Parse, extract and classify ``raw``: in a child process with limits unless disabled."""
    settings = svc.settings
    limits = ParseLimits(
        timeout_seconds=settings.parse_timeout_seconds,
        memory_mb=settings.parse_memory_mb,
        max_parts=settings.max_mime_parts,
        max_depth=settings.max_mime_depth,
        max_attachment_bytes=settings.max_attachment_bytes,
        # PDFium ends the process when an allocation fails: only a parse child may run it
        pdf_reader=settings.pdf_reader if settings.parse_isolation else PdfReader.PDFPLUMBER,
        # OCR runs only in a parse child, under its limits (never in a worker thread)
        ocr=ocr_options(settings) if settings.ocr and settings.parse_isolation else None,
    )
    if settings.parse_isolation:
        reader = shared_reader(limits, size=max(1, settings.worker_threads))
        read = reader.read(raw, own_address=settings.ar_address)
    else:
        read = read_mail(raw, own_address=settings.ar_address, limits=limits)
    return read.parsed, read.extraction, read.classification


#: Mail nobody needs to read: stored, and left alone.
NOISE_KINDS = frozenset({MailKind.AUTO_REPLY, MailKind.BOUNCE, MailKind.BULK})


def _route(
    session: Session,
    row: m.InboundMessage,
    parsed: ParsedEmail,
    extraction: Extraction,
    classification: Classification,
    svc: Services,
) -> tuple[int, ...]:
    """The one step for what the mail is: a bank statement, noise, questions, a remittance
    (or none found: a person's). Returns the outbox rows it wrote."""
    identity = mail_sender(parsed, svc.settings)  # ARBOX_REQUIRE_DMARC_PASS
    customer = sender_customer(session, identity.address)
    row.customer_id = customer.id if customer else None
    if is_bank_mail(parsed, bank_senders=svc.settings.bank_sender_addresses):  # issue 8
        problem = import_bank_mail(session, row, parsed, svc=svc)
        if problem is not None:
            _quarantine(session, row, problem, svc)
        return ()
    if classification.kind in NOISE_KINDS:
        row.status = InboundStatus.IGNORED
        row.reason = f"{classification.kind.value}: {classification.reason}"
        return ()
    replies = MailReplies(session, row, parsed, classification, svc=svc)
    suggest_contact_locale(replies, customer)  # for a person to confirm (issue 21)
    if classification.kind in QUESTION_KINDS:  # asks, pays nothing: answered, or a person
        return answer_question_mail(
            session, replies, classification, extraction.problems, customer, svc=svc
        )
    remittance = extraction.remittance
    if remittance is None or not remittance.lines:
        _to_a_person(session, row, extraction.problems, now=svc.clock())
        return ()
    return apply_remittance_mail(
        session, replies, remittance, identity, customer, classification, svc=svc
    )


def _to_a_person(
    session: Session, row: m.InboundMessage, problems: tuple[str, ...], *, now: datetime
) -> None:
    """A mail that is no question and whose remittance could not be read, or was none."""
    kind = ReviewKind.UNREADABLE_DOCUMENT if problems else ReviewKind.NOT_A_REMITTANCE
    reason = "; ".join(problems) or "no remittance found: needs a person"
    row.status = InboundStatus.REVIEW
    row.reason = reason
    open_review_item(
        session,
        key=f"inbound:{row.id}:{kind}",
        kind=kind,
        reason=reason,
        now=now,
        inbound_id=row.id,
        customer_id=row.customer_id,
    )


def _quarantine(session: Session, row: m.InboundMessage, reason: str, svc: Services) -> None:
    row.status = InboundStatus.QUARANTINED
    row.reason = reason[:2000]
    row.processed_at = svc.clock()
    open_review_item(
        session,
        key=f"inbound:{row.id}:quarantine",
        kind=ReviewKind.QUARANTINE,
        reason=row.reason,
        now=svc.clock(),
        inbound_id=row.id,
    )
    audit(
        session,
        actor="worker",
        action="quarantine",
        entity="inbound_message",
        entity_id=row.id,
        now=svc.clock(),
        reason=row.reason,
    )
    log.error("inbound_quarantined", inbound_id=row.id, reason=row.reason)


def _quarantine_by_id(inbound_id: int, reason: str, svc: Services) -> Processed:
    with svc.sessions.begin() as session:
        row = session.get(m.InboundMessage, inbound_id, with_for_update=True)
        assert row is not None
        if row.status not in FINAL_STATUSES:
            _quarantine(session, row, reason, svc)
        return Processed(inbound_id=inbound_id, status=row.status)


def _record_failure(inbound_id: int, error: BaseException, svc: Services) -> None:
    with svc.sessions.begin() as session:
        record_inbound_failure(session, inbound_id, f"{type(error).__name__}: {error}"[:2000])
    log.warning("inbound_attempt_failed", inbound_id=inbound_id, error=type(error).__name__)


@contextmanager
def _forgive_transient(inbound_id: int, svc: Services) -> Iterator[None]:
    """Turn a transient database error (connection killed, serialization failure, deadlock)
    into :class:`TransientError` after giving back the attempt it counted: the message did not
    fail, the database did, and it must not be quarantined for that. The transaction it
    interrupted was rolled back whole, so nothing of it is left half-written."""
    try:
        yield
    except DBAPIError as e:
        if not is_transient_db_error(e):
            raise
        try:
            with svc.sessions.begin() as session:
                give_back_attempt(session, inbound_id)
        except DBAPIError:
            log.warning("attempt_not_forgiven", inbound_id=inbound_id)
        log.warning("inbound_transient_error", inbound_id=inbound_id, error=type(e.orig).__name__)
        raise TransientError(f"database unavailable processing inbound {inbound_id}") from e
