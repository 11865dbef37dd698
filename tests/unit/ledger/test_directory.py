"""The customer directory kept between mails (ledger.directory): reused while nobody changed
customers or contacts, read again after a change committed through another engine (another
worker process, an import), never left stale by a change that rolled back; on SQLite and
PostgreSQL (the token is set by database triggers)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session, sessionmaker

from ledger import directory as d
from ledger.models import Contact, Customer
from ledger.session import make_engine, make_sessionmaker
from matching.customer import NamePolicy, customer_by_payer_name
from tests.unit.ledger.conftest import NOW


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int | None]]:
    """The tokens the directory was read from the database under, in order."""
    d.forget()
    seen: list[int | None] = []
    real = d.read_directory

    def counted(session: Session, *, token: int | None) -> d.Directory:
        seen.append(token)
        return real(session, token=token)

    monkeypatch.setattr(d, "read_directory", counted)
    yield seen
    d.forget()


@pytest.fixture
def other_process(db_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions of a second engine on the same database: what another process writes."""
    engine: Engine = make_engine(db_url)
    yield make_sessionmaker(engine)
    engine.dispose()


def _add_customer(sessions: sessionmaker[Session], number: str, name: str, email: str) -> int:
    with sessions.begin() as s:
        customer = Customer(number=number, name=name, created_at=NOW)
        s.add(customer)
        s.flush()
        s.add(Contact(customer_id=customer.id, email=email))
        s.flush()
        return customer.id


def _named(sessions: sessionmaker[Session], payer: str) -> int | None:
    with sessions() as s:
        found, _ = customer_by_payer_name(payer, d.customer_directory(s).names, policy=NamePolicy())
        return found


def test_the_directory_is_read_once_while_customers_and_contacts_do_not_change(sessions, reads):
    acme = _add_customer(sessions, "C-001", "Acme Holdings Inc.", "ap@acme.example")
    beta = _add_customer(sessions, "C-002", "Beta Traders GmbH", "ap@beta.example")
    for _ in range(3):
        with sessions() as s:
            kept = d.customer_directory(s)
    assert len(reads) == 1
    assert kept.customers_at_domain("ACME.example") == [acme]
    assert kept.customers_at_domain("nobody.example") == []
    assert _named(sessions, "ACME HOLDINGS") == acme
    assert _named(sessions, "Beta Traders") == beta


def test_a_rename_committed_by_another_process_is_seen_by_the_next_mail(
    sessions, other_process, reads
):
    acme = _add_customer(sessions, "C-001", "Acme Holdings Inc.", "ap@acme.example")
    assert _named(sessions, "Acme Holdings") == acme
    # another worker (an import) renames the customer and adds one at the same domain
    with other_process.begin() as s:
        s.execute(update(Customer).where(Customer.id == acme).values(name="Zeta Logistics"))
    assert _named(sessions, "Acme Holdings") is None
    assert _named(sessions, "Zeta Logistics") == acme
    sister = _add_customer(other_process, "C-009", "Acme Sister", "billing@acme.example")
    with sessions() as s:
        assert d.customer_directory(s).customers_at_domain("acme.example") == [acme, sister]
    # a contact removed: the domain is one customer's again
    with other_process.begin() as s:
        s.query(Contact).filter(Contact.customer_id == sister).delete()
    with sessions() as s:
        assert d.customer_directory(s).customers_at_domain("acme.example") == [acme]
    assert len(reads) == 4


def test_a_change_that_rolled_back_leaves_no_stale_directory(sessions, other_process, reads):
    acme = _add_customer(sessions, "C-001", "Acme Holdings Inc.", "ap@acme.example")
    with sessions() as s:
        s.begin()
        s.execute(update(Customer).where(Customer.id == acme).values(name="Ghost Name"))
        assert (
            customer_by_payer_name(
                "Ghost Name", d.customer_directory(s).names, policy=NamePolicy()
            )[0]
            == acme
        )
        s.rollback()
    # the rolled-back rename is not what the next mail sees, nor after another real change
    assert _named(sessions, "Ghost Name") is None
    with other_process.begin() as s:
        s.execute(update(Customer).where(Customer.id == acme).values(name="Real Name"))
    assert _named(sessions, "Ghost Name") is None
    assert _named(sessions, "Real Name") == acme
