"""Where a row is in its life (its ``status`` column), and the other closed sets of words the
ledger stores: what the poller did with a mail, what a review item is about. Each is a StrEnum,
so a member equals the string the column stores. Pure: no IO."""

from __future__ import annotations

from enum import StrEnum


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


class OutboxStatus(StrEnum):
    """Where an outbox row is (``outbox.status``)."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # for good: a review item tells a person
    #: Rendered under ARBOX_OUTBOUND_DRY_RUN and never sent; a real run sends it.
    DRY_RUN = "dry_run"


class ReviewStatus(StrEnum):
    """Where a review item is (``review_items.status``)."""

    OPEN = "open"
    RESOLVED = "resolved"  # a person (or the bank) decided it
    CLOSED = "closed"  # closed with another item of its mail, nothing decided on it


class InvoiceStatus(StrEnum):
    """Whether an invoice still has a balance (``invoices.status``)."""

    OPEN = "open"
    PAID = "paid"  # its balance came to zero; un-applying cash opens it again


class ApplicationStatus(StrEnum):
    """How cash came to be applied to an invoice, or that it no longer is
    (``applications.status``)."""

    AUTO = "auto"  # arbox applied it
    CONFIRMED = "confirmed"  # a person confirmed the line
    REVERSED = "reversed"  # a person un-applied it (``arbox unapply``)


class ApplicationBasis(StrEnum):
    """What cash was applied on (``applications.basis``)."""

    REMITTANCE = "remittance"  # the payer's advice
    BANK = "bank"  # the bank credit linked to it, or the bank record's own remittance text


class UnappliedStatus(StrEnum):
    """Where money received and not applied is (``unapplied_cash.status``)."""

    OPEN = "open"  # still the customer's (or nobody's yet), waiting for a person
    APPLIED = "applied"  # all of it applied to invoices since
    VOID = "void"  # a person marked its mail not a remittance: no money came with it


class PaymentStatus(StrEnum):
    """Where a bank credit is (``payments.status``)."""

    UNMATCHED = "unmatched"
    LINKED = "linked"  # to a remittance's expected payment
    APPLIED = "applied"  # cash was applied because of it: held lines posted, or its own text


class ExpectedPaymentStatus(StrEnum):
    """Whether the bank credit a remittance announces came (``expected_payments.status``)."""

    OPEN = "open"
    LINKED = "linked"  # to a bank payment
