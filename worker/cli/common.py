"""What every ``arbox`` command shares: its two consoles, :func:`fail`, :func:`stop_on_signals`,
:func:`open_services` (the settings, a ready database, the services) with :func:`read` and
:func:`transaction` (a session of it), and :func:`table` (a :class:`PlainTable`) for the listing
commands.

The consoles are :data:`out` (standard output) and :data:`err` (standard error); commands use
them as ``common.out`` / ``common.err`` so that a test running a command in-process can swap
them. Printed to a terminal, output fits the terminal as Rich makes it. Printed to anything
else (a cron job's mail, ``| less``, a file, a CI log with ``FORCE_COLOR``) nothing is wrapped:
Rich would otherwise fold tables and long lines at 80 columns (or at the width of the terminal
``less`` runs in), splitting rows and commands across lines. An explicit ``COLUMNS`` is still
obeyed.

:func:`open_services` checks the database first (:func:`ledger.migrate.check_database`): it
exists, answers, and is migrated to this code's schema. A bad setting raises
:class:`~core.errors.SettingsError`, a database that is not ready
:class:`~core.errors.DatabaseUnavailableError` or :class:`~core.errors.SchemaNotCurrentError`;
``worker.cli.main`` prints each as one line. Nothing here creates a database: only
``arbox db upgrade`` does.
"""

from __future__ import annotations

import os
import signal
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

import typer
from rich.console import Console, ConsoleDimensions, RenderableType
from rich.style import StyleType
from rich.table import Table
from rich.text import Text

from core.config import Settings
from core.errors import ARError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from worker.services import Services

T = TypeVar("T")

#: ``--format table|json`` of the commands that list rows.
TableOrJson = Annotated[Literal["table", "json"], typer.Option("--format", help="Output format.")]

#: The width of output that is not a terminal: wider than any row arbox prints. Rich renders a
#: table at its natural width, so nothing is padded out to it.
UNWRAPPED_WIDTH = 10_000


def shown(text: str) -> str:
    """``text`` with its control characters written out (``\\x1b``, ``\\x07``, ``\\r``), so that
    text from a stranger (a mail's sender, a customer name) cannot move the cursor, clear the
    screen or retitle the terminal it is printed to. Line ends and tabs are kept; bidi
    overrides (``U+202E``) are written out too: they reorder what follows them."""
    if text.isprintable():
        return text
    return "".join(ch if ch in "\n\t" or _printable(ch) else _escaped(ch) for ch in text)


def _printable(ch: str) -> bool:
    return ch.isprintable() or (unicodedata.category(ch) == "Zs")


