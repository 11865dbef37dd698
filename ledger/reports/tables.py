"""Reports as plain tables: named columns of a kind (text, money, count, percent, days, date),
body rows and total rows. Pure: no IO. :mod:`ledger.reports.render` writes these tables in
every output format, so each report is laid out once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from ledger.reports.aging import BUCKET_LABELS, AgingReport, AgingRow
from ledger.reports.cash import CashReport, CashRow
from ledger.reports.close import CloseReport
from ledger.reports.dso import DsoReport, DsoRow

Kind = Literal["text", "money", "count", "percent", "days", "date"]
Cell = str | int | Decimal | date | None


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its name (CSV header, JSON key) and the kind of its values."""

    name: str
    kind: Kind = "text"
    #: The currency of a money column whose rows have no ``currency`` column (the close
    #: report has one column per currency).
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class Table:
    """One table of a report. ``name`` is its key in JSON and its sheet in XLSX."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    totals: tuple[tuple[Cell, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    """A whole report: what it is, its parameters and its tables (the first is the main one)."""

    report: str
    title: str
    params: tuple[tuple[str, str], ...]
    tables: tuple[Table, ...]


def _cols(*spec: tuple[str, Kind]) -> tuple[Column, ...]:
    return tuple(Column(name, kind) for name, kind in spec)


AGING_COLUMNS = _cols(
    ("customer_number", "text"),
    ("customer_name", "text"),
    ("currency", "text"),
    *((label, "money") for label in BUCKET_LABELS),
    ("credits", "money"),
    ("unapplied", "money"),
    ("total", "money"),
)


def _aging_cells(row: AgingRow) -> tuple[Cell, ...]:
    return (
        row.customer_number,
        row.customer_name,
        row.currency,
        *row.buckets,
        row.credits,
        row.unapplied,
        row.total,
    )


def aging_document(report: AgingReport) -> Document:
    """The aging as one table with a total row per currency."""
    return Document(
        report="aging",
        title=f"AR aging as of {report.as_of.isoformat()}",
        params=(("as_of", report.as_of.isoformat()),),
        tables=(
            Table(
                name="aging",
                title="Aging per customer (days past due)",
                columns=AGING_COLUMNS,
                rows=tuple(_aging_cells(r) for r in report.rows),
                totals=tuple(_aging_cells(r) for r in report.totals),
            ),
        ),
    )


DSO_COLUMNS = _cols(
    ("customer_number", "text"),
    ("customer_name", "text"),
    ("currency", "text"),
    ("receivables", "money"),
    ("credit_sales", "money"),
    ("dso_days", "days"),
)


def _dso_cells(row: DsoRow) -> tuple[Cell, ...]:
    return (
        row.customer_number,
        row.customer_name,
        row.currency,
        row.receivables,
        row.credit_sales,
        row.dso,
    )


def dso_document(report: DsoReport) -> Document:
    """DSO per customer with a total row per currency."""
    return Document(
        report="dso",
        title=f"DSO as of {report.as_of.isoformat()} over {report.days} days",
        params=(("as_of", report.as_of.isoformat()), ("days", str(report.days))),
        tables=(
            Table(
                name="dso",
                title="Days sales outstanding = receivables / credit sales × days",
                columns=DSO_COLUMNS,
                rows=tuple(_dso_cells(r) for r in report.rows),
                totals=tuple(_dso_cells(r) for r in report.totals),
            ),
        ),
    )


def _cash_columns(by: str) -> tuple[Column, ...]:
    first: tuple[tuple[str, Kind], ...] = (
        (("day", "text"),)
        if by == "day"
        else (("customer_number", "text"), ("customer_name", "text"))
    )
    return _cols(
        *first,
        ("currency", "text"),
        ("applied_auto", "money"),
        ("count_auto", "count"),
        ("applied_confirmed", "money"),
        ("count_confirmed", "count"),
        ("applied", "money"),
        ("discounts", "money"),
        ("deductions", "money"),
        ("reversed", "money"),
        ("net", "money"),
    )


def _cash_cells(row: CashRow, by: str) -> tuple[Cell, ...]:
    first: tuple[Cell, ...] = (row.key,) if by == "day" else (row.key, row.label)
    return (
        *first,
        row.currency,
        row.auto_amount,
        row.auto_count,
        row.confirmed_amount,
        row.confirmed_count,
        row.applied,
        row.discounts,
        row.deductions,
        row.reversed,
        row.net,
    )


def cash_tables(report: CashReport) -> tuple[Table, ...]:
    """Cash applied, STP per day, and what is open at the end of the period."""
    by = report.by
    return (
        Table(
            name="cash",
            title=f"Cash applied per {by}",
            columns=_cash_columns(by),
            rows=tuple(_cash_cells(r, by) for r in report.rows),
            totals=tuple(_cash_cells(r, by) for r in report.totals),
        ),
        Table(
            name="stp",
            title="Straight-through processing: remittance lines applied with no person",
            columns=_cols(
                ("day", "date"), ("lines", "count"), ("auto", "count"), ("stp_percent", "percent")
            ),
            rows=tuple((d.day, d.lines, d.auto, d.stp) for d in report.stp_days),
            totals=(("Total", report.lines, report.lines_auto, report.stp),),
        ),
        Table(
            name="open_at_end",
            title=f"Open on {report.end.isoformat()}",
            columns=_cols(
                ("currency", "text"), ("unapplied_cash", "money"), ("deductions_open", "money")
            ),
            rows=tuple((o.currency, o.unapplied, o.deductions) for o in report.open_at_end),
        ),
    )


def cash_document(report: CashReport) -> Document:
    """The cash report."""
    return Document(
        report="cash",
        title=f"Cash applied {report.start.isoformat()} to {report.end.isoformat()}",
        params=(
            ("from", report.start.isoformat()),
            ("to", report.end.isoformat()),
            ("by", report.by),
        ),
        tables=cash_tables(report),
    )


RECONCILIATION_LINES: tuple[tuple[str, str], ...] = (
    ("opening", "opening AR"),
    ("invoiced", "+ invoiced"),
    ("credit_memos", "+ credit memos"),
    ("cash_applied", "− cash applied"),
    ("discounts", "− discounts"),
    ("unapplied_back", "+ un-applied"),
    ("imported", "+ imported balances"),
    ("expected", "= expected closing AR"),
    ("closing", "closing AR"),
    ("difference", "difference"),
)


def close_document(report: CloseReport) -> Document:
    """The month-end report: the reconciliation (one column per currency) first."""
    currencies = [r.currency for r in report.reconciliations]
    rows: list[tuple[Cell, ...]] = []
    for attr, label in RECONCILIATION_LINES:
        rows.append((label, *(getattr(r, attr) for r in report.reconciliations)))
    reconciliation = Table(
        name="reconciliation",
        title=f"Receivables {report.start.isoformat()} to {report.end.isoformat()}",
        columns=(Column("line"), *(Column(c, "money", currency=c) for c in currencies)),
        rows=tuple(rows),
    )
    review = Table(
        name="review_open",
        title=f"Review items open on {report.end.isoformat()}",
        columns=_cols(("kind", "text"), ("open", "count")),
        rows=tuple(report.review_open),
        totals=(("Total", sum(n for _, n in report.review_open)),),
    )
    return Document(
        report="close",
        title=f"Month-end close {report.period}"
        + ("" if report.reconciles else " — DOES NOT RECONCILE"),
        params=(("period", report.period), ("reconciles", str(report.reconciles).lower())),
        tables=(reconciliation, *cash_tables(report.cash), review),
    )


def column_index(table: Table, name: str) -> int:
    """Position of column ``name`` in ``table``."""
    return [c.name for c in table.columns].index(name)


def money_columns(columns: Sequence[Column]) -> list[int]:
    """Positions of the money columns."""
    return [i for i, c in enumerate(columns) if c.kind == "money"]
