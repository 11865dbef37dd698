"""``make eval`` on a small world: the generator is deterministic and draws every case, the
world runs through the real ``arbox`` commands, labels and database agree line by line, and
the scorer counts a hand-made wrong application as wrong (it can fail)."""

from __future__ import annotations

import email
import importlib
import json
import sqlite3
import sys
from decimal import Decimal
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

eval_world = importlib.import_module("eval_world")
eval_score = importlib.import_module("eval_score")
eval_run = importlib.import_module("eval")
eval_queries = importlib.import_module("eval_queries")

SMALL = eval_world.WorldConfig(seed=11, mails=36, invoices=400, customers=40, questions=False)
#: Every case of issue 5's list (a line tag or a mail's tag in the labels).
CASES = {
    "exact", "typo", "ocr", "truncated", "collision", "partial", "partial-rest", "discount",
    "discount-late", "short-pay", "credit-memo", "no-reference", "unknown-sender",
    "other-customer", "overpayment", "already-paid", "total-mismatch", "resend", "duplicate",
}  # fmt: skip


def files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_the_same_config_writes_the_same_bytes_and_another_seed_does_not(tmp_path):
    # Given the small config written twice, and once with another seed
    eval_world.write_world(SMALL, tmp_path / "a")
    eval_world.write_world(SMALL, tmp_path / "b")
    eval_world.write_world(eval_world.WorldConfig(12, 36, 400, 40, False), tmp_path / "c")
    # Then the first two are identical file by file, the third differs
    first = files(tmp_path / "a")
    assert first == files(tmp_path / "b")
    assert first["ledger.csv"] != files(tmp_path / "c")["ledger.csv"]


def test_a_small_world_draws_every_case_in_two_phases(tmp_path):
    labels = eval_world.write_world(SMALL, tmp_path)
    tags = {t for m in labels["mails"] for t in m["tags"]}
    tags |= {t for m in labels["mails"] for line in m["lines"] for t in line["tags"]}
    assert tags >= CASES, CASES - tags
    assert labels["phases"] == [1, 2]
    layouts = {m["layout"] for m in labels["mails"]}
    assert {"csv", "xlsx", "html-table", "noref-prose"} & layouts
    assert any(layout.startswith("pdf-") for layout in layouts)
    # A re-send comes after its original, under a new Message-ID; a duplicate is the same bytes
    by_name = {m["name"]: m for m in labels["mails"]}
    for mail in labels["mails"]:
        if mail["resend_of"]:
            original = by_name[mail["resend_of"]]
            assert original["phase"] < mail["phase"]
            assert original["message_id"] != mail["message_id"]
        if mail["duplicate_of"]:
            original = by_name[mail["duplicate_of"]]
            assert (tmp_path / mail["file"]).read_bytes() == (
                tmp_path / original["file"]
            ).read_bytes()


def test_the_dev_world_asks_every_intent_in_every_language_after_its_remittances(tmp_path):
    # Given the small world with its questions
    config = eval_world.WorldConfig(seed=11, mails=36, invoices=400, customers=40)
    labels = eval_world.write_world(config, tmp_path)
    queries = labels["queries"]
    # Then every intent is asked in every language, in a phase after the remittances,
    # dated after every remittance, by contacts and a few strangers
    assert labels["phases"] == [1, 2, eval_world.QUESTION_PHASE]
    asked = {(q["intent"], q["language"]) for q in queries}
    assert asked == {
        (i, lang) for i in eval_queries.KINDS for lang in ("en", "de", "fr", "es", "nl")
    }
    assert {q["phase"] for q in queries} == {eval_world.QUESTION_PHASE}
    assert any(not q["from_contact"] for q in queries) and any(q["from_contact"] for q in queries)
    last_payment = max(m["paid_on"] for m in labels["mails"])
    dates = [email.message_from_bytes((tmp_path / q["file"]).read_bytes())["Date"] for q in queries]
    assert min(parsedate_to_datetime(d).date().isoformat() for d in dates) > last_payment
    # And a promise's day comes after its mail
    for q, d in zip(queries, dates, strict=True):
        if q["intent"] == "promise_to_pay":
            assert q["promise_date"] > parsedate_to_datetime(d).date().isoformat()


def judged(scored: Any, verdict: str) -> int:
    return sum(j.verdict == verdict for j in scored.lines)


