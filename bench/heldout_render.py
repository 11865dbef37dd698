# long: the held-out world's renderers as their author wrote them (bench/HELDOUT.md); kept whole, apart from the code it measures.
"""Held-out world: how payers write remittance advices (layouts), money and dates in their own
formats, and the raw .eml around them. Standalone: stdlib, reportlab and openpyxl only.

Written from a description of the trade, not from arbox's parsers.
"""

from __future__ import annotations

import csv
import hashlib
import html as htmlmod
import io
import random
import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

import reportlab.rl_config

reportlab.rl_config.invariant = 1  # deterministic PDFs (no timestamps, fixed IDs)

from reportlab.lib import colors  # noqa: E402
from reportlab.lib.pagesizes import A4, LETTER  # noqa: E402
from reportlab.lib.styles import getSampleStyleSheet  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle  # noqa: E402

AR_ADDRESS = "ar@arbox.example"
VENDOR = "Arbox Example Ltd"

# --------------------------------------------------------------------------------------------
# The advice as the payer means it


@dataclass
class ALine:
    ref: str | None
    net: Decimal  # cash paid on this line (negative for a credit memo netted)
    gross: Decimal | None = None
    disc: Decimal = Decimal("0.00")
    ded: Decimal = Decimal("0.00")
    reason: str | None = None
    inv_date: date | None = None
    note: str | None = None
    payer_doc: str = ""


@dataclass
class Advice:
    payer: str  # payer company name
    person: str  # who signs
    lang: str  # en de fr es nl
    region: str  # US GB DE FR ES NL IE
    currency: str | None  # currency as written (None: names none)
    cur_style: str  # "code" | "symbol" | "none"
    paid_on: date
    state_date: bool
    method: str
    pay_ref: str
    total: Decimal | None  # stated total (None: none stated)
    lines: list[ALine]
    amount_style: str  # en | eu | fr | plain | plaindot
    neg_style: str  # minus | trailing | paren
    vendor_no: str = ""
    cols: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Formats

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


def fmt_num(x: Decimal, style: str) -> str:
    neg = x < 0
    s = f"{abs(x):,.2f}"  # 1,234.56
    if style == "eu":
        s = s.replace(",", "X").replace(".", ",").replace("X", ".")
    elif style == "fr":
        s = s.replace(",", " ").replace(".", ",")
    elif style == "plain":
        s = s.replace(",", "")
    elif style == "plaincomma":
        s = s.replace(",", "").replace(".", ",")
    elif style == "ch":
        s = s.replace(",", "'")
    return ("-" + s) if neg else s


def fmt_amt(x: Decimal, adv: Advice, *, cur: bool = False, neg: str | None = None) -> str:
    s = fmt_num(abs(x), adv.amount_style)
    if x < 0:
        style = neg or adv.neg_style
        s = {"minus": "-" + s, "trailing": s + "-", "paren": "(" + s + ")"}[style]
    if cur and adv.currency:
        if adv.cur_style == "symbol":
            sym = SYMBOLS.get(adv.currency, adv.currency)
            s = (s + " " + sym) if adv.lang in ("de", "fr", "es", "nl") and sym == "€" else sym + s
        elif adv.cur_style == "code":
            s = (
                (s + " " + adv.currency)
                if adv.lang in ("de", "fr", "es")
                else adv.currency + " " + s
            )
    return s


MONTHS = {
    "en": "January February March April May June July August September October November December",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
}
MONTHS = {k: v.split() for k, v in MONTHS.items()}


def fmt_date(d: date, region: str, style: int = 0) -> str:
    if style == 1:
        return d.isoformat()
    if region == "US":
        return d.strftime("%m/%d/%Y") if style != 2 else d.strftime("%b %d, %Y")
    if region in ("GB", "IE"):
        return d.strftime("%d/%m/%Y") if style != 2 else f"{d.day} {d.strftime('%b %Y')}"
    if region == "DE":
        return d.strftime("%d.%m.%Y")
    if region == "NL":
        return d.strftime("%d-%m-%Y")
    return d.strftime("%d/%m/%Y")


def long_date(d: date, lang: str) -> str:
    m = MONTHS[lang][d.month - 1]
    if lang == "en":
        return f"{d.day} {m} {d.year}"
    if lang == "de":
        return f"{d.day}. {m} {d.year}"
    if lang == "es":
        return f"{d.day} de {m} de {d.year}"
    return f"{d.day} {m} {d.year}"


# --------------------------------------------------------------------------------------------
# Words

