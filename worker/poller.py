"""The mailbox poller: fetch new mail by UID, store it, enqueue it; move what is done.

Bookkeeping per (account, folder): the UIDVALIDITY and the highest UID stored. A message is
stored (with its mailbox position) before it is enqueued, and moved to ``Processed`` or
``Quarantine`` only after its processing committed. A UIDVALIDITY change restarts the UID
count; already-stored messages are recognised by Message-ID + sha256 and not processed again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import structlog
from sqlalchemy import select

from core.errors import MailboxUnavailableError
from core.types import FINAL_STATUSES, InboundStatus
from ledger import models as m
from worker.mailbox import ImapConfig, ImapMailbox
from worker.pipeline import MailboxKey, store_inbound
from worker.services import Services

log = structlog.get_logger(__name__)

#: Longest IDLE before it is renewed; servers drop idle connections silently (RFC 2177: 29 min).
MAX_IDLE_SECONDS = 300.0


@dataclass(frozen=True, slots=True)
class PollResult:
    """What one pass over the folders did."""

    fetched: int
    enqueued: int
    moved: int


class Poller:
    """Polls the folders of one IMAP account."""

    def __init__(
        self,
        svc: Services,
        config: ImapConfig,
        *,
        folders: Sequence[str],
        enqueue: Callable[[int], object],
    ) -> None:
        self.svc = svc
        self.config = config
        self.folders = tuple(folders)
        self.enqueue = enqueue

    def poll_once(self, mailbox: ImapMailbox) -> PollResult:
        """One pass: fetch and store new mail of every folder, then move what is done."""
        settings = self.svc.settings
        for target in (settings.imap_processed_folder, settings.imap_quarantine_folder):
            mailbox.ensure_folder(target)
        fetched = enqueued = moved = 0
        for folder in self.folders:
            uidvalidity = mailbox.select(folder)
            last_uid = self._last_uid(folder, uidvalidity)
            uids = mailbox.uids_after(last_uid)
            for msg in mailbox.fetch(uids):
                key = MailboxKey(self.config.account, folder, uidvalidity, msg.uid)
                stored = store_inbound(self.svc, msg.raw, source="imap", mailbox=key)
                self._advance(folder, uidvalidity, msg.uid)
                fetched += 1
                if stored.status == InboundStatus.STORED:
                    self.enqueue(stored.inbound_id)
                    enqueued += 1
            moved += self._move_done(mailbox, folder, uidvalidity)
        with self.svc.sessions.begin() as session:
            for state in session.execute(
                select(m.MailboxState).where(m.MailboxState.account == self.config.account)
            ).scalars():
                state.last_poll_at = self.svc.clock()
        if fetched or moved:
            log.info("mailbox_polled", fetched=fetched, enqueued=enqueued, moved=moved)
        return PollResult(fetched=fetched, enqueued=enqueued, moved=moved)

    def _last_uid(self, folder: str, uidvalidity: int) -> int:
        with self.svc.sessions.begin() as session:
            state = session.execute(
                select(m.MailboxState).where(
                    m.MailboxState.account == self.config.account,
                    m.MailboxState.folder == folder,
                )
            ).scalar_one_or_none()
            if state is None:
                session.add(
                    m.MailboxState(
                        account=self.config.account,
                        folder=folder,
                        uidvalidity=uidvalidity,
                        last_uid=0,
                    )
                )
                return 0
            if state.uidvalidity != uidvalidity:
                log.warning(
                    "uidvalidity_changed",
                    folder=folder,
                    old=state.uidvalidity,
                    new=uidvalidity,
                )
                state.uidvalidity, state.last_uid = uidvalidity, 0
            return state.last_uid

    def _advance(self, folder: str, uidvalidity: int, uid: int) -> None:
        with self.svc.sessions.begin() as session:
            state = session.execute(
                select(m.MailboxState).where(
                    m.MailboxState.account == self.config.account,
                    m.MailboxState.folder == folder,
                    m.MailboxState.uidvalidity == uidvalidity,
                )
            ).scalar_one()
            state.last_uid = max(state.last_uid, uid)

    def _move_done(self, mailbox: ImapMailbox, folder: str, uidvalidity: int) -> int:
        """Move every message of ``folder`` whose processing is final; returns the count."""
        settings = self.svc.settings
        with self.svc.sessions.begin() as session:
            rows = session.execute(
                select(m.MailboxMessage.id, m.MailboxMessage.uid, m.InboundMessage.status)
                .join(m.InboundMessage, m.InboundMessage.id == m.MailboxMessage.inbound_id)
                .where(
                    m.MailboxMessage.account == self.config.account,
                    m.MailboxMessage.folder == folder,
                    m.MailboxMessage.uidvalidity == uidvalidity,
                    m.MailboxMessage.moved_at.is_(None),
                    m.InboundMessage.status.in_([s.value for s in FINAL_STATUSES]),
                )
            ).all()
        moved = 0
        for row_id, uid, status in rows:
            target = (
                settings.imap_quarantine_folder
                if status == InboundStatus.QUARANTINED
                else settings.imap_processed_folder
            )
            present = mailbox.move(uid, target)
            with self.svc.sessions.begin() as session:
                position = session.get(m.MailboxMessage, row_id)
                assert position is not None
                position.moved_to = target if present else f"(gone) {target}"
                position.moved_at = self.svc.clock()
            moved += int(present)
        return moved

    def run(self, stop: threading.Event, *, after_poll: Callable[[], None] | None = None) -> None:
        """Poll until ``stop`` is set: IDLE between polls where the server has it (renewed
        every few minutes), reconnecting with exponential backoff when the server fails."""
        backoff = 1.0
        poll_seconds = self.svc.settings.imap_poll_seconds
        while not stop.is_set():
            try:
                with ImapMailbox(self.config) as mailbox:
                    backoff = 1.0
                    while not stop.is_set():
                        self.poll_once(mailbox)
                        if after_poll is not None:
                            after_poll()
                        if len(self.folders) == 1 and "IDLE" in mailbox.capabilities:
                            mailbox.idle_wait(min(poll_seconds, MAX_IDLE_SECONDS), stop=stop.is_set)
                        else:
                            stop.wait(poll_seconds)
            except MailboxUnavailableError as e:
                log.warning("mailbox_unavailable", host=e.host, reason=e.reason, retry_in=backoff)
                stop.wait(backoff)
                backoff = min(backoff * 2, 300.0)
