"""The poller's statements: each folder's UIDVALIDITY and last UID read, and what was done in
the mailbox with each message whose processing is final."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.statuses import FINAL_STATUSES, MailboxAction
from ledger import models as m


@dataclass(frozen=True, slots=True)
class FolderStart:
    """Where to read a folder from; ``replaced`` is the (UIDVALIDITY, last UID) recorded
    before, when the folder's UIDVALIDITY changed since."""

    last_uid: int
    replaced: tuple[int, int] | None = None


def folder_start(
    session: Session, *, account: str, folder: str, uidvalidity: int, now: datetime
) -> FolderStart:
    """The last UID read of ``folder``: 0 for a folder new to us, and 0 again when its
    UIDVALIDITY changed (the positions recorded under the old one still waiting for an
    action are marked stale)."""
    state = session.execute(
        select(m.MailboxState).where(
            m.MailboxState.account == account, m.MailboxState.folder == folder
        )
    ).scalar_one_or_none()
    if state is None:
        session.add(
            m.MailboxState(account=account, folder=folder, uidvalidity=uidvalidity, last_uid=0)
        )
        return FolderStart(last_uid=0)
    if state.uidvalidity == uidvalidity:
        return FolderStart(last_uid=state.last_uid)
    replaced = (state.uidvalidity, state.last_uid)
    session.execute(
        update(m.MailboxMessage)
        .where(
            m.MailboxMessage.account == account,
            m.MailboxMessage.folder == folder,
            m.MailboxMessage.uidvalidity == state.uidvalidity,
            m.MailboxMessage.action.is_(None),
        )
        .values(action=MailboxAction.STALE, moved_at=now)
    )
    state.uidvalidity, state.last_uid = uidvalidity, 0
    return FolderStart(last_uid=0, replaced=replaced)


def advance_folder(
    session: Session, *, account: str, folder: str, uidvalidity: int, uid: int
) -> None:
    """Record ``uid`` of ``folder`` as read."""
    state = session.execute(
        select(m.MailboxState).where(
            m.MailboxState.account == account,
            m.MailboxState.folder == folder,
            m.MailboxState.uidvalidity == uidvalidity,
        )
    ).scalar_one()
    state.last_uid = max(state.last_uid, uid)


def mark_polled(session: Session, *, account: str, folders: Sequence[str], now: datetime) -> None:
    """Record that ``folders`` were polled ``now``."""
    session.execute(
        update(m.MailboxState)
        .where(m.MailboxState.account == account, m.MailboxState.folder.in_(folders))
        .values(last_poll_at=now)
    )


def positions_done(
    session: Session, *, account: str, folder: str, uidvalidity: int
) -> list[tuple[int, int, str]]:
    """(position id, UID, status) of each message of ``folder`` whose processing is final and
    that nothing was done with in the mailbox yet, by UID."""
    rows = session.execute(
        select(m.MailboxMessage.id, m.MailboxMessage.uid, m.InboundMessage.status)
        .join(m.InboundMessage, m.InboundMessage.id == m.MailboxMessage.inbound_id)
        .where(
            m.MailboxMessage.account == account,
            m.MailboxMessage.folder == folder,
            m.MailboxMessage.uidvalidity == uidvalidity,
            m.MailboxMessage.action.is_(None),
            m.InboundMessage.status.in_([s.value for s in FINAL_STATUSES]),
        )
        .order_by(m.MailboxMessage.uid)
    ).all()
    return [(row_id, uid, status) for row_id, uid, status in rows]


def record_mailbox_action(
    session: Session, position_id: int, *, action: MailboxAction, moved_to: str, now: datetime
) -> None:
    """Record what was done in the mailbox with the message at ``position_id``."""
    position = session.get(m.MailboxMessage, position_id)
    assert position is not None
    position.action = action
    position.moved_to = moved_to
    position.moved_at = now
