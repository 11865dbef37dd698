"""The reports page: the aging of ``arbox report aging`` as of a date, its chart, the daily
STP chart and the aging as XLSX, for any signed-in user, escaped like every page."""

from __future__ import annotations

import io

from openpyxl import load_workbook


def test_the_reports_page_shows_the_aging_as_of_a_date_with_its_charts(seed, signed_in):
    # Given two open invoices due 2026-10-31 of a customer whose name carries markup
    acme = seed.customer("C1001", "<script>alert(1)</script> Acme")
    seed.invoice(acme, "INV-1", amount="1250.00")
    seed.invoice(acme, "INV-2", amount="500.00", balance="200.00")
    # When a viewer opens the reports as of 2026-12-01 (31 days past due)
    page = signed_in("vera").get("/reports?as_of=2026-12-01")
    # Then the aging row and the total carry the balances in the 31-60 bucket
    assert page.status_code == 200
    html = page.text
    aging = html[html.index('id="aging"') :]
    assert "1,450.00" in aging and "C1001" in aging
    assert "31-60" in aging
    # And the name shows as text, never as markup
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Acme" in html
    # And both charts are there, and the page keeps the strict CSP
    assert html.count("<svg") == 2 and "AR aging as of 2026-12-01" in html
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_the_aging_downloads_as_an_xlsx_with_its_total_row(seed, signed_in):
    acme = seed.customer("C1001", "Acme")
    seed.invoice(acme, "INV-1", amount="1250.00")
    response = signed_in("vera").get("/reports/aging.xlsx?as_of=2026-12-01")
    assert response.status_code == 200
    assert "aging-2026-12-01.xlsx" in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = values[0]
    total = next(r for r in values if "Total" in r)
    assert total[header.index("total")] == 1250


def test_the_reports_need_a_signed_in_user(client):
    for path in ("/reports", "/reports/aging.xlsx"):
        response = client.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login")


def test_the_aging_xlsx_of_a_hostile_customer_name_is_text_not_a_formula(seed, signed_in):
    # hostile30: a formula name was a live link in the download, control characters a 500
    link = seed.customer("C1", '=HYPERLINK("http://evil.example/x","Click")')
    seed.invoice(link, "INV-1", amount="10.00")
    control = seed.customer("C2", "Ctl\x01\x1b[31mRed\x07")
    seed.invoice(control, "INV-2", amount="20.00")
    response = signed_in("vera").get("/reports/aging.xlsx?as_of=2026-12-01")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    names = {c.value: c.data_type for c in sheet["B"][1:]}
    assert names['=HYPERLINK("http://evil.example/x","Click")'] == "s"
    assert "Ctl[31mRed" in names
