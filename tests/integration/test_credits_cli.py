"""``arbox credits settle`` as a user runs it: the credit memo nets its invoice, the output
says what is left, a second run changes nothing and says so, a refusal exits 1 and changes
nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from core.refs import normalise_ref
from ledger.models import Invoice
from ledger.session import make_engine, make_sessionmaker
from tests.integration.cli import arbox, arbox_here, cli_env

pytestmark = pytest.mark.integration

NO_SMTP = SimpleNamespace(host="127.0.0.1", port=9)  # the command sends no mail
LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
INV-2026-000017,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,1000.00
INV-2026-000018,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,50.00
"""


def _add_credit(url: str, number: str, credits: str, amount: str) -> None:
    engine = make_engine(url)
    with make_sessionmaker(engine).begin() as session:
        invoice = session.scalars(select(Invoice).where(Invoice.number == credits)).one()
        now = datetime(2026, 11, 2, tzinfo=UTC)
        money = Decimal(amount)
        credit = Invoice(
            number=number,
            ref_key=normalise_ref(number),
            customer_id=invoice.customer_id,
            issue_date=date(2026, 11, 2),
            due_date=date(2026, 11, 2),
            amount=money,
            balance=money,
            currency=invoice.currency,
            status="open",
            created_at=now,
            updated_at=now,
            credits_invoice_id=invoice.id,
        )
        session.add(credit)
    engine.dispose()


def _balances(url: str) -> dict[str, tuple[str, Decimal]]:
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        found = {i.number: (i.status, i.balance) for i in session.scalars(select(Invoice))}
    engine.dispose()
    return found


def test_credits_settle_nets_the_invoice_once_and_refuses_what_is_closed(tmp_path: Path):
    env = cli_env(tmp_path, NO_SMTP)
    url = env["ARBOX_DATABASE_URL"]
    assert arbox_here("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    (tmp_path / "ledger.csv").write_text(LEDGER)
    assert arbox_here("import", "invoices", "ledger.csv", env=env, cwd=tmp_path).returncode == 0
    _add_credit(url, "CN-2026-000004", "INV-2026-000017", "-250.00")
    _add_credit(url, "CN-2026-000005", "INV-2026-000018", "-50.00")
    settled = arbox("credits", "settle", "CN-2026-000004", "--by", "ana", env=env, cwd=tmp_path)
    assert settled.returncode == 0, settled.stderr
    assert " ".join(settled.stdout.split()) == (
        "credit memo CN-2026-000004 settled against INV-2026-000017: 250.00 USD; "
        "INV-2026-000017 750.00 left (by ana)"
    )
    again = arbox_here("credits", "settle", "CN-2026-000004", "--by", "bo", env=env, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "was settled before" in again.stdout
    both = arbox_here("credits", "settle", "CN-2026-000005", "--by", "ana", env=env, cwd=tmp_path)
    assert "both closed" in both.stdout
    balances = _balances(url)
    assert balances["INV-2026-000017"] == ("open", Decimal("750.00"))
    assert balances["CN-2026-000004"] == ("paid", Decimal("0.00"))
    assert balances["INV-2026-000018"] == balances["CN-2026-000005"] == ("paid", Decimal("0.00"))
    # An invoice is no credit memo: refused, exit 1, nothing changed
    refused = arbox_here(
        "credits", "settle", "INV-2026-000017", "--by", "ana", env=env, cwd=tmp_path
    )
    assert refused.returncode == 1
    assert "not a credit memo linked to an invoice" in " ".join(refused.stderr.split())
    assert "nothing was changed" in " ".join(refused.stderr.split())
    assert _balances(url) == balances
