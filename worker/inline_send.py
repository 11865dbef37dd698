"""Sending a reply from the worker that wrote it (``ARBOX_SEND_INLINE``), right after the
transaction that wrote it commits, instead of through the outbound queue.

The transaction that writes the reply may claim its outbox row too (:func:`claim_for_inline`):
the same attempt and lease :mod:`worker.sending` takes in a transaction of its own, spared. A
failed try pauses inline sending for :data:`INLINE_PAUSE_SECONDS` in this process: every reply
goes through the queue meanwhile (a relay that is down must not slow reading mail), then one
reply probes the relay while the others still queue.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Sequence
from datetime import timedelta

import structlog
from sqlalchemy.orm import Session

from core.statuses import OutboxStatus
from ledger.outbox_store import claim_new_rows
from worker.sending import (
    MAX_SEND_ATTEMPTS,
    Claim,
    DeferredDeliveryError,
    SendResult,
    deliver,
    finish,
    lease_seconds,
    send_outbox,
)
from worker.services import Services

log = structlog.get_logger(__name__)


def claim_for_inline(
    session: Session, outbox_ids: Sequence[int], *, svc: Services
) -> tuple[Claim, ...]:
    """In the transaction that writes ``outbox_ids``: claim them for this worker to send once
    it commits (:func:`send_claimed`), sparing each a claiming transaction of its own; nothing
    when inline sending is off or paused, in a dry run, or without SMTP."""
    settings = svc.settings
    if not settings.send_inline or _inline_failed or settings.outbound_dry_run:
        return ()
    if svc.mailer is None:
        return ()
    until = svc.clock() + timedelta(seconds=lease_seconds(settings))
    rows = claim_new_rows(session, outbox_ids, until=until, max_attempts=MAX_SEND_ATTEMPTS)
    return tuple(
        Claim(row_id, attempts, svc.mailer, raw, sender, tuple(recipients.split(",")))
        for row_id, attempts, raw, sender, recipients in rows
    )


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
    paused, when this try fails (a temporary failure with its retry delay), and when another
    delivery holds the row (to look again when its lease ends). A row that failed for good is
    left as it is: its review item tells a person."""
    if not svc.settings.send_inline or not _may_try_inline():
        queue(outbox_id, None)
        return
    _try_inline(outbox_id, lambda: send_outbox(outbox_id, svc=svc), queue)


def send_claimed(claim: Claim, *, svc: Services, queue: Callable[[int, int | None], None]) -> None:
    """:func:`send_now_or_queue` for a row :func:`claim_for_inline` claimed. When inline
    sending paused since, the claim is given back (its attempt stays counted) and the row
    queued."""
    if not _may_try_inline():
        finish(claim, OutboxStatus.PENDING, None, svc)
        queue(claim.outbox_id, None)
        return
    _try_inline(claim.outbox_id, lambda: deliver(claim, svc), queue)


def _try_inline(
    outbox_id: int,
    send: Callable[[], SendResult],
    queue: Callable[[int, int | None], None],
) -> None:
    try:
        result = send()
    except DeferredDeliveryError as e:
        _pause_inline()
        queue(outbox_id, e.retry_in_ms)
    except Exception as e:  # recorded on the row by the send; the queue retries
        _pause_inline()
        log.warning("outbound_inline_failed", outbox_id=outbox_id, error=type(e).__name__)
        queue(outbox_id, None)
    except BaseException:  # the actor's time limit, shutdown: the queue (or the sweep) sends it
        _pause_inline()
        with contextlib.suppress(Exception):
            queue(outbox_id, None)
        raise
    else:
        if result.held_for_ms is not None:  # another delivery sends it; look once it is done
            queue(outbox_id, result.held_for_ms)
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
