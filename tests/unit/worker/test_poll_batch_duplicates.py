"""The same mail twice in one batch (delivered twice, or copied back into the folder) is
stored once, both positions are recorded, and its inbound row is queued once
(worker.poller)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from core.config import Settings
from ledger import models as m
from tests.unit.worker.test_poller import CONFIG, FakeMailbox, mail
from worker.poller import Poller
from worker.services import Services


def test_a_mail_twice_in_one_batch_is_stored_once_and_queued_once(database_url: str) -> None:
    svc = Services.from_settings(Settings(database_url=database_url))
    same = mail("<twice@x>")
    box = FakeMailbox({"INBOX": {1: same, 2: mail("<other@x>"), 3: same}, "Processed": {}})
    queued: list[int] = []
    poller = Poller(svc, CONFIG, folders=["INBOX"], enqueue=queued.append)

    poller.poll_once(box)

    with svc.sessions() as s:
        assert s.execute(select(func.count(m.InboundMessage.id))).scalar_one() == 2
        assert s.execute(select(func.count(m.MailboxMessage.id))).scalar_one() == 3
    svc.engine.dispose()
    twice = [inbound_id for inbound_id, n in Counter(queued).items() if n > 1]
    assert twice == [], f"inbound rows {twice} queued more than once: {queued}"
