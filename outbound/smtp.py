"""SMTP adapter: sends raw bytes; translates smtplib errors into arbox's errors.

Each thread keeps its connection open for the next mail: TCP, TLS and AUTH once, not per mail.
Before a mail goes over a kept connection a ``NOOP`` checks it; if the server closed it, the
mail goes over a new one (one try). A connection is closed, not reused, once it was idle longer
than :data:`MAX_IDLE_SECONDS` (checked when the next mail comes), after
:data:`MAX_MAILS_PER_CONNECTION` mails (a relay may limit them per connection), after any error
(its state is not known), and by :meth:`SmtpMailer.close` when the process stops.

One send, from the ``NOOP`` or the connect to the server's answer to the message, gives up
after :data:`SEND_TIMEOUTS` times the timeout in all (each command and reply waits at most what
is left): a delivery's lease on its outbox row (worker.sending) outlasts a live send.

With ``ssl`` (implicit TLS, port 465) and ``starttls`` (port 587) the server's certificate chain
and host name are always verified, against the system's CAs or ``ARBOX_SMTP_CA_FILE``; there is
no setting that turns verification off. ``none`` is for a relay on the same host or network.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from core.config import Settings, TlsMode
from core.errors import ConfigError, MailDeliveryError, MailRejectedError

if TYPE_CHECKING:
    from typing_extensions import Buffer

#: A kept connection idle longer than this is closed when the next mail comes, not reused.
MAX_IDLE_SECONDS = 30.0
#: Mails over one connection before it is closed and the next mail opens a new one.
MAX_MAILS_PER_CONNECTION = 100
#: One send gives up (MailDeliveryError) after this many timeouts in all; a single command
#: still waits at most one.
SEND_TIMEOUTS = 3


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
    max_idle_seconds: float = MAX_IDLE_SECONDS
    max_mails_per_connection: int = MAX_MAILS_PER_CONNECTION
    _kept: _Kept = field(default_factory=lambda: _Kept(), init=False, repr=False, compare=False)

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
            refused = self._send_kept(raw, sender, list(recipients))
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

    def close(self) -> None:
        """Close every kept connection, of every thread (when the workers have stopped): with
        ``QUIT`` if it was used lately, else at once (a server that went quiet would hold
        shutdown for a timeout)."""
        for connection in self._kept.take_all():
            if time.monotonic() - connection.last_used > self.max_idle_seconds:
                connection.smtp.close()
            else:
                connection.quit()

    def _send_kept(
        self, raw: bytes, sender: str, recipients: list[str]
    ) -> dict[str, tuple[int, bytes]]:
        """Send over this thread's kept connection (or a new one); the refused recipients."""
        connection = self._kept_connection(time.monotonic() + self.timeout * SEND_TIMEOUTS)
        try:
            refused = connection.smtp.sendmail(sender, recipients, raw)
        except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused):
            self._kept.forget(connection)
            connection.quit()  # the server answered: say goodbye, then never use it again
            raise
        except BaseException:
            self._kept.forget(connection)
            connection.smtp.close()
            raise
        connection.mails += 1
        connection.last_used = time.monotonic()
        if connection.mails >= self.max_mails_per_connection:
            self._kept.forget(connection)
            connection.quit()
        connection.smtp.deadline = None
        return refused

    def _kept_connection(self, deadline: float) -> _Connection:
        """This thread's kept connection if it is fresh and answers NOOP, else a new one;
        either waits for the server until ``deadline`` at the latest."""
        kept = self._kept.mine()
        if kept is not None:
            self._kept.forget(kept)
            kept.smtp.deadline = deadline
            if time.monotonic() - kept.last_used <= self.max_idle_seconds and kept.answers():
                self._kept.keep(kept)
                return kept
            kept.smtp.close()  # idle too long or gone; no QUIT: it may wait for a silent server
        connection = _Connection(self._connect(deadline), last_used=time.monotonic())
        try:
            if self.user and self.password:
                connection.smtp.login(self.user, self.password)
        except smtplib.SMTPResponseException:
            connection.quit()
            raise
        except BaseException:
            connection.smtp.close()
            raise
        self._kept.keep(connection)
        return connection

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

    def _connect(self, deadline: float | None = None) -> _SMTP:
        if self.tls == "ssl":
            return _SMTP_SSL(
                self.host,
                self.port,
                timeout=self.timeout,
                deadline=deadline,
                context=self.tls_context(),
            )
        smtp = _SMTP(self.host, self.port, timeout=self.timeout, deadline=deadline)
        if self.tls == "starttls":
            try:
                smtp.starttls(context=self.tls_context())
            except Exception:
                smtp.close()
                raise
        return smtp


