"""What a setting's text may be: the limits of the numbers, the readers of the settings
written as lists (dunning levels, amount bands, per-customer thresholds, reply kinds), and how
a wrong value is told to the user, secrets masked. Used by :class:`core.config.Settings`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, get_args

from pydantic import ValidationError
from pydantic.fields import FieldInfo


@dataclass(frozen=True, slots=True)
class Limit:
    """The numbers a setting allows: from ``low`` (excluded when ``above``) to ``high``."""

    low: float
    high: float | None = None
    above: bool = False
    whole: bool = True
    note: str = ""

    def admits(self, value: float | Decimal) -> bool:
        number = float(value)
        if not math.isfinite(number):
            return False
        if number < self.low or (self.above and number == self.low):
            return False
        return self.high is None or number <= self.high

    def describe(self) -> str:
        kind = "a whole number" if self.whole else "a number"
        low = _plain(self.low)
        if self.above:
            text = f"{kind} greater than {low}"
            if self.high is not None:
                text += f" and at most {_plain(self.high)}"
        elif self.high is not None:
            text = f"{kind} from {low} to {_plain(self.high)}"
        else:
            text = f"{kind} of at least {low}"
        return f"expected {text}{self.note}"


def _plain(number: float) -> str:
    """``1e6`` → ``1000000``, ``0.5`` → ``0.5``."""
    return str(int(number)) if float(number).is_integer() else str(number)


_PORT = Limit(1, 65535)
_SHARE = Limit(0, 1, whole=False)
_COUNT = Limit(0)
_SOME = Limit(1)
_DURATION = Limit(0, above=True, whole=False)

#: Range-checked settings (issue 20) by field name.
LIMITS: dict[str, Limit] = {
    "imap_port": _PORT,
    "smtp_port": _PORT,
    "web_port": Limit(0, 65535, note=" (0: any free port)"),
    "auto_apply_min_confidence": _SHARE,
    "intent_min_confidence": _SHARE,
    "max_deduction_share": _SHARE,
    "ocr_min_confidence": Limit(0, 100, whole=False),
    "amount_tolerance": Limit(0, whole=False),
    "imap_poll_seconds": _DURATION,
    "imap_timeout_seconds": _DURATION,
    "smtp_timeout_seconds": _DURATION,
    "imap_idle_renew_seconds": _DURATION,
    "poller_lock_seconds": _DURATION,
    "parse_timeout_seconds": _DURATION,
    "scheduler_lock_seconds": _DURATION,
    "scheduler_tick_seconds": _DURATION,
    "sweep_after_seconds": Limit(0, whole=False),
    "web_session_hours": Limit(0, 1e6, above=True, whole=False),
    "web_idle_minutes": Limit(0, 1e6, above=True, whole=False),
    "discount_grace_days": _COUNT,
    "max_invoice_age_days": Limit(0, note=" (0: no limit)"),
    "bank_match_window_days": _COUNT,
    "max_unverified_lines": _SOME,
    "max_replies_per_sender_per_day": _COUNT,
    "max_message_bytes": _SOME,
    "max_attachment_bytes": _SOME,
    "max_mime_parts": _SOME,
    "max_mime_depth": _SOME,
    "parse_memory_mb": _SOME,
    "worker_threads": _SOME,
    "broker_heartbeat_timeout_ms": _SOME,
    "broker_maintenance_chance": _COUNT,
    "reply_breaker_mails": Limit(0, note=" (0: no breaker)"),
    "reply_breaker_minutes": _SOME,
    "reply_breaker_cooldown_minutes": _COUNT,
    "web_lockout_attempts": _SOME,
    "web_lockout_minutes": _COUNT,
}


def parse_dunning_levels(text: str) -> tuple[tuple[int, str], ...]:
    """``"7:reminder_1, 30:reminder_2"`` → ((7, "reminder_1"), (30, "reminder_2")).

    Raises:
        ValueError: an entry is not ``DAYS:NAME`` (days a positive whole number, the name
            letters, digits and ``_``), or two entries share days or a name.
    """
    levels = []
    for entry in _entries(text):
        days, _, name = (part.strip() for part in entry.partition(":"))
        if not days.isdigit() or int(days) < 1 or not name.replace("_", "").isalnum():
            raise ValueError(f"dunning level {entry!r}: expected DAYS:TEMPLATE, e.g. 7:reminder_1")
        levels.append((int(days), name))
    if len({d for d, _ in levels}) != len(levels) or len({n for _, n in levels}) != len(levels):
        raise ValueError(f"dunning levels {text!r}: each level needs its own days and name")
    return tuple(sorted(levels))


def parse_amount_bands(text: str) -> tuple[tuple[Decimal, Decimal], ...]:
    """``"10000:0.98, 100000:0.995"`` → ((10000, 0.98), (100000, 0.995)).

    Raises:
        ValueError: an entry is not ``AMOUNT:CONFIDENCE`` with a confidence in 0..1.
    """
    bands = []
    for entry in _entries(text):
        amount, _, confidence = entry.partition(":")
        bands.append((_decimal(amount, entry), _confidence(confidence, entry)))
    return tuple(sorted(bands))


def parse_customer_thresholds(text: str) -> dict[str, Decimal | None]:
    """``"C1042:off, C2000:0.99"`` → {"C1042": None, "C2000": Decimal("0.99")}.

    Raises:
        ValueError: an entry is not ``CUSTOMER:CONFIDENCE`` or ``CUSTOMER:off``.
    """
    out: dict[str, Decimal | None] = {}
    for entry in _entries(text):
        number, _, value = entry.rpartition(":")
        if not number.strip():
            raise ValueError(f"{entry!r}: expected CUSTOMER_NUMBER:CONFIDENCE or :off")
        value = value.strip().lower()
        out[number.strip()] = None if value in ("off", "never", "no") else _confidence(value, entry)
    return out


#: The question kinds a reply can answer (``core.types.QUESTION_KINDS`` by value).
REPLY_KINDS = frozenset(
    {"invoice-copy-request", "statement-request", "balance-inquiry", "dispute", "promise-to-pay"}
)


def parse_reply_kinds(text: str) -> frozenset[str]:
    """``"all"`` → every kind, ``"none"`` → none, ``"dispute, balance_inquiry"`` → those two.

    Raises:
        ValueError: an entry is not a question kind.
    """
    entries = [e.lower().replace("_", "-") for e in _entries(text)]
    if entries in ([], ["none"]):
        return frozenset()
    if entries == ["all"]:
        return REPLY_KINDS
    unknown = [e for e in entries if e not in REPLY_KINDS]
    if unknown:
        raise ValueError(
            f"{unknown[0]!r} is not a question kind; use all, none or some of "
            + ", ".join(sorted(REPLY_KINDS))
        )
    return frozenset(entries)


def split_lines(text: str) -> tuple[str, ...]:
    """``"Example Supplies Co.|1 Main St"`` → ("Example Supplies Co.", "1 Main St")."""
    return tuple(
        line.strip()
        for line in text.replace("\\n", "\n").replace("|", "\n").splitlines()
        if line.strip()
    )


def _entries(text: str) -> list[str]:
    return [e.strip() for e in text.split(",") if e.strip()]


def _decimal(text: str, entry: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"{entry!r}: {text.strip()!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"{entry!r}: {text.strip()!r} is not a number")
    return value


def _confidence(text: str, entry: str) -> Decimal:
    value = _decimal(text, entry)
    if not Decimal(0) <= value <= Decimal(1):
        raise ValueError(f"{entry!r}: a confidence is between 0 and 1")
    return value


#: Settings whose value is never shown in an error or ``arbox config check``.
SECRET_SETTINGS = frozenset({"imap_password", "smtp_password", "redis_url", "web_secret_key"})
#: Longest value an error line shows.
_SHOWN_CHARS = 60


def mask_url(url: str) -> str:
    """``url`` with the password of its user part replaced by ``***``."""
    return re.sub(r"^([^:/?#]+://[^:/@?#]*:)[^@/?#]*@", r"\1***@", url)


def describe_errors(error: ValidationError, fields: Mapping[str, FieldInfo]) -> list[str]:
    """One line per bad setting: ``ARBOX_NAME='value': expected ...`` (secrets masked)."""
    lines: dict[str, str] = {}
    for item in error.errors(include_url=False):
        name = str(item["loc"][0]) if item["loc"] else ""
        variable = f"ARBOX_{name.upper()}"
        if variable not in lines:
            lines[variable] = (
                f"{variable}={_shown(name, item.get('input'))}: {_allowed(name, item, fields)}"
            )
    return list(lines.values())


def _shown(name: str, value: Any) -> str:
    if name in SECRET_SETTINGS:
        return "'***'"
    text = mask_url(value) if isinstance(value, str) and name.endswith("_url") else str(value)
    if len(text) > _SHOWN_CHARS:
        text = text[: _SHOWN_CHARS - 1] + "…"
    return repr(text)


def _allowed(name: str, item: Any, fields: Mapping[str, FieldInfo]) -> str:
    """What the setting allows, from our validators' messages or the field's type."""
    kind: str = item["type"]
    if kind == "value_error":
        message = str(item["msg"]).removeprefix("Value error, ")
        return message if message.startswith("expected") else f"not allowed: {message}"
    field = fields.get(name)
    limit = LIMITS.get(name)
    if kind.startswith("bool"):
        return "expected true or false (or 1/0, yes/no, on/off)"
    if kind == "literal_error" and field is not None:
        choices = get_args(field.annotation) or get_args(get_args(field.annotation)[0])
        return "expected one of " + ", ".join(str(c) for c in choices)
    if limit is not None:
        return limit.describe()
    if kind.startswith(("int", "float", "decimal")):
        return "expected a number"
    return f"not allowed: {item['msg']}"
