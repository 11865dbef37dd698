"""The key that signs the review app's cookies: ``ARBOX_WEB_SECRET_KEY``, or else a random key
made once and kept in ``ARBOX_DATA_DIR/web-secret-key`` (mode 0600). Never logged."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Final

from core.config import Settings

KEY_FILE: Final = "web-secret-key"


def secret_key(settings: Settings) -> str:
    """The configured key, or the one stored under the data directory (made when missing)."""
    configured = settings.secret("web_secret_key")
    if configured:
        return configured
    return stored_key(Path(settings.data_dir) / KEY_FILE)


def stored_key(path: Path) -> str:
    """The key in ``path``; a new random one is written there first (0600) when it has none.
    Two processes starting at once agree: the file is created exclusively."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
        if key:
            return key
        raise
    with os.fdopen(fd, "w", encoding="ascii") as f:
        key = secrets.token_urlsafe(48)
        f.write(key + "\n")
    return key
