"""Sign-in throttling: a stranger can slow a user's sign-in, never lock it. Pure: no IO; the
caller passes ``now``.

Two counters, kept in memory per process (bounded; a restart forgets them):

- **Per client address, exponential back-off.** An address's first
  :data:`FREE_FAILURES` failed sign-ins cost nothing; after that it must wait 1 s, 2 s, 4 s, …
  (at most :data:`MAX_DELAY`) after its last attempt before the next one is even looked at
  (answered 429 with ``Retry-After``, no password hashed). An attempt counts as a failure the
  moment it is admitted and is taken back when it succeeds, so concurrent attempts cannot
  slip past the count. An address is forgotten ``window`` after its last failure, or at once
  when it signs in.
- **Per username, a lock that the right password from a clean address still opens.** After
  ``max_failures`` failures of one username (from any addresses, within ``window``) the
  username is locked for ``window``: attempts from an address with a failure on record are
  refused without their password being looked at; an address with none (the user at their
  own desk) is still checked, and the right password signs in.

Usernames are counted as typed (lower-cased), whether or not such a user exists: an unknown
username is throttled and locked exactly like a known one, so neither the answer nor its
timing tells which users exist.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal, TypeVar

#: Failures an address makes before the back-off starts.
FREE_FAILURES: Final = 3
#: The longest back-off (an address is slowed, not shut out).
MAX_DELAY: Final = timedelta(seconds=60)
#: Addresses and usernames remembered at most (the oldest are forgotten first).
MAX_ENTRIES: Final = 10_000
#: The longest username key kept (longer input is no username anyway).
MAX_KEY_CHARS: Final = 128

V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class Verdict:
    """What to do with a sign-in attempt: ``check`` the password, ``wait`` (the address is
    backing off, ``retry_after`` seconds), or ``refuse`` (the username is locked and this
    address has failed before: answer as a wrong password, without checking it)."""

    action: Literal["check", "wait", "refuse"]
    retry_after: int = 0


@dataclass(slots=True)
class _Address:
    failures: int
    last: datetime


@dataclass(slots=True)
class _Username:
    failures: int
    last: datetime
    locked_until: datetime | None = None


class SignInThrottle:
    """The two counters of the module docstring. Not thread-safe: call it from the event
    loop only (the password check itself runs in a thread, the bookkeeping does not)."""

    def __init__(self, *, max_failures: int, window: timedelta) -> None:
        self.max_failures = max(1, max_failures)
        self.window = window
        self._addresses: OrderedDict[str, _Address] = OrderedDict()
        self._usernames: OrderedDict[str, _Username] = OrderedDict()

    def admit(self, *, address: str, username: str, now: datetime) -> Verdict:
        """The verdict on an attempt; a ``check`` or ``refuse`` counts as the address's
        failure until :meth:`succeeded` takes it back."""
        record = self._address(address, now)
        if record is not None and record.failures >= FREE_FAILURES:
            delay = min(timedelta(seconds=2 ** (record.failures - FREE_FAILURES)), MAX_DELAY)
            wait = record.last + delay - now
            if wait > timedelta(0):
                return Verdict("wait", retry_after=max(1, int(wait.total_seconds() + 0.999)))
        clean = record is None or record.failures == 0
        if record is None:
            record = _Address(failures=0, last=now)
            _remember(self._addresses, address, record)
        record.failures += 1
        record.last = now
        if self.is_locked(username, now=now) and not clean:
            return Verdict("refuse")
        return Verdict("check")

    def succeeded(self, *, address: str, username: str) -> None:
        """The password was right: the address is clean again. The username's lock, if any,
        stays: it only ever held back addresses that had failed."""
        del username  # a success is no reason to let the failing addresses in again
        self._addresses.pop(address, None)

    def failed(self, *, username: str, now: datetime) -> None:
        """The password was wrong (or the user unknown or disabled): count it against the
        username, and lock the username at ``max_failures``."""
        key = _key(username)
        record = self._usernames.get(key)
        if record is None or now - record.last > self.window:
            record = _Username(failures=0, last=now, locked_until=None)
        record.failures += 1
        record.last = now
        if record.failures >= self.max_failures:
            record.failures = 0
            record.locked_until = now + self.window
        _remember(self._usernames, key, record)

    def is_locked(self, username: str, *, now: datetime) -> bool:
        """Whether ``username`` is locked (for addresses with failures on record)."""
        record = self._usernames.get(_key(username))
        return record is not None and record.locked_until is not None and record.locked_until > now

    def _address(self, address: str, now: datetime) -> _Address | None:
        record = self._addresses.get(address)
        if record is not None and now - record.last > self.window:
            del self._addresses[address]
            return None
        return record


def _key(username: str) -> str:
    return username.strip().lower()[:MAX_KEY_CHARS]


def _remember(table: OrderedDict[str, V], key: str, value: V) -> None:
    table[key] = value
    table.move_to_end(key)
    while len(table) > MAX_ENTRIES:
        table.popitem(last=False)
