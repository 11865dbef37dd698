"""The mail and the ledger of the end-to-end benchmark (``bench/e2e.py``), and the bare cost of
reading its PDFs with pdfplumber and with PDFium.

Every mail pays exact open invoices in full, from a registered contact: the easiest real case.
The PDFs come from the fixture generators (``fixtures/generate.py``): the one-page ruled table
and the multi-page advice with page subtotals.
"""

from __future__ import annotations

import csv
import io
import random
import statistics
import time
from dataclasses import dataclass
from decimal import Decimal
from email.message import EmailMessage
from email.policy import default as default_policy

from fixtures.generate import Customer, multipage_pdf, ruled_table_pdf

AR_ADDRESS = "ar@arbox.example"
CUSTOMERS = 20
#: The kinds of mail ``--mix`` cycles through, in this order.
MIX = ("pdf", "pdf_pages", "body", "csv")
MAIL_DATE = "Mon, 23 Nov 2026 10:00:00 +0000"


@dataclass(frozen=True)
class BenchMail:
    """One generated mail: its kind, bytes, and the PDF it carries (None for body and CSV)."""

    kind: str
    raw: bytes
    pdf: bytes | None
    message_id: str


@dataclass(frozen=True)
class World:
    """The invoice CSV to import and the mails that pay them."""

    ledger_csv: str
    mails: list[BenchMail]
    lines: int  # remittance lines over all mails


def customer(c: int) -> Customer:
    return Customer(f"C{c:04d}", f"Customer {c} Inc", f"ap@c{c}.example", f"Payer {c}", "Net 30")


def kinds(count: int, mix: bool, kind: str = "pdf") -> list[str]:
    """The kind of each of ``count`` mails: ``kind``, or every kind of :data:`MIX` in turn."""
    return [MIX[n % len(MIX)] if mix else kind for n in range(count)]


def make_world(
    count: int,
    *,
    mix: bool,
    kind: str = "pdf",
    lines: int = 15,
    pages: int = 4,
    page_lines: int = 120,
    seed: int = 1,
) -> World:
    """``count`` mails, each paying its own invoices (every invoice is paid once, in full)."""
    rng = random.Random(seed)
    header = (
        "invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount"
    )
    rows = [header]
    mails = []
    total_lines = 0
    for n, kind_of in enumerate(kinds(count, mix, kind)):
        payer = customer(n % CUSTOMERS + 1)
        size = page_lines if kind_of == "pdf_pages" else lines
        paid = []
        for i in range(size):
            number = f"INV-{n:05d}-{i:03d}"
            amount = Decimal(rng.randint(10_000, 500_000)) / 100
            rows.append(
                f"{number},{payer.number},{payer.name},{payer.email},2026-10-01,2026-10-31,{amount}"
            )
            paid.append((number, "2026-10-01", f"{amount:.2f}"))
        total_lines += size
        mails.append(_mail(n, kind_of, payer, paid, pages))
    return World("\n".join(rows) + "\n", mails, total_lines)


def _mail(
    n: int, kind: str, payer: Customer, paid: list[tuple[str, str, str]], pages: int
) -> BenchMail:
    msg = EmailMessage(policy=default_policy)
    msg["From"] = f"{payer.contact} <{payer.email}>"
    msg["To"] = AR_ADDRESS
    msg["Subject"] = f"Remittance advice {n}"
    msg["Date"] = MAIL_DATE
    msg["Message-ID"] = f"<e2e-{n}@{payer.email.partition('@')[2]}>"
    total = sum((Decimal(a) for _, _, a in paid), start=Decimal(0))
    pdf = None
    if kind == "body":
        table = "".join(f"{ref}   {day}   {amount}\n" for ref, day, amount in paid)
        msg.set_content(f"Hello,\n\nwe paid these invoices:\n\n{table}\nTotal {total:.2f}\n")
    else:
        msg.set_content(
            f"Hello,\n\nplease find our remittance advice attached (total {total:.2f}).\n"
        )
        if kind == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow(["Invoice", "Invoice date", "Amount paid"])
            writer.writerows(paid)
            msg.add_attachment(
                buffer.getvalue().encode(),
                maintype="text",
                subtype="csv",
                filename="remittance.csv",
            )
        else:
            ref, date = f"PAY-{n:06d}", "2026-11-20"
            if kind == "pdf_pages":
                per_page = -(-len(paid) // pages)
                pdf = multipage_pdf(payer, paid, per_page=per_page, payment_ref=ref, date=date)
            else:
                pdf = ruled_table_pdf(payer, paid, payment_ref=ref, date=date)
            msg.add_attachment(
                pdf, maintype="application", subtype="pdf", filename="remittance.pdf"
            )
    for number, part in enumerate(msg.walk()):
        if part.is_multipart():
            part.set_boundary(f"=_e2e_{n}_{number}")
    return BenchMail(kind, msg.as_bytes(), pdf, str(msg["Message-ID"]))


# --- the bare cost of reading the PDFs --------------------------------------------------------


def pdfplumber_read(pdf: bytes) -> int:
    """Text and tables of every page, as pdfplumber gives them; how many characters."""
    import pdfplumber

    got = 0
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            got += len(page.extract_text() or "")
            got += sum(len(t) for t in page.extract_tables())
    return got


def pdfium_read(pdf: bytes) -> int:
    """The text of every page, as PDFium gives it; how many characters."""
    import pypdfium2 as pdfium

    got = 0
    doc = pdfium.PdfDocument(pdf)
    try:
        for page in doc:
            textpage = page.get_textpage()
            got += len(textpage.get_text_range())
            textpage.close()
            page.close()
    finally:
        doc.close()
    return got


def bare_costs(mails: list[BenchMail], sample: int) -> dict[str, dict[str, float]]:
    """Per kind of PDF mail: the median CPU ms per PDF of each reader over up to ``sample`` PDFs,
    and the ratio pdfplumber / PDFium."""
    out: dict[str, dict[str, float]] = {}
    for kind in sorted({m.kind for m in mails if m.pdf is not None}):
        pdfs = [m.pdf for m in mails if m.kind == kind and m.pdf is not None][:sample]
        times: dict[str, list[float]] = {"pdfplumber_ms": [], "pdfium_ms": []}
        for pdf in pdfs:
            for key, read in (("pdfplumber_ms", pdfplumber_read), ("pdfium_ms", pdfium_read)):
                start = time.process_time()
                read(pdf)
                times[key].append((time.process_time() - start) * 1000)
        row = {key: round(statistics.median(v), 2) for key, v in times.items()}
        row["ratio"] = round(row["pdfplumber_ms"] / max(row["pdfium_ms"], 1e-6), 1)
        row["pdfs"] = len(pdfs)
        out[kind] = row
    return out
