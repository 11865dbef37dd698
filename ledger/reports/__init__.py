"""AR reports read from the ledger: aging, DSO, cash applied, month-end close.

Each module is a query layer that aggregates in SQL (GROUP BY with CASE, no ORM rows loaded)
and returns frozen dataclasses with Decimal money, one figure per currency (currencies are
never added together). :mod:`ledger.reports.tables` turns a report into plain tables and
:mod:`ledger.reports.render` writes them as text, CSV, JSON, XLSX or HTML.
"""
