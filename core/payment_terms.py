"""The due date an invoice's payment terms give. Pure: no IO.

Terms are read as :mod:`matching.terms` reads them for discounts (``2/10 Net 30``): the net
days are the number after ``Net`` (or ``N``); ``Net 30``, ``NET30``, ``n 45`` and ``2/10 Net
30`` are 30, 30, 45 and 30 days after the issue date. ``Due on receipt``, ``Immediate`` and
``Net 0`` are due on the issue date. End-of-month terms (``EOM``, ``Net 30 EOM``) are refused
rather than guessed, like :mod:`matching.terms` does.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

_NET_RE = re.compile(r"(?:^|[\s/,])(?:net|n)\s*(?P<days>\d{1,3})\s*(?:days?)?\s*$", re.IGNORECASE)
_AT_ONCE_RE = re.compile(r"^\s*(?:due\s+(?:up)?on\s+receipt|immediate(?:ly)?|cash)\s*$", re.I)


def net_days(terms: str) -> int:
    """The days after the issue date that ``terms`` give for payment.

    Raises:
        ValueError: the terms are not read (end of month, free text).
    """
    if _AT_ONCE_RE.match(terms):
        return 0
    if "eom" in terms.lower():
        raise ValueError(f"end-of-month terms are not supported: {terms[:40]!r}")
    match = _NET_RE.search(terms.strip())
    if match is None:
        raise ValueError(f"terms not understood: {terms[:40]!r} (e.g. Net 30, 2/10 Net 30)")
    return int(match.group("days"))


def due_date_from_terms(issue_date: date, terms: str) -> date:
    """The due date of an invoice issued on ``issue_date`` with ``terms`` (see
    :func:`net_days`)."""
    return issue_date + timedelta(days=net_days(terms))
