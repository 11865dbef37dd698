"""The mailbox poller: fetch new mail by UID, store it, enqueue it; act on what is done.

Per inbound message the states are: fetched (a mailbox position) → stored (raw bytes,
Message-ID, sha256) → parsed → decided (applied / review / ignored) or quarantined → mailbox
action done (moved to Processed/Quarantine, or flagged with a keyword and left in place). The
mailbox action happens only after the decision committed; the database is the record.

Bookkeeping per (account, folder): the UIDVALIDITY and the highest UID stored. A UIDVALIDITY
change restarts the UID count; re-fetched messages are recognised by Message-ID + sha256 and
not processed again, and positions under the old UIDVALIDITY are marked stale.

One active poller per (account, folder): :meth:`Poller.run` holds a Redis lock with an expiry
for each of its folders, renews it while alive and releases it on stop; a second poller waits
and takes over when the first stops renewing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import structlog
from sqlalchemy.orm import Session

from core.errors import MailboxUnavailableError
from core.statuses import InboundStatus, MailboxAction
from ledger.mailbox_positions import (
    advance_folder,
    folder_start,
    mark_polled,
    positions_done,
    record_mailbox_action,
)
from worker import metrics
from worker.inbound.store import MailboxKey, store_many
from worker.mailbox import FetchedMessage, ImapConfig, ImapMailbox
from worker.services import Services

log = structlog.get_logger(__name__)

#: Longest wait between reconnect attempts.
MAX_BACKOFF_SECONDS = 300.0


@dataclass(frozen=True, slots=True)
class PollResult:
    """What one pass over the folders did."""

    fetched: int
    enqueued: int
    acted: int


#: Mail stored per transaction: one commit (and one wait for the write lock) per batch.
STORE_BATCH = 25
#: ... and at most this many bytes of it.
STORE_BATCH_BYTES = 16 * 1024 * 1024


def store_batches(messages: Iterable[FetchedMessage]) -> Iterator[list[FetchedMessage]]:
    """``messages`` in batches of at most :data:`STORE_BATCH` mails and
    :data:`STORE_BATCH_BYTES` (a bigger mail is a batch of its own)."""
    batch: list[FetchedMessage] = []
    size = 0
    for msg in messages:
        if batch and (len(batch) >= STORE_BATCH or size + len(msg.raw) > STORE_BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(msg)
        size += len(msg.raw)
    if batch:
        yield batch


def lock_name(account: str, folder: str) -> str:
    """The Redis key of the poller lock of one mailbox folder."""
    return f"arbox:poller:{account}:{folder}"


class Poller:
    """Polls the folders of one IMAP account.

    ``redis`` (a redis-py client) enables the one-poller-per-folder lock in :meth:`run`;
    without it the caller promises that no other poller reads these folders.
    """

    def __init__(
        self,
        svc: Services,
        config: ImapConfig,
        *,
        folders: Sequence[str],
        enqueue: Callable[[int], object],
        redis: Any = None,
    ) -> None:
        self.svc = svc
        self.config = config
        self.folders = tuple(folders)
        self.enqueue = enqueue
        self.redis = redis
        self._connected = False
        #: The connection :meth:`run` polls over right now (None between connections).
        self.mailbox: ImapMailbox | None = None
        #: Per folder, the highest UID the last poll searched for and stored.
        self._seen: dict[str, int] = {}

    def poll_once(self, mailbox: ImapMailbox) -> PollResult:
        """One pass: fetch and store new mail of every folder, then act on what is done."""
        settings = self.svc.settings
        if settings.imap_done_action == "move":
            for target in (settings.imap_processed_folder, settings.imap_quarantine_folder):
                mailbox.ensure_folder(target)
        fetched = enqueued = acted = 0
        for folder in self.folders:
            uidvalidity = mailbox.select(folder)
            last_uid = self._last_uid(folder, uidvalidity)
            uids = mailbox.uids_after(last_uid)
            self._seen[folder] = max(uids, default=last_uid)
            for batch in store_batches(mailbox.fetch(uids)):
                keys = [MailboxKey(self.config.account, folder, uidvalidity, m.uid) for m in batch]
                last = max(key.uid for key in keys)
                stored = store_many(
                    self.svc,
                    [(msg.raw, key) for msg, key in zip(batch, keys, strict=True)],
                    source="imap",
                    then=partial(self._advance, folder=folder, uidvalidity=uidvalidity, uid=last),
                )
                fetched += len(stored)
                for one in stored:
                    if one.created:
                        metrics.MAILS_RECEIVED.labels(source="imap").inc()
                # queued once committed, and once each (a batch may hold a mail twice)
                for inbound_id in dict.fromkeys(
                    one.inbound_id for one in stored if one.status == InboundStatus.STORED
                ):
                    self.enqueue(inbound_id)
                    enqueued += 1
            acted += self._act_on_done(mailbox, folder, uidvalidity)
        with self.svc.sessions.begin() as session:
            mark_polled(
                session, account=self.config.account, folders=self.folders, now=self.svc.clock()
            )
        metrics.record_poll(self.folders)
        if fetched or acted:
            log.info("mailbox_polled", fetched=fetched, enqueued=enqueued, acted=acted)
        return PollResult(fetched=fetched, enqueued=enqueued, acted=acted)

    def mail_waiting(self, mailbox: ImapMailbox) -> bool:
        """Whether mail came into the (one, selected) folder after the last poll searched it.

        The server announces new mail once per connection, in the untagged responses of
        whatever command runs when it arrives: mail that came while the poll fetched, stored
        and moved was announced then, not in the IDLE that follows, and would wait for the
        IDLE's renewal (``ARBOX_IMAP_POLL_SECONDS``). One UID SEARCH before IDLE finds it.
        """
        (folder,) = self.folders
        return bool(mailbox.uids_after(self._seen.get(folder, 0)))

    def _last_uid(self, folder: str, uidvalidity: int) -> int:
        with self.svc.sessions.begin() as session:
            start = folder_start(
                session,
                account=self.config.account,
                folder=folder,
                uidvalidity=uidvalidity,
                now=self.svc.clock(),
            )
        if start.replaced is not None:
            log.warning(
                "uidvalidity_changed",
                folder=folder,
                old=start.replaced[0],
                new=uidvalidity,
                last_uid=start.replaced[1],
            )
        return start.last_uid

    def _advance(self, session: Session, *, folder: str, uidvalidity: int, uid: int) -> None:
        advance_folder(
            session, account=self.config.account, folder=folder, uidvalidity=uidvalidity, uid=uid
        )

    def _act_on_done(self, mailbox: ImapMailbox, folder: str, uidvalidity: int) -> int:
        """Move (or flag) every message of ``folder`` whose processing is final and committed;
        record the action per position. Returns how many were acted on."""
        settings = self.svc.settings
        with self.svc.sessions.begin() as session:
            rows = positions_done(
                session, account=self.config.account, folder=folder, uidvalidity=uidvalidity
            )
        acted = 0
        for row_id, uid, status in rows:
            quarantined = status == InboundStatus.QUARANTINED
            if settings.imap_done_action == "flag":
                target = (
                    settings.imap_quarantine_keyword
                    if quarantined
                    else settings.imap_processed_keyword
                )
                result = mailbox.flag(uid, target)
                if result == "refused":
                    log.error("mailbox_keyword_refused", folder=folder, uid=uid, keyword=target)
                    continue  # stays "waiting for mailbox action"; the log says why
                present = result == "done"
                action = MailboxAction.FLAGGED
            else:
                target = (
                    settings.imap_quarantine_folder
                    if quarantined
                    else settings.imap_processed_folder
                )
                present = mailbox.move(uid, target)
                action = MailboxAction.MOVED
            with self.svc.sessions.begin() as session:
                record_mailbox_action(
                    session,
                    row_id,
                    action=action if present else MailboxAction.GONE,
                    moved_to=target,
                    now=self.svc.clock(),
                )
            acted += int(present)
        return acted

    # --- running ----------------------------------------------------------------------------

    def run(self, stop: threading.Event, *, after_poll: Callable[[], None] | None = None) -> None:
        """Poll until ``stop`` is set, holding the folders' locks while polling.

        IDLE between polls where the server has it and one folder is read (renewed every
        ``imap_idle_renew_seconds``), else sleep ``imap_poll_seconds``. A failing server or
        database is retried with exponential backoff, capped at the poll interval.
        """
        settings = self.svc.settings
        backoff_cap = max(1.0, min(MAX_BACKOFF_SECONDS, settings.imap_poll_seconds))
        backoff = 0.5
        waiting_logged = False
        while not stop.is_set():
            locks = self._acquire_locks()
            if locks is None:
                if not waiting_logged:
                    log.info("poller_lock_busy", folders=list(self.folders))
                    waiting_logged = True
                stop.wait(min(settings.imap_poll_seconds, settings.poller_lock_seconds / 4))
                continue
            waiting_logged = False
            halt = threading.Event()
            keeper = threading.Thread(
                target=self._keep_locks,
                args=(locks, stop, halt),
                name="arbox-poller-lock",
                daemon=True,
            )
            keeper.start()
            self._connected = False
            try:
                self._serve(halt, after_poll)
            except Exception as e:  # boundary: the poller keeps going whatever failed
                if isinstance(e, MailboxUnavailableError):
                    for folder in self.folders:
                        metrics.IMAP_ERRORS.labels(folder=folder).inc()
                    log.warning(
                        "mailbox_unavailable", host=e.host, reason=e.reason, retry_in=backoff
                    )
                else:
                    log.exception("poller_failed", retry_in=backoff)
                if self._connected:  # it worked until now: retry soon
                    backoff = 0.5
                halt.wait(backoff)  # still holding (and renewing) the lock; ends on stop
                backoff = min(backoff * 2, backoff_cap)
            finally:
                halt.set()
                keeper.join()
                self._release_locks(locks)

    def _serve(self, halt: threading.Event, after_poll: Callable[[], None] | None) -> None:
        """Connect and poll until ``halt``."""
        settings = self.svc.settings
        with ImapMailbox(self.config) as mailbox:
            self.mailbox = mailbox
            log.info("mailbox_connected", account=self.config.account, folders=self.folders)
            self._connected = True
            idle = len(self.folders) == 1 and "IDLE" in mailbox.capabilities
            try:
                while not halt.is_set():
                    self.poll_once(mailbox)
                    if after_poll is not None:
                        after_poll()
                    if not idle:
                        halt.wait(settings.imap_poll_seconds)
                    elif not self.mail_waiting(mailbox):  # else: poll again at once
                        mailbox.idle_wait(
                            min(settings.imap_poll_seconds, settings.imap_idle_renew_seconds),
                            stop=halt.is_set,
                        )
            finally:
                self.mailbox = None

    def _acquire_locks(self) -> list[Any] | None:
        """Take every folder's lock without blocking; None (holding none) when one is busy."""
        if self.redis is None:
            return []
        seconds = self.svc.settings.poller_lock_seconds
        taken: list[Any] = []
        try:
            for folder in sorted(self.folders):
                lock = self.redis.lock(
                    lock_name(self.config.account, folder), timeout=seconds, thread_local=False
                )
                if not lock.acquire(blocking=False):
                    self._release_locks(taken)
                    return None
                taken.append(lock)
        except Exception as e:  # boundary: Redis down means no lock, so no polling
            log.warning("poller_lock_unavailable", error=type(e).__name__)
            self._release_locks(taken)
            return None
        log.info("poller_lock_acquired", folders=list(self.folders), expires_in=seconds)
        return taken

    def _keep_locks(self, locks: list[Any], stop: threading.Event, halt: threading.Event) -> None:
        """Renew ``locks`` every third of their expiry until ``halt``; set ``halt`` on ``stop``
        or when a lock cannot be renewed (lost to expiry, or Redis unreachable)."""
        seconds = self.svc.settings.poller_lock_seconds
        renew_every = seconds / 3
        since = 0.0
        tick = min(0.2, renew_every)
        while not halt.wait(tick):
            if stop.is_set():
                halt.set()
                return
            since += tick
            if since < renew_every or not locks:
                continue
            since = 0.0
            try:
                for lock in locks:
                    lock.reacquire()
            except Exception as e:  # boundary: a lock we cannot renew is a lock we lost
                log.warning("poller_lock_lost", folders=list(self.folders), error=type(e).__name__)
                halt.set()
                return

    @staticmethod
    def _release_locks(locks: list[Any]) -> None:
        for lock in locks:
            try:
                lock.release()
            except Exception as e:  # boundary: expired or Redis gone; it frees itself
                log.info("poller_lock_release_failed", error=type(e).__name__)
