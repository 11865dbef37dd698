"""What the adjustment reason codes of EDI remittances mean, the EDI amounts, and when the
payments of one EDI file are one payment. Pure: no IO.

An X12 820 explains a short payment with an ADX segment (ADX02, X12 data element 426
"Adjustment Reason Code"); an EDIFACT REMADV with an AJT segment (UN/EDIFACT data element
4465 "Adjustment reason description code"). The reason a deduction is recorded with is the
code's meaning and the code (``"04 Item not accepted - damaged"``), so the review page and the
ERP export say why without a code list; a code not in the tables below stays a code
(``"code 52"``). The tables hold the codes a supplier's cash application meets, not the whole
lists (X12 426 has about 370 codes, most of them for freight and insurance claims).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from decimal import Decimal

from core.errors import UnreadableDocumentError
from core.money import MAX_INTEGER_DIGITS, STORED_DECIMALS, fits_currency, minor_units
from core.types import Remittance

#: X12 element 426 (ADX02), the common ones in remittance advice (X12 004010 code list).
X12_ADJUSTMENT_REASONS = {
    "01": "Pricing error",
    "02": "Allowance/charge error",
    "03": "Extension error",
    "04": "Item not accepted - damaged",
    "05": "Item not accepted - quality",
    "06": "Quantity contested",
    "07": "Incorrect product",
    "08": "Substitute product",
    "09": "Terms of sale error",
    "10": "Pallet/container charge error",
    "11": "Returns - damage",
    "12": "Returns - quality",
    "13": "Returns - dating",
    "14": "Returns - promotion",
    "15": "Returns - recall",
    "16": "Non-invoice related allowance/charge",
    "19": "Duplicate billing",
    "22": "Weight error",
    "24": "Incorrect discount",
    "25": "Item not accepted",
    "26": "Invoice cancelled",
    "43": "Missing discount",
    "54": "Freight deducted",
    "55": "Tax deducted",
    "56": "Advertising allowance taken",
    "57": "Volume discount taken",
    "59": "Item not received",
    "60": "No open item on file",
}

#: UN/EDIFACT element 4465 (AJT01), the codes of UNCL 4465 that explain a deduction.
EDIFACT_ADJUSTMENT_REASONS = {
    "1": "Agreed settlement",
    "2": "Below specification goods",
    "3": "Damaged goods",
    "4": "Short delivery",
    "5": "Price query",
    "6": "Proof of delivery required",
    "7": "Payment on account",
    "8": "Returnable container charge included",
    "9": "Invoice error",
    "10": "Costs for draft",
    "11": "Bank charges",
    "12": "Agent commission",
    "13": "Counter claim",
    "14": "Wrong delivery",
    "15": "Goods returned to agent",
    "16": "Goods partly returned",
    "17": "Transport damage",
    "19": "Trade discount",
    "20": "Deduction for late delivery",
    "21": "Advertising costs",
    "22": "Customs duties",
    "26": "Taxes",
    "32": "Goods not delivered",
    "33": "Late delivery",
}

_AMOUNT_RE = re.compile(r"-?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")  # ASCII digits only


def adjustment_reason(code: str, table: dict[str, str]) -> str:
    """The reason a deduction is recorded with: ``"04 Item not accepted - damaged"``, or
    ``"code 52"`` for a code the table does not know (``"adjustment"`` without a code)."""
    code = code.strip()
    if not code:
        return "adjustment"
    meaning = table.get(code)
    return f"{code} {meaning}" if meaning else f"code {code}"[:40]


#: The longest reference read (X12 element 127 allows 80 characters, EDIFACT 1004 and 1154
#: 70): a longer one is no document number of ours.
MAX_REFERENCE_LENGTH = 80


def edi_reference(text: str, *, where: str) -> str:
    """A reference (invoice, payment) as written, stripped.

    Raises:
        UnreadableDocumentError: longer than :data:`MAX_REFERENCE_LENGTH`.
    """
    value = text.strip()
    if len(value) > MAX_REFERENCE_LENGTH:
        raise UnreadableDocumentError(
            f"{where}: a reference of {len(value):,} characters (at most {MAX_REFERENCE_LENGTH})"
        )
    return value


def edi_amount(text: str, *, where: str) -> Decimal:
    """The amount an EDI element holds: digits with an optional sign and decimal mark (X12
    type R, EDIFACT n..; both marks are read, EDI amounts have no thousands separators).

    Raises:
        UnreadableDocumentError: not such a number, more than three decimals or more than
            twelve integer digits; the reason names ``where`` (``"RMR03 (segment 14)"``).
    """
    value = text.strip()
    if not _AMOUNT_RE.fullmatch(value):
        raise UnreadableDocumentError(f"{where}: {value[:30]!r} is not an amount")
    whole, _, decimals = value.lstrip("-").replace(",", ".").partition(".")
    if len(decimals) > STORED_DECIMALS or len(whole.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise UnreadableDocumentError(f"{where}: {value[:30]!r} is out of range for an amount")
    return Decimal(value.replace(",", "."))


def one_payment(payments: Sequence[Remittance]) -> Remittance:
    """The one payment that the payments read from one file (X12 transaction sets, EDIFACT
    messages, with lines or without) are: a payment split over sets carries the same reference and
    currency in each, and its lines are read together, its total the sum.

    Raises:
        UnreadableDocumentError: different payments. The pipeline applies one payment per
            mail, and one left out would be seen by nobody: a person splits them.
    """
    first = payments[0]
    if len(payments) == 1:
        return first
    if first.payment_ref is None or len({(p.payment_ref, p.currency) for p in payments}) > 1:
        refs = ", ".join(str(p.payment_ref) for p in payments)
        raise UnreadableDocumentError(
            f"{len(payments)} payments in one file (references {refs[:200]}): "
            "arbox reads one payment per mail, a person splits them"
        )
    total = sum((p.stated_total or Decimal("0.00") for p in payments), start=Decimal("0.00"))
    lines = tuple(line for p in payments for line in p.lines)
    return dataclasses.replace(first, lines=lines, stated_total=total)


def fitting_currency(payment: Remittance) -> Remittance:
    """``payment`` when every amount in it is a whole number of its currency's minor unit.

    Raises:
        UnreadableDocumentError: an amount finer than that (``150000.4`` JPY, ``999.995`` USD):
            no reading of it is money in that currency.
    """
    currency = payment.currency
    if currency is None:
        return payment
    amounts = [payment.stated_total] + [
        value
        for line in payment.lines
        for value in (line.amount, line.gross, line.discount, line.deduction)
    ]
    for value in amounts:
        if value is not None and not fits_currency(value, currency):
            raise UnreadableDocumentError(
                f"the amount {value} has more decimals than {currency} allows "
                f"({minor_units(currency)})"
            )
    return payment
