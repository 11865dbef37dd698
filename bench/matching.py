# long: one benchmark script (ledger sizes, line classes, timing, checks) printing one report.
"""Benchmark of matching: one remittance line against 10 k, 100 k and 1 M open invoices.

Usage: ``python bench/matching.py [--sizes 10000,100000,1000000] [--lines 2000]
[--repeats 2] [--payments 50] [--cache DIR]``.

For each size N, a SQLite file database of N open invoices over N/200 customers (so a
customer has ~200 open invoices) is imported with :func:`ledger.imports.import_invoices`, in
a child process that reports the import's time and peak RSS (the 1 M import is the issue's
"import of 1 M invoices"). With ``--cache DIR`` the databases are kept there and reused.

Then, per line, the worker's decision path is timed as ``worker.inbound.process._route``
runs it before posting anything (mail parsing excluded): ``customer_by_email``, the
identification of an unknown sender (``worker.inbound.deciding.identify``: rules, invoices
referenced, sender domain, payer name), ``lock_invoices`` and ``worker.inbound.deciding.decide``
(``invoices_by_ref_keys``, ``open_invoices_for_customer``, the invoices un-applied before,
``decide_remittance``); each line in its own transaction, rolled back. The lines are a mix:
``exact`` (a contact pays an invoice by its number), ``typo`` (the number with an OCR
confusion, O for 0 and the like), ``unknown ref`` (a number no invoice has) and ``unknown
sender`` (a bank's address, the payer's name, the exact number) and ``other payer`` (a bank's
address, an AP platform's name that is no customer's, the exact number: the payer name is
ranked against every customer's name, where a payer's own name only confirms the customer its
invoices name). Every size is run
``--repeats`` times, interleaved after one untimed warm-up pass, and each line counts at the
median of its repeats; the report is p50/p99 per line per N and per class. Every decision is
checked against the one expected for its class.

Last, ``matching.combos.find_combinations`` is timed on payments without references against
a customer with 200 and with 30 open invoices.
"""

# ruff: noqa: E402
from __future__ import annotations

import sys
from pathlib import Path

#: Run as ``python bench/matching.py``, this folder is first on ``sys.path`` and this file's
#: name would hide the ``matching`` package: the folder goes.
BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]

import argparse
import json
import random
import resource
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.config import Settings
from core.logging import configure_logging
from core.types import Outcome, ParsedEmail, Remittance, RemittanceLine
from ledger import models as m
from ledger.matching_reads import (
    customer_by_email,
    lock_invoices,
)
from ledger.migrate import upgrade
from ledger.rules import with_ref_prefixes
from ledger.session import make_engine, make_sessionmaker
from matching.combos import DEFAULT_STEP_BUDGET, Item, find_combinations
from matching.decide import MatchPolicy, RemittanceDecision, line_ref_keys
from worker.inbound.deciding import decide as decide_path
from worker.inbound.deciding import identify
from worker.inbound.sender_check import mail_sender
from worker.services import Services

#: Open invoices per customer, on average.
INVOICES_PER_CUSTOMER = 200
CLASSES = ("exact", "typo", "unknown ref", "unknown sender", "other payer")
#: What a bank's remittance comes from: a sender that is nobody's contact or domain.
BANK_SENDER = "remittance@bank.example"
#: The payer an ``other payer`` line names: an AP platform paying for the customer, whose
#: name is no customer's (so it is ranked against every customer's name, and names nobody).
#: Without its legal form it is as long as ``1234 customer``: rapidfuzz cannot skip a name
#: for its length.
OTHER_PAYER = "Northwind Pay Ltd"
#: OCR confusions a typo line makes: digit -> the letter read for it.
OCR_TYPOS = {"0": "O", "1": "l", "5": "S", "8": "B"}
PAID_ON = date(2025, 6, 1)


@dataclass(frozen=True, slots=True)
class Case:
    """One remittance line to decide, its sender, and the decision expected."""

    kind: str
    sender: str
    remittance: Remittance
    expected: Outcome
    expected_invoice: str | None


@dataclass(frozen=True, slots=True)
class Built:
    """A ledger database and what importing it cost (None when it came from the cache)."""

    url: str
    rows: int
    seconds: float | None
    cpu_seconds: float | None
    peak_rss_mb: float | None


