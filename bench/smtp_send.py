"""Sending over SMTP: what one mail costs with the connection kept and without, and whether a
send holds the database while the server takes the mail.

    python bench/smtp_send.py cpu --mails 300             # CPU and wall ms per send
    python bench/smtp_send.py lock --delay-ms 100 --mails 200 [--code DIR]

``cpu``: an aiosmtpd sink in this process on 127.0.0.1, plaintext and STARTTLS (a self-signed
certificate the client trusts); SmtpMailer with its connection kept, and with one connection
per mail (``max_mails_per_connection=1``: connect, EHLO, STARTTLS, EHLO, mail, QUIT, as before
connections were kept). The configurations take turns in rounds, so a busy machine slows each
alike; CPU is the sending thread's own (``time.thread_time``, not the sink's), median per send.

``lock``: a SQLite ledger, a sink that takes ``--delay-ms`` per mail (a remote relay), sender
threads delivering outbox rows (worker.sending.send_outbox) and one thread writing small
transactions meanwhile: sends/s, and how long each write waited. ``--code DIR`` runs another
checkout's arbox (the one before leases: sends held the write lock while the server took the
mail).
"""

from __future__ import annotations

import argparse
import asyncio
import queue
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RAW = (
    b"From: ar@arbox.example\r\nTo: ap@acme-mfg.example\r\nSubject: Re: Payment\r\n"
    b"Message-ID: <bench@arbox.example>\r\n\r\n" + b"Thank you for your payment.\r\n" * 40
)


class Sink:
    """aiosmtpd on 127.0.0.1 that accepts every mail after ``delay`` seconds."""

    def __init__(self, delay: float = 0.0, tls: ssl.SSLContext | None = None) -> None:
        from aiosmtpd.controller import Controller

        from worker.dev.embedded import free_port

        self.delay, self.count = delay, 0
        self.port = free_port()
        kwargs = {"tls_context": tls} if tls is not None else {}
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, **kwargs)
        self.controller.start()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        self.count += 1
        return "250 OK"

    def stop(self) -> None:
        self.controller.stop()


def certificate(workdir: Path) -> tuple[Path, ssl.SSLContext]:
    """A self-signed certificate for localhost and the server context that presents it."""
    cert, key = workdir / "cert.pem", workdir / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost"],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return cert, context