COLS = {
    "en": {
        "ref": [
            "Invoice No.",
            "Invoice #",
            "Inv Number",
            "Your Invoice",
            "Invoice Reference",
            "Supplier Inv No",
        ],
        "date": ["Invoice Date", "Inv Date", "Doc Date", "Date"],
        "gross": ["Gross Amount", "Invoice Amount", "Original Amt", "Amount Due"],
        "disc": ["Discount", "Cash Discount", "Disc Taken", "Discount Taken"],
        "ded": ["Deduction", "Adjustment", "Short Paid", "Deductions"],
        "reason": ["Reason", "Remark", "Comment", "Reason Code"],
        "net": ["Net Paid", "Amount Paid", "Payment Amount", "Net Amount", "Paid"],
        "doc": ["Our Ref", "Voucher", "Doc No.", "Payment Doc"],
    },
    "de": {
        "ref": ["Rechnungsnr.", "Ihre Rechnung", "Re.-Nr.", "Referenz", "Ihre Belegnr."],
        "date": ["Rechnungsdatum", "Belegdatum", "Datum", "Re.-Datum"],
        "gross": ["Bruttobetrag", "Rechnungsbetrag", "Betrag brutto"],
        "disc": ["Skonto", "Skontoabzug", "Skontobetrag"],
        "ded": ["Abzug", "Kürzung", "Minderung"],
        "reason": ["Grund", "Bemerkung", "Text"],
        "net": ["Zahlbetrag", "Nettobetrag", "Überwiesen", "Zahlung"],
        "doc": ["Unsere Belegnr.", "Beleg", "Buchungsnr."],
    },
    "fr": {
        "ref": ["N° facture", "Facture", "Votre référence", "Réf. facture", "Num. pièce"],
        "date": ["Date facture", "Date", "Date pièce"],
        "gross": ["Montant brut", "Montant TTC", "Montant facture"],
        "disc": ["Escompte", "Remise", "Escompte pris"],
        "ded": ["Déduction", "Retenue", "Litige"],
        "reason": ["Motif", "Commentaire", "Observation"],
        "net": ["Montant payé", "Net payé", "Règlement", "Montant réglé"],
        "doc": ["Notre pièce", "N° pièce", "Écriture"],
    },
    "es": {
        "ref": ["Nº factura", "Factura", "Su referencia", "Num. Documento", "Nº Fra."],
        "date": ["Fecha factura", "Fecha", "Fecha doc."],
        "gross": ["Importe bruto", "Importe factura", "Total factura"],
        "disc": ["Descuento", "Dto. pronto pago", "Dto."],
        "ded": ["Deducción", "Abono", "Retención"],
        "reason": ["Motivo", "Observaciones", "Concepto"],
        "net": ["Importe pagado", "Neto", "Pagado", "Importe"],
        "doc": ["Nuestro doc.", "Asiento", "Nº pago"],
    },
    "nl": {
        "ref": ["Factuurnummer", "Factuurnr.", "Uw factuur", "Referentie", "Uw kenmerk"],
        "date": ["Factuurdatum", "Datum", "Boekdatum"],
        "gross": ["Brutobedrag", "Factuurbedrag", "Bedrag factuur"],
        "disc": ["Korting", "Betalingskorting", "Kredietbeperking"],
        "ded": ["Inhouding", "Aftrek", "Verrekening"],
        "reason": ["Reden", "Opmerking", "Omschrijving"],
        "net": ["Betaald", "Nettobedrag", "Betaald bedrag", "Bedrag"],
        "doc": ["Ons boekstuk", "Boekstuknr.", "Document"],
    },
}
WORDS = {
    "en": dict(
        total=["Total", "Total paid", "Payment total", "TOTAL"],
        pdate=["Payment date", "Value date", "Paid on", "Pay Date"],
        pref=["Payment reference", "Payment no.", "Check/EFT no.", "Trace number"],
        method=["Payment method", "Method", "Paid by"],
        title=["Remittance Advice", "Payment Advice", "REMITTANCE ADVICE", "Payment Notification"],
        partial="partial payment",
        credit="credit note",
    ),
    "de": dict(
        total=["Summe", "Gesamtbetrag", "Zahlbetrag gesamt", "Gesamt"],
        pdate=["Zahlungsdatum", "Valuta", "Ausführungsdatum", "Buchungsdatum"],
        pref=["Zahlungsbeleg", "Zahllaufnr.", "Referenz der Zahlung"],
        method=["Zahlweg", "Zahlungsart"],
        title=["Zahlungsavis", "Zahlungsavis / Payment Advice", "ZAHLUNGSAVIS", "Avis"],
        partial="Teilzahlung",
        credit="Gutschrift",
    ),
    "fr": dict(
        total=["Total", "Montant total", "Total du règlement", "TOTAL"],
        pdate=["Date de paiement", "Date de valeur", "Date d'exécution"],
        pref=["Référence du paiement", "N° de règlement", "Réf. virement"],
        method=["Mode de règlement", "Moyen de paiement"],
        title=["Avis de paiement", "Avis de règlement", "AVIS DE VIREMENT", "Détail du règlement"],
        partial="acompte",
        credit="avoir",
    ),
    "es": dict(
        total=["Total", "Importe total", "TOTAL PAGADO", "Suma"],
        pdate=["Fecha de pago", "Fecha valor", "Fecha de emisión"],
        pref=["Referencia del pago", "Nº de pago", "Nº transferencia"],
        method=["Forma de pago", "Medio de pago"],
        title=[
            "Aviso de pago",
            "Aviso de transferencia",
            "RELACIÓN DE FACTURAS PAGADAS",
            "Comunicación de pago",
        ],
        partial="pago parcial",
        credit="abono",
    ),
    "nl": dict(
        total=["Totaal", "Totaal betaald", "Totaalbedrag", "TOTAAL"],
        pdate=["Betaaldatum", "Valutadatum", "Uitvoeringsdatum"],
        pref=["Betalingskenmerk", "Betaalreferentie", "Betaalrun"],
        method=["Betaalwijze", "Wijze van betaling"],
        title=["Betalingsadvies", "Betaalspecificatie", "BETALINGSADVIES", "Specificatie betaling"],
        partial="deelbetaling",
        credit="creditnota",
    ),
}
METHODS = {
    "US": ["ACH", "ACH CCD+", "Wire", "Check", "EFT", "Virtual card"],
    "GB": ["BACS", "Faster Payment", "CHAPS", "BACS"],
    "IE": ["SEPA Credit Transfer", "EFT"],
    "DE": ["Überweisung", "SEPA-Überweisung", "SEPA Überweisung"],
    "FR": ["Virement", "Virement SEPA", "Chèque"],
    "ES": ["Transferencia", "Transferencia SEPA", "Confirming"],
    "NL": ["Overboeking", "SEPA-overboeking", "Betaalbatch"],
}
GREET = {
    "en": [
        "Hello,",
        "Hi,",
        "Dear Sir/Madam,",
        "Good morning,",
        "To whom it may concern,",
        "Hi AR team,",
    ],
    "de": ["Sehr geehrte Damen und Herren,", "Hallo,", "Guten Tag,", "Liebes Buchhaltungsteam,"],
    "fr": ["Bonjour,", "Madame, Monsieur,", "Bonjour à tous,"],
    "es": ["Buenos días,", "Estimados señores:", "Hola,", "Buenas tardes,"],
    "nl": ["Goedemorgen,", "Geachte heer/mevrouw,", "Beste,", "Hallo,"],
}
SIGN = {
    "en": ["Kind regards,", "Regards,", "Thanks,", "Best,", "Thank you,"],
    "de": ["Mit freundlichen Grüßen", "Freundliche Grüße", "Viele Grüße", "MfG"],
    "fr": ["Cordialement,", "Bien cordialement,", "Salutations distinguées,"],
    "es": ["Saludos cordiales,", "Un saludo,", "Atentamente,"],
    "nl": ["Met vriendelijke groet,", "Groeten,", "Met vriendelijke groeten,"],
}
COVER = {
    "en": [
        "Please find attached our remittance advice for the payment below.",
        "Attached is the payment advice for today's payment run.",
        "See attached remittance. Payment has been released.",
        "Please see the attached file for the invoices included in this payment.",
        "FYI - remittance attached.",
    ],
    "de": [
        "anbei erhalten Sie unser Zahlungsavis.",
        "im Anhang finden Sie die Aufstellung der bezahlten Rechnungen.",
        "wir haben heute folgende Zahlung veranlasst, Details siehe Anhang.",
    ],
    "fr": [
        "veuillez trouver ci-joint notre avis de paiement.",
        "vous trouverez en pièce jointe le détail de notre règlement.",
        "ci-joint le détail du virement effectué ce jour.",
    ],
    "es": [
        "adjuntamos el aviso de pago correspondiente a la transferencia realizada.",
        "les remitimos en el adjunto la relación de facturas pagadas.",
        "en el fichero adjunto encontrarán el detalle del pago.",
    ],
    "nl": [
        "in de bijlage vindt u het betalingsadvies.",
        "bijgaand de specificatie van onze betaling.",
        "hierbij ontvangt u de betaalspecificatie van de betaalrun van vandaag.",
    ],
}
SUBJ = {
    "en": [
        "Remittance Advice",
        "Payment Advice - {ref}",
        "Remittance advice {date}",
        "Payment notification from {payer}",
        "{payer} - payment {ref}",
        "Payment sent",
        "RE: Statement / payment details",
        "ACH payment {ref}",
    ],
    "de": [
        "Zahlungsavis",
        "Zahlungsavis {ref}",
        "Zahlungsavis vom {date}",
        "Avis {payer}",
        "Zahlung {ref} - {payer}",
    ],
    "fr": [
        "Avis de paiement",
        "Avis de règlement {ref}",
        "Virement du {date}",
        "Règlement {payer}",
    ],
    "es": [
        "Aviso de pago",
        "Aviso de pago {ref}",
        "Transferencia {date}",
        "Pago facturas - {payer}",
    ],
    "nl": [
        "Betalingsadvies",
        "Betaalspecificatie {ref}",
        "Betaling {date}",
        "Betaling facturen {payer}",
    ],
}


