# ruff: noqa: E402
"""The worker's decide step and acknowledgement, in process: CPU per 15-line remittance.

Usage: ``python bench/decide_step.py [--invoices 1000] [--lines 15] [--repeats 200]
[--profile SECONDS]``.

A SQLite file ledger holds one customer with ``--invoices`` open invoices (and a few other
customers); a remittance from its registered contact pays ``--lines`` of them exactly, in
full (issue 18's mail). Timed, each in a transaction rolled back, the CPU of this thread:

- ``decide``: ``worker.inbound.deciding.decide`` (the reads of the invoices named and of the
  customer's open invoices, and ``matching.decide.decide_remittance``);
- ``decide_remittance``: the pure decision alone, on invoices read once;
- ``ack compose``: ``compose_acknowledgement`` (what ``worker.inbound.replies.acknowledge``
  built before issue 18), ``ack as stored`` that and its bytes (``render_for_outbox``), and
  ``ack written directly``: ``outbound.plain_writer.render_acknowledgement``, what it builds
  now, the same bytes.

Prints the median and p90 of each in ms. ``--profile S`` instead runs the decide step in a
loop for S seconds (for ``py-spy record -- python bench/decide_step.py --profile 20``), or
with ``--pure`` the pure decision.
"""

from __future__ import annotations

import sys
from pathlib import Path

#: Run as ``python bench/decide_step.py``, this folder is first on ``sys.path``; it goes.
BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from email.message import EmailMessage

from sqlalchemy import select

from core.config import Settings
from core.types import AckLine, Outcome, Remittance, RemittanceLine
from ledger import models as m
from ledger.imports import import_invoices
from ledger.matching_reads import invoices_by_ref_keys, open_invoices_for_customer
from ledger.migrate import upgrade
from ledger.session import make_engine, make_sessionmaker
from matching.customer import Identified
from matching.decide import MatchPolicy, decide_remittance, line_ref_keys
from outbound.compose import Acknowledgement, compose_acknowledgement
from outbound.outbox import render_for_outbox
from worker.inbound.deciding import decide

try:
    from outbound.plain_writer import render_acknowledgement
except ImportError:  # the code before issue 18's direct writer, measured in the same run
    render_acknowledgement = None  # type: ignore[assignment]
from worker.services import Services

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
HEADER = "invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount"


def write_ledger(path: Path, *, invoices: int, seed: int = 1) -> list[tuple[str, Decimal]]:
    """A CSV of ``invoices`` open invoices of customer C0001 and 50 of each of four others;
    returns C0001's (number, amount)."""
    rng = random.Random(seed)
    rows, ours = [HEADER], []
    for c in range(1, 6):
        for i in range(invoices if c == 1 else 50):
            number = f"INV-{c:02d}{i:05d}"
            amount = Decimal(rng.randint(10_000, 500_000)) / 100
            rows.append(
                f"{number},C{c:04d},Customer {c},ap@c{c}.example,2026-10-01,2026-10-31,{amount}"
            )
            if c == 1:
                ours.append((number, amount))
    path.write_text("\n".join(rows) + "\n")
    return ours


def timed(run: Callable[[], object], repeats: int) -> list[float]:
    """CPU ms of each of ``repeats`` runs, after two untimed ones."""
    for _ in range(2):
        run()
    out = []
    for _ in range(repeats):
        started = time.thread_time()
        run()
        out.append((time.thread_time() - started) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=15)
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--profile", type=float, default=0.0)
    parser.add_argument("--pure", action="store_true", help="--profile decide_remittance alone")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        db = Path(work) / "ledger.db"
        url = f"sqlite:///{db}"
        upgrade(url)
        ours = write_ledger(Path(work) / "ledger.csv", invoices=args.invoices)
        engine = make_engine(url)
        sessions = make_sessionmaker(engine)
        with sessions.begin() as session:
            import_invoices(session, Path(work) / "ledger.csv", default_currency="USD", now=NOW)
        settings = Settings(database_url=url, ar_address="ar@arbox.example")
        svc = Services(
            settings=settings, engine=engine, sessions=sessions, mailer=None, policy=MatchPolicy()
        )
        paid = random.Random(2).sample(ours, args.lines)
        lines = tuple(
            RemittanceLine(invoice_ref=number, amount=amount, source="pdf")
            for number, amount in paid
        )
        remittance = Remittance(
            lines=lines,
            stated_total=sum((a for _, a in paid), start=Decimal(0)),
            currency="USD",
        )
        keys = {key for line in lines for key in line_ref_keys(line)}
        with sessions() as session:
            customer_id = session.scalar(select(m.Customer.id).where(m.Customer.number == "C0001"))
        identified = Identified(customer_id, "contact", "sender is a registered contact")

        def decide_step() -> object:
            with sessions() as session:
                session.begin()
                row = m.InboundMessage(id=0, received_at=NOW, customer_id=customer_id)
                decision = decide(session, row, remittance, keys, identified, svc=svc)
                session.rollback()
            assert all(d.outcome is Outcome.AUTO for d in decision.lines), decision
            return decision

        with sessions() as session:
            by_key = invoices_by_ref_keys(session, keys)
            customer_open = list(open_invoices_for_customer(session, customer_id))

        def pure() -> object:
            return decide_remittance(
                remittance,
                customer_id=customer_id,
                invoices_by_key=by_key,
                customer_open=customer_open,
                policy=svc.policy,
                paid_on=NOW.date(),
            )

        if args.profile:
            stop = time.monotonic() + args.profile
            while time.monotonic() < stop:
                (pure if args.pure else decide_step)()
            return
        applied = [
            AckLine(invoice_number=n, reference=n, amount=a, remaining=Decimal("0.00"))
            for n, a in paid
        ]

        def compose() -> EmailMessage:
            return compose_acknowledgement(
                Acknowledgement(
                    customer_name="Customer 1", currency="USD", applied=tuple(applied), in_review=()
                ),
                sender="ar@arbox.example",
                company_name="Arbox Demo Ltd",
                to="ap@c1.example",
                subject="Remittance advice 7",
                in_reply_to="<e2e-7@c1.example>",
                references=None,
                message_id="<arbox.0123456789abcdef@arbox.example>",
                now=NOW,
            )

        runs: dict[str, Callable[[], object]] = {
            "decide": decide_step,
            "decide_remittance": pure,
            "ack compose": compose,
            "ack as stored": lambda: render_for_outbox(compose()),
        }
        if render_acknowledgement is not None:  # absent before issue 18's direct writer
            runs["ack written directly"] = lambda: render_acknowledgement(
                Acknowledgement(
                    customer_name="Customer 1", currency="USD", applied=tuple(applied), in_review=()
                ),
                sender="ar@arbox.example",
                company_name="Arbox Demo Ltd",
                to="ap@c1.example",
                subject="Remittance advice 7",
                in_reply_to="<e2e-7@c1.example>",
                references=None,
                message_id="<arbox.0123456789abcdef@arbox.example>",
                now=NOW,
            )
        for name, run in runs.items():
            ms = sorted(timed(run, args.repeats))
            p90 = ms[int(len(ms) * 0.9)]
            print(f"{name:18} CPU ms median {statistics.median(ms):7.3f}  p90 {p90:7.3f}")


if __name__ == "__main__":
    main()
