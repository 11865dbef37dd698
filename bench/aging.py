"""Benchmark of ``arbox report aging`` on 1 M invoices, on SQLite and on PostgreSQL.

Usage: ``python bench/aging.py [--rows 1000000] [--customers 5000] [--applications 100000]
[--runs 3] [--db sqlite,postgres] [--cache DIR]``.

The ledger is ``bench/import_invoices.py``'s generator (a third of the invoices imported as
paid), loaded into SQLite with the real importer; then ``--applications`` applications of cash dated
through the year are inserted for paid invoices, and a tenth of them marked reversed, so that
aging as of a past date has applications and reversals to roll back. PostgreSQL (Debian's,
started on 127.0.0.1 in a temporary directory as the tests start it, ``tests/servers.py``)
gets a ledger of the same shape generated in SQL (see :func:`load_postgres`).
With ``--cache DIR`` the SQLite database is kept there and reused.

Per database it prints the median wall and CPU time of ``--runs`` runs (after one warm-up;
CPU is this process's for SQLite, the server backend's for PostgreSQL, run without parallel
workers so that one backend does all of it) of: baselines
``SELECT count(*)`` and ``SELECT sum(balance)`` over the invoices (how loaded the machine
is right now), the aging as of the
end of the data (nothing to roll back), and the aging as of mid-year (every later application
and reversal rolled back); and the aging's ratio to a ``SELECT sum(balance)`` over the
invoices, measured in the same run. The goal is < 10 s each.
"""

# ruff: noqa: E402
from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from sqlalchemy import func, insert, select, text

from ledger.migrate import upgrade
from ledger.models import Application, InboundMessage, Invoice, Remittance, RemittanceLine
from ledger.reports.aging import aging_report
from ledger.session import make_engine, make_sessionmaker

NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
LATE = date(2026, 1, 31)  # after all the data
MID = date(2025, 7, 1)


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("bench_import", BENCH / "import_invoices.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load(url: str, work: Path, *, rows: int, customers: int, applications: int) -> float:
    """Migrate ``url`` and load the ledger; returns the seconds it took."""
    started = time.perf_counter()
    upgrade(url)
    csv_path = work / f"aging-{rows}.csv"
    if not csv_path.exists():
        _generator().write_ledger(csv_path, rows=rows, customers=customers, seed=8, paid_every=3)
    _generator().timed_import(url, csv_path)
    engine = make_engine(url)
    with make_sessionmaker(engine).begin() as session:
        inbound = session.execute(
            insert(InboundMessage)
            .values(message_id="<bench@payer.example>", sha256="0" * 64, raw=b"", size=0,
                    source="file", status="applied", received_at=NOW)
            .returning(InboundMessage.id)
        ).scalar_one()  # fmt: skip
        rem = session.execute(
            insert(Remittance)
            .values(inbound_id=inbound, source="body", currency="USD",
                    lines_total=Decimal("0.00"), created_at=NOW)
            .returning(Remittance.id)
        ).scalar_one()  # fmt: skip
        line = session.execute(
            insert(RemittanceLine)
            .values(remittance_id=rem, line_no=1, amount=Decimal("0.00"), outcome="auto",
                    confidence=Decimal("1.000"), reason="bench")
            .returning(RemittanceLine.id)
        ).scalar_one()  # fmt: skip
        paid = session.execute(
            select(Invoice.id, Invoice.amount, Invoice.issue_date)
            .where(Invoice.status == "paid")
            .order_by(Invoice.id)
            .limit(applications)
        ).all()
        batch: list[dict[str, Any]] = []
        for n, (invoice_id, amount, issued) in enumerate(paid):
            applied = datetime.combine(issued + timedelta(days=20), datetime.min.time(), UTC)
            batch.append(
                {"remittance_line_id": line, "invoice_id": invoice_id, "amount": amount,
                 "discount": Decimal("0.00"), "deduction": Decimal("0.00"), "currency": "USD",
                 "status": "auto", "confidence": Decimal("1.000"), "reasons": "bench",
                 "applied_by": "worker", "applied_at": applied,
                 "reversed_at": applied + timedelta(days=5) if n % 10 == 0 else None}
            )  # fmt: skip
            if len(batch) == 10_000:
                session.execute(insert(Application), batch)
                batch = []
        if batch:
            session.execute(insert(Application), batch)
        # the reversed ones are open again (their balance came back), as unapply leaves them
        reversed_ids = select(Application.invoice_id).where(Application.reversed_at.is_not(None))
        session.execute(
            Invoice.__table__.update()  # type: ignore[attr-defined]
            .where(Invoice.id.in_(reversed_ids))
            .values(balance=Invoice.amount, status="open")
        )
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    engine.dispose()
    return time.perf_counter() - started


def load_postgres(url: str, *, rows: int, customers: int, applications: int) -> float:
    """Migrate ``url`` and generate a ledger of the same shape in SQL (``generate_series``):
    ``rows`` invoices over ``customers`` issued through 2025, every third paid, and
    ``applications`` applications (a tenth reversed) as :func:`load` makes them. The importer
    writes about 56 k rows/s to PostgreSQL on a quiet machine; on a loaded one a million rows
    through it took hours, which measures the importer, not the aging."""
    started = time.perf_counter()
    upgrade(url)
    engine = make_engine(url)
    statements = [
        "SELECT setseed(0.42)",
        "INSERT INTO customers (id, number, name, created_at) SELECT g, 'C' || lpad(g::text, 5, "
        "'0'), 'Customer ' || g, now() FROM generate_series(1, :customers) g",
        "INSERT INTO invoices (number, ref_key, customer_id, issue_date, due_date, amount, "
        "balance, currency, terms, status, created_at, updated_at) "
        "SELECT 'INV-' || lpad(g::text, 7, '0'), lpad(g::text, 7, '0'), c, d, d + 30, a, "
        "CASE WHEN g % 3 = 0 THEN 0 ELSE a END, 'USD', 'Net 30', "
        "CASE WHEN g % 3 = 0 THEN 'paid' ELSE 'open' END, now(), now() FROM ("
        "SELECT g, 1 + floor(random() * :customers)::int AS c, "
        "date '2025-01-01' + floor(random() * 365)::int AS d, "
        "((100 + floor(random() * 4999900))::numeric / 100)::numeric(14, 2) AS a "
        "FROM generate_series(1, :rows) g) s",
        "INSERT INTO inbound_messages (id, message_id, sha256, raw, size, source, status, "
        "attempts, received_at) VALUES (1, '<bench@payer.example>', repeat('0', 64), '', 0, "
        "'file', 'applied', 0, now())",
        "INSERT INTO remittances (id, inbound_id, source, currency, lines_total, created_at) "
        "VALUES (1, 1, 'body', 'USD', 0, now())",
        "INSERT INTO remittance_lines (id, remittance_id, line_no, amount, outcome, confidence, "
        "reason) VALUES (1, 1, 1, 0, 'auto', 1, 'bench')",
        "INSERT INTO applications (remittance_line_id, invoice_id, amount, discount, deduction, "
        "currency, status, confidence, reasons, applied_by, applied_at, reversed_at) "
        "SELECT 1, id, amount, 0, 0, 'USD', 'auto', 1, 'bench', 'worker', t, "
        "CASE WHEN n % 10 = 1 THEN t + interval '5 days' END FROM ("
        "SELECT id, amount, (issue_date + 20)::timestamptz AS t, row_number() OVER (ORDER BY id)"
        " AS n FROM invoices WHERE status = 'paid' ORDER BY id LIMIT :applications) p",
        "UPDATE invoices SET balance = amount, status = 'open' WHERE id IN (SELECT invoice_id "
        "FROM applications WHERE reversed_at IS NOT NULL)",
    ]
    params = {"rows": rows, "customers": customers, "applications": applications}
    with engine.begin() as conn:
        conn.execute(text("SET TIME ZONE 'UTC'"))
        for statement in statements:
            conn.execute(text(statement), params)
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    engine.dispose()
    return time.perf_counter() - started


def median_of(
    runs: int, fn: Callable[[], object], cpu: Callable[[], float]
) -> tuple[float, float, object]:
    """Median wall and CPU seconds of ``runs`` calls of ``fn`` after one warm-up call."""
    fn()  # warm-up: caches, statement compilation
    walls, cpus, result = [], [], None
    for _ in range(runs):
        started, used = time.perf_counter(), cpu()
        result = fn()
        walls.append(time.perf_counter() - started)
        cpus.append(cpu() - used)
    return statistics.median(walls), statistics.median(cpus), result


def _backend_cpu(pid: int) -> Callable[[], float]:
    """CPU seconds used so far by the PostgreSQL backend ``pid`` (its /proc stat)."""
    ticks = os.sysconf("SC_CLK_TCK")

    def read() -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / ticks

    return read


def measure(name: str, url: str, runs: int) -> None:
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        count = session.execute(select(func.count()).select_from(Invoice)).scalar_one()
        apps = session.execute(select(func.count()).select_from(Application)).scalar_one()
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SET max_parallel_workers_per_gather = 0"))  # CPU in one backend
            cpu = _backend_cpu(session.execute(text("SELECT pg_backend_pid()")).scalar_one())
            where = "backend CPU"
        else:
            cpu, where = time.process_time, "CPU"  # SQLite runs in this process

        def counted() -> object:
            return session.execute(select(func.count()).select_from(Invoice)).scalar_one()

        def summed() -> object:  # a full scan of one column: the aging's floor
            return session.execute(select(func.sum(Invoice.balance))).scalar_one()

        counting, _, _ = median_of(runs, counted, cpu)
        base, base_cpu, _ = median_of(runs, summed, cpu)
        print(f"{name}: {count:,} invoices, {apps:,} applications; medians of {runs} runs")
        print(
            f"  baseline SELECT count(*): {counting:.3f} s; SELECT sum(balance): {base:.3f} s "
            f"({where} {base_cpu:.2f} s)"
        )
        for label, day in (("as of the end of the data", LATE), ("as of mid-year", MID)):
            wall, used, report = median_of(
                runs, lambda day=day: aging_report(session, as_of=day), cpu
            )
            total = report.total_for("USD")  # type: ignore[attr-defined]
            print(
                f"  aging {label} ({day}): {wall:.2f} s ({wall / base:.1f}x sum(balance)), "
                f"{where} {used:.2f} s; {len(report.rows):,} customers, "  # type: ignore[attr-defined]
                f"total {total.total:,.2f} USD"
            )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=5_000)
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--cache", type=Path, help="keep and reuse the SQLite database here")
    args = parser.parse_args()
    wanted = args.db.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        work = args.cache or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        sizes = {"rows": args.rows, "customers": args.customers, "applications": args.applications}
        if "sqlite" in wanted:
            db = work / f"aging-{args.rows}-{args.applications}.db"
            done = db.with_suffix(".done")
            if not (args.cache and done.exists()):
                db.unlink(missing_ok=True)
                seconds = load(f"sqlite:///{db}", work, **sizes)
                done.touch()
                print(f"SQLite: ledger loaded in {seconds:.0f} s")
            else:
                upgrade(f"sqlite:///{db}")  # a cache from before a new migration
            measure("SQLite", f"sqlite:///{db}", args.runs)
        if "postgres" in wanted:
            from tests.servers import start_postgres

            pg_dir = Path(tempfile.mkdtemp(prefix="arbox-bench-pg-"))
            server = start_postgres(pg_dir)
            try:
                url = server.create_database("aging")
                seconds = load_postgres(url, **sizes)
                print(f"PostgreSQL: ledger generated in SQL in {seconds:.0f} s")
                measure("PostgreSQL", url, args.runs)
            finally:
                server.stop()
                shutil.rmtree(pg_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
