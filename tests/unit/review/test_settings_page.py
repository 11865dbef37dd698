"""The settings page (supervisors): every setting the app runs with, read-only, and never a
secret: passwords, keys and the Redis URL show as "set", a database URL's password is masked."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import Settings
from review.settings_page import shown_settings

SECRETS = ("imap-Secret-1", "smtp-Secret-2", "redis-Secret-3", "web-Secret-4")


@pytest.fixture
def web_settings(tmp_path: Path, web_db) -> Settings:
    return Settings(
        database_url=str(web_db.kw["bind"].url),
        data_dir=tmp_path / "data",
        imap_password=SECRETS[0],
        smtp_password=SECRETS[1],
        redis_url=f"redis://:{SECRETS[2]}@127.0.0.1:6379/0",
        web_secret_key=SECRETS[3],
        shadow_mode=True,
    )


def test_a_supervisor_sees_the_settings_and_no_secret(signed_in):
    page = signed_in("sam").get("/settings")
    assert page.status_code == 200
    assert "ARBOX_SHADOW_MODE" in page.text and "ARBOX_IMAP_PASSWORD" in page.text
    assert "set (hidden)" in page.text
    for secret in SECRETS:
        assert secret not in page.text


@pytest.mark.parametrize("user", ["vera", "clara"])
def test_viewers_and_clerks_may_not_see_the_settings(signed_in, user):
    assert signed_in(user).get("/settings").status_code == 403


def test_a_database_urls_password_is_masked(tmp_path):
    settings = Settings(
        database_url="postgresql+psycopg://arbox:pg-Secret-5@db:5432/arbox",
        data_dir=tmp_path,
    )
    shown = dict(shown_settings(settings))
    assert "pg-Secret-5" not in shown["ARBOX_DATABASE_URL"]
    assert shown["ARBOX_DATABASE_URL"] == "postgresql+psycopg://arbox:***@db:5432/arbox"