class _SMTP(smtplib.SMTP):
    """An SMTP client whose commands and replies wait at most until ``deadline``
    (``time.monotonic()``; None: one timeout each, as smtplib does)."""

    def __init__(self, host: str, port: int, *, timeout: float, deadline: float | None) -> None:
        self.deadline = deadline
        super().__init__(host, port, timeout=timeout)  # connects: the greeting counts too

    def send(self, s: Buffer | str) -> None:
        self._wait_at_most_what_is_left()
        super().send(s)

    def getreply(self) -> tuple[int, bytes]:
        self._wait_at_most_what_is_left()
        return super().getreply()

    def _wait_at_most_what_is_left(self) -> None:
        if self.deadline is None or self.sock is None:
            return
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"the send took longer than {SEND_TIMEOUTS} timeouts")
        self.sock.settimeout(min(self.timeout, left))


class _SMTP_SSL(_SMTP, smtplib.SMTP_SSL):
    """Implicit TLS (port 465), with the deadline of :class:`_SMTP`."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        timeout: float,
        deadline: float | None,
        context: ssl.SSLContext,
    ) -> None:
        self.deadline = deadline
        smtplib.SMTP_SSL.__init__(self, host, port, timeout=timeout, context=context)


@dataclass(slots=True)
class _Connection:
    """One open SMTP connection and how much it was used."""

    smtp: _SMTP
    last_used: float
    mails: int = 0

    def answers(self) -> bool:
        """Whether the server still takes commands on it (``NOOP``)."""
        if self.smtp.sock is None:  # closed (SmtpMailer.close)
            return False
        try:
            code, _ = self.smtp.noop()
        except (smtplib.SMTPException, OSError):
            return False
        return code == 250

    def quit(self) -> None:
        """``QUIT`` and close; a server already gone is fine."""
        with contextlib.suppress(smtplib.SMTPException, OSError):
            self.smtp.quit()
        self.smtp.close()


class _Kept:
    """The connections a mailer keeps open: one per thread, all of them closable at once."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: dict[int, _Connection] = {}
        # A mailer dropped with connections open closes their sockets (no QUIT: it is gone)
        weakref.finalize(self, _close_sockets, self._all)

    def mine(self) -> _Connection | None:
        """The calling thread's kept connection."""
        connection: _Connection | None = getattr(self._local, "connection", None)
        return connection

    def keep(self, connection: _Connection) -> None:
        """Keep ``connection`` as the calling thread's."""
        self._local.connection = connection
        with self._lock:
            self._all[id(connection)] = connection

    def forget(self, connection: _Connection) -> None:
        """Keep ``connection`` no longer (the caller closes it or keeps it again)."""
        if getattr(self._local, "connection", None) is connection:
            self._local.connection = None
        with self._lock:
            self._all.pop(id(connection), None)

    def take_all(self) -> list[_Connection]:
        """Every kept connection, of every thread, kept no longer."""
        with self._lock:
            connections = list(self._all.values())
            self._all.clear()
        return connections


def _close_sockets(connections: dict[int, _Connection]) -> None:
    for connection in list(connections.values()):
        connection.smtp.close()
