"""The sending step: deliver one outbox row over SMTP, at most once in effect.

The row stays locked while the server takes the mail and is marked sent in that same
transaction, so two deliveries of one job never both send. A crash between the server's 250 and
the commit resends the same bytes with the same Message-ID, which receivers and threading treat
as one message: that window is the only duplicate there can be.

Each try counts an attempt on the row and records its error. A temporary failure (4xx, no
connection) raises :class:`DeferredDeliveryError` with the delay before the next try, doubling
from :data:`RETRY_FIRST_DELAY_MS` up to :data:`RETRY_MAX_DELAY_MS`; after
:data:`MAX_SEND_ATTEMPTS` tries, or at once on a permanent rejection (5xx), the row is failed
and a review item of kind ``outbound_failed`` opened. With ``ARBOX_OUTBOUND_DRY_RUN`` the row
is marked ``dry_run`` and nothing connects to SMTP; a dry run marks nothing done, so a later
real delivery of that row sends it (:func:`is_still_to_send`).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import structlog
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from core.errors import MailDeliveryError, MailRejectedError, PermanentError
from core.statuses import OutboxStatus, ReviewKind
from ledger import models as m
from ledger.posting import open_review_item
from ledger.session import is_transient_db_error
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
    """What became of one outbox row."""

    outbox_id: int
    status: str


def send_outbox(outbox_id: int, *, svc: Services) -> SendResult:
    """Deliver outbox row ``outbox_id`` unless it was sent or failed for good already.

    Raises:
        DeferredDeliveryError: a temporary failure; the caller retries after its delay.
    """
    with svc.sessions.begin() as session:
        row = session.get(m.OutboxMessage, outbox_id, with_for_update=True)
        if row is None:
            raise PermanentError(f"outbox row {outbox_id} does not exist")
        if row.status == OutboxStatus.DRY_RUN and not svc.settings.outbound_dry_run:
            # A dry run only rendered it: this run sends it (issue 20).
            row.status = OutboxStatus.PENDING
        if row.status != OutboxStatus.PENDING:
            return SendResult(outbox_id, row.status)
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
        claim = row.attempts
        mailer, raw, sender = svc.mailer, row.raw, row.sender
        recipients = row.recipients.split(",")
    accepted = False
    try:
        # Hold the row locked while the server takes the mail: a second delivery of this job
        # (Dramatiq may run a message twice; the sweep re-enqueues) waits here and then finds
        # it sent, or finds that it claimed the row after us and leaves it to that delivery.
        with svc.sessions.begin() as session:
            row = session.get(m.OutboxMessage, outbox_id, with_for_update=True)
            assert row is not None
            if row.status != OutboxStatus.PENDING or row.attempts != claim:
                return SendResult(outbox_id, row.status)
            mailer.send(raw, sender=sender, recipients=recipients)
            accepted = True
            row.status, row.sent_at = OutboxStatus.SENT, svc.clock()
    except MailRejectedError as e:
        _finish(outbox_id, OutboxStatus.FAILED, str(e), svc)
        log.error("outbound_rejected", outbox_id=outbox_id, error=str(e))
        metrics.SMTP_ERRORS.labels(kind="permanent").inc()
        return SendResult(outbox_id, OutboxStatus.FAILED)
    except MailDeliveryError as e:
        if claim >= MAX_SEND_ATTEMPTS:
            _finish(
                outbox_id, OutboxStatus.FAILED, f"gave up after {claim} attempts; last: {e}", svc
            )
            log.error("outbound_failed", outbox_id=outbox_id, attempts=claim)
            metrics.SMTP_ERRORS.labels(kind="permanent").inc()
            return SendResult(outbox_id, OutboxStatus.FAILED)
        _finish(outbox_id, OutboxStatus.PENDING, str(e), svc)
        deferred = DeferredDeliveryError(e, outbox_id=outbox_id, attempts=claim)
        metrics.SMTP_ERRORS.labels(kind="temporary").inc()
        log.warning(
            "outbound_retry", outbox_id=outbox_id, attempts=claim, retry_in_ms=deferred.retry_in_ms
        )
        raise deferred from e
    except DBAPIError as e:
        if not (accepted and is_transient_db_error(e)):
            raise
        _finish(outbox_id, OutboxStatus.SENT, None, svc)  # the server has it: record that, retrying
    except Exception as e:
        if accepted:
            raise
        _finish(outbox_id, OutboxStatus.PENDING, f"{type(e).__name__}: {e}", svc)
        log.warning("outbound_retry", outbox_id=outbox_id, error=type(e).__name__)
        raise
    log.info("outbound_sent", outbox_id=outbox_id)
    metrics.OUTBOUND_SENT.labels(result=OutboxStatus.SENT).inc()
    return SendResult(outbox_id, OutboxStatus.SENT)


#: After a failed delivery from the worker that wrote the reply, how long every reply goes
#: through the outbound queue instead (a relay that is down must not slow reading mail). When
#: it is over, one reply tries the relay again while the others still go through the queue.
INLINE_PAUSE_SECONDS = 60.0
_inline_paused_until = 0.0
_inline_failed = False
_inline_lock = threading.Lock()


def send_now_or_queue(
    outbox_id: int, *, svc: Services, queue: Callable[[int, int | None], None]
) -> None:
    """Deliver ``outbox_id`` now (``ARBOX_SEND_INLINE``), from the worker whose transaction
    wrote it, or hand it to ``queue(outbox_id, delay_ms)``: when inline sending is off or
    paused, and when this try fails (a temporary failure with its retry delay). A row that
    failed for good is left as it is: its review item tells a person."""
    if not svc.settings.send_inline or not _may_try_inline():
        queue(outbox_id, None)
        return
    try:
        send_outbox(outbox_id, svc=svc)
    except DeferredDeliveryError as e:
        _pause_inline()
        queue(outbox_id, e.retry_in_ms)
    except Exception as e:  # recorded on the row by send_outbox; the queue retries
        _pause_inline()
        log.warning("outbound_inline_failed", outbox_id=outbox_id, error=type(e).__name__)
        queue(outbox_id, None)
    except BaseException:  # the actor's time limit, shutdown: the queue (or the sweep) sends it
        _pause_inline()
        with contextlib.suppress(Exception):
            queue(outbox_id, None)
        raise
    else:
        _resume_inline()


def _may_try_inline() -> bool:
    """Whether this reply may go now: no failure, or the pause after one is over and this
    caller is the one to try again (the next pause starts now, for the others)."""
    global _inline_paused_until
    with _inline_lock:
        now = time.monotonic()
        if not _inline_failed:
            return True
        if now < _inline_paused_until:
            return False
        _inline_paused_until = now + INLINE_PAUSE_SECONDS
        return True


def _pause_inline() -> None:
    global _inline_paused_until, _inline_failed
    with _inline_lock:
        _inline_failed = True
        _inline_paused_until = time.monotonic() + INLINE_PAUSE_SECONDS


def _resume_inline() -> None:
    global _inline_failed
    if _inline_failed:
        with _inline_lock:
            _inline_failed = False


def _finish(outbox_id: int, status: OutboxStatus, error: str | None, svc: Services) -> None:
    """Record the outcome of a delivery. After the server's 250 this is the only thing between
    us and a resend, so a transient database error is retried here a few times first."""
    for wait in FINISH_RETRY_WAITS:
        try:
            _record(outbox_id, status, error, svc)
        except DBAPIError as e:
            if not is_transient_db_error(e):
                raise
            log.warning("outbound_record_retry", outbox_id=outbox_id, error=type(e.orig).__name__)
            time.sleep(wait)
        else:
            return
    _record(outbox_id, status, error, svc)


def _record(outbox_id: int, status: OutboxStatus, error: str | None, svc: Services) -> None:
    with svc.sessions.begin() as session:
        row = session.get(m.OutboxMessage, outbox_id, with_for_update=True)
        assert row is not None
        if status == OutboxStatus.FAILED:
            _fail(session, row, error or "failed", svc)
            return
        row.status = status
        row.last_error = error[:2000] if error else row.last_error
        if status == OutboxStatus.SENT:
            row.sent_at = svc.clock()


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