def pick_cols(rng: random.Random, lang: str) -> dict[str, str]:
    return {k: rng.choice(v) for k, v in COLS[lang].items()}


def has_disc(adv: Advice) -> bool:
    return any(ln.disc for ln in adv.lines)


def has_ded(adv: Advice) -> bool:
    return any(ln.ded for ln in adv.lines)


def has_gross(adv: Advice) -> bool:
    return has_disc(adv) or has_ded(adv)


def columns(adv: Advice, rng: random.Random, *, doc: bool = False) -> list[str]:
    """Which columns this advice shows (keys)."""
    cols = []
    if doc:
        cols.append("doc")
    cols.append("ref")
    if rng.random() < 0.7:
        cols.append("date")
    if has_gross(adv):
        cols.append("gross")
    if has_disc(adv):
        cols.append("disc")
    if has_ded(adv):
        cols.append("ded")
        cols.append("reason")
    cols.append("net")
    return cols


def cell(adv: Advice, ln: ALine, key: str) -> str:
    if key == "doc":
        return ln.payer_doc
    if key == "ref":
        return ln.ref or ""
    if key == "date":
        return fmt_date(ln.inv_date, adv.region) if ln.inv_date else ""
    if key == "gross":
        return fmt_amt(ln.gross if ln.gross is not None else ln.net, adv)
    if key == "disc":
        return (
            fmt_amt(ln.disc, adv)
            if ln.disc
            else ("0,00" if adv.amount_style in ("eu", "fr") else "0.00")
        )
    if key == "ded":
        return fmt_amt(ln.ded, adv) if ln.ded else ""
    if key == "reason":
        return ln.reason or (ln.note or "")
    if key == "net":
        return fmt_amt(ln.net, adv)
    raise KeyError(key)


def header_block(adv: Advice, rng: random.Random, *, with_total: bool = True) -> list[str]:
    w = WORDS[adv.lang]
    out = []
    if adv.state_date:
        out.append(
            f"{rng.choice(w['pdate'])}: {fmt_date(adv.paid_on, adv.region, rng.choice([0, 0, 1]))}"
        )
    out.append(f"{rng.choice(w['pref'])}: {adv.pay_ref}")
    if rng.random() < 0.6:
        out.append(f"{rng.choice(w['method'])}: {adv.method}")
    if adv.vendor_no and rng.random() < 0.5:
        out.append(
            {
                "en": "Vendor no.",
                "de": "Lieferantennr.",
                "fr": "N° fournisseur",
                "es": "Nº proveedor",
                "nl": "Crediteurnr.",
            }[adv.lang]
            + f": {adv.vendor_no}"
        )
    if with_total and adv.total is not None:
        cur = f" {adv.currency}" if adv.currency and adv.cur_style != "none" else ""
        out.append(f"{rng.choice(w['total'])}{cur}: {fmt_num(adv.total, adv.amount_style)}")
    return out


# --------------------------------------------------------------------------------------------
# Layouts: each returns (body_text, body_html, attachments) ; attachments = [(name, mime, bytes)]


def lay_text_table(adv: Advice, rng: random.Random):
    keys = columns(adv, rng, doc=rng.random() < 0.3)
    heads = [adv.cols[k] for k in keys]
    rows = [[cell(adv, ln, k) for k in keys] for ln in adv.lines]
    widths = [max(len(h), *(len(r[i]) for r in rows)) + 2 for i, h in enumerate(heads)]
    numeric = {"gross", "disc", "ded", "net"}
    sep = rng.choice(["-", "=", "~"])

    def fmt_row(r):
        return "  ".join(
            (c.rjust(wd) if k in numeric else c.ljust(wd)) for c, wd, k in zip(r, widths, keys)
        ).rstrip()

    full = sum(widths) + 2 * (len(widths) - 1)
    lines = [fmt_row(heads), sep * full] + [fmt_row(r) for r in rows]
    if adv.total is not None:
        lines.append(sep * full)
        lines.append(
            f"{rng.choice(WORDS[adv.lang]['total'])}".ljust(full - widths[-1])
            + fmt_amt(adv.total, adv, cur=True).rjust(widths[-1])
        )
    text = "\n".join(
        [rng.choice(GREET[adv.lang]), "", intro_sentence(adv, rng), ""]
        + header_block(adv, rng, with_total=False)
        + [""]
        + lines
        + ["", rng.choice(SIGN[adv.lang]), adv.person, adv.payer]
    )
    return text, None, []


