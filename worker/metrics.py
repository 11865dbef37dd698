"""Prometheus metrics of this process: what the workers and the poller count as they go.

Every series starts with ``arbox_`` and lives in :data:`REGISTRY`, this process's own registry
(not prometheus_client's default one, which adds ``process_*`` and ``python_*`` series). The
hot path only increments a counter or observes a duration: nothing here reads the database.
What lives in the database or Redis (mail per state, review items, outbox, queue depths) is
read at scrape time by :mod:`review.state_metrics`.

Each process serves its own numbers: ``arbox worker``, ``arbox poller`` and ``arbox run`` on
``ARBOX_METRICS_PORT`` (:func:`serve_metrics`), ``arbox run`` also on the review app's
``/metrics``. Several processes on one host take a port each (a Dramatiq worker process is one
process with threads, and the parse children count nothing, so prometheus_client's
multiprocess mode is not needed); Prometheus sums them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

from core.config import Settings

#: The registry of this process's counters.
REGISTRY: Final = CollectorRegistry(auto_describe=True)

#: Parse and decide take milliseconds to seconds; a parse is cut at ARBOX_PARSE_TIMEOUT_SECONDS.
LATENCY_BUCKETS: Final = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

MAILS_RECEIVED: Final = Counter(
    "arbox_mails_received",
    "Mails stored for processing (duplicates of stored mail not counted), by source.",
    ["source"],
    registry=REGISTRY,
)
MAILS_PROCESSED: Final = Counter(
    "arbox_mails_processed",
    "Mails whose processing ended, by outcome (applied, review, ignored, quarantined).",
    ["outcome"],
    registry=REGISTRY,
)
REMITTANCE_LINES: Final = Counter(
    "arbox_remittance_lines",
    "Remittance lines decided, by outcome (auto, review, held). A decision rolled back by a "
    "database error and made again counts again.",
    ["outcome"],
    registry=REGISTRY,
)
PROCESS_SECONDS: Final = Histogram(
    "arbox_process_seconds",
    "Wall time of processing one mail (read, parse, decide, post), by outcome.",
    ["outcome"],
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
PARSE_SECONDS: Final = Histogram(
    "arbox_parse_seconds",
    "Wall time of reading one mail (MIME, PDFs, spreadsheets, classification), its child included.",
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
SCHEDULED_RUNS: Final = Counter(
    "arbox_scheduled_runs",
    "Statement and dunning runs this scheduler started, by job.",
    ["job"],
    registry=REGISTRY,
)
SCHEDULER_ACTIVE: Final = Gauge(
    "arbox_scheduler_active",
    "1 while this scheduler holds the one-scheduler lock and starts runs, else 0.",
    registry=REGISTRY,
)
DECIDE_SECONDS: Final = Histogram(
    "arbox_decide_seconds",
    "Wall time of deciding the lines of one remittance against the open invoices.",
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
OUTBOUND_SENT: Final = Counter(
    "arbox_outbound_sent",
    "Outbound mails handed to the SMTP server (or stored, in dry-run).",
    ["result"],
    registry=REGISTRY,
)
SMTP_ERRORS: Final = Counter(
    "arbox_smtp_errors",
    "SMTP deliveries that failed, by kind (temporary: retried; permanent: rejected or out of "
    "attempts).",
    ["kind"],
    registry=REGISTRY,
)
IMAP_ERRORS: Final = Counter(
    "arbox_imap_errors",
    "Times the poller lost or could not reach the mailbox, by folder.",
    ["folder"],
    registry=REGISTRY,
)
POLLER_LAST_SUCCESS: Final = Gauge(
    "arbox_poller_last_success_timestamp_seconds",
    "Unix time of the last successful poll of a folder by this process.",
    ["folder"],
    registry=REGISTRY,
)


@contextmanager
def timed(histogram: Histogram) -> Iterator[None]:
    """Observe the wall time of the block in ``histogram`` (also when it raises)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        histogram.observe(time.perf_counter() - start)


def record_processed(outcome: str, seconds: float) -> None:
    """One mail's processing ended with ``outcome`` after ``seconds``."""
    MAILS_PROCESSED.labels(outcome=outcome).inc()
    PROCESS_SECONDS.labels(outcome=outcome).observe(seconds)


def record_poll(folders: tuple[str, ...], *, now: float | None = None) -> None:
    """A poll of ``folders`` succeeded."""
    when = time.time() if now is None else now
    for folder in folders:
        POLLER_LAST_SUCCESS.labels(folder=folder).set(when)


def serve_metrics(settings: Settings) -> int | None:
    """Serve :data:`REGISTRY` on ``ARBOX_METRICS_HOST:ARBOX_METRICS_PORT`` in a daemon thread;
    returns the port, or None when ``ARBOX_METRICS_PORT`` is 0 (off).

    Raises:
        OSError: the port is taken.
    """
    if not settings.metrics_port:
        return None
    server, _thread = start_http_server(
        settings.metrics_port, addr=settings.metrics_host, registry=REGISTRY
    )
    return int(server.server_address[1])
