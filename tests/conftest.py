"""Shared fixtures: real servers on 127.0.0.1, started by the tests and stopped by them.

A server that cannot start here skips its tests locally and fails them when ``CI`` is set: in CI
a missing server is a broken machine, not a reason to pass.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from worker.embedded import (
    EmbeddedImap,
    EmbeddedSmtp,
    start_pymap,
    start_smtp_sink,
    stop_embedded_redis,
)

REPO = Path(__file__).resolve().parents[1]
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
    from worker.embedded import embedded_redis_url

    yield embedded_redis_url(tmp_path_factory.mktemp("redis"))
    stop_embedded_redis()
