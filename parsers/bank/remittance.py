"""The remittance written inside a bank record, as a :class:`core.types.Remittance`. Pure.

camt ``RmtInf/Ustrd`` and ``Strd/RfrdDocInf``, MT940 ``:86:`` and BAI2 type-16 text are what
the payer typed into their bank's payment form: often just our invoice numbers. The text is
read by the same reader as mail bodies (:func:`parsers.remittance_text.parse_text_remittance`:
``INV-1001 1,250.00``); when that finds no lines, the structured references and the invoice
references of the prose (:func:`parsers.text_refs.find_invoice_refs`) become lines, the
one of a single reference carrying the whole credit, several without amounts (matching fills
in the open balances, as for "in settlement of invoices 4711 and 4712"). The credit's amount
is the stated total, so lines that do not add up to it go to a person.
"""

from __future__ import annotations

from core.types import Remittance, RemittanceLine
from parsers.bank.model import BankEntry
from parsers.remittance_text import parse_text_remittance
from parsers.text_refs import find_invoice_refs

#: What ``Remittance.source`` says for a remittance read from a bank record.
BANK_SOURCE = "bank"


def entry_invoice_refs(entry: BankEntry) -> tuple[str, ...]:
    """The references a bank credit names: structured ones first, then those of its text."""
    refs = [*entry.refs, *find_invoice_refs(entry.remittance_text)]
    return tuple(dict.fromkeys(r for r in refs if r))


def remittance_from_entry(entry: BankEntry) -> Remittance | None:
    """The remittance a bank credit carries, or None when it names no document."""
    if not entry.is_credit:
        return None
    parsed = parse_text_remittance(entry.remittance_text) if entry.remittance_text else None
    lines: tuple[RemittanceLine, ...]
    if parsed is not None and parsed.lines:
        lines = parsed.lines
    else:
        refs = entry_invoice_refs(entry)
        if not refs:
            return None
        single = len(refs) == 1
        lines = tuple(
            RemittanceLine(invoice_ref=ref, amount=entry.amount if single else None, source=ref)
            for ref in refs
        )
    return Remittance(
        lines=lines,
        stated_total=entry.amount,
        payment_ref=entry.end_to_end_id or entry.bank_ref,
        currency=entry.currency,
        source=BANK_SOURCE,
        payer_name=entry.payer_name,
        payment_date=entry.value_date or entry.booking_date,
    )
