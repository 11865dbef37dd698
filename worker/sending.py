"""The sending step: deliver one outbox row over SMTP, at most once in effect.

The row stays locked while the server takes the mail and is marked sent in that same
transaction, so two deliveries of one job never both send. A crash between the server's 250 and
the commit resends the same bytes with the same Message-ID, which receivers and threading treat
as one message: that window is the only duplicate there can be.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import structlog
from sqlalchemy.exc import DBAPIError

from core.errors import MailRejectedError, PermanentError
from ledger import models as m
from ledger.session import is_transient_db_error
from worker.services import Services

log = structlog.get_logger(__name__)

#: Delivery attempts before an outbox row is marked failed for good.
MAX_SEND_ATTEMPTS = 8
#: Seconds to wait between tries of recording a delivery when the database is unavailable.
FINISH_RETRY_WAITS = (0.1, 0.5, 2.0)


@dataclass(frozen=True, slots=True)
class SendResult:
    """What became of one outbox row."""

    outbox_id: int
    status: str


def send_outbox(outbox_id: int, *, svc: Services) -> SendResult:
    """Deliver outbox row ``outbox_id`` unless it was sent or failed for good already.

    Raises:
        MailDeliveryError: a temporary failure; the caller retries later.
    """
    with svc.sessions.begin() as session:
        row = session.get(m.OutboxMessage, outbox_id, with_for_update=True)
        if row is None:
            raise PermanentError(f"outbox row {outbox_id} does not exist")
        if row.status != "pending":
            return SendResult(outbox_id, row.status)
        if svc.mailer is None:
            row.status, row.last_error = "failed", "SMTP is not configured (ARBOX_SMTP_HOST)"
            log.error("outbound_failed", outbox_id=outbox_id, why=row.last_error)
            return SendResult(outbox_id, row.status)
        if row.attempts >= MAX_SEND_ATTEMPTS:
            row.status = "failed"
            log.error("outbound_failed", outbox_id=outbox_id, why="too many attempts")
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
            if row.status != "pending" or row.attempts != claim:
                return SendResult(outbox_id, row.status)
            mailer.send(raw, sender=sender, recipients=recipients)
            accepted = True
            row.status, row.sent_at = "sent", svc.clock()
    except MailRejectedError as e:
        _finish(outbox_id, "failed", str(e), svc)
        log.error("outbound_rejected", outbox_id=outbox_id, error=str(e))
        return SendResult(outbox_id, "failed")
    except DBAPIError as e:
        if not (accepted and is_transient_db_error(e)):
            raise
        _finish(outbox_id, "sent", None, svc)  # the server has it: record that, retrying
    except Exception as e:
        if accepted:
            raise
        _finish(outbox_id, "pending", f"{type(e).__name__}: {e}", svc)
        log.warning("outbound_retry", outbox_id=outbox_id, error=type(e).__name__)
        raise
    log.info("outbound_sent", outbox_id=outbox_id)
    return SendResult(outbox_id, "sent")


def _finish(outbox_id: int, status: str, error: str | None, svc: Services) -> None:
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


def _record(outbox_id: int, status: str, error: str | None, svc: Services) -> None:
    with svc.sessions.begin() as session:
        row = session.get(m.OutboxMessage, outbox_id, with_for_update=True)
        assert row is not None
        row.status = status
        row.last_error = error[:2000] if error else row.last_error
        if status == "sent":
            row.sent_at = svc.clock()
