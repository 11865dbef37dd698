"""Bank statements in BAI2, camt.05x, MT940 and CSV, read into one model. Pure: no IO.

:func:`read_statements` is the one entry: it detects the format (or takes the one given),
parses, and checks that each statement balances, so the caller gets statements it may book or
a :class:`BankStatementError` with the reason, never anything else.
"""

from __future__ import annotations

import hashlib

from parsers.bank.bai2 import looks_like_bai2, parse_bai2
from parsers.bank.camt import looks_like_camt, parse_camt
from parsers.bank.csv import CsvMapping, parse_csv_statement
from parsers.bank.model import (
    FORMATS,
    MAX_STATEMENT_BYTES,
    BankEntry,
    BankFormat,
    BankStatement,
    BankStatementError,
    check_balances,
)
from parsers.bank.mt940 import looks_like_mt940, parse_mt940

__all__ = [
    "FORMATS",
    "BankEntry",
    "BankFormat",
    "BankStatement",
    "BankStatementError",
    "CsvMapping",
    "detect_format",
    "parse_statements",
    "read_statements",
]


def detect_format(data: bytes, *, filename: str | None = None) -> BankFormat:
    """The format of a statement file, from its content; CSV, which has no signature, only
    by a ``.csv`` name.

    Raises:
        BankStatementError: the content is none of the formats.
    """
    if looks_like_camt(data):
        return "camt"
    text = data[:65536].decode("latin-1")
    if looks_like_bai2(text):
        return "bai2"
    if looks_like_mt940(text):
        return "mt940"
    if (filename or "").lower().endswith(".csv"):
        return "csv"
    raise BankStatementError(
        "not BAI2, camt or MT940 (a CSV file needs a .csv name or --format csv)", format="auto"
    )


def parse_statements(
    data: bytes,
    *,
    format: BankFormat,
    csv_mapping: CsvMapping | None = None,
) -> tuple[BankStatement, ...]:
    """The statements of ``data`` as the file states them, balances not checked."""
    if format == "bai2":
        return parse_bai2(data)
    if format == "camt":
        return parse_camt(data)
    if format == "mt940":
        return parse_mt940(data)
    digest = hashlib.sha256(data).hexdigest()[:16]
    return (parse_csv_statement(data, mapping=csv_mapping or CsvMapping(), statement_id=digest),)


def read_statements(
    data: bytes,
    *,
    format: BankFormat | None = None,
    filename: str | None = None,
    csv_mapping: CsvMapping | None = None,
    max_bytes: int = MAX_STATEMENT_BYTES,
) -> tuple[BankStatement, ...]:
    """Detect (unless ``format`` is given), parse and balance-check a statement file.

    Raises:
        BankStatementError: too large, unknown format, does not parse or does not balance.
    """
    if len(data) > max_bytes:
        raise BankStatementError(
            f"{len(data)} bytes is more than the limit of {max_bytes}", format=format or "auto"
        )
    if not data.strip():
        raise BankStatementError("empty file", format=format or "auto")
    fmt = format or detect_format(data, filename=filename)
    try:
        statements = parse_statements(data, format=fmt, csv_mapping=csv_mapping)
    except RecursionError:
        raise BankStatementError("nested too deeply", format=fmt) from None
    for statement in statements:
        check_balances(statement)
    return statements
