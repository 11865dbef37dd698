# long: one benchmark script (corpus, scoring, timing) printing one report.
"""Extraction quality on the labelled corpus (``fixtures/corpus``, made by
``fixtures/generate_corpus.py``), per split and overall, and the cost of our PDF parse per page.

Every mail is read in-process with ``worker.inbound.pool.read_mail`` and compared with its
``<name>.expected.json``:

- lines: a predicted line is correct when its reference resolves to the expected invoice
  (``matching.decide.resolve_key`` over the ledger keyed by ``core.refs.normalise_ref``, which
  gives credit for alternative refs) and its net amount equals the expected net exactly (both
  None is equal); multiset matching per mail. Predicted lines count for every mail the
  classifier makes a remittance or remittance+question (the mails whose lines the pipeline
  posts), so lines read from a mail wrongly taken for a remittance lower the precision; a
  bounce or newsletter rightly classified posts nothing, and its text counts nothing.
- fields (payer case-insensitive, date, method, payment ref, currency, stated total) over the
  mails whose expected value is not null; classification per kind with a confusion list;
  the unreadable reason; the question kinds.
- time per PDF page: for each one-page PDF, our ``parse_pdf_remittance`` against bare
  pdfplumber (open, ``extract_words``, close), interleaved; medians and their ratio. Then, in
  CPU time and interleaved, our parse with each reader (the default: PDFium, pdfplumber only
  when needed; and pdfplumber alone), the PDFium source alone, bare pdfplumber and bare
  pypdfium2 (open, every character with its box, close); and the parse of a generated one-page
  ruled advice of 15 lines and a four-page advice of 120 lines with each reader.
- which reader gave each PDF's result while the corpus was read, and why pdfplumber read a PDF
  again (``parsers.remittance_pdf.READS`` and ``FALLBACKS``).

Run ``python bench/extraction.py`` (``make bench``); ``--split``, ``--layout`` filter,
``--json FILE`` writes the figures.
"""

# ruff: noqa: E402
from __future__ import annotations

import sys
from pathlib import Path

#: Run as ``python bench/extraction.py``, this folder is first on ``sys.path`` and its
#: ``matching.py`` would hide the ``matching`` package: the folder goes.
BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]

import argparse
import contextlib
import csv
import io
import json
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pdfplumber
import pypdfium2.raw as pdfium

from core.errors import UnreadableDocumentError
from core.refs import normalise_ref
from core.types import MailKind, OpenInvoice, PdfReader, Remittance
from fixtures.generate import ACME, multipage_pdf, ruled_table_pdf
from matching.decide import resolve_key
from parsers import remittance_pdf
from parsers.pdf_fast import PdfiumSource
from parsers.remittance import is_pdf_attachment
from parsers.remittance_pdf import parse_pdf_remittance
from worker.inbound.pool import ParseLimits, ReadMail, read_mail

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
OWN_ADDRESS = "ar@arbox.example"
#: Goals printed beside the figures.
GOAL_LINE_RECALL = 0.99
GOAL_LINE_PRECISION = 0.995
GOAL_CLASSIFICATION = 0.98
GOAL_PDF_RATIO = 3.0
FIELDS = ("payer_name", "payment_date", "payment_method", "payment_ref", "currency",
          "stated_total")  # fmt: skip


@dataclass
class MailResult:
    """How one mail fared."""

    name: str
    split: str
    layout: str
    expected_kind: str
    kind: str
    expected_lines: int
    predicted_lines: int
    correct_lines: int
    expected_problem: str | None
    problem: str | None
    fields: dict[str, bool] = field(default_factory=dict)
    questions_ok: bool | None = None
    crash: str | None = None


def load_ledger(path: Path) -> dict[str, list[OpenInvoice]]:
    """``invoices_by_key`` as matching builds it: ledger rows keyed by ``normalise_ref``."""
    by_key: dict[str, list[OpenInvoice]] = defaultdict(list)
    customers: dict[str, int] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=1):
            customer_id = customers.setdefault(row["customer_number"], len(customers) + 1)
            balance = Decimal(row["balance"])
            invoice = OpenInvoice(
                invoice_id=number,
                number=row["invoice_number"],
                customer_id=customer_id,
                customer_number=row["customer_number"],
                balance=balance,
                currency=row["currency"],
                status="open" if balance else "paid",
                due_date=date.fromisoformat(row["due_date"]),
            )
            by_key[normalise_ref(invoice.number)].append(invoice)
    return dict(by_key)


