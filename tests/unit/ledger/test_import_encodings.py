"""Invoice import of files from other systems (issue 21): encodings, delimiters, decimal comma.

And the contract: a UTF-8 comma-separated file reads exactly as it did before."""

from __future__ import annotations

import codecs
import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from core.errors import ImportFileError, ImportRowError
from ledger.import_rows import decimal_choice, validate_rows
from ledger.imports import import_invoices
from ledger.models import Customer, Invoice
from parsers.export_table import read_table
from tests.unit.ledger.conftest import NOW

HEADER = "invoice_number;customer_number;customer_name;issue_date;due_date;amount;balance"


def write(tmp_path: Path, name: str, text: str, encoding: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def stored(sessions) -> dict[str, tuple[str, Decimal, Decimal]]:
    with sessions() as session:
        rows = session.execute(
            select(Invoice.number, Customer.name, Invoice.amount, Invoice.balance).join(
                Customer, Customer.id == Invoice.customer_id
            )
        ).all()
    return {number: (name, amount, balance) for number, name, amount, balance in rows}


def run(sessions, path: Path, **options):
    with sessions.begin() as session:
        return import_invoices(session, path, default_currency="EUR", now=NOW, **options)


def test_issue_21_excel_german_csv_with_semicolons_and_decimal_comma_imports_exactly(
    sessions, tmp_path
):
    """Issue 21: ``;``-separated with ``100,00`` was refused as "bad digit grouping"."""
    # Given Excel's "CSV" from a German Windows: ;-separated, Windows-1252, 1.234,56
    text = (
        f"{HEADER}\r\n"
        "RE-1;K-1;Müller GmbH;2026-01-05;2026-02-04;1.234,56;1.234,56\r\n"
        "RE-2;K-2;Bäckerei Größe KG;2026-01-05;2026-02-04;100,00;0,50\r\n"
        "RE-3;K-2;Bäckerei Größe KG;2026-01-05;2026-02-04;-25,00;-25,00\r\n"
    )
    path = write(tmp_path, "offene_posten.csv", text, "cp1252")
    # When it is imported with no option
    summary = run(sessions, path)
    # Then names and amounts are exact, and the user is told how the file was read
    assert stored(sessions) == {
        "RE-1": ("Müller GmbH", Decimal("1234.56"), Decimal("1234.56")),
        "RE-2": ("Bäckerei Größe KG", Decimal("100.00"), Decimal("0.50")),
        "RE-3": ("Bäckerei Größe KG", Decimal("-25.00"), Decimal("-25.00")),
    }
    assert summary.notes == (
        "read as cp1252 (not UTF-8; detected), semicolon-separated; if names look wrong, "
        "give --encoding or save the file as UTF-8",
        "amounts read with a decimal comma ('1.234,56' in row 2)",
    )


def test_issue_21_excel_unicode_text_utf16_tab_separated_imports_every_script(sessions, tmp_path):
    """Issue 21: Excel's "Unicode text" (UTF-16LE with a BOM, TAB-separated) was refused."""
    names = {"INV-1": "Łódź Gdańsk Sp. z o.o.", "INV-2": "Ελληνική ΑΕ", "INV-3": "株式会社テスト"}
    rows = [
        f"{number}\tC-{number}\t{name}\t2026-01-05\t2026-02-04\t1234.50\t1234.50"
        for number, name in names.items()
    ]
    text = HEADER.replace(";", "\t") + "\r\n" + "\r\n".join(rows) + "\r\n"
    path = tmp_path / "open items.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    summary = run(sessions, path)
    assert {number: name for number, (name, _, _) in stored(sessions).items()} == names
    assert summary.notes == ()  # a BOM says the encoding: nothing to tell


def test_a_lone_ambiguous_amount_follows_the_option_or_the_default_and_says_so(sessions, tmp_path):
    text = f"{HEADER}\nRE-1;K-1;Acme;2026-01-05;2026-02-04;1.234;1.234\n"
    path = write(tmp_path, "ambiguous.csv", text, "utf-8")
    # By default the point is the decimal mark: 1.234 has three decimals, which EUR has not
    with pytest.raises(
        ImportRowError, match=r"row 2: amount '1.234' has more decimals than EUR allows \(2\)"
    ):
        run(sessions, path)
    # With --decimal-comma it is one thousand two hundred and thirty-four
    summary = run(sessions, path, decimal_mark=",")
    assert stored(sessions)["RE-1"][1:] == (Decimal("1234.00"), Decimal("1234.00"))
    assert summary.notes == ()
    # And a comma-grouped 1,234 read by default says it could be read either way
    grouped = HEADER.replace(";", ",") + '\nRE-1,K-1,Acme,2026-01-05,2026-02-04,"1,234","1,234"\n'
    other = write(tmp_path, "other.csv", grouped, "utf-8")
    summary = run(sessions, other)
    assert stored(sessions)["RE-1"][1] == Decimal("1234.00")
    assert len(summary.notes) == 1 and "can be read either way" in summary.notes[0]


def test_a_forced_decimal_point_overrides_the_inference(sessions, tmp_path):
    text = f"{HEADER}\nRE-1;K-1;Acme;2026-01-05;2026-02-04;100,00;100,00\n"
    path = write(tmp_path, "forced.csv", text, "utf-8")
    with pytest.raises(ImportRowError, match="bad digit grouping"):
        run(sessions, path, decimal_mark=".")


def test_amounts_written_with_both_marks_are_refused_and_nothing_is_written(sessions, tmp_path):
    text = (
        f"{HEADER}\nRE-1;K-1;Acme;2026-01-05;2026-02-04;100,00;100,00\n"
        "RE-2;K-1;Acme;2026-01-05;2026-02-04;5.50;5.50\n"
    )
    path = write(tmp_path, "mixed.csv", text, "utf-8")
    with pytest.raises(ImportFileError, match="both decimal marks"):
        run(sessions, path)
    assert stored(sessions) == {}


def test_a_file_whose_encoding_is_not_sure_is_refused_and_the_option_reads_it(sessions, tmp_path):
    text = f"{HEADER}\nRE-1;K-1;Szőlő Győr Kft;2026-01-05;2026-02-04;100,00;100,00\n"
    path = write(tmp_path, "hungarian.csv", text, "iso8859_2")
    with pytest.raises(ImportFileError, match="cannot be told for sure"):
        run(sessions, path)
    summary = run(sessions, path, encoding="iso8859_2")
    assert stored(sessions)["RE-1"][0] == "Szőlő Győr Kft"
    assert summary.notes == ("amounts read with a decimal comma ('100,00' in row 2)",)


# --- the contract: UTF-8 comma files read as before ----------------------------------------


def read_as_before(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The CSV reading of parsers/spreadsheet.read_table at c4b0c5c, before issue 21."""
    text = data.decode("utf-8-sig")
    first_line = text.partition("\n")[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = [[value.strip() for value in record] for record in reader]
    return rows[0], list(enumerate(rows[1:], start=2))


header_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_ ", min_size=1, max_size=12)
cells = st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=15)


@settings(max_examples=200, deadline=None)
@given(
    header=st.lists(header_names, min_size=1, max_size=6),
    rows=st.lists(st.lists(cells, max_size=6), max_size=8),
    bom=st.booleans(),
)
def test_a_utf8_comma_csv_reads_exactly_as_before(header, rows, bom):
    out = io.StringIO(newline="")
    csv.writer(out).writerows([header, *rows])
    data = (codecs.BOM_UTF8 if bom else b"") + out.getvalue().encode("utf-8")
    assert read_table(data, name="ledger.csv") == read_as_before(data)


amounts = st.decimals(min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"), places=2)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(st.tuples(amounts, st.booleans()), min_size=1, max_size=20))
def test_amounts_with_a_decimal_point_validate_as_before(values):
    # Given amounts as before: 1234.50, or grouped 1,234.50
    header = [
        "invoice_number",
        "customer_number",
        "customer_name",
        "issue_date",
        "due_date",
        "amount",
    ]
    records = [
        (
            n,
            [
                f"INV-{n}",
                "C-1",
                "Acme",
                "2026-01-05",
                "2026-02-04",
                f"{v:,.2f}" if grouped else str(v),
            ],
        )
        for n, (v, grouped) in enumerate(values, start=2)
    ]
    # When the file's decimal mark is inferred, it is the point, and the rows are the same
    choice = decimal_choice(header, records)
    assert choice.mark == "."
    inferred = validate_rows(header, records, default_currency="USD", decimal_mark=choice.mark)
    assert inferred == validate_rows(header, records, default_currency="USD")
    assert [row.amount for row in inferred] == [v for v, _ in values]
