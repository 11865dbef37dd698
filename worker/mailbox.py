"""The IMAP adapter: a typed wall over imapclient.

UIDs only (``use_uid=True``); bytes keys from imapclient are decoded here; a socket timeout
on every connection (imapclient has none by default); ``UID EXPUNGE`` only, never a plain
EXPUNGE (nor CLOSE, which expunges too) that could remove other clients' deleted mail.
Capabilities can be switched off by configuration (``ARBOX_IMAP_DISABLE_CAPABILITIES``), so
the MOVE-less and IDLE-less paths run against real servers too.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from core.config import Settings, TlsMode
from core.errors import MailboxUnavailableError

FETCH_BATCH = 50

#: How long one ``idle_check`` waits, i.e. how often IDLE looks at the stop flag.
IDLE_CHECK_SECONDS = 1.0

#: What setting a keyword did; see :meth:`ImapMailbox.flag`.
FlagResult = Literal["done", "gone", "refused"]


@dataclass(frozen=True, slots=True)
class FetchedMessage:
    """One message as fetched: its UID and raw bytes."""

    uid: int
    raw: bytes


@dataclass(frozen=True, slots=True)
class ImapConfig:
    """Where and how to reach the mailbox."""

    host: str
    port: int
    user: str
    password: str
    tls: TlsMode
    timeout: float
    disabled_capabilities: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, settings: Settings) -> ImapConfig:
        """The mailbox the settings describe (host and user must be set)."""
        if not settings.imap_host or not settings.imap_user:
            raise MailboxUnavailableError("(unset)", "ARBOX_IMAP_HOST and ARBOX_IMAP_USER")
        return cls(
            host=settings.imap_host,
            port=settings.imap_port,
            user=settings.imap_user,
            password=settings.secret("imap_password") or "",
            tls=settings.imap_tls,
            timeout=settings.imap_timeout_seconds,
            disabled_capabilities=settings.imap_disabled_capabilities,
        )

    def __repr__(self) -> str:
        return (
            f"ImapConfig(host={self.host!r}, port={self.port}, user={self.user!r}, "
            f"password='**********', tls={self.tls!r})"
        )

    @property
    def account(self) -> str:
        """The account's name in bookkeeping: ``user@host:port``."""
        return f"{self.user}@{self.host}:{self.port}"


