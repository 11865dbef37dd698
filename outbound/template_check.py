"""Sample data for every template, and the start-up check of a company's own templates
(``ARBOX_TEMPLATES_DIR``): a template that does not compile, names a variable its mail does
not have, or is not one arbox sends is a clear error when arbox starts (``arbox config
check``, and every command that opens the database), never at send time. Pure: no IO beyond
reading the templates.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import TemplateError

from core.errors import ConfigError
from core.locales import locale_for_language
from core.types import AckLine
from ledger.dunning import CustomerDunning, Level, OverdueInvoice
from ledger.invoice_copies import InvoiceCopy
from ledger.statements import AgingBucket, Statement, StatementItem, UnappliedItem
from outbound.compose import Acknowledgement
from outbound.issued_mail import IssuedMailContext
from outbound.templating import language_dirs, render

#: The kinds of mail (a template's name up to its first dot) other than the dunning levels.
MAIL_KINDS = (
    "acknowledgement",
    "balance",
    "dispute_ack",
    "invoice_copy",
    "invoice_issued",
    "promise_ack",
    "request_received",
    "statement",
)
#: Dunning templates whatever the levels are: the table of invoices every level includes.
DUNNING_PARTS = ("reminder_lines",)
#: The packaged dunning levels (``ARBOX_DUNNING_LEVELS`` may name others).
DUNNING_LEVELS = ("reminder_1", "reminder_2", "final_notice")
AS_OF = date(2026, 3, 5)
COMPANY = "Arbox"


def _statement(*, unapplied: bool, currency: str = "EUR") -> Statement:
    items = (
        StatementItem("RE-1001", date(2026, 1, 5), date(2026, 2, 4), Decimal("1234.56"),
                      Decimal("1234.56"), 29),
        StatementItem("RE-1002", date(2026, 2, 20), date(2026, 3, 22), Decimal("80.00"),
                      Decimal("80.00"), 0),
    )  # fmt: skip
    credits = (
        StatementItem("GS-7", date(2026, 2, 1), date(2026, 2, 1), Decimal("-50.00"),
                      Decimal("-50.00"), 0, credits_number="RE-1001"),
    )  # fmt: skip
    cash = (UnappliedItem(date(2026, 3, 1), "ZV 4471", Decimal("950.00")),) if unapplied else ()
    return Statement(
        customer_id=1, customer_number="K-0815", customer_name="Acme SA", contacts=(),
        as_of=AS_OF, currency=currency, items=items, credits=credits, unapplied=cash,
        aging=(AgingBucket("current", Decimal("80.00")), AgingBucket("1-30", Decimal("1234.56"))),
    )  # fmt: skip


def _copy(number: str) -> InvoiceCopy:
    return InvoiceCopy(
        number=number, customer_number="K-0815", customer_name="Acme SA",
        issue_date=date(2026, 1, 5), due_date=date(2026, 2, 4), amount=Decimal("1234.56"),
        balance=Decimal("234.56"), currency="EUR", terms="30 T",
    )  # fmt: skip


def _dunning(level: str, count: int) -> dict[str, Any]:
    lvl = Level(days=7, name=level)
    due = tuple(
        OverdueInvoice(n, f"RE-10{n:02}", date(2026, 1, 5), date(2026, 2, 4), Decimal("1234.56"),
                       Decimal("1234.56"), "EUR", 29 if n else 1, lvl)
        for n in range(count)
    )  # fmt: skip
    plan = CustomerDunning(
        customer_id=1, customer_number="K-0815", customer_name="Acme SA", contacts=(),
        as_of=AS_OF, due=due, held=(), customer_holds=(),
    )  # fmt: skip
    total = sum((i.balance for i in due), start=Decimal("0.00"))
    return {"dunning": plan, "level": lvl, "totals": [("EUR", total)], "company_name": COMPANY}


def _issued(*, credit: bool, einvoice: str | None) -> IssuedMailContext:
    return IssuedMailContext(
        number="GS-7" if credit else "RE-1001", is_credit_note=credit, customer_name="Acme SA",
        issue_date=date(2026, 1, 5), due_date=date(2026, 2, 4), total=Decimal("1234.56"),
        currency="EUR", payment_reference=None if credit else "RF18 5390 0754 7034",
        credits="RE-1001" if credit else None, einvoice=einvoice,
    )  # fmt: skip


def sample_contexts(kind: str) -> list[dict[str, Any]]:
    """Contexts a template of ``kind`` renders with (one thing and several, a currency and
    two): what the mail of that kind hands it. Any other kind is a dunning level."""
    one, two = _statement(unapplied=False), _statement(unapplied=True)
    samples: dict[str, list[dict[str, Any]]] = {
        "acknowledgement": [
            {
                "ack": Acknowledgement(
                    "Acme SA",
                    "EUR",
                    (
                        AckLine("RE-1001", Decimal("1234.56"), "RE-1001", None),
                        AckLine("RE-1002", Decimal("30.00"), "RE-1002", Decimal("50.00")),
                    ),
                    (AckLine("", Decimal("12.00")),),
                )
            },
            {"ack": Acknowledgement("Acme SA", "EUR", (), (AckLine("X 7", Decimal("1.00")),))},
        ],
        "balance": [
            {
                "customer_name": "Acme SA",
                "customer_number": "K-0815",
                "as_of": AS_OF,
                "statements": statements,
            }
            for statements in ([one], [two, _statement(unapplied=True, currency="CHF")], [])
        ],
        "dispute_ack": [
            {"customer_name": "Acme SA", "invoices": invoices}
            for invoices in (["RE-1001"], ["RE-1001", "RE-1002"])
        ],
        "promise_ack": [
            {"customer_name": "Acme SA", "invoices": invoices, "promise_date": date(2026, 3, 20)}
            for invoices in (["RE-1001"], ["RE-1001", "RE-1002"], [])
        ],
        "request_received": [{}],
        "statement": [
            {"statements": statements, "customer": statements[0]}
            for statements in ([one], [two, _statement(unapplied=False, currency="CHF")])
        ],
        "invoice_issued": [
            {"doc": _issued(credit=credit, einvoice=einvoice)}
            for credit, einvoice in ((False, None), (False, "factur-x"), (True, "ubl"))
        ],
        "invoice_copy": [
            {"copies": copies, "customer": copies[0]}
            for copies in ([_copy("RE-1001")], [_copy("RE-1001"), _copy("RE-1002")])
        ],
    }
    if kind in samples:
        return [{**context, "company_name": COMPANY} for context in samples[kind]]
    level = kind if kind not in DUNNING_PARTS else DUNNING_LEVELS[0]
    return [_dunning(level, 1), _dunning(level, 2)]


def check_templates(templates_dir: Path, *, dunning_levels: Collection[str] = ()) -> int:
    """Render every template of ``templates_dir`` with its samples in its language; the
    number checked.

    Raises:
        ConfigError: the directory is missing, or a template is not one arbox sends, does
            not compile or does not render (each problem named, with the file).
    """
    if not templates_dir.is_dir():
        msg = f"ARBOX_TEMPLATES_DIR {str(templates_dir)!r} is not a directory"
        raise ConfigError(msg)
    known = {*MAIL_KINDS, *DUNNING_PARTS, *DUNNING_LEVELS, *dunning_levels}
    custom = set(language_dirs(templates_dir))
    problems: list[str] = []
    checked = 0
    for path in sorted(templates_dir.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        relative = path.relative_to(templates_dir)
        parts = relative.parts
        language = parts[0] if len(parts) == 2 and parts[0] in custom else "en"
        kind = path.name.split(".", 1)[0]
        if len(parts) > 2 or (len(parts) == 2 and parts[0] not in custom):
            problems.append(f"{relative}: not <language>/<name> (e.g. de/statement.txt.j2)")
        elif kind not in known or not path.name.endswith(".j2"):
            problems.append(f"{relative}: not a template arbox sends")
        else:
            checked += 1
            problem = _render_problem(path.name, kind, language, templates_dir)
            if problem:
                problems.append(f"{relative}: {problem}")
    if problems:
        msg = "ARBOX_TEMPLATES_DIR: " + "; ".join(problems)
        raise ConfigError(msg)
    return checked


def _render_problem(name: str, kind: str, language: str, templates_dir: Path) -> str | None:
    locale = locale_for_language(language) if language != "en" else "en_US"
    for context in sample_contexts(kind):
        try:
            render(name, context, locale=locale, templates_dir=templates_dir)
        except TemplateError as e:
            return f"{type(e).__name__}: {e.message or e}"
        except (TypeError, ValueError, AttributeError, ArithmeticError) as e:
            return f"{type(e).__name__}: {e}"
    return None
