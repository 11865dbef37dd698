"""The side-effecting services a pipeline step needs, behind ``get_services()``.

Same shape as dramatiq's ``get_broker()``/``set_broker()``: entry points build the services
once from the settings and set them; actors call ``get_services()``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.config import Settings
from ledger.session import make_engine, make_sessionmaker
from matching.decide import MatchPolicy
from outbound.smtp import Mailer, SmtpMailer


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Services:
    """Everything with side effects that pipeline steps use."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    mailer: Mailer | None
    policy: MatchPolicy
    clock: Callable[[], datetime] = utc_now

    @classmethod
    def from_settings(cls, settings: Settings, *, mailer: Mailer | None = None) -> Services:
        """Services for ``settings``; the SMTP mailer comes from them unless given."""
        engine = make_engine(settings.database_url)
        if mailer is None and settings.smtp_configured:
            mailer = SmtpMailer.from_settings(settings)
        return cls(
            settings=settings,
            engine=engine,
            sessions=make_sessionmaker(engine),
            mailer=mailer,
            policy=MatchPolicy(
                auto_apply=settings.auto_apply,
                amount_tolerance=settings.amount_tolerance,
                identify_by_content=settings.identify_by_content,
                near_matches=settings.near_matches,
                discount_grace_days=settings.discount_grace_days,
                combinations=settings.combinations,
                shadow=settings.shadow_mode,
                min_confidence=settings.auto_apply_min_confidence,
                amount_bands=settings.amount_bands,
                customer_thresholds=settings.customer_thresholds,
                max_invoice_age_days=settings.max_invoice_age_days,
                max_deduction_share=settings.max_deduction_share,
                ocr_min_confidence=settings.ocr_min_confidence,
            ),
        )

    def close(self) -> None:
        """Close what is kept open between jobs: the SMTP connections of every thread (once
        the threads that send are stopped)."""
        if isinstance(self.mailer, SmtpMailer):
            self.mailer.close()


_lock = threading.Lock()
_services: Services | None = None


def get_services() -> Services:
    """The services set by the entry point, or ones built from the environment."""
    global _services
    with _lock:
        if _services is None:
            _services = Services.from_settings(Settings.from_env())
        return _services


def set_services(services: Services | None) -> None:
    """Make ``services`` the ones ``get_services()`` returns (None to reset)."""
    global _services
    with _lock:
        _services = services
