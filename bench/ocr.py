"""OCR of scanned remittance advices: line precision and recall per degradation, and CPU
time per page.

The test set is the labelled corpus's PDF advices (``fixtures/corpus``, with their truth),
``--docs`` of each PDF layout, rendered at 300 dpi and degraded as ``bench/ocr_scans.py``
says (resolution, rotation, noise, JPEG, fax, phone photos); nothing is committed, the
images are made at run time from fixed seeds. Each scan is read the way a mail's image
attachment is (:func:`parsers.remittance_ocr.read_scan`: decode, orientation, deskew,
Tesseract, the layout reader). A line is read exactly when its reference (as matching
resolves it against the corpus ledger) and its amount both equal a line of the truth;
precision = exact lines / lines read, recall = exact lines / lines of the truth.

Goals (issue 23): at least 95 % of lines exact at 300 dpi clean, at least 85 % at the worst.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from decimal import Decimal
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ocr_scans import DEGRADATIONS, rendered
from core.errors import UnreadableDocumentError
from core.refs import normalise_ref
from core.types import Remittance
from matching.decide import resolve_key
from parsers.remittance_ocr import OcrOptions, read_scan

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
LAYOUTS = ("pdf_check_stub", "pdf_deductions", "pdf_multipage", "pdf_narrative",
           "pdf_ruled_us", "pdf_sap_advice", "pdf_unruled")  # fmt: skip
GOAL_CLEAN, GOAL_WORST = 0.95, 0.85


def test_set(docs: int) -> list[tuple[str, bytes, list[dict[str, Any]]]]:
    """(name, PDF, truth lines) of the first ``docs`` train mails of each PDF layout."""
    out = []
    for layout in LAYOUTS:
        for path in sorted((CORPUS / "train").glob(f"{layout}_*.eml"))[:docs]:
            truth = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
            mail = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            pdf = next(
                part.get_content()
                for part in mail.iter_attachments()
                if part.get_content_type() == "application/pdf"
            )
            out.append((path.stem, pdf, truth["remittance"]["lines"]))
    return out


def _ledger() -> dict[str, list[Any]]:
    from bench.extraction import load_ledger

    return load_ledger(CORPUS / "ledger.csv")


def exact_lines(truth: list[dict[str, Any]], read: Remittance | None, ledger: Any) -> int:
    want = Counter(
        (normalise_ref(t["invoice_ref"]), None if t["net"] is None else Decimal(t["net"]))
        for t in truth
    )
    got = Counter((resolve_key(ln, ledger), ln.amount) for ln in (read.lines if read else ()))
    return sum((want & got).values())


def run(docs: int, options: OcrOptions, only: str | None) -> list[dict[str, Any]]:
    ledger = _ledger()
    scans = [(name, rendered(pdf), truth) for name, pdf, truth in test_set(docs)]
    rows = []
    for degradation in DEGRADATIONS:
        if only and only not in degradation.name:
            continue
        row: dict[str, Any] = {"degradation": degradation.name, "truth": 0, "read": 0,
                               "exact": 0, "pages": 0, "cpu": 0.0, "failures": []}  # fmt: skip
        for name, pages, truth in scans:
            data = degradation.make(pages)
            pages_in = 1 if degradation.kind == "jpeg" else len(pages)
            truth_here = truth if pages_in == len(pages) else None
            if truth_here is None:
                continue  # a JPEG holds one page: multi-page advices are not in its row
            started = time.process_time()
            try:
                read = read_scan(data, kind=degradation.kind, options=options)
            except UnreadableDocumentError as e:
                read = None
                row["failures"].append(f"{name}: {e.reason}")
            row["cpu"] += time.process_time() - started
            row["pages"] += pages_in
            row["truth"] += len(truth)
            row["read"] += len(read.lines) if read else 0
            row["exact"] += exact_lines(truth, read, ledger)
        rows.append(row)
        print(_row(row), flush=True)
    return rows


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f} %" if b else "    - "


def _header(options: OcrOptions) -> str:
    return (
        f"\nOCR of scanned advices (languages {options.languages}, tesserocr)\n"
        f"{'degradation':<22} {'lines':>5} {'read':>5} {'exact':>5} "
        f"{'precision':>9} {'recall':>8} {'CPU ms/page':>11}"
    )


def _row(r: dict[str, Any]) -> str:
    ms = 1000 * r["cpu"] / r["pages"] if r["pages"] else 0.0
    precision, recall = _pct(r["exact"], r["read"]), _pct(r["exact"], r["truth"])
    text = (
        f"{r['degradation']:<22} {r['truth']:>5} {r['read']:>5} {r['exact']:>5} "
        f"{precision:>9} {recall:>8} {ms:>11.0f}"
    )
    return "\n".join([text, *(f"    unreadable: {failure}" for failure in r["failures"])])


def summary(rows: list[dict[str, Any]]) -> str:
    clean = rows[0]["exact"] / max(rows[0]["truth"], 1)
    worst = min(rows, key=lambda r: r["exact"] / max(r["truth"], 1))
    low = worst["exact"] / max(worst["truth"], 1)
    return (
        f"goal: >= {GOAL_CLEAN:.0%} exact at 300 dpi clean (got {clean:.1%}), "
        f">= {GOAL_WORST:.0%} at the worst (got {low:.1%}: {worst['degradation']})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--docs", type=int, default=1, help="advices of each PDF layout")
    parser.add_argument("--languages", default=OcrOptions().languages)
    parser.add_argument("--only", help="degradations whose name contains this")
    args = parser.parse_args(argv)
    options = OcrOptions(languages=args.languages, timeout_seconds=600)
    print(_header(options), flush=True)
    rows = run(args.docs, options, args.only)
    if rows:
        print(summary(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
