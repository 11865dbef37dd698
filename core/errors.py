"""Every error arbox raises. Permanent errors park an item for a human; transient ones retry."""

from __future__ import annotations


class ARError(Exception):
    """Base class for every error this project raises."""


class PermanentError(ARError):
    """Retrying cannot help; park the item for a human."""


class TransientError(ARError):
    """A later retry may succeed."""


class ConfigError(PermanentError):
    """A setting is missing or malformed."""


class SettingsError(ConfigError, ValueError):
    """Settings that cannot be used: ``lines`` holds one line per bad ``ARBOX_*`` variable,
    naming it, its value (secrets masked) and what is allowed."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class FontNotFoundError(ConfigError):
    """A font the PDFs are drawn in is missing (or unreadable): ``package`` is the Debian
    package that installs it. Picklable: it comes back from a statement run's rendering
    processes."""

    def __init__(self, file: str, package: str, searched: list[str], reason: str = "") -> None:
        where = f" ({reason})" if reason else ""
        super().__init__(
            f"PDF font {file} not found or unreadable in {', '.join(searched)}{where}: "
            f"install the Debian package {package} (apt-get install {package})"
        )
        self.file = file
        self.package = package
        self.searched = searched
        self.reason = reason

    def __reduce__(self) -> tuple[type[FontNotFoundError], tuple[str, str, list[str], str]]:
        return type(self), (self.file, self.package, self.searched, self.reason)


class DatabaseUnavailableError(TransientError):
    """The database at ``ARBOX_DATABASE_URL`` cannot be reached or opened."""

    def __init__(
        self,
        url: str,
        reason: str,
        *,
        fix: str = "check ARBOX_DATABASE_URL and that the database server is running",
    ) -> None:
        super().__init__(f"cannot open the database {url} ({reason}): {fix}")
        self.url = url
        self.reason = reason


class SchemaNotCurrentError(PermanentError):
    """The database has no arbox schema, or not the one this code needs; ``reason`` says
    which, and the message ends with the fix."""

    def __init__(self, url: str, reason: str, *, fix: str = "run arbox db upgrade") -> None:
        super().__init__(f"the database {url} {reason}: {fix}")
        self.url = url
        self.reason = reason


class AmountFormatError(PermanentError, ValueError):
    """Text that should be an amount is not one (or has more decimals than the currency)."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"Cannot parse amount {text!r}: {reason}")
        self.text = text
        self.reason = reason


class UnreadableDocumentError(PermanentError):
    """A document (PDF, spreadsheet, message part) cannot be read; ``reason`` says why."""

    def __init__(self, reason: str, *, filename: str | None = None) -> None:
        where = f" {filename!r}" if filename else ""
        super().__init__(f"Cannot read document{where}: {reason}")
        self.reason = reason
        self.filename = filename


class ImportRowError(PermanentError):
    """A row of an import file is invalid; nothing of the file was written."""

    def __init__(self, row: int, reason: str) -> None:
        super().__init__(f"row {row}: {reason}")
        self.row = row
        self.reason = reason


class ImportFileError(PermanentError):
    """An import file as a whole cannot be read (format, header, encoding)."""


class MailboxUnavailableError(TransientError):
    """The IMAP server cannot be reached or refused us; retry later."""

    def __init__(self, host: str, reason: str) -> None:
        super().__init__(f"IMAP server {host} unavailable: {reason}")
        self.host = host
        self.reason = reason


class MailDeliveryError(TransientError):
    """The SMTP server did not take a message; retry later."""

    def __init__(self, host: str, reason: str) -> None:
        super().__init__(f"SMTP server {host} did not accept the message: {reason}")
        self.host = host
        self.reason = reason


class MailRejectedError(PermanentError):
    """The SMTP server refused a message permanently (5xx)."""

    def __init__(self, host: str, reason: str) -> None:
        super().__init__(f"SMTP server {host} rejected the message: {reason}")
        self.host = host
        self.reason = reason


class RefusedActionError(PermanentError):
    """A person's action on the ledger (confirm a review item, un-apply cash, delete a rule)
    cannot be done as asked; nothing was changed. ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InvoiceDataError(PermanentError, ValueError):
    """An invoice to be issued is wrong; ``line`` is its 1-based line, None for the header."""

    def __init__(self, reason: str, *, line: int | None = None) -> None:
        super().__init__(f"line {line}: {reason}" if line is not None else reason)
        self.line = line
        self.reason = reason
