"""The invoices a customer's question names: each reference as written ("61408", "invoice
61408", "INV-4711") resolved among that customer's invoices only, by the comparison key
remittance lines are matched with and, failing that, by a shorter form that exactly one of
its invoices fits (:func:`core.refs.resolve_ref`). Another customer's invoice is never named.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.refs import normalise_ref, resolve_ref
from ledger.matching_reads import invoices_by_ref_keys
from ledger.models import Invoice


def resolve_question_refs(
    session: Session, refs: Sequence[str], *, customer_id: int
) -> tuple[str | None, ...]:
    """The invoice number of ``customer_id`` each of ``refs`` names, in order; None for a
    reference that names none of its invoices, or more than one."""
    keys = [normalise_ref(ref) for ref in refs]
    found = invoices_by_ref_keys(session, {key for key in keys if key})
    numbers: list[str] | None = None  # the customer's, read only when a short form is needed
    resolved: list[str | None] = []
    for ref, key in zip(refs, keys, strict=True):
        own = sorted({i.number for i in found.get(key, ()) if i.customer_id == customer_id})
        if own:
            resolved.append(own[0] if len(own) == 1 else None)
            continue
        if numbers is None:
            numbers = customer_invoice_numbers(session, customer_id)
        resolved.append(resolve_ref(ref, numbers))
    return tuple(resolved)


def customer_invoice_numbers(session: Session, customer_id: int) -> list[str]:
    """Every invoice number of the customer, any status, in number order."""
    stmt = select(Invoice.number).where(Invoice.customer_id == customer_id).order_by(Invoice.number)
    return list(session.execute(stmt).scalars())
