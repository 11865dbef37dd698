"""Domain types shared by parsers, matching, ledger and outbound. Pure: no IO."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum


class MailKind(StrEnum):
    """What an inbound mail is, as far as arbox is concerned."""

    REMITTANCE = "remittance"
    AUTO_REPLY = "auto-reply"
    BOUNCE = "bounce"
    BULK = "bulk"
    OTHER = "other"


class InboundStatus(StrEnum):
    """Where an inbound message is in its life: stored → parsed → a final state (applied,
    review, ignored) or quarantined. What happened in the mailbox afterwards is recorded per
    mailbox position (``mailbox_messages.action``), not here."""

    STORED = "stored"
    PARSED = "parsed"
    APPLIED = "applied"
    REVIEW = "review"
    IGNORED = "ignored"
    QUARANTINED = "quarantined"


#: States in which the message still waits for (more) processing.
PENDING_STATUSES = frozenset({InboundStatus.STORED, InboundStatus.PARSED})

FINAL_STATUSES = frozenset(
    {InboundStatus.APPLIED, InboundStatus.REVIEW, InboundStatus.IGNORED, InboundStatus.QUARANTINED}
)


class MailboxAction(StrEnum):
    """What the poller did with a mail in the mailbox after its processing committed."""

    MOVED = "moved"  # moved to the Processed or Quarantine folder
    FLAGGED = "flagged"  # left in place with a keyword set
    GONE = "gone"  # no longer in the folder when the poller came to act on it
    STALE = "stale"  # the folder's UIDVALIDITY changed; the position no longer exists


class Outcome(StrEnum):
    """The decision for one remittance line."""

    AUTO = "auto"
    REVIEW = "review"


@dataclass(frozen=True, slots=True)
class Attachment:
    """One attachment of a mail, decoded to bytes."""

    filename: str | None
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class ParsedEmail:
    """The parts of an inbound mail that arbox reads. Header values are already decoded."""

    message_id: str | None
    subject: str
    from_address: str | None
    from_name: str
    reply_to: str | None
    return_path: str | None
    date: str | None
    headers: tuple[tuple[str, str], ...]
    text: str
    html_text: str
    attachments: tuple[Attachment, ...]
    content_type: str
    defects: tuple[str, ...] = ()
    #: Set when the mail breaks a limit (parts, nesting, attachment size): the reason to
    #: quarantine it instead of acting on what could be read.
    limit_exceeded: str | None = None

    def header(self, name: str) -> str | None:
        """First value of header ``name`` (case-insensitive), or None."""
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return None

    def has_header(self, name: str) -> bool:
        """Whether header ``name`` is present at all."""
        lname = name.lower()
        return any(key.lower() == lname for key, _ in self.headers)


@dataclass(frozen=True, slots=True)
class Classification:
    """The kind of a mail and the evidence for it."""

    kind: MailKind
    reason: str


@dataclass(frozen=True, slots=True)
class RemittanceLine:
    """One invoice a payment covers, as the payer wrote it."""

    invoice_ref: str | None
    amount: Decimal
    source: str = ""


@dataclass(frozen=True, slots=True)
class Remittance:
    """A remittance advice: the lines and, when stated, the total paid."""

    lines: tuple[RemittanceLine, ...]
    stated_total: Decimal | None = None
    payment_ref: str | None = None
    currency: str | None = None
    source: str = "body"

    @property
    def lines_total(self) -> Decimal:
        """Sum of the line amounts."""
        return sum((line.amount for line in self.lines), start=Decimal("0.00"))


@dataclass(frozen=True, slots=True)
class OpenInvoice:
    """An invoice as matching sees it."""

    invoice_id: int
    number: str
    customer_id: int
    customer_number: str
    balance: Decimal
    currency: str
    status: str
    due_date: date


@dataclass(frozen=True, slots=True)
class LineDecision:
    """What to do with one remittance line, and why."""

    line_no: int
    invoice_ref: str | None
    amount: Decimal
    outcome: Outcome
    confidence: Decimal
    reason: str
    invoice: OpenInvoice | None = None
    candidates: tuple[tuple[str, Decimal], ...] = field(default=())
