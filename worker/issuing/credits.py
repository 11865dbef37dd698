"""Credit memos (``arbox credits issue``, and the review app's "credit" decision): one
function, :func:`issue_credit_memo`, that every caller uses.

A credit memo credits an invoice arbox issued (an imported invoice has no lines and no tax
breakdown to credit: it is refused). What it credits:

- the whole invoice (neither ``amount`` nor ``lines``): every line as it was;
- chosen lines (``lines``: 1-based line numbers, each once): those lines as they were;
- an amount (``amount``: gross, what the customer's balance goes down by): one line per tax
  category and rate of the invoice, the amount split in proportion of each rate's gross
  (the last rate takes the remainder), each line's net chosen so that net + its tax is its
  share to the cent where the rounding allows (else within a minor unit).

Never more than the invoice's amount less what earlier credit memos credited. The memo is
numbered from its own sequence (``ARBOX_CREDIT_NUMBER_FORMAT``), a credit note (381) naming
the invoice, stored as a negative open item (amount = balance = −gross) linked by
``credits_invoice_id``, mailed like an invoice (PDF, and the customer's e-invoice as a 381),
with an audit event carrying the reason and the user — all in one transaction.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.config import Settings
from core.errors import InvoiceDataError, PermanentError
from core.invoice_totals import compute_invoice
from core.invoicing import (
    CreditedInvoice,
    DocumentType,
    InvoiceDraft,
    InvoiceLine,
    TaxCategory,
)
from core.money import minor_unit, minor_units, round_money
from ledger.issuing_store import (
    CreditSource,
    StoredLine,
    billing_customer_by_id,
    credit_source,
    issued_by_key,
)
from worker.issuing.common import (
    NEXT,
    IssuedDocument,
    Pending,
    buyer,
    einvoice_for,
    locale_of,
    mail_style,
    policy,
    recipients,
    seller,
    store_and_queue,
)
from worker.runs.statements import send_statements
from worker.services import Services

MAX_REASON = 500
#: The audit trail's actor column.
MAX_USER = 255


class CreditRefusedError(PermanentError):
    """The credit memo cannot be issued; the message says why."""


def issue_credit_memo(
    svc: Services,
    *,
    invoice_number: str,
    amount: Decimal | None = None,
    lines: Sequence[int] = (),
    reason: str,
    by: str,
    send: bool = True,
    issue_key: str | None = None,
) -> IssuedDocument:
    """Issue a credit memo for ``invoice_number`` (see the module) and, with ``send``, mail it
    now when SMTP is configured (else the outbox sender does). With ``issue_key`` (the review
    app's ``review-item:<id>``), a memo issued under that key before is returned instead
    (``already_issued``), even when two processes ask at once: the key is unique.

    Raises:
        CreditRefusedError: unknown or imported invoice, both ``amount`` and ``lines``, a
            line that does not exist, an amount ≤ 0 or more than is left to credit, no
            reason or user, no contact to mail it to.
    """
    reason, by = _checked(amount, lines, reason, by)
    if issue_key is not None:
        found = _issued_before(svc, issue_key, invoice_number)
        if found is not None:
            return found
    try:
        return _issue(svc, invoice_number, amount, lines, reason, by, send, issue_key)
    except IntegrityError:
        found = _issued_before(svc, issue_key, invoice_number) if issue_key else None
        if found is None:
            raise
        return found  # another process issued it under the same key meanwhile


def _issued_before(svc: Services, key: str, invoice_number: str) -> IssuedDocument | None:
    with svc.sessions() as session:
        found = issued_by_key(session, key)
        source = credit_source(session, invoice_number) if found else None
        if found is None or source is None:
            return None
        customer = billing_customer_by_id(session, source.customer_id)
    invoice_id, number, amount = found
    return IssuedDocument(
        number=number,
        kind="credit_memo",
        customer_number=customer.number,
        currency=source.currency,
        total=-amount,
        invoice_id=invoice_id,
        outbox_id=None,
        already_issued=True,
        credits=source.number,
    )


def _issue(
    svc: Services,
    invoice_number: str,
    amount: Decimal | None,
    lines: Sequence[int],
    reason: str,
    by: str,
    send: bool,
    issue_key: str | None,
) -> IssuedDocument:
    settings, now = svc.settings, svc.clock()
    style = mail_style(settings)
    with svc.sessions.begin() as session:
        source = credit_source(session, invoice_number)
        if source is None:
            raise CreditRefusedError(f"{invoice_number[:64]}: no such invoice to credit")
        if not source.lines:
            raise CreditRefusedError(
                f"{source.number} was imported, not issued by arbox: its lines and tax are "
                "unknown; credit it where it was issued"
            )
        pending = _pending(
            session, source, _credit_lines(source, amount=amount, lines=lines), svc, reason, by
        )
        rest = _last_takes_the_rest(source, pending, settings)
        if rest is not None:
            pending = _pending(session, source, rest, svc, reason, by)
        pending = dataclasses.replace(pending, issue_key=issue_key)
        try:
            issued, invoice_id, outbox_id = store_and_queue(
                session, pending, settings=settings, style=style, now=now
            )
        except InvoiceDataError as e:
            raise CreditRefusedError(f"{source.number}: {e}") from e
        left = source.amount - source.credited
        if issued.amount_due > left:
            raise CreditRefusedError(
                f"{source.number}: crediting {issued.amount_due} {source.currency} is more than "
                f"the {left} left to credit (invoice {source.amount}, credited {source.credited})"
            )
    if send and outbox_id is not None and settings.smtp_configured:
        send_statements(svc, [outbox_id])
    return IssuedDocument(
        number=issued.draft.number,
        kind="credit_memo",
        customer_number=pending.customer.number,
        currency=source.currency,
        total=issued.amount_due,
        invoice_id=invoice_id,
        outbox_id=outbox_id,
        credits=source.number,
    )


def _last_takes_the_rest(
    source: CreditSource, pending: Pending, settings: Settings
) -> tuple[InvoiceLine, ...] | None:
    """What is left to credit, split over the invoice's rates, when ``pending``'s gross is
    more than that by no more than a minor unit per tax rate (the invoice's tax was rounded
    on its total, each credit's on its own lines: three lines of 0.03 at 19 % are 0.11
    together, 0.04 each): the credit that completes the invoice takes exactly the rest.
    None: ``pending`` stands as it is."""
    left = source.amount - source.credited
    gross = compute_invoice(pending.draft, policy=policy(settings)).amount_due
    slack = minor_unit(source.currency) * len({line.tax_rate for line in source.lines})
    if left <= 0 or not left < gross <= left + slack:
        return None
    return _amount_lines(source, left)


def _checked(amount: Decimal | None, lines: Sequence[int], reason: str, by: str) -> tuple[str, str]:
    reason, by = reason.strip(), by.strip()
    if not reason or len(reason) > MAX_REASON:
        raise CreditRefusedError(f"a credit memo needs a reason (1 to {MAX_REASON} characters)")
    if not by or len(by) > MAX_USER:
        raise CreditRefusedError(
            f"a credit memo needs the user who issues it (--by, 1 to {MAX_USER} characters)"
        )
    if amount is not None and lines:
        raise CreditRefusedError("give an amount or lines, not both")
    return reason, by


def _pending(
    session: Session,
    source: CreditSource,
    lines: tuple[InvoiceLine, ...],
    svc: Services,
    reason: str,
    by: str,
) -> Pending:
    """The memo to issue: a 381 crediting ``source``, to its customer's billing contacts."""
    settings, today = svc.settings, svc.clock().date()
    customer = billing_customer_by_id(session, source.customer_id)
    to = recipients(customer)
    if not to:
        raise CreditRefusedError(f"customer {customer.number} has no contact to mail it to")
    return Pending(
        draft=InvoiceDraft(
            seller=seller(settings, source.currency),
            buyer=buyer(customer),
            number=NEXT,
            issue_date=today,
            due_date=today,
            currency=source.currency,
            lines=lines,
            document_type=DocumentType.CREDIT_NOTE,
            credits=CreditedInvoice(source.number, source.issue_date),
            po_number=source.po_number,
            notes=(reason,),
        ),
        customer=customer,
        to=to,
        locale=locale_of(customer, to, settings),
        einvoice=einvoice_for(customer, source.einvoice, settings),
        credits_invoice_id=source.id,
        action="issue_credit_memo",
        actor=by,
        detail=(("reason", reason), ("credits", source.number)),
    )


def _credit_lines(
    source: CreditSource, *, amount: Decimal | None, lines: Sequence[int]
) -> tuple[InvoiceLine, ...]:
    if lines:
        if len(set(lines)) != len(lines):
            raise CreditRefusedError("a line is named twice")
        bad = [n for n in lines if not 1 <= n <= len(source.lines)]
        if bad:
            raise CreditRefusedError(
                f"{source.number} has lines 1 to {len(source.lines)}, not {bad[0]}"
            )
        return tuple(_as_line(source.lines[n - 1]) for n in sorted(lines))
    if amount is None:
        return tuple(_as_line(line) for line in source.lines)
    if not amount.is_finite() or amount <= 0:
        raise CreditRefusedError(f"the amount {amount} must be more than 0")
    if round_money(amount, source.currency) != amount:
        raise CreditRefusedError(
            f"the amount {amount} has more than {minor_units(source.currency)} decimals"
        )
    return _amount_lines(source, amount)


def _as_line(line: StoredLine) -> InvoiceLine:
    return InvoiceLine(
        description=line.description,
        quantity=line.quantity,
        unit_price=line.unit_price,
        tax_rate=line.tax_rate,
        tax_category=TaxCategory(line.tax_category),
        unit_code=line.unit_code,
    )


def _amount_lines(source: CreditSource, amount: Decimal) -> tuple[InvoiceLine, ...]:
    """One line per category and rate: ``amount`` split in proportion of their gross, each
    share nudged by a minor unit or two where needed so that every share is a net plus its
    tax exactly, and the shares add up to ``amount`` exactly.

    Raises:
        CreditRefusedError: no such split exists (amounts of a cent or two over several rates).
    """
    groups: dict[tuple[str, Decimal], Decimal] = {}
    for line in source.lines:
        key = (line.tax_category, line.tax_rate.normalize())
        gross = line.net + (line.tax if line.tax is not None else line.net * line.tax_rate / 100)
        groups[key] = groups.get(key, Decimal(0)) + gross
    total = sum(groups.values(), start=Decimal(0))
    keys = list(groups)
    ideal = [round_money(amount * groups[key] / total, source.currency) for key in keys[:-1]]
    shares = _exact_split(amount, ideal, [rate for _, rate in keys], source.currency)
    if shares is None:
        raise CreditRefusedError(
            f"{amount} {source.currency} cannot be split over the invoice's tax rates so that "
            "every part is a net plus its tax exactly: credit lines, or a slightly other amount"
        )
    return tuple(
        InvoiceLine(
            description=f"Credit on invoice {source.number}",
            quantity=Decimal(1),
            unit_price=net,
            tax_rate=rate,
            tax_category=TaxCategory(category),
        )
        for (category, rate), (net, share) in zip(keys, shares, strict=True)
        if share > 0
    )


def _exact_split(
    amount: Decimal, ideal: list[Decimal], rates: list[Decimal], currency: str
) -> list[tuple[Decimal, Decimal]] | None:
    """(net, gross) per rate: the gross of all but the last near ``ideal`` (within two minor
    units), the last taking the rest, each gross a net plus its tax exactly; None if none is."""
    unit = Decimal(1).scaleb(-minor_units(currency))
    steps = (0, -1, 1, -2, 2) if len(ideal) <= 4 else (0, -1, 1)  # bounded work per rate
    for nudges in itertools.product(steps, repeat=len(ideal)):
        shares = [share + step * unit for share, step in zip(ideal, nudges, strict=True)]
        shares.append(amount - sum(shares, start=Decimal(0)))
        if any(share < 0 for share in shares):
            continue
        nets = [
            _exact_net(share, rate, currency) for share, rate in zip(shares, rates, strict=True)
        ]
        if all(net is not None for net in nets):
            return [
                (net, share) for net, share in zip(nets, shares, strict=True) if net is not None
            ]
    return None


def _exact_net(gross: Decimal, rate: Decimal, currency: str) -> Decimal | None:
    """The net whose tax at ``rate`` brings it to ``gross`` exactly, or None."""
    unit = Decimal(1).scaleb(-minor_units(currency))
    first = (gross * 100 / (100 + rate)).quantize(unit, rounding=ROUND_HALF_UP)
    for net in (first, first - unit, first + unit):
        if net + round_money(net * rate / 100, currency) == gross:
            return net
    return None
