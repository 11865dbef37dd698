"""Hostile and odd real-world inputs (../shared/corpora, beside the checkout) through the
parsers: every file must end in a value or a handled UnreadableDocumentError, never in an
unhandled exception. Skips when the corpora are absent, and fails instead when CI is set.
"""

from __future__ import annotations

import functools
import re
import time
from collections import Counter
from email.message import EmailMessage
from pathlib import Path

from core.errors import UnreadableDocumentError
from core.types import MailKind
from parsers.classify import classify_email
from parsers.invoice_pdf import read_invoice_fields
from parsers.mime import parse_email
from parsers.remittance import extract_remittance
from parsers.remittance_pdf import parse_pdf_remittance
from tests.conftest import CORPORA, require
from worker.inbound.pool import MailRejectedByLimitError, ParseLimits, read_mail

PDF_FOLDERS = (
    "qpdf-hostile-pdfs",
    "pdfplumber-tests",
    "pdfminer-six-samples",
    "paperless-ngx-samples",
    "py-pdf-sample-files",
)
PDF_SUFFIXES = {".pdf", ".fuzz", ".zip"}
#: Real invoices: read as invoices (against their truth) in test_invoice_pdf.py; here they go
#: through the mail path with the hostile files.
INVOICE_FOLDERS = ("zugferd-corpus", "invoice2data-tests")
HOSTILE = "qpdf-hostile-pdfs"
BASELINE = "BASELINE-pdfplumber-0.11.10.md"
#: What read_invoice_fields (and every PDF reader) may end in besides a value.
UNREADABLE_REASONS = {
    "needs password",
    "no text layer, scan?",
    "malformed PDF",
    "empty file",
    "not a PDF",
}
MAIL_FOLDERS = (
    "cpython-test-email",
    "crymap-test-data",
    "stalwart-mail-parser",
    "paperless-ngx-samples",
)
MAIL_SUFFIXES = {".eml", ".txt"}
#: The whole PDF corpus took about 1 s here; a file that takes this long is a regression.
SLOW_FILE_SECONDS = 10.0


def _files(folders: tuple[str, ...], suffixes: set[str]) -> list[Path]:
    require(CORPORA.is_dir(), f"test corpora not found at {CORPORA}")
    files = [
        path
        for folder in folders
        if (CORPORA / folder).is_dir()
        for path in sorted((CORPORA / folder).iterdir())
        if path.suffix.lower() in suffixes
    ]
    assert files, f"no files under {CORPORA} for {folders}"
    return files


def test_hostile_pdfs_give_a_value_or_a_named_reason() -> None:
    outcomes: dict[str, str] = {}
    unhandled: list[str] = []
    slow: list[str] = []
    for path in _files(PDF_FOLDERS, PDF_SUFFIXES):
        started = time.monotonic()
        try:
            parse_pdf_remittance(path.read_bytes(), filename=path.name)
        except UnreadableDocumentError as e:
            outcomes[path.name] = e.reason
        except Exception as e:  # the point of this test: report every file, do not stop
            unhandled.append(f"{path.parent.name}/{path.name}: {type(e).__name__}: {e}")
        else:
            outcomes[path.name] = "read"
        elapsed = time.monotonic() - started
        if elapsed > SLOW_FILE_SECONDS:
            slow.append(f"{path.name}: {elapsed:.1f} s")
    assert unhandled == []
    assert slow == []
    counts = Counter(outcomes.values())
    assert set(counts) <= {
        "read",
        "needs password",
        "no text layer, scan?",
        "malformed PDF",
        "empty file",
        "not a PDF",
    }
    known = {
        "tests__pdfs__empty.pdf": "empty file",
        "tests__pdfs__password-example.pdf": "needs password",
        "tests__pdfs__issue-948.zip": "not a PDF",
        "samples__encryption__aes-256-r6.pdf": "needs password",
        "samples__encryption__rc4-40.pdf": "needs password",
        "src__documents__tests__samples__password-is-test.pdf": "needs password",
        # garbage before the %PDF header, then a damaged file: "a non-PDF with a .pdf name"
        "src__documents__tests__samples__invalid_pdf.pdf": "malformed PDF",
        "src__paperless__tests__samples__tesseract__tagged-but-no-text.pdf": (
            "no text layer, scan?"
        ),
        "qpdf__qtest__qpdf__issue-449.pdf": "malformed PDF",  # a raw TypeError upstream
    }
    for name, reason in known.items():
        if name in outcomes:
            assert outcomes[name] == reason, name


def test_odd_and_malformed_mails_are_parsed_extracted_and_classified() -> None:
    unhandled: list[str] = []
    for path in _files(MAIL_FOLDERS, MAIL_SUFFIXES):
        try:
            parsed = parse_email(path.read_bytes())
            extraction = extract_remittance(parsed)
            classify_email(parsed, remittance=extraction.remittance, own_address="ar@arbox.example")
        except Exception as e:  # the point of this test: report every file, do not stop
            unhandled.append(f"{path.parent.name}/{path.name}: {type(e).__name__}: {e}")
    assert unhandled == []


def test_list_bounce_from_cpython_corpus_is_never_a_remittance() -> None:
    path = CORPORA / "cpython-test-email" / "msg_16.txt"
    require(path.is_file(), f"{path} not in the corpus")
    parsed = parse_email(path.read_bytes())
    result = classify_email(parsed, remittance=None, own_address="ar@arbox.example")
    assert result.kind in {"bounce", "bulk"}


# --- every PDF as an invoice and through the full mail path ---------------------------------