def lay_pipe_table(adv: Advice, rng: random.Random):
    keys = columns(adv, rng)
    heads = [adv.cols[k] for k in keys]
    out = ["| " + " | ".join(heads) + " |", "|" + "|".join("---" for _ in heads) + "|"]
    for ln in adv.lines:
        out.append("| " + " | ".join(cell(adv, ln, k) for k in keys) + " |")
    tail = []
    if adv.total is not None:
        tail = ["", f"{rng.choice(WORDS[adv.lang]['total'])}: {fmt_amt(adv.total, adv, cur=True)}"]
    text = "\n".join(
        [rng.choice(GREET[adv.lang]), "", intro_sentence(adv, rng), ""]
        + out
        + tail
        + [""]
        + header_block(adv, rng, with_total=False)
        + ["", rng.choice(SIGN[adv.lang]), adv.person]
    )
    return text, None, []


def lay_text_list(adv: Advice, rng: random.Random):
    lang = adv.lang
    word = {
        "en": ["Invoice", "Inv.", "INV"],
        "de": ["Rechnung", "RE", "Rg."],
        "fr": ["Facture", "Fact."],
        "es": ["Factura", "Fra."],
        "nl": ["Factuur", "Fact."],
    }[lang]
    w = rng.choice(word)
    bullet = rng.choice(["- ", "* ", "• ", ""])
    out = []
    for ln in adv.lines:
        amt = fmt_amt(ln.net, adv, cur=True)
        extra = ""
        if ln.disc:
            extra = {
                "en": f" (less {fmt_amt(ln.disc, adv)} discount)",
                "de": f" (abzgl. {fmt_amt(ln.disc, adv)} Skonto)",
                "fr": f" (escompte {fmt_amt(ln.disc, adv)} déduit)",
                "es": f" (menos {fmt_amt(ln.disc, adv)} dto. p.p.)",
                "nl": f" (minus {fmt_amt(ln.disc, adv)} korting)",
            }[lang]
        if ln.ded:
            extra += {
                "en": f" - deducted {fmt_amt(ln.ded, adv)} {ln.reason}",
                "de": f" - Abzug {fmt_amt(ln.ded, adv)} {ln.reason}",
                "fr": f" - retenue {fmt_amt(ln.ded, adv)} {ln.reason}",
                "es": f" - deducción {fmt_amt(ln.ded, adv)} {ln.reason}",
                "nl": f" - ingehouden {fmt_amt(ln.ded, adv)} {ln.reason}",
            }[lang]
        if ln.note:
            extra += f" ({ln.note})"
        if ln.ref is None:
            label = {
                "en": "On account",
                "de": "A-conto-Zahlung",
                "fr": "Paiement sans référence",
                "es": "Pago a cuenta",
                "nl": "Betaling op rekening",
            }[lang]
            out.append(f"{bullet}{label}: {amt}{extra}")
        else:
            out.append(f"{bullet}{w} {ln.ref}: {amt}{extra}")
    tail = []
    if adv.total is not None:
        tail = ["", f"{rng.choice(WORDS[lang]['total'])}: {fmt_amt(adv.total, adv, cur=True)}"]
    text = "\n".join(
        [rng.choice(GREET[lang]), "", intro_sentence(adv, rng), ""]
        + out
        + tail
        + [""]
        + header_block(adv, rng, with_total=False)
        + ["", rng.choice(SIGN[lang]), adv.person, adv.payer]
    )
    return text, None, []


def intro_sentence(adv: Advice, rng: random.Random) -> str:
    lang = adv.lang
    d = fmt_date(adv.paid_on, adv.region) if adv.state_date else None
    if lang == "en":
        opts = [
            "Please see below the invoices included in our payment" + (f" of {d}." if d else "."),
            "We have released the following payment" + (f" on {d}:" if d else ":"),
            "Payment details below.",
            "The following invoices were paid in our latest payment run.",
        ]
    elif lang == "de":
        opts = [
            "wir haben folgende Rechnungen beglichen" + (f" (Valuta {d}):" if d else ":"),
            "hiermit avisieren wir Ihnen folgende Zahlung" + (f" vom {d}." if d else "."),
            "mit unserer heutigen Überweisung gleichen wir folgende Posten aus:",
        ]
    elif lang == "fr":
        opts = [
            "nous vous informons du règlement des factures suivantes" + (f" le {d}." if d else "."),
            "voici le détail de notre virement" + (f" du {d} :" if d else " :"),
            "nous avons procédé au paiement ci-dessous.",
        ]
    elif lang == "es":
        opts = [
            "les comunicamos el pago de las siguientes facturas"
            + (f" con fecha {d}." if d else "."),
            "detalle de la transferencia realizada" + (f" el {d}:" if d else ":"),
            "hemos pagado las facturas que se indican:",
        ]
    else:
        opts = [
            "hierbij de specificatie van onze betaling" + (f" van {d}." if d else "."),
            "wij hebben de volgende facturen voldaan" + (f" op {d}:" if d else ":"),
            "onderstaande facturen zijn betaald.",
        ]
    return rng.choice(opts)


