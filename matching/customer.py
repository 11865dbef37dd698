"""Who is paying: the customer a remittance belongs to, and the evidence. Pure: no IO.

The sender's address is the best evidence (a registered contact of exactly one customer), but
unknown senders are normal: banks, AP platforms, a new clerk at the customer. Then the evidence
is, in this order of trust:

- ``invoices``: every reference that resolves to exactly one invoice points at the same
  customer (the payer wrote our numbers, so they name the customer best);
- ``domain``: the sender's domain is the domain of registered contacts of exactly one customer
  (never a public mail provider's domain);
- ``payer name``: the name on the remittance is, with legal forms (Inc, GmbH, Ltd…) and
  punctuation removed, one customer's name, clearly ahead of the next best
  (``token_sort_ratio``; never ``token_set_ratio``: on short names subsets score 100).

When the invoices or the domain already name a customer and the payer name is that customer's
name within ``margin`` of a perfect score, it confirms them without being ranked against every
other name (:func:`payer_name_confirms`: no ranking could make it name someone else).

Evidence that disagrees (the domain says one customer, the invoices another) identifies no one:
a person decides. Identification decides *whose invoices* matching may consider; it never makes
an address a contact (what is sent where is :mod:`outbound.policy`'s, and only contacts count).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz, process, utils

from core.types import OpenInvoice

Method = Literal["contact", "rule", "group", "invoices", "domain", "payer name"]
#: Identifications a person stands behind: the sender is a registered contact, or a rule a
#: person taught names it (an address, a domain, a payer name; a group). The others come from
#: what a mail says, which anyone can write: such a remittance never posts by itself.
PERSON_VOUCHED: frozenset[Method | None] = frozenset({"contact", "rule", "group"})

#: Mail providers whose domain says nothing about the company behind an address.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
        "yahoo.com", "ymail.com", "icloud.com", "me.com", "aol.com", "proton.me",
        "protonmail.com", "gmx.de", "gmx.net", "web.de", "t-online.de", "mail.com",
        "yandex.ru", "orange.fr", "free.fr", "laposte.net", "libero.it", "qq.com", "163.com",
    }
)  # fmt: skip
#: Legal-form and filler words left out of names before comparing them.
LEGAL_FORMS = frozenset(
    {
        "inc", "incorporated", "llc", "llp", "lp", "ltd", "limited", "plc", "corp",
        "corporation", "co", "company", "gmbh", "mbh", "ag", "kg", "kgaa", "ohg", "ug", "ev",
        "sa", "sarl", "sas", "sasu", "srl", "spa", "sl", "slu", "bv", "nv", "oy", "oyj", "ab",
        "as", "asa", "aps", "kft", "sro", "spzoo", "pty", "pte", "the", "und", "and",
    }
)  # fmt: skip
_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class NamePolicy:
    """Thresholds of identification by payer name."""

    #: token_sort_ratio (0–100) a payer name needs to name a customer.
    cutoff: float = 90.0
    #: How far the best customer must be ahead of the second best.
    margin: float = 5.0


@dataclass(frozen=True, slots=True)
class Identified:
    """The customer a remittance belongs to (None: nobody is sure) and why."""

    customer_id: int | None
    method: Method | None
    reason: str
    #: The customers a payer pays for (method "group"): each line is decided for the one
    #: whose invoice it names.
    group: frozenset[int] = frozenset()


@lru_cache(maxsize=1 << 16)  # the same customer names are compared for every unknown sender
def name_key(name: str) -> str:
    """``name`` for comparison: lower-cased words without legal forms and punctuation
    (``"ACME Holdings, Inc."`` → ``"acme holdings"``; ``"Müller GmbH & Co. KG"`` →
    ``"müller"``)."""
    words = [w for w in _WORD_RE.findall(name.casefold()) if w not in LEGAL_FORMS]
    return " ".join(words)


def _sorted_tokens(key: str) -> str:
    """``key`` as ``token_sort_ratio`` compares it (``utils.default_process``, then the words
    sorted), so that a plain ``ratio`` of two of these is their ``token_sort_ratio``."""
    return " ".join(sorted(utils.default_process(key).split()))


@dataclass(frozen=True, slots=True)
class NameIndex:
    """Customer names made ready once for ranking against payer names: the comparison form
    of each is computed when the index is built, not for every unknown sender."""

    ids: tuple[int, ...]
    names: tuple[str, ...]
    keys: tuple[str, ...]
    #: id → its position in the tuples.
    at: Mapping[int, int]

    @classmethod
    def of(cls, names: Mapping[int, str]) -> NameIndex:
        """The index of ``names`` (id → name), in their order."""
        ids = tuple(names)
        return cls(
            ids=ids,
            names=tuple(names[cid] for cid in ids),
            keys=tuple(_sorted_tokens(name_key(names[cid])) for cid in ids),
            at={cid: no for no, cid in enumerate(ids)},
        )


def payer_name_confirms(
    payer_name: str, customer_id: int, index: NameIndex, *, policy: NamePolicy
) -> str | None:
    """The evidence when ``payer_name`` is, within ``margin`` of a perfect score, the name of
    ``customer_id`` (the customer the rest of the content names); else None.

    Then no other customer's name can be ``margin`` ahead of this one (that would take a
    score above 100), so ranking every name could not make the payer name say someone else:
    :func:`customer_by_payer_name` would name this customer or, with a near twin, nobody. The
    ranking is skipped; the name only confirms."""
    at = index.at.get(customer_id)
    key = name_key(payer_name)
    if at is None or not key:
        return None
    score = fuzz.ratio(_sorted_tokens(key), index.keys[at], processor=None)
    if score < policy.cutoff or score <= 100.0 - policy.margin:
        return None
    return f"payer name {payer_name!r} is {index.names[at]!r} ({score:.0f})"


def customer_by_payer_name(
    payer_name: str, names: Mapping[int, str] | NameIndex, *, policy: NamePolicy
) -> tuple[int | None, str]:
    """The customer ``payer_name`` names, clearly ahead of the rest, and the evidence.

    Ranked by ``token_sort_ratio`` of the names without legal forms. Only the two best
    scoring at least ``cutoff - margin`` matter (a second below that is more than ``margin``
    behind any best that passes ``cutoff``), so rapidfuzz may skip the rest early."""
    key = name_key(payer_name)
    index = names if isinstance(names, NameIndex) else NameIndex.of(names)
    if not key or not index.ids:
        return None, "no payer name"
    ranked = process.extract(
        _sorted_tokens(key),
        index.keys,
        scorer=fuzz.ratio,
        processor=None,
        limit=2,
        score_cutoff=max(0.0, policy.cutoff - max(0.0, policy.margin)),
    )
    if not ranked or ranked[0][1] < policy.cutoff:
        return None, f"payer name {payer_name!r} is no customer's name"
    best_score, best = ranked[0][1], ranked[0][2]
    if len(ranked) > 1 and best_score - ranked[1][1] < policy.margin:
        return None, (
            f"payer name {payer_name!r} is as close to {index.names[ranked[1][2]]!r} as to "
            f"{index.names[best]!r}"
        )
    return (
        index.ids[best],
        f"payer name {payer_name!r} is {index.names[best]!r} ({best_score:.0f})",
    )


def identify_customer(
    *,
    contact_customer_id: int | None,
    sender_domain: str | None,
    domain_customer_ids: Sequence[int],
    payer_name: str | None,
    customer_names: Mapping[int, str] | NameIndex,
    referenced: Sequence[Sequence[OpenInvoice]],
    policy: NamePolicy | None = None,
) -> Identified:
    """The customer of a remittance.

    Args:
        contact_customer_id: the customer the sender is a registered contact of, or None.
        sender_domain: the domain of the sender's address, lower-cased.
        domain_customer_ids: customers with registered contacts at ``sender_domain``.
        payer_name: the payer as the remittance names it.
        customer_names: id → name of every customer (for the payer name), or their index.
        referenced: per line reference, the invoices its key resolves to (any customer).
        policy: name thresholds.
    """
    if contact_customer_id is not None:
        return Identified(contact_customer_id, "contact", "sender is a registered contact")
    found: list[tuple[Method, int, str]] = []
    owners = {group[0].customer_id for group in referenced if len(group) == 1}
    if len(owners) == 1:
        (owner,) = owners
        found.append(("invoices", owner, "every invoice referenced belongs to one customer"))
    elif len(owners) > 1:
        return Identified(None, None, "the invoices referenced belong to several customers")
    domain = (sender_domain or "").casefold()
    if domain and domain not in PUBLIC_MAIL_DOMAINS and len(set(domain_customer_ids)) == 1:
        found.append(("domain", domain_customer_ids[0], f"sender domain {domain} is theirs"))
    if payer_name:
        policy = policy or NamePolicy()
        index = (
            customer_names
            if isinstance(customer_names, NameIndex)
            else NameIndex.of(customer_names)
        )
        others = sorted({cid for _, cid, _ in found})
        confirmed = (
            payer_name_confirms(payer_name, others[0], index, policy=policy)
            if len(others) == 1
            else None
        )
        if confirmed is not None:  # the name agrees with the rest: no need to rank it
            found.append(("payer name", others[0], confirmed))
        else:
            named, evidence = customer_by_payer_name(payer_name, index, policy=policy)
            if named is not None:
                found.append(("payer name", named, evidence))
    if not found:
        return Identified(None, None, "sender is not a registered contact of any customer")
    ids = {cid for _, cid, _ in found}
    if len(ids) > 1:
        said = "; ".join(f"{method}: customer {cid}" for method, cid, _ in found)
        return Identified(None, None, f"the evidence disagrees ({said})")
    method, customer_id, _ = found[0]
    reasons = "; ".join(evidence for _, _, evidence in found)
    return Identified(customer_id, method, f"sender unknown; {reasons}")
