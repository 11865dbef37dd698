"""``arbox dunning send`` as a user runs it: the console script against SQLite and an SMTP
sink. One mail per customer with each overdue invoice at its level, to its contacts only;
held customers printed with the reason; never twice for the same invoice and level."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ledger import models as m
from ledger.session import make_engine, make_sessionmaker
from ledger.unapplied_cash import record_unapplied_cash
from tests.integration.cli import arbox, arbox_here, cli_env

pytestmark = [pytest.mark.integration, pytest.mark.smtp]

# As of 2026-12-10: INV-71001 10 days overdue (reminder_1), INV-71002 35 (reminder_2),
# INV-71003 not yet due, INV-71004 paid; INV-72001 100 days (final notice).
LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount,balance
INV-71001,C701,Acme Manufacturing Inc,ap@acme-mfg.example;controller@acme-mfg.example,2026-10-31,2026-11-30,100.00,100.00
INV-71002,C701,Acme Manufacturing Inc,,2026-10-06,2026-11-05,250.50,250.50
INV-71003,C701,Acme Manufacturing Inc,,2026-11-20,2026-12-20,999.00,999.00
INV-71004,C701,Acme Manufacturing Inc,,2026-09-01,2026-10-01,80.00,0.00
INV-72001,C702,Bolt & Nut Ltd,payables@boltnut.example,2026-08-02,2026-09-01,400.00,150.00
INV-73001,C703,Nobody To Write To LLC,,2026-10-02,2026-11-01,75.00,75.00
INV-74001,C704,Overpaid Corp,ap@overpaid.example,2026-10-21,2026-11-20,60.00,60.00
"""


