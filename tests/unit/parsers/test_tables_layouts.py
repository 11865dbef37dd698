"""parsers.tables, property: a remittance table in any layout reads back its lines.

Tables are generated from header words of six languages, in any column order, with title
rows above, a repeated header after a page break, European/US/French/plain number formats,
credit memos written four ways, optional discount, deduction, payer-document, PO and
balance columns, and a total row.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from html import escape

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.html_text import html_to_text
from parsers.remittance_text import parse_text_remittance
from parsers.spreadsheet import parse_spreadsheet_remittance
from parsers.tables import read_grid

HEADERS = {
    "en": {
        "ref": ["Invoice", "Invoice No", "Your reference", "Invoice #"],
        "theirs": ["Our doc.", "Our reference"],
        "date": ["Date", "Invoice date"],
        "gross": ["Gross", "Invoice amount"],
        "disc": ["Discount", "Cash discount"],
        "ded": ["Deduction", "Short pay", "Adjustment"],
        "reason": ["Reason", "Comment"],
        "net": ["Net", "Paid", "Amount paid", "Payment"],
        "po": ["PO number"],
        "balance": ["Balance"],
    },
    "de": {
        "ref": ["Ihre Belegnr.", "Rechnungsnr.", "Rechnung", "Ihre Referenz"],
        "theirs": ["Unsere Belegnr."],
        "date": ["Datum", "Belegdatum"],
        "gross": ["Brutto", "Rechnungsbetrag"],
        "disc": ["Skonto"],
        "ded": ["Abzug", "Kürzung"],
        "reason": ["Grund", "Bemerkung"],
        "net": ["Netto", "Zahlbetrag"],
        "po": ["Bestellnr."],
        "balance": ["Offen"],
    },
    "fr": {
        "ref": ["Facture", "N° facture", "Votre référence"],
        "theirs": ["Notre référence"],
        "date": ["Date"],
        "gross": ["Montant", "Montant brut"],
        "disc": ["Escompte"],
        "ded": ["Retenue"],
        "reason": ["Motif"],
        "net": ["Montant payé", "Net payé"],
        "po": ["Commande"],
        "balance": ["Solde"],
    },
    "es": {
        "ref": ["Factura", "Nº factura"],
        "theirs": ["Nuestro documento"],
        "date": ["Fecha"],
        "gross": ["Importe"],
        "disc": ["Descuento"],
        "ded": ["Deducción"],
        "reason": ["Motivo"],
        "net": ["Importe pagado"],
        "po": ["Pedido"],
        "balance": ["Pendiente"],
    },
    "nl": {
        "ref": ["Factuurnummer", "Factuur"],
        "theirs": ["Ons kenmerk"],
        "date": ["Datum"],
        "gross": ["Bedrag"],
        "disc": ["Korting"],
        "ded": ["Inhouding"],
        "reason": ["Reden"],
        "net": ["Betaald"],
        "po": ["Bestelling"],
        "balance": ["Openstaand"],
    },
    "it": {
        "ref": ["Fattura", "N. fattura"],
        "theirs": ["Nostro documento"],
        "date": ["Data"],
        "gross": ["Importo"],
        "disc": ["Sconto"],
        "ded": ["Trattenuta"],
        "reason": ["Motivo"],
        "net": ["Importo pagato"],
        "po": ["Ordine"],
        "balance": ["Residuo"],
    },
}
TOTAL_WORDS = {"en": "Total", "de": "Summe", "fr": "Total", "es": "Total", "nl": "Totaal"}


def _written(value: Decimal, style: str, credit: str) -> str:
    text = f"{abs(value):,.2f}"
    if style == "eu":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    elif style == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    elif style == "plain":
        text = f"{abs(value):.2f}"
    if value < 0:
        text = {"paren": f"({text})", "minus": f"-{text}", "trail": f"{text}-", "cr": f"{text} CR"}[
            credit
        ]
    return text


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[list[str]], list[tuple[str, Decimal]], Decimal]:
    lang = draw(st.sampled_from(sorted(HEADERS)))
    words = HEADERS[lang]
    style = draw(st.sampled_from(["us", "eu", "fr", "plain"]))
    credit = draw(st.sampled_from(["paren", "minus", "trail", "cr"]))
    cols = ["ref", "net"]
    extras = draw(st.sets(st.sampled_from(["theirs", "date", "gross", "po", "balance"])))
    cols += sorted(extras)
    if "gross" in cols:
        cols += draw(st.sets(st.sampled_from(["disc", "ded"])))
        if "ded" in cols:
            cols.append("reason")
    cols = draw(st.permutations(cols))
    header = [draw(st.sampled_from(words[col])) for col in cols]
    rows: list[list[str]] = []
    expected: list[tuple[str, Decimal]] = []
    for no in range(draw(st.integers(min_value=1, max_value=12))):
        gross = Decimal(draw(st.integers(min_value=100, max_value=10**8))) / 100
        discount = (gross * Decimal("0.02")).quantize(Decimal("0.01")) if "disc" in cols else 0
        deduction = Decimal("12.50") if "ded" in cols and gross > 100 else Decimal(0)
        is_credit = draw(st.booleans()) and no % 3 == 2
        if is_credit:
            gross, discount, deduction = -gross, Decimal(0), Decimal(0)
        net = gross - discount - deduction
        ref = f"CM-{3000 + no}" if is_credit else f"INV-{10000 + no}"
        cells = {
            "ref": ref,
            "theirs": f"51000{no:05d}",
            "date": "03.11.2026",
            "gross": _written(gross, style, credit),
            "disc": _written(Decimal(discount), style, credit) if discount else "",
            "ded": _written(deduction, style, credit) if deduction else "",
            "reason": "damaged goods" if deduction else "",
            "net": _written(net, style, credit),
            "po": f"PO-{700 + no}",
            "balance": "0.00",
        }
        rows.append([cells[col] for col in cols])
        expected.append((ref, net))
    total = sum((net for _, net in expected), start=Decimal(0))
    total_row = [""] * len(cols)
    total_row[cols.index("net")] = _written(total, style, credit)
    total_row[cols.index("ref")] = TOTAL_WORDS.get(lang, "Totale")
    titles = [["Remittance advice"] + [""] * (len(cols) - 1)] * draw(st.integers(0, 2))
    if len(rows) > 4 and draw(st.booleans()):  # a page break
        rows = [*rows[:3], ["Carried forward"] + [""] * (len(cols) - 1), header, *rows[3:]]
    return [*titles, header, *rows, total_row], expected, total


@settings(max_examples=300, deadline=None)
@given(tables())
def test_a_table_in_any_layout_reads_back_its_lines_and_total(
    table: tuple[list[list[str]], list[tuple[str, Decimal]], Decimal],
) -> None:
    rows, expected, total = table
    grid = read_grid(rows)
    assert [(line.invoice_ref, line.amount) for line in grid.lines] == expected
    assert grid.stated_total == total


def _as_aligned_text(rows: list[list[str]]) -> str:
    widths = [max(len(row[col]) for row in rows) + 3 for col in range(len(rows[0]))]
    lines = [
        "".join(
            cell.ljust(width) if col == 0 else cell.rjust(width)
            for col, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]
    return "Hello,\n\nplease find our payment below.\n\n" + "\n".join(lines) + "\n\nRegards\nJane"


@settings(max_examples=150, deadline=None)
@given(tables())
def test_the_same_table_pasted_as_aligned_text_into_a_body_reads_back_its_lines(
    table: tuple[list[list[str]], list[tuple[str, Decimal]], Decimal],
) -> None:
    rows, expected, total = table
    remittance = parse_text_remittance(_as_aligned_text(rows))
    assert remittance is not None
    assert [(line.invoice_ref, line.amount) for line in remittance.lines] == expected
    assert remittance.stated_total == total


def _as_html(rows: list[list[str]]) -> str:
    header, *body = rows
    cells = "".join(f"<th>{escape(cell)}</th>" for cell in header)
    trs = "".join(
        "<tr>" + "".join(f"<td style='text-align:right'>{escape(c)}</td>" for c in row) + "</tr>"
        for row in body
    )
    return f"<p>Dear team,</p><table><thead><tr>{cells}</tr></thead><tbody>{trs}</tbody></table>"


@settings(max_examples=100, deadline=None)
@given(tables())
def test_the_same_table_as_html_reads_back_its_lines(
    table: tuple[list[list[str]], list[tuple[str, Decimal]], Decimal],
) -> None:
    rows, expected, total = table
    remittance = parse_text_remittance(html_to_text(_as_html(rows)))
    assert remittance is not None
    assert [(line.invoice_ref, line.amount) for line in remittance.lines] == expected
    assert remittance.stated_total == total


@settings(max_examples=100, deadline=None)
@given(tables(), st.sampled_from([";", "\t", ","]))
def test_the_same_table_as_csv_reads_back_its_lines(
    table: tuple[list[list[str]], list[tuple[str, Decimal]], Decimal], delimiter: str
) -> None:
    rows, expected, total = table
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    remittance = parse_spreadsheet_remittance(buffer.getvalue().encode("utf-8"), kind="csv")
    assert remittance is not None
    assert [(line.invoice_ref, line.amount) for line in remittance.lines] == expected
    assert remittance.stated_total == total
