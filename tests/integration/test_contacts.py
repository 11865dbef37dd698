"""``arbox import contacts``: upsert of customer contacts from CSV/XLSX, all or nothing, on
SQLite and PostgreSQL (migration 0007 included), and the command as a user runs it."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session, sessionmaker

from core.errors import ImportFileError, ImportRowError
from ledger import models as m
from ledger.contacts import import_contacts
from ledger.imports import import_invoices
from ledger.migrate import upgrade
from ledger.senders import sender_customer
from tests.integration.cli import arbox, cli_env

pytestmark = [pytest.mark.integration]

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
INV-70001,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,1250.00
INV-80001,C801,Borealis Foods Ltd,payables@borealis.example,2026-10-05,2026-11-04,10.00
INV-80002,C802,Borealis Trading Ltd,trading@borealis.example,2026-10-05,2026-11-04,10.00
"""


@pytest.fixture
def sessions(tmp_path: Path, database_url: str):
    engine = create_engine(database_url)
    factory = sessionmaker(engine, expire_on_commit=False)
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(LEDGER)
    with factory.begin() as session:
        import_invoices(session, ledger, default_currency="USD", now=NOW)
    yield factory
    engine.dispose()


def write(tmp_path: Path, text: str, name: str = "contacts.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def contacts(factory: sessionmaker[Session]) -> list[tuple[str, str, str | None, str | None]]:
    with factory() as s:
        rows = s.execute(
            select(m.Customer.number, m.Contact.email, m.Contact.name, m.Contact.role)
            .join(m.Customer, m.Customer.id == m.Contact.customer_id)
            .order_by(m.Customer.number, m.Contact.email)
        )
        return [tuple(r) for r in rows]


def domains(factory: sessionmaker[Session]) -> dict[str, str | None]:
    with factory() as s:
        return dict(s.execute(select(m.Customer.number, m.Customer.contact_domain)).tuples().all())


def test_import_adds_new_contacts_updates_known_ones_and_allows_a_domain(sessions, tmp_path):
    # Given a file with a known contact (now named), a new one in capitals, and a domain
    path = write(
        tmp_path,
        "Customer_Number,Email,Name,Role,Allow_Domain,notes\n"
        "C701,ap@acme-mfg.example,Jane Doe,AP,,ignored\n"
        "C701,Statements@ACME-MFG.example,,statements,yes,\n"
        "C801,ar@borealis.example,Ola Nord,,,\n",
    )
    # When it is imported
    with sessions.begin() as session:
        summary = import_contacts(session, path, now=NOW)
    # Then
    assert (summary.rows, summary.contacts_added, summary.contacts_updated) == (3, 2, 1)
    assert summary.domains_allowed == 1
    assert contacts(sessions) == [
        ("C701", "ap@acme-mfg.example", "Jane Doe", "AP"),
        ("C701", "statements@acme-mfg.example", None, "statements"),
        ("C801", "ar@borealis.example", "Ola Nord", None),
        ("C801", "payables@borealis.example", None, None),
        ("C802", "trading@borealis.example", None, None),
    ]
    assert domains(sessions) == {"C701": "acme-mfg.example", "C801": None, "C802": None}
    # and anybody at the allowed domain now counts as the customer's
    with sessions() as s:
        found = sender_customer(s, "Someone@Acme-Mfg.example")
        assert found is not None and found.number == "C701"
        assert sender_customer(s, "someone@borealis.example") is None
    # and importing the same file again changes nothing
    with sessions.begin() as session:
        again = import_contacts(session, path, now=NOW)
    assert (again.contacts_added, again.contacts_updated, again.domains_allowed) == (0, 0, 0)


def test_allow_domain_no_withdraws_it(sessions, tmp_path):
    with sessions.begin() as session:
        import_contacts(
            session,
            write(tmp_path, "customer_number,email,allow_domain\nC701,ap@acme-mfg.example,yes\n"),
            now=NOW,
        )
    with sessions.begin() as session:
        summary = import_contacts(
            session,
            write(tmp_path, "customer_number,email,allow_domain\nC701,ap@acme-mfg.example,no\n"),
            now=NOW,
        )
    assert summary.domains_withdrawn == 1
    assert domains(sessions)["C701"] is None


@pytest.mark.parametrize(
    ("rows", "bad_row", "reason"),
    [
        ("C999,x@new.example,,,\n", 3, "'C999' is not a known customer"),
        ("C701,not-an-address,,,\n", 3, "'not-an-address' is not an e-mail address"),
        ("C701,x@acme-mfg.example\nC701,X@acme-mfg.example,,,\n", 4, "appears twice"),
        ("C701,jane@gmail.com,,,yes\n", 3, "public mail provider"),
        ("C701,a@one.example,,,yes\nC701,b@two.example,,,yes\n", 4, "allows one domain"),
        ("C801,b@two.example,,,yes\nC802,c@two.example,,,yes\n", 3, "allowed for customer C802"),
        ("C801,x@acme-mfg.example,,,yes\n", 3, "already allowed for customer C701"),
        ("C701,a@b.example,,,maybe\n", 3, "expected yes or no"),
        (",a@b.example,,,\n", 3, "customer_number is empty"),
    ],
)
def test_a_bad_row_aborts_the_import_naming_its_row_and_writes_nothing(
    sessions, tmp_path, rows, bad_row, reason
):
    # Given C701 allowing its domain, and a file whose first row is fine
    with sessions.begin() as session:
        session.execute(
            m.Customer.__table__.update()
            .where(m.Customer.number == "C701")
            .values(contact_domain="acme-mfg.example")
        )
    before = (contacts(sessions), domains(sessions))
    path = write(
        tmp_path,
        "customer_number,email,name,role,allow_domain\nC701,new@acme-mfg.example,New,,\n" + rows,
    )
    # When it is imported, the bad row is named with its reason
    with pytest.raises(ImportRowError) as error, sessions.begin() as session:
        import_contacts(session, path, now=NOW)
    assert error.value.row == bad_row
    assert reason in error.value.reason
    # and nothing of the file was written
    assert (contacts(sessions), domains(sessions)) == before


def test_a_file_without_the_email_column_is_refused(sessions, tmp_path):
    with pytest.raises(ImportFileError, match="missing columns: email"), sessions.begin() as s:
        import_contacts(s, write(tmp_path, "customer_number,name\nC701,Jane\n"), now=NOW)


def test_an_xlsx_file_imports_like_a_csv(sessions, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["customer_number", "email", "name", "allow_domain"])
    sheet.append(["C801", "AR@Borealis.example", "Ola", "yes"])
    path = tmp_path / "contacts.xlsx"
    book.save(path)
    with sessions.begin() as session:
        summary = import_contacts(session, path, now=NOW)
    assert summary.contacts_added == 1
    assert ("C801", "ar@borealis.example", "Ola", None) in contacts(sessions)
    assert domains(sessions)["C801"] == "borealis.example"


def test_the_import_contacts_command_reports_and_refuses_bad_files(
    tmp_path, smtp_sink, sqlite_template
):
    # Given a migrated database with the ledger in it (in-process: the command is what is tested)
    env = cli_env(tmp_path, smtp_sink)
    shutil.copyfile(sqlite_template, tmp_path / "arbox.db")
    engine = create_engine(env["ARBOX_DATABASE_URL"])
    with sessionmaker(engine).begin() as session:
        import_invoices(session, write(tmp_path, LEDGER, "l.csv"), default_currency="USD", now=NOW)
    engine.dispose()
    good = write(tmp_path, "customer_number,email,allow_domain\nC701,x@acme-mfg.example,yes\n")
    result = arbox("import", "contacts", str(good), env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 contacts added, 0 updated, 1 domains allowed" in result.stdout
    bad = write(tmp_path, "customer_number,email\nC999,y@z.example\n", "bad.csv")
    result = arbox("import", "contacts", str(bad), env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert "row 2" in result.stderr and "nothing was imported" in result.stderr


def test_migration_0007_adds_the_contact_columns_and_downgrades(empty_database_url):
    from sqlalchemy import inspect

    from ledger.migrate import alembic_config, current

    upgrade(empty_database_url, "0006")
    upgrade(empty_database_url, "0007_contacts")
    assert current(empty_database_url) == "0007_contacts"
    engine = create_engine(empty_database_url)
    try:
        columns = {c["name"] for c in inspect(engine).get_columns("customers")}
        assert "contact_domain" in columns
        assert {"name", "role"} <= {c["name"] for c in inspect(engine).get_columns("contacts")}
    finally:
        engine.dispose()
    from alembic import command

    command.downgrade(alembic_config(empty_database_url), "0006")
    assert current(empty_database_url) == "0006"
