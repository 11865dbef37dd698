"""Password hashes: scrypt (stdlib ``hashlib.scrypt``) with a random salt per password.

A stored hash reads ``scrypt$N$r$p$salt$key`` (salt and key base64), so the cost can be
raised later without breaking the hashes stored before. Comparison is constant-time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache

#: scrypt cost (2**14, r=8: 16 MiB of memory and some tens of milliseconds per hash).
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
KEY_BYTES = 32
SALT_BYTES = 16
#: Longest password accepted: scrypt reads all of it, so a megabyte "password" costs time.
MAX_PASSWORD_CHARS = 1024


def hash_password(password: str, *, n: int | None = None) -> str:
    """A new salted scrypt hash of ``password`` (``n``: the scrypt cost, default
    :data:`SCRYPT_N`; the hash records it, so a later change of cost breaks nothing).

    Raises:
        ValueError: the password is empty or longer than :data:`MAX_PASSWORD_CHARS`.
    """
    if not password:
        raise ValueError("a password cannot be empty")
    if len(password) > MAX_PASSWORD_CHARS:
        raise ValueError(f"a password has at most {MAX_PASSWORD_CHARS} characters")
    salt = os.urandom(SALT_BYTES)
    key = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return "$".join(("scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(key)))


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (constant-time compare).

    A malformed stored hash verifies nothing.
    """
    if len(password) > MAX_PASSWORD_CHARS:
        return False
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key, validate=True)
        got = _scrypt(password, base64.b64decode(salt, validate=True), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(got, expected)


def verify_nothing(password: str) -> None:
    """Spend the time a verification takes, for a sign-in of an unknown or locked user (so
    that the answer's timing does not tell which users exist)."""
    verify_password(password, _dummy_hash(SCRYPT_N))


@cache
def _dummy_hash(n: int) -> str:
    return hash_password("not a password", n=n)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=128 * n * r * 2, dklen=KEY_BYTES
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
