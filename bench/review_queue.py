"""Benchmark of the review app's busiest pages: ``/queue`` (unfiltered, filtered by kind,
text search, sorted by amount) and ``/dashboard`` with N open review items (default 1,000,
10,000 and 50,000), each on a remittance line of its own mail, over SQLite.

Usage: ``python bench/review_queue.py [--sizes 1000,10000,50000] [--runs 7]``. Requests go
through Starlette's TestClient signed in as a clerk (the whole app: middleware, auth, SQL,
template), so the time is what a page costs the server, without the network. Prints the
median wall-clock and CPU time (the app and SQLite run in this process; CPU time hardly
depends on what else the machine runs), the worst of the runs per page and size, and each
median as a ratio to the applications page of the same run (no applications: the session
check, one empty query and a template), which absorbs the noise of a loaded machine.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.config import Settings
from ledger.auth import add_user
from ledger.migrate import upgrade
from ledger.models import (
    Customer,
    InboundMessage,
    Remittance,
    RemittanceLine,
    ReviewItem,
)
from ledger.session import make_engine, make_sessionmaker

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
KINDS = ("remittance_line", "overpayment", "unknown_sender", "ambiguous", "short_pay")
PAGES = {
    "applications (baseline)": "/applications",
    "queue": "/queue",
    "queue ?kind=overpayment": "/queue?kind=overpayment",
    "queue ?q=INV-000123": "/queue?q=INV-000123",
    "queue ?sort=amount_desc": "/queue?sort=amount_desc",
    "dashboard": "/dashboard",
}


def seed(url: str, n: int) -> None:
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as s:
        customers = [
            {"number": f"C{i:05d}", "name": f"Customer {i} Inc", "created_at": NOW}
            for i in range(max(n // 20, 1))
        ]
        s.execute(insert(Customer), customers)
        ids = list(s.scalars(select(Customer.id).order_by(Customer.id)))
        s.execute(
            insert(InboundMessage),
            [
                {
                    "message_id": f"<m{i}@bench.example>",
                    "sha256": f"{i:064x}",
                    "raw": b"",
                    "size": 0,
                    "source": "file",
                    "status": "review",
                    "from_address": f"ap{i % 97}@payer.example",
                    "subject": f"Payment {i}",
                    "customer_id": ids[i % len(ids)],
                    "received_at": NOW - timedelta(hours=i % 500),
                }
                for i in range(n)
            ],
        )
        inbound = list(s.scalars(select(InboundMessage.id).order_by(InboundMessage.id)))
        s.execute(
            insert(Remittance),
            [
                {
                    "inbound_id": inbound[i],
                    "customer_id": ids[i % len(ids)],
                    "source": "body",
                    "currency": "USD",
                    "lines_total": Decimal(f"{(i * 37) % 100000}.{i % 100:02d}"),
                    "payer_name": f"Payer {i % 311} Holdings",
                    "created_at": NOW,
                }
                for i in range(n)
            ],
        )
        rems = list(s.scalars(select(Remittance.id).order_by(Remittance.id)))
        s.execute(
            insert(RemittanceLine),
            [
                {
                    "remittance_id": rems[i],
                    "line_no": 1,
                    "invoice_ref": f"INV-{i:06d}",
                    "amount": Decimal(f"{(i * 37) % 100000}.{i % 100:02d}"),
                    "outcome": "review",
                    "confidence": Decimal("0.500"),
                    "reason": "bench",
                }
                for i in range(n)
            ],
        )
        lines = list(s.scalars(select(RemittanceLine.id).order_by(RemittanceLine.id)))
        s.execute(
            insert(ReviewItem),
            [
                {
                    "key": f"bench:{i}",
                    "kind": KINDS[i % len(KINDS)],
                    "status": "open",
                    "inbound_id": inbound[i],
                    "remittance_line_id": lines[i],
                    "customer_id": ids[i % len(ids)],
                    "reason": f"no invoice matches INV-{i:06d}",
                    "candidates": [{"invoice_number": f"INV-{i + 1:06d}", "score": "0.870"}],
                    "created_at": NOW - timedelta(hours=i % 500),
                }
                for i in range(n)
            ],
        )
        add_user(s, username="clara", role="clerk", password="bench-pw", actor="bench", now=NOW)
    engine.dispose()


def measure(
    url: str, workdir: Path, runs: int
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Wall-clock and CPU seconds (this process: the app and SQLite run in it) per page."""
    from starlette.testclient import TestClient

    from review.app import create_app

    settings = Settings(database_url=url, data_dir=workdir / "data")
    app = create_app(settings, clock=lambda: NOW)
    times: dict[str, list[float]] = {name: [] for name in PAGES}
    cpu: dict[str, list[float]] = {name: [] for name in PAGES}
    with TestClient(app, base_url="http://127.0.0.1", follow_redirects=False) as c:
        token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
        c.post("/login", data={"username": "clara", "password": "bench-pw", "csrf_token": token})
        for path in PAGES.values():  # warm up: templates compiled, statements cached
            assert c.get(path).status_code == 200, path
        for _ in range(runs):
            for name, path in PAGES.items():
                started, started_cpu = time.perf_counter(), time.process_time()
                response = c.get(path)
                times[name].append(time.perf_counter() - started)
                cpu[name].append(time.process_time() - started_cpu)
                assert response.status_code == 200, path
    app.state.sessions.kw["bind"].dispose()
    return times, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    for n in (int(x) for x in args.sizes.split(",")):
        workdir = Path(tempfile.mkdtemp(prefix="arbox-bench-review-"))
        try:
            url = f"sqlite:///{workdir / 'ledger.db'}"
            upgrade(url)
            started = time.perf_counter()
            seed(url, n)
            print(f"\n{n:,} open review items (seeded in {time.perf_counter() - started:.1f} s)")
            times, cpu = measure(url, workdir, args.runs)
            base = statistics.median(times["applications (baseline)"])
            for name, values in times.items():
                median = statistics.median(values)
                print(
                    f"  {name:<26} median {median * 1000:7.1f} ms (CPU "
                    f"{statistics.median(cpu[name]) * 1000:6.1f} ms)  worst "
                    f"{max(values) * 1000:7.1f} ms  ({median / base:5.1f}x baseline)"
                )
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
