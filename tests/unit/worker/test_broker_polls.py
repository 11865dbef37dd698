"""The broker's consumers: the ingest queue is looked at every ``worker_timeout`` (new mail
starts at once); the other queues, idle most of the time, at most every second."""

from __future__ import annotations

from core.queues import INGEST_QUEUE, OUTBOUND_QUEUE, SCHEDULED_QUEUE
from worker.broker import IDLE_QUEUE_POLL_MS, ArboxRedisBroker


def test_only_the_ingest_queue_is_polled_at_the_workers_pace() -> None:
    # consumers connect when they fetch: no server needed
    broker = ArboxRedisBroker(url="redis://127.0.0.1:1/0")  # type: ignore[no-untyped-call]
    try:
        polls = {
            name: broker.consume(name, prefetch=8, timeout=100).timeout
            for name in (INGEST_QUEUE, OUTBOUND_QUEUE, SCHEDULED_QUEUE, f"{INGEST_QUEUE}.DQ")
        }
    finally:
        broker.close()  # type: ignore[no-untyped-call]
    assert polls == {
        INGEST_QUEUE: 100,
        OUTBOUND_QUEUE: IDLE_QUEUE_POLL_MS,
        SCHEDULED_QUEUE: IDLE_QUEUE_POLL_MS,
        f"{INGEST_QUEUE}.DQ": IDLE_QUEUE_POLL_MS,
    }
    assert IDLE_QUEUE_POLL_MS >= 1000
