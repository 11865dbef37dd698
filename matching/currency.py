"""The currency of a remittance that names none. Pure: no IO.

A clerk reads "we paid 12,408.90 for 90051177" from a customer whose invoices are all in EUR
as a EUR payment: a remittance is in the currency of what it pays (issue 17). So:

1. a currency the payer states (a code or a symbol: the parsers') always wins, even where it
   disagrees with the invoices (those lines then go to a person, matching.decide);
2. else the currency of the invoices the lines name, when they all agree (of the identified
   customers' invoices, when the sender is identified);
3. else the currency of the identified customers' open items, when they have one;
4. else the default (``ARBOX_DEFAULT_CURRENCY``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.types import OpenInvoice


@dataclass(frozen=True, slots=True)
class InferredCurrency:
    """The currency a remittance is decided in, and where it came from."""

    code: str
    #: ``stated`` | ``named invoices`` | ``open items`` | ``default``
    source: str


def remittance_currency(
    stated: str | None,
    *,
    named: Iterable[OpenInvoice],
    customer_ids: Iterable[int],
    customer_open: Iterable[OpenInvoice],
    default: str,
) -> InferredCurrency:
    """The currency of a remittance (see the module).

    Args:
        stated: the currency the payer wrote, or None.
        named: the invoices the lines' references name (any customer's, any status).
        customer_ids: the identified customers (none when nobody is sure).
        customer_open: those customers' open invoices.
        default: the setting's currency.
    """
    if stated:
        return InferredCurrency(stated.upper(), "stated")
    ours = set(customer_ids)
    named = [inv for inv in named if not ours or inv.customer_id in ours]
    currencies = {inv.currency for inv in named}
    if len(currencies) == 1:
        return InferredCurrency(currencies.pop(), "named invoices")
    if not currencies and ours:
        open_currencies = {inv.currency for inv in customer_open}
        if len(open_currencies) == 1:
            return InferredCurrency(open_currencies.pop(), "open items")
    return InferredCurrency(default.upper(), "default")
