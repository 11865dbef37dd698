"""A reviewer's reply goes through the outbox to the mail's sender only when the sender is a
registered contact of the item's customer, once per submitted form."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from core.errors import RefusedActionError
from ledger import models as m
from review.item_reply import ReplySender, send_reply
from tests.unit.review.item_seed import seed

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
SENDER = ReplySender(ar_address="ar@arbox.example", company_name="Example Supplies Co.")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    done = seed(tmp_path_factory.mktemp("reply"))
    yield done
    done.svc.engine.dispose()


def outbox(session):
    return session.scalars(select(m.OutboxMessage).where(m.OutboxMessage.kind == "reply")).all()


def test_a_reply_to_a_registered_contact_is_queued_once_in_the_thread(seeded):
    item = seeded.items["ambiguous"]
    with seeded.svc.sessions.begin() as s:
        first = send_reply(
            s,
            item_id=item,
            body="Thanks, we will apply it today.",
            actor="clara",
            now=NOW,
            sender=SENDER,
            submission="r1",
        )
        again = send_reply(
            s,
            item_id=item,
            body="Thanks, we will apply it today.",
            actor="clara",
            now=NOW,
            sender=SENDER,
            submission="r1",
        )
    assert not first.duplicate and again.duplicate
    with seeded.svc.sessions() as s:
        (row,) = outbox(s)
        assert row.recipients == "ap@acme-parts.example"
        sent = message_from_bytes(row.raw, policy=policy.default)
        assert sent["In-Reply-To"] == "<ambiguous@acme>"
        assert sent["Subject"] == "Re: Payment advice"
        assert "Auto-Submitted" not in sent
        assert sent.get_content().strip() == "Thanks, we will apply it today."
        assert s.get(m.ReviewItem, item).status == "open"


def test_no_reply_goes_to_a_sender_who_is_no_contact_of_the_customer(seeded):
    item = seeded.items["unknown"]  # pay@bank.example, customer not identified
    with seeded.svc.sessions.begin() as s:
        before = len(outbox(s))
        with pytest.raises(RefusedActionError, match="customer is not known"):
            send_reply(s, item_id=item, body="Hello", actor="clara", now=NOW, sender=SENDER)
        s.get(m.ReviewItem, item).customer_id = s.scalars(
            select(m.Customer.id).where(m.Customer.number == "C701")
        ).one()
        with pytest.raises(RefusedActionError, match="not a registered contact"):
            send_reply(s, item_id=item, body="Hello", actor="clara", now=NOW, sender=SENDER)
        assert len(outbox(s)) == before
        s.rollback()


def test_an_empty_reply_or_no_ar_address_is_refused(seeded):
    item = seeded.items["split"]
    with seeded.svc.sessions() as s:
        with pytest.raises(RefusedActionError, match="empty"):
            send_reply(s, item_id=item, body="  ", actor="c", now=NOW, sender=SENDER)
        with pytest.raises(RefusedActionError, match="ARBOX_AR_ADDRESS"):
            send_reply(
                s,
                item_id=item,
                body="x",
                actor="c",
                now=NOW,
                sender=ReplySender(ar_address=None, company_name="x"),
            )
