"""Report output formats: CSV and JSON parse back to the same figures, XLSX opens back with
its number formats, bold frozen header, total rows and charts, HTML and SVG escape what they
show. Pure: reports built by hand, no database."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import openpyxl

from ledger.reports.aging import AgingReport, AgingRow, total_rows
from ledger.reports.cash import CashReport, CashRow, OpenAtEnd, StpDay, cash_totals
from ledger.reports.charts import aging_svg, stp_svg
from ledger.reports.render import to_csv, to_html, to_json, to_xlsx
from ledger.reports.tables import aging_document, cash_document

D = Decimal
HOSTILE = '<script>alert("x")</script> & Co'


def _aging() -> AgingReport:
    z = D("0.00")
    rows = (
        AgingRow("C1", "Acme", "USD", (D("1234.50"), D("600.00"), z, z, z), z, D("-15.00")),
        AgingRow("C2", HOSTILE, "USD", (z, z, z, z, D("300.00")), D("-50.00"), z),
        AgingRow("C3", "Gamma", "EUR", (D("800.00"), z, z, z, z), z, z),
    )
    return AgingReport(as_of=date(2026, 3, 1), rows=rows, totals=total_rows(rows))


def _cash() -> CashReport:
    z = D("0.00")
    rows = (
        CashRow("2026-02-10", "", "USD", D("400.00"), 1, z, 0, z, z, z),
        CashRow("2026-02-20", "", "USD", z, 0, D("294.00"), 1, D("6.00"), z, D("294.00")),
    )
    return CashReport(
        start=date(2026, 2, 1),
        end=date(2026, 2, 28),
        by="day",
        rows=rows,
        totals=cash_totals(rows),
        stp_days=(StpDay(date(2026, 2, 10), 2, 1), StpDay(date(2026, 2, 20), 1, 0)),
        open_at_end=(OpenAtEnd("USD", D("349.00"), z),),
    )


def test_aging_totals_add_up_each_currency_apart():
    report = _aging()
    usd = report.total_for("USD")
    assert usd.buckets == (D("1234.50"), D("600.00"), D("0.00"), D("0.00"), D("300.00"))
    assert (usd.credits, usd.unapplied, usd.total) == (D("-50.00"), D("-15.00"), D("2069.50"))
    assert report.total_for("EUR").total == D("800.00")


def test_aging_csv_parses_back_to_the_same_figures_with_total_rows_last():
    rows = list(csv.DictReader(io.StringIO(to_csv(aging_document(_aging())))))
    assert [r["customer_number"] or r["customer_name"] for r in rows] == [
        "C1",
        "C2",
        "C3",
        "Total",
        "Total",
    ]
    assert rows[0]["current"] == "1234.50" and rows[0]["total"] == "1819.50"
    assert rows[1]["customer_name"] == HOSTILE
    usd_total = next(r for r in rows if r["customer_name"] == "Total" and r["currency"] == "USD")
    assert D(usd_total["total"]) == sum((D(r["total"]) for r in rows[:2]), start=D("0"))


def test_cash_csv_writes_each_table_as_a_named_block():
    blocks = to_csv(cash_document(_cash())).split("\n\n")
    assert [b.splitlines()[0] for b in blocks if b] == ["cash", "stp", "open_at_end"]
    stp = list(csv.reader(io.StringIO(blocks[1])))
    assert stp[:3] == [
        ["stp"],
        ["day", "lines", "auto", "stp_percent"],
        ["2026-02-10", "2", "1", "50.0"],
    ]
    assert stp[-1] == ["Total", "3", "1", "33.3"]


def test_json_has_money_as_strings_and_counts_as_numbers():
    value = json.loads(to_json(cash_document(_cash())))
    assert value["report"] == "cash" and value["params"]["by"] == "day"
    (total,) = value["tables"]["cash"]["totals"]
    assert total["applied"] == "694.00" and total["count_auto"] == 1
    assert value["tables"]["open_at_end"]["rows"] == [
        {"currency": "USD", "deductions_open": "0.00", "unapplied_cash": "349.00"}
    ]
    aging = json.loads(to_json(aging_document(_aging())))
    assert aging["tables"]["aging"]["rows"][1]["customer_name"] == HOSTILE


def test_xlsx_opens_back_with_number_formats_bold_frozen_header_and_total_rows(tmp_path):
    path = tmp_path / "aging.xlsx"
    path.write_bytes(to_xlsx(aging_document(_aging())))
    sheet = openpyxl.load_workbook(path)["aging"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["customer_number", "customer_name", "currency", "current"]
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    current = header.index("current") + 1
    assert D(str(sheet.cell(2, current).value)) == D("1234.50")
    assert sheet.cell(2, current).number_format == "#,##0.00"
    last = sheet.max_row
    assert [sheet.cell(r, 2).value for r in (last - 1, last)] == ["Total", "Total"]
    assert sheet.cell(last, 2).font.b
    total = header.index("total") + 1
    assert D(str(sheet.cell(last, total).value)) == D("2069.50")  # USD sorts after EUR
    assert sheet.column_dimensions["B"].width >= len(HOSTILE)
    assert len(sheet._charts) == 1  # the buckets as a bar chart


def test_cash_xlsx_has_a_sheet_per_table_and_the_stp_line_chart(tmp_path):
    path = tmp_path / "cash.xlsx"
    path.write_bytes(to_xlsx(cash_document(_cash())))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["cash", "stp", "open at end"]
    assert len(book["stp"]._charts) == 1
    assert book["stp"]["D2"].number_format == '0.0"%"'


def test_html_escapes_names_and_embeds_the_charts_inline():
    report = _aging()
    page = to_html(aging_document(report), charts=[aging_svg(report)])
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in page
    assert page.count("<svg") == 1 and "http" not in page.replace("http://www.w3.org/2000/svg", "")


def test_aging_svg_is_well_formed_with_one_bar_series_per_currency():
    svg = aging_svg(_aging())
    root = ElementTree.fromstring(svg)
    rects = [
        e for e in root.iter("{http://www.w3.org/2000/svg}rect") if e.find("{*}title") is not None
    ]
    titles = [e.find("{*}title").text for e in rects]
    assert "USD current: 1,234.50" in titles and "EUR current: 800.00" in titles
    assert len(rects) == 10  # 5 buckets × 2 currencies


def test_stp_svg_plots_each_day_as_a_point_on_a_percent_axis():
    root = ElementTree.fromstring(stp_svg(_cash()))
    points = [e.find("{*}title").text for e in root.iter("{http://www.w3.org/2000/svg}circle")]
    assert points == ["2026-02-10: 50.0%", "2026-02-20: 0.0%"]
    assert root.find("{*}polyline") is not None


def test_chart_labels_are_escaped():
    z = D("0.00")
    rows = (AgingRow("C1", "x", "<b>", (D("1.00"), z, z, z, z), z, z),)
    svg = aging_svg(AgingReport(date(2026, 1, 1), rows, total_rows(rows)))
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    ElementTree.fromstring(svg)


def test_money_has_the_minor_units_of_its_row_currency():
    z = D("0.00")
    rows = (
        AgingRow("C1", "Yen", "JPY", (D("1234567.00"), z, z, z, z), z, z),
        AgingRow("C2", "Dinar", "KWD", (D("1250.125"), D("2.50"), z, z, z), z, z),
    )
    doc = aging_document(AgingReport(as_of=date(2026, 3, 1), rows=rows, totals=total_rows(rows)))
    got = {r["customer_number"]: r for r in csv.DictReader(io.StringIO(to_csv(doc)))}
    assert (got["C1"]["current"], got["C1"]["total"]) == ("1234567", "1234567")
    assert (got["C2"]["current"], got["C2"]["1-30"], got["C2"]["credits"]) == (
        "1250.125",
        "2.500",
        "0.000",
    )
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(doc)))
    sheet = book.worksheets[0]
    formats = {sheet.cell(row=r, column=4).number_format for r in (2, 3)}
    assert formats == {"#,##0", "#,##0.000"}


def test_locale_writes_numbers_as_the_locale_does():
    doc = aging_document(_aging())
    text = to_csv(doc, locale="de_DE")
    header, first = text.splitlines()[:2]
    assert header.startswith("customer_number;customer_name;currency;current")
    assert first.split(";")[3] == "1234,50"
    assert "1.234,50" in to_html(doc, locale="de_DE")
    assert "1\u202f234,50" in to_html(doc, locale="fr_FR")
    assert to_json(doc) == to_json(aging_document(_aging()))  # JSON stays canonical
