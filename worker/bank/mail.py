"""Bank statements that arrive by mail: from a configured bank sender, imported instead of
read as a remittance (the hook is in worker.inbound.process).

A mail from one of ``ARBOX_BANK_SENDERS`` with statement attachments (``.bai``, ``.bai2``,
``.txt``, ``.xml``, ``.sta``, ``.mt940``, ``.940``, ``.csv``) has each attachment imported by
:func:`worker.bank.importing.import_bank_file`, all in one savepoint: a file that fails rolls
every file of the mail back, and the mail is quarantined with the reason. The From header is
all that says a mail is from the bank; a deployment that cannot trust it (no DKIM/SPF check
upstream) should leave the setting empty and import with ``arbox import bank``.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.errors import PermanentError
from core.statuses import InboundStatus
from core.types import Attachment, ParsedEmail
from ledger import models as m
from worker.services import Services

#: File name endings of the statement attachments a bank sender's mail may carry.
STATEMENT_SUFFIXES = (".bai", ".bai2", ".txt", ".xml", ".sta", ".mt940", ".940", ".csv")
#: ``inbound_messages.kind`` of a bank statement mail.
BANK_STATEMENT_KIND = "bank-statement"


def statement_attachments(parsed: ParsedEmail) -> list[Attachment]:
    """The attachments of ``parsed`` that are statement files, by name."""
    return [
        a
        for a in parsed.attachments
        if (a.filename or "").lower().endswith(STATEMENT_SUFFIXES) and a.data.strip()
    ]


def is_bank_mail(parsed: ParsedEmail, *, bank_senders: frozenset[str]) -> bool:
    """Whether ``parsed`` is from a bank sender and carries statement files."""
    sender = (parsed.from_address or "").strip().lower()
    return bool(sender) and sender in bank_senders and bool(statement_attachments(parsed))


def import_bank_mail(
    session: Session, row: m.InboundMessage, parsed: ParsedEmail, *, svc: Services
) -> str | None:
    """Import the statements of a bank mail; returns None when done (``row`` applied, its
    reason the counts), else why the mail is to be quarantined (nothing was imported)."""
    from worker.bank.importing import import_bank_file  # the statement readers load on use

    row.kind = BANK_STATEMENT_KIND
    done: list[str] = []
    try:
        with session.begin_nested():
            for attachment in statement_attachments(parsed):
                name = attachment.filename or "attachment"
                try:
                    result = import_bank_file(session, attachment.data, svc=svc, filename=name)
                except PermanentError as e:
                    raise _Rejected(f"bank statement {name!r}: {e}") from e
                done.append(f"{name}: {result.describe()}")
    except _Rejected as e:
        return str(e)
    row.status = InboundStatus.APPLIED
    row.reason = "; ".join(done)[:2000]
    return None


class _Rejected(Exception):
    """One statement of the mail failed: roll all of them back."""
