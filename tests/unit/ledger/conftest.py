"""Fixtures of the ledger tests: a migrated database per test (SQLite, then PostgreSQL), and a
CSV writer."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.refs import normalise_ref
from ledger.models import (
    Application,
    Contact,
    Customer,
    InboundMessage,
    Invoice,
    Remittance,
    RemittanceLine,
    ReviewItem,
)
from ledger.session import make_engine, make_sessionmaker

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
HEADER = (
    "invoice_number",
    "customer_number",
    "customer_name",
    "customer_email",
    "issue_date",
    "due_date",
    "amount",
    "balance",
    "currency",
    "terms",
)


@pytest.fixture
def db_url(database_url: str) -> str:
    """A migrated database per test, on SQLite and on PostgreSQL (``tests/conftest.py``)."""
    return database_url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_sessionmaker(engine)


@pytest.fixture
def now() -> datetime:
    return NOW


def invoice_row(number: str = "INV-1001", **overrides: str) -> dict[str, str]:
    """A valid import row; ``overrides`` replace or add columns."""
    row = {
        "invoice_number": number,
        "customer_number": "C-001",
        "customer_name": "Acme Corp",
        "customer_email": "ap@acme.example",
        "issue_date": "2026-01-05",
        "due_date": "2026-02-04",
        "amount": "1250.00",
        "balance": "1250.00",
        "currency": "USD",
        "terms": "Net 30",
    }
    row.update(overrides)
    return row


WriteCsv = Callable[..., Path]


@pytest.fixture
def write_csv(tmp_path: Path) -> WriteCsv:
    """``write_csv(rows, header=None, name="invoices.csv", delimiter=",", bom=False)``."""

    def write(
        rows: Sequence[Mapping[str, str]],
        *,
        header: Sequence[str] | None = None,
        name: str = "invoices.csv",
        delimiter: str = ",",
        bom: bool = False,
    ) -> Path:
        columns = list(header or (rows[0].keys() if rows else HEADER))
        path = tmp_path / name
        with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as f:
            writer = csv.DictWriter(
                f, fieldnames=columns, delimiter=delimiter, extrasaction="ignore"
            )
            writer.writeheader()
            writer.writerows(rows)
        return path

    return write


class LedgerFactory:
    """Creates ledger rows directly, with defaults; each method returns the new row's id."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._seq = 0

    def _next(self) -> int:
        self._seq += 1
        return self._seq

    def customer(
        self, number: str = "C-001", name: str = "Acme Corp", emails: Sequence[str] = ()
    ) -> int:
        customer = Customer(number=number, name=name, created_at=NOW)
        self.session.add(customer)
        self.session.flush()
        for email in emails:
            self.session.add(Contact(customer_id=customer.id, email=email))
        self.session.flush()
        return customer.id

    def invoice(
        self,
        customer_id: int,
        number: str = "INV-1001",
        *,
        balance: str = "1250.00",
        status: str = "open",
        due: date = date(2026, 2, 4),
        currency: str = "USD",
    ) -> int:
        invoice = Invoice(
            number=number,
            ref_key=normalise_ref(number),
            customer_id=customer_id,
            issue_date=date(2026, 1, 5),
            due_date=due,
            amount=Decimal("1250.00"),
            balance=Decimal(balance),
            currency=currency,
            terms=None,
            status=status,
            created_at=NOW,
            updated_at=NOW,
        )
        self.session.add(invoice)
        self.session.flush()
        return invoice.id

    def inbound(self, message_id: str = "<m1@payer.example>") -> int:
        n = self._next()
        row = InboundMessage(
            message_id=message_id,
            sha256=f"{n:064x}",
            raw=b"",
            size=0,
            source="file",
            status="applied",
            received_at=NOW,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def remittance_line(self, inbound_id: int, *, amount: str = "1250.00") -> int:
        remittance = Remittance(
            inbound_id=inbound_id,
            customer_id=None,
            source="body",
            currency="USD",
            stated_total=None,
            lines_total=Decimal(amount),
            created_at=NOW,
        )
        self.session.add(remittance)
        self.session.flush()
        line = RemittanceLine(
            remittance_id=remittance.id,
            line_no=1,
            invoice_ref="INV-1001",
            amount=Decimal(amount),
            outcome="auto",
            confidence=Decimal("1.000"),
            reason="exact",
        )
        self.session.add(line)
        self.session.flush()
        return line.id

    def application(
        self,
        line_id: int,
        invoice_id: int,
        *,
        amount: str = "1250.00",
        discount: str = "0.00",
        deduction: str = "0.00",
        status: str = "auto",
        confidence: str = "1.000",
        applied_at: datetime = NOW,
    ) -> int:
        app = Application(
            remittance_line_id=line_id,
            invoice_id=invoice_id,
            amount=Decimal(amount),
            discount=Decimal(discount),
            deduction=Decimal(deduction),
            currency="USD",
            status=status,
            confidence=Decimal(confidence),
            reasons="test",
            applied_by="worker",
            applied_at=applied_at,
        )
        self.session.add(app)
        self.session.flush()
        return app.id

    def review_item(
        self,
        key: str,
        *,
        kind: str = "unmatched",
        status: str = "open",
        inbound_id: int | None = None,
        customer_id: int | None = None,
        reason: str = "no invoice found",
        candidates: list[dict[str, Any]] | None = None,
        created_at: datetime = NOW,
    ) -> int:
        item = ReviewItem(
            key=key,
            kind=kind,
            status=status,
            inbound_id=inbound_id,
            customer_id=customer_id,
            reason=reason,
            candidates=candidates or [],
            created_at=created_at,
        )
        self.session.add(item)
        self.session.flush()
        return item.id


@pytest.fixture
def ledger(sessions: sessionmaker[Session]) -> Iterator[LedgerFactory]:
    """A factory writing (flushing) into one session; query through ``ledger.session``."""
    with sessions() as session:
        yield LedgerFactory(session)