def peak_rss_mb() -> float:
    """This process's peak resident set size in MiB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the ledger ---------------------------------------------------------------------------


def _import_invoices_module():  # type: ignore[no-untyped-def]
    """``bench/import_invoices.py``, whose ledger generator and timed import are reused."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "bench_import_invoices", BENCH / "import_invoices.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_ledger(db: Path, *, rows: int, seed: int = 1) -> dict[str, float]:
    """Create ``db`` (migrated) with ``rows`` open invoices over rows/200 customers; returns
    the import's seconds and this process's peak RSS."""
    bench = _import_invoices_module()
    csv_path = db.with_suffix(".csv")
    customers = max(1, rows // INVOICES_PER_CUSTOMER)
    bench.write_ledger(csv_path, rows=rows, customers=customers, seed=seed)
    url = f"sqlite:///{db}"
    upgrade(url)
    cpu = time.process_time()
    summary, seconds = bench.timed_import(url, csv_path)
    cpu = time.process_time() - cpu
    csv_path.unlink()
    assert summary.invoices_created == rows, summary
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": peak_rss_mb()}


def ledger_db(directory: Path, rows: int, *, fresh: bool) -> Built:
    """The database of ``rows`` invoices in ``directory``, imported in a child process
    unless a complete one is there already and ``fresh`` is False."""
    db = directory / f"ledger-{rows}.db"
    done = db.with_suffix(".done")
    url = f"sqlite:///{db}"
    if done.exists() and not fresh:
        upgrade(url)  # a cache from before a new migration
        return Built(url=url, rows=rows, seconds=None, cpu_seconds=None, peak_rss_mb=None)
    for stale in (db, done, db.with_suffix(".db-wal"), db.with_suffix(".db-shm")):
        stale.unlink(missing_ok=True)
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--build", str(db), "--rows", str(rows)],
        check=True,
        capture_output=True,
        text=True,
        cwd=BENCH.parent,
    ).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    done.write_text(out)
    return Built(url, rows, figures["seconds"], figures["cpu_seconds"], figures["peak_rss_mb"])


# --- the lines ----------------------------------------------------------------------------


def _ocr_typo(number: str, rng: random.Random) -> str | None:
    """``number`` with one digit of its significant part read as a letter, or None."""
    prefix, _, digits = number.rpartition("-")
    significant = digits.lstrip("0")
    lead = len(digits) - len(significant)
    spots = [i for i, c in enumerate(significant) if c in OCR_TYPOS]
    if not spots:
        return None
    i = rng.choice(spots)
    typo = significant[:i] + OCR_TYPOS[significant[i]] + significant[i + 1 :]
    return f"{prefix}-{digits[:lead]}{typo}"


def make_cases(session: Session, *, rows: int, lines: int, seed: int = 7) -> list[Case]:
    """``lines`` cases, the classes in turn, on invoices drawn at random from the ledger."""
    rng = random.Random(seed)
    ids = rng.sample(range(1, rows + 1), min(rows, lines * 2))
    found = session.execute(
        select(m.Invoice.id, m.Invoice.number, m.Invoice.balance, m.Customer.name, m.Contact.email)
        .join(m.Customer, m.Customer.id == m.Invoice.customer_id)
        .join(m.Contact, m.Contact.customer_id == m.Customer.id)
        .where(m.Invoice.id.in_(ids))
    ).all()
    by_id = {r[0]: r[1:] for r in found}
    cases: list[Case] = []
    for invoice_id in ids:
        if len(cases) == lines:
            break
        number, balance, name, email = by_id[invoice_id]
        kind = CLASSES[len(cases) % len(CLASSES)]
        expected: Outcome = Outcome.AUTO
        invoice: str | None = number
        sender, payer, ref = email, None, number
        if kind == "typo":
            ref = _ocr_typo(number, rng)
            if ref is None:
                continue
        elif kind == "unknown ref":
            ref = f"INV-{rows * 10 + len(cases):08d}"
            expected, invoice = Outcome.REVIEW, None
        elif kind == "unknown sender":
            sender, payer = BANK_SENDER, name
        elif kind == "other payer":
            sender, payer = BANK_SENDER, OTHER_PAYER
        line = RemittanceLine(invoice_ref=ref, amount=balance, source="body")
        remittance = Remittance(
            lines=(line,), stated_total=balance, payer_name=payer, payment_date=PAID_ON
        )
        cases.append(Case(kind, sender, remittance, expected, invoice))
    return cases


# --- the decision path --------------------------------------------------------------------


def _parsed(sender: str) -> ParsedEmail:
    return ParsedEmail(
        message_id=None,
        subject="Remittance advice",
        from_address=sender,
        from_name="",
        reply_to=None,
        return_path=None,
        date=None,
        headers=(),
        text="",
        html_text="",
        attachments=(),
        content_type="text/plain",
    )


