"""Benchmark of ``arbox import invoices``: N generated rows into a fresh SQLite database.

Usage: ``python bench/import_invoices.py [--rows 100000] [--customers 5000]``. Prints the
time to import and the rows per second; also re-imports the same file (the all-unchanged
path) and a variant in which every tenth balance changed (the update path); then the peak
RSS of the process. ``--fresh-only`` stops after the first import.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from ledger.import_rows import ALL_COLUMNS
from ledger.imports import ImportSummary, import_invoices
from ledger.migrate import upgrade
from ledger.session import make_engine, make_sessionmaker

HEADER = ALL_COLUMNS


def write_ledger(path: Path, *, rows: int, customers: int, seed: int, paid_every: int = 0) -> None:
    """A CSV of ``rows`` invoices spread over ``customers``; deterministic for ``seed``."""
    rng = random.Random(seed)
    start = date(2025, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for n in range(1, rows + 1):
            c = rng.randrange(1, customers + 1)
            issued = start + timedelta(days=rng.randrange(365))
            amount = Decimal(rng.randrange(100, 5_000_000)).scaleb(-2)
            balance = Decimal("0.00") if paid_every and n % paid_every == 0 else amount
            writer.writerow(
                (
                    f"INV-{n:07d}",
                    f"C{c:05d}",
                    f"Customer {c}",
                    f"ap@c{c}.example",
                    issued.isoformat(),
                    (issued + timedelta(days=30)).isoformat(),
                    amount,
                    balance,
                    "USD",
                    "Net 30",
                )
            )


def timed_import(url: str, path: Path) -> tuple[ImportSummary, float]:
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    started = time.perf_counter()
    with sessions.begin() as session:
        summary = import_invoices(session, path, default_currency="USD", now=datetime.now(UTC))
    elapsed = time.perf_counter() - started
    engine.dispose()
    return summary, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=5_000)
    parser.add_argument("--fresh-only", action="store_true", help="only the first import")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        url = f"sqlite:///{work / 'bench.db'}"
        upgrade(url)
        first, changed = work / "ledger.csv", work / "ledger-changed.csv"
        write_ledger(first, rows=args.rows, customers=args.customers, seed=1)
        write_ledger(changed, rows=args.rows, customers=args.customers, seed=1, paid_every=10)
        passes = [("fresh", first), ("same again", first), ("10% changed", changed)]
        for label, path in passes[:1] if args.fresh_only else passes:
            cpu = time.process_time()
            summary, elapsed = timed_import(url, path)
            cpu = time.process_time() - cpu
            print(
                f"{label:>12}: {summary.rows} rows in {elapsed:.2f} s, CPU {cpu:.2f} s "
                f"({summary.rows / elapsed:,.0f} rows/s); created {summary.invoices_created}, "
                f"updated {summary.invoices_updated}, unchanged {summary.invoices_unchanged}, "
                f"customers {summary.customers_created}, contacts {summary.contacts_added}"
            )
    # Linux reports ru_maxrss in KiB.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
