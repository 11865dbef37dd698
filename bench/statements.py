"""Benchmark of a statement run: statements for N customers (default 10,000, about five open
items each, some credit memos and unapplied cash) rendered to PDF, composed and written to the
outbox, one transaction per customer, in dry run (nothing is sent).

Usage: ``python bench/statements.py [--customers 10000] [--runs 3] [--workers N]`` (default:
one worker process per CPU, as ``arbox statements send --workers``). The ledger is generated
and loaded with ``ledger.imports`` once; each run starts from a copy of it in a fresh child
process, so the peak RSS reported is the statement run's own (``ru_maxrss``), not the
import's. Prints each run and the median; the goal is < 60 s and < 500 MB. A smaller run
(a tenth of the customers) is measured too: a streamed run's peak memory hardly grows with
the number of customers.

Customer names are in nine scripts in turn (Polish, Czech, Hungarian, Turkish, Greek,
Russian, Japanese, Chinese, Arabic) and our own name is ``Zakład Ćma Sp. z o.o.``, so the run
embeds font subsets of DejaVu Sans and Droid Sans Fallback and shapes Arabic, as a run for
customers abroad does.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import event, func, insert, select

from core.config import Settings
from ledger.import_rows import ALL_COLUMNS
from ledger.imports import import_invoices
from ledger.migrate import upgrade
from ledger.models import Customer, OutboxMessage, UnappliedCash
from ledger.session import make_engine, make_sessionmaker

AS_OF = date(2026, 12, 1)
HEADER = ALL_COLUMNS
#: Customer names in turn: the nine scripts of issue 21 (Latin ones with their diacritics).
NAMES = (
    "Łódź Gdańsk Sp. z o.o.",
    "Příliš Žluťoučký Kůň s.r.o.",
    "Árvíztűrő Tükörfúrógép Kft.",
    "Çağrı İşçi Ağaç A.Ş.",
    "Ελληνική Εταιρεία ΑΕ",
    "ООО «Тестовая компания»",
    "株式会社テスト商事",
    "北京测试贸易有限公司",
    "شركة الاختبار للتجارة",
)


def write_ledger(path: Path, *, customers: int, seed: int = 6) -> int:
    """About five open items per customer (3–7), a credit memo for every tenth; returns rows."""
    rng = random.Random(seed)
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for c in range(1, customers + 1):
            email = f"ap@c{c}.example" if c % 50 else ""  # every 50th has no contact
            for k in range(rng.randint(3, 7)):
                issued = AS_OF - timedelta(days=rng.randrange(10, 200))
                amount = Decimal(rng.randrange(100, 2_000_000)).scaleb(-2)
                rows += 1
                writer.writerow(
                    (
                        f"INV-{c:05d}-{k}",
                        f"C{c:05d}",
                        f"{NAMES[c % len(NAMES)]} {c}",
                        email,
                        issued.isoformat(),
                        (issued + timedelta(days=30)).isoformat(),
                        amount,
                        amount,
                        "USD",
                        "Net 30",
                    )
                )
            if c % 10 == 0:
                rows += 1
                writer.writerow(
                    (f"CM-{c:05d}", f"C{c:05d}", f"{NAMES[c % len(NAMES)]} {c}", email,
                     "2026-11-15", "2026-11-15", "-25.00", "-25.00", "USD", "")
                )  # fmt: skip
    return rows


def build_ledger(url: str, work: Path, *, customers: int) -> int:
    """A migrated database with the generated ledger and some unapplied cash."""
    upgrade(url)
    csv_path = work / f"ledger-{customers}.csv"
    rows = write_ledger(csv_path, customers=customers)
    engine = make_engine(url)
    now = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
    with make_sessionmaker(engine).begin() as session:
        import_invoices(session, csv_path, default_currency="USD", now=now)
        ids = session.scalars(select(Customer.id).where(Customer.id % 7 == 0)).all()
        session.execute(
            insert(UnappliedCash),
            [
                {"key": f"bench:{cid}", "customer_id": cid, "amount": Decimal("12.50"),
                 "received": Decimal("12.50"), "currency": "USD", "reason": "overpaid",
                 "status": "open", "created_at": now}
                for cid in ids
            ],
        )  # fmt: skip
    engine.dispose()
    return rows


def measure(url: str, workers: int, synchronous: str) -> None:
    """One run from this (fresh) process: print seconds, statements queued and peak RSS (of
    this process, and the largest of the worker processes it started)."""
    from core.logging import configure_logging
    from worker.runs.statements import queue_statements
    from worker.services import Services

    configure_logging("WARNING")

    settings = Settings.from_env(
        {
            "ARBOX_DATABASE_URL": url,
            "ARBOX_AR_ADDRESS": "ar@supplies.example",
            "ARBOX_COMPANY_NAME": "Zakład Ćma Sp. z o.o.",
            "ARBOX_COMPANY_ADDRESS": "1 Harbour Road|Springfield 12345",
            "ARBOX_REMIT_TO": "Example Bank|Account 0012-3456-78",
        }
    )
    svc = Services.from_settings(settings)
    if synchronous != "full":
        # WAL with synchronous=NORMAL: a commit no longer waits for fsync (a power cut may
        # lose the last commits, never corrupt the file). Shows what the per-customer fsync costs.
        event.listen(
            svc.engine,
            "connect",
            lambda conn, _record: conn.execute(f"PRAGMA synchronous={synchronous.upper()}"),
        )
    started = time.perf_counter()
    done = queue_statements(svc, as_of=AS_OF, workers=workers)
    elapsed = time.perf_counter() - started
    # The run's peak, taken before the count below reads the whole outbox back.
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    rss_mb = own.ru_maxrss / 1024
    child_mb = children.ru_maxrss / 1024
    with svc.sessions() as session:
        stored = session.execute(select(func.count(OutboxMessage.id))).scalar_one()
    svc.engine.dispose()
    after_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": elapsed,
                # CPU seconds of this process and of the rendering processes: what the run
                # costs whatever else the machine is doing (wall time on a loaded machine
                # is mostly waiting for a core)
                "cpu_main_s": own.ru_utime + own.ru_stime,
                "cpu_workers_s": children.ru_utime + children.ru_stime,
                "queued": len(done.queued),
                "stored": stored,
                "customers": done.customers,
                "without_contact": len(done.without_contact),
                "rss_mb": rss_mb,
                "child_rss_mb": child_mb,
                "rss_after_count_mb": after_mb,
                # Every process at its peak at once: an upper bound of the run's memory.
                "total_rss_mb": rss_mb + (child_mb * workers if workers > 1 else 0),
            }
        )
    )


def run_child(template: Path, work: Path, workers: int, synchronous: str) -> dict[str, float]:
    db = work / "run.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, db)
    out = subprocess.run(
        [
            sys.executable,
            "-P",  # not bench/ first on the path: bench/matching.py would shadow the package
            __file__,
            "--measure",
            f"sqlite:///{db}",
            "--workers",
            str(workers),
            "--synchronous",
            synchronous,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="processes (default: CPUs)"
    )
    parser.add_argument(
        "--synchronous",
        choices=["full", "normal"],
        default="full",
        help="SQLite synchronous mode of the run (arbox runs with full, the default)",
    )
    parser.add_argument("--measure", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure, args.workers, args.synchronous)
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        small = max(1, args.customers // 10)
        results: dict[int, list[dict[str, float]]] = {}
        for customers, runs in ((small, 1), (args.customers, args.runs)):
            template = work / f"ledger-{customers}.db"
            rows = build_ledger(f"sqlite:///{template}", work, customers=customers)
            results[customers] = []
            for n in range(runs):
                r = run_child(template, work, args.workers, args.synchronous)
                results[customers].append(r)
                print(
                    f"{customers:>6} customers ({rows} invoices), run {n + 1}: "
                    f"{r['queued']:.0f} statements in {r['seconds']:.1f} s "
                    f"({r['queued'] / r['seconds']:,.0f}/s), {r['without_contact']:.0f} without "
                    f"a contact, peak RSS {r['rss_mb']:.0f} MB (+ {r['child_rss_mb']:.0f} MB "
                    f"per worker; all at once ≤ {r['total_rss_mb']:.0f} MB); CPU "
                    f"{r['cpu_main_s']:.1f} s main + {r['cpu_workers_s']:.1f} s rendering "
                    f"({1000 * (r['cpu_main_s'] + r['cpu_workers_s']) / r['queued']:.1f} ms "
                    "a statement)",
                    flush=True,
                )
        big = results[args.customers]
        seconds = statistics.median(r["seconds"] for r in big)
        rss = max(r["total_rss_mb"] for r in big)
        print(
            f"statements: {args.customers} customers, {args.workers} worker(s), SQLite "
            f"synchronous={args.synchronous}, median "
            f"{seconds:.1f} s of {len(big)} run(s) (goal < 60 s), peak RSS ≤ {rss:.0f} MB "
            f"(goal < 500 MB; ≤ {results[small][0]['total_rss_mb']:.0f} MB at {small} customers)"
        )


if __name__ == "__main__":
    main()
