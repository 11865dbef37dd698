"""Invoices are not remittances: an invoice's item table must never become remittance lines,
while every remittance layout stays readable."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from core.types import MailKind
from parsers.document_kind import has_payment_mark, invoice_marks, is_invoice_document
from worker.inbound.pool import ParseLimits, read_mail

INVOICE_FOLDERS = ("invoice2data-tests", "zugferd-corpus")


def _real_invoices(corpora_dir: Path) -> list[Path]:
    files = sorted(p for f in INVOICE_FOLDERS for p in (corpora_dir / f).glob("*.pdf"))
    assert len(files) >= 40, files
    return files


def _mail(pdf: bytes, name: str, *, subject: str, body: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "ap@payer.example"
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{name}@payer.example>"
    msg.set_content(body)
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename=name)
    return msg.as_bytes()


def test_real_invoices_attached_to_a_mail_give_no_remittance_lines(corpora_dir):
    # Given each real invoice PDF attached to a mail titled "Payment advice"
    read_as_remittance = []
    for path in _real_invoices(corpora_dir):
        raw = _mail(path.read_bytes(), path.name, subject="Payment advice", body="See attached.")
        read = read_mail(raw, own_address="ar@arbox.example", limits=ParseLimits())
        rem = read.extraction.remittance
        # Then no line of the invoice's item table is taken for a payment
        if rem is not None and rem.lines and rem.source == "pdf":
            read_as_remittance.append((path.name, len(rem.lines)))
    # (before parsers.document_kind, 27 of the 42 were read as remittances)
    assert read_as_remittance == [], read_as_remittance


def test_real_invoices_are_told_from_remittances(corpora_dir):
    import warnings

    import pdfplumber

    missed = []
    files = _real_invoices(corpora_dir)
    for path in files:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pdfplumber.open(path) as pdf:
                text = "\n".join((page.extract_text() or "") for page in pdf.pages[:5])
        if not is_invoice_document(text):
            missed.append(path.name)
    # the one left is a hotel payment receipt: neither an invoice nor a remittance
    assert len(missed) <= 1, missed


@pytest.mark.parametrize(
    "text",
    [
        "Remittance Advice\nPayment date: 11/14/2026\nInvoice # Date Gross Paid\nINV-1 10/01/2026 100.00 100.00",
        "Z A H L U N G S A V I S\nRe.-Nr. 0010884 88,22",
        "CHECK NO 353443 CHECK DATE 11/11/26\nINVOICE NO INV DATE GROSS AMT NET AMT",
        "Zahlung\nzum Ausgleich der Rechnungen #10682 und #10695 haben wir EUR 13.481,72 überwiesen",
        "AVIS DE PAIEMENT\nN° facture Date Montant TTC Net payé",
    ],
)
def test_remittance_advices_are_not_invoices(text):
    assert not is_invoice_document(text)


def test_an_invoice_that_mentions_remittance_only_to_refuse_it_is_an_invoice():
    text = (
        "VAT invoice (Not to be used for payment remittance)\nBill to: Example Co\n"
        "Invoice Number: 123\nDescription Qty Unit price\nSubtotal 10.00\nVAT 2.00\n"
    )
    assert invoice_marks(text) >= 3 and not has_payment_mark(text)
    assert is_invoice_document(text)


def test_a_question_mail_with_our_invoice_attached_stays_the_question(corpora_dir):
    path = _real_invoices(corpora_dir)[0]
    raw = _mail(
        path.read_bytes(),
        path.name,
        subject="Invoice query",
        body="Hello, we think this invoice is wrong: the price is incorrect. Please check.",
    )
    read = read_mail(raw, own_address="ar@arbox.example", limits=ParseLimits())
    assert read.classification.kind is MailKind.DISPUTE
