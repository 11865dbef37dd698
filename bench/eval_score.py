"""Scoring of the ``make eval`` world, line by line, from the database after ingest.

Each labelled line is paired with the line arbox extracted (same reference after
normalisation and same amount; else same reference; else same amount), then judged:

- *correct automatic*: applied with no human, the line was allowed to be, and the
  applications are the label's set of (invoice, cash) exactly;
- *wrong automatic*: any other automatic application (including one on a line that must go
  to review, on a line arbox made up, or on a line whose money pays no invoice);
- *review*: everything else; it *recalls* when every true invoice is among the first three
  candidates (the first ``k`` for a payment over ``k`` > 3 invoices).

The baseline (exact reference as written + exact open balance, in mail order) is judged by
the same functions on the same extracted lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from eval_rules import ref_key


@dataclass
class DbLine:
    """A remittance line as arbox stored it, with its applications and candidates."""

    line_id: int
    line_no: int
    ref: str | None
    amount: Decimal | None  # what the payer wrote (stated), else the decided amount
    outcome: str
    reason: str
    applied: list[tuple[str, Decimal]] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)
    discount: Decimal = Decimal("0.00")  # written off with the automatic applications


@dataclass
class Judged:
    """One labelled line and what was done with it."""

    mail: dict[str, Any]
    label: dict[str, Any]
    db: DbLine | None
    applied: list[tuple[str, Decimal]]
    verdict: str  # correct | wrong | review
    recalled: bool | None  # review lines with a true invoice: right invoice(s) in the top 3


def numbers_of(candidates: list[dict[str, Any]]) -> list[str]:
    """The invoice numbers of a candidate list, best first; a candidate that is a set of
    invoices (``INV-1 + INV-2``) counts as its invoices in its place."""
    out: list[str] = []
    for candidate in candidates:
        for part in re.split(r"\s*[+,;]\s*", str(candidate.get("invoice_number", ""))):
            if part and part not in out:
                out.append(part)
    return out


def read_db(path: Path) -> tuple[dict[str, list[int]], dict[int, list[DbLine]]]:
    """Message-ID -> inbound ids, and inbound id -> its remittance lines in order (through
    the ledger's own table types: SQLite keeps money as integer cents)."""
    from sqlalchemy import create_engine, select

    from ledger import models as m

    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            inbound: dict[str, list[int]] = {}
            for row_id, mid in conn.execute(
                select(m.InboundMessage.id, m.InboundMessage.message_id).order_by(
                    m.InboundMessage.id
                )
            ):
                inbound.setdefault(mid, []).append(row_id)
            numbers = dict(conn.execute(select(m.Invoice.id, m.Invoice.number)).all())
            applied: dict[int, list[tuple[str, Decimal]]] = {}
            a = m.Application
            discounts: dict[int, Decimal] = {}
            for line_id, inv, amount, discount in conn.execute(
                select(a.remittance_line_id, a.invoice_id, a.amount, a.discount).where(
                    a.status == "auto"
                )
            ):
                applied.setdefault(line_id, []).append((numbers[inv], amount))
                discounts[line_id] = discounts.get(line_id, Decimal("0.00")) + discount
            review: dict[int, list[str]] = {}
            r = m.ReviewItem
            for line_id, cands in conn.execute(
                select(r.remittance_line_id, r.candidates).where(
                    r.remittance_line_id.is_not(None), r.kind != "deduction"
                )
            ):
                review[line_id] = numbers_of(cands or [])
            lines: dict[int, list[DbLine]] = {}
            rl = m.RemittanceLine
            query = (
                select(
                    m.Remittance.inbound_id,
                    rl.id,
                    rl.line_no,
                    rl.invoice_ref,
                    rl.stated_amount,
                    rl.amount,
                    rl.outcome,
                    rl.reason,
                    rl.evidence,
                )
                .join(m.Remittance, m.Remittance.id == rl.remittance_id)
                .order_by(m.Remittance.inbound_id, rl.line_no)
            )
            for row in conn.execute(query):
                inbound_id, line_id, no, ref, stated, amount, outcome, reason, record = row
                cands = numbers_of((record or {}).get("candidates", []))
                line = DbLine(
                    line_id,
                    no,
                    ref,
                    stated if stated is not None else amount,
                    outcome,
                    reason,
                    applied.get(line_id, []),
                    cands or review.get(line_id, []),
                    discounts.get(line_id, Decimal("0.00")),
                )
                lines.setdefault(inbound_id, []).append(line)
    finally:
        engine.dispose()
    return inbound, lines


def pair(
    labels: list[dict[str, Any]], lines: list[DbLine]
) -> tuple[list[DbLine | None], list[DbLine]]:
    """Each label line's extracted line (or None), and the extracted lines no label has."""
    left = list(lines)
    out: list[DbLine | None] = [None] * len(labels)
    tests = (
        lambda lb, d: (
            lb["ref"] is not None
            and d.ref is not None
            and ref_key(lb["ref"]) == ref_key(d.ref)
            and Decimal(lb["amount"]) == d.amount
        ),
        lambda lb, d: (
            lb["ref"] is not None and d.ref is not None and ref_key(lb["ref"]) == ref_key(d.ref)
        ),
        lambda lb, d: Decimal(lb["amount"]) == d.amount,
    )
    for test in tests:
        for i, label in enumerate(labels):
            if out[i] is None:
                hit = next((d for d in left if test(label, d)), None)
                if hit is not None:
                    out[i] = hit
                    left.remove(hit)
    return out, left


def truth_of(label: dict[str, Any]) -> set[tuple[str, Decimal]]:
    return {(n, Decimal(a)) for n, a in label["truth"]}


def judge(
    mail: dict[str, Any],
    label: dict[str, Any],
    db: DbLine | None,
    applied: list[tuple[str, Decimal]],
) -> Judged:
    truth = truth_of(label)
    if applied:
        ok = (
            label["allowed"]
            and bool(truth)
            and set(applied) == truth
            and len(applied) == len(truth)
        )
        return Judged(mail, label, db, applied, "correct" if ok else "wrong", None)
    recalled = None
    if truth:
        top = db.candidates[: max(3, len(truth))] if db else []
        recalled = all(n in top for n, _ in truth)
    return Judged(mail, label, db, applied, "review", recalled)


@dataclass
class Scored:
    """Every judged line, the automatic applications no label line has, duplicate checks."""

    lines: list[Judged]
    spurious: list[tuple[dict[str, Any], DbLine]]
    duplicates_ok: int = 0
    duplicates: int = 0


def score_arbox(labels: dict[str, Any], db_path: Path) -> tuple[Scored, dict[str, list[DbLine]]]:
    """Judge arbox's own decisions; also return each mail's extracted lines (for the baseline)."""
    inbound, lines = read_db(db_path)
    scored = Scored([], [])
    extracted: dict[str, list[DbLine]] = {}
    for mail in labels["mails"]:
        ids = inbound.get(mail["message_id"], [])
        if mail["duplicate_of"]:
            scored.duplicates += 1
            scored.duplicates_ok += len(ids) == 1
            continue
        found = [d for i in ids for d in lines.get(i, [])]
        extracted[mail["name"]] = found
        paired, extra = pair(mail["lines"], found)
        for label, db in zip(mail["lines"], paired, strict=True):
            scored.lines.append(judge(mail, label, db, db.applied if db else []))
        scored.spurious += [(mail, d) for d in extra if d.applied]
    return scored, extracted


def baseline(
    labels: dict[str, Any], ledger: dict[str, Decimal], extracted: dict[str, list[DbLine]]
) -> Scored:
    """Exact reference as written (case and surrounding spaces aside) to an open invoice, and
    exactly its open balance; nothing else. Earlier applications count, in mail order."""
    balance = dict(ledger)
    by_text = {n.casefold(): n for n in ledger}
    scored = Scored([], [])
    for mail in sorted(labels["mails"], key=lambda m: m["order"]):
        if mail["duplicate_of"]:
            continue
        found = extracted.get(mail["name"], [])
        applied: dict[int, list[tuple[str, Decimal]]] = {}
        for d in found:
            number = by_text.get((d.ref or "").strip().casefold())
            if (
                number
                and d.amount is not None
                and balance[number] > 0
                and d.amount == balance[number]
            ):
                applied[d.line_id] = [(number, d.amount)]
                balance[number] = Decimal("0.00")
        paired, extra = pair(mail["lines"], found)
        for label, db in zip(mail["lines"], paired, strict=True):
            scored.lines.append(judge(mail, label, db, applied.get(db.line_id, []) if db else []))
        scored.spurious += [(mail, d) for d in extra if d.line_id in applied]
    return scored


def read_ledger(path: Path) -> dict[str, Decimal]:
    import csv

    with path.open(newline="") as f:
        return {row["invoice_number"]: Decimal(row["balance"]) for row in csv.DictReader(f)}


def misses(scored: Scored) -> Iterable[dict[str, Any]]:
    """Every line that was not a correct automatic application, for the JSON report."""
    for j in scored.lines:
        if j.verdict == "correct":
            continue
        yield {
            "mail": j.mail["name"],
            "file": j.mail["file"],
            "layout": j.mail["layout"],
            "verdict": j.verdict,
            "recalled": j.recalled,
            "label": j.label,
            "extracted": None
            if j.db is None
            else {
                "line_no": j.db.line_no,
                "ref": j.db.ref,
                "amount": str(j.db.amount),
                "outcome": j.db.outcome,
                "reason": j.db.reason,
                "candidates": j.db.candidates[:5],
            },
            "applied": [[n, str(a)] for n, a in j.applied],
        }
    for mail, d in scored.spurious:
        yield {
            "mail": mail["name"],
            "file": mail["file"],
            "verdict": "wrong (no such line)",
            "extracted": {"ref": d.ref, "amount": str(d.amount), "reason": d.reason},
            "applied": [[n, str(a)] for n, a in d.applied],
        }