def lay_sentence(adv: Advice, rng: random.Random):
    lang = adv.lang
    refs = [ln for ln in adv.lines]
    tot = adv.total if adv.total is not None else sum((ln.net for ln in adv.lines), Decimal("0.00"))
    amt = fmt_amt(tot, adv, cur=True)
    d = fmt_date(adv.paid_on, adv.region) if adv.state_date else None
    if len(refs) == 1:
        ln = refs[0]
        r = ln.ref
        if r is None:
            s = {
                "en": rng.choice(
                    [
                        f"We sent {amt} today by {adv.method} on our account.",
                        f"Just to let you know we wired {amt}" + (f" on {d}" if d else "") + ".",
                        f"Payment of {amt} has been made to your account.",
                    ]
                ),
                "de": rng.choice(
                    [
                        f"wir haben heute {amt} an Sie überwiesen.",
                        f"Zahlung über {amt} ist unterwegs.",
                    ]
                ),
                "fr": rng.choice(
                    [
                        f"nous avons effectué un virement de {amt}"
                        + (f" le {d}" if d else "")
                        + ".",
                        f"un règlement de {amt} vous a été adressé.",
                    ]
                ),
                "es": rng.choice(
                    [
                        f"hemos realizado una transferencia de {amt}"
                        + (f" el {d}" if d else "")
                        + ".",
                        f"les hemos abonado {amt}.",
                    ]
                ),
                "nl": rng.choice(
                    [
                        f"wij hebben vandaag {amt} overgemaakt.",
                        f"er is een betaling van {amt} onderweg.",
                    ]
                ),
            }[lang]
        else:
            s = {
                "en": rng.choice(
                    [
                        f"we paid {amt} for {r}" + (f" on {d}" if d else "") + ".",
                        f"Invoice {r} was paid today, {amt} via {adv.method}.",
                        f"Payment of {amt} sent for invoice {r}.",
                        f"{amt} has been released against your invoice {r}.",
                    ]
                ),
                "de": rng.choice(
                    [
                        f"Rechnung {r} haben wir heute mit {amt} bezahlt.",
                        f"wir haben {amt} für die Rechnung {r} überwiesen.",
                        f"die Zahlung für Rg. {r} über {amt} ist erfolgt.",
                    ]
                ),
                "fr": rng.choice(
                    [
                        f"nous avons réglé la facture {r} pour {amt}.",
                        f"le virement de {amt} concernant la facture {r} a été effectué"
                        + (f" le {d}" if d else "")
                        + ".",
                    ]
                ),
                "es": rng.choice(
                    [
                        f"hemos pagado la factura {r} por importe de {amt}.",
                        f"les confirmamos el pago de {amt} de la factura {r}.",
                    ]
                ),
                "nl": rng.choice(
                    [
                        f"factuur {r} is vandaag betaald, {amt}.",
                        f"wij hebben {amt} overgemaakt voor factuur {r}.",
                    ]
                ),
            }[lang]
    else:
        rs = [ln.ref for ln in refs]
        amts = [fmt_amt(ln.net, adv) for ln in refs]
        conj = {"en": "and", "de": "und", "fr": "et", "es": "y", "nl": "en"}[lang]
        parts = (
            ", ".join(f"{r} ({a})" for r, a in zip(rs[:-1], amts[:-1]))
            + f" {conj} {rs[-1]} ({amts[-1]})"
        )
        s = {
            "en": f"we paid {amt} today covering invoices {parts}.",
            "de": f"wir haben heute {amt} überwiesen für die Rechnungen {parts}.",
            "fr": f"nous avons viré {amt} pour les factures {parts}.",
            "es": f"hemos transferido {amt} correspondiente a las facturas {parts}.",
            "nl": f"wij hebben {amt} overgemaakt voor de facturen {parts}.",
        }[lang]
    if lang == "en":
        s = s[0].upper() + s[1:]
    greet = rng.choice(GREET[lang])
    text = f"{greet}\n\n{s}\n\n{rng.choice(SIGN[lang])}\n{adv.person}\n{adv.payer}\n"
    if rng.random() < 0.3:
        text = f"{s[0].upper() + s[1:]}\n\n{adv.person.split()[0]}\n"
    return text, None, []


def lay_html(adv: Advice, rng: random.Random, *, platform: str | None = None):
    keys = columns(adv, rng, doc=rng.random() < 0.25)
    heads = [adv.cols[k] for k in keys]
    border = rng.choice(
        [
            'border="1" cellpadding="4"',
            'style="border-collapse:collapse" cellpadding="3"',
            'cellspacing="0" cellpadding="6" width="100%"',
        ]
    )
    rows = "\n".join(
        "<tr>"
        + "".join(
            "<td"
            + (' align="right"' if k in ("gross", "disc", "ded", "net") else "")
            + ">"
            + htmlmod.escape(cell(adv, ln, k))
            + "</td>"
            for k in keys
        )
        + "</tr>"
        for ln in adv.lines
    )
    foot = ""
    if adv.total is not None:
        foot = f'<tr><td colspan="{len(keys) - 1}"><b>{htmlmod.escape(rng.choice(WORDS[adv.lang]["total"]))}</b></td><td align="right"><b>{htmlmod.escape(fmt_amt(adv.total, adv, cur=True))}</b></td></tr>'
    hdr = "".join(f"<p>{htmlmod.escape(x)}</p>" for x in header_block(adv, rng, with_total=False))
    title = platform or rng.choice(WORDS[adv.lang]["title"])
    body = (
        '<html><head><meta charset="utf-8"><style>td{font-family:Arial;font-size:10pt}</style></head><body>'
        f"<h2>{htmlmod.escape(title)}</h2>"
        f"<p>{htmlmod.escape(rng.choice(GREET[adv.lang]))}</p><p>{htmlmod.escape(intro_sentence(adv, rng))}</p>{hdr}"
        f"<table {border}><thead><tr>"
        + "".join(f"<th>{htmlmod.escape(h)}</th>" for h in heads)
        + "</tr></thead><tbody>\n"
        + rows
        + "\n"
        + foot
        + "</tbody></table>"
        f"<p>{htmlmod.escape(rng.choice(SIGN[adv.lang]))}<br>{htmlmod.escape(adv.person)}<br>{htmlmod.escape(adv.payer)}</p>"
        + (
            f'<p style="font-size:8pt;color:#888">This notification was sent by {htmlmod.escape(platform)} on behalf of {htmlmod.escape(adv.payer)}. Please do not reply.</p>'
            if platform
            else ""
        )
        + "</body></html>"
    )
    plain = None
    if rng.random() < 0.5:  # many senders add a text/plain part; some of them a poor one
        plain = f"{title}\n\n" + "\n".join(
            " ".join(cell(adv, ln, k) for k in keys) for ln in adv.lines
        )
        if adv.total is not None:
            plain += f"\n{WORDS[adv.lang]['total'][0]}: {fmt_amt(adv.total, adv)}"
    return plain, body, []


