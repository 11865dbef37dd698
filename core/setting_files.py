"""Settings given as files (``ARBOX_<NAME>_FILE``: Compose secrets, systemd credentials) and
the process environment with the ``.env`` file under it. Read by
:meth:`core.config.Settings.from_env` (moved out of :mod:`core.config`, which keeps the
settings themselves)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from core.errors import ConfigError

#: The settings that may be given as a file instead: ``ARBOX_<NAME>_FILE`` names the file and
#: its text, less one trailing newline, is the value. This is how Compose ``secrets:``
#: (``/run/secrets/<name>``) and systemd ``LoadCredential=`` (``%d/<name>``) hand over secrets,
#: so they never sit in an environment file or ``docker inspect``.
FILE_SETTINGS: tuple[str, ...] = ("imap_password", "smtp_password", "database_url", "redis_url")


def read_setting_files(environ: Mapping[str, str]) -> dict[str, str]:
    """The values of the settings that ``environ`` gives as files, by field name.

    An empty file counts as unset, as an empty variable does.

    Raises:
        ConfigError: a file cannot be read, or both ``ARBOX_<NAME>`` and
            ``ARBOX_<NAME>_FILE`` are set.
    """
    values: dict[str, str] = {}
    for name in FILE_SETTINGS:
        variable = f"ARBOX_{name.upper()}"
        path = environ.get(f"{variable}_FILE", "")
        if not path:
            continue
        if environ.get(variable, ""):
            msg = f"set {variable} or {variable}_FILE, not both"
            raise ConfigError(msg)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            reason = e.strerror if isinstance(e, OSError) and e.strerror else type(e).__name__
            msg = f"{variable}_FILE {path!r} cannot be read ({reason}); point it at a readable file"
            raise ConfigError(msg) from e
        text = text[:-2] if text.endswith("\r\n") else text.removesuffix("\n")
        if text:
            values[name] = text
    return values


def process_environ(env_file: str | Path | None) -> dict[str, str]:
    """The process environment over the ``.env`` file's variables (as pydantic-settings)."""
    from dotenv import dotenv_values  # pydantic-settings' own .env reader

    merged: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        merged.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    merged.update(os.environ)
    return merged
