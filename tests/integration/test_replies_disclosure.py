"""The disclosure property (issue 6, "Who may receive what"): over random ledgers and random
requests, every mail arbox writes to the outbox goes only to addresses that may receive the data
of every account it mentions.

A mail "mentions" an account when the customer's number or name, or the number of one of its
invoices, appears in the rendered mail (headers and every text part) or in the text of its PDFs.
Who may receive what is worked out here from the drawn ledger, not by asking
``outbound.recipients``: a registered contact of the customer (case-insensitive), or any
address at the domain the customer allows.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from email import message_from_bytes, policy
from email.message import EmailMessage

import pypdfium2 as pdfium
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from core.config import Settings
from core.refs import normalise_ref
from ledger import models as m
from ledger.base import Base
from worker.inbound.process import process_inbound
from worker.inbound.store import store_inbound
from worker.services import Services

pytestmark = [pytest.mark.integration]

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
NAMES = ("Acme Corp", "Borealis GmbH", "Cobalt Trading Ltd")
DOMAINS = ("acme.example", "borealis.example", "cobalt.example")
#: Invoice numbers of the worlds (and of requests: some are in no ledger).
NUMBERS = tuple(f"INV-{n}" for n in range(1001, 1010))


@dataclass(frozen=True)
class World:
    contacts: dict[int, frozenset[str]]  # customer index → addresses
    allowed_domain: dict[int, str | None]
    invoices: dict[str, tuple[int, Decimal, str, int]]  # number → (customer, amount, cur, age)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    n = draw(st.integers(2, 3))
    contacts: dict[int, frozenset[str]] = {}
    for c in range(n):
        own = {f"ap@{DOMAINS[c]}"} if draw(st.booleans()) else set()
        own |= draw(st.sets(st.sampled_from([f"pay@{DOMAINS[c]}", "shared@group.example"])))
        contacts[c] = frozenset(own or {f"ar@{DOMAINS[c]}"})
    allowed = {c: DOMAINS[c] if draw(st.booleans()) else None for c in range(n)}
    numbers = draw(st.lists(st.sampled_from(NUMBERS[:7]), unique=True, max_size=6))
    invoices = {
        number: (
            draw(st.integers(0, n - 1)),
            Decimal(draw(st.integers(1, 500_000))) / 100,
            draw(st.sampled_from(("USD", "EUR"))),
            draw(st.integers(0, 90)),
        )
        for number in numbers
    }
    return World(contacts=contacts, allowed_domain=allowed, invoices=invoices)


@dataclass(frozen=True)
class Request:
    sender: str
    kind: str
    refs: tuple[str, ...]
    subject_ref: bool


def senders(world: World) -> st.SearchStrategy[str]:
    known = sorted({a for addrs in world.contacts.values() for a in addrs})
    colleagues = [f"Jane@{d.upper()}" for d in DOMAINS[: len(world.contacts)]]
    # Contacts twice as often: their requests are the ones that can be answered at all.
    return st.sampled_from([*known, *known, *colleagues, "stranger@elsewhere.example"])


KINDS = ("copy", "statement", "balance", "dispute", "promise")


def body_of(request: Request) -> str:
    refs = " and ".join(f"invoice {r}" for r in request.refs)
    return {
        "copy": f"Hello,\ncould you send us a copy of {refs or 'the invoice'}?\nThanks",
        "statement": "Please send us a statement of account.",
        "balance": "What is our current balance?",
        "dispute": f"{(refs or 'The invoice').capitalize()} is wrong, we were overcharged.",
        "promise": f"We will pay {refs or 'you'} next Friday.",
    }[request.kind]


def requests(world: World) -> st.SearchStrategy[list[Request]]:
    one = st.builds(
        Request,
        sender=senders(world),
        kind=st.sampled_from(KINDS),
        # Mostly invoices of the ledger (whoever owns them), sometimes one of no ledger.
        refs=st.lists(
            st.sampled_from(sorted(world.invoices) or NUMBERS) | st.sampled_from(NUMBERS),
            unique=True,
            max_size=2,
        ).map(tuple),
        subject_ref=st.booleans(),
    )
    return st.lists(one, min_size=2, max_size=3)


@pytest.fixture(scope="module")
def svc(tmp_path_factory, sqlite_template):
    path = tmp_path_factory.mktemp("disclosure") / "ledger.db"
    shutil.copyfile(sqlite_template, path)
    cfg = Settings(
        database_url=f"sqlite:///{path}",
        ar_address="ar@arbox.example",
        company_name="Example Supplies Co.",
        parse_isolation=False,
        max_replies_per_sender_per_day=1000,
        reply_breaker_mails=0,
    )
    base = Services.from_settings(cfg)
    services = Services(
        settings=cfg,
        engine=base.engine,
        sessions=base.sessions,
        mailer=base.mailer,
        policy=base.policy,
        clock=lambda: NOW,
    )
    yield services
    services.engine.dispose()


def load(svc: Services, world: World) -> None:
    with svc.sessions.begin() as s:
        for table in reversed(Base.metadata.sorted_tables):
            s.execute(table.delete())
        ids = {}
        for c, addresses in world.contacts.items():
            customer = m.Customer(
                number=f"CUST-{c + 1}",
                name=NAMES[c],
                created_at=NOW,
                contact_domain=world.allowed_domain[c],
            )
            s.add(customer)
            s.flush()
            ids[c] = customer.id
            s.add_all(m.Contact(customer_id=customer.id, email=a) for a in addresses)
        for number, (c, amount, currency, age) in world.invoices.items():
            issued = NOW.date() - timedelta(days=age + 30)
            s.add(
                m.Invoice(
                    number=number,
                    ref_key=normalise_ref(number),
                    customer_id=ids[c],
                    issue_date=issued,
                    due_date=issued + timedelta(days=30),
                    amount=amount,
                    balance=amount,
                    currency=currency,
                    terms="Net 30",
                    status="open",
                    created_at=NOW,
                    updated_at=NOW,
                )
            )


def send(svc: Services, n: int, request: Request) -> None:
    msg = EmailMessage()
    msg["From"] = request.sender
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = f"About {request.refs[0]}" if request.subject_ref and request.refs else "Hi"
    msg["Message-ID"] = f"<r{n}@requests.example>"
    msg["Date"] = "Tue, 01 Dec 2026 10:00:00 +0100"
    msg.set_content(body_of(request))
    stored = store_inbound(svc, msg.as_bytes(), source="file")
    process_inbound(stored.inbound_id, svc=svc)


def rendered_text(raw: bytes) -> str:
    """Every header, every text part, and the text of every PDF of a mail."""
    msg = message_from_bytes(raw, policy=policy.default)
    texts = [f"{k}: {v}" for k, v in msg.items()]
    for part in msg.walk():
        if part.get_content_type().startswith("text/"):
            texts.append(part.get_content())
        elif part.get_content_type() == "application/pdf":
            doc = pdfium.PdfDocument(part.get_content())
            try:
                texts.extend(page.get_textpage().get_text_range() for page in doc)
            finally:
                doc.close()
    return "\n".join(texts)


def mentioned(world: World, text: str) -> set[int]:
    def said(word: str) -> bool:
        return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text) is not None

    accounts = {c for c in world.contacts if said(f"CUST-{c + 1}") or said(NAMES[c])}
    return accounts | {owner for number, (owner, *_) in world.invoices.items() if said(number)}


def may_receive(world: World, address: str, customer: int) -> bool:
    address = address.lower()
    domain = world.allowed_domain[customer]
    return address in world.contacts[customer] or (
        domain is not None and address.rpartition("@")[2] == domain
    )


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_every_recipient_may_receive_every_account_the_mail_mentions(svc, data):
    # Given a random ledger and random requests from contacts, colleagues and strangers
    world = data.draw(worlds())
    asked = data.draw(requests(world))
    load(svc, world)
    # When arbox processes them
    for n, request in enumerate(asked):
        send(svc, n, request)
    # Then every mail in the outbox goes only to who may read about each account it names
    with svc.sessions() as s:
        mails = s.execute(select(m.OutboxMessage.recipients, m.OutboxMessage.raw)).all()
    event(f"mails in the outbox: {min(len(mails), 3)}{'+' if len(mails) > 3 else ''}")
    for recipients, raw in mails:
        accounts = mentioned(world, rendered_text(raw))
        event("a mail mentions an account" if accounts else "a mail mentions none")
        for address in recipients.split(","):
            for customer in accounts:
                assert may_receive(world, address, customer), (address, customer, accounts)


def test_the_property_sees_a_mention_in_a_pdf():
    # The detector must be able to fail: a statement PDF naming an invoice counts.
    world = World(
        contacts={0: frozenset({"ap@acme.example"}), 1: frozenset({"ar@borealis.example"})},
        allowed_domain={0: None, 1: None},
        invoices={"INV-1001": (1, Decimal("5.00"), "USD", 0)},
    )
    assert mentioned(world, "Invoice number: INV-1001") == {1}
    assert mentioned(world, "INV-10010 Borealis") == set()
    assert mentioned(world, "Borealis GmbH") == {1}
    assert not may_receive(world, "AP@acme.example", 1)
    assert may_receive(world, "AP@acme.example", 0)
