"""What the two e-invoice syntaxes (CII for Factur-X, UBL for Peppol) write alike: amounts,
quantities, dates, text cleaned for XML, and the refusals EN 16931 asks for. Pure: no IO.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from core.errors import InvoiceDataError
from core.invoice_totals import plain_rate
from core.invoicing import IssuedInvoice, TaxCategory
from core.money import minor_units

#: Characters XML 1.0 cannot carry (C0 controls but tab, newline and return; surrogates;
#: U+FFFE/U+FFFF): dropped from text, lxml refuses them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def check_einvoice(invoice: IssuedInvoice) -> None:
    """Refuse an invoice EN 16931 cannot carry.

    Raises:
        InvoiceDataError: a currency with more than two decimals (EN 16931 allows two:
            BR-DEC-01 and the rules after it), so KWD, BHD, OMR, JOD, TND, LYD and IQD
            invoices are issued as PDF only.
    """
    if minor_units(invoice.draft.currency) > 2:
        raise InvoiceDataError(
            f"{invoice.draft.currency} has {minor_units(invoice.draft.currency)} decimals; "
            "EN 16931 e-invoices carry amounts with at most 2"
        )


def has_intra_community(invoice: IssuedInvoice) -> bool:
    """Whether a line is an intra-community supply (K): the e-invoice then names the
    deliver-to country (BR-IC-12), which is written as the buyer's."""
    return any(s.category is TaxCategory.INTRA_COMMUNITY for s in invoice.breakdown)


def amount_text(amount: Decimal) -> str:
    """An amount as EN 16931 writes it: two decimals (``1001`` JPY → ``1001.00``)."""
    return f"{amount:.2f}"


def number_text(value: Decimal) -> str:
    """A quantity, price or rate with its own decimals, never in exponent form."""
    if value == value.to_integral_value():
        return format(value.quantize(Decimal(1)), "f")
    return format(value.normalize(), "f")


def rate_text(rate: Decimal) -> str:
    """A VAT rate in percent (``19``, ``7.5``)."""
    return number_text(plain_rate(rate))


def compact_date(day: date) -> str:
    """``20261201``: the date form 102 of UNTDID 2379 (CII)."""
    return day.strftime("%Y%m%d")


def xml_text(text: str, limit: int = 1000) -> str:
    """``text`` without the characters XML cannot carry, cut to ``limit`` characters."""
    return _NOT_XML.sub("", text)[:limit]
