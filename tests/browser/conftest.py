"""Browser tests of the review app: Playwright (sync API) driving Debian's Chromium against
the real app served by uvicorn on 127.0.0.1.

- ``live_app`` (one per test module): a copy of ``seeded_ledger`` (made once per session:
  a migrated SQLite ledger with the demo invoices, a user of each role (``LiveApp.users``),
  the sample mail of ``fixtures/emails`` run through the real pipeline (``process_inbound``:
  the same code as the worker)) and the app over it in a thread. ``LiveApp.ingest(raw)``
  runs more mail through the pipeline.
- ``browser`` (one per session): Chromium from ``shutil.which("chromium")``; never a
  downloaded browser. Missing Chromium skips, or fails when ``CI`` is set.
- ``page``: a fresh context (no cookies) and page per test.
- :func:`sign_in` and ``screenshot_dir`` (``tests/artifacts/screenshots``, or the directory
  in env ``ARBOX_SCREENSHOT_DIR``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from core.config import Settings
from core.passwords import hash_password
from ledger.auth import add_user
from ledger.imports import import_invoices
from ledger.models import User
from review.server import RunningServer, start_in_thread
from tests.conftest import REPO, require
from tests.fakes import RecordingMailer
from tests.unit.review.conftest import TEST_SCRYPT_N
from worker.inbound.process import process_inbound
from worker.inbound.store import store_inbound
from worker.sending import send_outbox
from worker.services import Services

FIXTURES = REPO / "fixtures"
#: The seeded users: role -> (username, password).
USERS: dict[str, tuple[str, str]] = {
    "viewer": ("vera", "viewer-pass-1"),
    "clerk": ("clara", "clerk-pass-1"),
    "supervisor": ("sam", "supervisor-pass-1"),
}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class LiveApp:
    """The review app running on a free port over its own ledger."""

    url: str
    settings: Settings
    services: Services
    server: RunningServer | None
    users: dict[str, tuple[str, str]] = field(default_factory=lambda: dict(USERS))
    inbound_ids: list[int] = field(default_factory=list)

    @property
    def sessions(self) -> sessionmaker[Session]:
        """Sessions over the app's ledger (to look at or prepare data directly)."""
        return self.services.sessions

    def ingest(self, raw: bytes) -> int:
        """Run one mail through the worker's pipeline (store, process, send its replies to
        a recording mailer); returns the inbound id."""
        stored = store_inbound(self.services, raw, source="file")
        result = process_inbound(stored.inbound_id, svc=self.services)
        for outbox_id in result.outbox_ids:
            send_outbox(outbox_id, svc=self.services)
        self.inbound_ids.append(stored.inbound_id)
        return stored.inbound_id

    def ingest_file(self, path: Path) -> int:
        return self.ingest(path.read_bytes())


def _settings(workdir: Path, db: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{db}",
        data_dir=workdir / "data",
        ar_address="ar@arbox.example",
        company_name="Example Supplies Co.",
        parse_isolation=False,  # the same parsers, in-process: faster to seed
        web_port=0,
    )


def _services(settings: Settings) -> Services:
    return Services.from_settings(settings, mailer=RecordingMailer())


@pytest.fixture(scope="session")
def seeded_ledger(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    """A ledger file with the demo invoices, the users, and the sample mail processed by the
    pipeline; made once, copied for each module's app."""
    workdir = tmp_path_factory.mktemp("seeded_ledger")
    db = workdir / "ledger.db"
    shutil.copyfile(sqlite_template, db)
    services = _services(_settings(workdir, db))
    now = datetime.now(UTC)
    with services.sessions.begin() as session:
        import_invoices(
            session, FIXTURES / "ledgers" / "demo_invoices.csv", default_currency="USD", now=now
        )
        for role, (name, password) in USERS.items():
            add_user(session, username=name, role=role, password=password, actor="test", now=now)
            # the hash records its cost: a low one makes each sign-in quick
            session.execute(
                update(User)
                .where(User.username == name)
                .values(password_hash=hash_password(password, n=TEST_SCRYPT_N))
            )
    seeder = LiveApp(url="", settings=services.settings, services=services, server=None)
    for path in sorted((FIXTURES / "emails").glob("*.eml")):
        seeder.ingest_file(path)
    services.engine.dispose()
    return db


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory, seeded_ledger: Path) -> Iterator[LiveApp]:
    """The app over a copy of the seeded ledger, served on a free port of 127.0.0.1."""
    workdir = tmp_path_factory.mktemp("live_app")
    db = workdir / "ledger.db"
    shutil.copyfile(seeded_ledger, db)
    settings = _settings(workdir, db)
    services = _services(settings)
    server = start_in_thread(settings, host="127.0.0.1", port=0)
    try:
        yield LiveApp(url=server.url, settings=settings, services=services, server=server)
    finally:
        server.stop()
        services.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium for the session (Debian's; Playwright never downloads one here)."""
    executable = shutil.which("chromium")
    require(executable is not None, "chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - a dev dependency
        require(False, "playwright is not installed")
        raise
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page in a fresh context (no cookies, no storage)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(10_000)
    p = context.new_page()
    try:
        yield p
    finally:
        context.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Where the browser tests save their screenshots."""
    configured = os.environ.get("ARBOX_SCREENSHOT_DIR")
    path = Path(configured) if configured else REPO / "tests" / "artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def sign_in(page: Any, base_url: str, username: str, password: str) -> None:
    """Sign in through the form and wait until the queue (or the ``next`` page) is shown."""
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
