"""Settings: from the environment, secrets masked."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.config import Settings
from core.errors import SettingsError


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
    with pytest.raises(SettingsError, match="ARBOX_IMAP_TLS='maybe': expected one of ssl"):
        Settings.from_env({"ARBOX_IMAP_TLS": "maybe"})


def test_automation_thresholds_are_parsed_and_a_bad_entry_is_refused_naming_it():
    settings = Settings.from_env(
        {
            "ARBOX_AUTO_APPLY_AMOUNT_BANDS": "100000:1.0, 10000:0.98",
            "ARBOX_AUTO_APPLY_CUSTOMER_THRESHOLDS": "C1042:off,C2000:0.99",
        }
    )
    assert settings.amount_bands == (
        (Decimal("10000"), Decimal("0.98")),
        (Decimal("100000"), Decimal("1.0")),
    )
    assert settings.customer_thresholds == {"C1042": None, "C2000": Decimal("0.99")}
    with pytest.raises(ValueError, match=r"'10000:1\.5': a confidence is between 0 and 1"):
        Settings.from_env({"ARBOX_AUTO_APPLY_AMOUNT_BANDS": "10000:1.5"})
    with pytest.raises(ValueError, match="'lots' is not a number"):
        Settings.from_env({"ARBOX_AUTO_APPLY_CUSTOMER_THRESHOLDS": "C1:lots"})
