"""The answers to the questions of one mail, grounded in the ledger.

- invoice copy: a PDF of each invoice asked about, attached;
- statement request: the statement PDF(s) of the customer;
- balance inquiry: the open balance and the overdue part, per currency, in the body;
- dispute: an acknowledgement naming the invoices concerned (its review item stays);
- promise to pay: an acknowledgement with the promised date (its review item stays).

A question the intent reader is less sure of than ``ARBOX_INTENT_MIN_CONFIDENCE`` is not
answered: it gets the reply that reveals nothing and its review item says the reader was
unsure. A reference is resolved among the customer's own invoices only
(:mod:`ledger.question_refs`: "61408" names its only NW-061408).

Only a sender whose customer is known (:func:`ledger.senders.sender_customer`) is
answered, and only about invoices of that customer. Anything else (an unknown sender, an
invoice that is not found or not the customer's, a copy request naming no invoice, a promise
without a date) gets at most the reply that reveals nothing (``request_received``: the same
bytes whatever was asked) and stays with a person; an unknown sender's request becomes one
review item of kind ``unverified_sender``. ``ARBOX_AUTO_REPLY_KINDS`` says which kinds are
answered at all; a kind left out waits for a person as before, unanswered.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage

import structlog

from core.statuses import ReviewKind
from core.types import MailKind, Question
from ledger.invoice_copies import invoice_copies
from ledger.matching_reads import CustomerRef
from ledger.posting import open_review_item
from ledger.question_refs import resolve_question_refs
from ledger.statements import statements_for_customer
from outbound.documents import compose_invoice_copy, compose_reply, compose_statement
from outbound.pdf_invoice import render_invoice_pdf
from outbound.pdf_layout import CompanyBlock
from outbound.pdf_statement import render_statement_pdf
from worker.inbound.replies import MailReplies

log = structlog.get_logger(__name__)

#: Most invoices one question may name and still be answered (a PDF each): more is unusual
#: enough for a person to look, and keeps a hostile mail from making the worker render hundreds.
MAX_INVOICES_PER_ANSWER = 20
#: Kinds whose answer settles the question: no review item is left for it.
SETTLED_BY_ANSWER = frozenset(
    {MailKind.INVOICE_COPY_REQUEST, MailKind.STATEMENT_REQUEST, MailKind.BALANCE_INQUIRY}
)


@dataclass(frozen=True, slots=True)
class Answered:
    """What answering a mail's questions did."""

    outbox_ids: tuple[int, ...]
    #: Question kinds answered for good: no review item is opened for them.
    settled: frozenset[MailKind]
    #: Whether an ``unverified_sender`` item took the place of the questions' own items.
    unverified: bool = False


def answer_questions(
    replies: MailReplies, questions: tuple[Question, ...], customer: CustomerRef | None
) -> Answered:
    """Queue the answer to each question of the mail that may be answered automatically."""
    enabled = replies.svc.settings.reply_kinds
    asked = [q for q in questions if q.kind.value in enabled]
    if not asked:
        return Answered(outbox_ids=(), settled=frozenset())
    ids: list[int] = []
    if customer is None or not replies.sender.verified:  # nobody we know: a person looks
        replies.row.customer_id = None  # a contact's address failing DMARC: nobody's mail
        _open_unverified(replies, asked)
        _keep(ids, _request_received(replies))
        return Answered(
            outbox_ids=tuple(ids), settled=frozenset(q.kind for q in asked), unverified=True
        )
    settled: set[MailKind] = set()
    uncertain = False
    least = replies.svc.settings.intent_min_confidence
    for question in asked:
        if question.confidence < least:  # not sure enough what is asked: a person answers
            log.info("question_unsure", inbound_id=replies.row.id, kind=question.kind.value)
            uncertain = True
            continue
        numbers = _own_invoices(replies, question, customer)
        outbox_id = None if numbers is None else _answer(replies, question, customer, numbers)
        if outbox_id is None and not _answerable(question, numbers):
            uncertain = True
            continue
        _keep(ids, outbox_id)
        if outbox_id is not None and question.kind in SETTLED_BY_ANSWER:
            settled.add(question.kind)
    if uncertain:
        _keep(ids, _request_received(replies))
    return Answered(outbox_ids=tuple(ids), settled=frozenset(settled))


