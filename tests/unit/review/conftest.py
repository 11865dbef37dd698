"""Fixtures of the review app's tests: a migrated SQLite ledger with a user of each role, the
app over it, and Starlette's TestClient (no server, no browser)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from core.config import Settings
from core.passwords import hash_password
from core.refs import normalise_ref
from ledger.auth import add_user
from ledger.models import (
    Customer,
    InboundMessage,
    Invoice,
    Remittance,
    RemittanceLine,
    ReviewItem,
    User,
)
from ledger.posting import apply_cash
from ledger.session import make_engine, make_sessionmaker
from review.app import create_app

#: scrypt cost of the seeded users' hashes (production: core.passwords.SCRYPT_N).
TEST_SCRYPT_N = 2**8
PASSWORDS = {
    "vera": ("viewer", "viewer-pass-1"),
    "clara": ("clerk", "clerk-pass-1"),
    "sam": ("supervisor", "supervisor-pass-1"),
}
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def fast_hashes(session: Session) -> None:
    """Re-hash the seeded users' passwords at a low scrypt cost: the hash records its cost,
    so signing in verifies in about a millisecond instead of a third of a second."""
    for name, (_role, password) in PASSWORDS.items():
        session.execute(
            update(User)
            .where(User.username == name)
            .values(password_hash=hash_password(password, n=TEST_SCRYPT_N))
        )


@pytest.fixture(autouse=True)
def fast_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """Passwords hashed during a test use the low test cost (see :func:`fast_hashes`)."""
    monkeypatch.setattr("core.passwords.SCRYPT_N", TEST_SCRYPT_N)


class Clock:
    """A settable clock (aware UTC)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="session")
def web_template(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    """The migrated ledger with a user of each role, made once (scrypt is slow on purpose)."""
    path = tmp_path_factory.mktemp("web_template") / "ledger.db"
    shutil.copyfile(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    with make_sessionmaker(engine).begin() as session:
        for name, (role, password) in PASSWORDS.items():
            add_user(
                session,
                username=name,
                role=role,
                password=password,
                actor="test",
                now=datetime(2026, 11, 1, tzinfo=UTC),
            )
        fast_hashes(session)
    engine.dispose()
    return path


@pytest.fixture
def web_db(tmp_path: Path, web_template: Path) -> Iterator[sessionmaker[Session]]:
    path = tmp_path / "ledger.db"
    shutil.copyfile(web_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield make_sessionmaker(engine)
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


class Seed:
    """Ledger rows for the pages to show, written directly (each call commits)."""

    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self.sessions = sessions
        self.clock = clock
        self._n = 0

    def _seq(self) -> int:
        self._n += 1
        return self._n

    def customer(self, number: str = "C1001", name: str = "Acme Manufacturing Inc") -> int:
        with self.sessions.begin() as s:
            row = Customer(number=number, name=name, created_at=self.clock.now)
            s.add(row)
            s.flush()
            return row.id

    def invoice(
        self, customer_id: int, number: str, *, amount: str = "1250.00", balance: str | None = None
    ) -> int:
        with self.sessions.begin() as s:
            row = Invoice(
                number=number,
                ref_key=normalise_ref(number),
                customer_id=customer_id,
                issue_date=date(2026, 10, 1),
                due_date=date(2026, 10, 31),
                amount=Decimal(amount),
                balance=Decimal(balance if balance is not None else amount),
                currency="USD",
                terms=None,
                status="open",
                created_at=self.clock.now,
                updated_at=self.clock.now,
            )
            s.add(row)
            s.flush()
            return row.id

    def line(
        self,
        *,
        customer_id: int | None,
        amount: str = "100.00",
        payer_name: str | None = "Acme Holdings",
        invoice_ref: str | None = "INV-1",
        outcome: str = "review",
        sender: str = "ap@acme.example",
        subject: str = "Payment advice",
        status: str = "review",
        received_at: datetime | None = None,
    ) -> tuple[int, int]:
        """An inbound mail with a one-line remittance; returns (inbound id, line id)."""
        n = self._seq()
        when = received_at or self.clock.now
        with self.sessions.begin() as s:
            inbound = InboundMessage(
                message_id=f"<m{n}@test.example>",
                sha256=f"{n:064x}",
                raw=b"",
                size=0,
                source="file",
                status=status,
                from_address=sender,
                subject=subject,
                customer_id=customer_id,
                received_at=when,
            )
            s.add(inbound)
            s.flush()
            remittance = Remittance(
                inbound_id=inbound.id,
                customer_id=customer_id,
                source="body",
                currency="USD",
                stated_total=None,
                lines_total=Decimal(amount),
                payer_name=payer_name,
                created_at=when,
            )
            s.add(remittance)
            s.flush()
            line = RemittanceLine(
                remittance_id=remittance.id,
                line_no=1,
                invoice_ref=invoice_ref,
                amount=Decimal(amount),
                outcome=outcome,
                confidence=Decimal("0.500"),
                reason="test",
            )
            s.add(line)
            s.flush()
            return inbound.id, line.id

    def item(
        self,
        *,
        kind: str = "remittance_line",
        customer_id: int | None = None,
        amount: str = "100.00",
        payer_name: str | None = "Acme Holdings",
        invoice_ref: str | None = "INV-1",
        reason: str = "no invoice matches",
        age_days: int = 0,
        candidates: list[dict[str, Any]] | None = None,
    ) -> int:
        """An open review item on a remittance line; returns its id."""
        inbound_id, line_id = self.line(
            customer_id=customer_id, amount=amount, payer_name=payer_name, invoice_ref=invoice_ref
        )
        with self.sessions.begin() as s:
            row = ReviewItem(
                key=f"test:{self._seq()}",
                kind=kind,
                status="open",
                inbound_id=inbound_id,
                remittance_line_id=line_id,
                customer_id=customer_id,
                reason=reason,
                candidates=candidates or [],
                created_at=self.clock.now - timedelta(days=age_days),
            )
            s.add(row)
            s.flush()
            return row.id

    def application(
        self, invoice_id: int, *, amount: str = "1250.00", customer_id: int | None = None
    ) -> int:
        """Cash applied to the invoice (its balance lowered by it); returns the id."""
        _inbound, line_id = self.line(
            customer_id=customer_id, amount=amount, outcome="auto", status="applied"
        )
        with self.sessions.begin() as s:
            posted = apply_cash(
                s,
                remittance_line_id=line_id,
                invoice_id=invoice_id,
                amount=Decimal(amount),
                currency="USD",
                status="auto",
                confidence=Decimal("1.000"),
                reasons="exact",
                actor="worker",
                now=self.clock.now,
            )
            assert posted is not None
            return posted.application_id


@pytest.fixture
def seed(web_db, clock: Clock) -> Seed:
    return Seed(web_db, clock)
