"""Import a bank statement file: store its credits as payments, then link or apply each.

One call is one transaction's worth of work in the caller's session (``arbox import bank``
commits it, the bank-mail hook runs it in the mail's transaction): the file is read and
checked whole first (parsers.bank.read_statements raises before anything is written), then
each new credit is tied to its remittance (worker.bank.linking), or, when no remittance is
waiting for it and its own text names our invoices, applied from that text
(worker.bank.credit_text). A re-import finds every statement and credit known and does
nothing else.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import structlog
from sqlalchemy.orm import Session

from ledger.bank import payer_customer, store_statements
from ledger.queries import customer_names
from parsers.bank import BankFormat, CsvMapping, read_statements
from parsers.bank.remittance import entry_invoice_refs
from worker.bank.credit_text import apply_bank_text
from worker.bank.linking import link_new_credit
from worker.services import Services

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class BankImport:
    """What importing one file did."""

    format: str
    statements: int
    statements_known: int
    credits_new: int
    credits_known: int
    debits_ignored: int
    unbooked_ignored: int
    linked: int
    ambiguous: int
    from_text: int

    def describe(self) -> str:
        """One line for the CLI and the mail's reason."""
        return (
            f"{self.format}: {self.statements} statement(s) ({self.statements_known} known); "
            f"credits: {self.credits_new} new, {self.credits_known} already known; "
            f"{self.debits_ignored} debit(s) ignored"
            + (f", {self.unbooked_ignored} not booked ignored" if self.unbooked_ignored else "")
            + f"; {self.linked} linked to remittances, {self.ambiguous} to review (bank_link), "
            f"{self.from_text} applied from the bank text"
        )


def import_bank_file(
    session: Session,
    data: bytes,
    *,
    svc: Services,
    filename: str | None = None,
    format: BankFormat | None = None,
    csv_mapping: CsvMapping | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BankImport:
    """Read, check and book ``data`` (see module); ``progress(done, total)`` as the new
    credits are linked and applied.

    Raises:
        parsers.bank.BankStatementError: the file does not parse or does not balance;
            nothing was written.
    """
    statements = read_statements(
        data,
        format=format,
        filename=filename,
        csv_mapping=csv_mapping,
        max_bytes=svc.settings.max_attachment_bytes,
    )
    now = svc.clock()
    digest = hashlib.sha256(data).hexdigest()
    stored = store_statements(session, statements, file_sha256=digest, now=now)
    window = svc.settings.bank_match_window_days
    linked = ambiguous = from_text = 0
    named = any(entry.payer_name for _, entry in stored.new_payments)
    names = customer_names(session) if named else {}
    for done, (payment, entry) in enumerate(stored.new_payments):
        if progress is not None:
            progress(done, len(stored.new_payments))
        payment.customer_id, _ = payer_customer(
            session,
            payer_name=entry.payer_name,
            payer_account=entry.payer_account,
            invoice_refs=entry_invoice_refs(entry),
            names=names,
        )
        decision = link_new_credit(session, payment, window_days=window, now=now)
        if decision.outcome == "link":
            linked += 1
        elif decision.outcome == "ambiguous":
            ambiguous += 1
        elif apply_bank_text(session, payment, entry, svc=svc) is not None:
            from_text += 1
    if progress is not None:
        progress(len(stored.new_payments), len(stored.new_payments))
    result = BankImport(
        format=statements[0].format if statements else "?",
        statements=stored.statements_new,
        statements_known=stored.statements_known,
        credits_new=stored.credits_new,
        credits_known=stored.credits_known,
        debits_ignored=stored.debits_ignored,
        unbooked_ignored=stored.unbooked_ignored,
        linked=linked,
        ambiguous=ambiguous,
        from_text=from_text,
    )
    log.info(
        "bank_file_imported",
        sha256=digest[:16],
        credits_new=result.credits_new,
        credits_known=result.credits_known,
        linked=linked,
    )
    return result
