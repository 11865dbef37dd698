"""The sending step: deliver one outbox row over SMTP, at most once in effect.

A delivery claims the row in a short transaction: one more attempt, and a lease
(``outbox.claimed_until``, :func:`lease_seconds` from now) during which the row is its own. It
talks to the SMTP server with no transaction open, so no lock is held meanwhile (on SQLite a
write transaction holds the whole database's write lock), and records the outcome in another
short transaction, only while the row is still its own: pending, with the attempt count of its
claim. A second delivery of the same job (Dramatiq may run a message twice; the sweep
re-enqueues) that finds the lease running sends nothing and looks again when it ends
(:attr:`SendResult.held_for_ms`): by then the row is sent, or its holder died and this delivery
sends it. A mail the server accepted is recorded sent even when the lease ran out meanwhile (it
was sent; any later try would send it again).

A live sender does not outlast its lease: a send gives up after a few SMTP timeouts in all
(outbound.smtp), and the lease is longer (:data:`LEASE_TIMEOUTS`). The only duplicate is a
crash, or an answer lost, between the server's 250 and the record: the row is tried again (once
the lease ends) and sends the same bytes with the same Message-ID, which receivers and threading
treat as one message.

Each try counts an attempt on the row and records its error. A temporary failure (4xx, no
connection) raises :class:`DeferredDeliveryError` with the delay before the next try, doubling
from :data:`RETRY_FIRST_DELAY_MS` up to :data:`RETRY_MAX_DELAY_MS`; after
:data:`MAX_SEND_ATTEMPTS` tries, or at once on a permanent rejection (5xx), the row is failed
and a review item of kind ``outbound_failed`` opened. With ``ARBOX_OUTBOUND_DRY_RUN`` the row
is marked ``dry_run`` and nothing connects to SMTP; a dry run marks nothing done, so a later
real delivery of that row sends it (:func:`is_still_to_send`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, defer

from core.config import Settings
from core.errors import MailDeliveryError, MailRejectedError, PermanentError
from core.statuses import OutboxStatus, ReviewKind
from ledger import models as m
from ledger.outbox_store import mark_sent
from ledger.posting import open_review_item
from ledger.session import is_transient_db_error
from outbound.smtp import SEND_TIMEOUTS, Mailer
from worker import metrics
from worker.services import Services

log = structlog.get_logger(__name__)

#: Delivery attempts before an outbox row is marked failed for good.
MAX_SEND_ATTEMPTS = 8
#: Wait before the second try; each later one waits twice as long, up to the maximum. With
#: 8 attempts the last try comes about an hour after the first (30 s + 1 + 2 + 4 + 8 + 16 +
#: 30 min), long enough for greylisting and a relay's restart, short enough to tell a person.
RETRY_FIRST_DELAY_MS = 30_000
RETRY_MAX_DELAY_MS = 30 * 60_000
#: A delivery's lease on a row, in SMTP timeouts: a send gives up after SEND_TIMEOUTS of them
#: (outbound.smtp), a new connection's TCP and TLS handshakes may add one each, and the
#: outcome is recorded well before the lease ends: no live sender outlasts its lease.
LEASE_TIMEOUTS = SEND_TIMEOUTS + 2
#: Seconds to wait between tries of recording a delivery when the database is unavailable.
FINISH_RETRY_WAITS = (0.1, 0.5, 2.0)


def is_still_to_send(status: str, *, dry_run: bool) -> bool:
    """Whether an outbox row in ``status`` is still to deliver by a run that is (or is not) a
    dry run: a row a dry run only rendered is, for a real run."""
    return status == OutboxStatus.PENDING or (status == OutboxStatus.DRY_RUN and not dry_run)


def retry_delay_ms(attempts: int) -> int:
    """Milliseconds to wait after the ``attempts``-th failed try (1, 2, …)."""
    delay: int = RETRY_FIRST_DELAY_MS << max(0, min(attempts - 1, 30))
    return min(delay, RETRY_MAX_DELAY_MS)


class DeferredDeliveryError(MailDeliveryError):
    """A temporary failure, recorded on the row: try again in ``retry_in_ms``."""

    def __init__(self, error: MailDeliveryError, *, outbox_id: int, attempts: int) -> None:
        super().__init__(error.host, error.reason)
        self.outbox_id = outbox_id
        self.attempts = attempts
        self.retry_in_ms = retry_delay_ms(attempts)


@dataclass(frozen=True, slots=True)
class SendResult:
    """What became of one outbox row. ``held_for_ms``: another delivery holds the row for that
    long; nothing was sent, look again then (the holder may have died)."""

    outbox_id: int
    status: str
    held_for_ms: int | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """One delivery's try of a row: what to send, and the attempt count that makes it ours."""

    outbox_id: int
    attempts: int
    mailer: Mailer
    raw: bytes
    sender: str
    recipients: tuple[str, ...]