def corpus_mails(
    corpus: Path, *, split: str | None = None, layout: str | None = None
) -> list[tuple[Path, dict[str, Any]]]:
    """(mail path, expected label) of every mail, filtered."""
    out = []
    for path in sorted(corpus.glob("*/*.eml")):
        expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
        if split and expected["split"] != split:
            continue
        if layout and expected["layout"] != layout:
            continue
        out.append((path, expected))
    return out


def count_correct_lines(
    expected: Sequence[Mapping[str, Any]],
    predicted: Remittance | None,
    invoices_by_key: Mapping[str, Sequence[OpenInvoice]],
) -> int:
    """Expected lines met by a predicted line (same invoice, same net), each at most once."""
    want = Counter(
        (normalise_ref(line["invoice_ref"]), None if line["net"] is None else Decimal(line["net"]))
        for line in expected
    )
    got = Counter(
        (resolve_key(line, invoices_by_key), line.amount)
        for line in (predicted.lines if predicted else ())
    )
    return sum((want & got).values())


def _field_value(remittance: Remittance, name: str) -> str | None:
    value = getattr(remittance, name)
    if value is None:
        return None
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _problem(read: ReadMail) -> str | None:
    problems = read.extraction.problems
    return problems[0].rpartition(": ")[2] if problems else None


def score_mail(
    path: Path,
    expected: Mapping[str, Any],
    invoices_by_key: Mapping[str, Sequence[OpenInvoice]],
) -> MailResult:
    want = expected["remittance"]
    result = MailResult(
        name=f"{path.parent.name}/{path.stem}",
        split=expected["split"],
        layout=expected["layout"],
        expected_kind=expected["kind"],
        kind="(crash)",
        expected_lines=len(want["lines"]) if want else 0,
        predicted_lines=0,
        correct_lines=0,
        expected_problem=expected["problem"],
        problem=None,
    )
    try:
        read = read_mail(path.read_bytes(), own_address=OWN_ADDRESS, limits=ParseLimits())
    except Exception as e:  # a crash is a figure of the benchmark
        result.crash = f"{type(e).__name__}: {e}"
        return result
    # The lines that count are the ones the pipeline would post: those of a mail classified
    # remittance or remittance+question. A bounce quoting our reminder or a newsletter's
    # price list may hold line-shaped text, but nothing is ever applied from it.
    acted = read.classification.kind in (MailKind.REMITTANCE, MailKind.REMITTANCE_QUESTION)
    got = read.extraction.remittance if acted else None
    result.kind = str(read.classification.kind)
    result.problem = _problem(read)
    result.predicted_lines = len(got.lines) if got else 0
    if want:
        result.correct_lines = count_correct_lines(want["lines"], got, invoices_by_key)
        for name in FIELDS:
            if want[name] is None:
                continue
            value = _field_value(got, name) if got else None
            if name == "payer_name":
                result.fields[name] = (value or "").casefold() == want[name].casefold()
            else:
                result.fields[name] = value == want[name]
    if expected["questions"] or read.classification.questions:
        wanted = sorted(q["kind"] for q in expected["questions"])
        asked = sorted(str(q.kind) for q in read.classification.questions)
        result.questions_ok = wanted == asked
    return result


