"""Benchmark of issuing e-invoices (issue 24), the pure part: for each invoice the model's
figures (``compute_invoice``), the PDF (``render_issued_invoice_pdf``, with its EPC QR code),
the CII XML (``to_cii``) and the Factur-X PDF/A-3 (``embed_facturx``), timed step by step.
No database, no mail: the lead's ``arbox invoices issue`` adds numbering, storage and the
outbox on top.

Usage: ``PYTHONPATH=$PWD python -P bench/einvoice.py [--invoices 300] [--workers 2]
[--profile]``. Prints the median and 95th percentile per step in milliseconds, the
throughput of ``--workers`` processes issuing ``--invoices`` each, and the projection for
10,000 invoices. ``--profile`` prints where ``embed_facturx`` spends its time. ``-P``: not
bench/ first on the path (bench/matching.py would shadow the package).

Invoices have 1 to 12 lines at 19 % and 7 %, customers in turn in de_DE, fr_FR, en_GB,
nl_NL and es_ES.
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import json
import multiprocessing
import os
import pstats
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from core.creditor_ref import creditor_reference
from core.invoice_totals import InvoicePolicy, compute_invoice
from core.invoicing import InvoiceDraft, InvoiceLine, TaxCategory
from outbound.einvoice_cii import to_cii
from outbound.facturx_pdf import embed_facturx
from outbound.pdf_issued_invoice import render_issued_invoice_pdf
from tests.invoice_samples import BUYER, SELLER

LOCALES = ("de_DE", "fr_FR", "en_GB", "nl_NL", "es_ES")
POLICY = InvoicePolicy(tax_rates=frozenset({Decimal("19"), Decimal("7")}))
CREATED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
STEPS = ("model", "pdf", "cii", "facturx", "total")


def make_draft(n: int, rng: random.Random) -> InvoiceDraft:
    number = f"INV-2026-{n:06d}"
    lines = tuple(
        InvoiceLine(
            description=f"Article {rng.randrange(10_000):04d} – torque wrench set",
            quantity=Decimal(rng.randrange(1, 50)),
            unit_price=Decimal(rng.randrange(100, 500_000)).scaleb(-2),
            tax_rate=Decimal(rng.choice(("19", "7"))),
            tax_category=TaxCategory.STANDARD,
        )
        for _ in range(rng.randint(1, 12))
    )
    issued = date(2026, 12, 1)
    return InvoiceDraft(
        seller=SELLER,
        buyer=BUYER,
        number=number,
        issue_date=issued,
        due_date=issued + timedelta(days=30),
        currency="EUR",
        lines=lines,
        po_number=f"PO-{n}",
        payment_reference=creditor_reference(number),
        terms="Net 30",
        delivery_date=issued,
    )


def issue_one(draft: InvoiceDraft, locale: str) -> tuple[dict[str, float], int]:
    """Wall and CPU seconds of each step (``pdf`` and ``cpu_pdf``, …) and the file's size."""
    marks = [(time.perf_counter(), time.process_time())]
    invoice = compute_invoice(draft, policy=POLICY)
    marks.append((time.perf_counter(), time.process_time()))
    pdf = render_issued_invoice_pdf(invoice, locale=locale)
    marks.append((time.perf_counter(), time.process_time()))
    xml = to_cii(invoice)
    marks.append((time.perf_counter(), time.process_time()))
    out = embed_facturx(pdf, xml, invoice=invoice, created=CREATED, lang=locale)
    marks.append((time.perf_counter(), time.process_time()))
    times: dict[str, float] = {}
    for step, (start, end) in zip(STEPS, itertools.pairwise(marks), strict=False):
        times[step] = end[0] - start[0]
        times[f"cpu_{step}"] = end[1] - start[1]
    times["total"] = marks[-1][0] - marks[0][0]
    times["cpu_total"] = marks[-1][1] - marks[0][1]
    return times, len(out)


def run(worker: int, count: int) -> tuple[list[dict[str, float]], float]:
    """The step times of ``count`` invoices, and the CPU seconds they took in all."""
    rng = random.Random(worker)
    issue_one(make_draft(0, rng), "de_DE")  # warm: fonts, ICC profile, factur-x imports
    results = []
    cpu = time.process_time()
    for n in range(count):
        draft = make_draft(worker * 1_000_000 + n + 1, rng)
        times, _ = issue_one(draft, LOCALES[n % len(LOCALES)])
        results.append(times)
    return results, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invoices", type=int, default=300, help="per worker")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    if args.profile:
        profile(args.invoices)
        return
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(args.workers) as pool:
        per_worker = pool.starmap(run, [(w, args.invoices) for w in range(args.workers)])
    wall = time.perf_counter() - started
    times = [t for results, _ in per_worker for t in results]
    cpu_s = sum(cpu for _, cpu in per_worker)
    report = {
        step: {
            "median_ms": round(statistics.median(t[step] for t in times) * 1000, 2),
            "p95_ms": round(statistics.quantiles([t[step] for t in times], n=20)[18] * 1000, 2),
            "median_cpu_ms": round(statistics.median(t[f"cpu_{step}"] for t in times) * 1000, 2),
        }
        for step in STEPS
    }
    issued = len(times)
    report["run"] = {
        "workers": args.workers,
        "invoices": issued,
        "wall_s": round(wall, 2),
        "per_second": round(issued / wall, 1),
        "projected_10000_s": round(10_000 * wall / issued, 1),
        # CPU time is what a loaded machine cannot inflate: the projection for two cores
        # that do nothing else
        "cpu_ms_per_invoice": round(cpu_s / issued * 1000, 2),
        "projected_10000_on_2_idle_cores_s": round(10_000 * cpu_s / issued / 2, 1),
        "load_average": os.getloadavg()[0],
    }
    print(json.dumps(report, indent=2))


def profile(count: int) -> None:
    rng = random.Random(1)
    drafts = [make_draft(n + 1, rng) for n in range(count)]
    issue_one(drafts[0], "de_DE")
    prepared = []
    for draft in drafts:
        invoice = compute_invoice(draft, policy=POLICY)
        prepared.append((invoice, render_issued_invoice_pdf(invoice), to_cii(invoice)))
    profiler = cProfile.Profile()
    profiler.enable()
    for invoice, pdf, xml in prepared:
        embed_facturx(pdf, xml, invoice=invoice, created=CREATED, lang="de_DE")
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