def lease_seconds(settings: Settings) -> float:
    """How long a delivery holds a row (:data:`LEASE_TIMEOUTS` SMTP timeouts)."""
    return settings.smtp_timeout_seconds * LEASE_TIMEOUTS


def send_outbox(outbox_id: int, *, svc: Services) -> SendResult:
    """Deliver outbox row ``outbox_id`` unless it was sent or failed for good already, or
    another delivery holds it.

    Raises:
        DeferredDeliveryError: a temporary failure; the caller retries after its delay.
    """
    claim = _claim(outbox_id, svc)
    if isinstance(claim, SendResult):
        return claim
    return deliver(claim, svc)


def deliver(claim: Claim, svc: Services) -> SendResult:
    """One try of a claimed row: send, and record the outcome.

    Raises:
        DeferredDeliveryError: a temporary failure; the caller retries after its delay.
    """
    outbox_id = claim.outbox_id
    try:
        claim.mailer.send(claim.raw, sender=claim.sender, recipients=claim.recipients)
    except MailRejectedError as e:
        log.error("outbound_rejected", outbox_id=outbox_id, error=str(e))
        metrics.SMTP_ERRORS.labels(kind="permanent").inc()
        return finish(claim, OutboxStatus.FAILED, str(e), svc).result
    except MailDeliveryError as e:
        return _deferred(claim, e, svc)
    except Exception as e:
        finish(claim, OutboxStatus.PENDING, f"{type(e).__name__}: {e}", svc)
        log.warning("outbound_retry", outbox_id=outbox_id, error=type(e).__name__)
        raise
    # The server has it. A crash from here to the commit leaves the row pending and claimed:
    # it is sent again once the lease ends (one of the two duplicates the module names).
    recorded = finish(claim, OutboxStatus.SENT, None, svc)
    if recorded.written:
        log.info("outbound_sent", outbox_id=outbox_id)
        metrics.OUTBOUND_SENT.labels(result=OutboxStatus.SENT).inc()
    return recorded.result


def _claim(outbox_id: int, svc: Services) -> Claim | SendResult:
    """Take the row for one try (an attempt and a lease), in a short transaction; or what
    became of it when there is nothing to send."""
    with svc.sessions.begin() as session:
        row = session.get(m.OutboxMessage, outbox_id, with_for_update=True)
        if row is None:
            raise PermanentError(f"outbox row {outbox_id} does not exist")
        now = svc.clock()  # once the row is ours to write: the lease runs from here
        if row.status == OutboxStatus.DRY_RUN and not svc.settings.outbound_dry_run:
            # A dry run only rendered it: this run sends it (issue 20).
            row.status = OutboxStatus.PENDING
        if row.status != OutboxStatus.PENDING:
            return SendResult(outbox_id, row.status)
        held_ms = _held_ms(row, now)
        if held_ms is not None:
            log.info("outbound_held", outbox_id=outbox_id, attempts=row.attempts, ms=held_ms)
            return SendResult(outbox_id, row.status, held_for_ms=held_ms)
        if svc.settings.outbound_dry_run:
            row.status = OutboxStatus.DRY_RUN
            log.info("outbound_dry_run", outbox_id=outbox_id, size=len(row.raw))
            metrics.OUTBOUND_SENT.labels(result=OutboxStatus.DRY_RUN).inc()
            return SendResult(outbox_id, row.status)
        if svc.mailer is None:
            row.status, row.last_error = (
                OutboxStatus.FAILED,
                "SMTP is not configured (ARBOX_SMTP_HOST)",
            )
            log.error("outbound_failed", outbox_id=outbox_id, why=row.last_error)
            return SendResult(outbox_id, row.status)
        if row.attempts >= MAX_SEND_ATTEMPTS:  # the last try died before recording
            _fail(session, row, f"gave up after {row.attempts} attempts", svc)
            return SendResult(outbox_id, row.status)
        row.attempts += 1
        row.claimed_until = now + timedelta(seconds=lease_seconds(svc.settings))
        recipients = tuple(row.recipients.split(","))
        return Claim(outbox_id, row.attempts, svc.mailer, row.raw, row.sender, recipients)


