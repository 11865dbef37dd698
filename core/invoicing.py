"""Invoices and credit notes to be issued: what goes in (:class:`InvoiceDraft`) and what
comes out (:class:`IssuedInvoice`, every figure computed). Pure: no IO.

The vocabulary is EN 16931's (the European e-invoice model that Factur-X and Peppol BIS
carry): a document type (380 invoice, 381 credit note), lines with a quantity, a unit
(UN/ECE Recommendation 20 code, ``C62`` "one" by default), a net unit price, a VAT category
(UNCL 5305: S standard, Z zero, E exempt, AE reverse charge, K intra-community, G export,
O not subject to VAT, L and M the Canary Islands and Ceuta/Melilla taxes) and a rate in
percent. The figures are computed by :func:`core.invoice_totals.compute_invoice`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Literal

#: How tax is rounded: each line's tax to the minor unit and the rate's tax their sum
#: (``line``), or the rate's taxable amount times the rate, rounded once (``total``, what
#: EN 16931's rule BR-CO-17 checks).
Rounding = Literal["line", "total"]


class DocumentType(StrEnum):
    """UNTDID 1001 document type codes EN 16931 allows for these documents."""

    INVOICE = "380"
    CREDIT_NOTE = "381"


class TaxCategory(StrEnum):
    """UNCL 5305 VAT category codes of EN 16931 (BT-151)."""

    STANDARD = "S"
    ZERO = "Z"
    EXEMPT = "E"
    REVERSE_CHARGE = "AE"
    INTRA_COMMUNITY = "K"
    EXPORT = "G"
    NOT_SUBJECT = "O"
    CANARY_ISLANDS = "L"
    CEUTA_MELILLA = "M"


#: Categories whose rate is 0 by definition.
ZERO_RATE_CATEGORIES = frozenset(
    {
        TaxCategory.ZERO,
        TaxCategory.EXEMPT,
        TaxCategory.REVERSE_CHARGE,
        TaxCategory.INTRA_COMMUNITY,
        TaxCategory.EXPORT,
        TaxCategory.NOT_SUBJECT,
    }
)
#: Categories that need an exemption reason (BT-120/121; EN 16931 BR-E-10, BR-AE-10,
#: BR-IC-10, BR-G-10, BR-O-10), with the VATEX code and text written when none is given.
EXEMPTION_DEFAULTS: dict[TaxCategory, tuple[str | None, str]] = {
    TaxCategory.EXEMPT: (None, "Exempt from VAT"),
    TaxCategory.REVERSE_CHARGE: ("VATEX-EU-AE", "Reverse charge"),
    TaxCategory.INTRA_COMMUNITY: ("VATEX-EU-IC", "Intra-community supply"),
    TaxCategory.EXPORT: ("VATEX-EU-G", "Export outside the EU"),
    TaxCategory.NOT_SUBJECT: ("VATEX-EU-O", "Not subject to VAT"),
}


@dataclass(frozen=True, slots=True)
class PostalAddress:
    """A postal address: street lines, postcode, city and ISO 3166-1 alpha-2 country."""

    lines: tuple[str, ...]
    country: str
    postcode: str = ""
    city: str = ""

    def printed(self) -> tuple[str, ...]:
        """The address as printed: the lines, then postcode and city, then the country."""
        place = " ".join(part for part in (self.postcode, self.city) if part)
        return (*self.lines, *((place,) if place else ()), self.country)


@dataclass(frozen=True, slots=True)
class ElectronicAddress:
    """A Peppol endpoint (BT-34/BT-49): an EAS scheme code (``0088`` GLN, ``9930`` German
    VAT number, ``EM`` e-mail, …) and the identifier in it."""

    scheme: str
    identifier: str


@dataclass(frozen=True, slots=True)
class Seller:
    """Our company as the invoice names it, with the account the money goes to."""

    name: str
    address: PostalAddress
    vat_id: str | None
    iban: str
    bic: str | None = None
    email: str | None = None
    endpoint: ElectronicAddress | None = None
    #: The legal registration identifier (BT-30: trade register number, SIRET, …).
    legal_id: str | None = None
    #: Swiss QR-IBAN (IID 30000-31999), when the company has one: a QR-bill with a QR
    #: reference is paid to it.
    qr_iban: str | None = None


@dataclass(frozen=True, slots=True)
class Buyer:
    """The customer the invoice is addressed to."""

    customer_number: str
    name: str
    address: PostalAddress
    vat_id: str | None = None
    email: str | None = None
    endpoint: ElectronicAddress | None = None


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """One line as written: ``quantity`` × ``unit_price`` (net, any number of decimals),
    taxed at ``tax_rate`` percent in ``tax_category``."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal
    tax_category: TaxCategory = TaxCategory.STANDARD
    unit_code: str = "C62"
    #: The exemption reason printed and sent for a zero-rated category (else the default).
    exemption_reason: str | None = None


@dataclass(frozen=True, slots=True)
class CreditedInvoice:
    """The invoice a credit note credits (EN 16931 BT-25/BT-26)."""

    number: str
    issue_date: date | None = None


@dataclass(frozen=True, slots=True)
class InvoiceDraft:
    """Everything an invoice or credit note says before its figures are computed."""

    seller: Seller
    buyer: Buyer
    number: str
    issue_date: date
    due_date: date
    currency: str
    lines: tuple[InvoiceLine, ...]
    document_type: DocumentType = DocumentType.INVOICE
    credits: CreditedInvoice | None = None
    po_number: str | None = None
    notes: tuple[str, ...] = ()
    #: The reference the payer is asked to quote (an RF creditor reference, or the number).
    payment_reference: str | None = None
    terms: str | None = None
    #: When the goods or services were delivered (BT-72); intra-community supplies need it.
    delivery_date: date | None = None


@dataclass(frozen=True, slots=True)
class LineFigures:
    """A line with its net amount (rounded to the minor unit) and, under per-line rounding,
    its tax (else None: tax is computed per rate)."""

    line: InvoiceLine
    net: Decimal
    tax: Decimal | None


@dataclass(frozen=True, slots=True)
class TaxSubtotal:
    """The tax of one category and rate (EN 16931 BG-23)."""

    category: TaxCategory
    rate: Decimal
    taxable: Decimal
    tax: Decimal
    exemption_code: str | None = None
    exemption_reason: str | None = None


@dataclass(frozen=True, slots=True)
class IssuedInvoice:
    """A draft with every figure computed, in the currency's minor unit."""

    draft: InvoiceDraft
    lines: tuple[LineFigures, ...]
    breakdown: tuple[TaxSubtotal, ...]
    total_net: Decimal
    total_tax: Decimal
    total_gross: Decimal
    amount_due: Decimal
    rounding: Rounding
    prepaid: Decimal = field(default=Decimal("0.00"))

    @property
    def is_credit_note(self) -> bool:
        """Whether this is a credit note (381)."""
        return self.draft.document_type is DocumentType.CREDIT_NOTE
