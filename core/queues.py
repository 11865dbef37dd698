"""The queues arbox's broker uses, by name, and how deep they are.

The worker's broker (worker.broker) declares its actors on these queues; the health gauges
(review.state_metrics) and ``arbox status`` read their depth from Redis with
:func:`queue_stats`, given a redis-py client: reading needs no broker and no Dramatiq.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

#: Queue names.
INGEST_QUEUE = "ar.ingest"
OUTBOUND_QUEUE = "ar.outbound"
#: The queue of the scheduler's runs (statements, dunning): long jobs, apart from the mail.
SCHEDULED_QUEUE = "ar.scheduled"
#: Every queue arbox uses.
QUEUES = (INGEST_QUEUE, OUTBOUND_QUEUE, SCHEDULED_QUEUE)
#: The Redis key namespace of the broker.
NAMESPACE = "arbox"


@dataclass(frozen=True, slots=True)
class QueueStats:
    """One queue as Redis holds it: messages ready, messages delayed (retries waiting for
    their backoff), and the age of the oldest ready message (None when there is none)."""

    name: str
    ready: int
    delayed: int
    oldest_age_seconds: float | None


def queue_stats(client: Any, *, now_ms: int, queues: tuple[str, ...] = QUEUES) -> list[QueueStats]:
    """Read the depth of ``queues`` from the Redis broker's keys (``client``: redis-py).

    Dramatiq's Redis broker keeps a queue as a list of message ids (``arbox:<queue>``, oldest
    first) and the messages in a hash (``arbox:<queue>.msgs``); retries wait in ``<queue>.DQ``.
    Messages fetched by a worker and not yet acknowledged are in neither list.
    """
    stats = []
    for queue in queues:
        key = f"{NAMESPACE}:{queue}"
        with client.pipeline(transaction=False) as pipe:
            pipe.llen(key)
            pipe.llen(f"{key}.DQ")
            pipe.lindex(key, 0)
            ready, delayed, oldest_id = pipe.execute()
        age = None
        if oldest_id is not None:
            data = client.hget(f"{key}.msgs", oldest_id)
            try:
                enqueued_ms = int(json.loads(data)["message_timestamp"]) if data else None
            except (ValueError, KeyError, TypeError):
                enqueued_ms = None
            if enqueued_ms is not None:
                age = max(0.0, (now_ms - enqueued_ms) / 1000)
        stats.append(QueueStats(queue, int(ready), int(delayed), age))
    return stats


#: Socket timeouts of the Redis reads of a scrape, a readiness check or ``arbox status``.
REDIS_TIMEOUT_SECONDS = 2.0


def redis_client(url: str) -> Any:
    """A redis-py client for ``url`` whose reads give up after :data:`REDIS_TIMEOUT_SECONDS`."""
    import redis

    return redis.Redis.from_url(
        url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
    )
