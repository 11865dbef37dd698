"""A small world for the mailbox tests: a folder of its own on a real IMAP server, a SQLite
ledger, and a poller whose ``enqueue`` processes the message at once (no broker), so each
test controls exactly when work commits."""

from __future__ import annotations

import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from imapclient import IMAPClient
from sqlalchemy import func, select

from core.config import Settings
from ledger import models as m
from ledger.imports import import_invoices
from ledger.migrate import upgrade
from tests.conftest import migrated_sqlite
from worker.inbound.process import process_inbound
from worker.mailbox import ImapConfig, ImapMailbox
from worker.poller import Poller
from worker.services import Services, utc_now

LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
INV-90001,C901,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,5000.00
INV-90002,C901,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-05,2026-11-04,5000.00
"""


def remittance(amount: str = "10.00", ref: str = "INV-90001") -> bytes:
    """A new remittance mail (fresh Message-ID) paying ``amount`` on ``ref``."""
    msg = EmailMessage()
    msg["From"] = "Acme AP <ap@acme-mfg.example>"
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = "Remittance advice"
    msg["Message-ID"] = f"<{secrets.token_hex(8)}@acme-mfg.example>"
    msg["Date"] = "Sun, 22 Nov 2026 10:00:00 +0000"
    msg.set_content(f"{ref}  {amount}\n")
    return msg.as_bytes()


def raw_client(server: Any) -> Any:
    """A plain imapclient connection to ``server`` for the test's own doings."""
    client = IMAPClient(server.host, port=server.port, ssl=False, timeout=10)
    client.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    client.login(server.user, server.password)
    return client


class RecordingMailbox(ImapMailbox):
    """An ImapMailbox that records every command line it sends (the proof of what it said)."""

    def __init__(self, config: ImapConfig, sent: list[bytes]) -> None:
        super().__init__(config)
        self.sent = sent

    def connect(self) -> None:
        super().connect()
        imap = self._client._imap
        original = imap.send

        def send(data: bytes) -> None:
            self.sent.append(bytes(data))
            original(data)

        imap.send = send


@dataclass
class World:
    server: Any
    settings: Settings
    svc: Services
    folder: str
    processed: list[int] = field(default_factory=list)

    @property
    def config(self) -> ImapConfig:
        return ImapConfig.from_settings(self.settings)

    def enqueue(self, inbound_id: int) -> None:
        """Process at once: the work commits before the poll acts on the mailbox."""
        self.processed.append(inbound_id)
        process_inbound(inbound_id, svc=self.svc)

    def poller(self, **kwargs: Any) -> Poller:
        kwargs.setdefault("folders", self.settings.imap_folders)
        kwargs.setdefault("enqueue", self.enqueue)
        return Poller(self.svc, self.config, **kwargs)

    def applications(self) -> int:
        with self.svc.sessions() as s:
            return int(s.execute(select(func.count(m.Application.id))).scalar_one())

    def inbound(self) -> list[tuple[str, str]]:
        with self.svc.sessions() as s:
            rows = s.execute(
                select(m.InboundMessage.message_id, m.InboundMessage.status).order_by(
                    m.InboundMessage.id
                )
            )
            return [(a, b) for a, b in rows.tuples()]

    def inbound_ids(self) -> list[tuple[int, str]]:
        with self.svc.sessions() as s:
            rows = s.execute(
                select(m.InboundMessage.id, m.InboundMessage.status).order_by(m.InboundMessage.id)
            )
            return [(a, b) for a, b in rows.tuples()]

    def wait_for(self, predicate: Callable[[], bool], timeout: float) -> float:
        """Seconds until ``predicate`` holds; AssertionError after ``timeout``."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if predicate():
                return time.monotonic() - start
            time.sleep(0.05)
        raise AssertionError(f"not within {timeout}s; inbound: {self.inbound()}")


def make_world(tmp_path: Path, server: Any, **overrides: Any) -> World:
    # Top-level folder names: no separator, so they work on Dovecot (".") and pymap ("/").
    folder = overrides.pop("imap_folder", None) or f"t{secrets.token_hex(4)}"
    base = folder.split(",")[0].strip()
    values: dict[str, Any] = {
        "data_dir": tmp_path,
        "imap_host": server.host,
        "imap_port": server.port,
        "imap_user": server.user,
        "imap_password": server.password,
        "imap_tls": "none",
        "imap_timeout_seconds": 5,
        "imap_folder": folder,
        "imap_processed_folder": f"{base}-Processed",
        "imap_quarantine_folder": f"{base}-Quarantine",
        # The mails pay 10.00 parts of 5,000.00 invoices: mailbox mechanics are tested here,
        # not ARBOX_MAX_DEDUCTION_SHARE (tests/unit/matching/test_decide.py is).
        "max_deduction_share": "1.00",
    }
    values.update(overrides)
    db = tmp_path / "arbox.db"
    if "database_url" in values or db.exists():  # another world's ledger in tmp_path: reused
        values.setdefault("database_url", f"sqlite:///{db}")
        upgrade(values["database_url"])
    else:  # a copy of the session's migrated file: the same schema, without Alembic per test
        values["database_url"] = migrated_sqlite(db)
    settings = Settings(**values)
    svc = Services.from_settings(settings)
    csv = tmp_path / "ledger.csv"
    csv.write_text(LEDGER)
    with svc.sessions.begin() as session:
        import_invoices(session, csv, default_currency="USD", now=utc_now())
    client = raw_client(server)
    try:
        for name in settings.imap_folders:
            if not client.folder_exists(name):
                client.create_folder(name)
    finally:
        client.logout()
    return World(server=server, settings=settings, svc=svc, folder=settings.imap_folders[0])
