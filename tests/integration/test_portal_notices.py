"""AP-portal payment notices (issue 23) through the real pipeline: ``arbox ingest`` of the
notices of fixtures/portal/ on a ledger where each payer is a customer whose registered contact
is not the platform's address. The notice goes the way a PDF advice goes (identify → decide →
post); the platform is no contact, so nothing is posted on its word alone and nothing is ever
sent to it; a notice whose invoices are only behind a link is a person's, with the link as
text."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.integration.cli import arbox, arbox_here, cli_env

pytestmark = [pytest.mark.integration, pytest.mark.redis, pytest.mark.smtp]

PORTAL = Path(__file__).resolve().parents[2] / "fixtures" / "portal"
PLATFORM_ADDRESSES = {
    "ordersender-prod@ansmtp.ariba.example",
    "no-reply@ansmtp.ariba.example",
    "do_not_reply@hartley.coupahost.example",
    "no-reply@notify.bill.example",
    "payments-noreply@notify.tipalti.example",
    "notifications@paymode.example",
    "donotreply@paymode.example",
}


@pytest.fixture
def env(tmp_path: Path, smtp_sink) -> dict[str, str]:
    env = cli_env(
        tmp_path,
        smtp_sink,
        ARBOX_AR_ADDRESS="ar@arbox.example",
        ARBOX_COMPANY_NAME="Example Supplies Co.",
    )
    assert arbox_here("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    imported = arbox_here("import", "invoices", str(PORTAL / "ledger.csv"), env=env, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    return env


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def review_items(env: dict[str, str], cwd: Path) -> list[dict]:
    listed = arbox_here("review", "list", "--format", "json", env=env, cwd=cwd)
    assert listed.returncode == 0, listed.stderr
    return json.loads(listed.stdout)


def ingest(env: dict[str, str], tmp_path: Path, mails: dict[str, bytes]) -> str:
    folder = tmp_path / "mails"
    folder.mkdir(exist_ok=True)
    for name, data in mails.items():
        (folder / name).write_bytes(data)
    result = arbox("ingest", str(folder), env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return result.stdout


def recipients(db: Path, smtp_sink) -> set[str]:
    time.sleep(1.0)  # anything the run sent has arrived by now (ingest sends before it ends)
    queued = {
        r.strip() for (rs,) in rows(db, "select recipients from outbox") for r in rs.split(",")
    }
    sent = {r for mail in smtp_sink.messages() for r in mail.rcpt_tos}
    return {r.lower() for r in queued | sent if r}


def test_platform_notices_are_held_for_the_bank_and_nothing_goes_to_the_platform(
    env, tmp_path, smtp_sink
):
    notices = {p.name: p.read_bytes() for p in sorted(PORTAL.glob("*.eml"))}
    ingest(env, tmp_path, notices)
    db = tmp_path / "arbox.db"
    items = review_items(env, tmp_path)
    by_mail: dict[str, list[dict]] = {}
    for item in items:
        by_mail.setdefault(item["message_id"], []).append(item)
    # The tables were read and decided line by line, each held: the platform is no contact
    held = {
        mid: sorted(c["invoice_number"] for i in its for c in i["candidates"][:1])
        for mid, its in by_mail.items()
        if all(i["kind"] == "unverified_payment" for i in its)
    }
    assert held == {
        "<ariba_remittance@ansmtp.ariba.example>": ["RE-2026-0811", "RE-2026-0840", "RE-2026-0852"],
        "<coupa_payment@hartley.coupahost.example>": ["HH-41007", "HH-41019", "HH-41022"],
        "<bill_payment@notify.bill.example>": ["PD-3301", "PD-3317"],
        "<tipalti_payment@notify.tipalti.example>": ["LM-2210", "LM-2231"],
        "<paymode_payment@paymode.example>": ["CC-9002", "CC-9003"],
    }
    for its in by_mail.values():
        for item in its:
            if item["kind"] == "unverified_payment":
                assert "is no registered contact" in item["reason"]
    tipalti = " ".join(i["reason"] for i in by_mail["<tipalti_payment@notify.tipalti.example>"])
    assert "75.00 stays open as a deduction (Short delivery: 3 units missing)" in tipalti
    # The link-only notices are a person's, the link written out, not followed
    (paymode,) = by_mail["<paymode_link_only@paymode.example>"]
    assert paymode["kind"] == "unreadable_document"
    assert paymode["reason"].startswith(
        "payment notice from Paymode-X on behalf of Calder Construction Co.: payment 4471-22 "
        "of $12,408.90 on 2026-11-30; the invoices paid are only listed on the portal (link, "
        "not opened): https://secure.paymode.example/pmx/remittance/view?pmt=4471-22"
    )
    (bill,) = by_mail["<bill_link_only@notify.bill.example>"]
    assert bill["kind"] == "unreadable_document"
    assert "https://app.bill.example/payments/BP9K2MX902" in bill["reason"]
    # Nothing posted on a platform's word, nothing sent anywhere, least of all to a platform
    assert rows(db, "select count(*) from applications") == [(0,)]
    assert recipients(db, smtp_sink) == set()


def teach_payer_rule(db: Path, name: str, customer_number: str) -> None:
    """The rule a clerk's "remember" would leave: this payer name is this customer."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.orm import Session

    from ledger.rules import create_rule

    engine = create_engine(f"sqlite:///{db}")
    with Session(engine) as session, session.begin():
        (customer_id,) = session.execute(
            text("select id from customers where number = :n"), {"n": customer_number}
        ).one()
        create_rule(
            session,
            kind="payer_name",
            pattern=name,
            customer_id=customer_id,
            actor="clerk",
            now=datetime.now(UTC),
        )
    engine.dispose()


