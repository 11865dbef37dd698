"""A payer that pays for several customers (a parent company for its subsidiaries). Pure.

When the rules people taught say that a payer pays for a group of customers, and every
invoice the remittance names uniquely belongs to one of them, each line is decided as the
remittance of the customer whose invoice it names, by the same rules as any other; a line
naming no invoice of the group goes to a person. The stated total is checked over the whole
remittance first: lines that do not add up send everything to a person.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from datetime import date

from core.money import format_amount
from core.types import LineDecision, OpenInvoice, Remittance
from matching.decide import MatchPolicy, RemittanceDecision, decide_remittance, resolve_key


def decide_for_group(
    remittance: Remittance,
    *,
    group: Collection[int],
    invoices_by_key: Mapping[str, Sequence[OpenInvoice]],
    open_by_customer: Mapping[int, Sequence[OpenInvoice]],
    policy: MatchPolicy,
    reason: str,
    paid_on: date | None = None,
    reversed_invoice_ids: Collection[int] = (),
) -> RemittanceDecision:
    """Decide ``remittance`` line by line for the group customer each line's invoice is of
    (see module); ``reason`` says how the group was identified."""
    owners: list[int | None] = []
    for line in remittance.lines:
        key = resolve_key(line, invoices_by_key)
        found = invoices_by_key.get(key, ()) if key else ()
        owner = found[0].customer_id if len(found) == 1 else None
        owners.append(owner if owner in group else None)
    total = remittance.stated_total
    if total is not None and abs(total - remittance.lines_total) > policy.amount_tolerance:
        why = (
            f"{reason}; lines add up to {format_amount(remittance.lines_total)}, "
            f"stated total is {format_amount(total)}"
        )
        return decide_remittance(
            remittance,
            customer_id=None,
            customer_open=[],
            customer_reason=why,
            invoices_by_key=invoices_by_key,
            policy=policy,
            paid_on=paid_on,
        )
    decided: dict[int, LineDecision] = {}
    for customer in [*sorted({owner for owner in owners if owner is not None}), None]:
        at = [no for no, owner in enumerate(owners) if owner == customer]
        if not at:
            continue
        part = dataclasses.replace(
            remittance, lines=tuple(remittance.lines[no] for no in at), stated_total=None
        )
        result = decide_remittance(
            part,
            customer_id=customer,
            customer_open=open_by_customer.get(customer, []) if customer is not None else [],
            customer_reason=reason
            if customer is not None
            else f"{reason}; the line names no invoice of the customers it pays for",
            reversed_invoice_ids=reversed_invoice_ids,
            invoices_by_key=invoices_by_key,
            policy=policy,
            paid_on=paid_on,
        )
        for no, decision in zip(at, result.lines, strict=True):
            decided[no] = dataclasses.replace(decision, line_no=no + 1)
    return RemittanceDecision(
        customer_id=None, lines=tuple(decided[no] for no in range(len(owners)))
    )