def _deferred(claim: Claim, error: MailDeliveryError, svc: Services) -> SendResult:
    """Record a temporary failure: the row waits for its next try, or fails after the last.

    Raises:
        DeferredDeliveryError: the row waits; the caller retries after its delay.
    """
    outbox_id, attempts = claim.outbox_id, claim.attempts
    if attempts >= MAX_SEND_ATTEMPTS:
        log.error("outbound_failed", outbox_id=outbox_id, attempts=attempts)
        metrics.SMTP_ERRORS.labels(kind="permanent").inc()
        reason = f"gave up after {attempts} attempts; last: {error}"
        return finish(claim, OutboxStatus.FAILED, reason, svc).result
    metrics.SMTP_ERRORS.labels(kind="temporary").inc()
    recorded = finish(claim, OutboxStatus.PENDING, str(error), svc)
    if not recorded.written:  # another delivery took the row meanwhile: it is that one's
        return recorded.result
    deferred = DeferredDeliveryError(error, outbox_id=outbox_id, attempts=attempts)
    log.warning(
        "outbound_retry", outbox_id=outbox_id, attempts=attempts, retry_in_ms=deferred.retry_in_ms
    )
    raise deferred from error


@dataclass(frozen=True, slots=True)
class Recorded:
    """The row after a delivery recorded its outcome: ``written`` unless another delivery had
    taken the row over, or finished it."""

    written: bool
    result: SendResult


def finish(claim: Claim, status: OutboxStatus, error: str | None, svc: Services) -> Recorded:
    """Record the outcome of a delivery and end its lease, if the row is still its own. After
    the server's 250 this is the only thing between us and a resend, so a transient database
    error is retried here a few times first."""
    for wait in FINISH_RETRY_WAITS:
        try:
            recorded = _record(claim, status, error, svc)
        except DBAPIError as e:
            if not is_transient_db_error(e):
                raise
            log.warning(
                "outbound_record_retry", outbox_id=claim.outbox_id, error=type(e.orig).__name__
            )
            time.sleep(wait)
        else:
            break
    else:
        recorded = _record(claim, status, error, svc)
    if not recorded.written:
        log.warning(
            "outbound_claim_lost",
            outbox_id=claim.outbox_id,
            attempts=claim.attempts,
            outcome=str(status),
            status=recorded.result.status,
        )
    return recorded


def _record(claim: Claim, status: OutboxStatus, error: str | None, svc: Services) -> Recorded:
    """Write ``status`` while the row is pending under this claim; ``sent`` while it is
    pending under any (the server has the mail: no one is to send it again)."""
    now = svc.clock()
    if status == OutboxStatus.SENT and error is None:
        # the common outcome: one guarded UPDATE, no row loaded (the same write as below)
        with svc.sessions.begin() as session:
            if mark_sent(session, claim.outbox_id, now=now):
                return Recorded(True, SendResult(claim.outbox_id, OutboxStatus.SENT))
    with svc.sessions.begin() as session:
        row = session.get(  # the mail itself (a statement PDF: 100 KB) is not needed here
            m.OutboxMessage,
            claim.outbox_id,
            with_for_update=True,
            options=[defer(m.OutboxMessage.raw)],
        )
        assert row is not None
        if row.status != OutboxStatus.PENDING or (
            status != OutboxStatus.SENT and row.attempts != claim.attempts
        ):
            return Recorded(False, SendResult(row.id, row.status, _held_ms(row, now)))
        row.claimed_until = None
        if status == OutboxStatus.FAILED:
            _fail(session, row, error or "failed", svc)
        else:
            row.status = status
            row.last_error = error[:2000] if error else row.last_error
            if status == OutboxStatus.SENT:
                row.sent_at = now
        return Recorded(True, SendResult(row.id, row.status))


def _held_ms(row: m.OutboxMessage, now: datetime) -> int | None:
    """Milliseconds left of a delivery's lease on pending ``row``; None when nobody holds it."""
    if row.status != OutboxStatus.PENDING or row.claimed_until is None:
        return None
    left = (row.claimed_until - now).total_seconds()
    return math.ceil(left * 1000) if left > 0 else None


def _fail(session: Session, row: m.OutboxMessage, error: str, svc: Services) -> None:
    """Mark ``row`` failed for good and tell a person: the mail will not go by itself."""
    row.status, row.last_error = OutboxStatus.FAILED, error[:2000]
    open_review_item(
        session,
        key=f"outbox:{row.id}:{ReviewKind.OUTBOUND_FAILED}",
        kind=ReviewKind.OUTBOUND_FAILED,
        reason=f"{row.kind} mail {row.message_id} not delivered: {row.last_error}",
        now=svc.clock(),
        inbound_id=row.inbound_id,
        customer_id=row.customer_id,
    )
