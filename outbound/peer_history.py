"""What arbox sent to one address lately, for the reply cap and the reply breaker (read
through :mod:`ledger.peer_reads`).

The outbox is the record: every automatic mail is a row (whatever became of it), and a mail
answered is an outbox row with the inbound mail's id. Each inbound mail keeps why it looked
like part of a loop (``loop_evidence``) and the key of its text (``body_key``), set by
:func:`loop_evidence` when it is processed. A breaker trip is an open review item of kind
``reply_loop`` on the inbound mail that tripped it, so resolving the item ends it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from core.statuses import ReviewKind
from core.types import ParsedEmail
from ledger.peer_reads import (
    first_mail_with_text,
    mails_from_since,
    mails_sent_to_since,
    open_items_on_mails_from,
    our_reply_among,
    reply_subjects_to,
)
from outbound.loop_signs import answers_our_subject, referenced_ids
from outbound.policy import PeerHistory, PeerMail, ReplyLimits, count_loop_mails

#: The window of the daily cap.
DAY = timedelta(days=1)


def loop_evidence(
    session: Session,
    parsed: ParsedEmail,
    *,
    inbound_id: int,
    address: str,
    body_key: str | None,
    now: datetime,
    limits: ReplyLimits,
) -> str | None:
    """Why the mail ``inbound_id`` from ``address`` looks like part of a reply loop, or None.

    It does when it names one of our replies (an outbox row answering an inbound mail) in
    ``In-Reply-To`` or ``References``; when it has neither header and its subject is that of
    one of our replies to the address in the last day with ``Re:``; or when an earlier mail
    of the address within the breaker's window has the same ``body_key``.
    """
    address = address.strip().lower()
    ids = referenced_ids(parsed)
    if ids:
        ours = our_reply_among(session, ids)
        if ours is not None:
            return f"answers our reply {ours}"
    elif parsed.subject:
        subjects = reply_subjects_to(session, address, since=now - DAY, other_than=inbound_id)
        if answers_our_subject(parsed.subject, subjects):
            return "answers our reply (its subject with Re:, no threading headers)"
    if body_key is not None:
        earlier = first_mail_with_text(
            session,
            address,
            body_key=body_key,
            since=now - timedelta(minutes=limits.breaker_minutes),
            other_than=inbound_id,
        )
        if earlier is not None:
            return f"the same text as mail {earlier}"
    return None


def peer_history(
    session: Session,
    address: str,
    *,
    inbound_id: int,
    body_key: str | None,
    now: datetime,
    limits: ReplyLimits,
) -> PeerHistory:
    """What was sent to and answered for ``address`` (a bare address) lately, as seen by
    the mail ``inbound_id`` with ``body_key``."""
    address = address.strip().lower()
    earlier = mails_from_since(
        session,
        address,
        since=now - timedelta(minutes=limits.breaker_minutes),
        other_than=inbound_id,
    )
    loop_mails = count_loop_mails(
        (PeerMail(answered=a, loop_evidence=e, body_key=k) for a, e, k in earlier),
        body_key=body_key,
    )
    tripped = open_items_on_mails_from(
        session,
        address,
        kind=ReviewKind.REPLY_LOOP,
        since=now - timedelta(minutes=limits.cooldown_minutes),
    )
    return PeerHistory(
        mails_today=mails_sent_to_since(session, address, since=now - DAY),
        loop_mails_in_window=loop_mails,
        breaker_open=tripped > 0,
    )
