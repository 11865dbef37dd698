"""Applications of cash laid out for posting back to an accounting system (``arbox export
applications --layout quickbooks|sap``). The generic layout is :mod:`ledger.exports`.

Both layouts have one row per application (payment × invoice), reversed applications left
out, in the order cash was applied; amounts are plain decimals with two places.

**quickbooks**: QuickBooks Online "Receive payment" import columns (as the QuickBooks Online
import tools name them): ``Ref Number`` (groups the rows of one payment: ``ARB-<remittance
id>``), ``Payment date`` (ISO ``YYYY-MM-DD``: the payer's payment date, else the day it was
applied), ``Reference no`` (the payment reference, at most 31 characters), ``Customer`` (the
customer's name), ``Payment method``, ``Deposit to`` (left empty: the account is chosen in
QuickBooks), ``Invoice no`` (at most 21 characters), ``Payment`` (the amount applied; negative
for a credit memo netted), ``Memo`` (discount, deduction and the source Message-ID),
``Currency``.

**sap**: a lockbox-like layout (one check record per payment repeated on each of its invoice
lines): ``deposit_date``, ``batch`` (``YYYYMMDD`` of the deposit date), ``item`` (the payment's
number within its batch), ``check_number`` (the payment reference), ``check_amount`` (what the
payment's exported lines add up to), ``currency``, ``customer_account`` (our customer number),
``payer_name``, ``invoice_number``, ``amount_paid``, ``discount``, ``deduction``,
``deduction_reason``, ``message_id``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from ledger.exports import format_money
from ledger.models import Application, Customer, InboundMessage, Invoice, RemittanceLine
from ledger.models import Remittance as RemittanceModel
from ledger.queries import applied_cash
from ledger.sheet_cells import CsvWriter

#: QuickBooks Online "Receive payment" import columns, in order.
QUICKBOOKS_COLUMNS: tuple[str, ...] = (
    "Ref Number",
    "Payment date",
    "Reference no",
    "Customer",
    "Payment method",
    "Deposit to",
    "Invoice no",
    "Payment",
    "Memo",
    "Currency",
)
#: SAP lockbox-like columns, in order.
SAP_COLUMNS: tuple[str, ...] = (
    "deposit_date",
    "batch",
    "item",
    "check_number",
    "check_amount",
    "currency",
    "customer_account",
    "payer_name",
    "invoice_number",
    "amount_paid",
    "discount",
    "deduction",
    "deduction_reason",
    "message_id",
)
#: QuickBooks Online's limits on reference fields (characters).
QBO_REF_MAX, QBO_INVOICE_MAX = 31, 21
#: Payment methods as QuickBooks names them by default.
QBO_METHODS = {"ach": "ACH", "wire": "Wire", "check": "Check", "eft": "EFT", "card": "Credit Card"}


@dataclass(frozen=True, slots=True)
class PaymentApplication:
    """One application with the payment it came from."""

    remittance_id: int
    payment_ref: str | None
    payment_date: date
    payment_method: str | None
    payer_name: str | None
    message_id: str
    customer_number: str
    customer_name: str
    invoice_number: str
    amount: Decimal
    discount: Decimal
    deduction: Decimal
    deduction_reason: str | None
    currency: str


def payment_applications(session: Session) -> list[PaymentApplication]:
    """Every application not reversed, with its payment, by ``applied_at`` then id."""
    rows = session.execute(
        applied_cash(
            RemittanceModel.id,
            RemittanceModel.payment_ref,
            RemittanceModel.payment_date,
            Application.applied_at,
            RemittanceModel.payment_method,
            RemittanceModel.payer_name,
            InboundMessage.message_id,
            Customer.number,
            Customer.name,
            Invoice.number,
            Application.amount,
            Application.discount,
            Application.deduction,
            RemittanceLine.deduction_reason,
            Application.currency,
        )
    ).tuples()
    return [
        PaymentApplication(
            remittance_id=rid,
            payment_ref=ref,
            payment_date=paid_on or applied_at.date(),
            payment_method=method,
            payer_name=payer,
            message_id=message_id,
            customer_number=cnum,
            customer_name=cname,
            invoice_number=inv,
            amount=amount,
            discount=discount,
            deduction=deduction,
            deduction_reason=reason,
            currency=currency,
        )
        for (
            rid,
            ref,
            paid_on,
            applied_at,
            method,
            payer,
            message_id,
            cnum,
            cname,
            inv,
            amount,
            discount,
            deduction,
            reason,
            currency,
        ) in rows
    ]


def to_quickbooks_csv(rows: Sequence[PaymentApplication]) -> str:
    """The QuickBooks Online layout (see the module docstring). Pure."""
    buffer = io.StringIO()
    writer = CsvWriter(buffer, lineterminator="\n")
    writer.writerow(QUICKBOOKS_COLUMNS)
    for r in rows:
        memo = [f"arbox {r.message_id}".strip()]
        if r.discount:
            memo.append(f"discount {format_money(r.discount, r.currency)}")
        if r.deduction:
            memo.append(
                f"deduction {format_money(r.deduction, r.currency)}"
                + (f" ({r.deduction_reason})" if r.deduction_reason else "")
            )
        writer.writerow(
            (
                f"ARB-{r.remittance_id}",
                r.payment_date.isoformat(),
                (r.payment_ref or "")[:QBO_REF_MAX],
                r.customer_name,
                QBO_METHODS.get((r.payment_method or "").lower(), r.payment_method or ""),
                "",
                r.invoice_number[:QBO_INVOICE_MAX],
                format_money(r.amount, r.currency),
                "; ".join(memo),
                r.currency,
            )
        )
    return buffer.getvalue()


def to_sap_lockbox_csv(rows: Sequence[PaymentApplication]) -> str:
    """The SAP lockbox-like layout (see the module docstring). Pure."""
    checks: dict[int, Decimal] = {}
    for r in rows:
        checks[r.remittance_id] = checks.get(r.remittance_id, Decimal("0.00")) + r.amount
    items: dict[int, int] = {}
    per_batch: dict[date, int] = {}
    for r in rows:
        if r.remittance_id not in items:
            per_batch[r.payment_date] = per_batch.get(r.payment_date, 0) + 1
            items[r.remittance_id] = per_batch[r.payment_date]
    buffer = io.StringIO()
    writer = CsvWriter(buffer, lineterminator="\n")
    writer.writerow(SAP_COLUMNS)
    for r in rows:
        writer.writerow(
            (
                r.payment_date.isoformat(),
                r.payment_date.strftime("%Y%m%d"),
                items[r.remittance_id],
                r.payment_ref or "",
                format_money(checks[r.remittance_id], r.currency),
                r.currency,
                r.customer_number,
                r.payer_name or r.customer_name,
                r.invoice_number,
                format_money(r.amount, r.currency),
                format_money(r.discount, r.currency),
                format_money(r.deduction, r.currency),
                r.deduction_reason or "",
                r.message_id,
            )
        )
    return buffer.getvalue()
