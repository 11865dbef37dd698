"""Schema migrations (Alembic), driven from code: ``arbox db upgrade`` calls :func:`upgrade`.

:func:`check_database` is what a command runs before it touches the ledger: the database
exists, answers, and its schema is the one this code needs. It creates nothing; only
:func:`upgrade` creates a SQLite file. Both translate the driver's errors into one-line
:class:`~core.errors.DatabaseUnavailableError` and :class:`~core.errors.SchemaNotCurrentError`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from core.errors import DatabaseUnavailableError, SchemaNotCurrentError, SettingsError
from core.setting_values import mask_url

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str) -> Config:
    """An Alembic config for the database at ``url``, with no ini file needed."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Create or migrate the schema at ``url`` to ``revision``. Idempotent.

    Raises:
        SettingsError: ``url`` names no database arbox can use.
        DatabaseUnavailableError: the database cannot be reached, or the directory of a
            SQLite file does not exist.
    """
    folder = _sqlite_path(url)
    if folder is not None and not folder.parent.is_dir():
        raise DatabaseUnavailableError(
            mask_url(url),
            f"the directory {folder.parent} does not exist",
            fix="create it, or fix ARBOX_DATABASE_URL",
        )
    with _translated(url):
        command.upgrade(alembic_config(url), revision)


def head() -> str | None:
    """The revision the code's migrations end at."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def check_database(url: str) -> str:
    """Check that the database at ``url`` exists, answers and is migrated to :func:`head`;
    return its revision. Creates nothing (a SQLite file that is not there stays so).

    Raises:
        SettingsError: ``url`` names no database arbox can use.
        DatabaseUnavailableError: the server does not answer, or the file cannot be opened.
        SchemaNotCurrentError: no database file, never migrated, behind or ahead of the code.
    """
    shown = mask_url(url)
    path = _sqlite_path(url)
    if path is not None and not path.parent.is_dir():
        raise SchemaNotCurrentError(
            shown,
            f"is in a directory that does not exist ({path.parent})",
            fix="create it and run arbox db upgrade, or fix ARBOX_DATABASE_URL",
        )
    if path is not None and not path.exists():
        raise SchemaNotCurrentError(
            shown, "does not exist", fix="run arbox db upgrade, or fix ARBOX_DATABASE_URL"
        )
    with _translated(url):
        revision = current(url)
        expected = head()
        if revision == expected:
            return revision or ""
        if revision is None:
            raise SchemaNotCurrentError(shown, "has no arbox schema (never migrated)")
        script = ScriptDirectory.from_config(alembic_config(url))
        known = {r.revision for r in script.walk_revisions()}
        if revision not in known:
            raise SchemaNotCurrentError(
                shown,
                f"is at revision {revision}, which this arbox does not know (a newer arbox "
                "migrated it)",
                fix="run the arbox version that migrated it, or upgrade arbox",
            )
        raise SchemaNotCurrentError(
            shown, f"is at revision {revision}, behind this arbox's {expected}"
        )


def _sqlite_path(url: str) -> Path | None:
    """The file of a SQLite ``url`` (None: not SQLite, in memory, or a URI filename)."""
    if not url.startswith("sqlite"):
        return None
    try:
        database = make_url(url).database
    except ArgumentError:
        return None
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


@contextmanager
def _translated(url: str) -> Iterator[None]:
    """Turn SQLAlchemy's and the driver's errors about ``url`` into arbox's one-liners."""
    try:
        yield
    except (ArgumentError, NoSuchModuleError) as e:
        raise SettingsError(
            [f"ARBOX_DATABASE_URL={mask_url(url)!r}: not a database arbox can use ({e})"]
        ) from None
    except DBAPIError as e:
        raise DatabaseUnavailableError(mask_url(url), first_line(e.orig)) from e
    except ModuleNotFoundError as e:  # the driver of the dialect is not installed
        raise SettingsError(
            [f"ARBOX_DATABASE_URL={mask_url(url)!r}: its driver is not installed ({e})"]
        ) from None


def first_line(error: BaseException | None) -> str:
    """The first line of ``error``'s message, or its type when it has none."""
    text = str(error or "").strip().splitlines()
    return text[0].strip() if text else type(error).__name__


def current(url: str) -> str | None:
    """The revision the database at ``url`` is at, or None when it has no schema."""
    from alembic.runtime.migration import MigrationContext

    from ledger.session import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
