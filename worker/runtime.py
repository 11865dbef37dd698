"""Running the pieces in one process: settings → broker → services → Dramatiq workers, and
waiting until given messages and the mail they caused are done."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass

import dramatiq
import structlog

from core.config import Settings
from ledger.run_reads import count_final, count_pending_replies
from ledger.session import reading
from outbound.smtp import Mailer
from worker.broker import configure_broker
from worker.services import Services, set_services

log = structlog.get_logger(__name__)

#: Longest wait before a crashed loop (the poller) is started again.
MAX_RESTART_BACKOFF = 30.0


@dataclass(frozen=True, slots=True)
class Runtime:
    """The configured broker and services of this process."""

    broker: dramatiq.Broker
    services: Services


def boot(settings: Settings, *, mailer: Mailer | None = None) -> Runtime:
    """Configure broker and services for ``settings`` and declare the actors."""
    broker = configure_broker(settings)
    services = Services.from_settings(settings, mailer=mailer)
    set_services(services)
    import worker.actors

    worker.actors.bind_to(broker)
    return Runtime(broker=broker, services=services)


def start_worker(runtime: Runtime, *, threads: int) -> dramatiq.Worker:
    """Start Dramatiq worker threads in this process consuming every arbox queue."""
    worker = dramatiq.Worker(runtime.broker, worker_threads=threads, worker_timeout=100)
    worker.start()
    return worker


def stop_worker(runtime: Runtime, worker: dramatiq.Worker, *, timeout: int) -> None:
    """Stop the worker threads (waiting up to ``timeout`` ms for their jobs), then close the
    SMTP connections they kept open."""
    worker.stop(timeout=timeout)
    runtime.services.close()


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a set of inbound messages is."""

    final: int
    total: int
    pending_mail: int

    @property
    def done(self) -> bool:
        """Every message final and none of the mail they caused still pending."""
        return self.final == self.total and self.pending_mail == 0


def progress(svc: Services, inbound_ids: Collection[int]) -> Progress:
    """Where ``inbound_ids`` and their outbound mail are."""
    ids = list(inbound_ids)
    final = pending = 0
    with reading(svc.sessions) as session:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            final += count_final(session, chunk)
            pending += count_pending_replies(session, chunk)
    return Progress(final=final, total=len(ids), pending_mail=pending)


def wait_until_done(
    svc: Services,
    inbound_ids: Collection[int],
    *,
    timeout: float,
    interval: float = 0.1,
    on_progress: Callable[[Progress], None] | None = None,
) -> Progress:
    """Block until every message in ``inbound_ids`` and its mail are done, or ``timeout``;
    ``on_progress`` sees each reading (a progress bar)."""
    deadline = time.monotonic() + timeout
    while True:
        state = progress(svc, inbound_ids)
        if on_progress is not None:
            on_progress(state)
        if state.done or time.monotonic() >= deadline:
            return state
        time.sleep(interval)


def run_supervised(
    loop: Callable[[threading.Event], None],
    stop: threading.Event,
    *,
    name: str,
    first_backoff: float = 1.0,
) -> None:
    """Run ``loop(stop)`` until ``stop`` is set, starting it again (with backoff) when it dies
    of an exception: a database or Redis outage must not end the poller of a running service.
    Only the exception's type is logged; its text can carry SQL parameters (mail content)."""
    backoff = first_backoff
    while not stop.is_set():
        try:
            loop(stop)
        except Exception as e:
            log.warning("loop_crashed", loop=name, error=type(e).__name__, retry_in=backoff)
            stop.wait(backoff)
            backoff = min(backoff * 2, MAX_RESTART_BACKOFF)
        else:
            return
