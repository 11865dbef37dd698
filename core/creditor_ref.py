"""ISO 11649 structured creditor references (``RF18 5390 0754 7034``). Pure: no IO.

A creditor reference is ``RF``, two check digits and up to 21 letters or digits: the
reference a payer copies into the bank transfer, so the credit names our invoice with a check
the bank can verify. The arithmetic is python-stdnum's (``stdnum.iso11649`` and ISO 7064
MOD 97-10, both small, doctested and kept since 2010); this module adds what stdnum leaves
to its caller: creating a reference from an invoice number, and refusing characters outside
``0-9A-Z`` (stdnum reads any character ``int(ch, 36)`` takes, which includes non-ASCII
digits such as ``٣``, and upper-cases ``ß`` to ``SS``).
"""

from __future__ import annotations

import re

from stdnum import iso11649
from stdnum.ch import esr
from stdnum.exceptions import ValidationError
from stdnum.iso7064 import mod_97_10

#: The most characters a reference holds after ``RF`` and the check digits.
MAX_REFERENCE_LENGTH = 21
_BODY_RE = re.compile(r"[0-9A-Z]{1,21}")
_COMPACT_RE = re.compile(r"RF[0-9]{2}[0-9A-Z]{1,21}")
#: What people put between the groups, or around a reference they copy.
_SEPARATORS = re.compile(r"[\s\-.,/:]+")


def creditor_reference(invoice_number: str) -> str:
    """The RF reference of ``invoice_number`` in its compact form (``INV-1001`` →
    ``RF43INV1001``): the letters and digits of the number, upper case, with ISO 7064
    MOD 97-10 check digits.

    Raises:
        ValueError: the number has no letters or digits, more than 21 of them, or
            characters other than ASCII letters, digits and separators.
    """
    body = _SEPARATORS.sub("", invoice_number)
    if not body.isascii() or not _BODY_RE.fullmatch(body := body.upper()):
        raise ValueError(
            f"{invoice_number[:40]!r} cannot be a creditor reference: it needs 1 to "
            f"{MAX_REFERENCE_LENGTH} ASCII letters or digits"
        )
    return f"RF{mod_97_10.calc_check_digits(body + 'RF')}{body}"


def normalise_creditor_reference(text: str) -> str:
    """``text`` without spaces and separators, upper case (``rf18 5390 0754 7034`` →
    ``RF18539007547034``); not checked."""
    return _SEPARATORS.sub("", text).upper()


def is_creditor_reference(text: str) -> bool:
    """Whether ``text`` is a valid RF reference (any spacing or case): the form, and the
    check digits."""
    if not text.isascii():
        return False
    compact = normalise_creditor_reference(text)
    if not compact.isascii() or not _COMPACT_RE.fullmatch(compact):
        return False
    try:
        iso11649.validate(compact)
    except ValidationError:
        return False
    return True


def format_creditor_reference(reference: str) -> str:
    """``reference`` printed in groups of four (``RF18 5390 0754 7034``), as ISO 11649
    asks for the paper form."""
    return iso11649.format(normalise_creditor_reference(reference))


def swiss_qr_reference(invoice_number: str) -> str:
    """The Swiss QR reference (QRR, 27 digits, the last a recursive mod-10 check digit as
    ``stdnum.ch.esr`` computes it) of ``invoice_number``'s digits: what a QR-bill paid to a
    QR-IBAN must carry (``INV-2026-0042`` → ``000000000000000000202600427``).

    Raises:
        ValueError: the number has no digits, or more than 26.
    """
    digits = "".join(ch for ch in invoice_number if ch in "0123456789")
    if not digits or len(digits) > 26:
        raise ValueError(f"{invoice_number[:40]!r} has no QR reference: it needs 1 to 26 digits")
    body = digits.zfill(26)
    return body + esr.calc_check_digit(body)
