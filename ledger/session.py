"""Engines and sessions. SQLite runs in WAL mode with immediate write transactions, so that
concurrent workers queue for the write lock instead of failing with "database is locked".
PostgreSQL (production) gets a checked pool: ``pool_pre_ping`` replaces connections the server
dropped (a restart, ``pg_terminate_backend``) before they are handed out.

:func:`is_transient_db_error` says which database errors are worth retrying: a lost connection,
a serialization failure, a deadlock, a locked SQLite file. Constraint violations are not.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
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
        connect_args: dict[str, Any] = {"timeout": 30}
        lock_path = _writer_lock_path(url)
        if lock_path is not None:
            connect_args["factory"] = _queued_writer(lock_path)
        engine = create_engine(url, connect_args=connect_args, **kwargs)

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
            if conn.get_execution_options().get(READ_ONLY):
                conn.exec_driver_sql("BEGIN")  # a snapshot: no write lock, no queue
                return
            dbapi_conn = conn.connection.dbapi_connection
            if isinstance(dbapi_conn, _QueuedWriter):
                dbapi_conn.queue_for_writing()
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                if isinstance(dbapi_conn, _QueuedWriter):
                    dbapi_conn.leave_queue()
                raise

        return engine
    options = {**POSTGRES_POOL, **kwargs} if url.startswith("postgresql") else kwargs
    if url.startswith("postgresql"):
        options.setdefault("connect_args", {"connect_timeout": 10})
    return create_engine(url, **options)


#: Per thread: whether it holds a place in the writer queue (a second would wait for the first).
_HELD = threading.local()


def _writer_lock_path(url: str) -> Path | None:
    """The lock file beside the SQLite database of ``url``; None for one in memory."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database + "-writer.lock")


class _QueuedWriter(sqlite3.Connection):
    """A SQLite connection that queues for the write lock in the kernel (``flock`` on a file
    beside the database) before ``BEGIN IMMEDIATE``, and leaves the queue on commit, rollback
    or close.

    SQLite's own busy handler polls: a transaction that finds the database locked sleeps 1, 2,
    5 … 100 ms and tries again, so with eight threads of two workers waiting for a write lock
    held ten milliseconds, the lock stood free while waiters slept and half the machine idled.
    ``flock`` wakes a waiter the moment the holder lets go. The busy timeout stays as the
    backstop for writers that do not queue (another program, the ``sqlite3`` shell).
    """

    lock_path: Path

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lock_fd: int | None = None

    def queue_for_writing(self) -> None:
        """Wait for this connection's turn to write. A thread already holding a place (a
        second session inside a first) does not queue: it would wait for itself; SQLite's busy
        timeout decides for it, as before."""
        if self._lock_fd is not None or getattr(_HELD, "holding", False):
            return
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        self._lock_fd = fd
        _HELD.holding = True

    def leave_queue(self) -> None:
        fd, self._lock_fd = self._lock_fd, None
        if fd is not None:
            _HELD.holding = False
            os.close(fd)  # closing the only descriptor releases the flock

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.leave_queue()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.leave_queue()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.leave_queue()


def _queued_writer(lock_path: Path) -> type[_QueuedWriter]:
    """A :class:`_QueuedWriter` class for the database whose lock file is ``lock_path``."""
    return type("QueuedWriter", (_QueuedWriter,), {"lock_path": lock_path})


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


#: The execution option of a transaction that only reads (:func:`reading`).
READ_ONLY = "arbox_read_only"


@contextlib.contextmanager
def reading(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose transaction only reads, ended (rolled back) when it closes.

    On SQLite it begins deferred: it reads a snapshot without the write lock, so it neither
    waits for writers nor makes them wait (every other transaction begins ``IMMEDIATE`` and
    queues for the lock). On PostgreSQL it is an ordinary transaction. Writing in it is a
    mistake: on SQLite the write would wait for the lock, or fail when another writer
    committed since the snapshot.
    """
    with sessions() as session:  # closing ends the transaction; what it loaded stays loaded
        session.connection(execution_options={READ_ONLY: True})
        yield session


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit (they are handed to pure code), and
    that may hold one row's changes back from the reads' flushes (:func:`hold_row`)."""
    return sessionmaker(engine, class_=LedgerSession, expire_on_commit=False)


#: ``Session.info`` key of the row whose changes reads do not flush (:func:`hold_row`).
_HELD_ROW = "arbox_held_row"


def hold_row(session: Session, row: object) -> None:
    """Let the reads of ``session`` leave ``row``'s pending changes unwritten while they are
    the only ones: the row is written by the next flush that writes something else (a new
    row, an explicit ``flush()``), or by the commit.

    For the one row a transaction keeps changing between reads, none of which reads it back
    through SQL (a mail's inbound row while its decision is made: the reads that look at a
    sender's mails leave that mail out). Without it each read flushed the row's latest
    change: one UPDATE of it per read. A read that must see the row's columns in SQL flushes
    first (``session.flush()``). A session not made by :func:`make_sessionmaker` ignores it.
    """
    session.info[_HELD_ROW] = inspect(row)


def flush_for_read(session: Session) -> None:
    """What a read does first in ``session`` (as ``Session.execute`` would): flush pending
    changes when the session autoflushes, unless only the held row has any (:func:`hold_row`)."""
    if session.autoflush and not _held_alone(session):
        session.flush()


def _held_alone(session: Session) -> bool:
    """Whether the only pending change of ``session`` is the held row's (or there is none)."""
    held = session.info.get(_HELD_ROW)
    if held is None or session._new or session._deleted:  # the dicts themselves: no copy
        return False
    modified = session.identity_map._modified  # the states with changes
    return not modified or (len(modified) == 1 and held in modified)


class LedgerSession(Session):
    """A session whose reads' autoflush leaves a held row alone (:func:`hold_row`)."""

    def _autoflush(self) -> None:
        if not _held_alone(self):
            super()._autoflush()


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