@pytest.mark.integration
@pytest.mark.redis
def test_small_world_end_to_end_labels_and_database_agree_and_the_scorer_can_fail(tmp_path):
    # Given the small world run through db upgrade, import and one ingest per phase
    labels = eval_world.write_world(SMALL, tmp_path / "world")
    eval_run.run_world(tmp_path, labels, arbox=eval_run.ARBOX_OF_CHECKOUT, timeout=300)
    db = tmp_path / "arbox.db"
    scored, extracted = eval_score.score_arbox(labels, db)
    # Then every mail is stored once (duplicates too), and the lines with references of the
    # table and PDF layouts were all read, in the reader's order
    assert scored.duplicates >= 1 and scored.duplicates_ok == scored.duplicates
    for mail in labels["mails"]:
        if mail["duplicate_of"] or mail["layout"] in (
            "csv",
            "sentences",
            "noref-prose",
            "noref-advice",
        ):
            continue
        paired, extra = eval_score.pair(mail["lines"], extracted[mail["name"]])
        assert None not in paired, (mail["name"], mail["layout"])
        assert [d.line_no for d in paired] == sorted(d.line_no for d in paired), mail["name"]
        assert not extra, (mail["name"], [d.ref for d in extra])
    # And the baseline applies nothing but exact references as written
    base = eval_score.baseline(
        labels, eval_score.read_ledger(tmp_path / "world/ledger.csv"), extracted
    )
    applied = [(j.db, number) for j in base.lines if j.applied for number, _ in j.applied]
    assert applied
    for db_line, number in applied:
        assert (db_line.ref or "").strip().casefold() == number.casefold()
    assert judged(base, "correct") < judged(scored, "correct")
    # When one correct automatic application is moved to another invoice by hand,
    # and a line that must go to review is applied by hand
    correct = next(j for j in scored.lines if j.verdict == "correct")
    must_review = next(
        j
        for j in scored.lines
        if not j.label["allowed"] and j.label["truth"] and j.db and not j.applied
    )
    with sqlite3.connect(db) as conn:
        conn.execute(
            "update applications set invoice_id = (select min(id) from invoices where number "
            "!= ?) where remittance_line_id = ?",
            (correct.label["truth"][0][0], correct.db.line_id),
        )
        number, cash = must_review.label["truth"][0]
        conn.execute(
            "insert into applications (remittance_line_id, invoice_id, amount, discount, "
            "deduction, currency, status, confidence, reasons, applied_by, applied_at) "
            "select ?, id, ?, 0, 0, currency, 'auto', 1000, 'by hand', 'test', "
            "'2026-11-15 00:00:00' from invoices where number = ?",
            (must_review.db.line_id, int(Decimal(cash) * 100), number),
        )
    rescored, _ = eval_score.score_arbox(labels, db)
    # Then both are counted as wrong automatic applications
    assert judged(rescored, "wrong") == judged(scored, "wrong") + 2
    assert judged(rescored, "correct") == judged(scored, "correct") - 1


def line(truth: list[list[str]], *, allowed: bool) -> dict[str, Any]:
    return {"ref": None, "amount": "100.00", "truth": truth, "allowed": allowed, "tags": ["x"]}


def test_judge_counts_an_allowed_exact_set_as_correct_and_anything_else_as_wrong():
    db = eval_score.DbLine(
        1, 1, None, Decimal("100.00"), "review", "", [], ["INV-2", "INV-9", "INV-1"]
    )
    truth = [["INV-1", "60.00"], ["INV-2", "40.00"]]
    exact = [("INV-2", Decimal("40.00")), ("INV-1", Decimal("60.00"))]
    assert eval_score.judge({}, line(truth, allowed=True), db, exact).verdict == "correct"
    # A right application of a line that had to go to review is wrong
    assert eval_score.judge({}, line(truth, allowed=False), db, exact).verdict == "wrong"
    # So is a partial set, or the right invoices with other amounts
    assert eval_score.judge({}, line(truth, allowed=True), db, exact[:1]).verdict == "wrong"
    shifted = [("INV-2", Decimal("50.00")), ("INV-1", Decimal("50.00"))]
    assert eval_score.judge({}, line(truth, allowed=True), db, shifted).verdict == "wrong"
    # Money that pays no invoice, applied, is wrong
    assert eval_score.judge({}, line([], allowed=False), db, exact).verdict == "wrong"
    # In review, both true invoices among the first three candidates recall; not otherwise
    assert eval_score.judge({}, line(truth, allowed=True), db, []).recalled is True
    db.candidates = ["INV-2", "INV-9", "INV-8", "INV-1"]
    assert eval_score.judge({}, line(truth, allowed=True), db, []).recalled is False


def test_a_small_held_out_world_runs_side_by_side_and_its_question_scorer_can_fail(tmp_path):
    # Given a small held-out world (another seed than the one reported: bench/HELDOUT.md)
    # written by its own generator and run through the same commands
    work = tmp_path / "heldout"
    work.mkdir()
    heldout_world = importlib.import_module("heldout_world")
    heldout_world.generate(work / "world", 4242, customers=30, mails=24, queries=25)
    labels = json.loads((work / "world" / "labels.json").read_text())
    result = eval_run.run_set(
        "held-out", work, labels, arbox=eval_run.ARBOX_OF_CHECKOUT, timeout=300
    )
    # Then every question is scored, and the report prints both sets' tables
    queries = result.queries
    assert queries is not None
    assert sum(c["mails"] for c in queries.by_intent.values()) == len(labels["queries"])
    text = eval_run.report([result], "test")
    assert "held-out arbox" in text and "held-out, questions:" in text
    right = sum(c["right"] for c in queries.by_intent.values())
    # When a question's mail is read as another kind, and account data goes to a stranger
    db = work / "arbox.db"
    missed = {m["query"] for m in queries.misses}
    scored = next(q for q in labels["queries"] if q["name"] not in missed)
    with sqlite3.connect(db) as conn:
        conn.execute(
            "update inbound_messages set kind = 'other' where message_id = ?",
            (scored["message_id"],),
        )
        conn.execute(
            "insert into outbox (key, kind, inbound_id, customer_id, message_id, sender, "
            "recipients, subject, raw, status, attempts, created_at) select 'x', 'balance', "
            "null, id, '<x@test>', 'ar@arbox.example', 'stranger@evil.test', 's', x'', "
            "'pending', 0, '2026-11-20 00:00:00' from customers limit 1"
        )
    again = eval_queries.score_queries(labels, db, work / "world" / "ledger.csv")
    # Then the scorer counts both
    assert sum(c["right"] for c in again.by_intent.values()) == right - 1
    assert [d["to"] for d in again.disclosures] == ["stranger@evil.test"]
