"""A small ledger and a few synthetic mails run through the real pipeline, leaving review
items of the kinds the item page shows: a near reference with candidates, a payment to split,
a short pay, an unknown sender, a payer name with markup in it, a mail with a PDF and HTML.
Shared by the item page's route and browser tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.config import Settings
from ledger import models as m
from ledger.imports import import_invoices
from ledger.migrate import upgrade
from tests.fakes import RecordingMailer
from worker.inbound.process import process_inbound
from worker.inbound.store import store_inbound
from worker.services import Services

REPO = Path(__file__).resolve().parents[3]
PDF = REPO / "fixtures" / "remittances" / "cobalt_ruled_table.pdf"

LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
INV-70001,C701,Acme Parts Co,ap@acme-parts.example,2026-10-01,2026-10-31,1250.00
INV-70002,C701,Acme Parts Co,ap@acme-parts.example,2026-10-05,2026-11-04,99.99
INV-70003,C701,Acme Parts Co,ap@acme-parts.example,2026-10-06,2026-11-05,400.00
INV-70004,C701,Acme Parts Co,ap@acme-parts.example,2026-10-07,2026-11-06,600.00
INV-70005,C701,Acme Parts Co,ap@acme-parts.example,2026-10-08,2026-11-07,1250.00
INV-80001,C801,Boreal Farms Ltd,ap@boreal-farms.example,2026-10-05,2026-11-04,10.00
"""


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@dataclass(frozen=True)
class Seeded:
    """The services and the review item ids by what each one is."""

    svc: Services
    items: dict[str, int]


def mail(
    body: str,
    *,
    sender: str,
    mid: str,
    html: str | None = None,
    pdf: bytes | None = None,
    name: str = "",
) -> bytes:
    msg = EmailMessage()
    msg["From"] = Address(display_name=name, addr_spec=sender) if name else sender
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = "Payment advice"
    msg["Message-ID"] = mid
    msg.set_content(body)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    if pdf is not None:
        msg.add_attachment(pdf, maintype="application", subtype="pdf", filename="advice.pdf")
    return msg.as_bytes()


MAILS = {
    # 1,250.00 and no reference: INV-70001 and INV-70005 both have that balance
    "ambiguous": mail(
        "Remittance advice\nAmount paid: 1,250.00\n",
        sender="ap@acme-parts.example",
        mid="<ambiguous@acme>",
    ),
    # a reference nobody has, from a registered contact: the clerk splits it over two invoices
    "split": mail(
        "Remittance advice\nINV-7999 1,000.00\n", sender="ap@acme-parts.example", mid="<split@acme>"
    ),
    # short pay of INV-70002 (99.99) without a reason
    "short": mail(
        "Remittance advice\nINV-70002 90.00\n", sender="ap@acme-parts.example", mid="<short@acme>"
    ),
    # an unknown sender naming an invoice number nobody has
    "unknown": mail(
        "Remittance advice\nINV-99999 500.00\n",
        sender="pay@bank.example",
        mid="<unknown@bank>",
        name="ACME HOLDINGS",
    ),
    # a payer whose name is markup, and an HTML body with a script and a remote image
    "script": mail(
        "Remittance advice\nINV-12345 77.00\n",
        sender="ap@x.example",
        mid="<script@x>",
        name="<script>alert('payer')</script>",
        html="<p onclick='x()'>Remittance <b>INV-12345</b> 77.00"
        "<img src='https://tracker.example/p.gif'><script>alert(2)</script></p>",
    ),
    # an AP platform's notice whose invoices are only on its portal: the link is text
    "portal_link": mail(
        "Acme Parts Co has sent you a payment.\nPayment Amount: $1,349.99\n",
        sender="notifications@paymode.example",
        mid="<portal@paymode>",
        name="Paymode-X",
        html="<p>Acme Parts Co has sent you a payment.</p><p>Payment Amount: $1,349.99</p>"
        '<p><a href="https://secure.paymode.example/remit?id=77&amp;t=&quot;&gt;&lt;b&gt;x">'
        "View the remittance details online</a></p>",
    ),
    # a PDF advice from a customer we do not know (Cobalt Retail GmbH)
    "pdf": mail(
        "Please find our payment advice attached.\n",
        sender="ap@cobalt.example",
        mid="<pdf@cobalt>",
        pdf=PDF.read_bytes(),
    ),
}


def seed(tmp_path: Path, *, database_url: str | None = None) -> Seeded:
    """A new SQLite ledger under ``tmp_path`` with the ledger above and the mails run."""
    settings = Settings(
        database_url=database_url or f"sqlite:///{tmp_path / 'review.db'}",
        ar_address="ar@arbox.example",
        data_dir=tmp_path / "data",
        parse_isolation=False,
    )
    upgrade(settings.database_url)
    base = Services.from_settings(settings, mailer=RecordingMailer())
    svc = Services(
        settings=settings,
        engine=base.engine,
        sessions=base.sessions,
        mailer=base.mailer,
        policy=base.policy,
        clock=Clock(),
    )

    def ingest(raw: bytes) -> int:
        stored = store_inbound(svc, raw, source="file")
        process_inbound(stored.inbound_id, svc=svc)
        return stored.inbound_id

    return Seeded(svc=svc, items=seed_into(svc.sessions, ingest, tmp_path, now=svc.clock()))


def seed_into(
    sessions: sessionmaker[Session],
    ingest: Callable[[bytes], int],
    workdir: Path,
    *,
    now: datetime,
) -> dict[str, int]:
    """Import the ledger above into ``sessions`` and run each mail through ``ingest``; the
    first review item each mail opened, by the mail's name."""
    csv = workdir / "item_ledger.csv"
    csv.write_text(LEDGER)
    with sessions.begin() as session:
        import_invoices(session, csv, default_currency="USD", now=now)
    items: dict[str, int] = {}
    for name, raw in MAILS.items():
        inbound_id = ingest(raw)
        with sessions() as session:
            found = session.scalars(
                select(m.ReviewItem.id)
                .where(m.ReviewItem.inbound_id == inbound_id)
                .order_by(m.ReviewItem.id)
            ).first()
        if found is not None:
            items[name] = found
    return items
