"""The poller's bookkeeping against a fake mailbox: the states of an inbound message, the
mailbox action only after the work committed, UIDVALIDITY changes, settings and status."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select
from structlog.testing import capture_logs
from typer.testing import CliRunner

from core.config import Settings
from ledger import models as m
from ledger.operations import (
    BEING_PROCESSED,
    WAITING_FOR_MAILBOX_ACTION,
    mailbox_action_counts,
    status_counts,
)
from tests.conftest import migrated_sqlite
from worker.inbound.process import process_inbound
from worker.mailbox import FetchedMessage, ImapConfig
from worker.poller import Poller
from worker.services import Services


@dataclass
class FakeMailbox:
    """Folders of {uid: raw}; records moves and flags."""

    folders: dict[str, dict[int, bytes]]
    uidvalidity: dict[str, int] = field(default_factory=dict)
    selected: str = ""
    moves: list[tuple[str, int, str]] = field(default_factory=list)
    flags: list[tuple[str, int, str]] = field(default_factory=list)

    def ensure_folder(self, folder: str) -> None:
        self.folders.setdefault(folder, {})

    def select(self, folder: str) -> int:
        self.selected = folder
        return self.uidvalidity.get(folder, 1)

    def uids_after(self, last_uid: int) -> list[int]:
        return sorted(u for u in self.folders[self.selected] if u > last_uid)

    def fetch(self, uids):
        for uid in uids:
            yield FetchedMessage(uid=uid, raw=self.folders[self.selected][uid])

    def move(self, uid: int, target: str) -> bool:
        raw = self.folders[self.selected].pop(uid, None)
        if raw is None:
            return False
        self.folders[target][max(self.folders[target], default=0) + 1] = raw
        self.moves.append((self.selected, uid, target))
        return True

    def flag(self, uid: int, keyword: str) -> str:
        if uid not in self.folders[self.selected]:
            return "gone"
        self.flags.append((self.selected, uid, keyword))
        return "done"


def mail(mid: str, body: str = "INV-70001 10.00\n") -> bytes:
    msg = EmailMessage()
    msg["From"] = "ap@acme-mfg.example"
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = "Payment"
    msg["Message-ID"] = mid
    msg.set_content(body)
    return msg.as_bytes()


@pytest.fixture
def svc(tmp_path: Path) -> Services:
    settings = Settings(database_url=migrated_sqlite(tmp_path / "a.db"))
    services = Services.from_settings(settings)
    yield services
    services.engine.dispose()


CONFIG = ImapConfig("imap.example", 993, "ar", "s3cret-pw", "ssl", 30)


def states(svc: Services) -> list[tuple[str, bool, str | None]]:
    with svc.sessions() as s:
        rows = s.execute(
            select(m.InboundMessage.status, m.InboundMessage.parsed_at, m.MailboxMessage.action)
            .join(m.MailboxMessage, m.MailboxMessage.inbound_id == m.InboundMessage.id)
            .order_by(m.MailboxMessage.id)
        )
        return [(st, parsed is not None, action) for st, parsed, action in rows.tuples()]


def test_inbound_mail_goes_stored_parsed_decided_then_moved_and_status_shows_each_step(svc):
    box = FakeMailbox({"INBOX": {1: mail("<a@x>")}, "Processed": {}, "Quarantine": {}})
    queued: list[int] = []
    poller = Poller(svc, CONFIG, folders=["INBOX"], enqueue=queued.append)
    # When the poller fetches the mail and the work has not run yet
    result = poller.poll_once(box)
    # Then it is stored and enqueued, and stays in the inbox
    assert (result.fetched, result.enqueued, result.acted) == (1, 1, 0)
    assert states(svc) == [("stored", False, None)]
    with svc.sessions() as s:
        assert mailbox_action_counts(s) == {BEING_PROCESSED: 1}
    # When the work commits
    process_inbound(queued[0], svc=svc)
    assert states(svc) == [("review", True, None)]  # parsed, decided (unknown sender: review)
    with svc.sessions() as s:
        assert mailbox_action_counts(s) == {WAITING_FOR_MAILBOX_ACTION: 1}
        assert status_counts(s).inbound == {"review": 1}
    assert box.moves == []
    # Then the next poll moves it and records the action
    assert poller.poll_once(box).acted == 1
    assert box.moves == [("INBOX", 1, "Processed")]
    assert states(svc) == [("review", True, "moved")]
    with svc.sessions() as s:
        assert mailbox_action_counts(s) == {"moved": 1}


def test_a_mail_that_fails_to_parse_stays_stored_not_parsed(svc, monkeypatch):
    from worker.inbound import process

    def broken(raw, svc):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(process, "_read", broken)
    box = FakeMailbox({"INBOX": {1: mail("<b@x>")}, "Processed": {}, "Quarantine": {}})
    queued: list[int] = []
    Poller(svc, CONFIG, folders=["INBOX"], enqueue=queued.append).poll_once(box)
    with pytest.raises(RuntimeError):
        process_inbound(queued[0], svc=svc)
    assert states(svc) == [("stored", False, None)]


def test_quarantined_mail_goes_to_quarantine_and_flag_mode_sets_the_keyword(tmp_path):
    settings = Settings(
        database_url=migrated_sqlite(tmp_path / "b.db"),
        max_message_bytes=10,
        imap_done_action="flag",
    )
    svc = Services.from_settings(settings)
    box = FakeMailbox({"INBOX": {7: mail("<c@x>")}})
    poller = Poller(svc, CONFIG, folders=["INBOX"], enqueue=lambda i: process_inbound(i, svc=svc))
    assert poller.poll_once(box).acted == 1
    assert box.flags == [("INBOX", 7, "$ArboxQuarantined")]
    assert "Processed" not in box.folders  # flag mode creates no folders
    assert states(svc) == [("quarantined", False, "flagged")]
    svc.engine.dispose()


def test_uidvalidity_change_warns_marks_old_positions_stale_and_refetches(svc):
    raw = mail("<d@x>")
    box = FakeMailbox({"INBOX": {5: raw}, "Processed": {}, "Quarantine": {}})
    queued: list[int] = []
    poller = Poller(svc, CONFIG, folders=["INBOX"], enqueue=queued.append)
    poller.poll_once(box)  # stored, not processed yet
    # Given the folder is rebuilt: a new UIDVALIDITY, the same mail under a new UID
    box.uidvalidity["INBOX"] = 2
    box.folders["INBOX"] = {1: raw}
    with capture_logs() as logs:
        result = poller.poll_once(box)
    (warning,) = [e for e in logs if e["event"] == "uidvalidity_changed"]
    assert (warning["log_level"], warning["old"], warning["new"]) == ("warning", 1, 2)
    # Then the re-fetched mail is the same inbound row, enqueued again only because it is
    # still unprocessed, and the old position is stale rather than waiting forever
    assert (result.fetched, result.enqueued) == (1, 1)
    assert set(queued) == {1}
    process_inbound(1, svc=svc)
    poller.poll_once(box)
    assert states(svc) == [("review", True, "stale"), ("review", True, "moved")]


def test_a_mail_gone_from_the_folder_is_recorded_as_gone(svc):
    box = FakeMailbox({"INBOX": {3: mail("<e@x>")}, "Processed": {}, "Quarantine": {}})
    queued: list[int] = []
    poller = Poller(svc, CONFIG, folders=["INBOX"], enqueue=queued.append)
    poller.poll_once(box)
    process_inbound(queued[0], svc=svc)
    box.folders["INBOX"].clear()  # someone else moved it
    assert poller.poll_once(box).acted == 0
    assert states(svc) == [("review", True, "gone")]


def test_folder_and_capability_settings_are_split_and_the_password_is_masked():
    settings = Settings(
        imap_folder=" INBOX , Remittances,,", imap_disable_capabilities="move, idle"
    )
    assert settings.imap_folders == ("INBOX", "Remittances")
    assert settings.imap_disabled_capabilities == frozenset({"MOVE", "IDLE"})
    assert "s3cret-pw" not in repr(CONFIG)


def test_arbox_status_shows_mail_waiting_for_its_mailbox_action(svc, monkeypatch):
    from worker.cli import app

    box = FakeMailbox({"INBOX": {1: mail("<f@x>")}, "Processed": {}, "Quarantine": {}})
    queued: list[int] = []
    Poller(svc, CONFIG, folders=["INBOX"], enqueue=queued.append).poll_once(box)
    process_inbound(queued[0], svc=svc)
    monkeypatch.setenv("ARBOX_DATABASE_URL", svc.settings.database_url)
    monkeypatch.setenv("ARBOX_REDIS_URL", "redis://127.0.0.1:1/0")  # unreachable: "unavailable"
    result = CliRunner().invoke(app, ["status"], env={"COLUMNS": "200"})
    # Redis unreachable: no worker can be seen alive; the table says so
    assert result.exit_code == 0, result.output
    assert "problem: Redis unavailable" in result.output
    assert "mailbox: waiting for mailbox action" in result.output
    assert "inbound: review" in result.output
    assert "INBOX: UIDVALIDITY 1, last UID 1" in result.output


def test_a_mail_left_pending_by_a_crash_is_swept_and_applied_once(svc):
    from datetime import timedelta

    from worker.inbound.process import _start_attempt
    from worker.inbound.store import sweep

    box = FakeMailbox({"INBOX": {1: mail("<g@x>")}, "Processed": {}, "Quarantine": {}})
    queued: list[int] = []
    Poller(svc, CONFIG, folders=["INBOX"], enqueue=queued.append).poll_once(box)
    # Given the worker died after it counted its attempt and read the mail, before the
    # decision (the parse is recorded with the decision: nothing of it is left)
    assert isinstance(_start_attempt(queued[0], svc), bytes)
    assert states(svc) == [("stored", False, None)]
    # When the sweep runs later
    later = Services(
        settings=svc.settings,
        engine=svc.engine,
        sessions=svc.sessions,
        mailer=None,
        policy=svc.policy,
        clock=lambda: svc.clock() + timedelta(minutes=10),
    )
    swept = sweep(later)
    # Then the message is enqueued again and decided once
    assert swept.inbound_ids == (queued[0],)
    process_inbound(queued[0], svc=svc)
    process_inbound(queued[0], svc=svc)
    assert states(svc) == [("review", True, None)]
    with svc.sessions() as s:
        review = status_counts(s).review
    assert sum(review.values()) == 1, review  # one review item: decided once


@dataclass
class ArrivingMailbox(FakeMailbox):
    """A mail comes into INBOX while the poll fetches the one before it: the server announced
    it during the FETCH, so IDLE would not announce it again."""

    arriving: dict[int, bytes] = field(default_factory=dict)

    def fetch(self, uids):
        yield from super().fetch(uids)
        self.folders["INBOX"].update(self.arriving)
        self.arriving = {}


def test_mail_that_arrives_during_a_poll_is_fetched_before_idle_not_after_its_renewal(svc):
    box = ArrivingMailbox({"INBOX": {1: mail("<a1@x>")}}, arriving={2: mail("<a2@x>")})
    queued: list[int] = []
    poller = Poller(svc, CONFIG, folders=["INBOX"], enqueue=queued.append)

    poller.poll_once(box)
    assert len(queued) == 1
    assert poller.mail_waiting(box)  # so the loop polls again instead of entering IDLE

    poller.poll_once(box)
    assert len(queued) == 2
    assert not poller.mail_waiting(box)


@dataclass
class IdleMailbox(ArrivingMailbox):
    """An ``ArrivingMailbox`` the poller's loop connects to: it has IDLE, and its IDLE
    announces nothing (the server announced the arriving mail during the FETCH)."""

    capabilities: frozenset[str] = frozenset({"IDLE"})
    idled: int = 0
    halt: object = None

    def __enter__(self) -> IdleMailbox:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def idle_wait(self, seconds: float, *, stop=lambda: False) -> bool:
        self.idled += 1
        self.halt.set()  # the loop ends here: what matters is what came before IDLE
        return False


def test_the_poll_loop_polls_again_at_once_when_mail_came_during_a_poll(svc, monkeypatch):
    import threading

    import worker.poller as poller_module

    halt = threading.Event()
    box = IdleMailbox({"INBOX": {1: mail("<b1@x>")}}, arriving={2: mail("<b2@x>")}, halt=halt)
    monkeypatch.setattr(poller_module, "ImapMailbox", lambda config: box)
    queued: list[int] = []
    poller = Poller(svc, CONFIG, folders=["INBOX"], enqueue=queued.append)

    loop = threading.Thread(target=poller._serve, args=(halt, None), daemon=True)
    loop.start()
    loop.join(timeout=10)  # ARBOX_IMAP_POLL_SECONDS is 30: a loop that sleeps instead fails

    assert not loop.is_alive()
    assert len(queued) == 2  # the mail that came during the first poll, before any IDLE
    assert box.idled == 1
