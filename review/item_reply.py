"""A reviewer's free-text reply to the sender of a review item's mail, through the outbox.

The reply goes to the mail's sender only, and only when that address is a registered contact
of the item's customer (account data never goes anywhere else); never to our own address. It
is one outbox row in the decision's transaction, keyed by the form's submission token, so a
second submit stores nothing twice; ``send_outbound`` delivers it like every other mail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from core.errors import RefusedActionError
from ledger import models as m
from ledger.contact_reads import is_contact_of
from ledger.review_decisions import Decided, checked_text, open_item, record_decision
from outbound.compose import clean_header, plain_message, stable_message_id
from outbound.outbox import add_to_outbox
from outbound.thread import reply_thread
from parsers.mime import parse_email

#: Longest reply body a reviewer may send.
MAX_REPLY = 10_000


@dataclass(frozen=True, slots=True)
class ReplySender:
    """Who replies: the AR mailbox's address and the company name shown with it."""

    ar_address: str | None
    company_name: str


def reply_recipient(session: Session, item: m.ReviewItem) -> tuple[str | None, str]:
    """The address a reply to ``item`` may go to, or None and why not."""
    inbound = session.get(m.InboundMessage, item.inbound_id) if item.inbound_id else None
    sender = (inbound.from_address or "").strip().casefold() if inbound else ""
    if not sender:
        return None, "the mail has no sender address"
    if item.customer_id is None:
        return None, "the mail's customer is not known: assign the customer first"
    if not is_contact_of(session, item.customer_id, sender):
        return None, f"{sender} is not a registered contact of the customer"
    return sender, f"to {sender}, a registered contact of the customer"


def send_reply(
    session: Session,
    *,
    item_id: int,
    body: str,
    actor: str,
    now: datetime,
    sender: ReplySender,
    submission: str | None = None,
) -> Decided:
    """Queue ``body`` as a reply to the item's mail (see module); the item stays open.

    Raises:
        RefusedActionError: no body, no AR address set, or the sender is no registered
            contact of the item's customer; nothing was stored.
    """
    found = open_item(session, item_id, lines_only=False, submission=submission, decision="reply")
    if isinstance(found, Decided):
        return found
    text = body.strip()
    if not text:
        raise RefusedActionError("the reply is empty")
    if len(text) > MAX_REPLY:
        raise RefusedActionError(f"the reply is longer than {MAX_REPLY} characters")
    if not sender.ar_address:
        raise RefusedActionError("ARBOX_AR_ADDRESS is not set: arbox sends no mail")
    to, why = reply_recipient(session, found.item)
    if to is None:
        raise RefusedActionError(f"no reply sent: {why}")
    if to == sender.ar_address.strip().casefold():
        raise RefusedActionError("no reply sent: the mail came from our own address")
    assert found.inbound is not None
    parsed = parse_email(found.inbound.raw)
    thread = reply_thread(found.inbound.message_id or None, parsed.header("References"))
    key = f"reply:{item_id}:{submission or now.isoformat()}"
    subject = clean_header(found.inbound.subject or "")
    message = plain_message(
        sender=sender.ar_address,
        company_name=sender.company_name,
        to=to,
        subject=subject if subject.lower().startswith("re:") else f"Re: {subject}".strip(),
        body=text + "\n",
        message_id=stable_message_id(key, domain=sender.ar_address.partition("@")[2]),
        in_reply_to=thread.in_reply_to,
        references=thread.references,
        now=now,
        automatic=False,  # a person's reply
    )
    outbox_id = add_to_outbox(
        session,
        key=key,
        kind="reply",
        message=message,
        now=now,
        inbound_id=found.inbound.id,
        customer_id=found.item.customer_id,
    )
    return record_decision(
        session,
        item_id,
        decision="reply",
        summary=f"reply queued to {to}: {checked_text(text[:200], 'the reply')}",
        actor=actor,
        now=now,
        submission=submission,
        outbox_id=outbox_id,
    )
