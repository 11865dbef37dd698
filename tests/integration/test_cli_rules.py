"""Learning a person can see and undo, through the ``arbox`` console script: a reviewer's
confirmation with ``--remember`` becomes rules, ``rules list`` shows them with their hits, the
next mail of that sender is applied by them, ``rules delete`` undoes that, and ``unapply``
gives an invoice its balance back with an audit event. Clerk mistakes fail with the reason.
The steps around the commands under test (schema, import, listings) run the same entry point in
this process (``arbox_here``)."""

from __future__ import annotations

import json
import sqlite3
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.integration.cli import arbox, arbox_here, cli_env

pytestmark = [pytest.mark.integration, pytest.mark.redis, pytest.mark.smtp]

#: Our numbers carry "SO-"; the payer's bank writes them without it.
LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
SO-70001,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,1250.00
SO-70002,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-05,2026-11-04,99.99
SO-70003,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-06,2026-11-05,10.00
"""


@pytest.fixture
def env(tmp_path: Path, smtp_sink) -> dict[str, str]:
    return cli_env(
        tmp_path,
        smtp_sink,
        ARBOX_AR_ADDRESS="ar@arbox.example",
        ARBOX_PARSE_ISOLATION="false",
    )


def ingest(tmp_path: Path, env: dict[str, str], name: str, body: str) -> str:
    msg = EmailMessage()
    msg["From"] = "payments@bank.example"  # no registered contact of anyone
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = "Payment advice"
    msg["Message-ID"] = f"<{name}@bank.example>"
    msg.set_content(body)
    path = tmp_path / f"{name}.eml"
    path.write_bytes(msg.as_bytes())
    result = arbox("ingest", str(path), env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return result.stdout


def rules(tmp_path: Path, env: dict[str, str]) -> dict[str, dict]:
    listed = arbox_here("rules", "list", "--format", "json", env=env, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    return {rule["kind"]: rule for rule in json.loads(listed.stdout)}


def query(tmp_path: Path, sql: str, *args: object) -> list[tuple]:
    with sqlite3.connect(tmp_path / "arbox.db") as conn:
        return conn.execute(sql, args).fetchall()


def test_a_confirmation_remembered_applies_the_next_mail_until_the_rule_is_deleted(env, tmp_path):
    assert arbox_here("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(LEDGER)
    assert arbox_here("import", "invoices", str(ledger), env=env, cwd=tmp_path).returncode == 0

    # Given a bank's mail naming 70001 (our SO-70001): nobody knows whose it is
    assert "1 review" in ingest(tmp_path, env, "first", "70001 1,250.00\n")
    review = arbox_here("review", "list", "--format", "json", env=env, cwd=tmp_path)
    (item,) = json.loads(review.stdout)
    assert item["kind"] == "unknown_sender" and item["customer_number"] is None

    # When alice confirms it on SO-70001 and asks arbox to remember
    confirmed = arbox(
        "review",
        "confirm",
        str(item["id"]),
        "--invoice",
        "SO-70001",
        "--by",
        "alice",
        "--remember",
        env=env,
        cwd=tmp_path,
    )
    assert confirmed.returncode == 0, confirmed.stderr
    out = " ".join(confirmed.stdout.split())
    assert "applied 1,250.00 USD to SO-70001" in out
    assert "remember: sender address 'payments@bank.example' is customer C701" in out
    assert "remember: customer C701 writes our numbers without 'so' in front" in out
    # Then the rules are listed with who made them and no hits yet
    learned = rules(tmp_path, env)
    assert set(learned) == {"sender", "ref_prefix"}
    sender = learned["sender"]
    assert (sender["pattern"], sender["customer_number"], sender["created_by"]) == (
        "payments@bank.example",
        "C701",
        "alice",
    )
    assert (sender["hits"], sender["last_hit_at"]) == (0, None)
    listed = arbox_here("review", "list", "--format", "json", env=env, cwd=tmp_path)
    assert listed.stdout.strip() == "[]"

    # When the same bank pays 70002 next: applied by the rules, with no person
    assert "1 applied" in ingest(tmp_path, env, "second", "70002 99.99\n")
    learned = rules(tmp_path, env)
    assert learned["sender"]["hits"] == 1 and learned["sender"]["last_hit_at"]
    assert learned["ref_prefix"]["hits"] == 1
    ((balance,),) = query(tmp_path, "select balance from invoices where number = 'SO-70002'")
    assert balance == 0

    # When bob deletes the sender rule, the third payment goes to a person again
    deleted = arbox("rules", "delete", str(sender["id"]), "--by", "bob", env=env, cwd=tmp_path)
    assert deleted.returncode == 0, deleted.stderr
    assert "used 1 time(s)" in deleted.stdout
    assert set(rules(tmp_path, env)) == {"ref_prefix"}
    assert "1 review" in ingest(tmp_path, env, "third", "70003 10.00\n")
    assert query(tmp_path, "select actor from audit_events where action = 'delete_rule'") == [
        ("bob",)
    ]


def test_unapply_gives_the_balance_back_and_refuses_the_second_time(env, tmp_path):
    assert arbox_here("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(LEDGER)
    assert arbox_here("import", "invoices", str(ledger), env=env, cwd=tmp_path).returncode == 0
    ingest(tmp_path, env, "first", "70001 1,250.00\n")
    ((item_id,),) = query(tmp_path, "select id from review_items")
    args = ("review", "confirm", str(item_id), "--invoice", "SO-70001", "--by", "alice")
    assert arbox_here(*args, env=env, cwd=tmp_path).returncode == 0
    ((app_id,),) = query(tmp_path, "select id from applications")

    # When alice un-applies it
    done = arbox(
        "unapply", str(app_id), "--by", "alice", "--reason", "paid twice", env=env, cwd=tmp_path
    )
    # Then SO-70001 is open for its full amount, and the audit says who and why
    assert done.returncode == 0, done.stderr
    assert "balance now 1,250.00" in done.stdout
    assert query(tmp_path, "select balance, status from invoices where number = 'SO-70001'") == [
        (1250000, "open")  # SQLite stores integer thousandths
    ]
    ((detail,),) = query(tmp_path, "select detail from audit_events where action = 'unapply_cash'")
    assert json.loads(detail)["why"] == "paid twice"
    exported = arbox_here("export", "applications", "--format", "json", env=env, cwd=tmp_path)
    assert json.loads(exported.stdout) == []

    # A clerk's mistakes fail with the reason and change nothing
    again = arbox("unapply", str(app_id), "--by", "bob", "--reason", "x", env=env, cwd=tmp_path)
    assert again.returncode == 1 and "already un-applied" in again.stderr
    resolved = arbox_here(*args, env=env, cwd=tmp_path)
    assert resolved.returncode == 1 and "already resolved by alice" in resolved.stderr
    unknown = arbox_here("rules", "delete", "404", "--by", "bob", env=env, cwd=tmp_path)
    assert unknown.returncode == 1 and "rule 404 does not exist" in unknown.stderr
    pairing = arbox_here(*args, "--invoice", "SO-70002", "--amount", "5.00", env=env, cwd=tmp_path)
    assert pairing.returncode == 2 and "one --amount after each --invoice" in pairing.stderr
    assert query(tmp_path, "select count(*) from applications") == [(1,)]
