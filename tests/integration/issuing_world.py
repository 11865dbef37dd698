"""The world the issuing tests run in (issue 24): our company (German, with a Swiss account for
CHF), five customers in four countries with their billing contacts, and a file of twenty
invoices in EUR, CHF and USD."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

#: ``ARBOX_*`` settings of our company.
COMPANY = {
    "ARBOX_AR_ADDRESS": "ar@seller.example",
    "ARBOX_COMPANY_NAME": "Werkzeug Handel GmbH",
    "ARBOX_COMPANY_ADDRESS": "Marktplatz 1",
    "ARBOX_COMPANY_POSTCODE": "80331",
    "ARBOX_COMPANY_CITY": "München",
    "ARBOX_COMPANY_COUNTRY": "DE",
    "ARBOX_COMPANY_VAT_ID": "DE136695976",
    "ARBOX_COMPANY_IBAN": "DE89370400440532013000",
    "ARBOX_COMPANY_BIC": "COBADEFFXXX",
    "ARBOX_COMPANY_ACCOUNTS": "CHF=CH9300762011623852957",
    "ARBOX_COMPANY_ENDPOINT": "9930:DE136695976",
    "ARBOX_INVOICE_TAX_RATES": "19,7",
}

CUSTOMERS = """customer_number,name,address,postcode,city,country,vat_id,endpoint,einvoice,locale
C-DE,Maschinenbau Berg GmbH,Industriestr. 4|Halle 2,70173,Stuttgart,DE,DE811907980,9930:DE811907980,factur-x,de_DE
C-FR,Atelier Lumière SARL,12 rue de la Paix,75002,Paris,FR,FR40303265045,,factur-x,fr_FR
C-NL,Van Dijk Techniek BV,Keizersgracht 100,1015 AA,Amsterdam,NL,NL004495445B01,0106:12345678,ubl,nl_NL
C-CH,Uhrenwerk Zürich AG,Bahnhofstrasse 10,8001,Zürich,CH,CHE116281710,,none,de_CH
C-US,Granite Tools Inc,500 Main Street,02110,Boston,US,,,none,en_US
"""

CONTACTS = """customer_number,email,name,role
C-DE,rechnungen@berg.example,Buchhaltung,Rechnungen
C-DE,einkauf@berg.example,Einkauf,Purchasing
C-FR,factures@lumiere.example,Comptabilité,Facturation
C-NL,crediteuren@vandijk.example,Crediteuren,AP
C-CH,kreditoren@uhrenwerk.example,Kreditoren,Billing
C-US,ap@granite.example,Payables,Accounts payable
"""

#: customer → (currency, tax rate, tax category): intra-EU customers reverse-charged, the
#: Swiss and US ones exports (0 %), the German one at 19 % and 7 %.
PLAN = {
    "C-DE": ("EUR", "19", "S"),
    "C-FR": ("EUR", "0", "AE"),
    "C-NL": ("EUR", "0", "AE"),
    "C-CH": ("CHF", "0", "G"),
    "C-US": ("USD", "0", "G"),
}


def invoices(count: int = 20, *, day: str = "2026-12-01") -> list[dict[str, object]]:
    """``count`` invoices, the five customers in turn, one to three lines each."""
    customers = list(PLAN)
    docs: list[dict[str, object]] = []
    for n in range(count):
        customer = customers[n % len(customers)]
        currency, rate, category = PLAN[customer]
        lines = [
            {
                "description": f"Drehmomentschlüssel Satz {n}-{k}",
                "quantity": str(k + 1),
                "unit_price": str(Decimal(1999 + 137 * n + 11 * k).scaleb(-2)),
                "tax_rate": "7" if customer == "C-DE" and k == 1 else rate,
                "tax_category": category,
            }
            for k in range(1 + n % 3)
        ]
        docs.append(
            {
                "customer_number": customer,
                "issue_date": day,
                "currency": currency,
                "terms": "Net 30",
                "po_number": f"PO-{4400 + n}",
                "lines": lines,
            }
        )
    return docs


def write_world(tmp_path: Path) -> tuple[Path, Path]:
    """The customers and contacts files."""
    customers, contacts = tmp_path / "customers.csv", tmp_path / "contacts.csv"
    customers.write_text(CUSTOMERS, encoding="utf-8")
    contacts.write_text(CONTACTS, encoding="utf-8")
    return customers, contacts


def write_invoices(path: Path, docs: list[dict[str, object]]) -> Path:
    path.write_text(json.dumps(docs, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
