"""Benchmark of ``arbox invoices issue`` (issue 24): a file of N invoices (default 10,000; 1 to
5 lines at 19 % and 7 %) for 500 customers in five locales, issued as Factur-X (PDF/A-3 with
the CII XML: ``--einvoice factur-x``) on SQLite by the console script, as a user runs it:
checked whole, numbered, computed, rendered, stored as open items with their lines and audit
events, and queued in the outbox (no SMTP server: sending is the outbox sender's, measured by
bench/smtp_send.py).

Usage: ``PYTHONPATH=$PWD python -P bench/issue_invoices.py [--invoices 10000] [--runs 3]
[--workers 2] [--profile N]``. Each run starts from a fresh copy of a ledger with the
customers and their contacts; prints each run's wall time, the median and invoices/s; the
goal is < 120 s for 10,000 on 2 cores. ``--profile N`` also issues N invoices in this process
under cProfile (one worker) and prints where the time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ARBOX = str(Path(sys.executable).with_name("arbox"))
LOCALES = ("de_DE", "fr_FR", "en_GB", "nl_NL", "es_ES")
CUSTOMERS = 500
SETTINGS = {
    "ARBOX_AR_ADDRESS": "ar@seller.example",
    "ARBOX_COMPANY_NAME": "Werkzeug Handel GmbH",
    "ARBOX_COMPANY_ADDRESS": "Marktplatz 1",
    "ARBOX_COMPANY_POSTCODE": "80331",
    "ARBOX_COMPANY_CITY": "München",
    "ARBOX_COMPANY_COUNTRY": "DE",
    "ARBOX_COMPANY_VAT_ID": "DE136695976",
    "ARBOX_COMPANY_IBAN": "DE89370400440532013000",
    "ARBOX_COMPANY_BIC": "COBADEFFXXX",
    "ARBOX_INVOICE_TAX_RATES": "19,7",
}


def environment(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARBOX_")}
    env.update(SETTINGS)
    env["ARBOX_DATABASE_URL"] = f"sqlite:///{workdir / 'arbox.db'}"
    env["ARBOX_DATA_DIR"] = str(workdir / "data")
    return env


def write_world(workdir: Path) -> None:
    customers = ["customer_number,name,address,postcode,city,country,vat_id,locale"]
    contacts = ["customer_number,email,role"]
    for c in range(1, CUSTOMERS + 1):
        customers.append(
            f"C{c:04d},Kunde {c} GmbH,Hauptstraße {c},{10000 + c},Berlin,DE,DE{100000000 + c},"
            f"{LOCALES[c % len(LOCALES)]}"
        )
        contacts.append(f"C{c:04d},rechnungen@c{c}.example,Billing")
    (workdir / "customers.csv").write_text("\n".join(customers) + "\n", encoding="utf-8")
    (workdir / "contacts.csv").write_text("\n".join(contacts) + "\n", encoding="utf-8")


def write_invoices(path: Path, count: int, *, seed: int = 24) -> None:
    rng = random.Random(seed)
    docs = [
        {
            "customer_number": f"C{1 + n % CUSTOMERS:04d}",
            "issue_date": "2026-12-01",
            "currency": "EUR",
            "terms": "Net 30",
            "po_number": f"PO-{n:06d}",
            "lines": [
                {
                    "description": f"Artikel {rng.randrange(10_000):04d} – Drehmomentschlüssel",
                    "quantity": str(rng.randrange(1, 50)),
                    "unit_price": str(Decimal(rng.randrange(100, 500_000)).scaleb(-2)),
                    "tax_rate": rng.choice(("19", "7")),
                }
                for _ in range(rng.randint(1, 5))
            ],
        }
        for n in range(count)
    ]
    path.write_text(json.dumps(docs, ensure_ascii=False), encoding="utf-8")


def prepare(workdir: Path, count: int) -> Path:
    """A migrated ledger with the customers and contacts; the invoices file."""
    env = environment(workdir)
    write_world(workdir)
    for args in (
        ("db", "upgrade"),
        ("import", "customers", str(workdir / "customers.csv")),
        ("import", "contacts", str(workdir / "contacts.csv")),
    ):
        subprocess.run([ARBOX, *args], env=env, check=True, capture_output=True)
    shutil.copyfile(workdir / "arbox.db", workdir / "template.db")
    invoices = workdir / "invoices.json"
    write_invoices(invoices, count)
    return invoices


def run_once(workdir: Path, invoices: Path, workers: int) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (the command and its rendering processes) and invoices."""
    shutil.copyfile(workdir / "template.db", workdir / "arbox.db")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [ARBOX, "invoices", "issue", str(invoices), "--einvoice", "factur-x", "--format", "json",
         "--workers", str(workers)],
        env=environment(workdir), capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"arbox invoices issue failed: {done.stderr[-2000:]}")
    return seconds, cpu, len(json.loads(done.stdout))


def profile(workdir: Path, count: int) -> None:
    """Issue ``count`` invoices in this process under cProfile; print the top functions."""
    small = workdir / "small.json"
    write_invoices(small, count, seed=7)
    shutil.copyfile(workdir / "template.db", workdir / "arbox.db")
    os.environ.update(environment(workdir))
    from core.config import Settings
    from worker.cli.common import open_services
    from worker.issuing.invoices import issue_invoices

    profiler = cProfile.Profile()
    with open_services(Settings.from_env()) as svc:
        profiler.enable()
        issue_invoices(svc, small, einvoice="factur-x")
        profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(35)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invoices", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="arbox-bench-issue-"))
    try:
        invoices = prepare(workdir, args.invoices)
        times, cpus = [], []
        for run in range(1, args.runs + 1):
            seconds, cpu, issued = run_once(workdir, invoices, args.workers)
            assert issued == args.invoices, issued
            times.append(seconds)
            cpus.append(cpu)
            print(
                f"run {run}: {issued} invoices in {seconds:.1f} s ({issued / seconds:.0f}/s), "
                f"{cpu:.1f} s of CPU"
            )
        median = statistics.median(times)
        result = {
            "invoices": args.invoices,
            "workers": args.workers,
            "runs_s": [round(t, 1) for t in times],
            "median_s": round(median, 1),
            "invoices_per_s": round(args.invoices / median, 1),
            "cpu_s": [round(c, 1) for c in cpus],
            "cpu_ms_per_invoice": round(1000 * statistics.median(cpus) / args.invoices, 2),
            "goal_s": 120,
            "load_average": [round(x, 2) for x in os.getloadavg()],
        }
        print(json.dumps(result, indent=2))
        if args.profile:
            profile(workdir, args.profile)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
