"""The rules a reviewer's confirmation teaches (:mod:`ledger.review_actions`): the sender's
address when it is no contact, the payer's name when it names another customer, the prefix
the customer leaves off our invoice numbers. Shown to the reviewer before the decision
(:func:`rules_to_teach`), created by it when asked to remember (:func:`remember_rules`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.refs import normalise_ref
from ledger import models as m
from ledger.queries import customer_names
from ledger.rules import Rule, create_rule
from matching.customer import NamePolicy, customer_by_payer_name, name_key


def rules_to_teach(
    session: Session,
    inbound: m.InboundMessage,
    remittance: m.Remittance,
    line: m.RemittanceLine,
    invoices: Sequence[m.Invoice],
    customer_id: int,
) -> list[tuple[str, str]]:
    """The rules (kind, text) a confirmation of ``line`` on ``invoices`` would teach: shown
    to the reviewer before the decision, created by it with ``remember``."""
    wanted: list[tuple[str, str]] = []
    sender = (inbound.from_address or "").strip().casefold()
    if "@" in sender and not _is_contact(session, sender):
        wanted.append(("sender", sender))
    payer = remittance.payer_name
    if payer and name_key(payer):
        named, _ = customer_by_payer_name(payer, customer_names(session), policy=NamePolicy())
        if named != customer_id:
            wanted.append(("payer_name", payer))
    written = normalise_ref(line.invoice_ref or "")
    if written and not _names_an_invoice(session, written):
        for invoice in invoices:
            key = invoice.ref_key
            prefix = key[: len(key) - len(written)]
            if key.endswith(written) and prefix and normalise_ref(prefix + written) == key:
                wanted.append(("ref_prefix", prefix))
    return list(dict.fromkeys(wanted))


def remember_rules(
    session: Session,
    inbound: m.InboundMessage,
    remittance: m.Remittance,
    line: m.RemittanceLine,
    invoices: Sequence[m.Invoice],
    customer_id: int,
    item_id: int,
    actor: str,
    now: datetime,
) -> tuple[Rule, ...]:
    """The rules a confirmation of ``line`` on ``invoices`` teaches, created (those that
    existed already are left out)."""
    wanted = rules_to_teach(session, inbound, remittance, line, invoices, customer_id)
    rules: list[Rule] = []
    for kind, pattern in wanted:
        rule, created = create_rule(
            session,
            kind=kind,
            pattern=pattern,
            customer_id=customer_id,
            actor=actor,
            now=now,
            source_review_item_id=item_id,
        )
        if created:
            rules.append(rule)
    return tuple(rules)


def _is_contact(session: Session, address: str) -> bool:
    found = session.scalars(select(m.Contact.id).where(m.Contact.email == address).limit(1))
    return found.first() is not None


def _names_an_invoice(session: Session, key: str) -> bool:
    found = session.scalars(select(m.Invoice.id).where(m.Invoice.ref_key == key).limit(1))
    return found.first() is not None
