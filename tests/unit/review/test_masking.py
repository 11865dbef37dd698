"""Issue 19, finding 5: no secret of a URL is shown. ``/settings`` masked ``user:pw@`` but
showed ``?password=s3cret``. Every URL form a secret can take is checked against the parser
that will use the URL: SQLAlchemy's ``make_url`` for the database, redis-py's ``parse_url``
for Redis."""

from __future__ import annotations

import doctest
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from redis.connection import parse_url
from sqlalchemy.engine import make_url

import review.masking
from core.config import Settings
from review.masking import mask_database_url, mask_url
from review.settings_page import shown_settings

S = "s3cret-Value-9"

#: Database URLs with the secret in every place SQLAlchemy and the drivers read one.
DATABASE_URLS = [
    f"postgresql+psycopg://ar:{S}@db:5432/arbox",
    f"postgresql+psycopg://ar:{quote(S + '@/:?', safe='')}@db/arbox",
    f"postgresql+psycopg://ar@db/arbox?password={S}",
    f"postgresql://ar@db/arbox?sslmode=require&sslpassword={S}&sslkey=/etc/{S}.pem",
    f"postgresql://ar@db/arbox?sslcert=/x.pem&sslrootcert=/r.pem&passfile=/{S}",
    f"postgresql://ar@db/arbox?options=-c%20password%3D{S}",
    f"mysql+pymysql://ar:{S}@db/arbox?charset=utf8mb4&ssl_key=/{S}",
    f"postgresql://ar@db/arbox?token={S}&api_key={S}&apikey={S}&access_token={S}",
    f"postgresql://ar@db/arbox?PASSWORD={S}&Auth={S}",
    f"postgresql://ar:{S}@db/arbox?password={S}&password={S}",
    # a password with an unencoded @: SQLAlchemy reads password "s3cret" and host "-Value-9@db"
    "postgresql://ar:s3cret@-Value-9@db/arbox",
    f"sqlite:///./arbox.db?key={S}",
]
#: Redis URLs (redis-py), with the secret as password, in the query, as a lone user (token).
REDIS_URLS = [
    f"redis://:{S}@cache:6379/0",
    f"redis://default:{S}@cache:6379/0",
    f"rediss://cache:6380/0?password={S}&ssl_keyfile=/k/{S}.pem",
    f"rediss://cache/0?ssl_certfile=/c.pem&ssl_password={S}&health_check_interval=5",
    f"unix:///run/redis.sock?db=0&password={S}",
    f"redis://{S}@cache/0",
    f"redis://cache/0#{S}",
]


def assert_hidden(shown: str, *secrets: str | None) -> None:
    for secret in secrets:
        if secret:
            assert secret not in shown
            assert quote(secret, safe="") not in shown
    assert S not in shown and quote(S, safe="") not in shown


def test_doctests_hold():
    assert doctest.testmod(review.masking).failed == 0


@pytest.mark.parametrize("url", DATABASE_URLS)
def test_issue_19_no_secret_of_a_database_url_is_shown(url):
    """https://github.com/arbox/arbox/issues/19 (finding 5)."""
    parsed = make_url(url)
    shown = mask_database_url(url)
    assert_hidden(shown, parsed.password)
    assert shown.startswith(parsed.drivername + "://")


def test_harmless_parts_of_a_database_url_stay_readable():
    # a database user with no password (peer or certificate auth) is a name, not a secret
    assert mask_database_url("postgresql://arbox@db/arbox") == "postgresql://arbox@db/arbox"
    shown = mask_database_url(
        f"postgresql+psycopg://ar:{S}@db.internal:5432/arbox?sslmode=require&connect_timeout=5"
    )
    assert shown == (
        "postgresql+psycopg://ar:***@db.internal:5432/arbox?sslmode=require&connect_timeout=5"
    )
    assert mask_database_url("sqlite:///./arbox.db") == "sqlite:///./arbox.db"


def test_a_password_with_an_unencoded_at_shows_no_piece_of_it():
    url = "postgresql://ar:p4ss@w0rd-x9@db/arbox"
    assert make_url(url).host == "w0rd-x9@db"  # what SQLAlchemy (and the driver) would do
    shown = mask_database_url(url)
    assert "p4ss" not in shown and "w0rd" not in shown
    assert shown == "postgresql://ar:***@***/arbox"


@pytest.mark.parametrize("url", REDIS_URLS)
def test_issue_19_no_secret_of_a_redis_url_is_shown(url):
    options = parse_url(url)
    shown = mask_url(url)
    lone_user = options.get("username") if options.get("password") is None else None
    assert_hidden(shown, options.get("password"), lone_user)
    assert shown.split("://")[0] == url.split("://")[0]


@given(
    secret=st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=8, max_size=30
    ).filter(lambda s: len(set(s)) > 4),
    place=st.sampled_from(["userinfo", "query", "sslpassword", "fragment", "token", "path"]),
)
@settings(max_examples=200, deadline=None)
def test_any_secret_in_any_place_of_a_url_is_not_shown(secret, place):
    encoded = quote(secret, safe="")
    url = {
        "userinfo": f"postgresql://ar:{encoded}@db/arbox",
        "query": f"postgresql://ar@db/arbox?password={encoded}",
        "sslpassword": f"postgresql://ar@db/arbox?sslmode=require&sslpassword={encoded}",
        "fragment": f"redis://cache/0#{encoded}",
        "token": f"https://{encoded}@hooks.example/x",
        "path": f"https://hooks.example/services/{encoded}",
    }[place]
    shown = [mask_url(url)] + ([mask_database_url(url)] if url.startswith("postgresql") else [])
    for text in shown:
        assert secret not in text and encoded not in text


def test_issue_19_the_settings_page_masks_query_passwords_and_redis_urls(tmp_path):
    """https://github.com/arbox/arbox/issues/19 (finding 5): ``?password=s3cret`` showed."""
    settings = Settings(
        database_url="postgresql+psycopg://arbox@db:5432/arbox?password=s3cret&sslmode=require",
        redis_url="rediss://default:r3dis-pw@cache:6380/0?ssl_password=k3y-pw",
        data_dir=tmp_path,
    )
    shown = dict(shown_settings(settings))
    page = "\n".join(shown.values())
    for secret in ("s3cret", "r3dis-pw", "k3y-pw"):
        assert secret not in page
    assert shown["ARBOX_DATABASE_URL"] == (
        "postgresql+psycopg://arbox@db:5432/arbox?password=***&sslmode=require"
    )
    assert shown["ARBOX_REDIS_URL"] == "set: rediss://default:***@cache:6380/0?ssl_password=***"
