"""ARBOX_<NAME>_FILE: secrets read from files (Compose secrets, systemd credentials)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import FILE_SETTINGS, Settings, read_setting_files
from core.errors import ConfigError


def test_each_file_setting_is_read_less_one_trailing_newline(tmp_path: Path) -> None:
    # Given a file per secret, as `echo secret > file` writes it (one newline at the end)
    environ = {}
    for name in FILE_SETTINGS:
        path = tmp_path / name
        path.write_text(f"{name}-value\n\n" if name == "imap_password" else f"{name}-value\n")
        environ[f"ARBOX_{name.upper()}_FILE"] = str(path)
    environ["ARBOX_REDIS_URL_FILE"] = str(tmp_path / "redis_url")
    (tmp_path / "redis_url").write_text("redis://redis:6379/0\r\n")
    # the database URL's file holds a URL (a value of another shape is refused, as a variable)
    (tmp_path / "database_url").write_text("postgresql+psycopg://arbox:pw@db/arbox\n")

    # When the settings are read
    settings = Settings.from_env(environ)

    # Then each value is the file's text without one trailing newline, and stays masked
    assert settings.secret("imap_password") == "imap_password-value\n"
    assert settings.secret("smtp_password") == "smtp_password-value"
    assert settings.database_url == "postgresql+psycopg://arbox:pw@db/arbox"
    assert settings.secret("redis_url") == "redis://redis:6379/0"
    assert "password-value" not in repr(settings)


def test_an_empty_file_is_unset_like_an_empty_variable(tmp_path: Path) -> None:
    (tmp_path / "smtp_password").write_text("")
    settings = Settings.from_env({"ARBOX_SMTP_PASSWORD_FILE": str(tmp_path / "smtp_password")})
    assert settings.smtp_password is None


def test_a_variable_and_its_file_together_are_refused(tmp_path: Path) -> None:
    (tmp_path / "p").write_text("from-file")
    environ = {"ARBOX_IMAP_PASSWORD": "inline", "ARBOX_IMAP_PASSWORD_FILE": str(tmp_path / "p")}
    with pytest.raises(ConfigError, match="ARBOX_IMAP_PASSWORD or ARBOX_IMAP_PASSWORD_FILE"):
        Settings.from_env(environ)


def test_an_unreadable_file_is_a_config_error_naming_the_variable(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(ConfigError, match="ARBOX_DATABASE_URL_FILE") as caught:
        read_setting_files({"ARBOX_DATABASE_URL_FILE": str(missing)})
    assert "No such file" in str(caught.value)


def test_the_process_environment_and_env_file_name_files_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given ARBOX_SMTP_PASSWORD_FILE in the process environment and
    # ARBOX_IMAP_PASSWORD_FILE in a .env file
    (tmp_path / "smtp").write_text("s3cret\n")
    (tmp_path / "imap").write_text("imap-s3cret\n")
    (tmp_path / ".env").write_text(f"ARBOX_IMAP_PASSWORD_FILE={tmp_path / 'imap'}\n")
    monkeypatch.setenv("ARBOX_SMTP_PASSWORD_FILE", str(tmp_path / "smtp"))
    for name in FILE_SETTINGS:
        monkeypatch.delenv(f"ARBOX_{name.upper()}", raising=False)
    monkeypatch.delenv("ARBOX_IMAP_PASSWORD_FILE", raising=False)

    # When the entry points read their settings
    settings = Settings.from_env(env_file=tmp_path / ".env")

    # Then both files were read
    assert settings.secret("smtp_password") == "s3cret"
    assert settings.secret("imap_password") == "imap-s3cret"
