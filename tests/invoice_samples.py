"""Synthetic invoices for the tests of issuing (issue 24): one German seller, customers in
Germany, France and Switzerland. Names, numbers and accounts are made up; the IBANs carry
valid check digits (the DE one is the example IBAN of the German banks' association)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from core.invoicing import (
    Buyer,
    CreditedInvoice,
    DocumentType,
    ElectronicAddress,
    InvoiceDraft,
    InvoiceLine,
    PostalAddress,
    Seller,
    TaxCategory,
)

SELLER = Seller(
    name="Nordwind Tools GmbH",
    address=PostalAddress(("Hafenstraße 12",), "DE", postcode="20457", city="Hamburg"),
    vat_id="DE123456789",
    iban="DE02120300000000202051",
    bic="BYLADEM1001",
    email="billing@nordwind.example",
    endpoint=ElectronicAddress("EM", "billing@nordwind.example"),
)
SWISS_SELLER = replace(
    SELLER,
    name="Nordwind Werkzeuge AG",
    address=PostalAddress(("Bahnhofstrasse 1",), "CH", postcode="8001", city="Zürich"),
    vat_id="CHE123456789MWST",
    iban="CH9300762011623852957",
    qr_iban="CH4431999123000889012",
    bic=None,
)
BUYER = Buyer(
    customer_number="C-1001",
    name="Acme Handel AG",
    address=PostalAddress(("Marktplatz 3", "Lager 2"), "DE", postcode="80331", city="München"),
    vat_id="DE987654321",
    email="ap@acme.example",
    endpoint=ElectronicAddress("EM", "ap@acme.example"),
)
FRENCH_BUYER = Buyer(
    customer_number="C-2002",
    name="Société Lumière SARL",
    address=PostalAddress(("12 rue de la Paix",), "FR", postcode="75002", city="Paris"),
    vat_id="FR40303265045",
    email="compta@lumiere.example",
    endpoint=ElectronicAddress("EM", "compta@lumiere.example"),
)


def line(description: str = "Torque wrench", **overrides: Any) -> InvoiceLine:
    values: dict[str, Any] = {
        "description": description,
        "quantity": Decimal("2"),
        "unit_price": Decimal("49.95"),
        "tax_rate": Decimal("19"),
        "tax_category": TaxCategory.STANDARD,
    }
    values.update(overrides)
    return InvoiceLine(**values)


def draft(**overrides: Any) -> InvoiceDraft:
    values: dict[str, Any] = {
        "seller": SELLER,
        "buyer": BUYER,
        "number": "INV-2026-0042",
        "issue_date": date(2026, 12, 1),
        "due_date": date(2026, 12, 31),
        "currency": "EUR",
        "lines": (
            line(),
            line("Socket set 1/2 in", quantity=Decimal("1"), unit_price=Decimal("129.00")),
            line(
                "Manual (book)",
                quantity=Decimal("3"),
                unit_price=Decimal("12.50"),
                tax_rate=Decimal("7"),
            ),
        ),
        "po_number": "PO-7788",
        "notes": ("Thank you for your order.",),
        "payment_reference": "RF73INV20260042",
        "terms": "Net 30",
    }
    values.update(overrides)
    return InvoiceDraft(**values)


def credit_note(**overrides: Any) -> InvoiceDraft:
    values: dict[str, Any] = {
        "number": "CN-2026-0007",
        "document_type": DocumentType.CREDIT_NOTE,
        "credits": CreditedInvoice("INV-2026-0042", date(2026, 12, 1)),
        "lines": (line("Torque wrench, returned", quantity=Decimal("1")),),
        "payment_reference": None,
        "notes": ("Credit for the returned wrench.",),
    }
    values.update(overrides)
    return draft(**values)
