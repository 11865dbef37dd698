"""An open credit memo on a statement names the invoice it credits: in the PDF (read back)
and in the mail's text and HTML, in each packaged language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from email import message_from_bytes, policy

import pytest

from ledger.statements import Statement, build_statements
from outbound.pdf_statement import render_statement_pdf
from tests.unit.outbound.test_statement_documents import COMPANY, compose, pdf_text


def _statement() -> Statement:
    (built,) = build_statements(
        customer_id=7,
        customer_number="C-007",
        customer_name="Acme Corp",
        contacts=("ap@acme.example",),
        as_of=date(2026, 12, 1),
        invoices=[
            (
                "INV-2026-000017",
                date(2026, 11, 1),
                date(2026, 12, 1),
                Decimal("1000.00"),
                Decimal("1000.00"),
                "EUR",
            ),
            (
                "CN-2026-000004",
                date(2026, 11, 5),
                date(2026, 11, 5),
                Decimal("-250.00"),
                Decimal("-250.00"),
                "EUR",
                "INV-2026-000017",
            ),
            (
                "CN-OLD-9",
                date(2026, 10, 5),
                date(2026, 10, 5),
                Decimal("-10.00"),
                Decimal("-10.00"),
                "EUR",
                None,
            ),
        ],
        unapplied=[],
    )
    return built


def test_the_statement_keeps_the_invoice_each_credit_memo_credits():
    st = _statement()
    assert [(c.number, c.credits_number) for c in st.credits] == [
        ("CN-OLD-9", None),
        ("CN-2026-000004", "INV-2026-000017"),
    ]
    assert st.total_due == Decimal("740.00")


def test_the_pdf_names_the_invoice_a_credit_memo_credits():
    _, text = pdf_text(render_statement_pdf(_statement(), company=COMPANY))
    assert "CN-2026-000004 for INV-2026-000017 Nov 5, 2026 -250.00" in text
    assert "CN-OLD-9 Oct 5, 2026 -10.00" in text


@pytest.mark.parametrize(
    ("locale", "line"),
    [
        ("en_US", "credit note CN-2026-000004 for INV-2026-000017"),
        ("de_DE", "Gutschrift CN-2026-000004 zu INV-2026-000017"),
        ("fr_FR", "avoir CN-2026-000004 sur INV-2026-000017"),
        ("es_ES", "abono CN-2026-000004 de INV-2026-000017"),
        ("nl_NL", "creditnota CN-2026-000004 bij INV-2026-000017"),
    ],
)
def test_the_mail_lists_each_credit_memo_with_its_invoice(locale, line):
    raw = compose(_statement(), locale=locale).as_bytes(policy=policy.SMTP)
    parsed = message_from_bytes(raw, policy=policy.default)
    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    assert line in text and line in html
    assert "CN-OLD-9" in text