@functools.cache
def _invoice_outcome(path: Path) -> tuple[str, float]:
    """What read_invoice_fields makes of ``path`` ("read", a reason, or "unhandled ...") and
    the seconds it took."""
    started = time.monotonic()
    try:
        read_invoice_fields(path.read_bytes(), filename=path.name)
    except UnreadableDocumentError as e:
        outcome = e.reason
    except Exception as e:  # the point of these tests: report every file, do not stop
        outcome = f"unhandled {type(e).__name__}: {e}"
    else:
        outcome = "read"
    return outcome, time.monotonic() - started


def _baseline() -> dict[str, tuple[str, str]]:
    """The rows of the qpdf corpus baseline: file -> (outcome "ok"/"exception", detail)."""
    text = (CORPORA / HOSTILE / BASELINE).read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\S+) \| (ok|exception) \| ([^|]*?) \|", text, re.MULTILINE)
    return {name: (outcome, detail) for name, outcome, detail in rows}


def test_every_qpdf_baseline_file_is_classified_as_an_invoice_as_the_baseline_predicts() -> None:
    # Given the baseline of the hostile corpus (pdfplumber's own outcome on each file)
    _files((HOSTILE,), PDF_SUFFIXES)
    baseline = _baseline()
    present = {p.name for p in (CORPORA / HOSTILE).iterdir() if p.suffix in PDF_SUFFIXES}
    assert set(baseline) == present, "the baseline and the folder list different files"
    wrong: list[str] = []
    for name, (outcome, detail) in sorted(baseline.items()):
        # When each file is read as an invoice
        ours, _ = _invoice_outcome(CORPORA / HOSTILE / name)
        # Then pdfplumber's exceptions are named reasons, text is read, no text is a scan
        # (or, for the fuzz files without a %PDF header, not a PDF at all; with no pages at
        # all, a malformed PDF)
        if outcome == "exception":
            expected = {"malformed PDF", "not a PDF", "needs password"}
        elif detail == "0 chars":
            expected = {"no text layer, scan?", "not a PDF", "malformed PDF"}
        else:
            expected = {"read"}
        if ours not in expected:
            wrong.append(f"{name}: {ours!r}, baseline {outcome} {detail!r}")
    assert wrong == []


def test_every_corpus_pdf_read_as_an_invoice_gives_fields_or_a_named_reason() -> None:
    outcomes: dict[str, str] = {}
    slow: list[str] = []
    for path in _files(PDF_FOLDERS, PDF_SUFFIXES):
        outcome, seconds = _invoice_outcome(path)
        outcomes[f"{path.parent.name}/{path.name}"] = outcome
        if seconds > SLOW_FILE_SECONDS:
            slow.append(f"{path.name}: {seconds:.1f} s")
    unhandled = [f"{name}: {o}" for name, o in outcomes.items() if o.startswith("unhandled")]
    assert unhandled == []
    assert slow == []
    assert set(outcomes.values()) <= {"read"} | UNREADABLE_REASONS
    assert outcomes["pdfplumber-tests/tests__pdfs__password-example.pdf"] == "needs password"
    assert outcomes[f"{HOSTILE}/qpdf__qtest__qpdf__issue-449.pdf"] == "malformed PDF"


def _mail_with(path: Path) -> bytes:
    message = EmailMessage()
    message["From"] = "Payables <payables@customer.example>"
    message["To"] = "ar@arbox.example"
    message["Subject"] = "Payment advice"
    message["Message-ID"] = f"<{path.stem}@customer.example>"
    message.set_content("Please find our payment advice attached.")
    message.add_attachment(path.read_bytes(), maintype="application", subtype="pdf",
                           filename=path.name)  # fmt: skip
    return message.as_bytes()


def test_every_corpus_pdf_mailed_as_an_attachment_ends_in_a_remittance_or_a_named_outcome() -> None:
    # Given every PDF of the corpora as the attachment of a payer's mail
    unhandled: list[str] = []
    disagree: list[str] = []
    slow: list[str] = []
    outcomes: Counter[str] = Counter()
    for path in _files(PDF_FOLDERS + INVOICE_FOLDERS, PDF_SUFFIXES):
        raw = _mail_with(path)
        started = time.monotonic()
        # When the worker's reading path runs on it
        try:
            read = read_mail(raw, own_address="ar@arbox.example", limits=ParseLimits())
        except MailRejectedByLimitError as e:
            outcomes[f"rejected: {e}"] += 1
            continue
        except Exception as e:  # the point of this test: report every file, do not stop
            unhandled.append(f"{path.parent.name}/{path.name}: {type(e).__name__}: {e}")
            continue
        finally:
            if time.monotonic() - started > SLOW_FILE_SECONDS:
                slow.append(path.name)
        # Then it is a remittance, or the PDF's problem is named, or it was readable and the
        # mail is classified without one; and the mail path names the same problem the
        # invoice reader finds in the file
        problems = [p for p in read.extraction.problems if p.startswith(f"{path.name}: ")]
        assert read.classification.kind in set(MailKind)
        if path.parent.name not in INVOICE_FOLDERS:
            invoice_outcome, _ = _invoice_outcome(path)
            expected = [] if invoice_outcome == "read" else [f"{path.name}: {invoice_outcome}"]
            if problems != expected:
                disagree.append(f"{path.name}: mail path {problems}, invoice reader {expected}")
        if read.extraction.remittance is not None:
            outcomes["remittance"] += 1
        elif problems:
            outcomes[problems[0].removeprefix(f"{path.name}: ")] += 1
        else:
            outcomes[f"readable, classified {read.classification.kind}"] += 1
    assert unhandled == []
    assert disagree == []
    assert slow == []
    assert outcomes["malformed PDF"] > 0 and outcomes["needs password"] > 0, outcomes
