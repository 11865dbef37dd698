"""Settings, read from the environment (``ARBOX_*``) and a ``.env`` file.

The environment is read once, in the entry points, through :meth:`Settings.from_env`;
everything below gets the settings (or a part of them) as an argument.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.config_invoicing import InvoicingSettings
from core.errors import SettingsError
from core.locales import DEFAULT_LOCALE, normalize_locale
from core.setting_files import FILE_SETTINGS, process_environ, read_setting_files
from core.setting_values import (
    LIMITS,
    describe_errors,
    parse_amount_bands,
    parse_customer_thresholds,
    parse_dunning_levels,
    parse_reply_kinds,
    split_lines,
)
from core.types import PdfReader

TlsMode = Literal["ssl", "starttls", "none"]
#: Re-exported: what ``ARBOX_<NAME>_FILE`` may name (see :mod:`core.setting_files`).
__all__ = ["FILE_SETTINGS", "Settings", "read_setting_files"]


#: What ``ARBOX_DATABASE_URL`` must look like: ``dialect[+driver]://...``.
DATABASE_URL = re.compile(r"^[A-Za-z][A-Za-z0-9]*(\+[A-Za-z0-9_]+)?://")


class Settings(InvoicingSettings, BaseSettings):
    """All of arbox's configuration. ``repr`` masks the passwords."""

    model_config = SettingsConfigDict(
        env_prefix="ARBOX_", env_file=".env", extra="ignore", frozen=True, env_ignore_empty=True
    )

    database_url: str = "sqlite:///./arbox.db"
    redis_url: SecretStr | None = None
    data_dir: Path = Path(".arbox")

    imap_host: str | None = None
    imap_port: int = 993
    imap_user: str | None = None
    imap_password: SecretStr | None = None
    imap_folder: str = "INBOX"
    imap_tls: TlsMode = "ssl"
    imap_processed_folder: str = "Processed"
    imap_quarantine_folder: str = "Quarantine"
    imap_poll_seconds: float = 30.0
    imap_timeout_seconds: float = 30.0

    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_tls: TlsMode = "starttls"
    smtp_timeout_seconds: float = 30.0

    ar_address: str | None = None
    company_name: str = "arbox"
    default_currency: str = "USD"
    #: The locale (language and formats) of a customer and contact that has none (issue 21).
    default_locale: str = DEFAULT_LOCALE

    auto_apply: bool = True
    identify_by_content: bool = True
    #: A registered contact's mail counts as the contact's only when the receiving server's
    #: Authentication-Results says DMARC passed (worker.inbound.sender_check); else it is a
    #: stranger's.
    require_dmarc_pass: bool = False
    #: The authserv-id our mail server stamps; only a topmost Authentication-Results of it
    #: is read. Unset: the topmost one, whoever stamped it.
    authserv_id: str | None = None
    near_matches: bool = True
    discount_grace_days: int = 0
    combinations: bool = True
    shadow_mode: bool = False
    auto_apply_min_confidence: Decimal = Decimal("0")
    auto_apply_amount_bands: str = ""
    auto_apply_customer_thresholds: str = ""
    max_invoice_age_days: int = 0
    amount_tolerance: Decimal = Decimal("0.00")
    max_deduction_share: Decimal = Decimal("0.50")
    #: A line read by OCR needs this recognition confidence (0–100) to be applied alone.
    ocr_min_confidence: Decimal = Decimal("80")
    max_unverified_lines: int = 50
    max_replies_per_sender_per_day: int = 5
    max_message_bytes: int = 25 * 1024 * 1024
    worker_threads: int = 4
    sweep_after_seconds: float = 300.0
    broker_heartbeat_timeout_ms: int = 60_000
    broker_maintenance_chance: int = 1_000
    parse_isolation: bool = True
    parse_timeout_seconds: float = 8.0
    parse_memory_mb: int = 1024
    pdf_reader: PdfReader = PdfReader.FAST
    max_mime_parts: int = 1000
    max_mime_depth: int = 30
    max_attachment_bytes: int = 20 * 1024 * 1024
    # Scans read by OCR (issue 23): image-only PDF pages and image attachments, in the parse
    # child only (with ARBOX_PARSE_ISOLATION off, scans are not read).
    #: Read scans at all.
    ocr: bool = True
    #: Tesseract languages, ``+``-joined (installed: eng deu fra spa nld ita).
    ocr_languages: str = "eng+deu+fra+spa+nld+ita"
    #: Where the Tesseract language data is (Debian's ``tesseract-ocr-*`` packages).
    ocr_tessdata: Path = Path("/usr/share/tesseract-ocr/5/tessdata")
    #: Wall and CPU seconds OCR may add to a mail's read (on top of parse_timeout_seconds).
    ocr_timeout_seconds: float = 60.0
    #: Pages of a scan recognised at most (a longer scan is refused with the reason).
    ocr_max_pages: int = 10
    #: Pixels of one page at most, checked from the image header before decoding.
    ocr_max_pixels: int = 50_000_000
    #: Resolution image-only PDF pages are rendered at.
    ocr_dpi: int = 300

    imap_done_action: Literal["move", "flag"] = "move"
    imap_processed_keyword: str = "$ArboxProcessed"
    imap_quarantine_keyword: str = "$ArboxQuarantined"
    imap_idle_renew_seconds: float = 300.0
    imap_disable_capabilities: str = ""
    poller_lock_seconds: float = 60.0

    # Outbound mail: never loop, send safely (issue 6).
    #: A PEM bundle of the CAs that sign the SMTP server's certificate (default: the system's).
    smtp_ca_file: Path | None = None
    #: Render and store outbound mail (status ``dry_run``) without connecting to SMTP.
    outbound_dry_run: bool = False
    #: The worker that wrote a reply sends it after its commit (failures: the outbound queue).
    send_inline: bool = True
    #: The reply circuit breaker trips when this many mails from one address that look like
    #: a loop (answers to our replies, or an earlier mail again) arrive within
    #: ``reply_breaker_minutes``, the earlier ones answered (0: no breaker).
    reply_breaker_mails: int = 3
    reply_breaker_minutes: int = 60
    #: How long automatic replies to that address then stop (a person may end it sooner).
    reply_breaker_cooldown_minutes: int = 1440

    #: Statements and invoice copies: our address under the company name and the remit-to
    #: text, each a line per ``|`` (a newline works too).
    company_address: str = ""
    remit_to: str = ""
    #: A directory of Jinja2 templates that override the packaged ones: ``<dir>/<lang>/<name>``
    #: (and ``<dir>/<name>`` for English), checked at start-up (outbound.templating).
    templates_dir: Path | None = None

    # Replies per question kind (issue 6, replies).
    #: The question kinds answered automatically: ``all``, ``none`` (every question waits for
    #: a person, as a review item) or a comma list of ``invoice-copy-request``,
    #: ``statement-request``, ``balance-inquiry``, ``dispute``, ``promise-to-pay``.
    auto_reply_kinds: str = "all"
    #: A question the intent reader is less sure of than this (0–1) is answered by a person:
    #: a review item and only the reply that reveals nothing (issue 17).
    intent_min_confidence: float = 0.5

    @field_validator("auto_reply_kinds")
    @classmethod
    def _valid_reply_kinds(cls, value: str) -> str:
        parse_reply_kinds(value)  # raises ValueError naming the unknown kind
        return value

    # The review web app (issue 7): arbox serve, sign-in, sessions.
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    #: Signs the session cookies; unset: a random key kept in ``data_dir/web-secret-key`` (0600).
    web_secret_key: SecretStr | None = None
    #: The app is served over https (behind a TLS proxy): cookies get the Secure flag.
    web_https: bool = False
    #: Failed sign-ins in a row that lock a user out, and for how long.
    web_lockout_attempts: int = 5
    web_lockout_minutes: int = 15
    #: How long a signed-in session lasts at most, and unused.
    web_session_hours: float = 12.0
    web_idle_minutes: float = 30.0

    # Bank statements and payments (issue 8).
    #: When cash is applied: on the ``remittance`` (as it arrives) or only once its ``bank``
    #: credit is linked (the decided applications wait until then).
    apply_cash_on: Literal["remittance", "bank"] = "remittance"
    #: Days between a remittance's payment date and the bank credit's value date, either way,
    #: within which the two may link.
    bank_match_window_days: int = 7
    #: Addresses (comma-separated) whose mail attachments are bank statements to import.
    bank_senders: str = ""

    # Dunning and the scheduler (issue 6, statements and dunning on a schedule).
    #: Reminder levels: ``days overdue:template name``, comma-separated.
    dunning_levels: str = "7:reminder_1,30:reminder_2,60:final_notice"
    #: When the scheduler starts a statement run and a dunning run: five cron fields in UTC
    #: (minute hour day month weekday), or ``off``.
    statement_schedule: str = "0 6 1 * *"
    dunning_schedule: str = "0 7 * * *"
    #: The one-scheduler-at-a-time Redis lock's expiry (renewed every third of it), and how
    #: often the scheduler looks at the clock.
    scheduler_lock_seconds: float = 60.0
    scheduler_tick_seconds: float = 30.0

    # Operations (issue 20): logs and metrics.
    #: Log level of every command (``DEBUG`` … ``ERROR``); unset: the command's own default
    #: (``INFO`` for the services, ``WARNING`` for one-shot commands).
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] | None = None
    #: ``text`` (key=value lines) or ``json`` (one JSON object per line).
    log_format: Literal["text", "json"] = "text"
    #: Port on which ``arbox worker`` / ``arbox poller`` / ``arbox run`` serve Prometheus
    #: metrics (``/metrics``), one port per process; 0: none (the review app's ``/metrics``
    #: still answers).
    metrics_port: int = 0
    #: Address that port listens on.
    metrics_host: str = "127.0.0.1"

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_log_format(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("dunning_levels")
    @classmethod
    def _valid_levels(cls, value: str) -> str:
        parse_dunning_levels(value)
        return value

    @field_validator("auto_apply_amount_bands")
    @classmethod
    def _valid_bands(cls, value: str) -> str:
        parse_amount_bands(value)  # raises ValueError with the entry at fault
        return value

    @field_validator("auto_apply_customer_thresholds")
    @classmethod
    def _valid_thresholds(cls, value: str) -> str:
        parse_customer_thresholds(value)
        return value

    # Every setting checked (issue 20): ranges here, one line per bad variable in from_env.
    @field_validator(*LIMITS)
    @classmethod
    def _within_limits(cls, value: float | Decimal, info: ValidationInfo) -> float | Decimal:
        limit = LIMITS[info.field_name or ""]
        if not limit.admits(value):
            raise ValueError(limit.describe())
        return value

    @field_validator("database_url")
    @classmethod
    def _valid_database_url(cls, value: str) -> str:
        if not DATABASE_URL.match(value):
            raise ValueError(
                "expected a database URL such as sqlite:///arbox.db or "
                "postgresql+psycopg://user:password@host/arbox"
            )
        return value

    @field_validator("redis_url")
    @classmethod
    def _valid_redis_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.match(r"(redis|rediss|unix)://", value.get_secret_value()):
            raise ValueError("expected a Redis URL such as redis://localhost:6379/0")
        return value

    @field_validator("default_currency")
    @classmethod
    def _valid_currency(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z]{3}", value):
            raise ValueError("expected a three-letter ISO 4217 currency code, e.g. USD")
        return value

    @field_validator("default_locale")
    @classmethod
    def _valid_locale(cls, value: str) -> str:
        return normalize_locale(value)  # ValueError with the reason: one line in from_env

    @field_validator("default_currency")
    @classmethod
    def _upper_currency(cls, value: str) -> str:
        return value.upper()

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, env_file: str | Path | None = ".env"
    ) -> Settings:
        """Settings from ``environ`` (default: the process environment) and ``env_file``,
        with ``ARBOX_*_FILE`` variables read (secrets from files).

        Raises:
            SettingsError: a setting is not valid; one line per bad variable.
        """
        try:
            if environ is None:
                from_files: dict[str, Any] = dict(read_setting_files(process_environ(env_file)))
                return cls(_env_file=env_file, **from_files)  # type: ignore[call-arg]
            values = {
                key[len("ARBOX_") :].lower(): value
                for key, value in environ.items()
                if key.startswith("ARBOX_") and value != ""  # empty means unset, as in .env
            }
            values.update(read_setting_files(environ))
            return cls.model_validate(values)
        except ValidationError as e:
            raise SettingsError(describe_errors(e, cls.model_fields)) from None

    @property
    def imap_folders(self) -> tuple[str, ...]:
        """The folders to read: ``imap_folder`` split at commas, blanks dropped."""
        return tuple(f.strip() for f in self.imap_folder.split(",") if f.strip())

    @property
    def imap_disabled_capabilities(self) -> frozenset[str]:
        """Server capabilities arbox must not use (upper-cased), e.g. ``MOVE``."""
        return frozenset(
            c.strip().upper() for c in self.imap_disable_capabilities.split(",") if c.strip()
        )

    @property
    def imap_configured(self) -> bool:
        """Whether a mailbox is configured at all."""
        return bool(self.imap_host and self.imap_user)

    @property
    def smtp_configured(self) -> bool:
        """Whether outbound mail is configured at all."""
        return bool(self.smtp_host)

    def secret(
        self, name: Literal["imap_password", "smtp_password", "redis_url", "web_secret_key"]
    ) -> str | None:
        """The clear value of a secret setting."""
        value: SecretStr | None = getattr(self, name)
        return value.get_secret_value() if value is not None else None

    @property
    def bank_sender_addresses(self) -> frozenset[str]:
        """``ARBOX_BANK_SENDERS`` as lower-cased addresses."""
        return frozenset(a.strip().lower() for a in self.bank_senders.split(",") if a.strip())

    @property
    def company_address_lines(self) -> tuple[str, ...]:
        """``ARBOX_COMPANY_ADDRESS`` as lines (split at ``|`` and newlines)."""
        return split_lines(self.company_address)

    @property
    def remit_to_lines(self) -> tuple[str, ...]:
        """``ARBOX_REMIT_TO`` as lines (split at ``|`` and newlines)."""
        return split_lines(self.remit_to)

    @property
    def reply_kinds(self) -> frozenset[str]:
        """``ARBOX_AUTO_REPLY_KINDS`` parsed: the question kinds answered automatically."""
        return parse_reply_kinds(self.auto_reply_kinds)

    @property
    def dunning_level_list(self) -> tuple[tuple[int, str], ...]:
        """``ARBOX_DUNNING_LEVELS`` parsed: (days overdue, template name), by days."""
        return parse_dunning_levels(self.dunning_levels)

    @property
    def amount_bands(self) -> tuple[tuple[Decimal, Decimal], ...]:
        """``ARBOX_AUTO_APPLY_AMOUNT_BANDS`` parsed: (from amount, confidence needed)."""
        return parse_amount_bands(self.auto_apply_amount_bands)

    @property
    def customer_thresholds(self) -> dict[str, Decimal | None]:
        """``ARBOX_AUTO_APPLY_CUSTOMER_THRESHOLDS`` parsed (None: never automatic)."""
        return parse_customer_thresholds(self.auto_apply_customer_thresholds)


# --- Settings read from files: ARBOX_<NAME>_FILE (deploy/, issue 20) --------------------------
