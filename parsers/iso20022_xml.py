"""ISO 20022 XML read with hostile-input care, for the remittance messages a payer attaches
(``remt.001``, ``camt.054``): the document, its elements by local name, its amounts. Pure: no IO.

The care is the bank import's (:mod:`parsers.bank.camt`, docs/bank.md): defusedxml with DTDs
forbidden, so entity expansion (billion laughs) and external entities (XXE) are refused before
anything is read; a size limit checked before parsing; and, as the parse goes, a nesting limit
(an ISO 20022 message nests about 12 deep: a file of a million nested elements is stopped at
the limit, not built). Every failure is an :class:`~core.errors.UnreadableDocumentError`
whose reason says what is wrong.

Amounts are ISO's ``ActiveOrHistoricCurrencyAndAmount``: ``<RmtdAmt Ccy="EUR">1250.00</RmtdAmt>``,
a non-negative decimal with its currency. They are read exactly (``Decimal`` from the text),
and a value with more decimals than its currency's minor units is refused, never rounded.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from decimal import Decimal
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from core.errors import UnreadableDocumentError
from core.money import MAX_INTEGER_DIGITS, currency_problem, fits_currency, minor_units

#: Larger files are refused unread: an advice is kilobytes, a notification of a thousand
#: payments under 2 MB.
MAX_ISO20022_BYTES = 5 * 1024 * 1024
#: Deeper nesting is refused as it is read (remt.001 and camt.054 nest about 12 deep).
MAX_DEPTH = 40
#: How far into a file the root element is looked for (after the XML and DOCTYPE prologue).
HEAD_BYTES = 65536

_NAMESPACE_PREFIX = "urn:iso:std:iso:20022:tech:xsd:"
#: The root start tag (``<Document xmlns="urn:…:remt.001.001.04">``, or with a prefix), in
#: the head of the file: what an ISO 20022 message of ours looks like before it is parsed.
_ROOT_RE = re.compile(
    rb"<(?:([A-Za-z_][\w.-]*):)?Document\b[^<>]*?\bxmlns(?::([A-Za-z_][\w.-]*))?\s*=\s*"
    rb"[\"'](urn:iso:std:iso:20022:tech:xsd:[a-z]{4}\.\d{3}\.\d{3}\.\d{2})[\"']"
)
#: ISO's amount: digits, at most five decimals (``fractionDigits`` 5), no sign.
_AMOUNT_RE = re.compile(r"^[0-9]+(\.[0-9]+)?$")  # ASCII digits only: ٨٠٠ is no xs:decimal


def message_name(namespace: str) -> str:
    """``remt.001`` for ``urn:iso:std:iso:20022:tech:xsd:remt.001.001.04``."""
    return ".".join(namespace.removeprefix(_NAMESPACE_PREFIX).split(".")[:2])


def root_namespace(data: bytes) -> str | None:
    """The ISO 20022 namespace of the file's root ``Document`` element, read from the head of
    the bytes without parsing them (None when the head holds no such root)."""
    for match in _ROOT_RE.finditer(data[:HEAD_BYTES]):
        if match.group(1) == match.group(2):  # the prefix the tag uses is the one it declares
            return match.group(3).decode("ascii")
    return None


def parse_document(data: bytes, *, messages: tuple[str, ...]) -> tuple[Element, str]:
    """The ``Document`` root of an ISO 20022 message of one of ``messages`` (``remt.001``),
    any version, and its message name.

    Raises:
        UnreadableDocumentError: too large, a DTD or entity, not well-formed, nested too
            deeply, or another root or message.
    """
    if len(data) > MAX_ISO20022_BYTES:
        raise UnreadableDocumentError(
            f"ISO 20022 file of {len(data)} bytes is larger than the limit of "
            f"{MAX_ISO20022_BYTES} bytes"
        )
    root = _parse(data)
    namespace = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""
    name = message_name(namespace) if namespace.startswith(_NAMESPACE_PREFIX) else ""
    if local_name(root.tag) != "Document" or name not in messages:
        raise UnreadableDocumentError(
            f"not an ISO 20022 {' or '.join(messages)} message (root {local_name(root.tag)!r} "
            f"in namespace {namespace!r})"
        )
    return root, name


def _parse(data: bytes) -> Element:
    depth = 0
    root: Element | None = None
    try:
        for event, element in iterparse(io.BytesIO(data), events=("start", "end"), forbid_dtd=True):
            if event == "end":
                depth -= 1
                continue
            depth += 1
            root = element if root is None else root
            if depth > MAX_DEPTH:
                raise UnreadableDocumentError(
                    f"XML nested more than {MAX_DEPTH} elements deep: no ISO 20022 message is"
                )
    except DefusedXmlException as e:
        raise UnreadableDocumentError(
            f"XML refused: it declares {type(e).__name__} (DTDs and entities are not allowed)"
        ) from None
    except (ParseError, ValueError, LookupError) as e:  # LookupError: an unknown encoding
        raise UnreadableDocumentError(f"not well-formed XML: {e}") from None
    except RecursionError:
        raise UnreadableDocumentError("XML nested too deeply") from None
    if root is None:  # pragma: no cover - expat reports an empty document as an error
        raise UnreadableDocumentError("empty XML document")
    return root


def local_name(tag: str) -> str:
    """``RmtdAmt`` for ``{urn:…}RmtdAmt``."""
    return tag.rpartition("}")[2]


def children(el: Element | None, name: str) -> Iterator[Element]:
    """The children of ``el`` named ``name`` (by local name), in order."""
    if el is None:
        return iter(())
    return (child for child in el if local_name(child.tag) == name)


def child(el: Element | None, *path: str) -> Element | None:
    """The first element down ``path`` from ``el`` (``child(strd, "RfrdDocAmt", "RmtdAmt")``)."""
    for name in path:
        if el is None:
            return None
        el = next(children(el, name), None)
    return el


def text(el: Element | None, *path: str) -> str | None:
    """The stripped text of the element down ``path`` from ``el`` (None when absent or empty)."""
    found = child(el, *path)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def read_amount(el: Element, *, what: str) -> tuple[Decimal, str]:
    """The amount and the currency of an amount element (``<Amt Ccy="EUR">12.50</Amt>``),
    exact: ``12.50`` stays ``12.50``, ``12.5`` becomes ``12.50``. ``what`` names the amount
    in a refusal.

    Raises:
        UnreadableDocumentError: no currency or not an ISO 4217 one, not a non-negative
            decimal, too large, or more decimals than the currency's minor units.
    """
    shown = (el.text or "").strip()
    name = local_name(el.tag)
    currency = (el.get("Ccy") or "").strip()
    problem = currency_problem(currency) if currency else "is missing (attribute Ccy)"
    if problem is not None:
        raise UnreadableDocumentError(
            f"{what}: {name} {shown!r}: the currency {currency!r} {problem}"
        )
    if not _AMOUNT_RE.match(shown):
        why = "negative amounts are not ISO 20022" if shown.startswith("-") else "not a decimal"
        raise UnreadableDocumentError(f"{what}: {name} {shown!r} {currency}: {why}")
    whole = shown.partition(".")[0].lstrip("0")
    if len(whole) > MAX_INTEGER_DIGITS:
        raise UnreadableDocumentError(
            f"{what}: {name} {shown} {currency} is too large "
            f"(more than {MAX_INTEGER_DIGITS} digits)"
        )
    value = Decimal(shown)
    if not fits_currency(value, currency):
        raise UnreadableDocumentError(
            f"{what}: {name} {shown} {currency} has more decimals than {currency}'s "
            f"{minor_units(currency)}"
        )
    return value.quantize(Decimal(1).scaleb(-max(2, minor_units(currency)))), currency
