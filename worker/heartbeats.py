"""Which arbox workers and pollers are alive: a key per process in Redis, with an expiry.

Each ``arbox worker`` / ``arbox poller`` / ``arbox run`` process writes
``arbox:alive:<role>:<host>:<pid>`` (JSON: role, host, pid, start time, folders or threads)
every :data:`BEAT_SECONDS` with an expiry of :data:`TTL_SECONDS`, and deletes it when it stops
cleanly; a killed process's key expires. ``arbox status`` reads them. Dramatiq's own heartbeats
(``arbox:__heartbeats__``) cannot tell a worker from any process that only enqueues, so arbox
keeps its own.
"""

from __future__ import annotations

import json
import os
import socket
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Literal

import structlog

log = structlog.get_logger(__name__)

Role = Literal["worker", "poller", "scheduler"]

#: Key prefix of the heartbeats.
PREFIX: Final = "arbox:alive:"
#: A process not heard of for this long is dead.
TTL_SECONDS: Final = 30
#: How often a live process writes its key: three beats per expiry, so one lost write is fine.
BEAT_SECONDS: Final = TTL_SECONDS / 3


@dataclass(frozen=True, slots=True)
class Alive:
    """One live process, as it last said."""

    role: str
    host: str
    pid: int
    started_at: str
    detail: dict[str, Any]


class Heartbeat:
    """Writes this process's key for ``role`` until :meth:`stop`."""

    def __init__(self, client: Any, role: Role, **detail: Any) -> None:
        self.client = client
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.key = f"{PREFIX}{role}:{self.host}:{self.pid}"
        self.value = json.dumps(
            {
                "role": role,
                "host": self.host,
                "pid": self.pid,
                "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
                **detail,
            }
        )
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"arbox-heartbeat-{role}", daemon=True
        )

    def start(self) -> Heartbeat:
        """Write the key now and keep writing it in a daemon thread."""
        self._beat()
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop writing and delete the key (a stopped process is not alive)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        try:
            self.client.delete(self.key)
        except Exception as e:  # boundary: Redis gone; the key expires by itself
            log.info("heartbeat_delete_failed", error=type(e).__name__)

    def _run(self) -> None:
        while not self._stop.wait(BEAT_SECONDS):
            self._beat()

    def _beat(self) -> None:
        try:
            self.client.set(self.key, self.value, ex=TTL_SECONDS)
        except Exception as e:  # boundary: a Redis outage must not stop the worker
            log.warning("heartbeat_failed", error=type(e).__name__)


def alive_processes(client: Any) -> list[Alive]:
    """Every process whose heartbeat has not expired, by role, host and pid."""
    found: list[Alive] = []
    for key in client.scan_iter(match=f"{PREFIX}*", count=100):
        raw = client.get(key)
        if raw is None:  # expired between the scan and the read
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        found.append(
            Alive(
                role=str(data.pop("role", "")),
                host=str(data.pop("host", "")),
                pid=int(data.pop("pid", 0)),
                started_at=str(data.pop("started_at", "")),
                detail=data,
            )
        )
    return sorted(found, key=lambda a: (a.role, a.host, a.pid))