def evaluate(mails: Iterable[tuple[Path, dict[str, Any]]], corpus: Path) -> list[MailResult]:
    invoices_by_key = load_ledger(corpus / "ledger.csv")
    return [score_mail(path, expected, invoices_by_key) for path, expected in mails]


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def summarise(results: Sequence[MailResult]) -> dict[str, Any]:
    """The figures of one group of mails."""
    expected = sum(r.expected_lines for r in results)
    predicted = sum(r.predicted_lines for r in results)
    correct = sum(r.correct_lines for r in results)
    fields: dict[str, Any] = {}
    for name in FIELDS:
        marks = [r.fields[name] for r in results if name in r.fields]
        fields[name] = {
            "correct": sum(marks),
            "of": len(marks),
            "accuracy": _ratio(sum(marks), len(marks)),
        }
    per_kind: dict[str, Any] = {}
    for kind in sorted({r.expected_kind for r in results}):
        group = [r for r in results if r.expected_kind == kind]
        ok = sum(r.kind == kind for r in group)
        per_kind[kind] = {"correct": ok, "of": len(group), "accuracy": _ratio(ok, len(group))}
    classified = sum(r.kind == r.expected_kind for r in results)
    problems = [r for r in results if r.expected_problem is not None]
    problem_ok = sum(r.problem == r.expected_problem for r in problems)
    questions = [r for r in results if r.questions_ok is not None]
    asked_ok = sum(bool(r.questions_ok) for r in questions)
    return {
        "mails": len(results),
        "crashes": sum(r.crash is not None for r in results),
        "lines": {"expected": expected, "predicted": predicted, "correct": correct,
                  "recall": _ratio(correct, expected), "precision": _ratio(correct, predicted)},
        "fields": fields,
        "classification": {"correct": classified, "of": len(results),
                           "accuracy": _ratio(classified, len(results)), "per_kind": per_kind},
        "problems": {"correct": problem_ok, "of": len(problems),
                     "accuracy": _ratio(problem_ok, len(problems)),
                     "false": sum(r.problem is not None and r.expected_problem is None
                                  for r in results)},
        "questions": {"correct": asked_ok, "of": len(questions),
                      "accuracy": _ratio(asked_ok, len(questions))},
    }  # fmt: skip


# --- time per PDF page ------------------------------------------------------------------------


def one_page_pdfs(mails: Iterable[tuple[Path, dict[str, Any]]]) -> list[bytes]:
    """The readable one-page PDF attachments of the mails."""
    from parsers.mime import parse_email

    out = []
    for path, _ in mails:
        for attachment in parse_email(path.read_bytes()).attachments:
            if not is_pdf_attachment(attachment):
                continue
            try:
                with pdfplumber.open(io.BytesIO(attachment.data)) as pdf:
                    pages = len(pdf.pages)
                    has_text = bool(pages and pdf.pages[0].chars)
            except Exception:  # damaged or encrypted: not timed
                continue
            if pages == 1 and has_text:
                out.append(attachment.data)
    return out


def _bare_pdfplumber(data: bytes) -> None:
    pdf = pdfplumber.open(io.BytesIO(data))
    try:
        for page in pdf.pages:
            page.extract_words()
            page.close()
    finally:
        pdf.close()


def time_pdf_pages(pdfs: Sequence[bytes], *, rounds: int) -> dict[str, Any]:
    """Median seconds of our parse and of bare pdfplumber per one-page PDF, interleaved."""
    ours: list[float] = []
    bare: list[float] = []
    for _ in range(rounds):
        for data in pdfs:
            started = time.perf_counter()
            with contextlib.suppress(UnreadableDocumentError):
                parse_pdf_remittance(data)
            ours.append(time.perf_counter() - started)
            started = time.perf_counter()
            _bare_pdfplumber(data)
            bare.append(time.perf_counter() - started)
    if not ours:
        return {"pdfs": 0}
    mid_ours, mid_bare = statistics.median(ours), statistics.median(bare)
    return {"pdfs": len(pdfs), "samples": len(ours), "ours_median_s": mid_ours,
            "pdfplumber_median_s": mid_bare, "ratio": mid_ours / mid_bare}  # fmt: skip


def _bare_pdfium(data: bytes) -> None:
    """Open, every character of every page with its loose box, close: PDFium's own cost."""
    doc = pdfium.FPDF_LoadMemDocument64(data, len(data), None)
    box = pdfium.FS_RECTF()
    try:
        for number in range(pdfium.FPDF_GetPageCount(doc)):
            page = pdfium.FPDF_LoadPage(doc, number)
            text = pdfium.FPDFText_LoadPage(page)
            for index in range(pdfium.FPDFText_CountChars(text)):
                pdfium.FPDFText_GetUnicode(text, index)
                pdfium.FPDFText_GetLooseCharBox(text, index, box)
            pdfium.FPDFText_ClosePage(text)
            pdfium.FPDF_ClosePage(page)
    finally:
        pdfium.FPDF_CloseDocument(doc)


def _cpu_ms(work: Any) -> float:
    started = time.process_time_ns()
    with contextlib.suppress(UnreadableDocumentError):
        work()
    return (time.process_time_ns() - started) / 1e6


