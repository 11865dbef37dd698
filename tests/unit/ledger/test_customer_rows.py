"""Rows of ``arbox import customers`` (ledger.customer_import.read_customer_rows): each value
checked, the row and reason on a refusal; and the per-currency accounts setting."""

from __future__ import annotations

import pytest

from core.config_invoicing import InvoicingSettings, currency_accounts
from core.errors import ImportRowError
from ledger.customer_import import read_customer_rows

HEADER = ["customer_number", "Name", "address", "postcode", "city", "country", "vat_id",
          "endpoint", "einvoice", "locale"]  # fmt: skip


def test_a_row_gives_the_columns_to_set_and_leaves_empty_ones_alone():
    ((row, number, values),) = read_customer_rows(
        HEADER,
        [(2, ["C-1", "Acme", "Str. 1 | Hof 2", "10115", "Berlin", "de", "de 123456789",
              "9930:DE123456789", "Factur-X", "de-DE"])],
    )  # fmt: skip
    assert (row, number) == (2, "C-1")
    assert values == {
        "name": "Acme",
        "address": "Str. 1\nHof 2",
        "postcode": "10115",
        "city": "Berlin",
        "country": "DE",
        "vat_id": "DE123456789",
        "endpoint_scheme": "9930",
        "endpoint_id": "DE123456789",
        "einvoice": "factur-x",
        "locale": "de_DE",
    }
    ((_, _, values),) = read_customer_rows(["customer_number", "city"], [(2, ["C-1", ""])])
    assert values == {}


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("country", "Germany", "country 'GERMANY': an ISO 3166-1 alpha-2 code"),
        ("vat_id", "123", "vat_id '123': a country prefix"),
        ("endpoint", "DE123", "endpoint 'DE123': scheme:identifier"),
        ("einvoice", "pdf", "einvoice 'pdf': none, factur-x or ubl"),
        ("locale", "xx_??", "locale:"),
        ("postcode", "1" * 17, "postcode is longer than 16 characters"),
        # the probe's names and numbers (issue 24's hostile input)
        ("name", "Ctl\x01\x1b[31mRed\x07", "name has an invisible or control character (U+0001)"),
        ("name", "Acme \u202egnp.exe", "name has an invisible or control character (U+202E)"),
        ("city", "Ber\u200blin", "city has an invisible or control character (U+200B)"),
    ],
)
def test_a_bad_value_refuses_with_row_and_reason(column, value, reason):
    with pytest.raises(ImportRowError) as caught:
        read_customer_rows(["customer_number", column], [(2, ["C-1", ""]), (3, ["C-2", value])])
    assert caught.value.row == 3
    assert caught.value.reason.startswith(reason)


def test_a_customer_twice_and_an_empty_number_are_refused():
    with pytest.raises(ImportRowError, match="already in row 2"):
        read_customer_rows(["customer_number"], [(2, ["C-1"]), (3, ["C-1"])])
    with pytest.raises(ImportRowError, match="customer_number is empty"):
        read_customer_rows(["customer_number", "name"], [(2, ["", "x"])])


def test_accounts_per_currency():
    assert currency_accounts("chf = CH93 0076 2011 6238 5295 7, ") == {
        "CHF": "CH9300762011623852957"
    }
    settings = InvoicingSettings(
        company_iban="DE89 3704 0044 0532 0130 00", company_accounts="CHF=CH9300762011623852957"
    )
    assert settings.iban_for("CHF") == "CH9300762011623852957"
    assert settings.iban_for("EUR") == "DE89370400440532013000"
    for bad in ("CHF", "CHF=CH9300762011623852958", "CHF=CH9300762011623852957,chf=CH93"):
        with pytest.raises(ValueError):
            currency_accounts(bad)


@pytest.mark.parametrize("number", ["C\u200b1", "C\u04211", "C\u00a01"])
def test_a_customer_number_that_would_pass_for_another_is_refused(number):
    with pytest.raises(ImportRowError) as caught:
        read_customer_rows(["customer_number"], [(2, [number])])
    assert caught.value.row == 2
    assert "invisible or control character" in caught.value.reason or "not plain ASCII" in (
        caught.value.reason
    )
