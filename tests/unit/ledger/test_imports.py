"""Invoice import: CSV and XLSX, exact amounts, upsert, all-or-nothing with row numbers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session, sessionmaker

from core.errors import ImportFileError, ImportRowError
from ledger.imports import ImportSummary, import_invoices, insert_many
from ledger.models import AuditEvent, Contact, Customer, Invoice
from tests.unit.ledger.conftest import NOW, invoice_row


def run_import(sessions: sessionmaker[Session], path: Path, **kwargs: Any) -> ImportSummary:
    with sessions.begin() as session:
        return import_invoices(
            session,
            path,
            default_currency=kwargs.pop("default_currency", "USD"),
            now=kwargs.pop("now", NOW),
            **kwargs,
        )


def count(sessions: sessionmaker[Session], model: type) -> int:
    with sessions() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def invoices(sessions: sessionmaker[Session]) -> dict[str, Invoice]:
    with sessions() as session:
        return {inv.number: inv for inv in session.scalars(select(Invoice))}


def contacts(sessions: sessionmaker[Session]) -> set[tuple[str, str]]:
    with sessions() as session:
        rows = session.execute(select(Customer.number, Contact.email).join(Contact.customer)).all()
    return {(number, email) for number, email in rows}


def test_csv_import_creates_invoices_customers_and_contacts(sessions, write_csv):
    # Given three invoices of two customers, one with two contacts in mixed case
    path = write_csv(
        [
            invoice_row(
                "INV-1001",
                amount="0.30",
                balance="0.10",
                customer_email="AP@Acme.example; billing@acme.example",
            ),
            invoice_row("INV-1002", amount="0.20", balance="0.20", customer_email=""),
            invoice_row(
                "INV-001003",
                customer_number="C-002",
                customer_name="Borealis Ltd",
                customer_email="pay@borealis.example",
                amount="1234567.89",
                balance="0.00",
                currency="EUR",
                terms="",
            ),
        ]
    )
    # When it is imported
    summary = run_import(sessions, path)
    # Then everything is created, with exact amounts
    assert summary == ImportSummary(
        rows=3,
        invoices_created=3,
        invoices_updated=0,
        customers_created=2,
        contacts_added=3,
        invoices_unchanged=0,
    )
    got = invoices(sessions)
    assert got["INV-1001"].balance + got["INV-1002"].balance == Decimal("0.30")
    assert got["INV-1001"].amount == Decimal("0.30")
    assert got["INV-001003"].amount == Decimal("1234567.89")
    assert got["INV-001003"].ref_key == "1003"
    assert got["INV-001003"].status == "paid"
    assert got["INV-001003"].currency == "EUR"
    assert got["INV-001003"].terms is None
    assert got["INV-1001"].status == "open"
    assert got["INV-1001"].terms == "Net 30"
    assert got["INV-1001"].created_at == NOW
    assert got["INV-1001"].due_date == date(2026, 2, 4)
    assert contacts(sessions) == {
        ("C-001", "ap@acme.example"),
        ("C-001", "billing@acme.example"),
        ("C-002", "pay@borealis.example"),
    }


def test_optional_columns_default_to_amount_and_the_default_currency(sessions, tmp_path):
    # Header names are trimmed and case-insensitive; unknown columns are ignored
    path = tmp_path / "minimal.csv"
    path.write_text(
        "Invoice_Number , CUSTOMER_NUMBER,customer_name,issue_date,due_date,amount,po_number\n"
        "INV-1,C-1,Acme,2026-01-01,2026-01-31,99.9,PO-77\n",
        encoding="utf-8",
    )
    run_import(sessions, path, default_currency="GBP")
    inv = invoices(sessions)["INV-1"]
    assert (inv.amount, inv.balance, inv.currency, inv.terms) == (
        Decimal("99.90"),
        Decimal("99.90"),
        "GBP",
        None,
    )
    assert count(sessions, Contact) == 0


def test_csv_with_bom_and_semicolons_is_read_like_any_csv(sessions, write_csv):
    path = write_csv(
        [invoice_row("INV-1", amount="10.50", balance="0.10")], delimiter=";", bom=True
    )
    summary = run_import(sessions, path)
    assert summary.invoices_created == 1
    assert invoices(sessions)["INV-1"].balance == Decimal("0.10")


def test_credit_memo_with_negative_amount_is_accepted(sessions, write_csv):
    path = write_csv([invoice_row("CM-1", amount="-100.00", balance="-40.00")])
    run_import(sessions, path)
    inv = invoices(sessions)["CM-1"]
    assert (inv.amount, inv.balance, inv.status, inv.ref_key) == (
        Decimal("-100.00"),
        Decimal("-40.00"),
        "open",
        "cm1",
    )


def test_blank_rows_are_skipped_but_still_numbered(sessions, tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text(
        "invoice_number,customer_number,customer_name,issue_date,due_date,amount\n"
        "INV-1,C-1,Acme,2026-01-01,2026-01-31,10.00\n"
        ",,,,,\n"
        "\n"
        "INV-2,C-1,Acme,2026-01-01,2025-12-31,10.00\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRowError) as caught:
        run_import(sessions, path)
    assert caught.value.row == 5


def test_xlsx_import_reads_numbers_and_dates_exactly(sessions, tmp_path):
    # Given a workbook as a spreadsheet user saves it: numbers and dates are typed cells
    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "Invoice_Number",
            "Customer_Number",
            "Customer_Name",
            "Customer_Email",
            "Issue_Date",
            "Due_Date",
            "Amount",
            "Balance",
            "Currency",
            "Notes",
        ]
    )
    # Excel date cells have no time zone; openpyxl gives naive datetimes
    issued = datetime(2026, 1, 5)  # noqa: DTZ001
    due = datetime(2026, 2, 5)  # noqa: DTZ001
    ws.append(
        [
            50001,
            7,
            "Acme Corp",
            "AP@acme.example",
            issued,
            date(2026, 2, 4),
            0.1,
            0.1,
            "usd",
            "ignored",
        ]
    )
    ws.append(["INV-50002", 7, "Acme Corp", None, "2026-01-06", due, 1250.5, 480.1, None, None])
    ws.append(
        [
            50003,
            7,
            "Acme Corp",
            None,
            date(2026, 1, 7),
            date(2026, 2, 6),
            Decimal("19.99"),
            3,
            "EUR",
            None,
        ]
    )
    ws.append([None, None, None])
    path = tmp_path / "ledger.xlsx"
    wb.save(path)
    # When it is imported
    summary = run_import(sessions, path)
    # Then the cell values arrive exactly as displayed
    assert (summary.rows, summary.invoices_created, summary.customers_created) == (3, 3, 1)
    got = invoices(sessions)
    assert (got["50001"].amount, got["50001"].balance) == (Decimal("0.10"), Decimal("0.10"))
    assert got["50001"].currency == "USD"
    assert got["50001"].issue_date == date(2026, 1, 5)
    assert (got["INV-50002"].amount, got["INV-50002"].balance) == (
        Decimal("1250.50"),
        Decimal("480.10"),
    )
    assert got["INV-50002"].due_date == date(2026, 2, 5)
    assert got["50003"].amount == Decimal("19.99")
    assert got["50003"].balance == Decimal("3.00")
    assert contacts(sessions) == {("7", "ap@acme.example")}


def test_xlsx_number_with_more_than_two_decimals_is_refused_not_rounded(sessions, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(
        ["invoice_number", "customer_number", "customer_name", "issue_date", "due_date", "amount"]
    )
    ws.append(["INV-1", "C-1", "Acme", date(2026, 1, 1), date(2026, 1, 31), 10.005])
    path = tmp_path / "ledger.xlsx"
    wb.save(path)
    with pytest.raises(ImportRowError) as caught:
        run_import(sessions, path)
    assert caught.value.row == 2
    assert "10.005" in caught.value.reason


def test_xlsx_that_is_not_a_workbook_is_a_file_error(sessions, tmp_path):
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(ImportFileError):
        run_import(sessions, path)


def test_reimport_updates_changed_invoices_and_only_adds_contacts(sessions, write_csv, now):
    # Given an imported ledger
    run_import(
        sessions,
        write_csv(
            [
                invoice_row("INV-1"),
                invoice_row("INV-2"),
                invoice_row("INV-3"),
            ]
        ),
    )
    # When a later export has a paid invoice, a renamed customer, a moved invoice and a new
    # contact, without the old contact
    later = now.replace(day=2)
    summary = run_import(
        sessions,
        write_csv(
            [
                invoice_row(
                    "INV-1",
                    balance="0.00",
                    customer_name="Acme Corporation",
                    customer_email="new@acme.example",
                ),
                invoice_row("INV-2", customer_name="Acme Corporation", customer_email=""),
                invoice_row(
                    "INV-3",
                    customer_number="C-009",
                    customer_name="Other",
                    customer_email="",
                    due_date="2026-03-01",
                    amount="1300.00",
                    balance="1300.00",
                ),
                invoice_row("INV-4", customer_name="Acme Corporation", currency="CAD"),
            ]
        ),
        now=later,
    )
    # Then changed rows are updated, unchanged ones left alone, contacts only added
    assert summary == ImportSummary(
        rows=4,
        invoices_created=1,
        invoices_updated=2,
        customers_created=1,
        contacts_added=1,
        invoices_unchanged=1,
    )
    got = invoices(sessions)
    assert (got["INV-1"].balance, got["INV-1"].status) == (Decimal("0.00"), "paid")
    assert got["INV-1"].updated_at == later
    assert got["INV-1"].created_at == now
    assert got["INV-2"].updated_at == now  # its row did not change, only its customer's name
    assert got["INV-3"].amount == Decimal("1300.00")
    assert got["INV-3"].due_date == date(2026, 3, 1)
    assert got["INV-4"].currency == "CAD"
    with sessions() as session:
        customers = dict(session.execute(select(Customer.number, Customer.name)).tuples().all())
        assert (
            got["INV-3"].customer_id
            == session.execute(select(Customer.id).where(Customer.number == "C-009")).scalar_one()
        )
    assert customers == {"C-001": "Acme Corporation", "C-009": "Other"}
    assert contacts(sessions) == {("C-001", "ap@acme.example"), ("C-001", "new@acme.example")}
    assert count(sessions, Invoice) == 4


def test_reimport_of_the_same_file_writes_nothing_new(sessions, write_csv, now):
    path = write_csv([invoice_row("INV-1"), invoice_row("INV-2", balance="0.00")])
    run_import(sessions, path)
    summary = run_import(sessions, path, now=now.replace(day=9))
    assert (summary.invoices_created, summary.invoices_updated, summary.invoices_unchanged) == (
        0,
        0,
        2,
    )
    assert (summary.customers_created, summary.contacts_added) == (0, 0)
    assert invoices(sessions)["INV-1"].updated_at == now


def test_import_records_one_audit_event(sessions, write_csv):
    run_import(sessions, write_csv([invoice_row("INV-1"), invoice_row("INV-2")]), actor="alice")
    with sessions() as session:
        (event,) = session.scalars(select(AuditEvent))
    assert (event.actor, event.action, event.entity, event.entity_id) == (
        "alice",
        "import_invoices",
        "invoice",
        None,
    )
    assert event.detail["file"] == "invoices.csv"
    assert event.detail["rows"] == 2
    assert event.detail["invoices_created"] == 2


BAD_ROWS = [
    pytest.param({"invoice_number": ""}, "invoice_number is empty", id="empty-number"),
    pytest.param({"customer_name": "  "}, "customer_name is empty", id="blank-name"),
    pytest.param({"issue_date": "05/01/2026"}, "YYYY-MM-DD", id="us-date"),
    pytest.param({"due_date": "20260204"}, "YYYY-MM-DD", id="compact-iso-date"),
    pytest.param({"due_date": "2026-02-30"}, "not a valid date", id="impossible-date"),
    pytest.param({"due_date": "2026-01-04"}, "before issue_date", id="due-before-issue"),
    pytest.param({"amount": "12.345"}, "more decimals than USD allows", id="three-decimals"),
    pytest.param(
        {"amount": "100.50", "currency": "JPY"}, "more decimals than JPY allows", id="yen-cents"
    ),
    pytest.param({"amount": "1.2345", "currency": "KWD"}, "more than 3 decimals", id="four-kwd"),
    pytest.param({"amount": "twelve"}, "not an amount", id="words"),
    pytest.param({"amount": "1e3"}, "not an amount", id="exponent"),
    pytest.param({"amount": "1234567890123.00"}, "too large", id="too-large"),
    pytest.param({"balance": "-0.01"}, "not between 0 and amount", id="negative-balance"),
    pytest.param({"balance": "1250.01"}, "not between 0 and amount", id="balance-over-amount"),
    pytest.param({"amount": "-10.00", "balance": "5.00"}, "credit memo", id="credit-positive"),
    pytest.param({"amount": "-10.00", "balance": "-11.00"}, "credit memo", id="credit-over"),
    pytest.param({"currency": "XYZ"}, "not an ISO 4217 currency code", id="unknown-code"),
    pytest.param({"currency": "ABC"}, "not an ISO 4217 currency code", id="unknown-code-2"),
    pytest.param({"currency": "XAU"}, "not money an invoice is written in", id="gold"),
    pytest.param({"currency": "CLF"}, "4 decimals", id="four-minor-units"),
    pytest.param({"currency": "DOLLARS"}, "ISO 4217", id="not-a-code"),
    pytest.param(
        {"customer_email": "ap@acme.example;not-an-address"}, "not-an-address", id="bad-email"
    ),
    pytest.param(
        {"customer_email": "Acme AP <ap@acme.example>"}, "not an e-mail", id="display-name-email"
    ),
    pytest.param({"invoice_number": "X" * 65}, "longer than 64", id="long-number"),
    pytest.param({"invoice_number": "INV-1"}, "appears twice", id="duplicate-number"),
    pytest.param(
        {"customer_number": "C-001", "customer_name": "ACME CORP"},
        "named 'ACME CORP' here but 'Acme Corp'",
        id="customer-renamed-in-file",
    ),
]


@pytest.mark.parametrize(("override", "reason"), BAD_ROWS)
def test_bad_row_names_its_row_and_nothing_is_written(sessions, write_csv, override, reason):
    # Given a ledger already holding INV-9 and a file whose fourth data row is bad
    run_import(sessions, write_csv([invoice_row("INV-9")], name="before.csv"))
    rows = [
        invoice_row("INV-1"),
        invoice_row("INV-2", balance="0.00"),
        invoice_row("INV-9", balance="1.00", customer_number="C-NEW", customer_name="New Customer"),
        invoice_row("INV-4", **override),
        invoice_row("INV-5"),
    ]
    # When it is imported
    with pytest.raises(ImportRowError) as caught:
        run_import(sessions, write_csv(rows))
    # Then the error names spreadsheet row 5 (header = 1) and why, and nothing changed
    assert caught.value.row == 5
    assert reason in caught.value.reason
    assert str(caught.value).startswith("row 5: ")
    assert count(sessions, Invoice) == 1
    assert count(sessions, Customer) == 1
    assert count(sessions, AuditEvent) == 1
    assert invoices(sessions)["INV-9"].balance == Decimal("1250.00")


def test_missing_required_columns_are_all_named(sessions, write_csv):
    path = write_csv([{"invoice_number": "INV-1", "amount": "1.00", "customer_name": "A"}])
    with pytest.raises(
        ImportFileError,
        match=r"missing columns: customer_number, issue_date, "
        r"due_date$",
    ):
        run_import(sessions, path)


def test_duplicate_column_is_a_file_error(sessions, tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text(
        "invoice_number,customer_number,customer_name,issue_date,due_date,amount,Amount\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFileError, match="'amount' appears twice"):
        run_import(sessions, path)


@pytest.mark.parametrize("name", ["invoices.ods", "invoices.xls", "invoices"])
def test_unsupported_extension_is_a_file_error(sessions, tmp_path, name):
    path = tmp_path / name
    path.write_text("invoice_number\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"use \.csv, \.tsv or \.xlsx"):
        run_import(sessions, path)


def test_empty_file_is_a_file_error(sessions, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ImportFileError, match="empty file"):
        run_import(sessions, empty)


def test_issue_21_latin1_file_is_read_and_the_user_is_told_how(sessions, tmp_path):
    """Issue 21: a Latin-1 export was refused as "not UTF-8 text"."""
    # Given an ERP's Latin-1 export (it used to be refused as "not UTF-8")
    latin = tmp_path / "latin.csv"
    rows = [invoice_row("INV-1", customer_name="Société Générale Crème")]
    header = ",".join(rows[0])
    body = "\n".join(",".join(row.values()) for row in rows)
    latin.write_bytes(f"{header}\n{body}\n".encode("latin-1"))
    # When it is imported
    summary = run_import(sessions, latin)
    # Then the name reads back exactly and the summary says how the file was read
    with sessions() as session:
        assert session.scalars(select(Customer.name)).all() == ["Société Générale Crème"]
    assert summary.notes == (
        "read as cp1252 (not UTF-8; detected), comma-separated; if names look wrong, "
        "give --encoding or save the file as UTF-8",
    )


def test_progress_is_reported_sparingly_and_ends_at_total(sessions, write_csv):
    rows = [invoice_row(f"INV-{n}") for n in range(1, 1201)]
    calls: list[tuple[int, int]] = []
    run_import(sessions, write_csv(rows), progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 1200)
    assert calls[-1] == (1200, 1200)
    assert len(calls) <= 102
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_an_unstorable_default_currency_is_refused(sessions, write_csv):
    path = write_csv([invoice_row("INV-1", currency="")])
    with pytest.raises(ImportRowError, match="'CLF' has 4 decimals"):
        run_import(sessions, path, default_currency="CLF")
    assert count(sessions, Invoice) == 0


def test_header_only_file_imports_nothing(sessions, write_csv):
    calls: list[tuple[int, int]] = []
    summary = run_import(sessions, write_csv([]), progress=lambda d, t: calls.append((d, t)))
    assert summary == ImportSummary(0, 0, 0, 0, 0, 0)
    assert calls == [(0, 0)]
    assert count(sessions, AuditEvent) == 1


def test_crlf_quoted_commas_and_thousands_separators_are_read(sessions, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(
        b"invoice_number,customer_number,customer_name,issue_date,due_date,amount\r\n"
        b'INV-1,C-1,"Acme, Inc.",2026-01-01,2026-01-31,"1,234.50"\r\n'
    )
    run_import(sessions, path)
    assert invoices(sessions)["INV-1"].amount == Decimal("1234.50")
    with sessions() as session:
        assert session.execute(select(Customer.name)).scalar_one() == "Acme, Inc."


def test_malformed_csv_quoting_is_a_file_error(sessions, tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text(
        "invoice_number,customer_number,customer_name,issue_date,due_date,amount\n"
        'INV-1,C-1,"Acme" Inc,2026-01-01,2026-01-31,1.00\n',
        encoding="utf-8",
    )
    with pytest.raises(ImportFileError, match="malformed CSV"):
        run_import(sessions, path)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_invoices_inserted_through_the_sqlite_cursor_are_stored_as_core_stores_them(
    sessions, ledger
):
    # The same invoices, one through SQLAlchemy Core's executemany, one through insert_many.
    acme = ledger.customer("C-001")
    ledger.session.commit()
    table = Invoice.metadata.tables["invoices"]

    def row(number: str, **changes: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "number": number,
            "ref_key": number.lower(),
            "customer_id": acme,
            "issue_date": date(2026, 1, 5),
            "due_date": date(2026, 2, 4),
            "amount": Decimal("1250.10"),
            "balance": Decimal("-0.01"),
            "currency": "EUR",
            "terms": "2/10 Net 30",
            "status": "open",
            "updated_at": NOW,
            "created_at": NOW,
        }
        return values | changes

    core = [row("A1"), row("A2", issue_date=date(2025, 12, 31), terms=None, amount=Decimal("0.00"))]
    fast = [row("B1"), row("B2", issue_date=date(2025, 12, 31), terms=None, amount=Decimal("0.00"))]
    with sessions.begin() as session:
        session.execute(insert(table), core)
        insert_many(session, table, fast)
        insert_many(session, table, [])
    with sessions() as session:
        stored = session.execute(
            text("SELECT * FROM invoices WHERE number IN ('A1', 'A2', 'B1', 'B2') ORDER BY id")
        ).all()
        typed = session.execute(
            text(
                "SELECT typeof(amount), typeof(balance), typeof(issue_date), typeof(created_at) "
                "FROM invoices WHERE number IN ('A1', 'A2', 'B1', 'B2') ORDER BY id"
            )
        ).all()
        read = {i.number: i for i in session.scalars(select(Invoice))}
    a1, a2, b1, b2 = ([*r[3:]] for r in stored)  # all but id, number, ref_key
    assert (b1, b2) == (a1, a2) and typed[2:] == typed[:2]
    assert read["B1"].balance == Decimal("-0.01") and read["B1"].created_at == NOW
    assert read["B2"].terms is None and read["B2"].amount == Decimal("0.00")
    with sessions.begin() as session, pytest.raises(ValueError, match="decimal places"):
        insert_many(session, table, [row("C1", balance=Decimal("1.0001"))])


def test_every_currency_imports_exact_to_its_minor_unit(sessions, write_csv):
    rows = [
        invoice_row("JPY-1", amount="120000", balance="120000", currency="JPY"),
        invoice_row("KWD-1", amount="1250.125", balance="1250.125", currency="KWD"),
        invoice_row("BHD-1", amount="10.5", balance="10.500", currency="BHD"),
        invoice_row("CHF-1", amount="99.95", balance="99.95", currency="CHF"),
    ]
    run_import(sessions, write_csv(rows))
    got = {
        n: (str(inv.amount), str(inv.balance), inv.currency)
        for n, inv in invoices(sessions).items()
    }
    assert got == {
        "JPY-1": ("120000.00", "120000.00", "JPY"),
        "KWD-1": ("1250.125", "1250.125", "KWD"),
        "BHD-1": ("10.50", "10.50", "BHD"),
        "CHF-1": ("99.95", "99.95", "CHF"),
    }
