"""``arbox statements send`` as a user runs it: the console script against SQLite and an SMTP
sink. One statement per customer with open items, to its contacts only, never twice. The
schema and the ledger are made by the same entry point in this process (``arbox_here``)."""

from __future__ import annotations

from email import message_from_bytes, policy
from io import BytesIO
from pathlib import Path

import pdfplumber
import pytest

from tests.integration.cli import arbox, arbox_here, cli_env

pytestmark = [pytest.mark.integration, pytest.mark.smtp]


LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount,balance
INV-70001,C701,Acme Manufacturing Inc,ap@acme-mfg.example;controller@acme-mfg.example,2026-09-01,2026-10-01,1250.00,1250.00
INV-70002,C701,Acme Manufacturing Inc,,2026-11-05,2026-12-05,99.99,99.99
CM-70003,C701,Acme Manufacturing Inc,,2026-11-10,2026-11-10,-50.00,-50.00
INV-70010,C702,Bolt & Nut Ltd,payables@boltnut.example,2026-08-01,2026-08-31,400.00,150.00
INV-70020,C703,Nobody To Write To LLC,,2026-10-01,2026-10-31,75.00,75.00
INV-70030,C704,Paid Up Corp,ap@paidup.example,2026-10-01,2026-10-31,80.00,0.00
"""


@pytest.fixture
def env(tmp_path: Path, smtp_sink) -> dict[str, str]:
    base = cli_env(
        tmp_path,
        smtp_sink,
        ARBOX_AR_ADDRESS="ar@supplies.example",
        ARBOX_COMPANY_NAME="Example Supplies Co.",
        ARBOX_COMPANY_ADDRESS="1 Harbour Road|Springfield 12345",
        ARBOX_REMIT_TO="Example Bank|Account 0012-3456-78",
    )
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(LEDGER)
    assert arbox_here("db", "upgrade", env=base, cwd=tmp_path).returncode == 0
    imported = arbox_here("import", "invoices", str(ledger), env=base, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    return base


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_statements_go_once_to_each_customer_with_open_items_and_its_contacts_only(
    env, tmp_path, smtp_sink
):
    # Given three customers with open items (one without a contact) and one fully paid
    # When statements are sent twice for the same date
    first = arbox("statements", "send", "--as-of", "2026-12-01", env=env, cwd=tmp_path)
    second = arbox("statements", "send", "--as-of", "2026-12-01", env=env, cwd=tmp_path)
    # Then the first run mailed the two customers with contacts, and the second nothing
    assert first.returncode == 0, first.stderr
    assert "3 customer(s) with open items; 2 queued, 2 sent" in first.stdout
    assert "1 customer(s) without a contact, not mailed: C703" in first.stdout
    assert second.returncode == 0, second.stderr
    assert "0 queued, 0 sent; 2 sent before" in second.stdout
    mails = smtp_sink.wait_for(3, timeout=3)
    assert len(mails) == 2
    by_rcpt = {tuple(sorted(m.rcpt_tos)): m for m in mails}
    assert set(by_rcpt) == {
        ("ap@acme-mfg.example", "controller@acme-mfg.example"),
        ("payables@boltnut.example",),
    }
    acme = message_from_bytes(
        by_rcpt[("ap@acme-mfg.example", "controller@acme-mfg.example")].raw, policy=policy.default
    )
    assert acme["Auto-Submitted"] == "auto-generated"
    assert acme["Subject"] == "Statement of account C701 as of Dec 1, 2026"
    assert "$1,349.99 (2 invoices" in acme.get_body(("plain",)).get_content()
    assert "Total due" in acme.get_body(("html",)).get_content()
    (attachment,) = list(acme.iter_attachments())
    text = pdf_text(attachment.get_content())
    assert "INV-70001 Sep 1, 2026 Oct 1, 2026 1,250.00 1,250.00 61" in text
    assert "CM-70003 Nov 10, 2026 -50.00" in text
    assert "99.99 0.00 0.00 1,250.00 0.00 1,349.99" in text  # aging as of 2026-12-01
    assert "Total due: $1,299.99" in text  # less the credit memo
    assert "Springfield 12345" in text and "Account 0012-3456-78" in text


def test_a_statement_the_server_refused_for_now_is_sent_by_the_next_run(env, tmp_path, smtp_sink):
    # Given the SMTP server refuses the first message with a temporary error
    smtp_sink.fail_next(1, 451)
    # When statements for one customer are sent, and sent again
    first = arbox(
        "statements", "send", "--as-of", "2026-12-01", "--customer", "C702", env=env, cwd=tmp_path
    )
    second = arbox(
        "statements", "send", "--as-of", "2026-12-01", "--customer", "C702", env=env, cwd=tmp_path
    )
    # Then the first run says one is left to retry (exit 1) and the second delivers it, once
    assert first.returncode == 1
    assert "1 queued, 0 sent, 1 left to retry" in first.stdout
    assert second.returncode == 0, second.stderr
    assert "0 queued, 1 sent" in second.stdout
    (mail,) = smtp_sink.wait_for(1)
    assert mail.rcpt_tos == ("payables@boltnut.example",)


def test_company_wording_from_templates_dir_replaces_the_packaged_template(
    env, tmp_path, smtp_sink
):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "statement.txt.j2").write_text(
        "{{ customer.customer_name }}: {{ statements[0].total_due|amount('USD') }} due.\n"
    )
    env = dict(env, ARBOX_TEMPLATES_DIR=str(templates))
    # (rendered in two worker processes: the setting reaches them too)
    result = arbox(
        "statements", "send", "--as-of", "2026-12-01", "--customer", "C702", "--workers", "2",
        env=env, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (mail,) = smtp_sink.wait_for(1)
    parsed = message_from_bytes(mail.raw, policy=policy.default)
    assert parsed.get_body(("plain",)).get_content().strip() == "Bolt & Nut Ltd: 150.00 due."


def test_a_bad_as_of_date_is_a_usage_error(env, tmp_path):
    result = arbox("statements", "send", "--as-of", "2026-13-01", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "expected a date" in result.stderr


def test_a_dry_run_marks_nothing_done_so_the_real_run_sends(env, tmp_path, smtp_sink):
    # Given statements rendered with ARBOX_OUTBOUND_DRY_RUN for a date (issue 20: the real
    # run then said "2 sent before" and mailed nothing)
    dry = arbox_here(
        "statements", "send", "--as-of", "2026-12-01",
        env={**env, "ARBOX_OUTBOUND_DRY_RUN": "true"}, cwd=tmp_path,
    )  # fmt: skip
    assert smtp_sink.wait_for(1, timeout=0.5) == []
    # When the same date is sent for real
    real = arbox_here("statements", "send", "--as-of", "2026-12-01", env=env, cwd=tmp_path)
    # Then the real run mails both statements, and a third run nothing more
    again = arbox_here("statements", "send", "--as-of", "2026-12-01", env=env, cwd=tmp_path)
    assert "Traceback" not in dry.stderr + real.stderr
    assert real.returncode == 0, real.stderr
    assert "2 sent" in real.stdout and "sent before" not in real.stdout
    assert len(smtp_sink.wait_for(3, timeout=3)) == 2
    assert "0 sent; 2 sent before" in again.stdout
