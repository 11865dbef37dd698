"""``/reports``: the AR aging as of a date (table and bar chart, XLSX download) and the
daily STP of the last 30 days (line chart), the same figures as ``arbox report aging`` and
``arbox report cash``, computed by :mod:`ledger.reports`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ledger.reports.aging import aging_report
from ledger.reports.cash import cash_report
from ledger.reports.charts import aging_svg, stp_svg
from ledger.reports.render import cell_text, to_xlsx
from ledger.reports.tables import Table, aging_document
from review import deps
from review.auth import require
from review.params import query_date
from review.templating import render

#: How many days the STP chart covers, up to the as-of date.
STP_DAYS = 30


@dataclass(frozen=True, slots=True)
class ShownTable:
    """A report table as the template shows it: texts, and which columns are numbers."""

    title: str
    columns: tuple[str, ...]
    numeric: tuple[bool, ...]
    rows: tuple[tuple[str, ...], ...]
    totals: tuple[tuple[str, ...], ...]


def shown(table: Table) -> ShownTable:
    kinds = [c.kind for c in table.columns]

    def texts(row: tuple[object, ...]) -> tuple[str, ...]:
        return tuple(
            cell_text(v, k, grouped=True)  # type: ignore[arg-type]
            for v, k in zip(row, kinds, strict=True)
        )

    return ShownTable(
        title=table.title,
        columns=tuple(c.name for c in table.columns),
        numeric=tuple(k not in ("text", "date") for k in kinds),
        rows=tuple(texts(r) for r in table.rows),
        totals=tuple(texts(r) for r in table.totals),
    )


def _as_of(request: Request) -> date:
    """The ``as_of`` query parameter (``YYYY-MM-DD``); today (UTC) when absent.

    Raises:
        HTTPException: 400 when it is not a date from 1900 to 2999.
    """
    return query_date(request.query_params, "as_of", default=deps.now(request).date())


async def reports_page(request: Request) -> Response:
    """``/reports?as_of=YYYY-MM-DD``."""
    require(request, "viewer")
    as_of = _as_of(request)
    session = deps.db(request)
    aging = aging_report(session, as_of=as_of)
    cash = cash_report(session, start=as_of - timedelta(days=STP_DAYS - 1), end=as_of)
    context = {
        "as_of": as_of.isoformat(),
        "aging": shown(aging_document(aging).tables[0]),
        # Trusted markup: ledger.reports.charts escapes every label it writes.
        "aging_chart": aging_svg(aging),
        "stp_chart": stp_svg(cash),
    }
    return render(request, "reports.html", context)


async def aging_xlsx(request: Request) -> Response:
    """``/reports/aging.xlsx?as_of=``: the aging workbook of ``arbox report aging``."""
    require(request, "viewer")
    as_of = _as_of(request)
    data = to_xlsx(aging_document(aging_report(deps.db(request), as_of=as_of)))
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="aging-{as_of.isoformat()}.xlsx"'},
    )


routes: list[BaseRoute] = [
    Route("/reports", reports_page, methods=["GET"]),
    Route("/reports/aging.xlsx", aging_xlsx, methods=["GET"]),
]
