"""Dramatiq actors. Each takes ids, binds log context and calls one pipeline step."""

from __future__ import annotations

import time

import dramatiq
import structlog
from structlog.contextvars import bind_contextvars, bound_contextvars

from core.errors import PermanentError
from core.queues import INGEST_QUEUE, OUTBOUND_QUEUE, SCHEDULED_QUEUE
from worker import inline_send, metrics, sending
from worker.broker import ensure_broker
from worker.inbound import process
from worker.inbound.store import Swept
from worker.runs import scheduled_jobs
from worker.services import get_services

ensure_broker()
log = structlog.get_logger(__name__)


@dramatiq.actor(
    queue_name=INGEST_QUEUE,
    # Poison messages are quarantined by the pipeline's own attempt count; Dramatiq's retries
    # also carry transient database errors, which do not count as attempts.
    max_retries=process.MAX_INTERRUPTED_ATTEMPTS + 7,
    min_backoff=1_000,
    max_backoff=30_000,
    time_limit=300_000,
    throws=(PermanentError,),
)
def process_message(inbound_id: int) -> None:
    """Process one stored inbound message, then deliver the mail it caused (or queue it:
    :mod:`worker.inline_send`)."""
    svc = get_services()
    # message_id: None until process_inbound reads the mail (the same read that starts the
    # attempt), then the mail's; unbound again when this ends
    with bound_contextvars(inbound_id=inbound_id, message_id=None):
        started = time.perf_counter()
        result = process.process_inbound(
            inbound_id, svc=svc, claim_inline=True, seen_message_id=_bind_message_id
        )
        metrics.record_processed(result.status, time.perf_counter() - started)
        for claim in result.claims:
            inline_send.send_claimed(claim, svc=svc, queue=_queue_send)
        for outbox_id in result.unclaimed():
            inline_send.send_now_or_queue(outbox_id, svc=svc, queue=_queue_send)


def _queue_send(outbox_id: int, delay_ms: int | None) -> None:
    """Hand ``outbox_id`` to the outbound queue (after ``delay_ms``)."""
    send_outbound.send_with_options(args=(outbox_id,), delay=delay_ms)


def _bind_message_id(message_id: str) -> None:
    """The mail's Message-ID into the log context (inside :func:`process_message`'s)."""
    bind_contextvars(message_id=message_id)


@dramatiq.actor(
    queue_name=OUTBOUND_QUEUE,
    # The row counts the attempts and fails itself after the last; Dramatiq's count is the
    # backstop. A temporary SMTP failure retries after sending.retry_delay_ms (30 s doubling,
    # at most 30 min); anything unexpected after Dramatiq's backoff between the same bounds.
    max_retries=sending.MAX_SEND_ATTEMPTS,
    min_backoff=sending.RETRY_FIRST_DELAY_MS,
    max_backoff=sending.RETRY_MAX_DELAY_MS,
    time_limit=120_000,
    throws=(PermanentError,),
)
def send_outbound(outbox_id: int) -> None:
    """Deliver one outbox row; when another delivery holds it, look again once its lease
    ends (sent by then, or its holder died and this delivery sends it)."""
    with bound_contextvars(outbox_id=outbox_id):
        try:
            result = sending.send_outbox(outbox_id, svc=get_services())
        except sending.DeferredDeliveryError as e:
            raise dramatiq.Retry(str(e), delay=e.retry_in_ms) from e
        if result.held_for_ms is not None:
            raise dramatiq.Retry("held by another delivery", delay=result.held_for_ms)


@dramatiq.actor(
    queue_name=SCHEDULED_QUEUE,
    # A run is idempotent (keyed by its date), so a retry after a crash writes nothing twice.
    max_retries=3,
    min_backoff=60_000,
    max_backoff=600_000,
    time_limit=3_600_000,
    throws=(PermanentError,),
)
def run_statements(as_of: str) -> None:
    """The statement run for the date ``as_of`` (ISO); its mails go to ``send_outbound``."""
    with bound_contextvars(job="statements", as_of=as_of):
        for outbox_id in scheduled_jobs.statement_run(as_of, svc=get_services()):
            send_outbound.send(outbox_id)


@dramatiq.actor(
    queue_name=SCHEDULED_QUEUE,
    max_retries=3,
    min_backoff=60_000,
    max_backoff=600_000,
    time_limit=3_600_000,
    throws=(PermanentError,),
)
def run_dunning(as_of: str) -> None:
    """The dunning run for the date ``as_of`` (ISO); its mails go to ``send_outbound``."""
    with bound_contextvars(job="dunning", as_of=as_of):
        for outbox_id in scheduled_jobs.dunning_run(as_of, svc=get_services()):
            send_outbound.send(outbox_id)


def bind_to(broker: dramatiq.Broker) -> None:
    """Declare the actors on ``broker`` (after the global broker was replaced)."""
    for actor in (process_message, send_outbound, run_statements, run_dunning):
        actor.broker = broker
        broker.declare_actor(actor)


def enqueue_swept(swept: Swept) -> None:
    """Queue again what :func:`worker.inbound.store.sweep` found."""
    for inbound_id in swept.inbound_ids:
        process_message.send(inbound_id)
    for outbox_id in swept.outbox_ids:
        send_outbound.send(outbox_id)
    if swept.inbound_ids or swept.outbox_ids:
        log.warning("swept", inbound=len(swept.inbound_ids), outbound=len(swept.outbox_ids))
