"""Running the review app with uvicorn: in the foreground (``arbox serve``) or in a thread
next to the workers (``arbox run``, ``arbox demo``, the browser tests)."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import uvicorn
from prometheus_client import CollectorRegistry

from core.config import Settings
from review.app import create_app
from review.item_credit import CreditIssuer


@dataclass
class RunningServer:
    """A uvicorn server in a thread of this process."""

    server: uvicorn.Server
    thread: threading.Thread
    host: str
    port: int

    @property
    def url(self) -> str:
        """The base URL, ``http://127.0.0.1:8000``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the server to finish its requests and stop; wait for the thread."""
        self.server.should_exit = True
        self.thread.join(timeout)


def _config(
    settings: Settings,
    host: str | None,
    port: int | None,
    process_metrics: CollectorRegistry | None = None,
    redis_client: Callable[[], Any | None] | None = None,
    credit_issuer: CreditIssuer | None = None,
) -> uvicorn.Config:
    return uvicorn.Config(
        create_app(
            settings,
            process_metrics=process_metrics,
            redis_client=redis_client,
            credit_issuer=credit_issuer,
        ),
        host=host or settings.web_host,
        port=settings.web_port if port is None else port,
        log_level="warning",
        access_log=False,
        server_header=False,
        proxy_headers=False,
    )


def serve(
    settings: Settings,
    *,
    host: str | None = None,
    port: int | None = None,
    redis_client: Callable[[], Any | None] | None = None,
    credit_issuer: CreditIssuer | None = None,
) -> str:
    """Serve until SIGINT or SIGTERM, then finish the requests in flight and return (the
    process exits 0, as the other ``arbox`` services do). Prints nothing; returns the URL
    it served on."""
    running = start_in_thread(
        settings, host=host, port=port, redis_client=redis_client, credit_issuer=credit_issuer
    )
    stop = threading.Event()

    def handler(_signum: int, _frame: object) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not stop.wait(0.5):
            if not running.thread.is_alive():
                raise RuntimeError(f"the review app on {running.url} stopped by itself")
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
        running.stop()
    return running.url


def start_in_thread(
    settings: Settings,
    *,
    host: str | None = None,
    port: int | None = None,
    timeout: float = 15,
    process_metrics: CollectorRegistry | None = None,
    redis_client: Callable[[], Any | None] | None = None,
    credit_issuer: CreditIssuer | None = None,
) -> RunningServer:
    """Start serving in a daemon thread and return once it listens; ``/metrics`` adds
    ``process_metrics`` (``arbox run``: its workers' and poller's counters); ``redis_client``
    reads the queue depths; ``credit_issuer`` issues credit memos for the dispute items'
    Credit decision (see :func:`review.app.create_app`).

    Raises:
        RuntimeError: the server did not start within ``timeout`` (the port is taken?).
    """
    config = _config(settings, host, port, process_metrics, redis_client, credit_issuer)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="arbox-web", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"the review app did not start on {config.host}:{config.port}")
        time.sleep(0.02)
    bound = config.port
    for s in server.servers:
        for sock in s.sockets:
            bound = sock.getsockname()[1]
    return RunningServer(server=server, thread=thread, host=config.host, port=bound)
