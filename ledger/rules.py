"""Match rules: what a reviewer's confirmation taught, kept as explicit rows a person can list
and delete, each with who made it, when, and how often it was used since.

Three kinds:

- ``sender``: mail from this exact address (``ap@payer.example``), or from any address at this
  domain (``@payer.example``), is this customer's;
- ``payer_name``: a remittance whose payer name is this one (normalised the way
  :func:`matching.customer.name_key` does: case, punctuation and legal forms left out) is this
  customer's;
- ``ref_prefix``: this customer writes our invoice numbers without a part of them; the pattern
  is what to put before the normalised reference they write (``so`` + ``70001`` is the key of
  our ``SO-70001``).

A rule identifies a customer; it never applies cash by itself: every line is still decided by
:mod:`matching.decide` (reference, amount, balance, total), and a rule never makes an address a
contact (replies still go to registered contacts only).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any, Literal, cast

from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.orm import Session

from core.errors import RefusedActionError
from core.refs import normalise_ref
from core.types import Remittance, RemittanceLine
from ledger.compiled import rows
from ledger.matching_reads import invoices_by_ref_keys
from ledger.models import Customer, MatchRule
from ledger.posting import audit
from matching.customer import PUBLIC_MAIL_DOMAINS, name_key
from matching.decide import line_ref_keys

RuleKind = Literal["payer_name", "sender", "ref_prefix"]
#: Every kind of rule, in the order identification trusts them (ref_prefix identifies no one).
RULE_KINDS: tuple[RuleKind, ...] = ("sender", "payer_name", "ref_prefix")
#: Columns of ``arbox rules list``, in order.
RULE_COLUMNS: tuple[str, ...] = (
    "id",
    "kind",
    "pattern",
    "customer_number",
    "created_by",
    "created_at",
    "hits",
    "last_hit_at",
)


@dataclass(frozen=True, slots=True)
class Rule:
    """One match rule, as listed."""

    id: int
    kind: RuleKind
    pattern: str
    customer_id: int
    customer_number: str
    created_by: str
    created_at: datetime
    source_review_item_id: int | None
    hits: int
    last_hit_at: datetime | None

    def describe(self) -> str:
        """The rule in words: ``payer 'acme holdings' is customer C1042``."""
        if self.kind == "payer_name":
            return f"payer {self.pattern!r} is customer {self.customer_number}"
        if self.kind == "sender":
            what = "domain" if self.pattern.startswith("@") else "address"
            return f"sender {what} {self.pattern!r} is customer {self.customer_number}"
        return (
            f"customer {self.customer_number} writes our numbers without {self.pattern!r} in front"
        )


def rule_record(rule: Rule) -> dict[str, str | int | None]:
    """The listed columns of a rule; times as ISO 8601 UTC (``2026-01-05T09:30:00+00:00``)."""
    return {
        "id": rule.id,
        "kind": rule.kind,
        "pattern": rule.pattern,
        "customer_number": rule.customer_number,
        "created_by": rule.created_by,
        "created_at": rule.created_at.astimezone(UTC).isoformat(timespec="seconds"),
        "hits": rule.hits,
        "last_hit_at": (
            rule.last_hit_at.astimezone(UTC).isoformat(timespec="seconds")
            if rule.last_hit_at
            else None
        ),
    }


def rules_to_json(rules: Sequence[Rule]) -> str:
    """A JSON list of :func:`rule_record` objects, sorted keys, two-space indent."""
    records = [rule_record(rule) for rule in rules]
    return json.dumps(records, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def rule_pattern(kind: str, text: str) -> str:
    """The stored pattern of a rule of ``kind`` for ``text``: a lower-cased address or
    ``@domain``; a normalised payer name; a lower-cased prefix.

    Raises:
        RefusedActionError: unknown kind, or nothing usable is left of ``text`` (an empty
            name, an address without ``@``, a public mail provider's domain).
    """
    if kind not in RULE_KINDS:
        raise RefusedActionError(f"unknown rule kind {kind!r} (one of {', '.join(RULE_KINDS)})")
    value = text.strip().casefold()
    if kind == "payer_name":
        value = name_key(text)
        if not value:
            raise RefusedActionError(f"payer name {text!r} has nothing left to match on")
    elif kind == "sender":
        local, at, domain = value.rpartition("@")
        if not at or not domain or " " in value:
            raise RefusedActionError(f"sender {text!r} is neither an address nor '@domain'")
        if not local and domain in PUBLIC_MAIL_DOMAINS:
            raise RefusedActionError(f"domain {domain} is a public mail provider's: says no one")
    elif not value.isalnum():
        raise RefusedActionError(f"reference prefix {text!r} is not letters and digits")
    return value


def create_rule(
    session: Session,
    *,
    kind: str,
    pattern: str,
    customer_id: int,
    actor: str,
    now: datetime,
    source_review_item_id: int | None = None,
) -> tuple[Rule, bool]:
    """Create the rule (``pattern`` is normalised by :func:`rule_pattern`) unless the same
    one exists. Returns the rule and whether it was created (with an audit event)."""
    value = rule_pattern(kind, pattern)
    existing = session.scalars(
        select(MatchRule.id).where(
            MatchRule.kind == kind,
            MatchRule.pattern == value,
            MatchRule.customer_id == customer_id,
        )
    ).first()
    if existing is not None:
        return _rule(session, existing), False
    if session.get(Customer, customer_id) is None:
        raise RefusedActionError(f"customer {customer_id} does not exist")
    row = MatchRule(
        kind=kind,
        pattern=value,
        customer_id=customer_id,
        created_by=actor,
        created_at=now,
        source_review_item_id=source_review_item_id,
        hits=0,
    )
    session.add(row)
    session.flush()
    rule = _rule(session, row.id)
    audit(
        session,
        actor=actor,
        action="create_rule",
        entity="match_rule",
        entity_id=row.id,
        now=now,
        kind=kind,
        pattern=value,
        customer_id=customer_id,
        source_review_item_id=source_review_item_id,
        why=rule.describe(),
    )
    return rule, True


def list_rules(session: Session) -> list[Rule]:
    """Every rule, oldest first."""
    return [_to_rule(r) for r in session.execute(_rule_select().order_by(MatchRule.id))]


def delete_rule(session: Session, *, rule_id: int, actor: str, now: datetime) -> Rule:
    """Delete a rule, with an audit event naming what it said and how often it was used.

    Raises:
        RefusedActionError: there is no rule ``rule_id``.
    """
    row = session.get(MatchRule, rule_id, with_for_update=True)
    if row is None:
        raise RefusedActionError(f"rule {rule_id} does not exist")
    rule = _rule(session, rule_id)
    session.delete(row)
    session.flush()
    audit(
        session,
        actor=actor,
        action="delete_rule",
        entity="match_rule",
        entity_id=rule_id,
        now=now,
        kind=rule.kind,
        pattern=rule.pattern,
        customer_id=rule.customer_id,
        hits=rule.hits,
        why=rule.describe(),
    )
    return rule


def customer_by_rule(
    session: Session, *, sender: str | None, payer_name: str | None
) -> tuple[int, Rule] | None:
    """The customer a rule names for mail from ``sender`` with ``payer_name``, and the rule.

    An address rule beats a domain rule, which beats a payer-name rule. When the rules of the
    most specific kind that matches name different customers, no rule identifies anyone
    (None): the rest of identification, or a person, decides (see :func:`rules_for`: such a
    payer may pay for a group).
    """
    found = rules_for(session, sender=sender, payer_name=payer_name)
    if not found or len({rule.customer_id for rule in found}) > 1:
        return None
    return found[0].customer_id, found[0]


def rules_for(session: Session, *, sender: str | None, payer_name: str | None) -> list[Rule]:
    """The rules of the most specific kind that match ``sender`` / ``payer_name`` (address,
    then domain, then payer name), oldest first; several customers among them mean that
    payer pays for several customers (a parent company for its subsidiaries)."""
    address = (sender or "").strip().casefold()
    domain = address.rpartition("@")[2] if "@" in address else ""
    name = name_key(payer_name) if payer_name else ""
    wanted = [
        (kind, pattern)
        for kind, pattern in (
            ("sender", address),
            ("sender", f"@{domain}" if domain else ""),
            ("payer_name", name),
        )
        if pattern
    ]
    if not wanted:
        return []
    # One statement for the three (every unknown sender asks), the most specific kind chosen here.
    params = {"patterns": sorted({pattern for _, pattern in wanted})}
    rules = [_to_rule(r) for r in rows(session, _by_patterns(), params)]
    for kind, pattern in wanted:
        found = [rule for rule in rules if rule.kind == kind and rule.pattern == pattern]
        if found:
            return found
    return []


def count_hit(session: Session, rule_id: int, *, now: datetime) -> None:
    """Record that a rule was used: ``hits += 1``, ``last_hit_at = now``."""
    session.execute(
        update(MatchRule)
        .where(MatchRule.id == rule_id)
        .values(hits=MatchRule.hits + 1, last_hit_at=now)
        .execution_options(synchronize_session=False)
    )


def ref_prefixes(session: Session, customer_id: int) -> list[str]:
    """The reference prefixes of a customer's ``ref_prefix`` rules, oldest first."""
    return [rule.pattern for rule in _prefix_rules(session, customer_id)]


def with_ref_prefixes(
    session: Session, remittance: Remittance, *, customer_id: int | None, now: datetime
) -> tuple[Remittance, set[str]]:
    """``remittance`` with each line whose references name no invoice given the prefixed
    forms of its reference that name an invoice of the customer (as alternative references),
    and the keys of those forms. Each rule so used counts a hit. Unchanged without rules."""
    if customer_id is None:
        return remittance, set()
    rules = _prefix_rules(session, customer_id)
    if not rules:
        return remittance, set()
    keys = {key for line in remittance.lines for key in line_ref_keys(line)}
    known = invoices_by_ref_keys(session, keys)
    wanted: dict[int, list[tuple[Rule, str]]] = {}
    for no, line in enumerate(remittance.lines):
        own = line_ref_keys(line)
        if not own or any(known.get(key) for key in own):
            continue
        wanted[no] = [(rule, normalise_ref(rule.pattern + own[0])) for rule in rules]
    if not wanted:
        return remittance, set()
    found = invoices_by_ref_keys(session, {key for forms in wanted.values() for _, key in forms})
    lines: list[RemittanceLine] = list(remittance.lines)
    added: set[str] = set()
    used: set[int] = set()
    for no, forms in wanted.items():
        named = [
            (rule, key)
            for rule, key in forms
            if any(inv.customer_id == customer_id for inv in found.get(key, ()))
        ]
        if not named:
            continue
        line = lines[no]
        lines[no] = dataclasses.replace(line, alt_refs=(*line.alt_refs, *(key for _, key in named)))
        added.update(key for _, key in named)
        used.update(rule.id for rule, _ in named)
    for rule_id in sorted(used):
        count_hit(session, rule_id, now=now)
    return dataclasses.replace(remittance, lines=tuple(lines)), added


def _prefix_rules(session: Session, customer_id: int) -> Sequence[Rule]:
    return [_to_rule(r) for r in rows(session, _prefixes(), {"customer_id": customer_id})]


# Built once with bound parameters: they run for every remittance line (building and
# hashing a select per call costs about as much as running it).
@cache
def _by_patterns() -> Select[Any]:
    return (
        _rule_select()
        .where(
            MatchRule.kind.in_(("sender", "payer_name")),
            MatchRule.pattern.in_(bindparam("patterns", expanding=True)),
        )
        .order_by(MatchRule.id)
    )


@cache
def _prefixes() -> Select[Any]:
    return (
        _rule_select()
        .where(MatchRule.kind == "ref_prefix", MatchRule.customer_id == bindparam("customer_id"))
        .order_by(MatchRule.id)
    )


def _rule_select() -> Select[Any]:
    return select(
        MatchRule.id,
        MatchRule.kind,
        MatchRule.pattern,
        MatchRule.customer_id,
        Customer.number,
        MatchRule.created_by,
        MatchRule.created_at,
        MatchRule.source_review_item_id,
        MatchRule.hits,
        MatchRule.last_hit_at,
    ).join(Customer, Customer.id == MatchRule.customer_id)


def _rule(session: Session, rule_id: int) -> Rule:
    return _to_rule(session.execute(_rule_select().where(MatchRule.id == rule_id)).one())


def _to_rule(r: Any) -> Rule:
    return Rule(
        id=r[0],
        kind=cast(RuleKind, r[1]),
        pattern=r[2],
        customer_id=r[3],
        customer_number=r[4],
        created_by=r[5],
        created_at=r[6],
        source_review_item_id=r[7],
        hits=r[8],
        last_hit_at=r[9],
    )