def lay_csv(adv: Advice, rng: random.Random):
    eu = adv.amount_style in ("eu", "fr", "plaincomma")
    delim = ";" if eu else rng.choice([",", ",", "\t"])
    style = "plaincomma" if eu else rng.choice(["plain", "plain", "en"])
    keys = columns(adv, rng, doc=rng.random() < 0.5)
    buf = io.StringIO()
    wr = csv.writer(buf, delimiter=delim, lineterminator="\r\n" if rng.random() < 0.5 else "\n")
    heads = [adv.cols[k] for k in keys]
    if rng.random() < 0.3:
        heads = [h.upper().replace(" ", "_").replace(".", "") for h in heads]
    wr.writerow(heads)
    for ln in adv.lines:
        row = []
        for k in keys:
            if k in ("gross", "disc", "ded", "net"):
                v = {
                    "gross": ln.gross if ln.gross is not None else ln.net,
                    "disc": ln.disc,
                    "ded": ln.ded,
                    "net": ln.net,
                }[k]
                row.append(fmt_num(v, style))
            elif k == "date":
                row.append(
                    fmt_date(ln.inv_date, adv.region, rng.choice([0, 1])) if ln.inv_date else ""
                )
            else:
                row.append(cell(adv, ln, k))
        wr.writerow(row)
    if adv.total is not None:
        wr.writerow(
            [WORDS[adv.lang]["total"][0]] + [""] * (len(keys) - 2) + [fmt_num(adv.total, style)]
        )
    data = buf.getvalue()
    enc = (
        "utf-8-sig"
        if rng.random() < 0.3
        else ("cp1252" if adv.lang != "en" and rng.random() < 0.3 else "utf-8")
    )
    raw = data.encode(enc, errors="replace")
    name = rng.choice(
        [
            "remittance.csv",
            f"payment_{adv.pay_ref}.csv",
            f"avis_{adv.paid_on:%Y%m%d}.csv",
            "Zahlungsavis.csv",
            "export.csv",
        ]
    )
    text = (
        f"{rng.choice(GREET[adv.lang])}\n\n{rng.choice(COVER[adv.lang])}\n\n"
        + "\n".join(header_block(adv, rng))
        + f"\n\n{rng.choice(SIGN[adv.lang])}\n{adv.person}\n"
    )
    return text, None, [(name, "text/csv", raw)]


def fixed_zip(raw: bytes) -> bytes:
    """Rewrite a zip (xlsx) with fixed timestamps so the bytes depend on the seed only."""
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2026, 11, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                    rb"\g<1>2026-11-01T00:00:00Z\g<2>",
                    data,
                )
            dst.writestr(zi, data)
    return out.getvalue()


