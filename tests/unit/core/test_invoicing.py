"""The figures of an invoice to be issued, and the drafts refused (issue 24)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import InvoiceDataError
from core.invoice_totals import InvoicePolicy, compute_invoice, plain_rate
from core.invoicing import TaxCategory
from core.payment_terms import due_date_from_terms, net_days
from tests.invoice_samples import BUYER, SELLER, credit_note, draft, line

POLICY = InvoicePolicy(tax_rates=frozenset({Decimal("19"), Decimal("7")}))


def test_sample_invoice_figures_are_exact():
    issued = compute_invoice(draft(), policy=POLICY)
    assert [f.net for f in issued.lines] == [Decimal("99.90"), Decimal("129.00"), Decimal("37.50")]
    assert [(s.rate, s.taxable, s.tax) for s in issued.breakdown] == [
        (Decimal("19"), Decimal("228.90"), Decimal("43.49")),  # 43.491
        (Decimal("7"), Decimal("37.50"), Decimal("2.63")),  # 2.625 half up
    ]
    assert issued.total_net == Decimal("266.40")
    assert issued.total_tax == Decimal("46.12")
    assert issued.total_gross == issued.amount_due == Decimal("312.52")


def test_per_line_rounding_sums_rounded_line_taxes():
    # Given three lines of 0.05 net at 19 %: 0.0095 tax each
    lines = tuple(
        line(f"Washer {n}", quantity=Decimal("1"), unit_price=Decimal("0.05")) for n in range(3)
    )
    per_line = compute_invoice(draft(lines=lines), policy=InvoicePolicy(rounding="line"))
    per_total = compute_invoice(draft(lines=lines), policy=InvoicePolicy(rounding="total"))
    # Then each line rounds to 0.01 (sum 0.03), the total 0.15 × 19 % once to 0.03 too,
    assert per_line.total_tax == Decimal("0.03")
    assert per_total.total_tax == Decimal("0.03")
    # and with 0.04 nets (0.0076 each) they differ: 3 × 0.01 against round(0.0228)
    lines = tuple(
        line(f"Pin {n}", quantity=Decimal("1"), unit_price=Decimal("0.04")) for n in range(3)
    )
    assert compute_invoice(
        draft(lines=lines), policy=InvoicePolicy(rounding="line")
    ).total_tax == Decimal("0.03")
    assert compute_invoice(
        draft(lines=lines), policy=InvoicePolicy(rounding="total")
    ).total_tax == Decimal("0.02")


def test_quantities_and_prices_keep_their_decimals_and_round_to_the_currency():
    lines = (line(quantity=Decimal("1.5"), unit_price=Decimal("0.3333")),)  # 0.49995
    assert compute_invoice(draft(lines=lines), policy=POLICY).lines[0].net == Decimal("0.50")
    jpy = compute_invoice(
        draft(currency="JPY", lines=(line(quantity=Decimal("3"), unit_price=Decimal("333.5")),)),
        policy=POLICY,
    )
    assert jpy.total_net == Decimal("1001")  # 1000.5 half up, no decimals
    assert jpy.total_tax == Decimal("190")  # 190.19
    kwd = compute_invoice(
        draft(currency="KWD", lines=(line(quantity=Decimal("1"), unit_price=Decimal("1.2345")),)),
        policy=POLICY,
    )
    assert kwd.total_net == Decimal("1.235")
    assert kwd.total_tax == Decimal("0.235")  # 0.23465


def test_credit_note_names_the_invoice_and_has_positive_figures():
    issued = compute_invoice(credit_note(), policy=POLICY)
    assert issued.is_credit_note
    assert issued.total_gross == Decimal("59.44")  # 49.95 + 9.49


@pytest.mark.parametrize(
    ("overrides", "line_no", "reason"),
    [
        ({"currency": "XAU"}, None, "not money an invoice is written in"),
        ({"currency": "eur"}, None, "not an ISO 4217 code"),
        ({"due_date": date(2026, 11, 30)}, None, "before the issue date"),
        ({"lines": ()}, None, "no lines"),
        (
            {"lines": (line(), line(quantity=Decimal("-1")))},
            2,
            "negative quantity -1 is not allowed",
        ),
        ({"lines": (line(unit_price=Decimal("-5")),)}, 1, "negative unit price"),
        (
            {"lines": (line(tax_rate=Decimal("16")),)},
            1,
            "tax rate 16 % is not configured (configured: 7, 19)",
        ),
        ({"lines": (line(tax_category="X"),)}, 1, "unknown tax category 'X'"),
        ({"lines": (line(tax_category=TaxCategory.ZERO),)}, 1, "charged at 0 %, not 19 %"),
        ({"lines": (line(tax_rate=Decimal("0")),)}, 1, "use Z for zero-rated"),
        ({"lines": (line(quantity=Decimal("NaN")),)}, 1, "quantity NaN is not a number"),
        ({"lines": (line(quantity=Decimal("1.1234567")),)}, 1, "more than 6 decimals"),
        ({"lines": (line(quantity=Decimal("1E+20")),)}, 1, "too large"),
        ({"lines": (line(unit_code="piece"),)}, 1, "UN/ECE Rec 20"),
        ({"lines": (line(description="  "),)}, 1, "no description"),
        (
            {"lines": (line(description="\x1b\u200b\x00 "),)},
            1,
            "no description",
        ),  # control and format characters only
        ({"number": "\x07"}, None, "no number"),
        (
            {
                "buyer": BUYER.__class__(
                    customer_number="C-9", name="No VAT", address=BUYER.address
                ),
                "lines": (line(tax_category=TaxCategory.REVERSE_CHARGE, tax_rate=Decimal("0")),),
            },
            1,
            "needs the buyer's VAT identifier",
        ),
        (
            {"lines": (line(tax_category=TaxCategory.INTRA_COMMUNITY, tax_rate=Decimal("0")),)},
            1,
            "needs the delivery date",
        ),
        (
            {"lines": (line(tax_category=TaxCategory.NOT_SUBJECT, tax_rate=Decimal("0")),)},
            1,
            "without VAT identifiers",
        ),
        (
            {"seller": replace(SELLER, vat_id=None)},
            None,
            "legal registration identifier (BR-CO-26)",
        ),
        ({"credits": credit_note().credits}, None, "only a credit note"),
        (
            {"seller": replace(SELLER, iban="DE02120300000000202052")},
            None,
            "IBAN 'DE02120300000000202052' is not valid",
        ),
        ({"seller": replace(SELLER, bic="BYLADEM")}, None, "BIC 'BYLADEM' is not valid"),
    ],
)
def test_wrong_drafts_are_refused_with_line_and_reason(overrides, line_no, reason):
    with pytest.raises(InvoiceDataError) as caught:
        compute_invoice(draft(**overrides), policy=POLICY)
    assert caught.value.line == line_no
    assert reason in caught.value.reason


def test_credit_note_without_the_invoice_it_credits_is_refused():
    with pytest.raises(InvoiceDataError, match="must name the invoice"):
        compute_invoice(credit_note(credits=None), policy=POLICY)


def test_negative_quantity_allowed_when_the_policy_says_so():
    lines = (line(), line("Deposit returned", quantity=Decimal("-1"), unit_price=Decimal("10")))
    issued = compute_invoice(draft(lines=lines), policy=InvoicePolicy(allow_negative_quantity=True))
    assert issued.total_net == Decimal("89.90")


def test_rates_are_written_without_exponents():
    assert [str(plain_rate(Decimal(r))) for r in ("19.00", "20", "7.50", "0.0", "5.5")] == [
        "19",
        "20",
        "7.5",
        "0",
        "5.5",
    ]


@pytest.mark.parametrize(
    ("terms", "days"),
    [
        ("Net 30", 30),
        ("NET30", 30),
        ("2/10 Net 30", 30),
        ("n 45", 45),
        ("Due on receipt", 0),
        ("Net 0", 0),
    ],
)
def test_due_date_from_terms(terms, days):
    assert net_days(terms) == days
    assert due_date_from_terms(date(2026, 12, 1), "Net 30") == date(2026, 12, 31)


@pytest.mark.parametrize("terms", ["Net 30 EOM", "pay soon", "30"])
def test_unread_terms_are_refused(terms):
    with pytest.raises(ValueError, match="terms"):
        net_days(terms)


_amounts = st.decimals(
    min_value=Decimal("0"), max_value=Decimal("99999"), places=4, allow_nan=False
)
_lines = st.lists(
    st.tuples(
        st.decimals(min_value=Decimal("-50"), max_value=Decimal("500"), places=3, allow_nan=False),
        _amounts,
        st.sampled_from([Decimal("19"), Decimal("7"), Decimal("0")]),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(
    rows=_lines,
    rounding=st.sampled_from(["line", "total"]),
    currency=st.sampled_from(["EUR", "JPY", "KWD"]),
)
def test_totals_add_up_exactly(rows, rounding, currency):
    lines = tuple(
        line(
            f"Item {n}",
            quantity=q,
            unit_price=p,
            tax_rate=r,
            tax_category=TaxCategory.ZERO if r == 0 else TaxCategory.STANDARD,
        )
        for n, (q, p, r) in enumerate(rows)
    )
    policy = InvoicePolicy(rounding=rounding, allow_negative_quantity=True)
    issued = compute_invoice(draft(currency=currency, lines=lines, seller=SELLER), policy=policy)
    unit = Decimal(1).scaleb(-{"EUR": 2, "JPY": 0, "KWD": 3}[currency])
    # Every figure is a whole number of minor units,
    for amount in (
        issued.total_net,
        issued.total_tax,
        issued.total_gross,
        *(f.net for f in issued.lines),
    ):
        assert amount == amount.quantize(unit)
    # the breakdown covers every line once and sums to the totals,
    assert (
        sum(s.taxable for s in issued.breakdown)
        == issued.total_net
        == sum(f.net for f in issued.lines)
    )
    assert sum(s.tax for s in issued.breakdown) == issued.total_tax
    assert issued.total_gross == issued.total_net + issued.total_tax == issued.amount_due
    for subtotal in issued.breakdown:
        members = [f for f in issued.lines if f.line.tax_rate == subtotal.rate]
        assert subtotal.taxable == sum(f.net for f in members)
        exact = subtotal.taxable * subtotal.rate / 100
        if rounding == "line":  # the rate's tax is its lines' rounded taxes
            assert subtotal.tax == sum(f.tax for f in members)
            assert abs(subtotal.tax - exact) <= unit / 2 * len(members)
        else:  # one rounding, half a minor unit at most
            assert abs(subtotal.tax - exact) <= unit / 2
