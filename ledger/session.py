"""Engines and sessions. SQLite runs in WAL mode with immediate write transactions, so that
concurrent workers queue for the write lock instead of failing with "database is locked".
PostgreSQL (production) gets a checked pool: ``pool_pre_ping`` replaces connections the server
dropped (a restart, ``pg_terminate_backend``) before they are handed out.

:func:`is_transient_db_error` says which database errors are worth retrying: a lost connection,
a serialization failure, a deadlock, a locked SQLite file. Constraint violations are not.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

#: PostgreSQL SQLSTATEs a retry can cure: serialization failure, deadlock, the server shutting
#: down or killing the backend, connection failures, too many connections.
TRANSIENT_SQLSTATES = frozenset(
    {"40001", "40P01", "57P01", "57P02", "57P03", "08000", "08003", "08006", "53300"}
)

#: Pool of a PostgreSQL engine: enough for a process's worker threads plus the poller.
POSTGRES_POOL: dict[str, Any] = {
    "pool_pre_ping": True,
    "pool_size": 10,
    "max_overflow": 10,
    "pool_timeout": 30,
    "pool_recycle": 1800,
}


#: SQLite memory map and page cache per connection.
SQLITE_MMAP_BYTES = 1 << 30
SQLITE_CACHE_KIB = 64 * 1024


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and ``BEGIN IMMEDIATE``."""
    if url.startswith("sqlite"):
        _create_private(url)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            # A ledger of a million invoices is a few hundred MB: read it through the OS's
            # page cache by memory map, and keep more of it per connection than the 2 MB
            # default (a customer's open invoices lie on as many pages as there are rows).
            cur.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
            cur.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    options = {**POSTGRES_POOL, **kwargs} if url.startswith("postgresql") else kwargs
    if url.startswith("postgresql"):
        options.setdefault("connect_args", {"connect_timeout": 10})
    return create_engine(url, **options)


def _create_private(url: str) -> None:
    """Create the SQLite file of ``url`` readable by its owner alone (0600) when it does not
    exist yet: it holds password hashes and session tokens. SQLite gives its ``-wal`` and
    ``-shm`` files the database file's permissions."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.exists() or not path.parent.is_dir():
        return
    with contextlib.suppress(FileExistsError):  # another process made it first
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit (they are handed to pure code)."""
    return sessionmaker(engine, expire_on_commit=False)


def is_transient_db_error(error: BaseException) -> bool:
    """Whether ``error`` (or what it wraps) is a database failure a later retry may cure."""
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    sqlstate = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    if sqlstate in TRANSIENT_SQLSTATES:
        return True
    # psycopg raises OperationalError for lost connections, serialization failures and
    # deadlocks; sqlite3 for "database is locked". Neither covers constraint violations.
    return isinstance(error, OperationalError)