def lay_xlsx(adv: Advice, rng: random.Random):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = rng.choice(["Remittance", "Sheet1", "Avis", "Payment", "Zahlungen"])
    fixed = datetime(2026, 11, 1, 0, 0, 0)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = adv.payer
    keys = columns(adv, rng, doc=rng.random() < 0.5)
    r0 = 1
    if rng.random() < 0.5:  # a title block above the table
        ws.cell(1, 1, rng.choice(WORDS[adv.lang]["title"]) + " - " + adv.payer)
        ws.cell(2, 1, f"{WORDS[adv.lang]['pdate'][0]}")
        ws.cell(2, 2, adv.paid_on if adv.state_date else None)
        ws.cell(3, 1, WORDS[adv.lang]["pref"][0])
        ws.cell(3, 2, adv.pay_ref)
        r0 = 5
    for j, k in enumerate(keys, 1):
        ws.cell(r0, j, adv.cols[k])
    numbers_as_text = rng.random() < 0.2
    for i, ln in enumerate(adv.lines, r0 + 1):
        for j, k in enumerate(keys, 1):
            if k in ("gross", "disc", "ded", "net"):
                v = {
                    "gross": ln.gross if ln.gross is not None else ln.net,
                    "disc": ln.disc,
                    "ded": ln.ded,
                    "net": ln.net,
                }[k]
                if numbers_as_text:
                    ws.cell(i, j, fmt_num(v, adv.amount_style))
                else:
                    c = ws.cell(
                        i, j, float(v)
                    )  # Excel stores binary doubles; the payer's file does too
                    c.number_format = "#,##0.00"
            elif k == "date":
                ws.cell(i, j, ln.inv_date)
            elif (
                k == "ref"
                and ln.ref is not None
                and ln.ref.isdigit()
                and not ln.ref.startswith("0")
                and rng.random() < 0.5
            ):
                ws.cell(i, j, int(ln.ref))  # numeric invoice numbers end up as numbers in Excel
            else:
                ws.cell(i, j, cell(adv, ln, k))
    if adv.total is not None:
        last = r0 + len(adv.lines) + 1
        ws.cell(last, 1, WORDS[adv.lang]["total"][0])
        ws.cell(last, len(keys), float(adv.total)).number_format = "#,##0.00"
    buf = io.BytesIO()
    wb.save(buf)
    raw = fixed_zip(buf.getvalue())
    name = rng.choice(
        [
            "Remittance.xlsx",
            f"PaymentAdvice_{adv.pay_ref}.xlsx",
            "avis.xlsx",
            f"{adv.payer.split()[0]}_payment.xlsx",
        ]
    )
    text = f"{rng.choice(GREET[adv.lang])}\n\n{rng.choice(COVER[adv.lang])}\n\n{rng.choice(SIGN[adv.lang])}\n{adv.person}\n"
    return (
        text,
        None,
        [(name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", raw)],
    )


# ---- PDFs


def _pdf_cover(adv: Advice, rng: random.Random) -> str:
    return f"{rng.choice(GREET[adv.lang])}\n\n{rng.choice(COVER[adv.lang])}\n\n{rng.choice(SIGN[adv.lang])}\n{adv.person}\n{adv.payer}\n"


def lay_sap_pdf(adv: Advice, rng: random.Random):
    """SAP-style payment advice note: unruled columns, trailing minus, Doc no / Doc date / Gross /
    Cash discount / Net."""
    de = adv.lang == "de"
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    W, H = A4
    heads = (
        [
            "Belegnr.",
            "Belegdatum",
            "Ihre Referenz",
            "Bruttobetrag",
            "Skonto",
            "Abzug",
            "Nettobetrag",
        ]
        if de
        else ["Doc no", "Doc date", "Your reference", "Gross", "Cash discount", "Deduction", "Net"]
    )
    show_ded = has_ded(adv)
    if not show_ded:
        heads = heads[:5] + heads[6:]
    xs = [40, 110, 175, 330, 400, 460, 535] if show_ded else [40, 110, 175, 360, 450, 535]
    right = {3, 4, 5, 6} if show_ded else {3, 4, 5}
    page = 1
    style = "trailing"

    def top():
        nonlocal y
        c.setFont("Helvetica-Bold", 13)
        c.drawString(40, H - 50, "Zahlungsavis" if de else "Payment Advice Note")
        c.setFont("Helvetica", 9)
        c.drawString(40, H - 66, adv.payer)
        c.drawString(350, H - 66, (f"Seite {page}" if de else f"Page {page}"))
        c.drawString(40, H - 80, f"{'An' if de else 'To'}: {VENDOR}")
        c.drawString(40, H - 94, f"{'Zahlungsbeleg' if de else 'Payment document'}: {adv.pay_ref}")
        if adv.state_date:
            c.drawString(
                40,
                H - 108,
                f"{'Zahlungsdatum' if de else 'Payment date'}: {fmt_date(adv.paid_on, adv.region)}",
            )
        if adv.vendor_no:
            c.drawString(350, H - 94, f"{'Kreditor' if de else 'Vendor'}: {adv.vendor_no}")
        if adv.currency:
            c.drawString(350, H - 108, f"{'Währung' if de else 'Currency'}: {adv.currency}")
        y = H - 140
        c.setFont("Helvetica-Bold", 8)
        for i, h in enumerate(heads):
            (c.drawRightString if i in right else c.drawString)(xs[i], y, h)
        y -= 14
        c.setFont("Helvetica", 8)

    y = 0.0
    top()
    for ln in adv.lines:
        if y < 80:
            c.showPage()
            page += 1
            top()
        vals = [
            ln.payer_doc,
            fmt_date(ln.inv_date, adv.region) if ln.inv_date else "",
            ln.ref or "",
            fmt_amt(ln.gross if ln.gross is not None else ln.net, adv, neg=style),
            fmt_amt(-ln.disc, adv, neg=style)
            if ln.disc
            else "0" + ("," if adv.amount_style in ("eu", "fr") else ".") + "00",
        ]
        if show_ded:
            vals.append(fmt_amt(-ln.ded, adv, neg=style) if ln.ded else "")
        vals.append(fmt_amt(ln.net, adv, neg=style))
        for i, v in enumerate(vals):
            (c.drawRightString if i in right else c.drawString)(xs[i], y, v)
        y -= 12
    if adv.total is not None:
        y -= 6
        c.setFont("Helvetica-Bold", 8)
        c.drawString(
            40, y, ("Summe" if de else "Total") + (f" {adv.currency}" if adv.currency else "")
        )
        c.drawRightString(xs[-1], y, fmt_amt(adv.total, adv, neg=style))
    c.showPage()
    c.save()
    name = rng.choice(
        [
            "PaymentAdvice.pdf",
            f"Avis_{adv.pay_ref}.pdf",
            f"{adv.pay_ref}.pdf",
            "ZAHLUNGSAVIS.PDF" if de else "remittance.pdf",
        ]
    )
    return _pdf_cover(adv, rng), None, [(name, "application/pdf", buf.getvalue())]


def lay_ruled_pdf(adv: Advice, rng: random.Random):
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=rng.choice([A4, LETTER]),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title="",
        author="",
        subject="",
        creator="",
    )
    ss = getSampleStyleSheet()
    keys = columns(adv, rng, doc=rng.random() < 0.3)
    data = [[adv.cols[k] for k in keys]] + [[cell(adv, ln, k) for k in keys] for ln in adv.lines]
    if adv.total is not None:
        data.append(
            [rng.choice(WORDS[adv.lang]["total"])]
            + [""] * (len(keys) - 2)
            + [fmt_amt(adv.total, adv, cur=True)]
        )
    t = Table(data, repeatRows=1)
    st = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("FONT", (0, 0), (-1, -1), "Helvetica", 8),
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
        ("ALIGN", (0, 0), (-1, -1), "LEFT"),
    ]
    for j, k in enumerate(keys):
        if k in ("gross", "disc", "ded", "net"):
            st.append(("ALIGN", (j, 1), (j, -1), "RIGHT"))
    if rng.random() < 0.5:
        st.append(("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey))
    t.setStyle(TableStyle(st))
    story = [
        Paragraph(htmlmod.escape(rng.choice(WORDS[adv.lang]["title"])), ss["Title"]),
        Paragraph(htmlmod.escape(adv.payer), ss["Normal"]),
        Paragraph(htmlmod.escape(f"{VENDOR}"), ss["Normal"]),
        Spacer(1, 6),
    ]
    for x in header_block(adv, rng):
        story.append(Paragraph(htmlmod.escape(x), ss["Normal"]))
    story += [Spacer(1, 8), t]
    doc.build(story)
    name = rng.choice(
        [
            "Remittance_Advice.pdf",
            f"RA_{adv.pay_ref}.pdf",
            "payment_advice.pdf",
            "avis_de_paiement.pdf" if adv.lang == "fr" else "advice.pdf",
        ]
    )
    return _pdf_cover(adv, rng), None, [(name, "application/pdf", buf.getvalue())]


def lay_column_pdf(adv: Advice, rng: random.Random):
    """A printed report in Courier: fixed-width columns, no lines (Oracle/NetSuite style)."""
    text, _, _ = lay_text_table(adv, rng)
    body_lines = text.split("\n")
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=LETTER)
    W, H = LETTER
    y = H - 50
    c.setFont("Courier-Bold", 11)
    c.drawString(40, y, rng.choice(WORDS[adv.lang]["title"]).upper() + "   " + adv.payer)
    y -= 24
    c.setFont("Courier", 8)
    for line in body_lines:
        if y < 50:
            c.showPage()
            c.setFont("Courier", 8)
            y = H - 50
        c.drawString(40, y, line)
        y -= 10
    c.showPage()
    c.save()
    name = rng.choice(["REMIT.pdf", f"remit_{adv.pay_ref}.pdf", "Payment_Remittance.pdf"])
    return _pdf_cover(adv, rng), None, [(name, "application/pdf", buf.getvalue())]


def lay_letter_pdf(adv: Advice, rng: random.Random):
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, title="", author="", subject="", creator="")
    ss = getSampleStyleSheet()
    story = [
        Paragraph(htmlmod.escape(adv.payer), ss["Heading2"]),
        Spacer(1, 12),
        Paragraph(htmlmod.escape(VENDOR + " - Accounts Receivable"), ss["Normal"]),
        Spacer(1, 12),
        Paragraph(htmlmod.escape(long_date(adv.paid_on, adv.lang)), ss["Normal"]),
        Spacer(1, 12),
        Paragraph(htmlmod.escape(rng.choice(GREET[adv.lang])), ss["Normal"]),
        Spacer(1, 6),
    ]
    tot = adv.total if adv.total is not None else sum((ln.net for ln in adv.lines), Decimal("0.00"))
    amt = fmt_amt(tot, adv, cur=True)
    intro = {
        "en": f"Please be advised that we have today made a payment of {amt} by {adv.method} in settlement of the following invoices:",
        "de": f"hiermit teilen wir Ihnen mit, dass wir heute {amt} per {adv.method} zum Ausgleich folgender Rechnungen angewiesen haben:",
        "fr": f"Nous vous informons que nous avons effectué ce jour un règlement de {amt} par {adv.method.lower()} pour les factures suivantes :",
        "es": f"Por la presente les comunicamos que hemos realizado un pago de {amt} mediante {adv.method.lower()} para liquidar las siguientes facturas:",
        "nl": f"Hierbij delen wij u mede dat wij vandaag {amt} per {adv.method.lower()} hebben overgemaakt ter voldoening van de volgende facturen:",
    }[adv.lang]
    story.append(Paragraph(htmlmod.escape(intro), ss["Normal"]))
    story.append(Spacer(1, 6))
    word = {"en": "Invoice", "de": "Rechnung", "fr": "Facture", "es": "Factura", "nl": "Factuur"}[
        adv.lang
    ]
    dated = {"en": "dated", "de": "vom", "fr": "du", "es": "de fecha", "nl": "d.d."}[adv.lang]
    for ln in adv.lines:
        s = (
            f"{word} {ln.ref}"
            + (f" {dated} {fmt_date(ln.inv_date, adv.region)}" if ln.inv_date else "")
            + f": {fmt_amt(ln.net, adv)}"
        )
        if ln.disc:
            s += {
                "en": " (discount",
                "de": " (Skonto",
                "fr": " (escompte",
                "es": " (dto.",
                "nl": " (korting",
            }[adv.lang] + f" {fmt_amt(ln.disc, adv)})"
        if ln.ded:
            s += f" - {fmt_amt(ln.ded, adv)} {ln.reason}"
        story.append(Paragraph("- " + htmlmod.escape(s), ss["Normal"]))
    story += [
        Spacer(1, 8),
        Paragraph(htmlmod.escape(f"{WORDS[adv.lang]['pref'][0]}: {adv.pay_ref}"), ss["Normal"]),
        Spacer(1, 12),
        Paragraph(htmlmod.escape(rng.choice(SIGN[adv.lang])), ss["Normal"]),
        Paragraph(htmlmod.escape(adv.person), ss["Normal"]),
    ]
    doc.build(story)
    name = rng.choice(
        [
            "letter.pdf",
            "Payment_letter.pdf",
            "Schreiben.pdf" if adv.lang == "de" else "scan0001.pdf",
        ]
    )
    return _pdf_cover(adv, rng), None, [(name, "application/pdf", buf.getvalue())]


