"""ISO 20022 remittance messages attached to a mail: ``remt.001`` (RemittanceAdvice) and
``camt.054`` (BankToCustomerDebitCreditNotification) → :class:`~core.types.Remittance`.
Pure: no IO.

Any message version is read: the namespace says which message (``…:remt.001.001.04``,
``…:camt.054.001.08``), elements are found by local name, and what moved between versions is
tried both ways (v8 camt nests a party's name in ``Pty``). The XML is read with the bank
import's care (:mod:`parsers.iso20022_xml`); the lines come from ``RmtInf/Strd``
(:mod:`parsers.iso20022_lines`), or, when a payment has no structured block, from its
``RmtInf/Ustrd`` text read as a bank's remittance text is
(:func:`parsers.bank.remittance.remittance_from_entry`: the mail-body reader, then the
references it names).

One payment per advice, as with every other form arbox reads: a message holding the
remittance of several payments (a remt.001 with several ``RmtInf`` of different payments, a
camt.054 with several credits with remittance information) is refused with the list of its
payments, so a person applies them; nothing of it is applied by itself. Only credits of a
camt.054 are payments to us: a notification whose remittance information is all on debits (a
payer forwarding its own bank's debit advice) is refused with that reason.

remt.001 sample (v04)::

    <RmtAdvc><GrpHdr><MsgId>RA-1</MsgId><CreDtTm>2026-11-30T09:00:00</CreDtTm>…</GrpHdr>
      <RmtInf><Strd>…</Strd>
        <OrgnlPmtInf><Refs><EndToEndId>E2E-778812</EndToEndId></Refs>
          <Amt><InstdAmt Ccy="EUR">2450.00</InstdAmt></Amt><ReqdExctnDt><Dt>2026-11-30</Dt>
          </ReqdExctnDt><Dbtr><Nm>Acme Manufacturing Inc</Nm></Dbtr></OrgnlPmtInf></RmtInf>
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.etree.ElementTree import Element

from core.errors import UnreadableDocumentError
from core.money import format_amount
from core.types import Attachment, Remittance, RemittanceLine
from parsers.bank.model import BankEntry, clean_text
from parsers.bank.remittance import remittance_from_entry
from parsers.iso20022_lines import Amounts, creditor_refs, structured_lines
from parsers.iso20022_xml import child, children, message_name, parse_document, root_namespace, text
from parsers.remittance_text import parse_text_remittance

#: The messages read here (any version).
MESSAGES = ("remt.001", "camt.054")
XML_TYPES = frozenset({"application/xml", "text/xml"})
#: An end-to-end id that says there is none (pain.001's placeholder).
_NOT_PROVIDED = "NOTPROVIDED"
#: Payments named in a refusal at most.
_MAX_NAMED = 5


@dataclass(frozen=True, slots=True)
class _Payment:
    """One payment a message tells of, and the lines of its remittance."""

    where: str
    lines: tuple[RemittanceLine, ...]
    total: Decimal | None
    currency: str | None
    ref: str | None
    payer: str | None
    day: date | None
    credit: bool = True

    def describe(self) -> str:
        amount = "no amount"
        if self.total is not None and self.currency is not None:  # an amount has its currency
            amount = f"{format_amount(self.total, self.currency)} {self.currency}"
        return f"{self.ref or self.where}: {amount}, {len(self.lines)} line(s)"


def is_iso20022_remittance(attachment: Attachment) -> bool:
    """Whether ``attachment`` is an XML file (by name or content type) whose root is a
    remt.001 or camt.054 document, any version."""
    name = (attachment.filename or "").lower()
    if not name.endswith(".xml") and attachment.content_type.lower() not in XML_TYPES:
        return False
    namespace = root_namespace(attachment.data)
    return namespace is not None and message_name(namespace) in MESSAGES


def parse_iso20022_remittance(data: bytes) -> Remittance | None:
    """The remittance of a remt.001 or camt.054 message.

    Raises:
        UnreadableDocumentError: hostile or malformed XML, another message, a malformed
            amount, date or currency, no payment with remittance lines, or several.
    """
    root, name = parse_document(data, messages=MESSAGES)
    payments = _remt_payments(root) if name == "remt.001" else _camt_payments(root)
    payment = _the_payment(payments, name)
    return Remittance(
        lines=payment.lines,
        stated_total=payment.total,
        payment_ref=payment.ref,
        currency=payment.currency,
        source=name,
        payer_name=payment.payer,
        payment_date=payment.day,
    )


def _the_payment(payments: list[_Payment], name: str) -> _Payment:
    with_lines = [p for p in payments if p.lines]
    credits = [p for p in with_lines if p.credit]
    if len(credits) == 1:
        return credits[0]
    if len(credits) > 1:
        named = "; ".join(p.describe() for p in credits[:_MAX_NAMED])
        more = f" and {len(credits) - _MAX_NAMED} more" if len(credits) > _MAX_NAMED else ""
        raise UnreadableDocumentError(
            f"{name} holds the remittances of {len(credits)} payments ({named}{more}): arbox "
            "reads one payment per advice, a person applies these"
        )
    if with_lines:
        raise UnreadableDocumentError(
            f"{name}: remittance information only on debits ({len(with_lines)}): a debit "
            "notification of the payer's own account, no credit to us"
        )
    raise UnreadableDocumentError(f"{name}: no payment with remittance information in it")


# --- remt.001 -------------------------------------------------------------------------------


def _remt_payments(root: Element) -> list[_Payment]:
    """One payment per distinct ``OrgnlPmtInf``: several ``RmtInf`` of the same payment
    (the same references and amount) are one remittance."""
    advice = next((el for el in root if el.tag.endswith("RmtAdvc")), None)
    if advice is None:
        raise UnreadableDocumentError("remt.001 without RmtAdvc")
    header = child(advice, "GrpHdr")
    created = _date(child(header, "CreDtTm"), "remt.001 GrpHdr/CreDtTm")
    grouped: dict[tuple[str | None, ...], list[Element]] = {}
    for info in children(advice, "RmtInf"):
        grouped.setdefault(_payment_key(child(info, "OrgnlPmtInf")), []).append(info)
    payments = []
    for number, infos in enumerate(grouped.values(), start=1):
        where = f"remt.001 RmtInf {text(infos[0], 'RmtId') or number}"
        payments.append(_remt_payment(infos, where, created, _party(child(header, "InitgPty"))))
    return payments


def _payment_key(original: Element | None) -> tuple[str | None, ...]:
    refs = child(original, "Refs")
    amount = child(original, "Amt", "InstdAmt")
    return (
        *(text(refs, name) for name in ("PmtInfId", "InstrId", "EndToEndId", "TxId", "UETR")),
        text(amount),
        amount.get("Ccy") if amount is not None else None,
    )


def _remt_payment(
    infos: list[Element], where: str, created: date | None, initiator: str | None
) -> _Payment:
    original = child(infos[0], "OrgnlPmtInf")
    amounts = Amounts(where)
    total = amounts.read(
        _first(child(original, "Amt", "InstdAmt"), child(original, "Amt", "EqvtAmt", "Amt")),
        "payment amount (OrgnlPmtInf/Amt)",
    )
    strds = [strd for info in infos for strd in children(info, "Strd")]
    lines = [line for strd in strds for line in structured_lines(strd, amounts)]
    refs = child(original, "Refs")
    payer = (
        _party(child(original, "Dbtr"))
        or next((_party(child(s, "Invcee")) for s in strds if child(s, "Invcee") is not None), None)
        or initiator
    )
    payment = _Payment(
        where=where,
        lines=tuple(lines),
        total=total,
        currency=amounts.currency,
        ref=_end_to_end(text(refs, "EndToEndId")) or text(refs, "InstrId") or text(refs, "TxId"),
        payer=payer,
        day=_date(child(original, "ReqdExctnDt"), f"{where} ReqdExctnDt") or created,
    )
    return payment if lines else _from_text(payment, infos)


# --- camt.054 -------------------------------------------------------------------------------


def _camt_payments(root: Element) -> list[_Payment]:
    """One payment per transaction (``Ntry/NtryDtls/TxDtls``) that carries ``RmtInf``."""
    payments: list[_Payment] = []
    for container in root:
        for notification in children(container, "Ntfctn"):
            nid = text(notification, "Id") or "?"
            for number, entry in enumerate(children(notification, "Ntry"), start=1):
                details = [tx for d in children(entry, "NtryDtls") for tx in children(d, "TxDtls")]
                for tx_no, tx in enumerate(details, start=1):
                    if child(tx, "RmtInf") is None:
                        continue
                    where = f"camt.054 {nid} Ntry {number}" + (
                        f" TxDtls {tx_no}" if len(details) > 1 else ""
                    )
                    payments.append(_camt_payment(entry, tx, where, single=len(details) == 1))
    return payments


def _camt_payment(entry: Element, tx: Element, where: str, *, single: bool) -> _Payment:
    amounts = Amounts(where)
    amount_el = _first(
        child(tx, "Amt"),
        child(tx, "AmtDtls", "TxAmt", "Amt"),
        child(tx, "AmtDtls", "InstdAmt", "Amt"),
        child(entry, "Amt") if single else None,
    )
    total = amounts.read(amount_el, "transaction amount")
    indicator = text(tx, "CdtDbtInd") or text(entry, "CdtDbtInd")
    if indicator not in ("CRDT", "DBIT"):
        raise UnreadableDocumentError(f"{where}: credit/debit indicator {indicator!r}")
    rmt = list(children(tx, "RmtInf"))
    strds = [s for r in rmt for s in children(r, "Strd")]
    lines = [line for strd in strds for line in structured_lines(strd, amounts)]
    parties = child(tx, "RltdPties")
    refs = child(tx, "Refs")
    payment = _Payment(
        where=where,
        lines=tuple(lines),
        total=total,
        currency=amounts.currency,
        ref=_end_to_end(text(refs, "EndToEndId"))
        or text(refs, "AcctSvcrRef")
        or text(entry, "AcctSvcrRef"),
        payer=_party(child(parties, "Dbtr")) or _party(child(parties, "UltmtDbtr")),
        day=_date(child(entry, "ValDt"), f"{where} ValDt")
        or _date(child(entry, "BookgDt"), f"{where} BookgDt"),
        credit=indicator == "CRDT",
    )
    return payment if lines else _from_text(payment, rmt)


# --- shared ---------------------------------------------------------------------------------


def _from_text(payment: _Payment, holders: list[Element]) -> _Payment:
    """``payment`` with the lines of its unstructured remittance text (``Ustrd``), read as a
    bank's remittance text is; the creditor references of its blocks are references too."""
    # One line per Ustrd (each at most 140 characters): the text reader reads line by line.
    texts = [clean_text(u.text) for h in holders for u in children(h, "Ustrd")]
    refs = [
        ref
        for h in holders
        for s in children(h, "Strd")
        for ref in creditor_refs(text(s, "CdtrRefInf", "Ref"))
    ]
    said = "\n".join(t for t in texts if t)
    if not said and not refs:
        return payment
    if payment.total is not None and payment.total > 0 and payment.currency:
        entry = BankEntry(
            amount=payment.total,
            currency=payment.currency,
            value_date=payment.day,
            remittance_text=said,
            refs=tuple(refs),
        )
        found = remittance_from_entry(entry)
    else:
        found = parse_text_remittance(said) if said else None
    if found is None:
        return payment
    return dataclasses.replace(
        payment, lines=found.lines, currency=payment.currency or found.currency
    )


def _first(*elements: Element | None) -> Element | None:
    """The first element present (an Element without children is false: never ``or`` them)."""
    return next((el for el in elements if el is not None), None)


def _party(party: Element | None) -> str | None:
    """A party's name: ``Nm``, or ``Pty/Nm`` (camt.054 v8)."""
    name = text(party, "Nm") or text(party, "Pty", "Nm")
    return clean_text(name, size=255) or None


def _end_to_end(ref: str | None) -> str | None:
    if ref is None or ref.upper() == _NOT_PROVIDED:
        return None
    return clean_text(ref, size=255) or None


def _date(el: Element | None, what: str) -> date | None:
    """``<Dt>2026-11-30</Dt>``, ``<DtTm>2026-11-30T10:00:00</DtTm>`` or the date as the
    element's own text (``<ReqdExctnDt>2026-11-30</ReqdExctnDt>`` in remt.001 v1–3)."""
    if el is None:
        return None
    written = text(el, "Dt") or text(el, "DtTm") or (el.text or "").strip() or None
    if written is None:
        return None
    try:
        return date.fromisoformat(written[:10])
    except ValueError:
        raise UnreadableDocumentError(f"{what}: date {written[:40]!r}") from None
