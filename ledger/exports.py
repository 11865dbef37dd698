"""Rendering of exported rows as CSV, JSON and table cells. Pure: no IO.

Amounts are written as exact decimal strings with their currency's ISO minor units
(``1250.00``, ``1250`` JPY, ``1.125`` KWD), never rounded; with a ``locale`` whose decimal
separator is a comma, CSV writes ``1250,00`` and ``;`` between fields (Excel in that locale);
JSON is always canonical. Confidences have three places (``0.875``), timestamps ISO 8601
in UTC (``2026-01-05T09:30:00+00:00``). JSON output has sorted keys and a two-space indent,
so it diffs well and tests can compare it verbatim.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from babel.numbers import get_decimal_symbol

from core.money import plain_amount
from ledger.queries import ApplicationRow, ReviewRow
from ledger.sheet_cells import CsvWriter

#: Columns of ``arbox export applications``, in order (docs/imports-and-exports.md).
APPLICATION_COLUMNS: tuple[str, ...] = (
    "message_id",
    "invoice_number",
    "customer_number",
    "amount_applied",
    "discount",
    "deduction",
    "currency",
    "status",
    "confidence",
    "applied_at",
)
_SCORE_EXP = Decimal("0.001")


def applications_to_csv(rows: Iterable[ApplicationRow], *, locale: str | None = None) -> str:
    """CSV with a header line and one line per application (``\\n`` line ends)."""
    buffer = io.StringIO()
    decimal = get_decimal_symbol(locale) if locale else "."
    writer = CsvWriter(buffer, lineterminator="\n", delimiter=";" if decimal == "," else ",")
    writer.writerow(APPLICATION_COLUMNS)
    for row in rows:
        record = _application_record(row)
        if decimal != ".":
            for column in ("amount_applied", "discount", "deduction", "confidence"):
                record[column] = record[column].replace(".", decimal)
        writer.writerow([record[column] for column in APPLICATION_COLUMNS])
    return buffer.getvalue()


def applications_to_json(rows: Iterable[ApplicationRow]) -> str:
    """A JSON list of objects with the CSV's keys; amounts and confidence are strings."""
    return _dump([_application_record(row) for row in rows])


def review_to_json(rows: Iterable[ReviewRow]) -> str:
    """A JSON list of open review items; candidate scores are numbers (they are not money)."""
    return _dump(
        [
            {
                "id": row.id,
                "kind": row.kind,
                "message_id": row.message_id,
                "customer_number": row.customer_number,
                "reason": row.reason,
                "candidates": [
                    {"invoice_number": c.invoice_number, "score": _score_number(c.score)}
                    for c in row.candidates
                ],
                "created_at": to_iso_utc(row.created_at),
            }
            for row in rows
        ]
    )


def review_to_table_rows(rows: Iterable[ReviewRow]) -> list[tuple[str, ...]]:
    """Cells for the review table: id, kind, message_id, customer, reason, candidates, created."""
    return [
        (
            str(row.id),
            row.kind,
            row.message_id or "",
            row.customer_number or "",
            row.reason,
            ", ".join(f"{c.invoice_number} ({format_score(c.score)})" for c in row.candidates),
            row.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        )
        for row in rows
    ]


def format_money(amount: Decimal, currency: str) -> str:
    """``Decimal("1250.5")`` → ``"1250.50"`` (``"1250"`` JPY, ``"1.125"`` KWD): the currency's
    minor units, and every digit of an amount finer than that (never rounded)."""
    return plain_amount(amount, currency)


def format_score(score: Decimal) -> str:
    """A 0–1 confidence with three places: ``"0.875"``."""
    return format(score.quantize(_SCORE_EXP), "f")


def to_iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with an explicit offset: ``2026-01-05T09:30:00+00:00``."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: exports take aware datetimes only")
    return moment.astimezone(UTC).isoformat()


def _application_record(row: ApplicationRow) -> dict[str, str]:
    return {
        "message_id": row.message_id,
        "invoice_number": row.invoice_number,
        "customer_number": row.customer_number,
        "amount_applied": format_money(row.amount_applied, row.currency),
        "discount": format_money(row.discount, row.currency),
        "deduction": format_money(row.deduction, row.currency),
        "currency": row.currency,
        "status": row.status,
        "confidence": format_score(row.confidence),
        "applied_at": to_iso_utc(row.applied_at),
    }


def _score_number(score: Decimal) -> float:
    # A score is a ratio, not money, so a JSON number is what consumers expect. float() of a
    # three-place Decimal prints back as the same digits (repr is the shortest round-trip).
    return float(score.quantize(_SCORE_EXP))


def _dump(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True) + "\n"