#: What is timed per PDF, in this order, interleaved: name and work.
READERS: tuple[tuple[str, Any], ...] = (
    ("parse, fast (default)", lambda d: parse_pdf_remittance(d)),
    ("parse, pdfplumber", lambda d: parse_pdf_remittance(d, reader=PdfReader.PDFPLUMBER)),
    ("PDFium source alone", lambda d: PdfiumSource().read_pages(d, filename=None, max_pages=50)),
    ("bare pdfplumber extract_words", _bare_pdfplumber),
    ("bare pypdfium2 chars + boxes", _bare_pdfium),
)


def time_readers(pdfs: Sequence[bytes], *, rounds: int) -> dict[str, float]:
    """Median CPU ms per PDF of each of :data:`READERS`, interleaved."""
    times: dict[str, list[float]] = {name: [] for name, _ in READERS}
    for _ in range(rounds):
        for data in pdfs:
            for name, work in READERS:
                times[name].append(_cpu_ms(lambda w=work, d=data: w(d)))
    return {name: statistics.median(values) for name, values in times.items() if values}


def generated_advices() -> dict[str, bytes]:
    """A one-page ruled advice of 15 lines and a four-page advice of 120 lines."""
    rows = [(f"INV-{20000 + i}", "2026-11-02", f"{100 + 7 * i}.{i % 100:02d}") for i in range(120)]
    return {
        "one-page ruled, 15 lines": ruled_table_pdf(
            ACME, rows[:15], payment_ref="PAY-1", date="2026-11-20"
        ),
        "four pages, 120 lines": multipage_pdf(
            ACME, rows, per_page=30, payment_ref="PAY-2", date="2026-11-20"
        ),
    }


def time_generated(*, rounds: int) -> dict[str, dict[str, float]]:
    """Median CPU ms of ``parse_pdf_remittance`` per generated advice with each reader,
    interleaved."""
    out: dict[str, dict[str, float]] = {}
    for label, data in generated_advices().items():
        times: dict[str, list[float]] = {reader.value: [] for reader in PdfReader}
        for _ in range(rounds):
            for reader in PdfReader:
                times[reader.value].append(
                    _cpu_ms(lambda r=reader, d=data: parse_pdf_remittance(d, reader=r))
                )
        out[label] = {name: statistics.median(values) for name, values in times.items()}
    return out


# --- the report -------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "   -   " if value is None else f"{100 * value:6.2f}%"