def decide(session: Session, case: Case, svc: Services) -> RemittanceDecision:
    """What ``worker.inbound.process._route`` does for a remittance before posting."""
    parsed = _parsed(case.sender)
    remittance = case.remittance
    row = m.InboundMessage(id=0, received_at=svc.clock())  # transient: never added
    customer = customer_by_email(session, parsed.from_address) if parsed.from_address else None
    row.customer_id = customer.id if customer else None
    keys = {key for line in remittance.lines for key in line_ref_keys(line)}
    identified = identify(
        session, row, mail_sender(parsed, svc.settings), remittance, keys, svc=svc
    )
    row.customer_id = identified.customer_id
    remittance, prefixed = with_ref_prefixes(
        session, remittance, customer_id=row.customer_id, now=svc.clock()
    )
    keys |= prefixed
    lock_invoices(session, keys=keys, customer_id=row.customer_id)
    return decide_path(session, row, remittance, keys, identified, svc=svc)


def wrong_decisions(case: Case, decision: RemittanceDecision) -> str | None:
    """Why ``decision`` is not the one expected for ``case``, or None."""
    (line,) = decision.lines
    number = line.invoice.number if line.outcome is Outcome.AUTO and line.invoice else None
    if line.outcome is case.expected and number == case.expected_invoice:
        return None
    return (
        f"{case.kind} {case.remittance.lines[0].invoice_ref!r}: {line.outcome.value} "
        f"{number}, expected {case.expected.value} {case.expected_invoice} ({line.reason})"
    )


def services(url: str) -> Services:
    engine = make_engine(url)
    return Services(
        settings=Settings(database_url=url),
        engine=engine,
        sessions=make_sessionmaker(engine),
        mailer=None,
        policy=MatchPolicy(),
    )


def time_cases(
    sessions: sessionmaker[Session], cases: Sequence[Case], svc: Services
) -> tuple[list[tuple[float, float]], list[str]]:
    """(wall, CPU) seconds per case, each in its own transaction, rolled back; and the
    wrong decisions. CPU is this thread's: on a shared machine wall time also counts the
    time other processes had the core."""
    seconds: list[tuple[float, float]] = []
    wrong: list[str] = []
    wall: Callable[[], float] = time.perf_counter
    cpu: Callable[[], float] = time.thread_time
    for case in cases:
        with sessions() as session:
            session.begin()
            started, started_cpu = wall(), cpu()
            decision = decide(session, case, svc)
            seconds.append((wall() - started, cpu() - started_cpu))
            session.rollback()
        problem = wrong_decisions(case, decision)
        if problem is not None:
            wrong.append(problem)
    return seconds, wrong


@dataclass(frozen=True, slots=True)
class SizeResult:
    """Per-line wall and CPU seconds (medians of the repeats) of one size, by class, and
    the mistakes."""

    rows: int
    seconds: dict[str, list[float]]
    cpu: dict[str, list[float]]
    wrong: list[str]


def run_matching(urls: dict[int, str], *, lines: int, repeats: int) -> list[SizeResult]:
    """Time the decision path of ``lines`` cases per database, sizes interleaved."""
    setups = {}
    for rows, url in urls.items():
        svc = services(url)
        with svc.sessions() as session:
            cases = make_cases(session, rows=rows, lines=lines)
        setups[rows] = (svc, cases)
    wrong: dict[int, list[str]] = {rows: [] for rows in urls}
    runs: dict[int, list[list[tuple[float, float]]]] = {rows: [] for rows in urls}
    for rep in range(repeats + 1):
        for rows, (svc, cases) in setups.items():
            seconds, mistakes = time_cases(svc.sessions, cases, svc)
            if rep == 0:  # warm-up: caches, statement compilation
                wrong[rows] = mistakes
            else:
                runs[rows].append(seconds)
    results = []
    for rows, (svc, cases) in setups.items():
        per_case = list(zip(*runs[rows], strict=True))
        walls = [statistics.median(w for w, _ in times) for times in per_case]
        cpus = [statistics.median(c for _, c in times) for times in per_case]
        by_class: dict[str, list[float]] = {"all": walls}
        cpu_by_class: dict[str, list[float]] = {"all": cpus}
        for case, w, c in zip(cases, walls, cpus, strict=True):
            by_class.setdefault(case.kind, []).append(w)
            cpu_by_class.setdefault(case.kind, []).append(c)
        results.append(SizeResult(rows, by_class, cpu_by_class, wrong[rows]))
        svc.engine.dispose()
    return results


