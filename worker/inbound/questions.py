"""The questions of an inbound mail: answered when the ledger can answer them for good,
else one review item each (and, for the kinds that hold reminders, the holds).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy.orm import Session

from core.statuses import HOLD_KINDS, InboundStatus, ReviewKind
from core.types import Classification, MailKind
from ledger import models as m
from ledger.holds import record_question_holds
from ledger.matching_reads import CustomerRef
from ledger.posting import open_review_item
from ledger.question_refs import resolve_question_refs
from worker.inbound.answers import Answered, answer_questions
from worker.inbound.replies import MailReplies
from worker.services import Services


def answer_question_mail(
    session: Session,
    replies: MailReplies,
    classification: Classification,
    problems: tuple[str, ...],
    customer: CustomerRef | None,
    *,
    svc: Services,
) -> tuple[int, ...]:
    """A mail that asks and pays nothing: each question answered, or a person's."""
    row = replies.row
    answered, waits = _answer(session, replies, classification, problems, customer, svc=svc)
    row.status = InboundStatus.REVIEW if waits else InboundStatus.APPLIED
    row.reason = classification.reason  # starts with the kind of each question
    if answered.settled and not answered.unverified:
        row.reason += f"; answered: {', '.join(sorted(k.value for k in answered.settled))}"
    return answered.outbox_ids


def answer_remittance_questions(
    session: Session,
    replies: MailReplies,
    classification: Classification,
    customer: CustomerRef | None,
    *,
    svc: Services,
) -> tuple[int, ...]:
    """The questions of a remittance mail, its lines posted: answered, or a person's."""
    row = replies.row
    answered, waits = _answer(session, replies, classification, (), customer, svc=svc)
    if waits:
        row.status = InboundStatus.REVIEW
    asks = ", ".join(q.kind.value for q in classification.questions)
    row.reason = f"{row.reason}; asks: {asks}"
    return answered.outbox_ids


def _answer(
    session: Session,
    replies: MailReplies,
    classification: Classification,
    problems: tuple[str, ...],
    customer: CustomerRef | None,
    *,
    svc: Services,
) -> tuple[Answered, bool]:
    """Answer what the ledger answers for good, open a review item for every other question;
    and whether anything waits for a person."""
    answered = answer_questions(replies, classification.questions, customer)
    opened = open_questions(
        session,
        replies.row,
        classification,
        problems,
        now=svc.clock(),
        skip=answered.settled,
        min_confidence=svc.settings.intent_min_confidence,
    )
    return answered, bool(opened or answered.unverified)


def open_questions(
    session: Session,
    row: m.InboundMessage,
    classification: Classification,
    problems: tuple[str, ...],
    *,
    now: datetime,
    skip: Collection[MailKind] = (),
    min_confidence: float = 0.0,
) -> int:
    """One review item per question of the mail, of the question's kind, naming its
    evidence, references (with the customer's invoice each names, when written otherwise)
    and promised date, and whether the reader was unsure of it (below ``min_confidence``);
    the candidates are the referenced invoices of the customer (none when the customer is
    unknown). Questions of the kinds ``skip`` (answered for good, see worker.inbound.answers) get
    none. Returns the items opened."""
    opened = 0
    for question in classification.questions:
        if question.kind in skip:
            continue
        opened += 1
        kind = ReviewKind(question.kind.value.replace("-", "_"))
        reason = f"{question.kind.value}: {question.evidence}"
        resolved: tuple[str | None, ...] = ()
        if question.refs and row.customer_id is not None:
            resolved = resolve_question_refs(session, question.refs, customer_id=row.customer_id)
        if question.refs:
            named = [
                ref if number is None or number == ref else f"{ref} ({number})"
                for ref, number in zip(question.refs, resolved or question.refs, strict=True)
            ]
            reason += f"; invoices: {', '.join(named)}"
        if question.promise_date is not None:
            reason += f"; promised for {question.promise_date.isoformat()}"
        if question.confidence < min_confidence:
            reason += f"; unsure what is asked (confidence {question.confidence:.2f})"
        if problems:
            reason += f"; unreadable: {'; '.join(problems)}"
        numbers = dict.fromkeys(number for number in resolved if number is not None)
        open_review_item(
            session,
            key=f"inbound:{row.id}:{kind}",
            kind=kind,
            reason=reason,
            now=now,
            inbound_id=row.id,
            customer_id=row.customer_id,
            candidates=[{"invoice_number": number, "score": "1.000"} for number in numbers],
        )
        if kind in HOLD_KINDS and row.customer_id is not None:  # reminders wait (dunning)
            record_question_holds(
                session,
                review_item_key=f"inbound:{row.id}:{kind}",
                kind=kind,
                customer_id=row.customer_id,
                invoice_numbers=list(numbers),
                promise_date=question.promise_date,
                now=now,
            )
    return opened
