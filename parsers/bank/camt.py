"""ISO 20022 camt.053 (statement), camt.054 (notification) and camt.052 (intraday report) →
:class:`BankStatement`. Pure: no IO.

Any message version is read (``urn:iso:std:iso:20022:tech:xsd:camt.05x.001.NN``): elements
are found by local name, and what moved between versions is tried both ways (v8 nests the
party's name in ``Pty``; the status is ``Sts`` text before v7 and ``Sts/Cd`` after). Bank XML
is untrusted input: it is parsed by defusedxml with DTDs forbidden, so entity expansion
(billion laughs) and external entities (XXE) are refused before anything is read.

Sample (camt.053.001.02)::

    <Stmt><Id>253EUR…</Id><Acct><Id><IBAN>NL26…</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">18.15</Amt>
           <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2014-12-30</Dt></Dt></Bal>
      <Ntry><Amt Ccy="EUR">8.85</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
        <ValDt><Dt>2015-01-02</Dt></ValDt><NtryDtls><TxDtls>… <RmtInf><Ustrd>INV-1001</Ustrd>
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_et
from defusedxml import DefusedXmlException

from core.money import minor_units
from parsers.bank.model import (
    BankEntry,
    BankStatement,
    BankStatementError,
    clean_text,
    exact_amount,
)
from parsers.iso20022_xml import child as _child
from parsers.iso20022_xml import children as _children
from parsers.iso20022_xml import local_name as _local
from parsers.iso20022_xml import text as _text

_NAMESPACE_RE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:camt\.05[234]\.001\.\d{2}$")
#: The report element under the root and the statement element under it, per message.
_CONTAINERS = {
    "BkToCstmrStmt": "Stmt",
    "BkToCstmrAcctRpt": "Rpt",
    "BkToCstmrDbtCdtNtfctn": "Ntfctn",
}
_OPENING = ("OPBD", "PRCD")
_CLOSING = ("CLBD",)
_AMOUNT_RE = re.compile(r"^\d{1,15}(\.\d{1,10})?$")
_NOT_PROVIDED = "NOTPROVIDED"


def looks_like_camt(data: bytes) -> bool:
    """Whether ``data`` looks like camt XML (an ISO 20022 camt namespace near the start)."""
    head = data[:4096]
    return head.lstrip().startswith(b"<") and b"camt.05" in head


def parse_camt(data: bytes) -> tuple[BankStatement, ...]:
    """Every statement (report, notification) of a camt.05x message.

    Raises:
        BankStatementError: not camt XML, a DTD or entity, a malformed amount or date.
    """
    try:
        root = safe_et.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as e:
        raise BankStatementError(
            f"refused: the XML declares {type(e).__name__} (DTDs and entities are not allowed)",
            format="camt",
        ) from None
    except (ParseError, ValueError, LookupError) as e:  # LookupError: unknown encoding
        line = getattr(e, "position", (None,))[0]
        raise BankStatementError(f"not well-formed XML: {e}", format="camt", line=line) from None
    namespace = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""
    if _local(root.tag) != "Document" or (namespace and not _NAMESPACE_RE.match(namespace)):
        raise BankStatementError(
            f"not a camt.052/053/054 document (root {_local(root.tag)!r} in {namespace!r})",
            format="camt",
        )
    statements: list[BankStatement] = []
    for container in root:
        # Version 1 messages name the container with a suffix (BkToCstmrAcctRptV01).
        item = _CONTAINERS.get(re.sub(r"V\d{2}$", "", _local(container.tag)))
        if item is None:
            continue
        statements.extend(_statement(st) for st in _children(container, item))
    if not statements:
        raise BankStatementError("no statement, report or notification in it", format="camt")
    return tuple(statements)


def _statement(st: Element) -> BankStatement:
    sid = _text(st, "Id") or ""
    acct = _child(st, "Acct")
    account = (
        _text(acct, "Id", "IBAN")
        or _text(acct, "Id", "Othr", "Id")
        or _text(acct, "Id", "PrtryAcct", "Id")  # version 1
        or ""
    )
    currency = _text(acct, "Ccy")
    entries_el = list(_children(st, "Ntry"))
    if currency is None:
        first = _child(entries_el[0], "Amt") if entries_el else _child(st, "Bal", "Amt")
        currency = first.get("Ccy") if first is not None else None
    if not currency:
        raise BankStatementError("no account currency", format="camt", statement=sid)
    currency = currency.upper()
    opening = closing = None
    opening_date = closing_date = None
    mismatched = None
    for bal in _children(st, "Bal"):
        code = _text(bal, "Tp", "CdOrPrtry", "Cd")
        if code not in _OPENING + _CLOSING:
            continue
        amount, ccy = _signed(bal, currency, sid, balance=True)
        if ccy != currency:  # kept: check_balances names it
            mismatched = f"the {code} balance is in {ccy}, the account in {currency}"
        when = _date(_child(bal, "Dt"), sid)
        if code in _OPENING and opening is None:
            opening, opening_date = amount, when
        elif code in _CLOSING:
            closing, closing_date = amount, when
    return BankStatement(
        format="camt",
        account=account,
        currency=currency,
        statement_id=sid,
        opening_balance=opening,
        closing_balance=closing,
        entries=tuple(_entry(ntry, currency, sid) for ntry in entries_el),
        opening_date=opening_date,
        closing_date=closing_date,
        balance_problem=mismatched,
    )


def _signed(el: Element, currency: str, sid: str, *, balance: bool = False) -> tuple[Decimal, str]:
    """The ``Amt`` of ``el`` with the sign of its ``CdtDbtInd``, and its currency. An entry
    in another currency than the account's is an error; a balance's is reported."""
    amt = _child(el, "Amt")
    text = (amt.text or "").strip() if amt is not None else ""
    if amt is None or not _AMOUNT_RE.match(text):
        raise BankStatementError(f"amount {text!r} is not a decimal", format="camt", statement=sid)
    ccy = (amt.get("Ccy") or currency).upper()
    if ccy != currency and not balance:
        raise BankStatementError(
            f"an amount of {text} {ccy} in a statement of account currency {currency}",
            format="camt",
            statement=sid,
        )
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise BankStatementError(f"amount {text!r}", format="camt", statement=sid) from None
    places = minor_units(ccy)
    exact = exact_amount(
        value, currency=ccy, places=places, shown=text, format="camt", statement=sid
    )
    indicator = _text(el, "CdtDbtInd")
    if indicator not in ("CRDT", "DBIT"):
        raise BankStatementError(
            f"credit/debit indicator {indicator!r} for amount {text}", format="camt", statement=sid
        )
    return (exact if indicator == "CRDT" else -exact), ccy


def _date(el: Element | None, sid: str) -> date | None:
    """``<Dt>2014-12-31</Dt>`` or ``<DtTm>2014-12-31T10:00:00+01:00</DtTm>`` under ``el``."""
    text = _text(el, "Dt") or _text(el, "DtTm")
    if text is None:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise BankStatementError(f"date {text!r}", format="camt", statement=sid) from None


def _entry(ntry: Element, currency: str, sid: str) -> BankEntry:
    amount, _ = _signed(ntry, currency, sid)
    status = _text(ntry, "Sts", "Cd") or _text(ntry, "Sts")
    details = [tx for d in _children(ntry, "NtryDtls") for tx in _children(d, "TxDtls")]
    tx = details[0] if details else None
    credit = amount > 0
    party, party_acct = ("Dbtr", "DbtrAcct") if credit else ("Cdtr", "CdtrAcct")
    parties = _child(tx, "RltdPties")
    name = _text(parties, party, "Nm") or _text(parties, party, "Pty", "Nm")
    account = _text(parties, party_acct, "Id", "IBAN") or _text(
        parties, party_acct, "Id", "Othr", "Id"
    )
    texts: list[str] = []
    refs: list[str] = []
    for detail in details:
        for rmt in _children(detail, "RmtInf"):
            texts.extend((u.text or "").strip() for u in _children(rmt, "Ustrd"))
            for strd in _children(rmt, "Strd"):
                for doc in _children(strd, "RfrdDocInf"):
                    if number := _text(doc, "Nb"):
                        refs.append(number)
                if ref := _text(strd, "CdtrRefInf", "Ref"):
                    refs.append(ref)
    if not texts and (info := _text(ntry, "AddtlNtryInf")):
        texts.append(info)
    e2e = _text(tx, "Refs", "EndToEndId")
    return BankEntry(
        amount=amount,
        currency=currency,
        value_date=_date(_child(ntry, "ValDt"), sid),
        booking_date=_date(_child(ntry, "BookgDt"), sid),
        payer_name=clean_text(name, size=255) or None,
        payer_account=account,
        bank_ref=_text(ntry, "AcctSvcrRef") or _text(tx, "Refs", "AcctSvcrRef"),
        end_to_end_id=e2e if e2e and e2e.upper() != _NOT_PROVIDED else None,
        remittance_text=clean_text(" ".join(t for t in texts if t)),
        refs=tuple(dict.fromkeys(clean_text(r, size=255) for r in refs)),
        type_code=_text(ntry, "BkTxCd", "Prtry", "Cd") or _text(ntry, "BkTxCd", "Domn", "Cd"),
        booked=status in (None, "BOOK"),
    )
