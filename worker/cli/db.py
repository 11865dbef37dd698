"""``arbox db upgrade``: the only command that creates or migrates the database."""

from __future__ import annotations

import typer

from core.config import Settings
from worker.cli import common

db_app = typer.Typer(help="The database schema.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema at ARBOX_DATABASE_URL. Idempotent. The only command that
    creates a database: every other one stops with `run arbox db upgrade` when it is missing,
    never migrated or behind this arbox."""
    from ledger.migrate import current, upgrade  # loads SQLAlchemy and Alembic when run

    settings = Settings.from_env()
    upgrade(settings.database_url)
    common.out.print(f"database schema at revision {current(settings.database_url)}")
