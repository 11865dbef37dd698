"""Bank statement exports as CSV → :class:`BankStatement`. Pure: no IO.

Banks' CSV exports have no standard layout, so the columns are named by the caller
(:class:`CsvMapping`, from ``arbox import bank --date-column …`` or a mapping file); the defaults
match the common English headers (``Date``, ``Amount``, ``Payer``, ``Description``). Amounts
are read by :func:`core.money.parse_amount` with the decimal separator the mapping says
(``1.234,56`` with ``decimal_comma``), never guessed per row. CSV carries no balances unless
the mapping names opening/closing columns, so most CSV files are not balance-checked. The
encoding is detected as for every CSV (:func:`parsers.text_encoding.decode_text`: BOM, UTF-8, a
legacy code page it is sure of) unless the mapping names it; a file it is not sure of is
refused, never read with replacement characters.

Sample::

    Date,Amount,Payer,Description,Reference
    2026-11-03,1250.00,Acme Manufacturing Inc,INV-70001,BNK-1
"""

from __future__ import annotations

import csv as csv_lib
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from core.errors import AmountFormatError, UnreadableDocumentError
from core.money import parse_amount
from parsers.bank.model import BankEntry, BankStatement, BankStatementError, clean_text
from parsers.text_encoding import decode_text

#: Rows a CSV statement may have (a day's export is hundreds).
MAX_ROWS = 200_000


@dataclass(frozen=True, slots=True)
class CsvMapping:
    """Which column holds what (header names, compared case-insensitively)."""

    date_column: str = "date"
    amount_column: str = "amount"
    payer_column: str | None = "payer"
    text_column: str | None = "description"
    reference_column: str | None = "reference"
    payer_account_column: str | None = None
    currency_column: str | None = None
    #: ``1.234,56``: comma as the decimal separator.
    decimal_comma: bool = False
    #: strptime format of the dates; ISO ``YYYY-MM-DD`` when None.
    date_format: str | None = None
    currency: str = "USD"
    account: str = ""
    delimiter: str | None = None
    #: The file's encoding; detected (BOM, UTF-8, a legacy code page) when None.
    encoding: str | None = None


def parse_csv_statement(data: bytes, *, mapping: CsvMapping, statement_id: str) -> BankStatement:
    """The rows of a CSV export as one statement (``statement_id`` names it: the file hash).

    Raises:
        BankStatementError: a column is missing, a row's date or amount does not read.
    """
    try:
        text = decode_text(data, encoding=mapping.encoding).text
    except UnreadableDocumentError as e:
        raise BankStatementError(e.reason, format="csv", line=1) from None
    try:
        dialect_delimiter = mapping.delimiter or _sniff(text)
        reader = csv_lib.reader(io.StringIO(text), delimiter=dialect_delimiter)
        header = next(reader, None)
    except csv_lib.Error as e:
        raise BankStatementError(f"not CSV: {e}", format="csv", line=1) from None
    if not header:
        raise BankStatementError("empty file: no header row", format="csv", line=1)
    names = {name.strip().casefold(): i for i, name in enumerate(header)}

    def column(name: str | None, *, required: bool) -> int | None:
        if name is None:
            return None
        index = names.get(name.strip().casefold())
        if index is None and required:
            raise BankStatementError(
                f"no column {name!r} (the header has: {', '.join(h.strip() for h in header)})",
                format="csv",
                line=1,
            )
        return index

    date_i = column(mapping.date_column, required=True)
    amount_i = column(mapping.amount_column, required=True)
    payer_i = column(mapping.payer_column, required=False)
    text_i = column(mapping.text_column, required=False)
    ref_i = column(mapping.reference_column, required=False)
    account_i = column(mapping.payer_account_column, required=False)
    currency_i = column(mapping.currency_column, required=False)
    assert date_i is not None and amount_i is not None
    entries: list[BankEntry] = []
    try:
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if line > MAX_ROWS:
                raise BankStatementError(f"more than {MAX_ROWS} rows", format="csv", line=line)

            def cell(i: int | None, row: list[str] = row) -> str:
                return row[i].strip() if i is not None and i < len(row) else ""

            currency = (cell(currency_i) or mapping.currency).upper()
            entries.append(
                BankEntry(
                    amount=_amount(cell(amount_i), mapping, line),
                    currency=currency,
                    value_date=_date(cell(date_i), mapping, line),
                    payer_name=clean_text(cell(payer_i), size=255) or None,
                    payer_account=cell(account_i) or None,
                    bank_ref=cell(ref_i)[:255] or None,
                    remittance_text=clean_text(cell(text_i)),
                    line=line,
                )
            )
    except csv_lib.Error as e:
        raise BankStatementError(f"not CSV: {e}", format="csv") from None
    currencies = {e.currency for e in entries} or {mapping.currency.upper()}
    if len(currencies) > 1:
        raise BankStatementError(
            f"several currencies in one statement: {', '.join(sorted(currencies))}", format="csv"
        )
    return BankStatement(
        format="csv",
        account=mapping.account,
        currency=currencies.pop(),
        statement_id=statement_id,
        opening_balance=None,
        closing_balance=None,
        entries=tuple(entries),
    )


def _sniff(text: str) -> str:
    first = text.split("\n", 1)[0]
    return max((";", ",", "\t", "|"), key=first.count)


def _amount(text: str, mapping: CsvMapping, line: int) -> Decimal:
    try:
        return parse_amount(text, decimal_sep="," if mapping.decimal_comma else ".")
    except AmountFormatError as e:
        raise BankStatementError(
            f"column {mapping.amount_column!r}: {e}", format="csv", line=line
        ) from None


def _date(text: str, mapping: CsvMapping, line: int) -> date:
    try:
        if mapping.date_format:
            return datetime.strptime(text, mapping.date_format).date()  # noqa: DTZ007 - a day
        return date.fromisoformat(text)
    except ValueError:
        raise BankStatementError(
            f"column {mapping.date_column!r}: {text!r} is not a date"
            + (f" ({mapping.date_format})" if mapping.date_format else " (YYYY-MM-DD)"),
            format="csv",
            line=line,
        ) from None