def lay_bank_credit(adv: Advice, rng: random.Random, bank: str):
    """A bank's credit notification: one amount, the remittance information as sent."""
    ln = adv.lines[0]
    info = (
        (
            {"de": "RE ", "fr": "FACT ", "es": "FRA ", "nl": "FACTUUR "}.get(adv.lang, "INV ")
            + ln.ref
        )
        if ln.ref
        else "PAYMENT"
    )
    text = "\n".join(
        [
            f"{bank} - Credit advice / Gutschriftsanzeige",
            "",
            f"Account: ****{rng.randint(1000, 9999)}",
            f"Value date: {adv.paid_on.isoformat()}",
            f"Amount: {adv.currency or ''} {fmt_num(ln.net, 'en')}".replace("  ", " "),
            f"Ordering party: {adv.payer.upper()}",
            f"Remittance information: /RFB/{info}",
            f"End-to-end ID: {adv.pay_ref}",
            "",
            "This is an automatically generated message. Please do not reply.",
        ]
    )
    return text, None, []


LAYOUTS = {
    "text-table": lay_text_table,
    "pipe-table": lay_pipe_table,
    "text-list": lay_text_list,
    "sentence": lay_sentence,
    "html-table": lay_html,
    "csv": lay_csv,
    "xlsx": lay_xlsx,
    "sap-pdf": lay_sap_pdf,
    "ruled-pdf": lay_ruled_pdf,
    "column-pdf": lay_column_pdf,
    "letter-pdf": lay_letter_pdf,
}


# --------------------------------------------------------------------------------------------
# .eml


def build_eml(
    *,
    from_name: str,
    from_addr: str,
    when: datetime,
    msgid: str,
    subject: str,
    text: str | None,
    html: str | None = None,
    attachments=(),
    lang: str = "en",
    extra: dict[str, str] | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = f'"{from_name}" <{from_addr}>' if from_name else from_addr
    msg["To"] = AR_ADDRESS
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = msgid
    msg["MIME-Version"] = "1.0"
    if lang != "en":
        msg["Content-Language"] = {"de": "de-DE", "fr": "fr-FR", "es": "es-ES", "nl": "nl-NL"}[lang]
    for k, v in (extra or {}).items():
        msg[k] = v
    if text is not None:
        msg.set_content(text)
        if html is not None:
            msg.add_alternative(html, subtype="html")
    elif html is not None:
        msg.set_content(html, subtype="html")
    else:
        msg.set_content("")
    for name, mime, data in attachments:
        maintype, subtype = mime.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    seed = hashlib.sha1(msgid.encode()).hexdigest()[:16]
    for i, part in enumerate(msg.walk()):
        if part.is_multipart():
            part.set_boundary(f"----=_Part_{i}_{seed}")
    return msg.as_bytes(policy=SMTP)


def tz_for(region: str) -> timezone:
    return {"US": timezone(timedelta(hours=-5)), "GB": UTC, "IE": UTC}.get(
        region, timezone(timedelta(hours=1))
    )