@pytest.fixture
def env(tmp_path: Path, smtp_sink) -> dict[str, str]:
    base = cli_env(
        tmp_path,
        smtp_sink,
        ARBOX_AR_ADDRESS="ar@supplies.example",
        ARBOX_COMPANY_NAME="Example Supplies Co.",
    )
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(LEDGER)
    # set-up steps in this process (the command under test, dunning, runs as a subprocess)
    assert arbox_here("db", "upgrade", env=base, cwd=tmp_path).returncode == 0
    imported = arbox_here("import", "invoices", str(ledger), env=base, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    engine = make_engine(base["ARBOX_DATABASE_URL"])
    with make_sessionmaker(engine).begin() as session:  # C704 has money we did not apply yet
        cid = session.execute(select(m.Customer.id).where(m.Customer.number == "C704")).scalar()
        record_unapplied_cash(
            session, key="t:1", amount=Decimal("12.50"), currency="USD", reason="overpaid",
            now=datetime(2026, 12, 1, tzinfo=UTC), customer_id=cid,
        )  # fmt: skip
    engine.dispose()
    return base


def rows(env: dict[str, str], model) -> int:
    engine = make_engine(env["ARBOX_DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(model)).scalar_one()
    finally:
        engine.dispose()


def dunning(env, tmp_path, *args: str):
    return arbox("dunning", "send", *args, env=env, cwd=tmp_path)


def test_reminders_go_once_per_customer_with_each_invoice_at_its_level(env, tmp_path, smtp_sink):
    # Given the ledger above, as of 2026-12-10
    # When a dry run comes first
    dry = dunning(env, tmp_path, "--as-of", "2026-12-10", "--dry-run")
    # Then it says what it would do and writes nothing
    assert dry.returncode == 0, dry.stderr
    assert "C701: would send INV-71002 (reminder_2), INV-71001 (reminder_1)" in dry.stdout
    assert "C704: held INV-74001 (unapplied cash 12.50 USD open)" in dry.stdout
    assert "2 reminder mail(s) would be sent" in dry.stdout
    assert rows(env, m.OutboxMessage) == 0 and rows(env, m.DunningNotice) == 0
    # When the run is made, twice
    first = dunning(env, tmp_path, "--as-of", "2026-12-10")
    second = dunning(env, tmp_path, "--as-of", "2026-12-10")
    # Then one mail per customer with a contact went out, and the second run sent nothing
    assert first.returncode == 0, first.stderr
    assert "2 queued, 2 sent; 1 customer(s) with held invoices" in first.stdout
    assert "C703: no registered contact, not mailed: INV-73001 (reminder_2)" in first.stdout
    assert "C704: held INV-74001 (unapplied cash 12.50 USD open)" in first.stdout
    assert second.returncode == 0, second.stderr
    assert "0 queued, 0 sent" in second.stdout
    mails = smtp_sink.wait_for(3, timeout=3)
    assert len(mails) == 2
    by_rcpt = {tuple(sorted(r.rcpt_tos)): r for r in mails}
    acme = message_from_bytes(
        by_rcpt[("ap@acme-mfg.example", "controller@acme-mfg.example")].raw,
        policy=policy.default,
    )
    assert acme["Subject"] == "Second reminder: overdue invoices for customer C701"
    assert acme["Auto-Submitted"] == "auto-generated"
    body = acme.get_body(("plain",)).get_content()
    assert "INV-71002  due Nov 5, 2026  35 days overdue  $250.50  (second reminder)" in body
    assert "INV-71001  due Nov 30, 2026  10 days overdue  $100.00  (first reminder)" in body
    assert "Total overdue: $350.50" in body
    assert "INV-71003" not in body and "INV-71004" not in body
    assert "<td>INV-71002</td>" in acme.get_body(("html",)).get_content()
    bolt = message_from_bytes(by_rcpt[("payables@boltnut.example",)].raw, policy=policy.default)
    assert bolt["Subject"] == "Final notice: overdue invoice for customer C702"
    assert "100 days overdue  $150.00  (final notice)" in bolt.get_body(("plain",)).get_content()
    # When, three weeks later, one invoice reaches its next level and another falls due
    later = dunning(env, tmp_path, "--as-of", "2026-12-31", "--customer", "C701")
    # Then those two are reminded, each at its level, and INV-71002 (still at its level) not
    assert later.returncode == 0, later.stderr
    assert "C701: sent INV-71001 (reminder_2), INV-71003 (reminder_1)\n" in later.stdout
    assert len(smtp_sink.wait_for(3, timeout=10)) == 3
    assert rows(env, m.DunningNotice) == 5


def test_a_reminder_the_server_refused_for_now_is_sent_once_by_the_next_run(
    env, tmp_path, smtp_sink
):
    # Given the SMTP server refuses the first message with a temporary error
    smtp_sink.fail_next(1, 451)
    # When the run is made, and made again (as after a crash between writing and sending)
    first = dunning(env, tmp_path, "--as-of", "2026-12-10", "--customer", "C702")
    second = dunning(env, tmp_path, "--as-of", "2026-12-10", "--customer", "C702")
    # Then the second run delivers the reminder the first wrote, once, and writes no other
    assert first.returncode == 1
    assert "1 queued, 0 sent, 1 left to retry" in first.stdout
    assert second.returncode == 0, second.stderr
    assert "0 queued, 1 sent" in second.stdout
    (mail,) = smtp_sink.wait_for(1)
    assert mail.rcpt_tos == ("payables@boltnut.example",)
    assert rows(env, m.OutboxMessage) == 1 and rows(env, m.DunningNotice) == 1


def test_a_dry_run_on_another_day_marks_nothing_reminded(env, tmp_path, smtp_sink):
    # Given reminders rendered under ARBOX_OUTBOUND_DRY_RUN on 2026-12-10 (never sent)
    dry = dunning({**env, "ARBOX_OUTBOUND_DRY_RUN": "true"}, tmp_path, "--as-of", "2026-12-10")
    assert dry.returncode == 0, dry.stderr
    assert smtp_sink.wait_for(1, timeout=0.5) == []
    # When the real run is made the next day
    real = dunning(env, tmp_path, "--as-of", "2026-12-11")
    # Then it reminds the same invoices at their levels: the dry run reminded nobody
    assert real.returncode == 0, real.stderr
    assert "C701: sent INV-71002 (reminder_2), INV-71001 (reminder_1)" in real.stdout
    assert len(smtp_sink.wait_for(2, timeout=3)) == 2
    # and the notices are the real run's, one per invoice and level
    assert rows(env, m.DunningNotice) == 3
