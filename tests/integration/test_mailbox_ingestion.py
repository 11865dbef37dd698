"""The poller against real IMAP servers (pymap and Dovecot): the MOVE-less path says only
``UID EXPUNGE``, a crash between COPY and EXPUNGE applies nothing twice, a UIDVALIDITY change
processes new mail and re-applies nothing, several folders keep their own watermarks, and the
flag action leaves the mail in place. Processing is synchronous here (no broker)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import select
from structlog.testing import capture_logs

from core.errors import MailboxUnavailableError
from ledger import models as m
from ledger.operations import WAITING_FOR_MAILBOX_ACTION, mailbox_action_counts
from tests.integration.mailbox_world import (
    RecordingMailbox,
    make_world,
    raw_client,
    remittance,
)
from tests.servers import DovecotServer
from worker.inbound.store import message_id_of
from worker.mailbox import ImapConfig, ImapMailbox

pytestmark = [pytest.mark.integration, pytest.mark.imap]

#: A tagged plain EXPUNGE (or CLOSE, which expunges too) as imaplib sends it: "ABCD1 EXPUNGE".
PLAIN_EXPUNGE = re.compile(rb"^[A-Z]+\d+ (EXPUNGE|CLOSE)\b", re.I)


def test_without_move_the_poller_copies_and_sends_only_uid_expunge(tmp_path, imap_server):
    # Given a server whose MOVE we must not use, and a mail already flagged \Deleted by
    # someone else in the same folder (a plain EXPUNGE would destroy it)
    world = make_world(tmp_path, imap_server, imap_disable_capabilities="MOVE")
    imap_server.append(world.folder, remittance("10.00"))
    client = raw_client(imap_server)
    client.select_folder(world.folder)
    (theirs,) = client.search("ALL")
    client.add_flags([theirs], [b"\\Deleted"])
    client.logout()
    # (the bookkeeping starts after their mail, as if it had been there before arbox)
    imap_server.append(world.folder, remittance("20.00"))
    sent: list[bytes] = []
    poller = world.poller()
    # When the poller fetches, processes and moves our mail
    with RecordingMailbox(world.config, sent) as mailbox:
        assert "MOVE" not in mailbox.capabilities
        with world.svc.sessions.begin() as s:
            s.add(
                m.MailboxState(
                    account=world.config.account,
                    folder=world.folder,
                    uidvalidity=mailbox.select(world.folder),
                    last_uid=theirs,
                )
            )
        result = poller.poll_once(mailbox)
    # Then it was applied and moved with COPY + STORE \Deleted + UID EXPUNGE of its UID
    assert (result.fetched, result.acted) == (1, 1)
    assert world.applications() == 1
    lines = [line for chunk in sent for line in chunk.splitlines()]
    assert any(b" UID COPY " in line for line in lines)
    assert any(b" UID EXPUNGE " in line for line in lines)
    assert not any(b" MOVE " in line for line in lines)
    assert [line for line in lines if PLAIN_EXPUNGE.match(line)] == []
    # and the other client's deleted mail is still there; ours is in Processed
    assert imap_server.uids(world.folder) == [theirs]
    assert len(imap_server.uids(world.settings.imap_processed_folder)) == 1


class CrashAfter(ImapMailbox):
    """Loses the connection right after one step of the COPY/STORE/EXPUNGE sequence."""

    def __init__(self, config, step: str) -> None:
        super().__init__(config)
        self.step = step

    def connect(self) -> None:
        super().connect()
        client = self._client
        original = getattr(client, self.step)

        def then_crash(*args, **kwargs):
            original(*args, **kwargs)
            client.shutdown()  # the process "dies" here: the socket is gone
            raise OSError("connection lost")

        setattr(client, self.step, then_crash)


@pytest.mark.parametrize(("step", "copies"), [("copy", 2), ("add_flags", 1)])
def test_a_crash_between_copy_and_expunge_applies_nothing_twice(
    tmp_path, imap_server, step, copies
):
    world = make_world(tmp_path, imap_server, imap_disable_capabilities="MOVE")
    raw = remittance("30.00")
    imap_server.append(world.folder, raw)
    poller = world.poller()
    # Given the poller dies right after COPY (or after COPY + STORE \Deleted)
    with pytest.raises(MailboxUnavailableError), CrashAfter(world.config, step) as mailbox:
        poller.poll_once(mailbox)
    assert world.applications() == 1
    assert len(imap_server.uids(world.settings.imap_processed_folder)) == 1
    assert len(imap_server.uids(world.folder)) == 1  # the original is still there
    # and its bookkeeping is lost too, so the original is fetched again
    with world.svc.sessions.begin() as s:
        state = s.execute(select(m.MailboxState)).scalar_one()
        state.last_uid = 0
    # When a new poller runs
    with ImapMailbox(world.config) as mailbox:
        result = poller.poll_once(mailbox)
    # Then the original is a known duplicate (Message-ID + sha256): not enqueued, moved
    assert (result.fetched, result.enqueued, result.acted) == (1, 0, 1)
    assert world.applications() == 1
    assert len(world.inbound()) == 1
    assert imap_server.uids(world.folder) == []
    # COPY is not atomic with the EXPUNGE: a crash right after COPY may leave a second copy in
    # Processed (Dovecot does; pymap keeps one); after STORE \Deleted there is only one.
    kept = imap_server.fetch_all(world.settings.imap_processed_folder)
    assert 1 <= len(kept) <= copies
    assert {message_id_of(k) for k in kept} == {message_id_of(raw)}


def test_uidvalidity_change_processes_new_mail_and_applies_nothing_twice(tmp_path, imap_server):
    world = make_world(tmp_path, imap_server)
    first = remittance("40.00")
    imap_server.append(world.folder, first)
    poller = world.poller()
    with ImapMailbox(world.config) as mailbox:
        poller.poll_once(mailbox)
        old_validity = mailbox.select(world.folder)
    assert world.applications() == 1
    # Given the folder is deleted and recreated (a restore from backup): a new UIDVALIDITY,
    # and the old mail back in it next to a new one
    client = raw_client(imap_server)
    client.delete_folder(world.folder)
    client.create_folder(world.folder)
    client.logout()
    imap_server.append(world.folder, first)
    second = remittance("50.00")
    imap_server.append(world.folder, second)
    # When the poller polls
    with capture_logs() as logs, ImapMailbox(world.config) as mailbox:
        result = poller.poll_once(mailbox)
        new_validity = mailbox.select(world.folder)
    # Then the change was noticed and logged as a warning
    assert new_validity != old_validity
    (warning,) = [e for e in logs if e["event"] == "uidvalidity_changed"]
    assert warning["log_level"] == "warning"
    assert (warning["old"], warning["new"]) == (old_validity, new_validity)
    # and only the new mail was processed; the old one was recognised and moved again
    assert (result.fetched, result.enqueued, result.acted) == (2, 1, 2)
    assert world.applications() == 2
    assert [s for _, s in world.inbound()] == ["applied", "applied"]
    assert imap_server.uids(world.folder) == []
    with world.svc.sessions() as s:
        state = s.execute(select(m.MailboxState)).scalar_one()
        assert state.uidvalidity == new_validity
        counts = mailbox_action_counts(s)
    assert counts == {"moved": 3}


def test_several_folders_each_keep_their_own_uid_watermark(tmp_path, imap_server):
    base = make_world(tmp_path, imap_server).folder
    world = make_world(tmp_path, imap_server, imap_folder=f"{base}, {base}-b")
    assert world.settings.imap_folders == (base, f"{base}-b")
    imap_server.append(base, remittance("1.00"))
    imap_server.append(base, remittance("2.00"))
    imap_server.append(f"{base}-b", remittance("3.00"))
    poller = world.poller()
    with ImapMailbox(world.config) as mailbox:
        result = poller.poll_once(mailbox)
        assert result.fetched == 3
        imap_server.append(f"{base}-b", remittance("4.00"))
        assert poller.poll_once(mailbox).fetched == 1
    with world.svc.sessions() as s:
        states = {st.folder: st.last_uid for st in s.execute(select(m.MailboxState)).scalars()}
        positions = s.execute(select(m.MailboxMessage.folder, m.MailboxMessage.uid)).all()
        paid = s.execute(
            select(m.Invoice.amount - m.Invoice.balance).where(m.Invoice.number == "INV-90001")
        ).scalar_one()
    assert set(states) == {base, f"{base}-b"}
    assert sorted(f for f, _ in positions) == [base, base, f"{base}-b", f"{base}-b"]
    for folder, last_uid in states.items():
        assert last_uid == max(u for f, u in positions if f == folder)
    assert paid == Decimal("10.00")
    assert imap_server.uids(base) == [] and imap_server.uids(f"{base}-b") == []


def test_flag_action_leaves_the_mail_in_place_with_a_keyword(tmp_path, imap_server):
    world = make_world(tmp_path, imap_server, imap_done_action="flag")
    imap_server.append(world.folder, remittance("5.00"))
    poller = world.poller(enqueue=lambda inbound_id: None)  # the work has not run yet
    with ImapMailbox(world.config) as mailbox:
        poller.poll_once(mailbox)
        with world.svc.sessions() as s:
            assert mailbox_action_counts(s) == {"being processed": 1}
        ((inbound_id, _),) = world.inbound_ids()
        world.enqueue(inbound_id)  # the work commits
        with world.svc.sessions() as s:
            assert mailbox_action_counts(s) == {WAITING_FOR_MAILBOX_ACTION: 1}
        with capture_logs() as logs:
            acted = poller.poll_once(mailbox).acted
    client = raw_client(imap_server)
    client.select_folder(world.folder, readonly=True)
    (uid,) = client.search("ALL")  # still in place either way
    flags = client.get_flags([uid])[uid]
    client.logout()
    with world.svc.sessions() as s:
        counts = mailbox_action_counts(s)
    assert world.applications() == 1
    if world.settings.imap_processed_keyword.encode() in flags:  # Dovecot keeps keywords
        assert acted == 1
        assert counts == {"flagged": 1}
    else:  # pymap drops unknown keywords: said loudly, and the action stays to do
        assert acted == 0
        assert [e["event"] for e in logs if e["log_level"] == "error"] == [
            "mailbox_keyword_refused"
        ]
        assert counts == {WAITING_FOR_MAILBOX_ACTION: 1}
    assert isinstance(imap_server, DovecotServer) == (counts == {"flagged": 1})


def test_a_refused_login_names_no_password(imap_server):
    config = ImapConfig(
        imap_server.host, imap_server.port, imap_server.user, "wrong-pw-xyz", "none", 5
    )
    with capture_logs() as logs, pytest.raises(MailboxUnavailableError) as raised:
        ImapMailbox(config).connect()
    assert "LoginError" in str(raised.value)
    assert "wrong-pw-xyz" not in str(raised.value)
    assert "wrong-pw-xyz" not in repr(raised.value.__cause__)
    assert "wrong-pw-xyz" not in repr(logs)
