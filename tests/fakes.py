"""Fakes for arbox's ports, for tests that need no server."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from core.errors import MailDeliveryError, MailRejectedError


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
