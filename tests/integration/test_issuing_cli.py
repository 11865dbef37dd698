"""``arbox import customers``, ``arbox invoices issue`` and ``arbox credits issue`` as a user runs
them, on SQLite and PostgreSQL, mailing to the SMTP sink (issue 24)."""

from __future__ import annotations

import json
from decimal import Decimal
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.integration.cli import arbox_here, cli_env
from tests.integration.issuing_world import COMPANY, invoices, write_invoices, write_world

pytestmark = [pytest.mark.integration, pytest.mark.smtp]


@pytest.fixture
def env(tmp_path: Path, smtp_sink, database_url: str) -> dict[str, str]:
    base = cli_env(tmp_path, smtp_sink, ARBOX_DATABASE_URL=database_url, **COMPANY)
    customers, contacts = write_world(tmp_path)
    for kind, path in (("customers", customers), ("contacts", contacts)):
        done = arbox_here("import", kind, str(path), env=base, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    return base


def rows(env: dict[str, str], sql: str) -> list[tuple]:
    engine = create_engine(env["ARBOX_DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def money(value: object) -> Decimal:
    """A money column read by plain SQL: SQLite keeps thousandths, PostgreSQL the NUMERIC."""
    return Decimal(value).scaleb(-3) if isinstance(value, int) else Decimal(str(value))


def issue(env, tmp_path, path, *args):  # type: ignore[no-untyped-def]
    return arbox_here("invoices", "issue", str(path), *args, env=env, cwd=tmp_path)


def test_customers_import_refuses_a_bad_row_whole_and_creates_with_a_name(env, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("customer_number,name,country,einvoice\nC-NEW,New Co,DE,ubl\nC-DE,,Germany,\n")
    refused = arbox_here("import", "customers", str(bad), env=env, cwd=tmp_path)
    assert refused.returncode == 1
    assert "row 3: country 'GERMANY'" in refused.stderr
    assert rows(env, "select count(*) from customers where number = 'C-NEW'") == [(0,)]
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("customer_number,city\nC-NOBODY,Berlin\n")
    refused = arbox_here("import", "customers", str(unknown), env=env, cwd=tmp_path)
    assert "row 2: customer 'C-NOBODY' is not known: give its name" in refused.stderr
    good = tmp_path / "good.csv"
    good.write_text("customer_number,name,endpoint\nC-NEW,New Co,0088:4000001000005\nC-DE,,\n")
    done = arbox_here("import", "customers", str(good), env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "1 customers created, 1 updated" in done.stdout
    assert rows(env, "select endpoint_scheme, endpoint_id from customers where number='C-NEW'") == [
        ("0088", "4000001000005")
    ]
    # an empty cell left C-DE's details as they were
    assert rows(env, "select city, einvoice from customers where number='C-DE'") == [
        ("Stuttgart", "factur-x")
    ]


def test_a_file_with_bad_rows_is_refused_whole_naming_row_and_reason(env, tmp_path, smtp_sink):
    docs = invoices(5)
    docs[1]["customer_number"] = "C-NOBODY"
    docs[2]["lines"][0]["quantity"] = "-2"  # type: ignore[index]
    docs[3]["lines"][0]["tax_rate"] = "16"  # type: ignore[index]
    docs[3]["lines"][0]["tax_category"] = "S"  # type: ignore[index]
    docs[4]["issue_date"] = "2026-13-01"
    docs.append(dict(docs[0]))
    refused = issue(env, tmp_path, write_invoices(tmp_path / "bad.json", docs))
    assert refused.returncode == 1
    err = " ".join(refused.stderr.split())
    assert "document 2: unknown customer 'C-NOBODY'" in err
    assert "document 3, line 1: negative quantity -2 is not allowed" in err
    assert "document 4, line 1: tax rate 16 % is not configured" in err
    assert "document 5: issue_date '2026-13-01' is not a date" in err
    assert "document 6: the same invoice as document 1" in err
    assert "nothing was issued" in err
    assert rows(env, "select count(*) from invoices") == [(0,)]
    assert rows(env, "select count(*) from number_sequences") == [(0,)]
    assert smtp_sink.wait_for(1, timeout=0.5) == []


def test_customers_without_a_contact_or_what_their_einvoice_needs_are_refused(env, tmp_path):
    lone = tmp_path / "lone.csv"
    lone.write_text("customer_number,name,country\nC-LONE,Lone Ltd,GB\n")
    assert arbox_here("import", "customers", str(lone), env=env, cwd=tmp_path).returncode == 0
    docs = invoices(2)  # C-DE, C-FR
    docs.append({**docs[0], "customer_number": "C-LONE"})
    refused = issue(env, tmp_path, write_invoices(tmp_path / "f.json", docs), "--einvoice", "ubl")
    assert refused.returncode == 1
    err = " ".join(refused.stderr.split())
    assert "document 2: customer C-FR has no Peppol endpoint (ubl needs it)" in err
    assert "document 3: customer C-LONE has no contact to mail it to" in err
    assert "document 1" not in err  # C-DE has its endpoint
    assert rows(env, "select count(*) from invoices") == [(0,)]


def test_a_csv_file_groups_rows_by_document_and_names_spreadsheet_rows(env, tmp_path):
    csv_file = tmp_path / "invoices.csv"
    csv_file.write_text(
        "document,customer_number,issue_date,currency,terms,po_number,description,quantity,unit_price,tax_rate,tax_category\n"
        "A,C-DE,2026-12-01,EUR,Net 30,PO-1,Schraubstock,2,49.90,19,S\n"
        "A,,,,,,Versand,1,5.95,7,S\n"
        "B,C-US,2026-12-01,USD,Net 15,,Wrench,3,10.00,0,G\n"
        "B,C-FR,,,,,Hammer,1,1.00,0,G\n",
        encoding="utf-8",
    )
    refused = issue(env, tmp_path, csv_file)
    assert "row 5: customer_number 'C-FR' differs from row 4's 'C-US'" in refused.stderr
    csv_file.write_text(csv_file.read_text().replace("B,C-FR,", "B,C-US,"))
    done = issue(env, tmp_path, csv_file, "--format", "json")
    assert done.returncode == 0, done.stderr
    issued = json.loads(done.stdout)
    assert [(i["customer_number"], i["total"], i["currency"]) for i in issued] == [
        ("C-DE", "125.13", "EUR"),  # 99.80 + 18.96 tax, 5.95 + 0.42 tax
        ("C-US", "31.00", "USD"),
    ]


def test_issue_numbers_stores_and_mails_once_and_a_rerun_sends_nothing(env, tmp_path, smtp_sink):
    path = write_invoices(tmp_path / "run.json", invoices(5))
    dry = issue(env, tmp_path, path, "--dry-run", "--format", "json")
    assert dry.returncode == 0, dry.stderr
    assert {i["invoice_number"] for i in json.loads(dry.stdout)} == {"(next)"}
    assert rows(env, "select count(*) from invoices") == [(0,)]
    done = issue(env, tmp_path, path, "--format", "json")
    assert done.returncode == 0, done.stderr
    issued = json.loads(done.stdout)
    assert [i["invoice_number"] for i in issued] == [f"INV-2026-{n:06d}" for n in range(1, 6)]
    mails = smtp_sink.wait_for(5, timeout=5)
    assert len(mails) == 5
    ledger = rows(
        env,
        "select number, amount, balance, status, payment_reference, issue_key is not null "
        "from invoices order by number",
    )
    for (number, amount, balance, status, reference, keyed), out in zip(
        ledger, issued, strict=True
    ):
        assert number == out["invoice_number"] and status == "open" and keyed
        assert money(amount) == money(balance) == Decimal(out["total"])
        assert reference.startswith("RF") and "INV2026" in reference
    assert rows(env, "select count(*) from invoice_lines") == [(1 + 2 + 3 + 1 + 2,)]
    # To the billing contacts only (C-DE's purchasing contact gets nothing)
    assert {r for m in mails for r in m.rcpt_tos} == {
        "rechnungen@berg.example",
        "factures@lumiere.example",
        "crediteuren@vandijk.example",
        "kreditoren@uhrenwerk.example",
        "ap@granite.example",
    }
    again = issue(env, tmp_path, path)
    assert again.returncode == 0, again.stderr
    assert "already issued as INV-2026-000001" in again.stdout
    assert "0 issued, 5 issued before" in again.stderr
    assert len(smtp_sink.wait_for(6, timeout=1)) == 5
    assert rows(env, "select count(*) from outbox") == [(5,)]


def test_a_number_taken_by_an_imported_invoice_is_refused_and_not_used_up(env, tmp_path):
    imported = tmp_path / "imported.csv"
    imported.write_text(
        "invoice_number,customer_number,customer_name,issue_date,due_date,amount,balance,currency\n"
        "INV-2026-000001,C-DE,Maschinenbau Berg GmbH,2026-11-01,2026-12-01,10.00,10.00,EUR\n"
    )
    assert arbox_here("import", "invoices", str(imported), env=env, cwd=tmp_path).returncode == 0
    done = issue(env, tmp_path, write_invoices(tmp_path / "one.json", invoices(1)))
    assert done.returncode == 1
    assert "INV-2026-000001 is already an invoice's (imported)" in " ".join(done.stderr.split())
    assert rows(env, "select count(*) from invoices") == [(1,)]
    assert rows(env, "select next_value from number_sequences") in ([], [(1,)])


def test_credit_memos_whole_lines_and_amount_never_more_than_the_invoice(env, tmp_path, smtp_sink):
    docs = invoices(3)[2:]  # C-NL (UBL), three lines, reverse charge
    docs += [invoices(1)[0]]  # C-DE (Factur-X), one line at 19 %
    done = issue(env, tmp_path, write_invoices(tmp_path / "two.json", docs), "--format", "json")
    assert done.returncode == 0, done.stderr
    nl, de = json.loads(done.stdout)

    def credit(*args: str):  # type: ignore[no-untyped-def]
        return arbox_here("credits", "issue", *args, "--by", "alice", env=env, cwd=tmp_path)

    by_line = credit(nl["invoice_number"], "--line", "2", "--reason", "line 2 returned")
    assert by_line.returncode == 0, by_line.stderr
    assert f"issued credit memo CN-2026-000001 for {nl['invoice_number']}" in by_line.stdout
    part = credit(de["invoice_number"], "--amount", "10.00", "--reason", "goodwill")
    assert part.returncode == 0, part.stderr
    assert "CN-2026-000002" in part.stdout and ": 10.00 EUR" in part.stdout
    too_much = credit(de["invoice_number"], "--reason", "everything")
    assert too_much.returncode == 1
    assert "more than the" in too_much.stderr and "left to credit" in too_much.stderr
    rest = credit(nl["invoice_number"], "--reason", "all of it")
    assert rest.returncode == 1  # line 2 is credited already: the whole would be too much
    imported = credit("INV-NOPE", "--reason", "x")
    assert "no such invoice" in imported.stderr
    # the refused memos gave their numbers back: the next one is CN-…3, no gap
    small = credit(de["invoice_number"], "--amount", "1.00", "--reason", "rounding")
    assert "issued credit memo CN-2026-000003" in small.stdout, small.stderr
    memos = rows(
        env,
        "select c.number, c.amount, c.balance, i.number from invoices c "
        "join invoices i on i.id = c.credits_invoice_id order by c.number",
    )
    assert [(m[0], m[3]) for m in memos] == [
        ("CN-2026-000001", nl["invoice_number"]),
        ("CN-2026-000002", de["invoice_number"]),
        ("CN-2026-000003", de["invoice_number"]),
    ]
    assert all(m[1] < 0 and m[1] == m[2] for m in memos)
    audit = rows(env, "select actor, detail from audit_events where action='issue_credit_memo'")
    assert [a[0] for a in audit] == ["alice", "alice", "alice"]
    assert "goodwill" in str(audit[1][1])
    mails = smtp_sink.wait_for(5, timeout=5)
    memo = next(m for m in mails if b"CN-2026-000001" in m.raw)
    parsed = message_from_bytes(memo.raw, policy=policy.default)
    names = [p.get_filename() for p in parsed.iter_attachments()]
    assert names == ["CN-2026-000001.pdf", "CN-2026-000001.xml"]  # C-NL takes UBL
    xml = next(p for p in parsed.iter_attachments() if p.get_filename().endswith(".xml"))
    assert b"<CreditNote" in xml.get_content() or b":CreditNote" in xml.get_content()
    assert "Creditnota CN-2026-000001" in str(parsed["Subject"])


def test_eight_concurrent_runs_on_postgres_give_gap_free_unique_numbers(
    tmp_path, smtp_sink, postgres_url
):
    env = cli_env(tmp_path, smtp_sink, ARBOX_DATABASE_URL=postgres_url, **COMPANY)
    env.pop("ARBOX_SMTP_HOST")  # issuing only: the mails wait in the outbox
    assert arbox_here("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    customers, contacts = write_world(tmp_path)
    for kind, path in (("customers", customers), ("contacts", contacts)):
        assert arbox_here("import", kind, str(path), env=env, cwd=tmp_path).returncode == 0
    import subprocess

    from tests.integration.cli import ARBOX

    files = [
        write_invoices(tmp_path / f"p{p}.json", invoices(12, day=f"2026-12-{p + 1:02d}"))
        for p in range(8)
    ]
    procs = [
        subprocess.Popen(
            [ARBOX, "invoices", "issue", str(f), "--format", "json"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, [o[1][-500:] for o in outputs]
    numbers = [i["invoice_number"] for out, _ in outputs for i in json.loads(out)]
    assert sorted(numbers) == [f"INV-2026-{n:06d}" for n in range(1, 97)]
    stored = rows(env, "select number from invoices order by number")
    assert [s[0] for s in stored] == sorted(numbers)
    assert rows(env, "select next_value from number_sequences") == [(97,)]


def test_crediting_every_line_one_by_one_credits_the_invoice_exactly(env, tmp_path):
    # Three lines of 1 x 0.04 at 19 %: 0.14 in all (tax on the total), each line alone 0.05,
    # so the third line could not be credited (the probe's 0.03 lines: see docs/invoicing.md).
    doc = invoices(1)[0]  # C-DE, EUR
    doc["lines"] = [
        {"description": f"Kleinteil {n}", "quantity": "1", "unit_price": "0.04", "tax_rate": "19"}
        for n in range(3)
    ]
    done = issue(env, tmp_path, write_invoices(tmp_path / "small.json", [doc]), "--format", "json")
    assert done.returncode == 0, done.stderr
    (invoice,) = json.loads(done.stdout)
    assert money(invoice["total"]) == Decimal("0.14")
    for line in ("1", "2", "3"):
        credited = arbox_here(
            "credits", "issue", invoice["invoice_number"], "--line", line,
            "--reason", f"line {line}", "--by", "alice", env=env, cwd=tmp_path,
        )  # fmt: skip
        assert credited.returncode == 0, credited.stderr
    memos = rows(env, "select amount from invoices where credits_invoice_id is not null")
    assert sorted(money(m[0]) for m in memos) == [
        Decimal("-0.05"),
        Decimal("-0.05"),
        Decimal("-0.04"),  # the last takes exactly what is left
    ]
