"""BAI2 (cash management balance reporting) files → :class:`BankStatement`. Pure: no IO.

The fields are read by the maintained ``bai2`` library. Before it sees the file, the records
are put one to a line with their ``88`` continuations joined, because real files do what the
library does not expect (moov-io's samples, ``/work/shared/corpora/bai2-tests``): several
records on one line (``…/   02,…``), a record wrapped onto a line of its own without ``88``,
a summary item split over a continuation (``…,190/`` + ``88,500000,…``) and newline-delimited
continuations of type-16 text without ``/``. The library's integrity checks count physical
records, so they are off; this module checks what matters itself: every account, group and
file control total, and the opening ledger (010) plus the detail credits minus debits equals
the closing ledger (015) where an account reports both.

Amounts are integers in the currency's minor unit (``000000000208500`` = 2,085.00 CAD); the
sign of a detail comes from its type code (``108`` credit, ``409`` debit).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bai2 import bai2 as bai2_lib
from bai2.constants import FundsType, TypeCodeTransaction

from core.money import minor_units
from parsers.ascii_numbers import ascii_int
from parsers.bank.model import BankEntry, BankStatement, BankStatementError, clean_text

_RECORD_START = re.compile(r"^\d{2},")
_RECORD_SPLIT = re.compile(r"/\s+(?=\d{2},)")
_PAYER_RE = re.compile(r"\bDBNM:\s*(.+?)(?=\s+[A-Z]{4}:|$)")
_PAYER_ACCOUNT_RE = re.compile(r"\bDACT:\s*(\S+)")


@dataclass(slots=True)
class _Record:
    line: int
    text: str


def looks_like_bai2(text: str) -> bool:
    """Whether ``text`` starts like a BAI2 file (a ``01`` file header)."""
    return text.lstrip().startswith("01,")


def parse_bai2(data: bytes) -> tuple[BankStatement, ...]:
    """Every account report of a BAI2 file, one statement each.

    Raises:
        BankStatementError: the file does not parse, a control total or a balance is wrong.
    """
    records = _logical_records(data.decode("latin-1"))
    if not records or not records[0].text.startswith("01,"):
        raise BankStatementError("no file header (01 record) at the start", format="bai2", line=1)
    _check_structure(records)
    try:
        parsed = bai2_lib.parse_from_lines([r.text for r in records], check_integrity=False)
    except Exception as e:
        raise BankStatementError(
            f"does not parse: {type(e).__name__}: {str(e)[:200]}", format="bai2"
        ) from None
    try:
        return _statements(parsed, [r.line for r in records if r.text.startswith("16,")])
    except BankStatementError:
        raise
    except Exception as e:
        raise BankStatementError(
            f"incomplete records: {type(e).__name__}: {str(e)[:200]}", format="bai2"
        ) from None


def _logical_records(text: str) -> list[_Record]:
    """One record per item, continuations (``88``) joined, line numbers kept."""
    physical: list[_Record] = []
    for no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if not _RECORD_START.match(line) and physical:  # a record wrapped without 88
            physical[-1].text += " " + line
            continue
        parts = _RECORD_SPLIT.split(line)
        physical.extend(_Record(no, part if i == len(parts) - 1 else part + "/") for i, part in
                        enumerate(parts))  # fmt: skip
    records: list[_Record] = []
    for rec in physical:
        if rec.text.startswith("88,") and records:
            prev = records[-1]
            body = rec.text[3:]
            if prev.text.endswith("/"):
                prev.text = prev.text[:-1] + "," + body
            else:
                prev.text = prev.text + " " + body
            continue
        if rec.text.startswith("88,"):
            raise BankStatementError("continuation before any record", format="bai2", line=rec.line)
        records.append(rec)
    for rec in records:
        rec.text = _zero_empty_availability(rec.text)
    return records


#: Which record may follow which (``01`` file header … ``99`` file trailer).
_NEXT = {
    "01": ("02", "99"),
    "02": ("03", "98"),
    "03": ("16", "49"),
    "16": ("16", "49"),
    "49": ("03", "98"),
    "98": ("02", "99"),
    "99": (),
}


def _check_structure(records: list[_Record]) -> None:
    """Every group and account closed, records in their order, nothing after ``99``.

    The library loops forever on a file that ends inside an account (its parser never
    advances past the last record), so a truncated file must not reach it.
    """
    previous = "01"
    for rec in records[1:]:
        code = rec.text[:2]
        if code not in _NEXT:
            raise BankStatementError(f"unknown record type {code!r}", format="bai2", line=rec.line)
        if code not in _NEXT[previous]:
            expected = " or ".join(_NEXT[previous]) or "nothing"
            raise BankStatementError(
                f"record {code} after {previous} (expected {expected})",
                format="bai2",
                line=rec.line,
            )
        previous = code
    if previous != "99":
        raise BankStatementError(
            f"the file ends after a {previous} record, without its 99 trailer (cut short?)",
            format="bai2",
            line=records[-1].line,
        )


def _zero_empty_availability(text: str) -> str:
    """Distributed availability (funds type ``S``) with empty amounts made ``0``: banks leave
    them empty (moov-io sample2: ``16,115,500000,S,,200000,300000,…``) and the library reads
    them with ``int()``."""
    code = text[:2]
    if code not in ("03", "16"):
        return text
    body = text[3:]
    slash = body.endswith("/")
    fields = (body[:-1] if slash else body).split(",")
    # 16: type, amount, funds, availability…; 03: account, currency, then items of
    # type, amount, count, funds, availability (S: 3 fields, V: 2, D: 1 + 2 per part).
    starts = [2]
    if code == "03":
        starts, at = [], 5
        while at < len(fields):
            starts.append(at)
            funds = fields[at]
            size = {"S": 3, "V": 2}.get(funds, 0)
            if funds == "D":
                count = fields[at + 1] if at + 1 < len(fields) else ""
                parts = ascii_int(count, maximum=len(fields))  # "²" is isdigit()
                size = 1 + 2 * parts if parts is not None else 1
            at += 1 + size + 3
    for at in starts:
        if at < len(fields) and fields[at] == "S":
            for k in range(at + 1, min(at + 4, len(fields))):
                fields[k] = fields[k] or "0"
    return f"{code}," + ",".join(fields) + ("/" if slash else "")


def _amount(value: int | None, currency: str) -> Decimal:
    return Decimal(int(value or 0)).scaleb(-minor_units(currency))


def _statements(parsed: object, detail_lines: list[int]) -> tuple[BankStatement, ...]:
    out: list[BankStatement] = []
    lines = iter(detail_lines)
    file_header, file_trailer = parsed.header, parsed.trailer  # type: ignore[attr-defined]
    file_id = str(file_header.file_id or "")
    group_total_sum = 0
    for group in parsed.children:  # type: ignore[attr-defined]
        gh = group.header
        as_of: date | None = gh.as_of_date
        group_currency = gh.currency or "USD"
        account_total_sum = 0
        for account in group.children:
            ident = account.header
            currency = (ident.currency or group_currency).upper()
            number = str(ident.customer_account_number or "")
            sid = f"{file_id}/{as_of.isoformat() if as_of else '-'}/{number}"
            summaries = {s.type_code.code: s for s in ident.summary_items if s.type_code}
            control = sum(int(s.amount or 0) for s in ident.summary_items)
            entries: list[BankEntry] = []
            for detail in account.children:
                line = next(lines, None)
                control += int(detail.amount or 0)
                kind = detail.type_code.transaction
                if kind not in (TypeCodeTransaction.credit, TypeCodeTransaction.debit):
                    continue  # informational detail: no money moved
                amount = _amount(detail.amount, currency)
                if kind is TypeCodeTransaction.debit:
                    amount = -amount
                value_date = as_of
                if detail.funds_type is FundsType.value_dated and detail.availability:
                    value_date = detail.availability.get("date") or as_of
                text = clean_text(detail.text)
                payer = _PAYER_RE.search(text)
                payer_account = _PAYER_ACCOUNT_RE.search(text)
                entries.append(
                    BankEntry(
                        amount=amount,
                        currency=currency,
                        value_date=value_date,
                        booking_date=as_of,
                        payer_name=payer.group(1).strip() if payer else None,
                        payer_account=payer_account.group(1) if payer_account else None,
                        bank_ref=(detail.bank_reference or "").strip() or None,
                        end_to_end_id=(detail.customer_reference or "").strip() or None,
                        remittance_text=text,
                        type_code=detail.type_code.code,
                        line=line,
                    )
                )
            expected = account.trailer.account_control_total
            if expected is None or control != int(expected):
                raise BankStatementError(
                    f"account control total is {expected}, the records add up to {control}",
                    format="bai2",
                    statement=sid,
                )
            account_total_sum += control
            opening = summaries.get("010")
            closing = summaries.get("015")
            out.append(
                BankStatement(
                    format="bai2",
                    account=number,
                    currency=currency,
                    statement_id=sid,
                    opening_balance=_amount(opening.amount, currency) if opening else None,
                    closing_balance=_amount(closing.amount, currency) if closing else None,
                    entries=tuple(entries),
                    opening_date=as_of,
                    closing_date=as_of,
                )
            )
        if group.trailer.group_control_total != account_total_sum:
            raise BankStatementError(
                f"group control total is {group.trailer.group_control_total}, the accounts "
                f"add up to {account_total_sum}",
                format="bai2",
                statement=f"{file_id}/{as_of}",
            )
        group_total_sum += account_total_sum
    if file_trailer.file_control_total != group_total_sum:
        raise BankStatementError(
            f"file control total is {file_trailer.file_control_total}, the groups add up to "
            f"{group_total_sum}",
            format="bai2",
            statement=file_id,
        )
    return tuple(out)
