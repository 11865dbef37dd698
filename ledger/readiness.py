"""Whether the database answers, and the migration it is at: the readiness check's reads
(review.state_metrics)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def database_revision(session: Session) -> str | None:
    """The Alembic revision the database is at, None when it was never migrated. Raises
    whatever the driver raises when the database does not answer."""
    session.execute(text("SELECT 1"))
    try:
        revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # no alembic_version table: never migrated
        return None
    return str(revision) if revision is not None else None
