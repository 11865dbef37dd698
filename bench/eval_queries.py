"""Scoring of the questions of a labelled world (the held-out set's ``queries``), from the
database after ingest.

Each query mail is labelled with its one intent, its language, the invoices it concerns and
whether its sender is a registered contact. Judged:

- *intent right*: the mail was read as that kind (``inbound_messages.kind``);
- *dispute recognised*: a ``dispute`` review item of the mail names every labelled invoice
  (its candidates or its reason);
- *copy answered*: a registered contact's copy request got an ``invoice_copy`` reply to the
  sender carrying every labelled invoice (its number in the mail or its PDFs' names);
- over the whole world: ``reply_loop`` items (none without a loop) and outbound mail with
  account data to an address that is no registered contact of its customer (none).
"""

from __future__ import annotations

import csv
import email
import email.policy
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Label intents and the mail kind arbox gives each.
KINDS = {
    "invoice_copy_request": "invoice-copy-request",
    "statement_request": "statement-request",
    "balance_inquiry": "balance-inquiry",
    "dispute": "dispute",
    "promise_to_pay": "promise-to-pay",
}
#: Replies that reveal nothing about an account (may go to anyone who wrote).
REVEALS_NOTHING = {"request_received"}


@dataclass
class QueryScore:
    """The questions' figures."""

    by_intent: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    by_language: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    disputes: Counter[str] = field(default_factory=Counter)
    copies: Counter[str] = field(default_factory=Counter)
    reply_loops: int = 0
    disclosures: list[dict[str, Any]] = field(default_factory=list)
    misses: list[dict[str, Any]] = field(default_factory=list)


def contacts_of(ledger_csv: Path) -> dict[str, set[str]]:
    """Customer number -> its registered contact addresses (casefolded)."""
    out: dict[str, set[str]] = defaultdict(set)
    with ledger_csv.open(newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            for address in (row.get("customer_email") or "").split(";"):
                if address.strip():
                    out[row["customer_number"]].add(address.strip().casefold())
    return out


def score_queries(labels: dict[str, Any], db_path: Path, ledger_csv: Path) -> QueryScore:
    from sqlalchemy import create_engine, select

    from ledger import models as m

    score = QueryScore()
    contacts = contacts_of(ledger_csv)
    engine = create_engine(f"sqlite:///{db_path}")
    try:
        with engine.connect() as conn:
            inbound = {
                mid: (row_id, kind, reason)
                for row_id, mid, kind, reason in conn.execute(
                    select(
                        m.InboundMessage.id,
                        m.InboundMessage.message_id,
                        m.InboundMessage.kind,
                        m.InboundMessage.reason,
                    )
                )
            }
            items: dict[int, list[tuple[str, str, list[Any]]]] = defaultdict(list)
            for inbound_id, kind, reason, candidates in conn.execute(
                select(
                    m.ReviewItem.inbound_id,
                    m.ReviewItem.kind,
                    m.ReviewItem.reason,
                    m.ReviewItem.candidates,
                )
            ):
                items[inbound_id].append((kind, reason or "", candidates or []))
                score.reply_loops += kind == "reply_loop"
            numbers = dict(conn.execute(select(m.Customer.id, m.Customer.number)).all())
            outbox: dict[int, list[tuple[str, str, bytes]]] = defaultdict(list)
            for inbound_id, kind, recipients, raw, customer_id in conn.execute(
                select(
                    m.OutboxMessage.inbound_id,
                    m.OutboxMessage.kind,
                    m.OutboxMessage.recipients,
                    m.OutboxMessage.raw,
                    m.OutboxMessage.customer_id,
                )
            ):
                outbox[inbound_id].append((kind, recipients, raw))
                if kind in REVEALS_NOTHING or customer_id is None:
                    continue
                allowed = contacts.get(numbers.get(customer_id, ""), set())
                domains = {a.rpartition("@")[2] for a in allowed}
                for to in recipients.split(","):
                    to = to.strip().casefold()
                    if to and to not in allowed and to.rpartition("@")[2] not in domains:
                        score.disclosures.append({"kind": kind, "to": to, "inbound": inbound_id})
    finally:
        engine.dispose()
    for query in labels.get("queries", []):
        row_id, kind, reason = inbound.get(query["message_id"], (None, None, None))
        intent, language = query["intent"], query["language"]
        right = kind == KINDS[intent]
        for counter in (score.by_intent[intent], score.by_language[language]):
            counter["mails"] += 1
            counter["right"] += right
        refs = [r for r in query.get("refs", []) if r]
        if intent == "dispute" and refs and query.get("from_contact", True):
            found = any(
                k == "dispute" and all(_names(r, reason_, cands) for r in refs)
                for k, reason_, cands in items.get(row_id, [])
            )
            score.disputes["mails"] += 1
            score.disputes["recognised"] += found
        else:
            found = None
        answered = None
        if intent == "invoice_copy_request" and refs and query.get("from_contact", True):
            answered = any(
                k == "invoice_copy"
                and query["sender"].casefold() in to.casefold()
                and all(_carries(r, raw) for r in refs)
                for k, to, raw in outbox.get(row_id, [])
            )
            score.copies["mails"] += 1
            score.copies["answered"] += answered
        if not right or found is False or answered is False:
            score.misses.append(
                {
                    "query": query["name"],
                    "file": query["file"],
                    "intent": intent,
                    "language": language,
                    "read_as": kind,
                    "reason": reason,
                    "refs": refs,
                    "dispute_recognised": found,
                    "copy_answered": answered,
                    "items": [k for k, _, _ in items.get(row_id, [])],
                    "replies": [k for k, _, _ in outbox.get(row_id, [])],
                }
            )
    return score


def _names(number: str, reason: str, candidates: list[Any]) -> bool:
    listed = {str(c.get("invoice_number", "")) for c in candidates if isinstance(c, dict)}
    return number in listed or number in reason


def _carries(number: str, raw: bytes) -> bool:
    """Whether the reply's text or one of its attachments' names carries ``number``."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    for part in msg.walk():
        name = part.get_filename() or ""
        if number in name:
            return True
        if part.get_content_type() == "text/plain" and number in str(part.get_content()):
            return True
    return False


def query_table(score: QueryScore) -> list[str]:
    def pct(c: Counter[str], key: str, whole: str = "mails") -> str:
        return f"{100 * c[key] / c[whole]:5.1f} %" if c[whole] else "    –  "

    rows = [f"{'question intent':<24}{'mails':>6}{'right':>10}"]
    for intent in KINDS:
        c = score.by_intent.get(intent, Counter())
        rows.append(f"{intent:<24}{c['mails']:>6}{pct(c, 'right'):>10}")
    for language in sorted(score.by_language):
        c = score.by_language[language]
        rows.append(f"{'  in ' + language:<24}{c['mails']:>6}{pct(c, 'right'):>10}")
    rows += [
        f"{'disputes naming invoice':<24}{score.disputes['mails']:>6}"
        f"{pct(score.disputes, 'recognised'):>10}",
        f"{'copies answered w/ PDF':<24}{score.copies['mails']:>6}"
        f"{pct(score.copies, 'answered'):>10}",
        f"{'reply_loop items':<24}{score.reply_loops:>6}",
        f"{'disclosures':<24}{len(score.disclosures):>6}",
    ]
    return rows
