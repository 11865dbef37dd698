"""The remittance lines of ISO 20022 structured remittance information (``RmtInf/Strd``), as
remt.001 and camt.054 carry it. Pure: no IO.

One ``Strd`` block is one document the payment settles (the message also allows several
``RfrdDocInf`` under one amount block: each becomes a line without an amount, which matching
fills from the open balances only when they add up to the payment). Sample::

    <Strd>
      <RfrdDocInf><Tp><CdOrPrtry><Cd>CINV</Cd></CdOrPrtry></Tp><Nb>INV-1001</Nb></RfrdDocInf>
      <RfrdDocAmt>
        <DuePyblAmt Ccy="EUR">1000.00</DuePyblAmt>
        <DscntApldAmt><Amt Ccy="EUR">20.00</Amt></DscntApldAmt>     (v02: the amount itself)
        <AdjstmntAmtAndRsn><Amt Ccy="EUR">30.00</Amt><CdtDbtInd>DBIT</CdtDbtInd>
          <Rsn>DAMG</Rsn><AddtlInf>2 cartons damaged</AddtlInf></AdjstmntAmtAndRsn>
        <RmtdAmt Ccy="EUR">950.00</RmtdAmt>
      </RfrdDocAmt>
      <CdtrRefInf><Ref>RF18INV1001</Ref></CdtrRefInf>
    </Strd>

``RmtdAmt`` is the net paid, ``DuePyblAmt`` the gross, ``DscntApldAmt`` the discount taken,
``AdjstmntAmtAndRsn`` a deduction and its reason (``Rsn`` and ``AddtlInf``): an adjustment
without an indicator or marked ``DBIT`` is taken off what is paid (a short pay), one marked
``CRDT`` is added (it lowers the deduction). Without ``RmtdAmt`` the net is the gross less
discount and deduction. A credit note (``CREN``, ``CNFA``) is a negative line. The creditor
reference (``CdtrRefInf/Ref``, an ISO 11649 ``RF…`` reference or the creditor's own) is an
alternative reference: when it is a valid RF reference, the reference inside it too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from xml.etree.ElementTree import Element

from core.errors import UnreadableDocumentError
from core.types import RemittanceLine
from parsers.bank.model import clean_text
from parsers.iso20022_xml import child, children, read_amount, text

#: Document types (ISO ``DocumentType6Code``) the payer deducts: credit notes.
CREDIT_NOTE_CODES = frozenset({"CREN", "CNFA"})
#: ISO 11649 structured creditor reference: ``RF``, two check digits, up to 21 characters.
_RF_RE = re.compile(r"^RF(\d\d)([0-9A-Z]{1,21})$")
ZERO = Decimal("0.00")


@dataclass
class Amounts:
    """Reads the amounts of one payment, keeping the currencies seen (a payment is in one)."""

    where: str
    currencies: dict[str, str] = field(default_factory=dict)

    def read(self, el: Element | None, what: str) -> Decimal | None:
        """The amount of ``el`` (None when absent); ``what`` names it in a refusal."""
        if el is None:
            return None
        value, currency = read_amount(el, what=f"{self.where}: {what}")
        self.currencies.setdefault(currency, what)
        if len(self.currencies) > 1:
            named = ", ".join(f"{ccy} ({name})" for ccy, name in self.currencies.items())
            raise UnreadableDocumentError(f"{self.where}: mixed currencies: {named}")
        return value

    @property
    def currency(self) -> str | None:
        """The one currency of the amounts read (None before any)."""
        return next(iter(self.currencies), None)


def structured_lines(strd: Element, amounts: Amounts) -> list[RemittanceLine]:
    """The lines of one ``Strd`` block: one per referred document (a creditor reference alone
    makes one line by that reference); none when it names no document and no reference."""
    docs = [
        (clean_text(number, size=255), text(doc, "Tp", "CdOrPrtry", "Cd"))
        for doc in children(strd, "RfrdDocInf")
        if (number := text(doc, "Nb"))
    ]
    alt = creditor_refs(text(strd, "CdtrRefInf", "Ref"))
    if not docs and not alt:
        return []
    figures = _figures(child(strd, "RfrdDocAmt"), amounts, docs[0][0] if docs else alt[0])
    if len(docs) > 1:  # one amount block for several documents: no document's own amount
        return [_line(number, code, _Figures(), alt) for number, code in docs]
    number, code = docs[0] if docs else (None, None)
    return [_line(number, code, figures, alt)]


def creditor_refs(ref: str | None) -> tuple[str, ...]:
    """A creditor reference, and for a valid ISO 11649 one (``RF18539007547034``) the
    reference inside it (``539007547034``) too."""
    if not ref:
        return ()
    ref = clean_text(ref, size=255)
    compact = ref.replace(" ", "").upper()
    match = _RF_RE.match(compact)
    if match is None or not _is_valid_rf(compact):
        return (ref,)
    return (ref, match.group(2))


def _is_valid_rf(compact: str) -> bool:
    """ISO 11649's check: the reference with ``RFnn`` moved to the end, letters as numbers
    (A = 10 … Z = 35), is 1 modulo 97."""
    moved = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1


@dataclass(frozen=True, slots=True)
class _Figures:
    net: Decimal | None = None
    gross: Decimal | None = None
    discount: Decimal | None = None
    deduction: Decimal | None = None
    reason: str | None = None
    credit_note: Decimal | None = None


def _figures(amt: Element | None, amounts: Amounts, doc: str) -> _Figures:
    if amt is None:
        return _Figures()
    what = f"document {doc!r}"
    discounts = [
        amounts.read(child(d, "Amt") if child(d, "Amt") is not None else d, f"{what} discount")
        for d in children(amt, "DscntApldAmt")
    ]
    discount = sum((d for d in discounts if d is not None), start=ZERO) if discounts else None
    deduction, reason = _adjustments(amt, amounts, what)
    gross = amounts.read(child(amt, "DuePyblAmt"), f"{what} amount due")
    net = amounts.read(child(amt, "RmtdAmt"), f"{what} remitted amount")
    if net is None and gross is not None:
        net = gross - (discount or ZERO) - (deduction or ZERO)
    return _Figures(
        net=net,
        gross=gross,
        discount=discount,
        # Adjustments that add more than they take off leave no deduction (the net says it).
        deduction=deduction if deduction is not None and deduction > 0 else None,
        reason=reason,
        credit_note=amounts.read(child(amt, "CdtNoteAmt"), f"{what} credit note amount"),
    )


def _adjustments(amt: Element, amounts: Amounts, what: str) -> tuple[Decimal | None, str | None]:
    """The deduction the adjustments add up to (DBIT or no indicator: taken off; CRDT:
    added) and their reasons (``DAMG: 2 cartons damaged``)."""
    total: Decimal | None = None
    reasons: list[str] = []
    for adj in children(amt, "AdjstmntAmtAndRsn"):
        value = amounts.read(child(adj, "Amt"), f"{what} adjustment")
        if value is None:
            raise UnreadableDocumentError(f"{amounts.where}: {what}: an adjustment without Amt")
        indicator = text(adj, "CdtDbtInd")
        if indicator not in (None, "DBIT", "CRDT"):
            raise UnreadableDocumentError(
                f"{amounts.where}: {what}: adjustment indicator {indicator!r} (DBIT or CRDT)"
            )
        total = (total or ZERO) + (-value if indicator == "CRDT" else value)
        said = ": ".join(
            clean_text(t, size=140) for t in (text(adj, "Rsn"), text(adj, "AddtlInf")) if t
        )
        if said:
            reasons.append(said)
    return total, "; ".join(reasons)[:200] or None


def _line(
    number: str | None, code: str | None, figures: _Figures, alt: tuple[str, ...]
) -> RemittanceLine:
    net, gross = figures.net, figures.gross
    credit = code in CREDIT_NOTE_CODES
    if credit:
        if net is None:
            net = figures.credit_note if figures.credit_note is not None else gross
        net = -net if net is not None else None
        gross = -gross if gross is not None else None
    return RemittanceLine(
        invoice_ref=number,
        amount=net,
        source=" ".join(part for part in (code, number or (alt[0] if alt else None)) if part),
        gross=gross,
        discount=figures.discount,
        deduction=figures.deduction,
        deduction_reason=figures.reason,
        alt_refs=tuple(ref for ref in alt if ref != number),
    )
