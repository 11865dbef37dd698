"""The pipeline steps: store an inbound message, process it, recover what a crash left behind.

Steps are plain functions of ids and :class:`~worker.services.Services`, so they run the same
under Dramatiq, in ``arbox ingest`` and in tests. Each step is one transaction; follow-up work
(sending mail) is returned as ids for the caller to enqueue after the commit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.parser import BytesHeaderParser
from email.policy import compat32

import structlog
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from core.errors import PermanentError, TransientError
from core.types import (
    FINAL_STATUSES,
    PENDING_STATUSES,
    QUESTION_KINDS,
    Classification,
    InboundStatus,
    MailKind,
    ParsedEmail,
)
from ledger import models as m
from ledger.holds import HOLD_KINDS, record_question_holds
from ledger.posting import audit, open_review_item
from ledger.question_refs import resolve_question_refs
from ledger.session import is_transient_db_error
from outbound.compose import clean_header
from outbound.recipients import sender_customer
from parsers.isolation import ParseLimits, read_mail, shared_reader
from parsers.remittance import Extraction
from worker import metrics
from worker.answers import answer_questions
from worker.bank_linking import flag_late_held_lines
from worker.bank_mail import import_bank_mail, is_bank_mail
from worker.inbound.remittance import apply_remittance, mail_source
from worker.replies import MailReplies, acknowledge
from worker.senders import mail_sender
from worker.services import Services

log = structlog.get_logger(__name__)

#: Deliveries of one message that may fail (with an error recorded) before it is quarantined.
MAX_ATTEMPTS = 3
#: Deliveries in all, failed or cut short, before it is quarantined. A delivery cut short
#: without an error is a worker that died (killed, restarted, or killed by this very mail):
#: a few are bad luck, so more are allowed than failures, but never endlessly.
MAX_INTERRUPTED_ATTEMPTS = 8


@dataclass(frozen=True, slots=True)
class MailboxKey:
    """Where a message sits in a mailbox."""

    account: str
    folder: str
    uidvalidity: int
    uid: int


@dataclass(frozen=True, slots=True)
class Stored:
    """The inbound row a raw message was stored as; ``created`` is False for a duplicate."""

    inbound_id: int
    created: bool
    status: str


@dataclass(frozen=True, slots=True)
class Processed:
    """What processing an inbound message did."""

    inbound_id: int
    status: str
    outbox_ids: tuple[int, ...] = field(default=())


def message_id_of(raw: bytes) -> str:
    """The Message-ID header of ``raw`` (cleaned), or ``""``. Never raises."""
    headers = BytesHeaderParser(policy=compat32).parsebytes(raw[: 256 * 1024])
    value = headers.get("Message-ID")
    return clean_header(str(value))[:998] if value else ""


def store_inbound(
    svc: Services, raw: bytes, *, source: str, mailbox: MailboxKey | None = None
) -> Stored:
    """Store ``raw`` (unique by Message-ID + sha256) and its mailbox position, if any.

    Storing the same bytes twice returns the first row; the mailbox position is recorded
    either way, so the poller can move the duplicate out of the inbox.
    """
    digest = hashlib.sha256(raw).hexdigest()
    message_id = message_id_of(raw)
    now = svc.clock()
    with svc.sessions.begin() as session:
        existing = _find_inbound(session, message_id, digest)
        created = existing is None
        if existing is None:
            row = m.InboundMessage(
                message_id=message_id,
                sha256=digest,
                raw=raw,
                size=len(raw),
                source=source,
                status=InboundStatus.STORED,
                attempts=0,
                received_at=now,
                enqueued_at=now,
            )
            try:
                with session.begin_nested():
                    session.add(row)
                    session.flush()
            except IntegrityError:  # stored by a concurrent poller a moment ago
                existing = _find_inbound(session, message_id, digest)
                assert existing is not None
                created = False
            else:
                existing = row
        if mailbox is not None:
            _record_position(session, mailbox, existing.id, now)
        log.info(
            "inbound_stored" if created else "inbound_duplicate",
            inbound_id=existing.id,
            sha256=digest[:16],
            source=source,
        )
        return Stored(inbound_id=existing.id, created=created, status=existing.status)


def _find_inbound(session: Session, message_id: str, digest: str) -> m.InboundMessage | None:
    return session.execute(
        select(m.InboundMessage).where(
            m.InboundMessage.message_id == message_id, m.InboundMessage.sha256 == digest
        )
    ).scalar_one_or_none()


def _record_position(session: Session, key: MailboxKey, inbound_id: int, now: datetime) -> None:
    try:
        with session.begin_nested():
            session.add(
                m.MailboxMessage(
                    account=key.account,
                    folder=key.folder,
                    uidvalidity=key.uidvalidity,
                    uid=key.uid,
                    inbound_id=inbound_id,
                    fetched_at=now,
                )
            )
    except IntegrityError:
        pass  # this position was recorded by an earlier poll


def process_inbound(inbound_id: int, *, svc: Services) -> Processed:
    """Parse, classify, match and post one stored message. Idempotent.

    A message already in a final state is left alone. Each call that starts real work
    counts an attempt; after :data:`MAX_ATTEMPTS` attempts with a failure among them, or
    :data:`MAX_INTERRUPTED_ATTEMPTS` in all, the message is quarantined.
    """
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
        if row.attempts >= MAX_INTERRUPTED_ATTEMPTS or (failed and row.attempts >= MAX_ATTEMPTS):
            why = (
                f"failed {row.attempts} times; last: {row.reason}"
                if failed
                else f"{row.attempts} deliveries cut short (the worker died each time)"
            )
            _quarantine(session, row, why, svc)
            return Processed(inbound_id=inbound_id, status=InboundStatus.QUARANTINED)
        row.attempts += 1
        raw = row.raw
    try:
        with metrics.timed(metrics.PARSE_SECONDS):
            parsed, extraction, classification = _read(raw, svc)
    except PermanentError as e:
        return _quarantine_by_id(inbound_id, str(e), svc)
    except Exception as e:
        _record_failure(inbound_id, e, svc)
        raise
    mark_parsed(inbound_id, svc=svc)
    with _forgive_transient(inbound_id, svc), svc.sessions.begin() as session:
        row = session.get(m.InboundMessage, inbound_id, with_for_update=True)
        assert row is not None
        if row.status in FINAL_STATUSES:  # a concurrent delivery finished first
            return Processed(inbound_id=inbound_id, status=row.status)
        row.kind = classification.kind.value
        row.from_address = parsed.from_address
        row.subject = clean_header(parsed.subject)[:2000]
        outbox_ids = _decide_and_post(session, row, parsed, extraction, classification, svc)
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
        log.info("inbound_processed", inbound_id=row.id, status=row.status, kind=row.kind)
        return Processed(inbound_id=row.id, status=row.status, outbox_ids=outbox_ids)


def _read(raw: bytes, svc: Services) -> tuple[ParsedEmail, Extraction, Classification]:
    """Parse, extract and classify ``raw``: in a child process with limits unless disabled."""
    settings = svc.settings
    limits = ParseLimits(
        timeout_seconds=settings.parse_timeout_seconds,
        memory_mb=settings.parse_memory_mb,
        max_parts=settings.max_mime_parts,
        max_depth=settings.max_mime_depth,
        max_attachment_bytes=settings.max_attachment_bytes,
    )
    if settings.parse_isolation:
        reader = shared_reader(limits, size=max(1, settings.worker_threads))
        read = reader.read(raw, own_address=settings.ar_address)
    else:
        read = read_mail(raw, own_address=settings.ar_address, limits=limits)
    return read.parsed, read.extraction, read.classification


def mark_parsed(inbound_id: int, *, svc: Services) -> None:
    """Record that the mail parsed: ``stored`` → ``parsed``, committed before the decision."""
    now = svc.clock()
    with svc.sessions.begin() as session:
        session.execute(
            update(m.InboundMessage)
            .where(
                m.InboundMessage.id == inbound_id,
                m.InboundMessage.status == InboundStatus.STORED,
            )
            .values(status=InboundStatus.PARSED, parsed_at=now)
        )


def _decide_and_post(
    session: Session,
    row: m.InboundMessage,
    parsed: ParsedEmail,
    extraction: Extraction,
    classification: Classification,
    svc: Services,
) -> tuple[int, ...]:
    now = svc.clock()
    identity = mail_sender(parsed, svc.settings)  # ARBOX_REQUIRE_DMARC_PASS
    customer = sender_customer(session, identity.address)
    row.customer_id = customer.id if customer else None
    if is_bank_mail(parsed, bank_senders=svc.settings.bank_sender_addresses):  # issue 8
        problem = import_bank_mail(session, row, parsed, svc=svc)
        if problem is not None:
            _quarantine(session, row, problem, svc)
        return ()
    if classification.kind in (MailKind.AUTO_REPLY, MailKind.BOUNCE, MailKind.BULK):
        row.status = InboundStatus.IGNORED
        row.reason = f"{classification.kind.value}: {classification.reason}"
        return ()
    remittance = extraction.remittance
    replies = MailReplies(session, row, parsed, classification, svc=svc)
    if classification.kind in QUESTION_KINDS:  # asks, pays nothing: answered, or a person
        answered = answer_questions(replies, classification.questions, customer)
        opened = _open_questions(
            session,
            row,
            classification,
            extraction.problems,
            now=now,
            skip=answered.settled,
            min_confidence=svc.settings.intent_min_confidence,
        )
        waits = opened or answered.unverified
        row.status = InboundStatus.REVIEW if waits else InboundStatus.APPLIED
        row.reason = classification.reason  # starts with the kind of each question
        if answered.settled and not answered.unverified:
            row.reason += f"; answered: {', '.join(sorted(k.value for k in answered.settled))}"
        return answered.outbox_ids
    if remittance is None or not remittance.lines:
        problems = "; ".join(extraction.problems)
        kind = "unreadable_document" if extraction.problems else "not_a_remittance"
        reason = problems or "no remittance found: needs a person"
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
        return ()
    applied = apply_remittance(session, remittance, mail_source(row), identity, svc)
    if applied is None:  # a stranger's claim too long to read: one review item
        return ()
    posted = applied.posted
    outbox_ids: list[int] = []
    # Everything waiting for the bank credit: nothing to acknowledge yet.
    if not (posted.held and not posted.applied and not posted.in_review):
        ack = acknowledge(replies, customer, posted.applied, posted.in_review, applied.currency)
        if ack is not None:
            outbox_ids.append(ack)
    if classification.questions:  # remittance+question: posted, and the question answered
        answered = answer_questions(replies, classification.questions, customer)
        outbox_ids += answered.outbox_ids
        if _open_questions(
            session,
            row,
            classification,
            (),
            now=now,
            skip=answered.settled,
            min_confidence=svc.settings.intent_min_confidence,
        ):
            row.status = InboundStatus.REVIEW
        if answered.unverified:
            row.status = InboundStatus.REVIEW
        row.reason += f"; asks: {', '.join(q.kind.value for q in classification.questions)}"
    return tuple(outbox_ids)


def _open_questions(
    session: Session,
    row: m.InboundMessage,
    classification: Classification,
    problems: tuple[str, ...],
    *,
    now: datetime,
    skip: Collection[MailKind] = (),
    min_confidence: float = 0.0,
) -> int:
    """One review item per question of the mail, of the question's kind, naming its
    evidence, references (with the customer's invoice each names, when written otherwise)
    and promised date, and whether the reader was unsure of it (below ``min_confidence``);
    the candidates are the referenced invoices of the customer (none when the customer is
    unknown). Questions of the kinds ``skip`` (answered for good, see worker.answers) get
    none. Returns the items opened."""
    opened = 0
    for question in classification.questions:
        if question.kind in skip:
            continue
        opened += 1
        kind = question.kind.value.replace("-", "_")
        reason = f"{question.kind.value}: {question.evidence}"
        resolved: tuple[str | None, ...] = ()
        if question.refs and row.customer_id is not None:
            resolved = resolve_question_refs(session, question.refs, customer_id=row.customer_id)
        if question.refs:
            named = [
                ref if number is None or number == ref else f"{ref} ({number})"
                for ref, number in zip(question.refs, resolved or question.refs, strict=True)
            ]
            reason += f"; invoices: {', '.join(named)}"
        if question.promise_date is not None:
            reason += f"; promised for {question.promise_date.isoformat()}"
        if question.confidence < min_confidence:
            reason += f"; unsure what is asked (confidence {question.confidence:.2f})"
        if problems:
            reason += f"; unreadable: {'; '.join(problems)}"
        numbers = dict.fromkeys(number for number in resolved if number is not None)
        open_review_item(
            session,
            key=f"inbound:{row.id}:{kind}",
            kind=kind,
            reason=reason,
            now=now,
            inbound_id=row.id,
            customer_id=row.customer_id,
            candidates=[{"invoice_number": number, "score": "1.000"} for number in numbers],
        )
        if kind in HOLD_KINDS and row.customer_id is not None:  # reminders wait (dunning)
            record_question_holds(
                session,
                review_item_key=f"inbound:{row.id}:{kind}",
                kind=kind,
                customer_id=row.customer_id,
                invoice_numbers=list(numbers),
                promise_date=question.promise_date,
                now=now,
            )
    return opened


def _quarantine(session: Session, row: m.InboundMessage, reason: str, svc: Services) -> None:
    row.status = InboundStatus.QUARANTINED
    row.reason = reason[:2000]
    row.processed_at = svc.clock()
    open_review_item(
        session,
        key=f"inbound:{row.id}:quarantine",
        kind="quarantine",
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
        session.execute(
            update(m.InboundMessage)
            .where(m.InboundMessage.id == inbound_id)
            .values(reason=f"{type(error).__name__}: {error}"[:2000])
        )
    log.warning("inbound_attempt_failed", inbound_id=inbound_id, error=type(error).__name__)


@dataclass(frozen=True, slots=True)
class Swept:
    """Work a crash left behind, to enqueue again."""

    inbound_ids: tuple[int, ...]
    outbox_ids: tuple[int, ...]


def sweep(svc: Services, *, older_than: timedelta = timedelta(minutes=5)) -> Swept:
    """Stored messages and pending mail not enqueued for ``older_than``: mark them enqueued
    now and return their ids. Covers a crash between a commit and the enqueue after it. Held
    lines whose bank credit is late go to a person on the way."""
    now = svc.clock()
    cutoff = now - older_than
    with svc.sessions.begin() as session:
        flag_late_held_lines(session, window_days=svc.settings.bank_match_window_days, now=now)
        inbound = (
            session.execute(
                update(m.InboundMessage)
                .where(
                    m.InboundMessage.status.in_([s.value for s in PENDING_STATUSES]),
                    m.InboundMessage.enqueued_at < cutoff,
                )
                .values(enqueued_at=now)
                .returning(m.InboundMessage.id)
            )
            .scalars()
            .all()
        )
        outbox = (
            session.execute(
                update(m.OutboxMessage)
                .where(m.OutboxMessage.status == "pending", m.OutboxMessage.enqueued_at < cutoff)
                .values(enqueued_at=now)
                .returning(m.OutboxMessage.id)
            )
            .scalars()
            .all()
        )
    return Swept(inbound_ids=tuple(inbound), outbox_ids=tuple(outbox))


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
                session.execute(
                    update(m.InboundMessage)
                    .where(
                        m.InboundMessage.id == inbound_id,
                        m.InboundMessage.attempts > 0,
                        m.InboundMessage.status.not_in([s.value for s in FINAL_STATUSES]),
                    )
                    .values(attempts=m.InboundMessage.attempts - 1)
                )
        except DBAPIError:
            log.warning("attempt_not_forgiven", inbound_id=inbound_id)
        log.warning("inbound_transient_error", inbound_id=inbound_id, error=type(e.orig).__name__)
        raise TransientError(f"database unavailable processing inbound {inbound_id}") from e