def _keep(ids: list[int], outbox_id: int | None) -> None:
    if outbox_id is not None:
        ids.append(outbox_id)


def _own_invoices(
    replies: MailReplies, question: Question, customer: CustomerRef
) -> tuple[str, ...] | None:
    """The invoice numbers of ``customer`` the question names, one per reference ("61408"
    names the customer's only NW-061408, see :mod:`ledger.question_refs`); None when some
    reference names none of them (another customer's invoice, or none at all)."""
    refs = list(dict.fromkeys(question.refs))
    resolved = resolve_question_refs(replies.session, refs, customer_id=customer.id)
    if any(number is None for number in resolved):
        return None
    return tuple(dict.fromkeys(number for number in resolved if number is not None))


def _answerable(question: Question, numbers: tuple[str, ...] | None) -> bool:
    """Whether the question can be answered from what it names (False: uncertain)."""
    if numbers is None or len(numbers) > MAX_INVOICES_PER_ANSWER:
        return False
    if question.kind in (MailKind.INVOICE_COPY_REQUEST, MailKind.DISPUTE):
        return bool(numbers)
    if question.kind is MailKind.PROMISE_TO_PAY:
        return question.promise_date is not None
    return True


def _answer(
    replies: MailReplies, question: Question, customer: CustomerRef, numbers: tuple[str, ...]
) -> int | None:
    if not _answerable(question, numbers):
        return None
    if question.kind is MailKind.INVOICE_COPY_REQUEST:
        return _invoice_copies(replies, customer, numbers)
    if question.kind is MailKind.STATEMENT_REQUEST:
        return _statement(replies, customer)
    if question.kind is MailKind.BALANCE_INQUIRY:
        return _balance(replies, customer)
    if question.kind is MailKind.DISPUTE:
        context: dict[str, object] = {"customer_name": customer.name, "invoices": list(numbers)}
        return _simple(replies, "dispute_ack", context, customer)
    context = {
        "customer_name": customer.name,
        "invoices": list(numbers),
        "promise_date": question.promise_date,
    }
    return _simple(replies, "promise_ack", context, customer)


def _company(replies: MailReplies) -> CompanyBlock:
    settings = replies.svc.settings
    return CompanyBlock(
        name=settings.company_name,
        address=settings.company_address_lines,
        remit_to=settings.remit_to_lines,
    )


def _invoice_copies(
    replies: MailReplies, customer: CustomerRef, numbers: tuple[str, ...]
) -> int | None:
    copies = invoice_copies(replies.session, customer_id=customer.id, numbers=numbers)
    if len(copies) != len(numbers):  # cannot happen: the numbers were read as the customer's
        return None
    settings = replies.svc.settings

    def build(to: tuple[str, ...], message_id: str) -> EmailMessage:
        assert settings.ar_address is not None
        company = _company(replies)
        locale = replies.locale_for(customer.id, to)
        return compose_invoice_copy(
            copies,
            [render_invoice_pdf(c, company=company, locale=locale) for c in copies],
            sender=settings.ar_address,
            company_name=settings.company_name,
            to=to,
            message_id=message_id,
            now=replies.now,
            subject=replies.parsed.subject,
            in_reply_to=replies.thread.in_reply_to,
            references=replies.thread.references,
            templates_dir=settings.templates_dir,
            locale=locale,
        )

    return replies.send(
        key=f"reply:{replies.row.id}:invoice-copy",
        kind="invoice_copy",
        mentions={customer.id},
        build=build,
    )