def test_a_taught_payer_posts_the_notice_and_the_platform_still_gets_nothing(
    env, tmp_path, smtp_sink
):
    db = tmp_path / "arbox.db"
    teach_payer_rule(db, "Hartley Hospital Group", "C802")
    out = ingest(env, tmp_path, {"coupa.eml": (PORTAL / "coupa_payment.eml").read_bytes()})
    assert "1 applied" in out, out
    exported = arbox_here("export", "applications", "--format", "json", env=env, cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    applied = sorted(
        (row["invoice_number"], row["amount_applied"]) for row in json.loads(exported.stdout)
    )
    assert applied == [("HH-41007", "3136.00"), ("HH-41019", "4150.00"), ("HH-41022", "1448.50")]
    # The acknowledgement goes to the sender only when it is a registered contact: the
    # platform's no-reply address is none, so no mail is queued for it (or for anyone)
    got = recipients(db, smtp_sink)
    assert not got & PLATFORM_ADDRESSES
    assert got == set()


def test_a_notice_forwarded_by_the_registered_contact_is_applied_and_acknowledged_to_it(
    env, tmp_path, smtp_sink
):
    data = (PORTAL / "coupa_payment.eml").read_bytes()
    forwarded = data.replace(
        b"From: Hartley Hospital Group <do_not_reply@hartley.coupahost.example>",
        b"From: Hartley AP <payables@hartley-health.example>",
    ).replace(b"Reply-To: do_not_reply@hartley.coupahost.example\n", b"")
    out = ingest(env, tmp_path, {"fwd.eml": forwarded})
    assert "1 applied" in out, out
    assert len(rows(tmp_path / "arbox.db", "select id from applications")) == 3
    (ack,) = smtp_sink.wait_for(1, timeout=10)
    assert ack.rcpt_tos == ("payables@hartley-health.example",)


def notice_bytes(make, old: str, new: str) -> bytes:
    """The notice ``make`` writes, with ``old`` replaced by ``new`` in its subject and
    parts (before they are encoded)."""
    from fixtures.portal_notices import build_notice

    notice = make()
    return build_notice(
        dataclasses.replace(
            notice,
            subject=notice.subject.replace(old, new),
            text=notice.text.replace(old, new),
            html=notice.html.replace(old, new),
        )
    )


def test_a_spoofed_on_behalf_of_payer_is_not_believed(env, tmp_path, smtp_sink):
    from fixtures.portal_notices import ariba_remittance

    # Nordwind's invoices in a notice that says it is Hartley's payment, Hartley taught as a
    # payer: what the notice says does not agree, so nothing is posted by the rule
    db = tmp_path / "arbox.db"
    teach_payer_rule(db, "Hartley Hospital Group", "C802")
    spoofed = notice_bytes(ariba_remittance, "Nordwind Handels GmbH", "Hartley Hospital Group")
    ingest(env, tmp_path, {"spoofed.eml": spoofed})
    assert rows(db, "select count(*) from applications") == [(0,)]
    items = review_items(env, tmp_path)
    assert {item["kind"] for item in items} == {"unknown_sender"}
    assert {item["message_id"] for item in items} == {"<ariba_remittance@ansmtp.ariba.example>"}
    for item in items:
        assert "disagrees with the invoices named" in item["reason"], item["reason"]
    assert recipients(db, smtp_sink) == set()


def test_a_javascript_link_only_notice_is_reviewed_with_the_link_named_not_shown(
    env, tmp_path, smtp_sink
):
    from fixtures.portal_notices import paymode_link_only

    link = "https://secure.paymode.example/pmx/remittance/view?pmt=4471-22"
    hostile = notice_bytes(paymode_link_only, link, 'javascript:fetch("//evil.example")//')
    ingest(env, tmp_path, {"js.eml": hostile})
    (item,) = review_items(env, tmp_path)
    assert item["kind"] == "unreadable_document"
    assert item["reason"].endswith("(link, not opened): (a javascript: link, not shown)")
    assert "evil.example" not in item["reason"]


def test_hostile_notices_end_as_review_items_with_the_reason_never_a_crash(
    env, tmp_path, smtp_sink
):
    from email.message import EmailMessage

    def platform_mail(mid: str, html: str) -> bytes:
        msg = EmailMessage()
        msg["From"] = "Paymode-X <notifications@paymode.example>"
        msg["To"] = "ar@arbox.example"
        msg["Subject"] = "Payment notification"
        msg["Message-ID"] = f"<{mid}@paymode.example>"
        msg.set_content("See the HTML version.")
        msg.add_alternative(html, subtype="html")
        return msg.as_bytes()

    rows_ = "".join(f"<tr><td>CC-{n:06d}</td><td>1.00</td></tr>" for n in range(50_000))
    filler = "<p>" + "lorem ipsum dolor sit amet " * 40 + "</p>\n"
    ingest(
        env,
        tmp_path,
        {
            "rows.eml": platform_mail(
                "rows", f"<table><tr><th>Invoice</th><th>Amount Paid</th></tr>{rows_}</table>"
            ),
            "big.eml": platform_mail(
                "big",
                "<table><tr><th>Invoice</th><th>Amount Paid</th></tr>"
                "<tr><td>CC-9001</td><td>12,408.90</td></tr></table>"
                + filler
                * (10_000_000 // len(filler)),
            ),
            "scripts.eml": platform_mail(
                "scripts",
                "<script>document.write('CC-9001 12,408.90')</script>"
                "<iframe src='https://evil.example/'>CC-9001 12,408.90</iframe>"
                "<p>Thank you for using Paymode-X.</p>",
            ),
        },
    )
    items = {item["message_id"]: item for item in review_items(env, tmp_path)}
    too_long = "the HTML body: more than 5,000 lines: not read in part (a person's)"
    assert items["<rows@paymode.example>"]["kind"] == "unreadable_document"
    assert items["<rows@paymode.example>"]["reason"] == too_long
    assert items["<big@paymode.example>"]["reason"] == too_long
    # script and iframe content is no text: nothing to read, a person's
    assert items["<scripts@paymode.example>"]["kind"] == "not_a_remittance"
    assert rows(tmp_path / "arbox.db", "select count(*) from applications") == [(0,)]
    assert recipients(tmp_path / "arbox.db", smtp_sink) == set()
