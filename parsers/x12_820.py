"""X12 820 (Payment Order/Remittance Advice) files read into a remittance. Pure: no IO.

A payer's 820 as arbox reads it (one segment a line here; separators from ISA, see
:mod:`parsers.x12_syntax`)::

    ISA*00*          *00*          *ZZ*ACMEPAY  …  *261207*1200*U*00401*000000001*0*P*>~
    GS*RA*ACMEPAY*ARBOX*20261207*1200*1*X*004010~
    ST*820*0001~
    BPR*C*1324.99*C*ACH*CCP*01*021000021*DA*123456*1234567890**01*031000053*DA*987654*20261207~
    TRN*1*778812*1234567890~
    CUR*PR*USD~
    N1*PR*ACME MANUFACTURING INC~
    ENT*1~
    RMR*IV*INV-70001**1225.00*1250.00~       invoice, net paid, invoice amount
    ADX*-25.00*04~                           25.00 off it: item not accepted, damaged
    RMR*IV*INV-70002**99.99*99.99~
    SE*11*0001~
    GE*1*1~
    IEA*1*000000001~

The payment: BPR02 amount (BPR03 ``C``: a credit to us), BPR04 method, BPR16 date; TRN02
the trace or check number; CUR02 the currency (none: the mail's or the customer's); N1*PR the
payer. The lines: each RMR (RMR01 ``IV`` invoice or ``CR`` credit memo, RMR02 the reference,
RMR04 the net paid, RMR05 the invoice amount, RMR06 the discount taken; RMR03 is the payment
action code, usually empty, as in the sample), the REFs after it (``IV``/``IK``/``OI``:
further invoice numbers, tried when RMR02 is not ours), the ADXs after it (its deductions,
ADX01 negative, with the ADX02 reason). An ADX before any RMR of its ENT loop adjusts the
payment rather than an invoice: it becomes a line of its own without a reference, for a
person. DTMs (invoice dates) are not needed and not read.

One remittance is read per file. Several 820 transaction sets are one payment when they carry
the same TRN02 trace number and currency (a payment split over sets): their lines are read
together. Sets of different payments are not guessed at: the file goes to a person with the
reason (``"2 payments in one file (references 778812, 778813)"``), since the pipeline
applies one payment per mail and a payment left out would be seen by nobody.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from core.errors import UnreadableDocumentError
from core.money import currency_problem
from core.types import PaymentMethod, Remittance, RemittanceLine
from parsers.edi_codes import (
    X12_ADJUSTMENT_REASONS,
    adjustment_reason,
    edi_amount,
    edi_reference,
    fitting_currency,
    one_payment,
)
from parsers.x12_syntax import Segment, element, name, transaction_sets, x12_segments

#: BPR04 payment method codes (X12 element 591) arbox has a method for.
PAYMENT_METHODS = {
    "ACH": PaymentMethod.ACH,
    "CHK": PaymentMethod.CHECK,
    "FWT": PaymentMethod.WIRE,  # Federal Reserve Funds/Wire Transfer
    "SWT": PaymentMethod.WIRE,  # SWIFT
}
#: RMR01 qualifiers whose RMR02 is one of our documents: invoice (IV seller's invoice number,
#: IK invoice number), credit memo, original invoice, accounts receivable open item. With
#: another qualifier (PO, a contract number) RMR02 is kept as a further reference only.
DOCUMENT_QUALIFIERS = frozenset({"IV", "IK", "CR", "OI", "R7"})
#: REF01 qualifiers of a further invoice number.
INVOICE_REF_QUALIFIERS = frozenset({"IV", "IK", "OI"})


def read_x12_820(text: str) -> Remittance | None:
    """The remittance of an X12 820 interchange (None when its sets have no RMR lines).

    Raises:
        UnreadableDocumentError: not an interchange, truncated, several payments, or a
            segment the payment needs is missing or malformed; the reason names the segment
            and its position.
    """
    sets = [read_payment_set(s) for s in transaction_sets(x12_segments(text))]
    # A set without lines is a payment too: one of another payment is not left out unseen
    return fitting_currency(one_payment(sets)) if any(s.lines for s in sets) else None


@dataclass(slots=True)
class _Line:
    """A line as it is read: an RMR and the REFs and ADXs after it."""

    ref: str | None
    amount: Decimal | None
    gross: Decimal | None = None
    discount: Decimal | None = None
    alt_refs: list[str] = field(default_factory=list)
    deductions: list[tuple[Decimal, str]] = field(default_factory=list)
    source: str = ""

    def to_line(self) -> RemittanceLine:
        taken = [(-amount, reason) for amount, reason in self.deductions if amount < 0]
        deduction = sum((a for a, _ in taken), start=Decimal("0.00")) if taken else None
        reasons = "; ".join(dict.fromkeys(reason for _, reason in taken)) or None
        return RemittanceLine(
            invoice_ref=self.ref,
            amount=self.amount,
            source=self.source,
            gross=self.gross,
            discount=self.discount,
            deduction=deduction,
            deduction_reason=reasons,
            alt_refs=tuple(dict.fromkeys(r for r in self.alt_refs if r != self.ref)),
        )


@dataclass(slots=True)
class _Payment:
    bpr: Segment | None = None
    payment_ref: str | None = None
    currency: str | None = None
    payer: str | None = None
    lines: list[_Line] = field(default_factory=list)
    #: The line the REFs and ADXs that follow belong to (None at the start of an ENT loop).
    current: _Line | None = None


def read_payment_set(segments: list[Segment]) -> Remittance:
    """The payment and lines of one 820 transaction set (ST to SE).

    Raises:
        UnreadableDocumentError: no BPR, or a malformed element; the reason names it.
    """
    payment = _Payment()
    for segment in segments:
        reader = _SEGMENT_READERS.get(segment.tag)
        if reader is not None:
            reader(payment, segment)
    if payment.bpr is None:
        raise UnreadableDocumentError(
            f"the 820 at ST (segment {segments[0].position}) has no BPR (payment) segment"
        )
    bpr = payment.bpr
    return Remittance(
        lines=tuple(line.to_line() for line in payment.lines),
        stated_total=_payment_amount(bpr),
        payment_ref=payment.payment_ref,
        currency=payment.currency,
        source="edi 820",
        payer_name=payment.payer,
        payment_date=_date(bpr, 16),
        payment_method=PAYMENT_METHODS.get(element(bpr, 4)),
    )


def _payment_amount(bpr: Segment) -> Decimal:
    if element(bpr, 2) == "":
        raise UnreadableDocumentError(f"{name(bpr, 2)}: no payment amount")
    amount = edi_amount(element(bpr, 2), where=name(bpr, 2))
    if amount <= 0:
        raise UnreadableDocumentError(f"{name(bpr, 2)}: {amount} is not a payment")
    flag = element(bpr, 3)
    if flag != "C":
        raise UnreadableDocumentError(
            f"{name(bpr, 3)}: {flag[:5]!r} is not C (a credit to us): no payment to apply"
        )
    return amount


def _date(segment: Segment, number: int) -> date | None:
    text = element(segment, number)
    if not text:
        return None
    try:
        if len(text) != 8 or not text.isdigit():
            raise ValueError(text)
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise UnreadableDocumentError(
            f"{name(segment, number)}: {text[:20]!r} is not a date (CCYYMMDD)"
        ) from None


def _read_bpr(payment: _Payment, segment: Segment) -> None:
    payment.bpr = payment.bpr or segment


def _read_trn(payment: _Payment, segment: Segment) -> None:
    ref = edi_reference(element(segment, 2), where=name(segment, 2))
    payment.payment_ref = payment.payment_ref or ref or None


def _read_cur(payment: _Payment, segment: Segment) -> None:
    code = element(segment, 2).upper()
    problem = currency_problem(code)
    if problem is not None:
        raise UnreadableDocumentError(f"{name(segment, 2)}: {code[:10]!r} {problem}")
    payment.currency = code


def _read_n1(payment: _Payment, segment: Segment) -> None:
    if element(segment, 1) == "PR" and payment.payer is None:
        payment.payer = element(segment, 2)[:200] or None


def _read_rmr(payment: _Payment, segment: Segment) -> None:
    qualifier, ref = element(segment, 1), edi_reference(element(segment, 2), where=name(segment, 2))
    if not ref:
        raise UnreadableDocumentError(f"{name(segment, 2)}: no reference on the line")
    amount = _optional_amount(segment, 4)
    if qualifier == "CR" and amount is not None and amount > 0:
        amount = -amount  # a credit memo netted against the payment
    document = qualifier in DOCUMENT_QUALIFIERS
    payment.current = _Line(
        ref=ref if document else None,
        amount=amount,
        gross=_optional_amount(segment, 5),
        discount=_optional_amount(segment, 6),
        alt_refs=[] if document else [ref],
        source=f"RMR segment {segment.position}",
    )
    payment.lines.append(payment.current)


def _read_ent(payment: _Payment, segment: Segment) -> None:
    payment.current = None


def _read_ref(payment: _Payment, segment: Segment) -> None:
    line = payment.current
    ref = edi_reference(element(segment, 2), where=name(segment, 2))
    if line is not None and element(segment, 1) in INVOICE_REF_QUALIFIERS and ref:
        line.alt_refs.append(ref)


def _read_adx(payment: _Payment, segment: Segment) -> None:
    if element(segment, 1) == "":
        raise UnreadableDocumentError(f"{name(segment, 1)}: no adjustment amount")
    amount = edi_amount(element(segment, 1), where=name(segment, 1))
    reason = adjustment_reason(element(segment, 2), X12_ADJUSTMENT_REASONS)
    if payment.current is not None:
        payment.current.deductions.append((amount, reason))
        return
    # An adjustment of the payment (or of an ENT loop), not of an invoice: a line of its own,
    # without a reference, that a person decides
    source = f"ADX segment {segment.position}"
    line = _Line(ref=None, amount=amount, deductions=[(amount, reason)], source=source)
    payment.lines.append(line)


def _optional_amount(segment: Segment, number: int) -> Decimal | None:
    text = element(segment, number)
    return edi_amount(text, where=name(segment, number)) if text else None


_SEGMENT_READERS = {
    "BPR": _read_bpr,
    "TRN": _read_trn,
    "CUR": _read_cur,
    "N1": _read_n1,
    "ENT": _read_ent,
    "RMR": _read_rmr,
    "REF": _read_ref,
    "ADX": _read_adx,
}
