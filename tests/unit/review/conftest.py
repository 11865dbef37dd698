"""Fixtures of the review app's tests: a migrated SQLite ledger with a user of each role, the
app over it, and Starlette's TestClient (no server, no browser)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from core.config import Settings
from ledger.session import make_engine, make_sessionmaker
from ledger.users import add_user
from review.app import create_app

PASSWORDS = {
    "vera": ("viewer", "viewer-pass-1"),
    "clara": ("clerk", "clerk-pass-1"),
    "sam": ("supervisor", "supervisor-pass-1"),
}
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


class Clock:
    """A settable clock (aware UTC)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def web_db(tmp_path: Path, sqlite_template: Path) -> Iterator[sessionmaker[Session]]:
    path = tmp_path / "ledger.db"
    shutil.copyfile(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    sessions = make_sessionmaker(engine)
    with sessions.begin() as session:
        for name, (role, password) in PASSWORDS.items():
            add_user(
                session,
                username=name,
                role=role,
                password=password,
                actor="test",
                now=datetime(2026, 11, 1, tzinfo=UTC),
            )
    yield sessions
    engine.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def web_settings(tmp_path: Path, web_db) -> Settings:
    return Settings(
        database_url=str(web_db.kw["bind"].url),
        data_dir=tmp_path / "data",
        web_lockout_attempts=3,
        web_lockout_minutes=10,
    )


@pytest.fixture
def app(web_settings: Settings, web_db, clock: Clock):
    return create_app(web_settings, session_factory=web_db, clock=clock)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://127.0.0.1", follow_redirects=False) as c:
        yield c


def csrf_of(html: str) -> str:
    found = CSRF_INPUT.search(html)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str | None = None):
    page = client.get("/login")
    token = csrf_of(page.text)
    return client.post(
        "/login",
        data={
            "username": username,
            "password": password if password is not None else PASSWORDS[username][1],
            "csrf_token": token,
            "next": "/queue",
        },
    )


@pytest.fixture
def signed_in(app) -> Callable[[str], TestClient]:
    """A new client signed in as the user named."""
    clients: list[TestClient] = []

    def make(username: str) -> TestClient:
        c = TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)
        c.__enter__()
        clients.append(c)
        response = sign_in(c, username)
        assert response.status_code == 303, response.text
        return c

    yield make
    for c in clients:
        c.__exit__(None, None, None)
