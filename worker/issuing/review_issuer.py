"""The review app's Credit decision bound to the worker: what ``review.item_credit`` calls to
issue a credit memo (the review app does not import the worker; the process that serves it
passes this in: ``arbox serve``, ``arbox run``, ``arbox demo``)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from decimal import Decimal

from core.config import Settings
from worker.issuing.credits import issue_credit_memo
from worker.services import Services


class ReviewCreditIssuer:
    """Issues a credit memo with :func:`issue_credit_memo` and returns its number. The
    services are made on first use (``arbox serve`` starts before the database may be ready)
    unless given."""

    def __init__(
        self, settings: Settings, *, services: Services | Callable[[], Services] | None = None
    ) -> None:
        self._settings = settings
        self._services = services
        self._lock = threading.Lock()

    def _svc(self) -> Services:
        with self._lock:
            if self._services is None:
                self._services = Services.from_settings(self._settings)
            elif not isinstance(self._services, Services):
                self._services = self._services()
            return self._services

    def __call__(
        self,
        *,
        invoice_number: str,
        amount: Decimal | None,
        lines: Sequence[int],
        reason: str,
        by: str,
        issue_key: str | None = None,
    ) -> str:
        issued = issue_credit_memo(
            self._svc(),
            invoice_number=invoice_number,
            amount=amount,
            lines=lines,
            reason=reason,
            by=by,
            issue_key=issue_key,
        )
        return issued.number
