"""Both PDF readers on every PDF at hand: the PDFs attached to the labelled corpus's mails
(``fixtures/corpus``, train and held-out) and the real-world corpora beside the checkout
(``../shared/corpora``, every folder with PDFs). The fast reading (PDFium, pdfplumber again
when PDFium's reading is not enough: ``read_pdf_remittance``) is compared with pdfplumber's
alone: the lines (references and amounts), the stated total and the payer, or the reason the
PDF cannot be read. Each failure message lists every difference found.

The shared corpora are skipped when absent, and required when CI is set (tests/conftest.py).
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

from core.errors import UnreadableDocumentError
from core.refs import normalise_ref
from core.types import PdfReader, Remittance
from parsers.mime import parse_email
from parsers.remittance import is_pdf_attachment
from parsers.remittance_pdf import PdfReading, read_pdf_remittance
from tests.conftest import CORPORA, require

CORPUS = Path(__file__).resolve().parents[3] / "fixtures" / "corpus"
PDF_SUFFIXES = {".pdf", ".fuzz", ".zip"}
#: What a reading comes to: ("lines", ((ref, amount), ...), total, payer) or ("unreadable",
#: reason) or ("none",).
Outcome = tuple[Any, ...]


@functools.cache
def _labelled_pdfs() -> tuple[tuple[str, bytes, str], ...]:
    """(mail/attachment, PDF, the mail's label as JSON) of every PDF attached in the corpus."""
    found = []
    for mail in sorted(CORPUS.glob("*/*.eml")):
        label = mail.with_suffix(".expected.json").read_text(encoding="utf-8")
        for number, part in enumerate(parse_email(mail.read_bytes()).attachments):
            if is_pdf_attachment(part):
                name = f"{mail.parent.name}/{mail.stem}/{part.filename or number}"
                found.append((name, part.data, label))
    assert len(found) > 150, "the corpus's mails carry PDFs"
    return tuple(found)


@functools.cache
def _shared_pdfs() -> tuple[tuple[str, bytes], ...]:
    require(CORPORA.is_dir(), f"test corpora not found at {CORPORA}")
    found = tuple(
        (f"{folder.name}/{path.name}", path.read_bytes())
        for folder in sorted(CORPORA.iterdir())
        if folder.is_dir()
        for path in sorted(folder.iterdir())
        if path.suffix.lower() in PDF_SUFFIXES
    )
    assert len({name.split("/")[0] for name, _ in found}) >= 5, "the corpora hold PDFs"
    return found


@functools.cache
def _read(name: str, data: bytes, reader: PdfReader) -> tuple[Outcome, PdfReading | None]:
    try:
        reading = read_pdf_remittance(data, filename=name, reader=reader)
    except UnreadableDocumentError as e:
        return ("unreadable", e.reason), None
    return _outcome(reading.remittance), reading


def _outcome(remittance: Remittance | None) -> Outcome:
    if remittance is None:
        return ("none",)
    lines = tuple((line.invoice_ref, line.amount) for line in remittance.lines)
    return ("lines", lines, remittance.stated_total, remittance.payer_name)


def _differences(pdfs: tuple[tuple[str, bytes], ...]) -> list[str]:
    """One line per PDF whose fast reading differs from pdfplumber's, saying how."""
    found = []
    for name, data in pdfs:
        fast, reading = _read(name, data, PdfReader.FAST)
        slow, _ = _read(name, data, PdfReader.PDFPLUMBER)
        if fast != slow:
            via = f"{reading.reader}, fallback {reading.fallback!r}" if reading else "-"
            found.append(f"{name}: fast {fast} ({via}); pdfplumber {slow}")
    return found


def _score(outcome: Outcome, label: dict[str, Any]) -> tuple[int, bool, bool, bool]:
    """How right an outcome is against the mail's label: lines met (reference and net), and
    whether the total, the payer and the unreadable reason are right."""
    problem_right = (outcome[0] == "unreadable" and outcome[1] == label["problem"]) or (
        outcome[0] != "unreadable" and label["problem"] is None
    )
    want = label["remittance"]
    if outcome[0] != "lines" or want is None:
        return 0, want is None or want["stated_total"] is None, False, problem_right
    expected = Counter(
        (normalise_ref(line["invoice_ref"]), None if line["net"] is None else Decimal(line["net"]))
        for line in want["lines"]
    )
    got = Counter((normalise_ref(ref or ""), amount) for ref, amount in outcome[1])
    total = want["stated_total"]
    total_right = outcome[2] == (None if total is None else Decimal(total))
    payer_right = (outcome[3] or "").casefold() == (want["payer_name"] or "").casefold()
    return sum((expected & got).values()), total_right, payer_right, problem_right


def test_the_fast_reading_is_never_worse_than_pdfplumbers_on_the_labelled_corpus() -> None:
    worse = []
    pdfs = _labelled_pdfs()
    for name, data, label_json in pdfs:
        label = json.loads(label_json)
        fast = _score(_read(name, data, PdfReader.FAST)[0], label)
        slow = _score(_read(name, data, PdfReader.PDFPLUMBER)[0], label)
        if fast[0] < slow[0] or any(s and not f for f, s in zip(fast[1:], slow[1:], strict=True)):
            worse.append(f"{name}: fast {fast}, pdfplumber {slow} (lines, total, payer, reason)")
    differences = _differences(tuple((name, data) for name, data, _ in pdfs))
    assert worse == [], "\n".join(["worse than pdfplumber:", *worse, "differences:", *differences])


def test_every_labelled_remittance_pdf_is_read_by_pdfium_without_a_second_reading() -> None:
    # The fallback exists for what PDFium cannot read; the corpus's readable advices (every
    # layout, train and held-out) must not need it, or the fast path is not fast
    second = []
    readable = 0
    for name, data, label_json in _labelled_pdfs():
        if json.loads(label_json)["problem"] is not None:
            continue
        readable += 1
        _, reading = _read(name, data, PdfReader.FAST)
        if reading is None or reading.reader != "pdfium" or reading.fallback is not None:
            second.append(f"{name}: {reading}")
    assert readable > 120
    assert second == []


def test_the_fast_reading_of_every_labelled_pdf_is_pdfplumbers() -> None:
    differences = _differences(tuple((name, data) for name, data, _ in _labelled_pdfs()))
    assert differences == [], "\n".join(differences)


def test_the_fast_reading_of_every_pdf_of_the_shared_corpora_is_pdfplumbers() -> None:
    # Damaged, encrypted and odd real-world files: where PDFium reads a file differently,
    # the fallback gives pdfplumber's outcome (its reason, or its lines)
    differences = _differences(_shared_pdfs())
    assert differences == [], "\n".join(differences)


def test_how_often_pdfplumber_reads_again_on_the_shared_corpora() -> None:
    # Invoices and damaged files: no remittance lines, so pdfplumber gets its say; a readable
    # PDF with lines is never read twice
    reasons: Counter[str] = Counter()
    for name, data in _shared_pdfs():
        outcome, reading = _read(name, data, PdfReader.FAST)
        if reading is not None and reading.fallback is not None:
            reasons[reading.fallback.split(" (")[0]] += 1
            assert reading.fallback != "the lines do not add up to the stated total", name
        elif reading is not None:
            assert outcome[0] == "lines", name
    assert reasons["no remittance lines"] > 0, reasons
