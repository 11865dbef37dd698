"""Signing in to the review web app: its users, their passwords and server-side sessions (the
tables are :mod:`ledger.models.users`).

A user has a role (``viewer`` reads, ``clerk`` decides, ``supervisor`` also un-applies cash
and manages rules), a scrypt password hash (:mod:`core.passwords`) and a count of failed
sign-ins since the last success (the lockout itself is the web app's: :mod:`review.throttle`;
``locked_until`` is no longer set, a lock there no longer holds anyone out). A session is a row
holding the SHA-256 of a random token (the cookie carries the token, signed), the session's
CSRF token and its expiry; signing out, a password change or disabling the user revokes it.
Every change is an audit event.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from core.errors import RefusedActionError
from core.passwords import hash_password, verify_nothing, verify_password
from ledger.models.users import User, WebSession
from ledger.posting import audit

Role = Literal["viewer", "clerk", "supervisor"]
#: Roles from least to most allowed.
ROLES: tuple[Role, ...] = ("viewer", "clerk", "supervisor")
#: What a username may be made of (stored lower-cased).
USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")


@dataclass(frozen=True, slots=True)
class Account:
    """A user as listed (never with the password hash)."""

    id: int
    username: str
    role: Role
    disabled: bool
    failed_count: int
    locked_until: datetime | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SignIn:
    """The answer to a sign-in: the account when it succeeded, else why not."""

    account: Account | None
    outcome: Literal["ok", "wrong", "disabled"]


@dataclass(frozen=True, slots=True)
class OpenedSession:
    """A new session: the token for the cookie and the CSRF token of its forms."""

    token: str
    csrf_token: str


@dataclass(frozen=True, slots=True)
class SessionUser:
    """The user behind a valid session token."""

    account: Account
    csrf_token: str
    session_id: int


def normalise_username(name: str) -> str:
    """``name`` lower-cased and checked.

    Raises:
        RefusedActionError: it is not 1–64 letters, digits, ``. _ @ -``.
    """
    value = name.strip().lower()
    if not USERNAME.fullmatch(value):
        raise RefusedActionError(
            f"username {name!r}: 1-64 letters, digits, '.', '_', '@' or '-', starting with a "
            "letter or digit"
        )
    return value


def add_user(
    session: Session, *, username: str, role: str, password: str, actor: str, now: datetime
) -> Account:
    """Create a user. Raises :class:`RefusedActionError` for a taken name, an unknown role or
    an unusable password."""
    name = normalise_username(username)
    if role not in ROLES:
        raise RefusedActionError(f"role {role!r}: one of {', '.join(ROLES)}")
    if session.scalars(select(User.id).where(User.username == name)).first() is not None:
        raise RefusedActionError(f"user {name} exists already")
    row = User(
        username=name,
        password_hash=_hash(password),
        role=role,
        disabled=False,
        failed_count=0,
        created_at=now,
        password_changed_at=now,
    )
    session.add(row)
    session.flush()
    audit(
        session,
        actor=actor,
        action="add_user",
        entity="user",
        entity_id=row.id,
        now=now,
        username=name,
        role=role,
    )
    return _account(row)


def set_password(
    session: Session, *, username: str, password: str, actor: str, now: datetime
) -> Account:
    """Change a user's password, clear its lockout and revoke its sessions."""
    row = _user(session, username)
    row.password_hash = _hash(password)
    row.password_changed_at = now
    row.failed_count = 0
    row.locked_until = None
    return _end_sessions(session, row, action="set_password", actor=actor, now=now)


def disable_user(session: Session, *, username: str, actor: str, now: datetime) -> Account:
    """Disable a user: it can no longer sign in and its sessions end now."""
    row = _user(session, username)
    row.disabled = True
    return _end_sessions(session, row, action="disable_user", actor=actor, now=now)


def _end_sessions(
    session: Session, row: User, *, action: str, actor: str, now: datetime
) -> Account:
    """Revoke every live session of ``row`` and audit ``action`` with how many ended."""
    revoked = _revoke_all(session, row.id, now)
    audit(
        session,
        actor=actor,
        action=action,
        entity="user",
        entity_id=row.id,
        now=now,
        username=row.username,
        sessions_revoked=revoked,
    )
    return _account(row)


def list_users(session: Session) -> list[Account]:
    """Every user, by username."""
    return [_account(u) for u in session.scalars(select(User).order_by(User.username))]


