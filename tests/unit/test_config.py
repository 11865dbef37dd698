"""Settings: from the environment, secrets masked."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from core.config import Settings


def test_settings_read_arbox_variables_and_mask_secrets():
    s = Settings.from_env(
        {"ARBOX_IMAP_PASSWORD": "hunter2", "ARBOX_IMAP_PORT": "143", "OTHER": "x"}
    )
    assert s.imap_port == 143
    assert s.secret("imap_password") == "hunter2"
    assert "hunter2" not in repr(s)


def test_defaults_match_the_contract():
    s = Settings.from_env({})
    assert s.database_url == "sqlite:///./arbox.db"
    assert s.redis_url is None
    assert (s.imap_port, s.imap_folder, s.imap_tls) == (993, "INBOX", "ssl")
    assert (s.smtp_port, s.smtp_tls) == (587, "starttls")
    assert s.default_currency == "USD"


def test_bad_tls_mode_is_refused():
    with pytest.raises(ValidationError):
        Settings.from_env({"ARBOX_IMAP_TLS": "maybe"})