class ImapMailbox:
    """One connection to one IMAP account. Every error becomes MailboxUnavailableError."""

    def __init__(self, config: ImapConfig) -> None:
        self.config = config
        self._client: Any = None
        self._selected: str | None = None
        self.capabilities: frozenset[str] = frozenset()

    def __enter__(self) -> ImapMailbox:
        self.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _fail(self, e: BaseException) -> MailboxUnavailableError:
        self.close()
        return MailboxUnavailableError(self.config.host, f"{type(e).__name__}: {e}"[:300])

    def connect(self) -> None:
        """Connect and log in."""
        cfg = self.config
        client: Any = None
        try:
            client = IMAPClient(
                cfg.host,
                port=cfg.port,
                ssl=cfg.tls == "ssl",
                ssl_context=ssl.create_default_context() if cfg.tls != "none" else None,
                timeout=cfg.timeout,
                use_uid=True,
            )
            if cfg.tls == "starttls":
                client.starttls(ssl.create_default_context())
            client.login(cfg.user, cfg.password)
            sock = client.socket()
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except (IMAPClientError, OSError) as e:
            if client is not None:
                with contextlib.suppress(IMAPClientError, OSError):
                    client.shutdown()
            raise MailboxUnavailableError(cfg.host, f"{type(e).__name__}") from e
        self._client = client
        self._selected = None
        self.capabilities = (
            frozenset(
                (c.decode() if isinstance(c, bytes) else str(c)).upper()
                for c in client.capabilities()
            )
            - cfg.disabled_capabilities
        )

    @property
    def client(self) -> Any:
        if self._client is None:
            self.connect()
        return self._client

    def close(self) -> None:
        """Log out, ignoring errors of an already broken connection."""
        client, self._client = self._client, None
        if client is not None:
            try:
                client.logout()
            except (IMAPClientError, OSError):
                with contextlib.suppress(IMAPClientError, OSError):
                    client.shutdown()

    def ensure_folder(self, folder: str) -> None:
        """Create ``folder`` unless it exists."""
        try:
            if not self.client.folder_exists(folder):
                self.client.create_folder(folder)
        except (IMAPClientError, OSError) as e:
            raise self._fail(e) from e

    def select(self, folder: str) -> int:
        """Select ``folder`` read-write; returns its UIDVALIDITY."""
        try:
            info = self.client.select_folder(folder)
        except (IMAPClientError, OSError) as e:
            raise self._fail(e) from e
        self._selected = folder
        return int(info[b"UIDVALIDITY"])

    def uids_after(self, last_uid: int) -> list[int]:
        """UIDs in the selected folder greater than ``last_uid``, ascending."""
        try:
            found = self.client.search(["UID", f"{last_uid + 1}:*"])
        except (IMAPClientError, OSError) as e:
            raise self._fail(e) from e
        # "n:*" always includes the highest UID, even when it is <= last_uid.
        return sorted(int(u) for u in found if int(u) > last_uid)

    def all_uids(self) -> list[int]:
        """Every UID in the selected folder (not deleted)."""
        try:
            return sorted(int(u) for u in self.client.search(["NOT", "DELETED"]))
        except (IMAPClientError, OSError) as e:
            raise self._fail(e) from e

    def fetch(self, uids: Sequence[int]) -> Iterator[FetchedMessage]:
        """Raw bytes of ``uids``, in batches; ``BODY.PEEK[]`` leaves \\Seen alone."""
        for start in range(0, len(uids), FETCH_BATCH):
            batch = list(uids[start : start + FETCH_BATCH])
            try:
                data = self.client.fetch(batch, ["BODY.PEEK[]"])
            except (IMAPClientError, OSError) as e:
                raise self._fail(e) from e
            for uid in batch:
                item = data.get(uid)
                if item is None:
                    continue  # expunged meanwhile
                raw = item.get(b"BODY[]")
                if isinstance(raw, bytes):
                    yield FetchedMessage(uid=uid, raw=raw)

    def _flags(self, uid: int) -> frozenset[str] | None:
        """The flags of ``uid`` in the selected folder, or None when it is not there."""
        data = self.client.fetch([uid], ["FLAGS"])
        item = data.get(uid)
        if item is None:
            return None
        return frozenset(
            (f.decode() if isinstance(f, bytes) else str(f)) for f in item.get(b"FLAGS", ())
        )

    def move(self, uid: int, target: str) -> bool:
        """Move ``uid`` of the selected folder to ``target``; False when it is gone already.

        Uses MOVE where the server has it, else COPY + \\Deleted + ``UID EXPUNGE`` of that UID
        only (RFC 4315; without UIDPLUS the original stays, flagged \\Deleted, for the
        server's owner to expunge). A crash between COPY and EXPUNGE leaves a copy in
        ``target`` and the original in place; the next attempt sees \\Deleted and only
        expunges, and the caller's bookkeeping (Message-ID + sha256) keeps the original from
        being processed twice if it is fetched again.
        """
        try:
            flags = self._flags(uid)
            if flags is None:
                return False
            if "MOVE" in self.capabilities:
                self.client.move([uid], target)
                return True
            if "\\Deleted" not in flags:
                self.client.copy([uid], target)
                self.client.add_flags([uid], [b"\\Deleted"])
            if "UIDPLUS" in self.capabilities:
                self.client.uid_expunge([uid])
        except (IMAPClientError, OSError) as e:
            raise self._fail(e) from e
        return True

    def flag(self, uid: int, keyword: str) -> FlagResult:
        """Set ``keyword`` on ``uid`` and leave it in place: ``done``; ``gone`` when the mail
        is not there any more; ``refused`` when the server did not keep the keyword (servers
        without ``\\*`` in PERMANENTFLAGS drop unknown keywords silently, pymap does)."""
        try:
            if self._flags(uid) is None:
                return "gone"
            self.client.add_flags([uid], [keyword.encode()])
            flags = self._flags(uid)
        except (IMAPClientError, OSError) as e:
            raise self._fail(e) from e
        if flags is None:
            return "gone"
        return "done" if keyword in flags else "refused"

    def idle_wait(self, seconds: float, *, stop: Callable[[], bool] = lambda: False) -> bool:
        """Wait up to ``seconds`` in IDLE for news in the selected folder, checking ``stop``
        every second. Returns True when the server announced something; False at once on
        servers without IDLE."""
        if "IDLE" not in self.capabilities:
            return False
        deadline = time.monotonic() + seconds
        try:
            self.client.idle()
            try:
                while not stop() and time.monotonic() < deadline:
                    started = time.monotonic()
                    if self.client.idle_check(timeout=IDLE_CHECK_SECONDS):
                        return True
                    if time.monotonic() - started < IDLE_CHECK_SECONDS / 2:
                        # The socket woke poll() but held no line: imapclient swallows the
                        # EOF of a closed connection this way. Reconnect instead of waiting
                        # for the renewal to find out.
                        raise ConnectionResetError("connection closed during IDLE")
            finally:
                self.client.idle_done()
        except (IMAPClientError, OSError) as e:
            raise self._fail(e) from e
        return False