def _escaped(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class CliConsole(Console):
    """A Rich Console that does not wrap what it prints when that is not a terminal, and
    prints no control characters of the text it is given (:func:`shown`): every table and
    line a command prints passes through :meth:`render_str`."""

    def render_str(self, text: str, **kwargs: Any) -> Text:
        """``text`` as Rich makes it, its control characters written out first."""
        return super().render_str(shown(text), **kwargs)

    @property
    def size(self) -> ConsoleDimensions:
        """The terminal's size; ``UNWRAPPED_WIDTH`` wide when the output is no terminal."""
        size = super().size
        if is_interactive(self) or os.environ.get("COLUMNS", "").isdigit():
            return size
        return ConsoleDimensions(UNWRAPPED_WIDTH, size.height)

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        Console.size.fset(self, new_size)  # type: ignore[attr-defined]


def is_interactive(console: Console) -> bool:
    """Whether ``console`` writes to a terminal a person watches: its file is a tty (and Rich
    agrees: ``TTY_COMPATIBLE=0`` turns it off). ``FORCE_COLOR``, which CI systems set to get
    colour in their logs, makes Rich call any file a terminal; a log is not wrapped at 80
    columns nor given a progress bar for it."""
    isatty = getattr(console.file, "isatty", None)
    try:
        is_tty = bool(isatty is not None and isatty())
    except ValueError:  # a closed file
        return False
    return is_tty and console.is_terminal


def make_console(*, stderr: bool = False) -> Console:
    """A console for standard output (or standard error) of a command."""
    return CliConsole(stderr=stderr)


#: What a command prints for people (tables, summaries).
out = make_console()
#: Errors, warnings and progress bars.
err = make_console(stderr=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``error: message`` on standard error; the exit (status ``code``) to raise."""
    err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def stop_on_signals(stop: threading.Event) -> None:
    """Set ``stop`` on SIGINT or SIGTERM (saying so): how a long-running command ends."""

    def handler(signum: int, _frame: object) -> None:
        err.print(f"stopping ({signal.Signals(signum).name})…")
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


def check_ready(settings: Settings) -> None:
    """Raise unless the database of ``settings`` is there, answers and is migrated, and the
    company's own templates (``ARBOX_TEMPLATES_DIR``) all render."""
    from ledger.migrate import check_database  # loads SQLAlchemy: `arbox --help` stays quick

    check_database(settings.database_url)
    check_templates_dir(settings)


def check_templates_dir(settings: Settings) -> str:
    """Render every template of ``ARBOX_TEMPLATES_DIR`` with sample data: a broken one is a
    one-line error at start-up, never at send time (what ``arbox config check`` prints)."""
    if settings.templates_dir is None:
        return "the packaged templates"
    from outbound.template_check import check_templates  # loads jinja2 and the ledger types

    levels = [name for _, name in settings.dunning_level_list]
    checked = check_templates(settings.templates_dir, dunning_levels=levels)
    return f"{checked} templates in {settings.templates_dir} render"


@contextmanager
def open_services(settings: Settings | None = None) -> Iterator[Services]:
    """Services for ``settings`` (default: from the environment) once the database is ready;
    their database engine is disposed of when the block ends."""
    from worker.services import Services  # loads SQLAlchemy: `arbox --help` stays quick

    settings = Settings.from_env() if settings is None else settings
    check_ready(settings)
    svc = Services.from_settings(settings)
    try:
        yield svc
    finally:
        svc.engine.dispose()


def read(query: Callable[[Session], T]) -> T:
    """``query(session)`` in a read-only session of the ledger (settings from the
    environment)."""
    with open_services() as svc, svc.sessions() as session:
        return query(session)


@contextmanager
def transaction(*, prefix: str = "", suffix: str = "") -> Iterator[Session]:
    """A session whose changes are committed when the block ends; an :class:`ARError` in it
    rolls them back and ends the command: ``error: {prefix}{error}{suffix}``, exit 1."""
    with open_services() as svc:
        try:
            with svc.sessions.begin() as session:
                yield session
        except ARError as e:
            raise fail(f"{prefix}{e}{suffix}") from e


class PlainTable(Table):
    """A Rich table whose text cells are text, not Rich markup: a stranger's
    ``[link=http://…]`` in a cell stays those characters (no terminal hyperlink, no colour),
    and control characters are written out (:func:`shown`)."""

    def add_row(
        self,
        *renderables: RenderableType | None,
        style: StyleType | None = None,
        end_section: bool = False,
    ) -> None:
        """Add a row; each ``str`` cell as plain text."""
        cells = [Text(shown(r)) if isinstance(r, str) else r for r in renderables]
        super().add_row(*cells, style=style, end_section=end_section)


def table(title: str, columns: Iterable[str]) -> Table:
    """A table of ``columns`` (text cells as plain text) whose long cells fold rather than being
    cut off."""
    made = PlainTable(title=title)
    for column in columns:
        made.add_column(column, overflow="fold")
    return made


def _locale(text: str | None) -> str | None:
    if text is None:
        return None
    from core.locales import normalize_locale

    try:
        return normalize_locale(text)
    except ValueError as e:
        raise typer.BadParameter(str(e)) from None


LocaleOption = Annotated[
    str | None,
    typer.Option(
        "--locale",
        callback=_locale,
        help="Numbers as LOCALE writes them in table, CSV and HTML (de_DE: 1.250,00 and ; in CSV).",
    ),
]
