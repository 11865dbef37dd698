"""Mail rendering of the ``make eval`` world: the remittance layouts of the labelled corpus
(``fixtures/corpus_mail.py``, ``fixtures/corpus_pdf.py``), driven with the world's payments.

The corpus layouts pick a customer and a payment themselves (``rng.choice(ledger.by_country
(...))`` and ``make_payment(...)``); here they are handed a one-customer ledger and a
``make_payment`` that returns the payment the world chose, so the eval mails are drawn by the
very code the parsers are measured on, without copying it. A few forms the corpus has no
layout for (a payment with no invoice references) are written here with the corpus's
byte-stable mail builder.
"""

from __future__ import annotations

import random
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parents[1]
for _path in (REPO, REPO / "fixtures"):
    if str(_path) not in sys.path:  # run as a script: the repo's packages and the fixtures
        sys.path.insert(0, str(_path))

import corpus_mail  # noqa: E402  (after the sys.path fix above)
import corpus_pdf  # noqa: E402
from corpus_model import (  # noqa: E402
    DEDUCTION_REASONS,
    Customer,
    Invoice,
    Line,
    Payment,
    build_mail,
    fmt_amount,
    fmt_date,
    mail_date,
    method_ref,
    money_symbol,
)

__all__ = ["DEDUCTION_REASONS", "Customer", "Invoice", "Line", "Payment", "method_ref", "render"]

Layout = Callable[[random.Random, Any, str], Any]

#: Layout name -> (corpus module, layout function).
LAYOUTS: dict[str, tuple[ModuleType, str]] = {
    "text-table": (corpus_mail, "layout_body_text_table"),
    "sentences": (corpus_mail, "layout_body_sentences"),
    "html-table": (corpus_mail, "layout_html_table"),
    "csv": (corpus_mail, "layout_csv"),
    "xlsx": (corpus_mail, "layout_xlsx"),
    "pdf-ruled": (corpus_pdf, "layout_pdf_ruled_us"),
    "pdf-unruled": (corpus_pdf, "layout_pdf_unruled"),
    "pdf-check-stub": (corpus_pdf, "layout_pdf_check_stub"),
    "pdf-multipage": (corpus_pdf, "layout_pdf_multipage"),
    "pdf-sap": (corpus_pdf, "layout_pdf_sap_advice"),
    "pdf-deductions": (corpus_pdf, "layout_pdf_deductions"),
}
#: Layouts that show a per-line deduction and its reason (short pays, credit memos).
DEDUCTION_LAYOUTS = ("pdf-deductions",)
#: Layouts for payments with no references at all (written here).
NO_REFERENCE_LAYOUTS = ("noref-prose", "noref-advice")
DATE_RE = re.compile(rb"^Date: .*$", re.MULTILINE)


@dataclass(frozen=True)
class OneCustomer:
    """The slice of a corpus ``Ledger`` a layout reads, for one customer."""

    customer: Customer
    open_invoices: tuple[Invoice, ...]

    def by_country(self, *_countries: str) -> list[Customer]:
        return [self.customer]

    @property
    def invoices(self) -> dict[str, tuple[Invoice, ...]]:
        return {self.customer.number: self.open_invoices}

    @property
    def credits(self) -> dict[str, tuple[Invoice, ...]]:
        return {self.customer.number: ()}


@contextmanager
def _paying(module: ModuleType, pay: Payment) -> Iterator[None]:
    original = module.make_payment
    module.make_payment = lambda *_args, **_kwargs: pay
    try:
        yield
    finally:
        module.make_payment = original


def render(
    layout: str,
    pay: Payment,
    *,
    name: str,
    seed: str,
    open_invoices: tuple[Invoice, ...],
) -> bytes:
    """The mail ``name`` carrying ``pay`` in ``layout``; the same arguments give the same bytes
    (``seed`` drives every choice of wording, so a re-send under a new name reads the same)."""
    rng = random.Random(seed)  # fixture data, not security
    if layout == "noref-prose":
        return _noref_prose(rng, pay, name)
    if layout == "noref-advice":
        return _noref_advice(rng, pay, name)
    module, function = LAYOUTS[layout]
    with _paying(module, pay):
        sample = getattr(module, function)(rng, OneCustomer(pay.customer, open_invoices), name)
    return bytes(sample.eml)


def redate(raw: bytes, header: str) -> bytes:
    """``raw`` with its Date header replaced (a re-send goes out later than the original)."""
    return DATE_RE.sub(b"Date: " + header.encode(), raw, count=1)


def later_date(pay: Payment, days: int, seed: str) -> str:
    return mail_date(pay.paid_on + timedelta(days=days), random.Random(seed + ":later"))


def _noref_prose(rng: random.Random, pay: Payment, name: str) -> bytes:
    sym = money_symbol(pay.currency)
    method = corpus_mail.METHOD_EN[pay.method]
    text = rng.choice(
        (
            f"Hi,\n\nwe have sent a payment of {sym}{fmt_amount(pay.total)} by {method} on "
            f"{fmt_date(pay.paid_on, 'us')}, reference {pay.ref}.\n",
            f"Hello,\n\nplease note our {method} of {sym}{fmt_amount(pay.total)} dated "
            f"{fmt_date(pay.paid_on, 'long')} (reference {pay.ref}) for our open invoices.\n",
        )
    )
    return build_mail(
        name,
        sender=pay.sender,
        from_name=pay.from_name,
        subject=rng.choice(("Payment sent", "Payment", f"Payment {pay.ref}")),
        date_header=mail_date(pay.paid_on, rng),
        text=text + corpus_mail.signature(pay),
    )


def _noref_advice(rng: random.Random, pay: Payment, name: str) -> bytes:
    sym = money_symbol(pay.currency)
    text = (
        "Remittance advice\n\n"
        f"Payer:              {pay.customer.name}\n"
        f"Payment date:       {fmt_date(pay.paid_on, 'iso')}\n"
        f"Payment method:     {corpus_mail.METHOD_EN[pay.method]}\n"
        f"Payment reference:  {pay.ref}\n"
        f"Amount paid:        {sym}{fmt_amount(pay.total)}\n"
    )
    return build_mail(
        name,
        sender=pay.sender,
        from_name=pay.from_name,
        subject=f"Remittance advice {pay.ref}",
        date_header=mail_date(pay.paid_on, rng),
        text=text + corpus_mail.signature(pay),
    )
