"""Domain types shared by parsers, matching, ledger and outbound. Pure: no IO."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from core.refs import normalise_ref
from core.statuses import ReviewKind


class MailKind(StrEnum):
    """What an inbound mail is, as far as arbox is concerned."""

    REMITTANCE = "remittance"
    #: A remittance that also asks something (the question is in ``Classification.questions``).
    REMITTANCE_QUESTION = "remittance+question"
    INVOICE_COPY_REQUEST = "invoice-copy-request"
    STATEMENT_REQUEST = "statement-request"
    BALANCE_INQUIRY = "balance-inquiry"
    DISPUTE = "dispute"
    PROMISE_TO_PAY = "promise-to-pay"
    AUTO_REPLY = "auto-reply"
    BOUNCE = "bounce"
    BULK = "bulk"
    OTHER = "other"


#: Kinds a customer asks something with: each may be the question of a remittance too.
QUESTION_KINDS = frozenset(
    {
        MailKind.INVOICE_COPY_REQUEST,
        MailKind.STATEMENT_REQUEST,
        MailKind.BALANCE_INQUIRY,
        MailKind.DISPUTE,
        MailKind.PROMISE_TO_PAY,
    }
)
#: Kinds that are machines talking: never answered, never acted on.
AUTOMATIC_KINDS = frozenset({MailKind.AUTO_REPLY, MailKind.BOUNCE, MailKind.BULK})


class PaymentMethod(StrEnum):
    """How a payment was made, as the remittance says."""

    ACH = "ach"
    WIRE = "wire"
    CHECK = "check"
    EFT = "eft"
    CARD = "card"


class PdfReader(StrEnum):
    """How remittance PDFs are read (``ARBOX_PDF_READER``)."""

    #: PDFium, and pdfplumber again when PDFium's reading is not enough.
    FAST = "fast"
    #: pdfplumber alone.
    PDFPLUMBER = "pdfplumber"


class Outcome(StrEnum):
    """The decision for one remittance line (``remittance_lines.outcome``)."""

    AUTO = "auto"
    REVIEW = "review"
    #: Would apply, but waits for its bank credit before it posts (ledger.remittance_lines). A
    #: person's confirmation takes it out of the bank's hands: a credit linking later posts
    #: nothing more.
    HELD = "held"


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
    #: Why ``from_address`` is None although the mail has a From: it is no single, plain
    #: mailbox, or it names another address too (parsers.sender). The sender is unknown.
    from_problem: str | None = None
    #: The links of the HTML part(s): (the link's text, its address as written), in order,
    #: at most ``parsers.html_text.MAX_LINKS``. Read as text, never fetched or followed.
    links: tuple[tuple[str, str], ...] = ()

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
class Question:
    """Something a customer asks or tells in a mail, and the invoices it is about."""

    kind: MailKind  # one of QUESTION_KINDS
    #: Invoice references as written ("4711", "INV-4711"), in order of appearance.
    refs: tuple[str, ...] = ()
    #: For a promise to pay: the date the customer says it will pay.
    promise_date: date | None = None
    #: The words that gave it away ("please send a copy of invoice 4711").
    evidence: str = ""
    #: How sure the reader is that this is asked (0–1): the cue, a request, an invoice named,
    #: the subject and other cues agreeing (see :mod:`parsers.intent`). Below
    #: ``ARBOX_INTENT_MIN_CONFIDENCE`` a person answers it, not arbox.
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class Classification:
    """The kind of a mail and the evidence for it."""

    kind: MailKind
    reason: str
    #: What the mail asks, for the question kinds and ``remittance+question``.
    questions: tuple[Question, ...] = ()


@dataclass(frozen=True, slots=True)
class RemittanceLine:
    """One invoice (or credit memo) a payment covers, as the payer wrote it.

    ``amount`` is the net paid for this document: negative for a credit memo the payer
    nets against the payment; None when the payer named the document but not what it paid
    for it ("in settlement of invoices 4711, 4712 and 4720" with one total). The other
    amounts are as stated, None when not given: ``gross`` (the document's amount),
    ``discount`` (cash discount taken, positive), ``deduction`` (short pay, positive) and its
    reason. ``alt_refs`` are further identifiers on the line that may be our invoice number
    when ``invoice_ref`` is not (a payer's SAP advice shows its own document number beside
    ours; where the header does not say which is which, matching tries both).
    """

    invoice_ref: str | None
    amount: Decimal | None
    source: str = ""
    gross: Decimal | None = None
    discount: Decimal | None = None
    deduction: Decimal | None = None
    deduction_reason: str | None = None
    alt_refs: tuple[str, ...] = ()
    #: For a line read by OCR: the recogniser's confidence (0–100) in the words of its
    #: reference and amount, the lowest of them; None for a line read from text.
    confidence: float | None = None

    @property
    def is_credit(self) -> bool:
        """Whether the line is a credit memo (a negative amount)."""
        amount = self.amount if self.amount is not None else self.gross
        return amount is not None and amount < 0


@dataclass(frozen=True, slots=True)
class Remittance:
    """A remittance advice: who paid, how, the lines and, when stated, the total paid."""

    lines: tuple[RemittanceLine, ...]
    stated_total: Decimal | None = None
    payment_ref: str | None = None
    currency: str | None = None
    source: str = "body"
    payer_name: str | None = None
    payment_date: date | None = None
    payment_method: PaymentMethod | None = None
    #: For a remittance read by OCR (``source`` starting with ``"ocr"``): the recognised
    #: text, pages separated by a form feed, shown beside the page image in review.
    read_text: str = ""
    #: The words by which the mail says it tells this payment again ("Resend: …", "nous vous
    #: le renvoyons"): a re-sent advice (:mod:`parsers.told_again`), or None.
    told_again: str | None = None

    @property
    def lines_total(self) -> Decimal:
        """Sum of the stated line amounts (lines without one count nothing)."""
        return sum(
            (line.amount for line in self.lines if line.amount is not None),
            start=Decimal("0.00"),
        )

    @property
    def has_unstated_amounts(self) -> bool:
        """Whether some line names a document without the amount paid for it."""
        return any(line.amount is None for line in self.lines)


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
    issue_date: date | None = None
    #: The invoice's original amount (the base of an early-payment discount).
    amount: Decimal | None = None
    terms: str | None = None
    #: ``core.refs.normalise_ref(number)`` as the ledger stored it; "" when not read. Derived
    #: from ``number``, so not compared.
    ref_key: str = field(default="", compare=False, repr=False)

    @property
    def key(self) -> str:
        """The comparison key of the number: the stored one, else computed."""
        return self.ref_key or normalise_ref(self.number)


@dataclass(frozen=True, slots=True)
class Signal:
    """One piece of evidence behind a line decision: ``reference = near (ocr)``, and why."""

    name: str  # customer | reference | amount | total | invoice
    value: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Allocation:
    """One part of a line applied to one invoice: the cash and the discount written off."""

    invoice: OpenInvoice
    amount: Decimal
    discount: Decimal = Decimal("0.00")


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
    #: Early-payment discount written off with this line (earned under the terms).
    discount: Decimal = Decimal("0.00")
    #: What stays open on the invoice as a deduction to follow up, and its reason code
    #: ("unearned discount", "short pay", or the payer's reason).
    deduction: Decimal = Decimal("0.00")
    deduction_reason: str | None = None
    #: The evidence, signal by signal (see matching.evidence).
    signals: tuple[Signal, ...] = field(default=())
    #: The next best invoice and why it lost ("INV-1007: reference differs …"), or None.
    runner_up: str | None = None
    #: A line applied over several invoices (a payment without references whose amount is
    #: exactly one set of open balances): the parts. Empty when it goes to ``invoice`` whole.
    allocations: tuple[Allocation, ...] = field(default=())
    #: What a person would look at this as in the review queue: ``remittance_line``,
    #: ``overpayment``, ``ambiguous``, ``unknown_sender`` (None for an automatic line).
    review_kind: ReviewKind | None = None
    #: For a line going to a person: the inbound mail whose line claimed the same invoice and
    #: amount before and whose cash is counted already (applied, or recorded as unapplied):
    #: a re-send, so its cash is not recorded a second time.
    cash_counted_in: int | None = None

    def postings(self) -> tuple[Allocation, ...]:
        """What applying this line posts: its parts, or the whole line to its invoice; ()
        for a line that is not applied automatically."""
        if self.outcome is not Outcome.AUTO:
            return ()
        if self.allocations:
            return self.allocations
        if self.invoice is None:
            return ()
        return (Allocation(self.invoice, self.amount, self.discount),)


@dataclass(frozen=True, slots=True)
class AckLine:
    """One line of a remittance acknowledgement: what a posted line did to an invoice."""

    reference: str
    amount: Decimal
    invoice_number: str | None = None
    remaining: Decimal | None = None
