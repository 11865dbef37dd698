"""SMTP adapter: sends raw bytes; translates smtplib errors into arbox's errors."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from core.config import Settings, TlsMode
from core.errors import MailDeliveryError, MailRejectedError


class Mailer(Protocol):
    """Anything that can deliver a rendered message."""

    def send(self, raw: bytes, *, sender: str, recipients: Sequence[str]) -> None:
        """Deliver ``raw`` to ``recipients``; raise MailDeliveryError / MailRejectedError."""


@dataclass(frozen=True, slots=True)
class SmtpMailer:
    """Delivers over SMTP with the TLS mode from settings (``ssl``, ``starttls``, ``none``)."""

    host: str
    port: int
    user: str | None
    password: str | None
    tls: TlsMode
    timeout: float

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpMailer:
        """The mailer the settings describe (``smtp_host`` must be set)."""
        assert settings.smtp_host is not None
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            user=settings.smtp_user,
            password=settings.secret("smtp_password"),
            tls=settings.smtp_tls,
            timeout=settings.smtp_timeout_seconds,
        )

    def send(self, raw: bytes, *, sender: str, recipients: Sequence[str]) -> None:
        try:
            with self._connect() as smtp:
                if self.user and self.password:
                    smtp.login(self.user, self.password)
                refused = smtp.sendmail(sender, list(recipients), raw)
        except smtplib.SMTPRecipientsRefused as e:
            raise MailRejectedError(self.host, "every recipient refused") from e
        except smtplib.SMTPResponseException as e:
            text = e.smtp_error
            text = text.decode(errors="replace") if isinstance(text, bytes) else text
            reason = f"{e.smtp_code} {text[:200]}"
            if 500 <= e.smtp_code < 600:
                raise MailRejectedError(self.host, reason) from e
            raise MailDeliveryError(self.host, reason) from e
        except (smtplib.SMTPException, OSError) as e:
            raise MailDeliveryError(self.host, type(e).__name__) from e
        if refused:
            raise MailRejectedError(self.host, f"{len(refused)} recipient(s) refused")

    def _connect(self) -> smtplib.SMTP:
        if self.tls == "ssl":
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.tls == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        return smtp
