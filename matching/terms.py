"""Payment terms and early-payment discounts. Pure: no IO.

``2/10 Net 30`` means 2 % off when paid within 10 days of the invoice date, the full amount
within 30. A discount is *earned* when the payment date is within the window (plus a grace the
company allows, ``MatchPolicy.discount_grace_days``); a payer who takes it later has taken an
*unearned* discount, and the difference stays open. Forms read: ``2/10 Net 30``,
``2/10 N30``, ``2% 10 Net 30``, ``1.5/15 net 45``, ``2/10EOM`` (no: end-of-month terms are
not read, and give no discount here), ``Net 30`` (no discount).

The discount is computed on the invoice amount and rounded to the cent half-up, the way
invoicing systems print it: this is a calculation of ours, not a payer's amount being rounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from core.money import round_money
from core.types import OpenInvoice

_TERMS_RE = re.compile(
    r"^\s*(?P<pct>\d{1,2}(?:[.,]\d{1,2})?)\s*%?\s*/?\s*(?P<days>\d{1,3})\s*(?:days?)?"
    r"\s*,?\s*(?:net|n)\s*(?P<net>\d{1,3})\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Terms:
    """An early-payment discount: ``percent`` off within ``days`` of the invoice date."""

    percent: Decimal
    days: int
    net_days: int


def parse_terms(text: str | None) -> Terms | None:
    """The discount terms in ``text``, or None when it grants no discount (or is unread)."""
    if not text:
        return None
    m = _TERMS_RE.match(text)
    if m is None:
        return None
    percent = Decimal(m.group("pct").replace(",", "."))
    if percent <= 0 or percent >= 100:
        return None
    return Terms(percent=percent, days=int(m.group("days")), net_days=int(m.group("net")))


def discount_of(invoice: OpenInvoice) -> Decimal:
    """The discount the terms grant on the invoice's amount (0.00 without terms)."""
    terms = parse_terms(invoice.terms)
    if terms is None or invoice.amount is None:
        return Decimal("0.00")
    return round_money(invoice.amount * terms.percent / 100, invoice.currency)


def earned_discount(invoice: OpenInvoice, *, paid_on: date | None, grace_days: int) -> Decimal:
    """The discount the payer may take on ``invoice`` when paying on ``paid_on``.

    0.00 when there are no discount terms, the payment date or invoice date is unknown, the
    window (plus ``grace_days``) has passed, or the invoice was already paid in part (the
    discount is for paying the whole invoice early).
    """
    terms = parse_terms(invoice.terms)
    if terms is None or paid_on is None or invoice.issue_date is None:
        return Decimal("0.00")
    if invoice.amount is None or invoice.balance != invoice.amount:
        return Decimal("0.00")
    if paid_on > invoice.issue_date + timedelta(days=terms.days + grace_days):
        return Decimal("0.00")
    return discount_of(invoice)
