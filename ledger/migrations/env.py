"""Alembic environment: the URL comes from the config that :mod:`ledger.migrate` builds."""

from __future__ import annotations

from alembic import context

import ledger.models  # noqa: F401 - registers the tables on Base.metadata
from ledger.base import Base
from ledger.session import make_engine

config = context.config
url = config.get_main_option("sqlalchemy.url")
assert url, "ledger.migrate sets sqlalchemy.url"

connectable = config.attributes.get("connection")
if connectable is None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:  # a migration that refuses must not leave a connection to the garbage collector
        engine.dispose()
else:
    context.configure(connection=connectable, target_metadata=Base.metadata)
    with context.begin_transaction():
        context.run_migrations()
