"""A payment announced in a sentence, naming no document, is a one-line remittance."""

from __future__ import annotations

from decimal import Decimal

import pytest

from parsers.payment_notice import payment_without_references


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("Hello,\nwe sent a wire of USD 3,456.78 today for our open invoices.\n", "3456.78", "USD"),
        ("We have paid $1,200.00 by ACH this morning.", "1200.00", None),
        ("Payment of EUR 980,00 has been released to your account.", "980.00", "EUR"),
        ("The payment of USD 1,234.56 was sent by wire.", "1234.56", "USD"),
        ("Amount paid: 12,000.00 USD", "12000.00", "USD"),
        ("Guten Tag,\nwir haben heute 1.234,56 € überwiesen.\n", "1234.56", "EUR"),
        ("Bonjour,\nnous avons viré 2 500,00 € ce matin.\n", "2500.00", "EUR"),
    ],
)
def test_an_announced_payment_is_one_line_without_a_reference(text, amount, currency):
    remittance = payment_without_references(text)
    assert remittance is not None
    (line,) = remittance.lines
    assert line.invoice_ref is None
    assert line.amount == Decimal(amount)
    assert remittance.stated_total == Decimal(amount)
    assert remittance.currency == currency


@pytest.mark.parametrize(
    "text",
    [
        "Did you receive our payment of $1,200.00?",
        "We will pay $1,200.00 next Friday.",
        "Please confirm: we paid $1,200.00 last week but got a reminder.",
        "We paid $1,200.00 for invoice INV-1001.",  # names a document: read as a remittance
        "We paid $1,200.00 on Monday and $300.00 on Tuesday.",  # two amounts in one sentence
        "We paid $1,200.00 on Monday.\nWe paid $300.00 on Tuesday.",  # two payments
        "Your statement shows a balance of $1,200.00.",  # nobody says they sent money
        "We have not paid the $1,200.00 yet.",
    ],
)
def test_questions_plans_documents_and_several_amounts_are_not_announcements(text):
    assert payment_without_references(text) is None


def test_a_quoted_announcement_of_an_earlier_mail_does_not_count():
    text = "Thanks for the statement.\n\n> We sent a wire of USD 3,456.78 today.\n"
    assert payment_without_references(text) is None


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        (
            "Remittance advice 922820\n\nPayment reference:  922820\nAmount paid:  $48,533.05\n",
            "922820",
        ),
        (
            "please note our ACH of $956.15 dated November 14, 2026 (reference ACH69419583).",
            "ACH69419583",
        ),
        (
            "we have sent a payment of $36,840.73 by check on 11/14/2026, reference 780942.",
            "780942",
        ),
    ],
)
def test_the_payments_own_reference_is_no_document_and_is_kept(text, ref):
    remittance = payment_without_references(text)
    assert remittance is not None
    assert remittance.lines[0].invoice_ref is None
    assert remittance.payment_ref == ref
