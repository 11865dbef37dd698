"""Who paid, when, how and under which reference, from the free text of a remittance
(the mail body, the text of a PDF page). Pure: no IO.

First cut: the payment reference only. TODO(#4): payer name, payment date, method, currency.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.types import PaymentMethod
from parsers.remittance_text import scan_lines


@dataclass(frozen=True, slots=True)
class PaymentInfo:
    """The payment-level facts a remittance states; None where it does not."""

    payer_name: str | None = None
    payment_date: date | None = None
    payment_method: PaymentMethod | None = None
    payment_ref: str | None = None
    currency: str | None = None


def read_payment_info(text: str, *, sender_name: str | None = None) -> PaymentInfo:
    """The payment facts stated in ``text``. ``sender_name`` (the mail's From display name)
    is a fallback for the payer name, never preferred over what the document says."""
    del sender_name  # TODO(#4)
    scan = scan_lines(text.splitlines())
    return PaymentInfo(payment_ref=scan.payment_ref, currency=scan.currency)
