"""SWIFT MT940 (and MT942) statements → :class:`BankStatement`. Pure: no IO.

Fields are read by the maintained ``mt-940`` library (import name ``mt940``), which reads
amounts as Decimal from the text (``6,00`` → ``Decimal("6.00")``, debits negative) and, with
its transaction-details processor, splits German structured ``:86:`` fields (``?20``…``?29``
purpose, ``?32`` payer name, ``?31`` payer account, ``EREF:``). The library merges the
statements of a file into one list, so the file is cut at each ``:20:`` (transaction
reference) and every statement is read on its own, with its own opening (``:60F:``/``:60M:``)
and closing (``:62F:``/``:62M:``) balance.

Sample::

    :20:STARTUMSE
    :25:12345678/1020304050
    :28C:00000/001
    :60F:C160229EUR1200,00
    :61:1603010301CR250,00NTRFNONREF
    :86:166?00GUTSCHRIFT?20INV-1001 INV-1002?32ACME MANUFACTURING
    :62F:C160301EUR1450,00
"""

from __future__ import annotations

import logging
import re
from datetime import date
from decimal import Decimal
from typing import Any

import mt940 as mt940_lib

from core.money import minor_units
from parsers.bank.model import (
    BankEntry,
    BankStatement,
    BankStatementError,
    clean_text,
    exact_amount,
)

_STATEMENT_START = re.compile(r"(?m)^:20:")
_LINE_61 = re.compile(r"(?m)^:61:")
_EREF_RE = re.compile(r"\bEREF[+:]\s*(\S+)")
#: The library logs every failed match at ERROR with the input text: keep that out of logs.
logging.getLogger("mt940").setLevel(logging.CRITICAL)


def looks_like_mt940(text: str) -> bool:
    """Whether ``text`` has the tags of an MT940 statement."""
    return bool(_STATEMENT_START.search(text)) and (":61:" in text or ":60F:" in text)


def parse_mt940(data: bytes) -> tuple[BankStatement, ...]:
    """Every statement of an MT940/MT942 file.

    Raises:
        BankStatementError: no statement in it, a tag does not parse, an amount has more
            decimals than its currency.
    """
    text = _decode(data)
    starts = [m.start() for m in _STATEMENT_START.finditer(text)]
    if not starts:
        raise BankStatementError("no statement (no :20: transaction reference)", format="mt940")
    statements = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        first_line = text.count("\n", 0, start) + 1
        statements.append(_statement(text[start:end], first_line))
    return tuple(statements)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # SWIFT's character set is a subset of both


def _statement(chunk: str, first_line: int) -> BankStatement:
    reference = chunk[4 : chunk.find("\n")].strip() if "\n" in chunk else chunk[4:].strip()
    transactions = mt940_lib.models.Transactions(
        processors={
            "post_transaction_details": [mt940_lib.processors.transaction_details_post_processor]
        }
    )
    try:
        transactions.parse(chunk)
    except Exception as e:
        message = " ".join(str(e).split())[:200]
        raise BankStatementError(
            f"does not parse: {message}", format="mt940", statement=reference, line=first_line
        ) from None
    data: dict[str, Any] = transactions.data
    sid = "/".join(
        str(part)
        for part in (reference, data.get("statement_number"), data.get("sequence_number"))
        if part
    )
    opening = data.get("final_opening_balance") or data.get("intermediate_opening_balance")
    closing = data.get("final_closing_balance") or data.get("intermediate_closing_balance")
    currency = None
    for balance in (opening, closing):
        if balance is not None:
            currency = currency or balance.amount.currency
    lines = [chunk.count("\n", 0, m.start()) + first_line for m in _LINE_61.finditer(chunk)]
    entries = []
    for n, tx in enumerate(transactions.transactions):
        entries.append(_entry(tx.data, sid, lines[n] if n < len(lines) else None))
        currency = currency or entries[-1].currency
    if currency is None:
        raise BankStatementError(
            "no balance and no entry: not a statement", format="mt940", statement=sid
        )
    if opening is not None and closing is None:  # MT940 has both; MT942 neither
        raise BankStatementError(
            "an opening balance (:60:) and no closing balance (:62:): the statement is cut short",
            format="mt940",
            statement=sid,
        )
    for entry in entries:
        if entry.currency != currency:
            raise BankStatementError(
                f"an entry in {entry.currency} in a statement in {currency}",
                format="mt940",
                statement=sid,
                line=entry.line,
            )
    return BankStatement(
        format="mt940",
        account=str(data.get("account_identification") or ""),
        currency=currency,
        statement_id=sid,
        opening_balance=_money(opening.amount, sid) if opening else None,
        closing_balance=_money(closing.amount, sid) if closing else None,
        entries=tuple(entries),
        opening_date=_day(opening.date) if opening else None,
        closing_date=_day(closing.date) if closing else None,
    )


def _money(amount: Any, sid: str, line: int | None = None) -> Decimal:
    """The library's Amount as an exact Decimal of its currency's minor units."""
    value = amount.amount
    if not isinstance(value, Decimal):  # the library builds Decimals from the text
        raise BankStatementError(f"amount {value!r}", format="mt940", statement=sid, line=line)
    currency = str(amount.currency).upper()
    places = minor_units(currency) if re.fullmatch(r"[A-Z]{3}", currency) else 2
    return exact_amount(
        value,
        currency=currency,
        places=places,
        shown=str(value),
        format="mt940",
        statement=sid,
        line=line,
    )


def _day(value: Any) -> date | None:
    return date(value.year, value.month, value.day) if value is not None else None


def _entry(tx: dict[str, Any], sid: str, line: int | None) -> BankEntry:
    amount = _money(tx["amount"], sid, line)
    purpose = " ".join(str(tx.get(key) or "") for key in ("purpose", "additional_purpose")).strip()
    text = clean_text(purpose or tx.get("transaction_details") or tx.get("extra_details"))
    e2e = tx.get("end_to_end_reference")
    if not e2e and (found := _EREF_RE.search(text)):
        e2e = found.group(1)
    refs = [str(tx.get(k) or "").strip() for k in ("bank_reference", "customer_reference")]
    bank_ref = next((r for r in refs if r and r != "NONREF"), None)
    e2e_text = str(e2e or "").strip()
    return BankEntry(
        amount=amount,
        currency=str(tx["amount"].currency).upper(),
        value_date=_day(tx.get("date")),
        booking_date=_day(tx.get("entry_date")),
        payer_name=clean_text(tx.get("applicant_name"), size=255) or None,
        payer_account=(tx.get("applicant_iban") or "").strip() or None,
        bank_ref=bank_ref,
        end_to_end_id=e2e_text if e2e_text and e2e_text != "NOTPROVIDED" else None,
        remittance_text=text,
        type_code=tx.get("id"),
        line=line,
    )
