"""The settings of issuing invoices and credit memos (issue 24), a part of
:class:`core.config.Settings` (``ARBOX_*`` like every other setting).

Our company as the documents name it (the company name and address lines are
``ARBOX_COMPANY_NAME`` and ``ARBOX_COMPANY_ADDRESS``), how documents are numbered and computed,
and the e-invoice a customer gets when its own setting says nothing.
"""

from __future__ import annotations

import re
import string
from decimal import Decimal, InvalidOperation
from typing import Literal

from pydantic import BaseModel, field_validator

EInvoiceFormat = Literal["none", "factur-x", "ubl"]
#: What the company's invoices ask the payer to quote: an ISO 11649 ``RF`` creditor
#: reference made from the number, or the number itself.
PaymentReferenceKind = Literal["rf", "number"]


class InvoicingSettings(BaseModel):
    """Fields of :class:`core.config.Settings` for issuing documents."""

    #: The company whose sequences number the documents (one arbox, one company by default).
    company_code: str = "main"
    #: ISO 3166-1 alpha-2 of our address; postcode and city as printed and sent.
    company_country: str = ""
    company_postcode: str = ""
    company_city: str = ""
    company_vat_id: str | None = None
    company_iban: str | None = None
    company_bic: str | None = None
    #: A Swiss QR-IBAN: CHF/EUR invoices to Swiss customers carry a QR-bill with a QR reference.
    company_qr_iban: str | None = None
    #: Accounts per currency, ``CUR=IBAN`` comma-separated (``CHF=CH93 0076 2011 6238 5295 7``):
    #: an invoice in that currency names that account (a CHF invoice paid to a Swiss account
    #: carries a QR-bill); other currencies are paid to ``company_iban``.
    company_accounts: str = ""
    #: Our Peppol endpoint, ``scheme:identifier`` (``0088:4000001000005``, ``9930:DE123…``).
    company_endpoint: str | None = None
    invoice_number_format: str = "INV-{year}-{seq:06d}"
    credit_number_format: str = "CN-{year}-{seq:06d}"
    #: Tax rounded per line (each line's tax to the minor unit, then summed) or per total
    #: (each rate's tax on the sum of its lines).
    invoice_rounding: Literal["line", "total"] = "total"
    #: The standard VAT rates (percent) an invoice may charge, ``,``-separated; empty: any.
    invoice_tax_rates: str = ""
    invoice_payment_reference: PaymentReferenceKind = "rf"
    #: The e-invoice of a customer whose own setting is empty.
    default_einvoice: EInvoiceFormat = "none"

    @field_validator("invoice_number_format", "credit_number_format")
    @classmethod
    def _valid_pattern(cls, value: str) -> str:
        check_pattern(value)
        return value

    @field_validator("company_country")
    @classmethod
    def _country(cls, value: str) -> str:
        value = value.strip().upper()
        if value and (len(value) != 2 or not value.isalpha()):
            raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code (DE, FR, CH…)")
        return value

    @field_validator("company_accounts")
    @classmethod
    def _accounts(cls, value: str) -> str:
        currency_accounts(value)
        return value

    def iban_for(self, currency: str) -> str | None:
        """The account an invoice in ``currency`` is paid to (compact IBAN), or None."""
        account = currency_accounts(self.company_accounts).get(currency) or self.company_iban
        return account.replace(" ", "").upper() if account else None

    @field_validator("invoice_tax_rates")
    @classmethod
    def _rates(cls, value: str) -> str:
        tax_rates(value)
        return value

    @property
    def allowed_tax_rates(self) -> frozenset[Decimal] | None:
        """The configured standard rates, or None: any rate."""
        return tax_rates(self.invoice_tax_rates)


def tax_rates(text: str) -> frozenset[Decimal] | None:
    """``"19, 7"`` → {19, 7}; empty → None (any rate).

    Raises:
        ValueError: a rate that is no number from 0 to 100.
    """
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        return None
    rates = set()
    for part in parts:
        try:
            rate = Decimal(part)
        except InvalidOperation:
            raise ValueError(f"tax rate {part!r} is not a number") from None
        if not rate.is_finite() or not 0 <= rate <= 100:
            raise ValueError(f"tax rate {part} is not a percentage from 0 to 100")
        rates.add(rate.normalize())
    return frozenset(rates)


def currency_accounts(text: str) -> dict[str, str]:
    """``"CHF=CH93…, USD=US…"`` → {"CHF": "CH93…", …} (IBANs compact, upper case).

    Raises:
        ValueError: an entry that is not ``CUR=IBAN``, an IBAN whose check digits are wrong,
            or a currency named twice.
    """
    from stdnum import iban  # loaded when the setting is used

    accounts: dict[str, str] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        currency, sep, account = (x.strip() for x in part.partition("="))
        currency, account = currency.upper(), account.replace(" ", "").upper()
        if not sep or len(currency) != 3 or not currency.isalpha():
            raise ValueError(f"{part[:40]!r} is not CUR=IBAN (CHF=CH9300762011623852957)")
        if not iban.is_valid(account):
            raise ValueError(f"{account[:40]!r} ({currency}) is not a valid IBAN")
        if currency in accounts:
            raise ValueError(f"{currency} is named twice")
        accounts[currency] = account
    return accounts


#: The fields a number pattern may use: ``{year}``, ``{seq}`` (with a format: ``{seq:06d}``),
#: ``{company}``.
PATTERN_FIELDS = frozenset({"year", "seq", "company"})
_SAFE_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9/._-]{0,63}")


def check_pattern(pattern: str) -> None:
    """Refuse a document number pattern without ``{seq}``, with unknown fields, or whose
    numbers would not be plain (letters, digits, ``/ . _ -``, at most 64 characters).

    Raises:
        ValueError: with the reason.
    """
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
    except ValueError as e:
        raise ValueError(f"{pattern!r} is no pattern: {e}") from e
    if "seq" not in fields:
        raise ValueError(f"{pattern!r} has no {{seq}}: numbers would repeat")
    if fields - PATTERN_FIELDS:
        raise ValueError(
            f"{pattern!r} names {sorted(fields - PATTERN_FIELDS)}; "
            "it may use {year}, {seq}, {company}"
        )
    try:
        sample = pattern.format(year=2026, seq=123456, company="main")
    except (ValueError, KeyError, IndexError) as e:
        raise ValueError(f"{pattern!r} cannot be filled in: {e}") from e
    if not _SAFE_NUMBER.fullmatch(sample):
        raise ValueError(
            f"{pattern!r} gives {sample!r}: a number is letters, digits and / . _ - "
            "(at most 64 characters)"
        )
