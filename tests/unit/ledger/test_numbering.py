"""Document numbers: gap-free per company, kind and year, never handed out twice, a rolled-back
document's number free again — on SQLite and PostgreSQL, and across concurrent processes."""

from __future__ import annotations

import contextlib
import multiprocessing
import random
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.config_invoicing import check_pattern, tax_rates
from ledger import models as m
from ledger.numbering import next_number
from ledger.session import make_engine, make_sessionmaker

PATTERN = "INV-{year}-{seq:06d}"


@contextlib.contextmanager
def sessions_of(url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(url)
    try:
        yield make_sessionmaker(engine)
    finally:
        engine.dispose()


def take(url: str, *, company: str = "main", name: str = "invoice", year: int = 2026) -> str:
    with sessions_of(url) as sessions, sessions.begin() as session:
        return next_number(session, company=company, name=name, year=year, pattern=PATTERN)


def test_numbers_count_up_per_company_kind_and_year(database_url):
    assert [take(database_url) for _ in range(3)] == [
        "INV-2026-000001",
        "INV-2026-000002",
        "INV-2026-000003",
    ]
    assert take(database_url, year=2027) == "INV-2027-000001"
    assert take(database_url, name="credit_memo") == "INV-2026-000001"
    assert take(database_url, company="second") == "INV-2026-000001"
    assert take(database_url) == "INV-2026-000004"


def test_a_rolled_back_document_gives_its_number_back(database_url):
    assert take(database_url) == "INV-2026-000001"
    with sessions_of(database_url) as sessions, sessions() as session, session.begin():
        taken = next_number(session, company="main", name="invoice", year=2026, pattern=PATTERN)
        assert taken == "INV-2026-000002"
        session.rollback()
    assert take(database_url) == "INV-2026-000002"


def _issue_many(url: str, worker: int, count: int, out: multiprocessing.Queue) -> None:
    """One process: ``count`` transactions, each taking a number; about one in four rolls back
    (a refused document), the rest commit and record the number they used."""
    rng = random.Random(worker)
    kept = []
    with sessions_of(url) as sessions:
        for _ in range(count):
            with sessions() as session, session.begin():
                number = next_number(
                    session, company="main", name="invoice", year=2026, pattern=PATTERN
                )
                if rng.random() < 0.25:
                    session.rollback()
                    continue
                kept.append(number)
    out.put(kept)


@pytest.mark.postgres
def test_eight_concurrent_processes_get_gap_free_unique_numbers_on_postgres(postgres_url):
    from ledger.migrate import upgrade

    upgrade(postgres_url)
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_issue_many, args=(postgres_url, n, 30, out)) for n in range(8)]
    for proc in procs:
        proc.start()
    numbers = [number for _ in procs for number in out.get(timeout=120)]
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0
    assert len(numbers) == len(set(numbers))  # never twice
    seqs = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert seqs == list(range(1, len(seqs) + 1))  # no gap: rolled-back numbers were reused
    assert 8 * 30 * 0.6 < len(seqs) < 8 * 30  # some rolled back, most kept
    with sessions_of(postgres_url) as sessions, sessions() as session:
        (next_value,) = session.scalars(select(m.NumberSequence.next_value)).all()
    assert next_value == len(seqs) + 1


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("INV-{year}", "has no {seq}"),
        ("INV-{seq}-{month}", "names ['month']"),
        ("INV {seq}", "a number is letters, digits"),
        ("INV-{seq:06q}", "cannot be filled in"),
        ("INV-{seq", "is no pattern"),
    ],
)
def test_a_pattern_that_cannot_number_documents_is_refused(pattern, why):
    with pytest.raises(ValueError) as refused:
        check_pattern(pattern)
    assert why in str(refused.value)


def test_tax_rates_are_percentages():
    assert tax_rates("19, 7,0") == {19, 7, 0}
    assert tax_rates(" ") is None
    for bad in ("19,x", "101", "-1", "NaN"):
        with pytest.raises(ValueError):
            tax_rates(bad)
