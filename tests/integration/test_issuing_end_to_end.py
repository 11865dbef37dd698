"""Issuing end to end on the embedded servers (issue 24's acceptance): a file of twenty invoices
for five customers in EUR, CHF and USD is issued with ``arbox invoices issue`` → twenty mails
in the SMTP sink (aiosmtpd) with their PDFs; euro invoices carry the EPC QR code, the Swiss
customer's CHF invoices a QR-bill, the Factur-X ones ``factur-x.xml`` whose totals are the
PDF's and the ledger's, the UBL ones their XML; a re-run sends nothing; then a remittance mail
from a registered contact goes through ``arbox ingest`` (embedded Redis) and is applied
straight through.

The remittance pays by invoice number: resolving the printed RF creditor reference to its
invoice is matching's part (another branch), tested there.
"""

from __future__ import annotations

import json
from decimal import Decimal
from email import message_from_bytes, policy
from email.message import EmailMessage
from io import BytesIO
from pathlib import Path

import facturx
import pdfplumber
import pypdfium2
import pytest
import zxingcpp
from lxml import etree
from sqlalchemy import create_engine, text

from core.locales import format_money
from tests.integration.cli import arbox, arbox_here, cli_env
from tests.integration.issuing_world import COMPANY, PLAN, invoices, write_invoices, write_world

pytestmark = [pytest.mark.integration, pytest.mark.smtp, pytest.mark.redis]

LOCALES = {"C-DE": "de_DE", "C-FR": "fr_FR", "C-NL": "nl_NL", "C-CH": "de_CH", "C-US": "en_US"}
RAM = "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"
CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"


def money(value: object) -> Decimal:
    """A money column read by plain SQL: SQLite keeps thousandths, PostgreSQL the NUMERIC."""
    return Decimal(value).scaleb(-3) if isinstance(value, int) else Decimal(str(value))


def ledger(env: dict[str, str]) -> dict[str, tuple[Decimal, Decimal, Decimal, Decimal, str]]:
    """number → (amount, balance, net, tax, payment reference)."""
    engine = create_engine(env["ARBOX_DATABASE_URL"])
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text(
                    "select number, amount, balance, net_total, tax_total, payment_reference "
                    "from invoices"
                )
            )
            return {
                n: (money(a), money(b), money(net), money(tax), ref)
                for n, a, b, net, tax, ref in found
            }
    finally:
        engine.dispose()


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def spaced(text: str) -> str:
    """``text`` with its no-break and narrow spaces as plain ones (as PDF text reads)."""
    return text.replace("\xa0", " ").replace("\u202f", " ")


