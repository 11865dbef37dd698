"""Shared fixtures: real servers on 127.0.0.1, started by the tests and stopped by them.

A server that cannot start here skips its tests locally and fails them when ``CI`` is set: in CI
a missing server is a broken machine, not a reason to pass.
"""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from worker.dev.embedded import (
    EmbeddedImap,
    EmbeddedSmtp,
    start_pymap,
    start_smtp_sink,
)
from worker.dev.embedded_redis import stop_embedded_redis

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _inline_sending_not_paused() -> None:
    """A test whose relay failed pauses inline sending in this process
    (worker.inline_send.INLINE_PAUSE_SECONDS): the next test starts unpaused."""
    sending = sys.modules.get("worker.inline_send")
    if sending is not None:
        sending._inline_paused_until = 0.0  # type: ignore[attr-defined]
        sending._inline_failed = False  # type: ignore[attr-defined]


CORPORA = (REPO / ".." / "shared" / "corpora").resolve()


def require(condition: bool, what: str) -> None:
    """Skip when ``condition`` is false, or fail when running in CI."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} (required when CI is set)")
    pytest.skip(what)


def require_binary(name: str) -> str:
    path = shutil.which(name)
    require(path is not None, f"{name} is not installed")
    assert path is not None
    return path


@pytest.fixture(scope="session")
def corpora_dir() -> Path:
    require(CORPORA.is_dir(), f"test corpora not found at {CORPORA}")
    return CORPORA


@pytest.fixture(scope="session")
def pymap_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedImap]:
    server = start_pymap(
        user="ar", password=secrets.token_urlsafe(12), workdir=tmp_path_factory.mktemp("pymap")
    )
    yield server
    server.stop()


@pytest.fixture
def smtp_sink(tmp_path: Path) -> Iterator[EmbeddedSmtp]:
    sink = start_smtp_sink(directory=tmp_path / "sent")
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from worker.dev.embedded_redis import embedded_redis_url

    yield embedded_redis_url(tmp_path_factory.mktemp("redis"))
    stop_embedded_redis()


def _start_or_require(start, workdir: Path, what: str):  # type: ignore[no-untyped-def]
    from tests.servers import ServerUnavailable

    try:
        return start(workdir)
    except ServerUnavailable as e:
        require(False, f"{what}: {e}")


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Debian's PostgreSQL on 127.0.0.1 (one cluster per test session)."""
    from tests.servers import start_postgres

    # Not under pytest's basetemp: pytest makes /tmp/pytest-of-<user> 0700 again whenever any
    # session starts (another engineer's, say), and the server's own user must reach its data.
    # (Its data files go to memory when there is room: tests.servers.scratch_base.)
    workdir = Path(tempfile.mkdtemp(prefix="arbox-pg-"))
    try:
        server = _start_or_require(start_postgres, workdir, "PostgreSQL")
        yield server
        server.stop(mode="immediate")  # thrown away next: no shutdown checkpoint
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A fresh, empty database on the session's PostgreSQL (dropped after the test when
    nothing is connected to it any more)."""
    name = f"t{secrets.token_hex(6)}"
    yield postgres_server.create_database(name)
    postgres_server.drop_database(name)


@pytest.fixture(scope="session")
def dovecot_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Debian's Dovecot on 127.0.0.1 with one passwd-file user."""
    from tests.servers import start_dovecot

    # Not under pytest's base temp: that is 0700, and Dovecot's unprivileged auth process
    # must reach the passwd file ("missing +x perm: /tmp/pytest-of-root").
    workdir = Path(tempfile.mkdtemp(prefix="arbox-dovecot-"))
    server = _start_or_require(start_dovecot, workdir, "Dovecot")
    yield server
    server.stop()
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(params=["pymap", "dovecot"])
def imap_server(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Each real IMAP server in turn: pymap and Dovecot."""
    return request.getfixturevalue(f"{request.param}_server")


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[object]:
    """Debian's redis-server (appendonly) on 127.0.0.1, restartable; one per test."""
    from tests.servers import start_redis_server

    server = _start_or_require(start_redis_server, tmp_path, "redis-server")
    yield server
    server.stop()


# --- One database URL per backend: the ledger and pipeline tests run on SQLite and PostgreSQL ---


_SQLITE_TEMPLATE: list[Path] = []


def _migrated_sqlite_template() -> Path:
    """The session's SQLite file migrated to head (made on first use, removed at exit)."""
    if not _SQLITE_TEMPLATE:
        from ledger.migrate import upgrade

        path = Path(tempfile.mkdtemp(prefix="arbox-template-")) / "ledger.db"
        upgrade(f"sqlite:///{path}")
        atexit.register(shutil.rmtree, path.parent, True)
        _SQLITE_TEMPLATE.append(path)
    return _SQLITE_TEMPLATE[0]


def migrated_sqlite(path: Path) -> str:
    """Put a SQLite database with the schema at head at ``path``; its URL. A copy of one file
    migrated once per session: what ``upgrade`` makes, without running Alembic per test."""
    if path.exists():
        raise FileExistsError(f"{path} exists: a copy would replace its data")
    shutil.copyfile(_migrated_sqlite_template(), path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def sqlite_template() -> Path:
    """A SQLite file migrated to head once; tests get copies (Alembic once, not per test)."""
    return _migrated_sqlite_template()


@pytest.fixture(scope="session")
def postgres_template(postgres_server) -> str:  # type: ignore[no-untyped-def]
    """A PostgreSQL database migrated to head once; tests get ``CREATE DATABASE ... TEMPLATE``."""
    from sqlalchemy import create_engine

    from ledger.migrate import upgrade

    name = f"tmpl{secrets.token_hex(4)}"
    url = postgres_server.create_database(name)
    upgrade(url)
    create_engine(url).dispose()
    postgres_server.terminate_connections(name)  # a template must have no sessions
    return name


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database migrated to head: a SQLite file, then a PostgreSQL database (dropped
    after the test when nothing is connected to it any more)."""
    if request.param == "sqlite":
        path = tmp_path / "ledger.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    import psycopg

    server = request.getfixturevalue("postgres_server")
    template = request.getfixturevalue("postgres_template")
    name = f"t{secrets.token_hex(6)}"
    with psycopg.connect(
        host="127.0.0.1", port=server.port, user="arboxpg", dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f'create database "{name}" template "{template}"')
    yield str(server.url(name))
    server.drop_database(name)