def print_report(
    groups: Mapping[str, Mapping[str, Any]],
    results: Sequence[MailResult],
    timing: Mapping[str, Any],
) -> None:
    names = list(groups)
    print(f"{'':28}" + "".join(f"{n:>16}" for n in names) + "      goal")
    rows: list[tuple[str, Any, str]] = [
        ("mails", lambda g: f"{g['mails']}", ""),
        ("crashes", lambda g: f"{g['crashes']}", "0"),
        ("line recall", lambda g: _pct(g["lines"]["recall"]), f">= {GOAL_LINE_RECALL:.0%}"),
        ("line precision", lambda g: _pct(g["lines"]["precision"]),
         f">= {100 * GOAL_LINE_PRECISION:.1f}%"),
        ("lines expected/predicted/ok",
         lambda g: "/".join(str(g["lines"][k]) for k in ("expected", "predicted", "correct")),
         ""),
        ("classification", lambda g: _pct(g["classification"]["accuracy"]),
         f">= {GOAL_CLASSIFICATION:.0%}"),
        ("problem (unreadable reason)", lambda g: _pct(g["problems"]["accuracy"]), ""),
        ("problems where none expected", lambda g: f"{g['problems']['false']}", "0"),
        ("question kinds", lambda g: _pct(g["questions"]["accuracy"]), ""),
    ]  # fmt: skip
    rows += [
        (f"field {name}", lambda g, n=name: _pct(g["fields"][n]["accuracy"]), "") for name in FIELDS
    ]
    for label, cell, goal in rows:
        print(f"{label:28}" + "".join(f"{cell(groups[n]):>16}" for n in names) + f"  {goal}")
    overall = groups["all"]
    print("\nclassification per expected kind (all):")
    for kind, figures in overall["classification"]["per_kind"].items():
        print(f"  {kind:24} {figures['correct']:4}/{figures['of']:<4} {_pct(figures['accuracy'])}")
    print("\nlines per layout (recall / precision):")
    by_layout: dict[str, list[MailResult]] = defaultdict(list)
    for r in results:
        by_layout[r.layout].append(r)
    for layout, group in sorted(by_layout.items()):
        figures = summarise(group)["lines"]
        if figures["expected"] or figures["predicted"]:
            print(
                f"  {layout:28} {_pct(figures['recall'])} / {_pct(figures['precision'])}"
                f"   ({figures['expected']} expected, {figures['predicted']} predicted)"
            )
    wrong = [r for r in results if r.kind != r.expected_kind]
    print(f"\nmisclassified ({len(wrong)}):")
    for r in wrong:
        print(f"  {r.name:44} expected {r.expected_kind:22} got {r.kind}")
    for r in results:
        if r.crash:
            print(f"  CRASH {r.name}: {r.crash}")
    worst = sorted(results, key=lambda r: (r.correct_lines - r.expected_lines, r.name))[:10]
    print("\nworst 10 mails by missed lines:")
    for r in worst:
        print(
            f"  {r.name:44} missed {r.expected_lines - r.correct_lines:3} of "
            f"{r.expected_lines:3}, predicted {r.predicted_lines}"
        )
    if timing.get("pdfs"):
        print(
            f"\ntime per one-page PDF ({timing['pdfs']} PDFs, {timing['samples']} samples each "
            f"way, interleaved): ours median {1000 * timing['ours_median_s']:.1f} ms, "
            f"pdfplumber extract_words median {1000 * timing['pdfplumber_median_s']:.1f} ms, "
            f"ratio {timing['ratio']:.2f}x (goal <= {GOAL_PDF_RATIO:.0f}x)"
        )
    readers = timing.get("readers") or {}
    if readers:
        print("median CPU ms per one-page PDF, interleaved:")
        for name, ms in readers.items():
            print(f"  {name:32} {ms:7.2f}")
    for label, by_reader in (timing.get("generated") or {}).items():
        cells = ", ".join(f"{name} {ms:.2f}" for name, ms in by_reader.items())
        print(f"parse_pdf_remittance of {label}, median CPU ms: {cells}")
    reads = timing.get("reads") or {}
    if reads:
        cells = ", ".join(f"{name} {n}" for name, n in sorted(reads.items()))
        print(f"\nPDF results by reader while the corpus was read: {cells}")
        for why, n in sorted((timing.get("fallbacks") or {}).items()):
            print(f"  pdfplumber read again ({n}): {why}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--split", choices=("train", "heldout"))
    parser.add_argument("--layout", help="only this layout (see the expected JSON)")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--rounds", type=int, default=2, help="timing rounds over the PDFs")
    args = parser.parse_args(argv)
    mails = corpus_mails(args.corpus, split=args.split, layout=args.layout)
    if not mails:
        raise SystemExit(f"no mails under {args.corpus} for that filter")
    started = time.perf_counter()
    reads_before = remittance_pdf.READS.copy()
    fallbacks_before = remittance_pdf.FALLBACKS.copy()
    results = evaluate(mails, args.corpus)
    elapsed = time.perf_counter() - started
    reads = dict(remittance_pdf.READS - reads_before)
    fallbacks = dict(remittance_pdf.FALLBACKS - fallbacks_before)
    groups = {
        split: summarise([r for r in results if r.split == split])
        for split in ("train", "heldout")
        if any(r.split == split for r in results)
    }
    groups["all"] = summarise(results)
    pages = one_page_pdfs(mails)
    timing: dict[str, Any] = time_pdf_pages(pages, rounds=args.rounds) if args.rounds else {}
    if args.rounds:
        timing["readers"] = time_readers(pages, rounds=args.rounds)
        timing["generated"] = time_generated(rounds=25 * args.rounds)
    timing["reads"], timing["fallbacks"] = reads, fallbacks
    print(f"corpus {args.corpus}: {len(results)} mails read in {elapsed:.1f} s\n")
    print_report(groups, results, timing)
    if args.json:
        payload = {
            "groups": groups,
            "layouts": {
                layout: summarise([r for r in results if r.layout == layout])
                for layout in sorted({r.layout for r in results})
            },
            "timing": timing,
            "misclassified": [
                {"name": r.name, "expected": r.expected_kind, "got": r.kind}
                for r in results if r.kind != r.expected_kind
            ],
            "mails": [r.__dict__ for r in results],
        }  # fmt: skip
        args.json.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
