"""SMTP adapter: sends raw bytes; translates smtplib errors into arbox's errors.

With ``ssl`` (implicit TLS, port 465) and ``starttls`` (port 587) the server's certificate chain
and host name are always verified, against the system's CAs or ``ARBOX_SMTP_CA_FILE``; there is
no setting that turns verification off. ``none`` is for a relay on the same host or network.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from core.config import Settings, TlsMode
from core.errors import ConfigError, MailDeliveryError, MailRejectedError


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
    ca_file: Path | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpMailer:
        """The mailer the settings describe (``smtp_host`` must be set).

        Raises:
            ConfigError: ``ARBOX_SMTP_CA_FILE`` names no readable file.
        """
        assert settings.smtp_host is not None
        ca_file = settings.smtp_ca_file
        if ca_file is not None and not ca_file.is_file():
            raise ConfigError(f"ARBOX_SMTP_CA_FILE {str(ca_file)!r} is not a file")
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            user=settings.smtp_user,
            password=settings.secret("smtp_password"),
            tls=settings.smtp_tls,
            timeout=settings.smtp_timeout_seconds,
            ca_file=ca_file,
        )

    def send(self, raw: bytes, *, sender: str, recipients: Sequence[str]) -> None:
        try:
            with self._connect() as smtp:
                if self.user and self.password:
                    smtp.login(self.user, self.password)
                refused = smtp.sendmail(sender, list(recipients), raw)
        except smtplib.SMTPRecipientsRefused as e:
            codes = sorted({code for code, _ in e.recipients.values()})
            reason = f"every recipient refused ({', '.join(map(str, codes))})"
            if all(500 <= code < 600 for code in codes):
                raise MailRejectedError(self.host, reason) from e
            raise MailDeliveryError(self.host, reason) from e  # 4xx: a mailbox busy, greylisting
        except smtplib.SMTPResponseException as e:
            text = e.smtp_error
            text = text.decode(errors="replace") if isinstance(text, bytes) else text
            reason = f"{e.smtp_code} {text[:200]}"
            if 500 <= e.smtp_code < 600:
                raise MailRejectedError(self.host, reason) from e
            raise MailDeliveryError(self.host, reason) from e
        except (smtplib.SMTPException, OSError) as e:
            # OSError covers ssl.SSLCertVerificationError: its text says which check failed
            raise MailDeliveryError(self.host, f"{type(e).__name__}: {str(e)[:200]}") from e
        if refused:
            raise MailRejectedError(self.host, f"{len(refused)} recipient(s) refused")

    def check(self) -> str:
        """Connect, EHLO, STARTTLS or TLS as configured, and AUTH when a user and password
        are set, sending nothing; say what was done (``arbox config check``).

        Raises:
            MailDeliveryError: any step failed; the reason names it.
        """
        steps = ["TLS" if self.tls == "ssl" else "connect"]
        try:
            with self._connect() as smtp:
                steps.append("STARTTLS" if self.tls == "starttls" else "EHLO")
                code, _ = smtp.ehlo()
                if code != 250:
                    raise smtplib.SMTPResponseException(code, b"EHLO refused")
                if self.user and self.password:
                    smtp.login(self.user, self.password)
                    steps.append("AUTH")
        except smtplib.SMTPResponseException as e:
            text = e.smtp_error
            text = text.decode(errors="replace") if isinstance(text, bytes) else text
            raise MailDeliveryError(self.host, f"{steps[-1]}: {e.smtp_code} {text[:200]}") from e
        except (smtplib.SMTPException, OSError) as e:
            raise MailDeliveryError(
                self.host, f"{steps[-1]}: {type(e).__name__}: {str(e)[:200]}"
            ) from e
        return ", ".join(steps)

    def tls_context(self) -> ssl.SSLContext:
        """A client context that verifies the chain and the host name, TLS 1.2 or later."""
        context = ssl.create_default_context(
            cafile=str(self.ca_file) if self.ca_file is not None else None
        )
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
        return context

    def _connect(self) -> smtplib.SMTP:
        if self.tls == "ssl":
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=self.tls_context()
            )
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.tls == "starttls":
            try:
                smtp.starttls(context=self.tls_context())
            except Exception:
                smtp.close()
                raise
        return smtp
