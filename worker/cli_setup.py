"""What every ``arbox`` command does before its work: read the settings and open the ledger.

:func:`open_services` checks the database first (:func:`ledger.migrate.check_database`): it
exists, answers, and is migrated to this code's schema. A bad setting raises
:class:`~core.errors.SettingsError`, a database that is not ready
:class:`~core.errors.DatabaseUnavailableError` or :class:`~core.errors.SchemaNotCurrentError`;
``worker.cli.main`` prints each as one line. Nothing here creates a database: only
``arbox db upgrade`` does. Imports are made when a command runs, so ``arbox --help`` stays quick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.config import Settings
    from outbound.smtp import Mailer
    from worker.services import Services


def load_settings() -> Settings:
    """The settings from the environment and ``.env``.

    Raises:
        SettingsError: one line per bad ``ARBOX_*`` variable.
    """
    from core.config import Settings

    return Settings.from_env()


def check_ready(settings: Settings) -> None:
    """Raise unless the database of ``settings`` is there, answers and is migrated."""
    from ledger.migrate import check_database

    check_database(settings.database_url)


def open_services(settings: Settings | None = None, *, mailer: Mailer | None = None) -> Services:
    """Services for ``settings`` (default: from the environment) once the database is ready."""
    from worker.services import Services

    settings = load_settings() if settings is None else settings
    check_ready(settings)
    return Services.from_settings(settings, mailer=mailer)
