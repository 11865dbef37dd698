"""Fakes for arbox's ports, for tests that need no server."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import MailDeliveryError, MailRejectedError

if TYPE_CHECKING:
    from worker.services import Services


@dataclass
class RecordingMailer:
    """Keeps what it is asked to send; fails the next ``fail_next`` sends if told to."""

    sent: list[tuple[str, tuple[str, ...], bytes]] = field(default_factory=list)
    fail_next: int = 0
    reject: bool = False

    def send(self, raw: bytes, *, sender: str, recipients: Sequence[str]) -> None:
        if self.reject:
            raise MailRejectedError("fake", "550 no such user")
        if self.fail_next:
            self.fail_next -= 1
            raise MailDeliveryError("fake", "451 try again later")
        self.sent.append((sender, tuple(recipients), raw))


def services_on_ledger(
    tmp_path: Path, database_url: str, ledger: str, *, now: datetime, **settings: Any
) -> Services:
    """Services on ``database_url`` with a recording mailer, a clock stopped at ``now``, the
    AR address set and the invoices of the CSV text ``ledger`` imported. Dispose its engine
    when done (``services.engine.dispose()``)."""
    from core.config import Settings
    from ledger.imports import import_invoices
    from worker.services import Services

    config = Settings(database_url=database_url, ar_address="ar@arbox.example", **settings)
    base = Services.from_settings(config, mailer=RecordingMailer())
    services = Services(
        settings=config,
        engine=base.engine,
        sessions=base.sessions,
        mailer=base.mailer,
        policy=base.policy,
        clock=lambda: now,
    )
    csv = tmp_path / "ledger.csv"
    csv.write_text(ledger)
    with services.sessions.begin() as session:
        import_invoices(session, csv, default_currency="USD", now=now)
    return services
