"""Statement and invoice-copy PDFs read back with pdfplumber, and the mails that carry them
parsed back: the right numbers, exactly the customer's contacts, text + HTML + PDF."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from email import message_from_bytes, policy
from email.utils import getaddresses
from io import BytesIO
from pathlib import Path

import pdfplumber
import pytest

from ledger.invoice_copies import InvoiceCopy
from ledger.statements import Statement, build_statements
from outbound.compose import stable_message_id
from outbound.documents import compose_invoice_copy, compose_statement
from outbound.pdf_invoice import render_invoice_pdf
from outbound.pdf_layout import CompanyBlock
from outbound.pdf_statement import render_statement_pdf

NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
AS_OF = date(2026, 12, 1)
COMPANY = CompanyBlock(
    name="Example Supplies Co.",
    address=("1 Harbour Road", "Springfield 12345"),
    remit_to=("Example Bank", "Account 0012-3456-78"),
)


def statement(
    *, items: int = 4, contacts=("ap@acme.example", "AR@acme.example"), name="Acme Corp"
) -> Statement:
    # Due dates spread over the buckets: 2026-12-10 current, then 10, 45, 75, 120 days late.
    dues = [date(2026, 12, 10), date(2026, 11, 21), date(2026, 10, 17), date(2026, 9, 17)]
    dues.append(date(2026, 8, 3))
    invoices = [
        (
            f"INV-{n:05d}",
            date(2026, 7, 1),
            dues[n % 5],
            Decimal("100.00") * (n + 1),
            Decimal("100.00") * (n + 1),
            "USD",
        )
        for n in range(items)
    ]
    invoices.append(
        (
            "CM-00001",
            date(2026, 11, 2),
            date(2026, 11, 2),
            Decimal("-35.50"),
            Decimal("-35.50"),
            "USD",
        )
    )
    (built,) = build_statements(
        customer_id=7,
        customer_number="C-007",
        customer_name=name,
        contacts=contacts,
        as_of=AS_OF,
        invoices=invoices,
        unapplied=[(date(2026, 11, 20), "ACH 778812", Decimal("12.25"), "USD")],
    )
    return built


def pdf_text(data: bytes) -> tuple[int, str]:
    with pdfplumber.open(BytesIO(data)) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
        for page in pdf.pages:
            page.close()
    return len(pages), "\n".join(pages)


def test_statement_pdf_shows_items_buckets_credits_unapplied_cash_and_total_due():
    # Given four open invoices (one per bucket up to 61–90), a credit memo and unapplied cash
    st = statement(items=4)
    # When the statement is rendered and read back
    pages, text = pdf_text(render_statement_pdf(st, company=COMPANY))
    # Then every number is there: items with days past due, credits, cash, buckets, total
    assert pages == 1
    assert "INV-00000 Jul 1, 2026 Dec 10, 2026 100.00 100.00" in text
    assert "INV-00001 Jul 1, 2026 Nov 21, 2026 200.00 200.00 10" in text
    assert "INV-00002 Jul 1, 2026 Oct 17, 2026 300.00 300.00 45" in text
    assert "INV-00003 Jul 1, 2026 Sep 17, 2026 400.00 400.00 75" in text
    assert "Open items total 1,000.00" in text
    assert "CM-00001 Nov 2, 2026 -35.50" in text
    assert "Nov 20, 2026 ACH 778812 12.25" in text
    assert "Current 1-30 31-60 61-90 90+ Total" in text
    assert "100.00 200.00 300.00 400.00 0.00 1,000.00" in text
    assert "Total due: $952.25" in text  # 1,000.00 − 35.50 − 12.25
    assert "Total due 952.25" in text
    # "Less" takes them off: no double minus (issue 21: "Less unapplied cash -950.00")
    assert "Less credits 35.50" in text and "Less unapplied cash 12.25" in text
    assert "--" not in text and "Less credits -" not in text
    assert "Example Supplies Co." in text and "Springfield 12345" in text
    assert "Account 0012-3456-78" in text
    assert "Acme Corp" in text and "As of: Dec 1, 2026" in text


def test_statement_total_due_is_open_items_less_credits_less_unapplied_cash():
    st = statement(items=5)
    assert st.open_total == Decimal("1500.00")
    assert [b.amount for b in st.aging] == [
        Decimal(x) for x in ("100.00", "200.00", "300.00", "400.00", "500.00")
    ]
    assert sum((b.amount for b in st.aging), start=Decimal(0)) == st.open_total
    assert st.credits_total == Decimal("35.50")
    assert st.unapplied_total == Decimal("12.25")
    assert st.total_due == Decimal("1452.25")
    assert st.overdue_total == Decimal("1400.00")


def test_long_statement_runs_over_several_pages_with_every_item_and_the_header_repeated():
    # Given a customer with 130 open items
    st = statement(items=130)
    # When its statement is rendered
    with pdfplumber.open(BytesIO(render_statement_pdf(st, company=COMPANY))) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
    text = "\n".join(pages)
    # Then it takes several pages, lists every item once, and every page with items repeats
    # the table header and carries its page number
    assert len(pages) >= 3
    assert all(text.count(f"INV-{n:05d} ") == 1 for n in range(130))
    for number, page in enumerate(pages, start=1):
        if "INV-" in page:
            assert "Invoice Issued Due Amount Balance Days past due" in page
        assert f"Page {number}" in page
    assert f"Open items total {sum(range(1, 131)) * 100:,}.00" in text


def test_statement_pdf_bytes_are_the_same_for_the_same_statement():
    st = statement()
    assert render_statement_pdf(st, company=COMPANY) == render_statement_pdf(st, company=COMPANY)


def test_markup_in_a_customer_name_is_printed_as_text():
    st = statement(name="Acme <b>Bold</b> & Sons")
    _, text = pdf_text(render_statement_pdf(st, company=COMPANY))
    assert "Acme <b>Bold</b> & Sons" in text


def invoice_copy(**kw) -> InvoiceCopy:
    values = {
        "number": "INV-70001",
        "customer_number": "C-007",
        "customer_name": "Acme Corp",
        "issue_date": date(2026, 10, 1),
        "due_date": date(2026, 10, 31),
        "amount": Decimal("1250.00"),
        "balance": Decimal("250.00"),
        "currency": "USD",
        "terms": "2/10 Net 30",
    }
    values.update(kw)
    return InvoiceCopy(**values)


def test_invoice_copy_pdf_shows_number_dates_amount_balance_and_terms():
    pdf = render_invoice_pdf(invoice_copy(), company=COMPANY)
    _, text = pdf_text(pdf)
    assert "Invoice (copy)" in text
    assert "INV-70001 Oct 1, 2026 Oct 31, 2026 2/10 Net 30 1,250.00 250.00" in text
    assert "Open balance: $250.00" in text
    assert "Example Supplies Co." in text and "Acme Corp" in text
    assert pdf == render_invoice_pdf(invoice_copy(), company=COMPANY)


def recipients(raw: bytes) -> set[str]:
    parsed = message_from_bytes(raw, policy=policy.default)
    fields = [str(v) for k in ("To", "Cc", "Bcc") for v in parsed.get_all(k, [])]
    return {addr.lower() for _, addr in getaddresses(fields)}


def compose(st: Statement, **kw):
    values = {
        "sender": "ar@supplies.example",
        "company_name": "Example Supplies Co.",
        "to": st.contacts,
        "message_id": stable_message_id("statement:C-007:2026-12-01", domain="supplies.example"),
        "now": NOW,
    }
    values.update(kw)
    return compose_statement([st], [render_statement_pdf(st, company=COMPANY)], **values)


def test_statement_mail_goes_to_exactly_the_contacts_with_text_html_and_the_pdf():
    # Given a statement of a customer with two contacts
    st = statement()
    # When its mail is composed and parsed back from bytes
    raw = compose(st).as_bytes(policy=policy.SMTP)
    parsed = message_from_bytes(raw, policy=policy.default)
    # Then the recipients are exactly the contacts, and text, HTML and the PDF are all there
    assert recipients(raw) == {"ap@acme.example", "ar@acme.example"}
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["Subject"] == "Statement of account C-007 as of Dec 1, 2026"
    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    assert "Total due:           $952.25" in text
    assert "$952.25" in html
    (attachment,) = list(parsed.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "statement-C-007-2026-12-01.pdf"
    _, pdf = pdf_text(attachment.get_content())
    assert "Total due: $952.25" in pdf


def test_statement_message_id_is_stable_for_the_outbox_key():
    st = statement()
    assert compose(st)["Message-ID"] == compose(st)["Message-ID"]
    assert re.fullmatch(r"<arbox\.[0-9a-f]{32}@supplies\.example>", compose(st)["Message-ID"])


def test_customer_name_is_escaped_in_the_html_part_and_cannot_break_headers():
    st = statement(name="Evil <script>alert(1)</script>\r\nBcc: thief@evil.example")
    raw = compose(st, company_name="Example\r\nBcc: thief@evil.example").as_bytes(
        policy=policy.SMTP
    )
    parsed = message_from_bytes(raw, policy=policy.default)
    assert recipients(raw) == {"ap@acme.example", "ar@acme.example"}
    html = parsed.get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_statement_without_a_valid_recipient_is_refused():
    with pytest.raises(ValueError):
        compose(statement(contacts=()))
    with pytest.raises(ValueError):
        compose(statement(), to=["not an address"])


def test_invoice_copy_reply_is_threaded_and_marked_auto_replied():
    copy = invoice_copy()
    msg = compose_invoice_copy(
        [copy],
        [render_invoice_pdf(copy, company=COMPANY)],
        sender="ar@supplies.example",
        company_name="Example Supplies Co.",
        to=["ap@acme.example"],
        message_id=stable_message_id("copy:1", domain="supplies.example"),
        now=NOW,
        subject="Copy of INV-70001 please",
        in_reply_to="<q1@acme.example>",
    )
    parsed = message_from_bytes(msg.as_bytes(policy=policy.SMTP), policy=policy.default)
    assert parsed["Subject"] == "Re: Copy of INV-70001 please"
    assert parsed["In-Reply-To"] == "<q1@acme.example>"
    assert parsed["Auto-Submitted"] == "auto-replied"
    assert "invoice INV-70001 of Oct 1, 2026" in parsed.get_body(("plain",)).get_content()
    (attachment,) = list(parsed.iter_attachments())
    assert attachment.get_filename() == "invoice-INV-70001.pdf"
    assert "Open balance: $250.00" in pdf_text(attachment.get_content())[1]


def test_templates_dir_overrides_the_packaged_templates_by_name(tmp_path: Path):
    # Given a company template for the plain-text statement only
    (tmp_path / "statement.txt.j2").write_text(
        "Dear {{ customer.customer_name }}, you owe {{ statements[0].total_due|amount('USD') }}.\n"
    )
    # When a statement mail is composed with that directory
    msg = compose(statement(), templates_dir=tmp_path)
    # Then the text part is the company's wording and the HTML part still the packaged one
    assert msg.get_body(("plain",)).get_content() == "Dear Acme Corp, you owe 952.25.\n"
    assert "please find attached your statement" in msg.get_body(("html",)).get_content()
