"""The item page's values: candidates with their invoices, the proposal and what it would
teach, and the mail read without holding the database's write lock."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest

from review.item_view import item_view, read_item_view
from review.pages import Rendered
from tests.unit.review.item_seed import seed


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("view")
    done = seed(workdir)
    yield done, workdir / "review.db"
    done.svc.engine.dispose()


def test_candidates_carry_customer_balance_due_date_score_and_the_proposal(seeded):
    done, _ = seeded
    with done.svc.sessions() as s:
        view = item_view(s, done.items["ambiguous"], pages=None)
    line = view.line
    assert [
        (c.invoice_number, c.customer_number, c.balance, c.score, c.proposed)
        for c in line.candidates
    ] == [
        ("INV-70001", "C701", Decimal("1250.00"), "0.800", True),
        ("INV-70005", "C701", Decimal("1250.00"), "0.600", False),
    ]
    assert str(line.candidates[0].due_date) == "2026-10-31"
    assert {s.name for s in line.signals} >= {"customer", "reference", "amount", "combination"}
    assert line.runner_up.startswith("INV-70005")
    assert view.proposal == (("INV-70001", None),)
    assert view.reply_to == "ap@acme-parts.example"


def test_an_unknown_payer_shows_what_remembering_would_teach(seeded):
    done, _ = seeded
    with done.svc.sessions() as s:
        view = item_view(s, done.items["unknown"], pages=None)
    assert view.customer_number is None
    assert view.remember_on_reassign == "payer 'ACME HOLDINGS' is the chosen customer"
    assert view.reply_to is None and "not known" in view.reply_note


def test_the_mail_is_read_and_its_pdf_rendered_with_the_database_unlocked(seeded):
    done, path = seeded
    calls = []

    def pages(data: bytes, *, image: bool = False) -> Rendered:
        # another writer gets the SQLite write lock at once while the PDF "renders"
        other = sqlite3.connect(path, timeout=0.2, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        other.close()
        calls.append(len(data))
        return Rendered("x", (), 0, "test renderer")

    view = read_item_view(done.svc.sessions, done.items["pdf"], pages=pages)
    assert len(calls) == 1
    assert view.mail.attachments[0].reason == "test renderer"