def qr_payloads(data: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(data)
    found = []
    for page in document:
        image = page.render(scale=3).to_pil().convert("L")
        found += [r.bytes.decode("utf-8") for r in zxingcpp.read_barcodes(image)]
    return found


def cii_totals(xml: bytes) -> dict[str, Decimal]:
    root = etree.fromstring(xml)
    summation = root.find(f".//{RAM}SpecifiedTradeSettlementHeaderMonetarySummation")
    assert summation is not None
    return {
        name: Decimal(summation.findtext(f"{RAM}{name}") or "nan")
        for name in (
            "TaxBasisTotalAmount",
            "TaxTotalAmount",
            "GrandTotalAmount",
            "DuePayableAmount",
        )
    }


@pytest.fixture
def env(tmp_path: Path, smtp_sink, database_url: str) -> dict[str, str]:
    base = cli_env(tmp_path, smtp_sink, ARBOX_DATABASE_URL=database_url, **COMPANY)
    customers, contacts = write_world(tmp_path)
    for kind, path in (("customers", customers), ("contacts", contacts)):
        done = arbox_here("import", kind, str(path), env=base, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    return base


def test_twenty_invoices_mailed_once_with_their_documents_then_paid_by_mail(
    env, tmp_path, smtp_sink
):
    # Given a file of 20 invoices for 5 customers in EUR, CHF and USD
    docs = invoices(20)
    path = write_invoices(tmp_path / "december.json", docs)
    # When it is issued as a user does
    done = arbox("invoices", "issue", str(path), "--format", "json", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    issued = json.loads(done.stdout)
    assert len(issued) == 20
    assert {i["currency"] for i in issued} == {"EUR", "CHF", "USD"}
    # Then 20 mails are in the sink, one per invoice, each with its PDF
    mails = smtp_sink.wait_for(20, timeout=10)
    assert len(mails) == 20
    books = ledger(env)
    by_number = {}
    for mail in mails:
        parsed = message_from_bytes(mail.raw, policy=policy.default)
        parts = {p.get_filename(): p.get_content() for p in parsed.iter_attachments()}
        pdfs = [name for name in parts if name.endswith(".pdf")]
        assert len(pdfs) == 1
        by_number[pdfs[0].removesuffix(".pdf")] = (mail, parsed, parts)
    assert set(by_number) == {i["invoice_number"] for i in issued}
    for out in issued:
        number, customer = out["invoice_number"], out["customer_number"]
        mail, parsed, parts = by_number[number]
        amount, balance, net, tax, reference = books[number]
        # the ledger holds it as an open item for the amount due
        assert amount == balance == Decimal(out["total"])
        pdf = parts[f"{number}.pdf"]
        printed = spaced(pdf_text(pdf))
        currency = PLAN[customer][0]
        assert spaced(format_money(amount, currency, LOCALES[customer])) in printed
        codes = qr_payloads(pdf)
        if currency == "EUR":  # EPC QR code with the RF reference and the amount
            (epc,) = codes
            fields = epc.split("\n")
            assert fields[:4] == ["BCD", "002", "1", "SCT"]
            assert fields[7] == f"EUR{amount:.2f}" and fields[9] == reference
        elif currency == "CHF":  # a Swiss QR-bill paid to the Swiss account
            swiss = codes[0].replace("\r\n", "\n")
            assert len(codes) == 1
            assert f"\nSCOR\n{reference}\n{number}\n" in swiss
            assert swiss.startswith("SPC\n0200\n1\nCH9300762011623852957")
            assert f"\n{amount:.2f}\nCHF\n" in swiss
        else:
            assert codes == []
        kind = {"C-DE": "factur-x", "C-FR": "factur-x", "C-NL": "ubl"}.get(customer, "none")
        if kind == "factur-x":  # the XML's totals are the PDF's and the ledger's
            name, xml = facturx.get_xml_from_pdf(pdf, check_xsd=True)
            assert name == "factur-x.xml"
            totals = cii_totals(xml)
            assert totals["GrandTotalAmount"] == totals["DuePayableAmount"] == amount
            assert totals["TaxBasisTotalAmount"] == net and totals["TaxTotalAmount"] == tax
        elif kind == "ubl":
            ubl = etree.fromstring(parts[f"{number}.xml"])
            assert Decimal(ubl.findtext(f".//{CBC}PayableAmount") or "nan") == amount
            assert set(parts) == {f"{number}.pdf", f"{number}.xml"}
        else:
            assert set(parts) == {f"{number}.pdf"}
    # When the same file is issued again, nothing is numbered or sent twice
    again = arbox("invoices", "issue", str(path), "--format", "json", env=env, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert [i["invoice_number"] for i in json.loads(again.stdout)] == [
        i["invoice_number"] for i in issued
    ]
    assert len(smtp_sink.wait_for(21, timeout=1)) == 20
    # When the German customer's billing contact pays two of its invoices by mail
    paid = [i for i in issued if i["customer_number"] == "C-DE"][:2]
    mails_dir = tmp_path / "inbound"
    mails_dir.mkdir()
    advice = EmailMessage()
    advice["From"] = "rechnungen@berg.example"
    advice["To"] = "ar@seller.example"
    advice["Subject"] = "Zahlungsavis"
    advice["Message-ID"] = "<avis-1@berg.example>"
    total = sum((Decimal(i["total"]) for i in paid), start=Decimal(0))
    body = "".join(f"Invoice {i['invoice_number']}  EUR {i['total']}\n" for i in paid)
    advice.set_content(f"Hello,\n\nwe paid today:\n\n{body}Total paid: EUR {total}\n\nRegards\n")
    (mails_dir / "avis.eml").write_bytes(advice.as_bytes())
    ingested = arbox("ingest", str(mails_dir), env=env, cwd=tmp_path)
    # Then both are applied straight through and closed in the ledger
    assert ingested.returncode == 0, ingested.stderr
    assert "2 of 2 line(s) applied" in ingested.stdout, ingested.stdout
    assert "1 mails, 1 applied" in ingested.stdout
    after = ledger(env)
    for out in paid:
        assert after[out["invoice_number"]][1] == 0
    unpaid = [i for i in issued if i not in paid]
    assert all(after[i["invoice_number"]][1] == Decimal(i["total"]) for i in unpaid)
