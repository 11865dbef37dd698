"""structlog configuration, once per process; stdlib records (dramatiq, imapclient, pdfminer)
render through the same pipeline.

Two renderings: ``text`` (``key=value`` lines for people) and ``json`` (one object per line
for a log shipper), both with the context bound by the actors (``inbound_id``, ``message_id``)
and plain tracebacks without local variables (they hold mail content and settings).
"""

from __future__ import annotations

import logging
import sys
from typing import Literal

import structlog

LogFormat = Literal["text", "json"]

#: What ``ARBOX_LOG_LEVEL`` / ``ARBOX_LOG_FORMAT`` said, set by the command line before a
#: command runs (:func:`use_log_settings`); a command's own level is the default.
_preferred: dict[str, str | None] = {"level": None, "format": None}


def use_log_settings(*, level: str | None, fmt: LogFormat | None) -> None:
    """Make ``level`` (when given) and ``fmt`` win over what :func:`configure_logging` is
    called with: the settings ``ARBOX_LOG_LEVEL`` and ``ARBOX_LOG_FORMAT``."""
    _preferred["level"] = level
    _preferred["format"] = fmt


def configure_logging(level: str = "WARNING", *, fmt: LogFormat | None = None) -> None:
    """Logs to stderr at ``level`` (unless ``ARBOX_LOG_LEVEL`` says otherwise) as ``fmt``
    (default: ``ARBOX_LOG_FORMAT``, else text); pdfminer and imapclient kept at WARNING."""
    level = _preferred["level"] or level
    fmt = fmt or ("json" if _preferred["format"] == "json" else "text")
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        numeric = logging.WARNING
    timestamper = structlog.processors.TimeStamper(fmt="iso", utc=True)
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        timestamper,
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *_render(fmt)],
            foreign_pre_chain=shared,
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(numeric)
    for noisy in ("pdfminer", "imapclient", "mail.log", "pymap"):
        logging.getLogger(noisy).setLevel(max(numeric, logging.WARNING))


def _render(fmt: LogFormat) -> list[structlog.types.Processor]:
    if fmt == "json":
        # format_exc_info prints the traceback as the traceback module does: no locals
        # (structlog's dict_tracebacks would add every frame's variables).
        return [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
    # Plain tracebacks: structlog's default (rich) prints every frame's local variables.
    return [
        structlog.dev.ConsoleRenderer(
            colors=False, exception_formatter=structlog.dev.plain_traceback
        )
    ]
