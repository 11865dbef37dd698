"""Embedded servers for the demo and the tests: pymap (IMAP), aiosmtpd (SMTP sink); the
embedded Redis is worker.dev.embedded_redis.

Every server listens on 127.0.0.1 only, on a free port, and is stopped by whoever started it.
Production never uses this module: it points the same settings at real servers.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import compat32
from pathlib import Path
from typing import Any

from core.errors import ARError

LOOPBACK = "127.0.0.1"
START_TIMEOUT = 20.0


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: have the child server get SIGTERM when the process that started it dies."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _wait_for_greeting(
    host: str, port: int, prefix: bytes, proc: subprocess.Popen[bytes], what: str, log: Path
) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ARError(f"{what} exited with {proc.returncode}: {_tail(log)}")
        try:
            with socket.create_connection((host, port), timeout=1) as s:
                if s.recv(256).startswith(prefix):
                    return
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise ARError(f"{what} did not answer on {host}:{port} within {START_TIMEOUT:.0f}s")


def _tail(log: Path, lines: int = 5) -> str:
    try:
        return " | ".join(log.read_text(errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return "(no log)"


# --- IMAP: pymap ------------------------------------------------------------------------------


class ImapAccount:
    """Direct access to one account of a test IMAP server, beside what arbox does with it:
    deliver mail, list and read a folder. Needs ``host``, ``port``, ``user``, ``password``."""

    host: str
    port: int
    user: str
    password: str

    @contextlib.contextmanager
    def client(self) -> Iterator[Any]:
        """A logged-in IMAP connection (no TLS: loopback test servers only)."""
        from imapclient import IMAPClient

        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        # pymap stalls ~40 ms per APPEND on a Nagle'd socket.
        client.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client.login(self.user, self.password)
        try:
            yield client
        finally:
            client.logout()

    def append(self, folder: str, raw: bytes) -> None:
        """Deliver one raw message into ``folder`` (created when missing)."""
        with self.client() as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            client.append(folder, raw)

    def uids(self, folder: str) -> list[int]:
        """The UIDs in ``folder`` (empty when the folder does not exist)."""
        with self.client() as client:
            return self._select_all(client, folder, readonly=True)

    def fetch_all(self, folder: str) -> list[bytes]:
        """The raw messages of ``folder`` in UID order."""
        with self.client() as client:
            uids = self._select_all(client, folder, readonly=True)
            data = client.fetch(uids, ["BODY.PEEK[]"]) if uids else {}
            return [bytes(data[u][b"BODY[]"]) for u in uids]

    def clear(self, folder: str = "INBOX") -> None:
        """Delete every message in ``folder``."""
        with self.client() as client:
            uids = self._select_all(client, folder, readonly=False)
            if uids:
                client.add_flags(uids, [b"\\Deleted"])
                client.uid_expunge(uids)

    @staticmethod
    def _select_all(client: Any, folder: str, *, readonly: bool) -> list[int]:
        if not client.folder_exists(folder):
            return []
        client.select_folder(folder, readonly=readonly)
        return sorted(int(u) for u in client.search("ALL"))


class EmbeddedImap(ImapAccount):
    """A pymap server (in-memory ``dict`` backend) in a child process, with one user."""

    def __init__(
        self, proc: subprocess.Popen[bytes], host: str, port: int, user: str, password: str
    ) -> None:
        self.proc = proc
        self.host = host
        self.port = port
        self.user = user
        self.password = password

    def __enter__(self) -> EmbeddedImap:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


#: pymap without passlib hashes its user's password with 500,000 PBKDF2 rounds and checks it
#: at every LOGIN: ~0.25 s of CPU per connection. The embedded server's password is a
#: throw-away one on loopback, so its hash gets 1,000 rounds (the digest records them).
_PYMAP_MAIN = (
    "import pysasl.hashing as h; h.BuiltinHash.__init__.__kwdefaults__['rounds'] = 1000; "
    "from pymap.main import main; main()"
)


def start_pymap(*, user: str, password: str, workdir: Path) -> EmbeddedImap:
    """Start pymap on 127.0.0.1 on a free port with one user and an empty INBOX."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = workdir / "pymap.log"
    cmd = [
        sys.executable,
        "-c",
        _PYMAP_MAIN,
        "--host",
        LOOPBACK,
        "--port",
        str(port),
        "--no-tls",
        "dict",
        "--demo-data",
        # "--opt=value": a password token_urlsafe made may start with "-", which argparse
        # would take for an option of its own ("--demo-password: expected one argument")
        f"--demo-user={user}",
        f"--demo-password={password}",
    ]
    with log.open("ab") as out:
        proc = subprocess.Popen(
            cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
    _wait_for_greeting(LOOPBACK, port, b"* OK", proc, "pymap", log)
    server = EmbeddedImap(proc, LOOPBACK, port, user, password)
    try:
        server.clear("INBOX")  # pymap seeds a few demo messages
    except Exception:
        server.stop()
        raise
    return server


# --- SMTP sink: aiosmtpd ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReceivedMail:
    """One message the sink accepted, as stored on disk."""

    path: Path
    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes

    @property
    def headers(self) -> Any:
        return BytesHeaderParser(policy=compat32).parsebytes(self.raw)


class _SinkHandler:
    def __init__(self, directory: Path, delay: float = 0.0) -> None:
        self.directory = directory
        self.delay = delay
        self.lock = threading.Lock()
        self.count = len(list(directory.glob("*.eml")))
        self.failures: list[int] = []
        self.peers: list[tuple[str, int]] = []  # the client's address of each DATA, in order
        self.transports: list[Any] = []  # of the connections that sent DATA

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.peers.append((str(session.peer[0]), int(session.peer[1])))
            if server.transport not in self.transports:
                self.transports.append(server.transport)
            if self.failures:
                code = self.failures.pop(0)
                return f"{code} sink told to refuse this message"
            self.count += 1
            stem = self.directory / f"{self.count:04d}"
        data = (
            envelope.content
            if isinstance(envelope.content, bytes)
            else (str(envelope.content).encode("utf-8"))
        )
        tmp = stem.with_suffix(".tmp")
        tmp.write_bytes(data)
        stem.with_suffix(".json").write_text(
            json.dumps({"mail_from": envelope.mail_from, "rcpt_tos": list(envelope.rcpt_tos)})
        )
        os.replace(tmp, stem.with_suffix(".eml"))
        return "250 Message accepted for delivery"


class EmbeddedSmtp:
    """An aiosmtpd server that stores every message it accepts as ``NNNN.eml`` + ``NNNN.json``."""

    def __init__(self, controller: Any, handler: _SinkHandler, host: str, port: int) -> None:
        self._controller = controller
        self._handler = handler
        self.host = host
        self.port = port
        self.directory = handler.directory

    def __enter__(self) -> EmbeddedSmtp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def messages(self) -> list[ReceivedMail]:
        """Everything received so far, in order of arrival."""
        out = []
        for eml in sorted(self.directory.glob("*.eml")):
            meta = json.loads(eml.with_suffix(".json").read_text())
            out.append(
                ReceivedMail(eml, meta["mail_from"], tuple(meta["rcpt_tos"]), eml.read_bytes())
            )
        return out

    def wait_for(self, count: int, timeout: float = 10.0) -> list[ReceivedMail]:
        """Wait until at least ``count`` messages arrived; return them all (may be fewer)."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.messages()
            if len(got) >= count or time.monotonic() >= deadline:
                return got
            time.sleep(0.05)

    def peers(self) -> list[tuple[str, int]]:
        """The client's address and port of every message offered (accepted or refused), in
        order: one port per connection the client opened."""
        with self._handler.lock:
            return list(self._handler.peers)

    def close_connections(self) -> None:
        """Close every connection a message came over, from the server's side (a relay's idle
        timeout or restart); return once they are closed."""
        with self._handler.lock:
            transports, self._handler.transports = self._handler.transports, []
        closed = threading.Event()

        def close() -> None:
            for transport in transports:
                transport.close()
            closed.set()

        self._controller.loop.call_soon_threadsafe(close)
        if not closed.wait(START_TIMEOUT):
            raise ARError("SMTP sink did not close its connections")

    def fail_next(self, n: int, code: int = 451) -> None:
        """Refuse the next ``n`` messages with ``code`` (4xx: try later, 5xx: rejected)."""
        with self._handler.lock:
            self._handler.failures.extend([code] * n)

    def stop(self) -> None:
        with contextlib.suppress(AssertionError):  # already stopped
            self._controller.stop()


def start_smtp_sink(*, directory: Path, delay: float = 0.0) -> EmbeddedSmtp:
    """Start an SMTP sink on 127.0.0.1 on a free port, storing mail in ``directory``; it takes
    ``delay`` seconds to answer each message's DATA (a remote relay)."""
    from aiosmtpd.controller import Controller

    directory.mkdir(parents=True, exist_ok=True)
    handler = _SinkHandler(directory, delay)
    last: Exception | None = None
    for _ in range(5):  # a free port can be taken between probing and binding
        port = free_port()
        controller = Controller(handler, hostname=LOOPBACK, port=port)
        try:
            controller.start()
        except Exception as e:
            last = e
            continue
        return EmbeddedSmtp(controller, handler, LOOPBACK, port)
    raise ARError(f"SMTP sink did not start: {last}")
