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


class ReviewKind(StrEnum):
    """What a review item asks a person to decide (``review_items.kind``): the review app
    filters and counts by it."""

    # A remittance line whose cash a person may apply (LINE_KINDS).
    REMITTANCE_LINE = "remittance_line"  # matching found no certain invoice
    UNKNOWN_SENDER = "unknown_sender"  # a line of a mail whose customer is not known
    AMBIGUOUS = "ambiguous"  # several invoices fit equally well
    OVERPAYMENT = "overpayment"  # more than the invoice's balance
    #: A gate held the line back from applying (matching.gates): a kind, not an Outcome.
    HELD = "held"
    SHADOW = "shadow"  # shadow mode: what arbox would have applied
    #: A line from no registered contact: a claim a person confirms one by one (never in
    #: bulk), that holds no reminder and books no cash while it waits for the bank.
    UNVERIFIED_PAYMENT = "unverified_payment"
    LATE_CREDIT = "late_credit"  # a held line whose bank credit did not come in time
    # What stays open after cash was applied.
    DEDUCTION = "deduction"
    # The bank.
    BANK_LINK = "bank_link"  # credits and remittances that could link more than one way
    # A mail that needs a person.
    QUARANTINE = "quarantine"
    UNREADABLE_DOCUMENT = "unreadable_document"
    NOT_A_REMITTANCE = "not_a_remittance"
    UNVERIFIED_SENDER = "unverified_sender"  # a request from no contact of any customer
    REPLY_LOOP = "reply_loop"  # a peer that keeps answering our answers
    OUTBOUND_FAILED = "outbound_failed"  # a mail of ours not delivered, for good
    # A customer's question (core.types.QUESTION_KINDS, "-" written "_").
    INVOICE_COPY_REQUEST = "invoice_copy_request"
    STATEMENT_REQUEST = "statement_request"
    BALANCE_INQUIRY = "balance_inquiry"
    DISPUTE = "dispute"
    PROMISE_TO_PAY = "promise_to_pay"


#: Review items of a remittance line whose cash a person may apply (a deduction item follows
#: up what stays open after the cash was applied; it is not confirmed as a line).
LINE_KINDS = frozenset(
    {
        ReviewKind.REMITTANCE_LINE,
        ReviewKind.UNKNOWN_SENDER,
        ReviewKind.AMBIGUOUS,
        ReviewKind.OVERPAYMENT,
        ReviewKind.HELD,
        ReviewKind.SHADOW,
        ReviewKind.UNVERIFIED_PAYMENT,
        ReviewKind.LATE_CREDIT,
    }
)
#: Review items that hold reminders (``dunning_holds.kind`` is one of them).
HOLD_KINDS = frozenset({ReviewKind.DISPUTE, ReviewKind.PROMISE_TO_PAY})


class LinkMethod(StrEnum):
    """Who tied a bank payment to a remittance's expected payment (``payment_links.method``)."""

    AUTO = "auto"  # bank linking, on its own
    CONFIRMED = "confirmed"  # a person (``arbox bank link``)