# --- combinations -------------------------------------------------------------------------


def combo_items(count: int, rng: random.Random) -> list[Item]:
    """A customer's ``count`` open balances, as the ledger generator draws them."""
    return [
        Item(key=k, amount=Decimal(rng.randrange(100, 5_000_000)).scaleb(-2)) for k in range(count)
    ]


def time_combinations(count: int, *, payments: int, seed: int = 3) -> dict[str, float]:
    """p50/p99 of ``find_combinations`` on payments of 1–4 of ``count`` open balances."""
    rng = random.Random(seed)
    seconds: list[float] = []
    complete = unique = 0
    steps: list[int] = []
    for _ in range(payments):
        items = combo_items(count, rng)
        paid = rng.sample(items, rng.randint(1, 4))
        target = sum((item.amount for item in paid), start=Decimal("0.00"))
        started = time.perf_counter()
        found = find_combinations(target, items)
        seconds.append(time.perf_counter() - started)
        complete += found.complete
        unique += found.unique is not None
        steps.append(found.steps)
    return {
        "p50_ms": percentile(seconds, 50) * 1000,
        "p99_ms": percentile(seconds, 99) * 1000,
        "max_ms": max(seconds) * 1000,
        "complete": complete / payments,
        "unique": unique / payments,
        "median_steps": statistics.median(steps),
    }


def time_step_budget() -> float:
    """Seconds of a search that spends the whole step budget: a goal with cents among 200
    balances of whole dollars is never reached, and nothing prunes the search early."""
    items = [Item(key=k, amount=Decimal(100 + k)) for k in range(200)]
    started = time.perf_counter()
    found = find_combinations(Decimal("20000.89"), items)
    elapsed = time.perf_counter() - started
    assert not found.solutions and not found.complete
    return elapsed


# --- report -------------------------------------------------------------------------------


def percentile(values: Sequence[float], pct: float) -> float:
    """The ``pct`` percentile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def report(results: Sequence[SizeResult]) -> None:
    for result in results:
        print(
            f"matching at {result.rows:>9,} open invoices, ms per line "
            "(wall p50 / p99 | CPU p50 / p99, lines):"
        )
        for kind in ("all", *CLASSES):
            wall, cpu = result.seconds.get(kind, []), result.cpu.get(kind, [])
            if wall:
                print(
                    f"  {kind:>15}: {percentile(wall, 50) * 1000:6.2f} / "
                    f"{percentile(wall, 99) * 1000:6.2f} | {percentile(cpu, 50) * 1000:6.2f} / "
                    f"{percentile(cpu, 99) * 1000:6.2f}  ({len(wall)})"
                )
        for problem in result.wrong[:5]:
            print(f"  WRONG: {problem}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--payments", type=int, default=50, help="combination searches")
    parser.add_argument("--cache", type=Path, help="keep and reuse the databases here")
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build is not None:  # the child process of ledger_db
        print(json.dumps(build_ledger(args.build, rows=args.rows)))
        return
    configure_logging("WARNING")  # the worker's default: info records are dropped
    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="arbox-bench-") as tmp:
        directory = args.cache or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        urls = {}
        for rows in sizes:
            built = ledger_db(directory, rows, fresh=args.cache is None)
            urls[rows] = built.url
            if built.seconds is None:
                print(f"import of {rows:>9,} invoices: cached in {directory}")
            else:
                print(
                    f"import of {rows:>9,} invoices: {built.seconds:6.1f} s, CPU "
                    f"{built.cpu_seconds:6.1f} s ({rows / built.seconds:,.0f} rows/s), "
                    f"peak RSS {built.peak_rss_mb:,.0f} MiB"
                )
        results = run_matching(urls, lines=args.lines, repeats=args.repeats)
        report(results)
        print(f"  peak RSS of matching: {peak_rss_mb():,.0f} MiB")
    for count in (30, 200):
        c = time_combinations(count, payments=args.payments)
        print(
            f"combinations, {count:>3} open invoices, no reference: p50 {c['p50_ms']:.2f} ms, "
            f"p99 {c['p99_ms']:.2f} ms, max {c['max_ms']:.1f} ms; complete {c['complete']:.0%}, "
            f"unique {c['unique']:.0%}, median steps {c['median_steps']:,.0f}"
        )
    print(
        f"combinations: the whole step budget ({DEFAULT_STEP_BUDGET:,} steps) costs "
        f"{time_step_budget() * 1000:.0f} ms"
    )
    if any(result.wrong for result in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