def cpu(args: argparse.Namespace) -> None:
    from outbound.smtp import SmtpMailer

    with tempfile.TemporaryDirectory(prefix="arbox-smtp-") as tmp:
        cert, context = certificate(Path(tmp))
        sinks = {"plain": Sink(), "starttls": Sink(tls=context)}
        configs: dict[str, SmtpMailer] = {}
        for tls, sink in sinks.items():
            for kept, per_connection in (("kept", 100), ("one per mail", 1)):
                configs[f"{tls:<9} {kept}"] = SmtpMailer(
                    host="localhost" if tls == "starttls" else "127.0.0.1",
                    port=sink.port,
                    user=None,
                    password=None,
                    tls="starttls" if tls == "starttls" else "none",
                    timeout=10,
                    ca_file=cert if tls == "starttls" else None,
                    max_mails_per_connection=per_connection,
                )
        samples: dict[str, tuple[list[float], list[float]]] = {n: ([], []) for n in configs}
        for mailer in configs.values():  # warm up: imports, the first handshake
            for _ in range(3):
                mailer.send(RAW, sender="ar@arbox.example", recipients=["ap@acme.example"])
        rounds = max(1, args.mails // args.batch)
        for _ in range(rounds):
            for name, mailer in configs.items():
                cpu_ms, wall_ms = samples[name]
                for _ in range(args.batch):
                    c0, w0 = time.thread_time(), time.perf_counter()
                    mailer.send(RAW, sender="ar@arbox.example", recipients=["ap@acme.example"])
                    cpu_ms.append((time.thread_time() - c0) * 1000)
                    wall_ms.append((time.perf_counter() - w0) * 1000)
        for mailer in configs.values():
            mailer.close()
        for sink in sinks.values():
            sink.stop()
    print(f"SMTP send, {len(RAW)} bytes, {rounds * args.batch} sends per configuration")
    print(f"{'configuration':<24} {'CPU ms p50':>10} {'p90':>7} {'wall ms p50':>11} {'p90':>7}")
    for name, (cpu_ms, wall_ms) in samples.items():
        print(
            f"{name:<24} {statistics.median(cpu_ms):>10.3f} {_p(cpu_ms, 90):>7.3f} "
            f"{statistics.median(wall_ms):>11.3f} {_p(wall_ms, 90):>7.3f}"
        )


def lock(args: argparse.Namespace) -> None:
    from core.config import Settings
    from ledger.migrate import upgrade
    from ledger.outbox_store import insert_outbox_row
    from outbound.smtp import SmtpMailer
    from worker.sending import send_outbox
    from worker.services import Services

    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="arbox-smtp-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'ledger.db'}"
        upgrade(url)
        sink = Sink(delay=args.delay_ms / 1000)
        settings = Settings(database_url=url, smtp_host="127.0.0.1", smtp_port=sink.port)
        mailer = SmtpMailer(
            host="127.0.0.1", port=sink.port, user=None, password=None, tls="none", timeout=10
        )
        svc = Services.from_settings(settings, mailer=mailer)

        def add(key: str) -> int:
            with svc.sessions.begin() as session:
                outbox_id = insert_outbox_row(
                    session, key=key, kind="acknowledgement", message_id=f"<{key}@x>",
                    sender="ar@arbox.example", recipients=["ap@acme.example"], subject="Re",
                    raw=RAW, now=now,
                )  # fmt: skip
            assert outbox_id is not None
            return outbox_id

        todo: queue.Queue[int] = queue.Queue()
        for n in range(args.mails):
            todo.put(add(f"bench:{n}"))
        sending = threading.Event()
        waits: list[float] = []

        def writer() -> None:
            n = 0
            while not sending.is_set():
                started = time.perf_counter()
                add(f"write:{n}")
                waits.append((time.perf_counter() - started) * 1000)
                n += 1
                time.sleep(0.01)

        def sender() -> None:
            while True:
                try:
                    outbox_id = todo.get_nowait()
                except queue.Empty:
                    return
                send_outbox(outbox_id, svc=svc)

        senders = [threading.Thread(target=sender) for _ in range(args.threads)]
        write_thread = threading.Thread(target=writer)
        started = time.perf_counter()
        write_thread.start()
        _run_all(senders)
        seconds = time.perf_counter() - started
        sending.set()
        write_thread.join()
        close: Callable[[], None] | None = getattr(mailer, "close", None)
        if close is not None:
            close()
        sink.stop()
        svc.engine.dispose()
    print(
        f"code {args.code}: {args.mails} sends over {args.threads} threads, relay "
        f"{args.delay_ms:g} ms a mail, SQLite: {args.mails / seconds:.1f} sends/s "
        f"({seconds:.2f} s), sink got {sink.count}"
    )
    print(
        f"writes meanwhile: {len(waits)}, ms each p50 {statistics.median(waits):.1f}, "
        f"p99 {_p(waits, 99):.1f}, max {max(waits):.1f}"
    )


def _run_all(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _p(values: list[float], pct: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("cpu", "lock"))
    parser.add_argument("--mails", type=int, default=300)
    parser.add_argument("--batch", type=int, default=20, help="cpu: sends per turn")
    parser.add_argument("--delay-ms", type=float, default=100, help="lock: relay ms a mail")
    parser.add_argument("--threads", type=int, default=4, help="lock: sender threads")
    parser.add_argument("--code", type=Path, default=REPO, help="the arbox checkout to run")
    args = parser.parse_args()
    sys.path[:0] = [str(args.code.resolve())]
    from core.logging import configure_logging

    configure_logging("WARNING")
    if args.what == "cpu":
        cpu(args)
    else:
        lock(args)


if __name__ == "__main__":
    main()