def _statement(replies: MailReplies, customer: CustomerRef) -> int | None:
    statements = statements_for_customer(replies.session, customer.id, as_of=replies.now.date())
    if not statements:  # nothing open: the balance reply says so
        return _balance(replies, customer, kind="statement")
    settings = replies.svc.settings

    def build(to: tuple[str, ...], message_id: str) -> EmailMessage:
        assert settings.ar_address is not None
        company = _company(replies)
        locale = replies.locale_for(customer.id, to)
        return compose_statement(
            statements,
            [render_statement_pdf(s, company=company, locale=locale) for s in statements],
            sender=settings.ar_address,
            company_name=settings.company_name,
            to=to,
            message_id=message_id,
            now=replies.now,
            templates_dir=settings.templates_dir,
            subject=replies.parsed.subject,
            in_reply_to=replies.thread.in_reply_to,
            references=replies.thread.references,
            locale=locale,
        )

    return replies.send(
        key=f"reply:{replies.row.id}:statement",
        kind="statement_reply",
        mentions={customer.id},
        build=build,
    )


def _balance(replies: MailReplies, customer: CustomerRef, *, kind: str = "balance") -> int | None:
    as_of = replies.now.date()
    context: dict[str, object] = {
        "customer_name": customer.name,
        "customer_number": customer.number,
        "as_of": as_of,
        "statements": statements_for_customer(replies.session, customer.id, as_of=as_of),
    }
    return _simple(replies, "balance", context, customer, key=kind)


def _simple(
    replies: MailReplies,
    template: str,
    context: dict[str, object],
    customer: CustomerRef | None,
    *,
    key: str | None = None,
) -> int | None:
    """A reply without attachments, from ``template`` (see ``REPLY_TEMPLATES``); without an
    original subject to answer, ``<template>.subject.j2`` is its subject."""
    settings = replies.svc.settings

    def build(to: tuple[str, ...], message_id: str) -> EmailMessage:
        assert settings.ar_address is not None
        return compose_reply(
            template,
            dict(context),
            sender=settings.ar_address,
            company_name=settings.company_name,
            to=to,
            # The reply that reveals nothing does not even echo the subject it answers.
            subject=replies.parsed.subject if customer is not None else None,
            in_reply_to=replies.thread.in_reply_to,
            references=replies.thread.references,
            message_id=message_id,
            now=replies.now,
            templates_dir=settings.templates_dir,
            locale=replies.locale_for(customer.id if customer else None, to),
        )

    return replies.send(
        key=f"reply:{replies.row.id}:{key or template}",
        kind=template if customer is not None else "request_received",
        mentions={customer.id} if customer is not None else set(),
        build=build,
    )


def _request_received(replies: MailReplies) -> int | None:
    """The reply that reveals nothing: no name, no number, no amount; the same body whatever
    the request named and whoever asked."""
    return _simple(replies, "request_received", {}, None)


def _open_unverified(replies: MailReplies, questions: list[Question]) -> None:
    asked = []
    for q in questions:
        text = f"{q.kind.value}: {q.evidence}"
        if q.refs:
            text += f" (invoices: {', '.join(q.refs)})"
        if q.promise_date is not None:
            text += f" (promised for {q.promise_date.isoformat()})"
        asked.append(text)
    who = replies.address or "a sender without an address"
    if replies.sender.verified:
        why = f"{who} is no registered contact of any customer"
    else:
        why = f"{who} is not verified ({replies.sender.reason})"
    open_review_item(
        replies.session,
        key=f"inbound:{replies.row.id}:{ReviewKind.UNVERIFIED_SENDER}",
        kind=ReviewKind.UNVERIFIED_SENDER,
        reason=f"{why}; asks: " + "; ".join(asked),
        now=replies.now,
        inbound_id=replies.row.id,
        customer_id=None,
    )
    log.info("unverified_request", inbound_id=replies.row.id, questions=len(questions))
