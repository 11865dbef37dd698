"""Reads run for every mail through ledger.compiled (contacts, invoice owners, claims still
waiting for a person): on SQLite's cursor each reads what SQLAlchemy's result machinery reads,
with the same Python types."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import update

from core.statuses import ReviewKind
from ledger import compiled, contact_reads, remittance_lines
from ledger.models import RemittanceLine, ReviewItem
from ledger.remittance_lines import earlier_waiting_claims
from tests.unit.ledger.conftest import NOW


@pytest.fixture
def world(ledger):  # type: ignore[no-untyped-def]
    acme = ledger.customer("C-001", emails=["ap@acme.example", "billing@acme.example"])
    other = ledger.customer("C-002", "Other", emails=["ap@other.example"])
    inv = ledger.invoice(acme, "INV-1001")
    ledger.invoice(other, "INV-2001")
    ledger.session.execute(update(contact_reads.Customer).values(contact_domain="acme.example"))
    waiting = ledger.remittance_line(ledger.inbound("<a@x>"), amount="1250.00")
    answered = ledger.remittance_line(ledger.inbound("<b@x>"), amount="99.00")
    held = ledger.remittance_line(ledger.inbound("<c@x>"), amount="7.00")
    ledger.session.execute(
        update(RemittanceLine).values(invoice_id=inv, stated_amount=RemittanceLine.amount)
    )
    for n, (line, kind, status) in enumerate(
        [
            (waiting, ReviewKind.REMITTANCE_LINE, "open"),
            (answered, ReviewKind.REMITTANCE_LINE, "resolved"),
            (held, ReviewKind.UNVERIFIED_PAYMENT, "open"),
        ]
    ):
        ledger.session.add(
            ReviewItem(
                key=f"k{n}",
                kind=kind,
                status=status,
                remittance_line_id=line,
                reason="r",
                created_at=NOW,
            )
        )
    ledger.session.flush()
    return {"acme": acme, "other": other, "invoice": inv}


@pytest.mark.parametrize(
    ("module", "statement", "params"),
    [
        (contact_reads, "_DOMAINS", {"ids": [1, 2, 3]}),
        (contact_reads, "_CONTACTS", {"ids": [1, 2]}),
        (contact_reads, "_OWNERS", {"numbers": ["INV-1001", "INV-2001", "nope"]}),
        (remittance_lines, "_WAITING_CLAIMS", {"invoice_ids": [1, 2], "inbound_id": 999}),
    ],
)
def test_each_read_on_sqlites_cursor_reads_what_sqlalchemy_reads(
    world, ledger, module, statement, params
):
    stmt = getattr(module, statement)
    fast = compiled.rows(ledger.session, stmt, params)
    generic = compiled.generic_rows(ledger.session, stmt, params)
    assert fast, "the world has rows for every read"
    assert sorted(map(tuple, fast), key=repr) == sorted(map(tuple, generic), key=repr)
    types = sorted([[type(v).__name__ for v in r] for r in fast])
    assert types == sorted([[type(v).__name__ for v in r] for r in generic])


def test_the_reads_answer_what_they_say(world, ledger):
    s = ledger.session
    assert contact_reads.contact_domains(s, [world["acme"], 404]) == {world["acme"]: "acme.example"}
    assert sorted(contact_reads.registered_contacts(s, [world["acme"]])) == [
        (world["acme"], "ap@acme.example"),
        (world["acme"], "billing@acme.example"),
    ]
    assert contact_reads.invoice_owners(s, ["INV-1001", "INV-2001", "INV-1001"]) == {
        world["acme"],
        world["other"],
    }
    assert contact_reads.invoice_owners(s, []) == set()
    claims = earlier_waiting_claims(s, [world["invoice"]], inbound_id=999)
    # the open item on a person's desk counts; the resolved one and the stranger's do not
    assert list(claims.items()) == [((world["invoice"], Decimal("1250.00")), 1)]
    assert earlier_waiting_claims(s, [world["invoice"]], inbound_id=1) == {}
    assert earlier_waiting_claims(s, [], inbound_id=1) == {}
