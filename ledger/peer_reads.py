"""What arbox sent to one address and got from it lately, for the reply cap and the reply
breaker (:mod:`outbound.peer_history` judges). Addresses are bare and lower-cased, as the
outbox's recipients and the inbound mails' senders are stored."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import bindparam, exists, func, literal_column, or_, select
from sqlalchemy.orm import Session

from core.statuses import ReviewKind, ReviewStatus
from ledger import models as m
from ledger.compiled import rows
from ledger.like_patterns import escape_like


def our_reply_among(session: Session, message_ids: Collection[str]) -> str | None:
    """The Message-ID of one of our replies (an outbox row answering an inbound mail) among
    ``message_ids``, if any."""
    return session.execute(
        select(m.OutboxMessage.message_id)
        .where(m.OutboxMessage.message_id.in_(message_ids), m.OutboxMessage.inbound_id.is_not(None))
        .limit(1)
    ).scalar_one_or_none()


_IN = m.InboundMessage
_OUT = m.OutboxMessage
#: The mails from one address received since a time, but for one: the filter of the reads below.
_FROM_SINCE = (
    _IN.from_address == bindparam("address"),
    _IN.received_at >= bindparam("since"),
    _IN.id != bindparam("other_than"),
)

# Each read runs on every mail that may be answered: built once, run through
# ledger.compiled (on SQLite its SQL, compiled once, through the driver's cursor).
_REPLY_SUBJECTS = select(_OUT.subject).where(
    _OUT.inbound_id.in_(select(_IN.id).where(*_FROM_SINCE))
)
_FIRST_WITH_TEXT = (
    select(_IN.id)
    .where(*_FROM_SINCE, _IN.body_key == bindparam("body_key"))
    .order_by(_IN.id)
    .limit(1)
)
_MAILS_FROM = select(
    exists().where(_OUT.inbound_id == _IN.id), _IN.loop_evidence, _IN.body_key
).where(*_FROM_SINCE)
_OPEN_ITEMS_ON_MAILS_FROM = select(func.count(m.ReviewItem.id)).where(
    m.ReviewItem.kind == bindparam("kind"),
    m.ReviewItem.status == ReviewStatus.OPEN.value,
    m.ReviewItem.created_at >= bindparam("since"),
    m.ReviewItem.inbound_id == _IN.id,
    _IN.from_address == bindparam("address"),
)
#: Whether an outbox row has several recipients: the very term of the two partial indexes on
#: the recipients (migration 0018), a literal so that SQLite and PostgreSQL match it to them.
_SEVERAL = _OUT.recipients.like(literal_column("'%,%'"))
#: Mails to one address since a time: those to it alone by the index of one-recipient rows
#: (address, time), and those of several recipients, few, by theirs (time). One LIKE over
#: every row of the outbox read the whole table: 35 ms a reply at 50,000 rows (issue 18).
_SENT_TO = select(
    select(func.count(_OUT.id))
    .where(
        ~_SEVERAL,
        _OUT.recipients == bindparam("address"),
        _OUT.created_at >= bindparam("since"),
    )
    .scalar_subquery()
    + select(func.count(_OUT.id))
    .where(
        _SEVERAL,
        _OUT.created_at >= bindparam("since"),
        or_(
            _OUT.recipients.like(bindparam("first"), escape="\\"),
            _OUT.recipients.like(bindparam("last"), escape="\\"),
            _OUT.recipients.like(bindparam("middle"), escape="\\"),
        ),
    )
    .scalar_subquery()
)


def reply_subjects_to(
    session: Session, address: str, *, since: datetime, other_than: int
) -> Sequence[str]:
    """The subjects of our replies to the mails from ``address`` received since ``since``,
    but for the mail ``other_than``."""
    params = {"address": address, "since": since, "other_than": other_than}
    return [subject for (subject,) in rows(session, _REPLY_SUBJECTS, params)]


def first_mail_with_text(
    session: Session, address: str, *, body_key: str, since: datetime, other_than: int
) -> int | None:
    """The first mail from ``address`` received since ``since`` whose text has ``body_key``,
    but for the mail ``other_than``; by id."""
    params = {"address": address, "since": since, "other_than": other_than, "body_key": body_key}
    found = rows(session, _FIRST_WITH_TEXT, params)
    return found[0][0] if found else None


def mails_from_since(
    session: Session, address: str, *, since: datetime, other_than: int
) -> list[tuple[bool, str | None, str | None]]:
    """The mails from ``address`` received since ``since``, but for the mail ``other_than``:
    whether we answered each (an outbox row for it), why it looked like part of a loop, and
    the key of its text."""
    params = {"address": address, "since": since, "other_than": other_than}
    return [(bool(a), e, k) for a, e, k in rows(session, _MAILS_FROM, params)]


def open_items_on_mails_from(
    session: Session, address: str, *, kind: ReviewKind, since: datetime
) -> int:
    """Open review items of ``kind`` opened since ``since`` on mails from ``address``."""
    params = {"kind": kind.value, "since": since, "address": address}
    ((count,),) = rows(session, _OPEN_ITEMS_ON_MAILS_FROM, params)
    return int(count)


def mails_sent_to_since(session: Session, address: str, *, since: datetime) -> int:
    """Outbox rows with ``address`` among their recipients created since ``since``."""
    address = address.strip().lower()
    escaped = escape_like(address)
    params = {
        "since": since,
        "address": address,
        "first": f"{escaped},%",
        "last": f"%,{escaped}",
        "middle": f"%,{escaped},%",
    }
    ((count,),) = rows(session, _SENT_TO, params)
    return int(count)
