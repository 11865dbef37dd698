"""`arbox review close`: a dispute settled from the command line ends its reminder hold; a
remittance line's item cannot be closed that way, and nothing changes when it is refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from core.config import Settings
from ledger import models as m
from ledger.dunning import iter_dunning, levels_from
from ledger.imports import import_invoices
from ledger.migrate import upgrade
from tests.integration.cli import arbox_here, cli_env
from tests.unit.ledger.test_holds import LEDGER, NOW
from tests.unit.ledger.test_holds import process as mail
from worker.services import Services


def disputed(svc: Services) -> list[str]:
    """The invoices whose reminders a dispute holds."""
    levels = levels_from([(7, "reminder_1")])
    (plan,) = iter_dunning(
        svc.sessions, as_of=date(2026, 12, 10), levels=levels, customer_number="C701"
    )
    return [h.invoice.number for h in plan.held if any("dispute" in r for r in h.reasons)]


def test_closing_a_dispute_ends_its_hold_and_a_remittance_item_is_refused(
    tmp_path: Path, smtp_sink
):
    env = cli_env(tmp_path, smtp_sink, ARBOX_AR_ADDRESS="ar@arbox.example")
    settings = Settings(database_url=env["ARBOX_DATABASE_URL"], ar_address="ar@arbox.example")
    upgrade(settings.database_url)
    svc = Services.from_settings(settings)
    (tmp_path / "ledger.csv").write_text(LEDGER)
    with svc.sessions.begin() as session:
        import_invoices(session, tmp_path / "ledger.csv", default_currency="USD", now=NOW)
    mail(svc, "Invoice INV-70001 is wrong, we were overcharged.", mid="<d1@acme-mfg.example>")
    mail(svc, "We paid 10.00 for invoice INV-99999.", mid="<r1@acme-mfg.example>")
    with svc.sessions() as s:
        items = dict(s.execute(select(m.ReviewItem.kind, m.ReviewItem.id)).tuples().all())
    assert disputed(svc) == ["INV-70001"]
    # A remittance line's item is decided by its cash, not closed: refused, nothing changed
    line_item = next(i for kind, i in items.items() if kind != "dispute")
    refused = arbox_here("review", "close", str(line_item), "--reason", "x", "--by", "clara",
                         env=env, cwd=tmp_path)  # fmt: skip
    assert refused.returncode == 1 and "nothing was changed" in refused.stderr
    # The dispute, closed with its reason, holds nothing any more
    done = arbox_here("review", "close", str(items["dispute"]), "--reason",
                      "credit note agreed", "--by", "clara", env=env, cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "resolved, nothing posted: credit note agreed (by clara)" in done.stdout
    assert disputed(svc) == []
    with svc.sessions() as s:
        item = s.get(m.ReviewItem, items["dispute"])
        assert (item.status, item.resolved_by) == ("resolved", "clara")
    # Closing it again changes nothing and says so
    again = arbox_here("review", "close", str(items["dispute"]), "--reason", "again", "--by",
                       "clara", env=env, cwd=tmp_path)  # fmt: skip
    assert again.returncode == 1 and "nothing was changed" in again.stderr
    svc.engine.dispose()