def authenticate(session: Session, *, username: str, password: str, now: datetime) -> SignIn:
    """Check a sign-in: the user exists, is not disabled, and the password is right. An
    unknown or disabled user costs the same scrypt time as a known one. ``failed_count``
    counts the failures since the last success (shown, never acted on here: throttling and
    lockout are the web app's, per address and username, :mod:`review.throttle`). Every
    attempt is an audit event. Slow on purpose (scrypt): call it off the event loop."""
    name = username.strip().lower()
    row = None
    if USERNAME.fullmatch(name):
        row = session.scalars(select(User).where(User.username == name).with_for_update()).first()
    if row is None:
        verify_nothing(password)  # as slow as a known user's answer
        _failed(session, actor="web", user_id=None, now=now, why="unknown user")
        return SignIn(None, "wrong")
    if row.disabled:
        verify_nothing(password)
        _failed(session, actor=row.username, user_id=row.id, now=now, why="disabled")
        return SignIn(None, "disabled")
    if verify_password(password, row.password_hash):
        row.failed_count = 0
        row.locked_until = None
        audit(
            session, actor=row.username, action="sign_in", entity="user", entity_id=row.id, now=now
        )
        return SignIn(_account(row), "ok")
    row.failed_count += 1
    _failed(session, actor=row.username, user_id=row.id, now=now, why="wrong password")
    return SignIn(None, "wrong")


def _failed(session: Session, *, actor: str, user_id: int | None, now: datetime, why: str) -> None:
    audit(
        session,
        actor=actor,
        action="sign_in_failed",
        entity="user",
        entity_id=user_id,
        now=now,
        why=why,
    )


def open_session(
    session: Session,
    *,
    user_id: int,
    now: datetime,
    lifetime: timedelta,
    idle: timedelta | None = None,
) -> OpenedSession:
    """A new session for the user; only the token's SHA-256 is stored. It expires after
    ``idle`` without use (see :func:`session_user`), and after ``lifetime`` whatever happens.
    Sessions that ended more than a day ago (expired or revoked) are deleted on the way."""
    gone = now - timedelta(days=1)
    session.execute(
        delete(WebSession).where(or_(WebSession.expires_at < gone, WebSession.revoked_at < gone))
    )
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=_digest(token),
            user_id=user_id,
            csrf_token=csrf,
            created_at=now,
            expires_at=now + min(lifetime, idle) if idle is not None else now + lifetime,
        )
    )
    session.flush()
    return OpenedSession(token=token, csrf_token=csrf)


def session_user(
    session: Session,
    *,
    token: str,
    now: datetime,
    lifetime: timedelta | None = None,
    idle: timedelta | None = None,
) -> SessionUser | None:
    """The user of a live session (not revoked, not expired, user not disabled), or None.

    With ``idle``, using the session moves its expiry to ``now + idle`` (never past
    ``created_at + lifetime``): a session unused for ``idle`` ends. The row is written at
    most once a minute per session."""
    found = session.execute(
        select(WebSession.id, WebSession.csrf_token, User, WebSession.created_at)
        .join(User, WebSession.user_id == User.id)
        .where(
            WebSession.token_hash == _digest(token),
            WebSession.revoked_at.is_(None),
            WebSession.expires_at > now,
            User.disabled.is_(False),
        )
    ).first()
    if found is None:
        return None
    if idle is not None and lifetime is not None:
        expires = min(found[3] + lifetime, now + idle)
        session.execute(
            update(WebSession)
            .where(
                WebSession.id == found[0],
                WebSession.expires_at < expires - timedelta(minutes=1),
            )
            .values(expires_at=expires)
        )
    return SessionUser(account=_account(found[2]), csrf_token=found[1], session_id=found[0])


def revoke_session(session: Session, *, token: str, now: datetime) -> None:
    """End the session of ``token`` (signing out)."""
    session.execute(
        update(WebSession)
        .where(WebSession.token_hash == _digest(token), WebSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def _revoke_all(session: Session, user_id: int, now: datetime) -> int:
    result = session.execute(
        update(WebSession)
        .where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _user(session: Session, username: str) -> User:
    name = username.strip().lower()
    row = session.scalars(select(User).where(User.username == name).with_for_update()).first()
    if row is None:
        raise RefusedActionError(f"no user {name!r}")
    return row


def _hash(password: str) -> str:
    try:
        return hash_password(password)
    except ValueError as e:
        raise RefusedActionError(str(e)) from None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _account(row: User) -> Account:
    role: Role = "viewer"
    for known in ROLES:
        if row.role == known:
            role = known
    return Account(
        id=row.id,
        username=row.username,
        role=role,
        disabled=row.disabled,
        failed_count=row.failed_count,
        locked_until=row.locked_until,
        created_at=row.created_at,
    )
