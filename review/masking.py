"""URLs shown with every secret in them masked: the settings page's database and Redis URLs
and any other setting that is a URL. Pure: no IO.

A URL carries secrets in more places than ``user:password@``: the query (``?password=``,
``sslpassword``, ``sslkey``, ``token``, ``api_key``, …), the fragment, and, written without
percent-encoding, a password with an ``@`` that the parser reads as part of the host (SQLAlchemy
reads ``u:p@ss@db`` as password ``p`` and host ``ss@db``). So nothing is shown because it is
not known to be a secret; a part is shown only when it is known to be harmless:

- the scheme, the port, and a host, user or database made of plain characters;
- a query value only under a name of :data:`SHOWN_QUERY_KEYS` (``sslmode=require``) and made
  of plain characters; every other value is ``***``;
- a password, a fragment, the path of a URL that is no database's (``/services/TOKEN``; a
  Redis database number is shown), a query name without a value, and anything that is not
  plain: ``***``.

A database URL is read with SQLAlchemy's own parser (the one that connects), every other URL
with :func:`urllib.parse.urlsplit` (the one redis-py uses).
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import parse_qsl, quote, urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

MASK: Final = "***"
#: Query parameters whose values are settings, not secrets (psycopg/libpq, redis-py, pymysql).
SHOWN_QUERY_KEYS: Final = frozenset(
    {
        "sslmode", "connect_timeout", "application_name", "target_session_attrs", "charset",
        "driver", "timeout", "socket_timeout", "socket_connect_timeout", "health_check_interval",
        "ssl_cert_reqs", "client_name", "protocol", "decode_responses", "encoding", "db",
        "gssencmode", "load_balance_hosts", "keepalives", "keepalives_idle", "channel_binding",
    }
)  # fmt: skip
#: What a shown host, user, database or query value may be made of.
_PLAIN: Final = re.compile(r"[A-Za-z0-9._\-/~ ]{0,200}")
_HOST: Final = re.compile(r"[A-Za-z0-9._\-]{1,253}|\[[0-9A-Fa-f:.]{2,60}\]")
_SCHEME: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]{0,40}")
#: The only path a non-database URL shows: a Redis database number (a path may hold a token).
_DB_NUMBER: Final = re.compile(r"(/[0-9]{1,3})?/?")


def looks_like_url(text: str) -> bool:
    """Whether ``text`` is written as a URL (``scheme://…``)."""
    scheme, sep, _rest = text.partition("://")
    return bool(sep) and _SCHEME.fullmatch(scheme) is not None


def mask_database_url(url: str) -> str:
    """``url`` as SQLAlchemy reads it, with every secret masked (see the module docstring).

    >>> mask_database_url("postgresql+psycopg://ar:s3cret@db:5432/arbox?sslmode=require")
    'postgresql+psycopg://ar:***@db:5432/arbox?sslmode=require'
    >>> mask_database_url("postgresql://ar@db/arbox?password=s3cret&sslkey=/k.pem")
    'postgresql://ar@db/arbox?password=***&sslkey=***'
    """
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return "set (not a URL)"
    query = [(k, v) for k, values in parsed.query.items() for v in _as_list(values)]
    return _render(
        scheme=parsed.drivername,
        username=parsed.username,
        password=parsed.password,
        host=parsed.host,
        port=parsed.port,
        path=f"/{parsed.database}" if parsed.database is not None else "",
        query=query,
        fragment=None,
        plain_user=True,
    )


def mask_url(url: str) -> str:
    """``url`` (Redis or any other) as urllib reads it, with every secret masked; a user
    without a password is masked too (``https://TOKEN@host``).

    >>> mask_url("redis://:s3cret@cache:6379/0")
    'redis://:***@cache:6379/0'
    >>> mask_url("rediss://cache/0?password=s3cret&health_check_interval=10")
    'rediss://cache/0?password=***&health_check_interval=10'
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "set (not a URL)"
    return _render(
        scheme=parts.scheme,
        username=parts.username,
        password=parts.password,
        host=parts.hostname,
        port=port,
        path=parts.path if _DB_NUMBER.fullmatch(parts.path) else "/" + MASK,
        query=parse_qsl(parts.query, keep_blank_values=True),
        fragment=parts.fragment or None,
        plain_user=False,
    )


def _render(
    *,
    scheme: str,
    username: str | None,
    password: str | None,
    host: str | None,
    port: int | None,
    path: str,
    query: list[tuple[str, str]],
    fragment: str | None,
    plain_user: bool,
) -> str:
    shown_scheme = scheme if _SCHEME.fullmatch(scheme) else MASK
    userinfo = ""
    if username is not None or password is not None:
        user = username or ""
        if not _PLAIN.fullmatch(user) or " " in user or (password is None and not plain_user):
            user = MASK
        userinfo = user + (f":{MASK}" if password is not None else "") + "@"
    hostport = ""
    if host:
        hostport = host if _HOST.fullmatch(host) else MASK
    if port is not None:
        hostport += f":{port}"
    shown_path = path if _PLAIN.fullmatch(path) else "/" + MASK
    shown_query = "&".join(
        f"{_plain(key) if value else MASK}={_query_value(key, value)}" for key, value in query
    )
    return (
        f"{shown_scheme}://{userinfo}{hostport}{shown_path}"
        + (f"?{shown_query}" if shown_query else "")
        + (f"#{MASK}" if fragment else "")
    )


def _query_value(key: str, value: str) -> str:
    if key.lower() in SHOWN_QUERY_KEYS and _PLAIN.fullmatch(value):
        return quote(value, safe="/._-~")
    return MASK


def _plain(text: str) -> str:
    return quote(text, safe="._-~") if _PLAIN.fullmatch(text) and len(text) <= 64 else MASK


def _as_list(values: str | tuple[str, ...]) -> tuple[str, ...]:
    return (values,) if isinstance(values, str) else tuple(values)
