# long: held-out families as their author wrote them from a description (bench/HELDOUT.md); kept whole, apart from the code it measures.
"""Held-out world, the fourth set of added families (bench/HELDOUT.md, "Families added
2026-12-07 (fam4)"): an advice nobody can read (or that goes to a person) followed by its clean
re-send; clean advices that only *say* they are a re-send or a copy; key-value header blocks
full of numbers above or below the table; plain-text lists with our numbers in digit groups and
amounts with space thousands separators, and HTML tables with the payer's "your reference" /
"settled" headings. Written from the class descriptions and from how payers write, not from
arbox's code.

Like heldout_fam2 and heldout_fam3, everything here comes after everything else (the end of
phase 2, dated after the last mail of the families before), pays only invoices no earlier mail
touched and draws from its own random stream, so the world without it is byte for byte what it
was.
"""

from __future__ import annotations

import html as htmlmod
import io
import random
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import ModuleType
from typing import Any
from xml.sax.saxutils import escape as xesc

import heldout_fam3 as hf3
import heldout_render as hr
from heldout_rules import ZERO, Inv, Line, apply, decide, decide_ocr, fold, is_near, nkey
from reportlab.lib import pdfencrypt
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

LANGS = ["en", "de", "fr", "es", "nl"]
FAMILIES = [
    "fam4-resend-after-unread",
    "fam4-resend-first-seen",
    "fam4-kv-header",
    "fam4-grouped-text",
]
READABLE = ["text-table", "text-list", "html-table", "pipe-table", "ruled-pdf", "csv", "xlsx"]
ZIP_DATE = (2026, 11, 19, 8, 0, 0)

# --------------------------------------------------------------------------------------------
# 1: the first copy nobody reads, and its re-send

UNREAD_KINDS = ["docx", "photo", "encrypted", "total", "odt", "currency",
                "docx", "encrypted", "total", "photo", "odt", "currency"]  # fmt: skip

UNREAD_WHY = {
    "docx": "the advice is only a Word document (.docx), which nothing reads: a person",
    "odt": "the advice is only an OpenDocument text (.odt), which nothing reads: a person",
    "encrypted": "the advice is only a password-protected PDF (no password given): a person",
}

UNREAD_COVER = {
    "docx": {
        "en": ["Please find our remittance advice attached (Word).", "Attached: payment details for today's transfer."],
        "de": ["anbei unser Zahlungsavis als Word-Dokument.", "im Anhang die Zahlungsaufstellung."],
        "fr": ["veuillez trouver ci-joint notre avis de paiement (document Word).", "ci-joint le détail du règlement."],
        "es": ["adjuntamos el aviso de pago en formato Word.", "les remitimos adjunto el detalle del pago."],
        "nl": ["bijgaand ons betaaladvies (Word-bestand).", "in de bijlage de specificatie van de betaling."],
    },
    "odt": {
        "en": ["Remittance attached.", "Please see the attached document for the invoices paid."],
        "de": ["anbei die Aufstellung der bezahlten Rechnungen.", "Zahlungsavis im Anhang."],
        "fr": ["vous trouverez en pièce jointe la liste des factures réglées.", "avis de règlement en pièce jointe."],
        "es": ["en el documento adjunto figuran las facturas pagadas.", "adjunto el aviso de transferencia."],
        "nl": ["de betaalde facturen vindt u in de bijlage.", "betaalspecificatie als bijlage."],
    },
    "encrypted": {
        "en": ["Attached is our remittance advice. For security the file is password protected; the password follows in a separate e-mail.",
               "Please find the payment advice attached (protected PDF - password sent separately)."],
        "de": ["anbei unser Zahlungsavis. Aus Datenschutzgründen ist die Datei kennwortgeschützt, das Kennwort erhalten Sie mit separater Mail.",
               "Zahlungsavis anbei (PDF mit Passwort, Passwort folgt gesondert)."],
        "fr": ["ci-joint notre avis de paiement. Le fichier est protégé par un mot de passe, communiqué dans un message séparé.",
               "avis de règlement en pièce jointe (PDF protégé, mot de passe transmis séparément)."],
        "es": ["adjuntamos el aviso de pago. El archivo está protegido con contraseña, que les enviaremos en un correo aparte.",
               "aviso de pago adjunto (PDF protegido; la contraseña va en otro correo)."],
        "nl": ["bijgaand ons betaaladvies. Het bestand is beveiligd met een wachtwoord; dat sturen we in een aparte mail.",
               "betaaladvies in de bijlage (beveiligde pdf, wachtwoord volgt apart)."],
    },
    "photo": {
        "en": ["Photo of the remittance slip attached, sorry for the quality - sent from my phone.", "Here is a picture of the payment advice."],
        "de": ["anbei ein Foto vom Zahlungsavis (vom Handy, sorry für die Qualität).", "Foto der Zahlungsaufstellung anbei."],
        "fr": ["ci-joint une photo de l'avis de paiement, envoyée depuis mon téléphone.", "voici la photo du bordereau de règlement."],
        "es": ["les mando una foto del aviso de pago desde el móvil.", "adjunto foto de la relación de facturas pagadas."],
        "nl": ["bijgaand een foto van het betaaladvies (vanaf mijn telefoon).", "hierbij een foto van de betaalspecificatie."],
    },
}  # fmt: skip

RESEND_LEAD = {
    "en": [
        "Resending our remittance advice of {d}.",
        "Sending this again - please use this mail rather than my earlier one.",
        "2nd copy of today's payment advice.",
        "Resend: the payment below is the one I mailed you earlier today.",
        "We are sending the advice once more, same payment as before.",
    ],
    "de": [
        "anbei nochmals unser Zahlungsavis vom {d}.",
        "wir senden Ihnen das Avis erneut zu, es handelt sich um dieselbe Zahlung.",
        "zweite Zusendung unseres Avis von heute.",
        "hier noch einmal die Aufstellung zu unserer Zahlung vom {d}.",
    ],
    "fr": [
        "renvoi de notre avis de paiement du {d}.",
        "nous vous adressons à nouveau le détail de notre règlement (même paiement).",
        "je vous renvoie l'avis envoyé ce matin.",
        "deuxième envoi de notre avis de règlement du {d}.",
    ],
    "es": [
        "reenvío del aviso de pago del {d}.",
        "les enviamos de nuevo el detalle del mismo pago.",
        "segundo envío de nuestro aviso de pago de hoy.",
        "volvemos a mandar el aviso de la transferencia del {d}.",
    ],
    "nl": [
        "hierbij nogmaals ons betaaladvies van {d}.",
        "we sturen de specificatie van dezelfde betaling opnieuw.",
        "tweede toezending van het betaaladvies van vandaag.",
        "opnieuw verstuurd: de betaling van {d}.",
    ],
}
RESEND_WHY = {
    "docx": {
        "en": "The Word file may not open on your side, so here it is in the mail.",
        "de": "Falls sich das Word-Dokument nicht öffnen ließ, hier die Daten direkt.",
        "fr": "Le fichier Word ne s'ouvre peut-être pas chez vous, voici donc le détail.",
        "es": "Por si no pudieron abrir el archivo Word, va de nuevo.",
        "nl": "Mocht het Word-bestand niet openen, hier de gegevens nogmaals.",
    },
    "odt": {
        "en": "Our earlier attachment was in an odd format, apologies.",
        "de": "Der Anhang der ersten Mail war in einem ungünstigen Format.",
        "fr": "La pièce jointe précédente était dans un format peu courant.",
        "es": "El adjunto anterior iba en un formato poco habitual.",
        "nl": "De vorige bijlage had een onhandig formaat.",
    },
    "encrypted": {
        "en": "This time without the password on the file.",
        "de": "Diesmal ohne Kennwortschutz.",
        "fr": "Cette fois sans mot de passe.",
        "es": "Esta vez sin contraseña.",
        "nl": "Deze keer zonder wachtwoord.",
    },
    "photo": {
        "en": "The photo was hard to read, here is the proper advice.",
        "de": "Das Foto war schlecht lesbar, hier das richtige Avis.",
        "fr": "La photo était peu lisible, voici l'avis complet.",
        "es": "La foto no se leía bien; aquí el aviso completo.",
        "nl": "De foto was slecht leesbaar, hier het echte advies.",
    },
    "total": {
        "en": "The total in the first mail was wrong; the lines below are right.",
        "de": "Im ersten Avis stimmte die Summe nicht, die Positionen unten sind korrekt.",
        "fr": "Le total du premier envoi était faux ; les lignes ci-dessous sont justes.",
        "es": "El total del primer envío era incorrecto; las líneas de abajo son correctas.",
        "nl": "Het totaal in de eerste mail klopte niet; onderstaande regels zijn juist.",
    },
    "currency": {
        "en": "Our first mail showed the wrong currency; the payment was made in {cur}.",
        "de": "Im ersten Avis stand die falsche Währung, gezahlt wurde in {cur}.",
        "fr": "Le premier avis indiquait la mauvaise devise ; le paiement est en {cur}.",
        "es": "El primer aviso indicaba una moneda equivocada; el pago es en {cur}.",
        "nl": "In de eerste mail stond de verkeerde valuta; betaald is in {cur}.",
    },
}
RESEND_SUBJ = {
    "en": ["Resend: {s}", "RESEND - {s}", "{s} (2nd copy)", "{s} - sending again", "FW: {s}", "{s}"],
    "de": ["WG: {s} - nochmals", "{s} (erneut)", "Zweite Zusendung: {s}", "AW: {s}", "nochmals: {s}", "{s}"],
    "fr": ["Renvoi : {s}", "TR: {s} - à nouveau", "{s} (renvoi)", "RE: {s}", "{s}"],
    "es": ["Reenvío: {s}", "RV: {s} (de nuevo)", "{s} - reenvío", "RE: {s}", "{s}"],
    "nl": ["{s} - opnieuw", "Nogmaals: {s}", "Doorst: {s} (nogmaals)", "RE: {s}", "{s}"],
}  # fmt: skip
QUOTE_HEAD = {
    "en": "-----Original Message-----\nFrom: {who} <{addr}>\nSent: {when}\nTo: ar@arbox.example\nSubject: {s}",
    "de": "-------- Ursprüngliche Nachricht --------\nVon: {who} <{addr}>\nGesendet: {when}\nAn: ar@arbox.example\nBetreff: {s}",
    "fr": "-------- Message d'origine --------\nDe : {who} <{addr}>\nEnvoyé : {when}\nÀ : ar@arbox.example\nObjet : {s}",
    "es": "-----Mensaje original-----\nDe: {who} <{addr}>\nEnviado el: {when}\nPara: ar@arbox.example\nAsunto: {s}",
    "nl": "-----Oorspronkelijk bericht-----\nVan: {who} <{addr}>\nVerzonden: {when}\nAan: ar@arbox.example\nOnderwerp: {s}",
}
WROTE = {
    "en": "On {when}, {who} <{addr}> wrote:",
    "de": "Am {when} schrieb {who} <{addr}>:",
    "fr": "Le {when}, {who} <{addr}> a écrit :",
    "es": "El {when}, {who} <{addr}> escribió:",
    "nl": "Op {when} schreef {who} <{addr}>:",
}

# --------------------------------------------------------------------------------------------
# 2: clean advices that say they are a re-send or a copy (nothing earlier of them arrived)

SEEN_SUBJ = {
    "en": ["Resend: Remittance advice {ref}", "Remittance advice {ref} - 2nd copy", "FW: Payment advice {ref}",
           "Copy of our remittance {date}", "RESENT: payment {ref}", "Fwd: Remittance Advice"],
    "de": ["FW: Zahlungsavis {ref}", "WG: Zahlungsavis vom {date}", "Zahlungsavis {ref} (Kopie)",
           "Nochmals: Zahlungsavis", "Zahlungsavis {ref} - erneut gesendet"],
    "fr": ["Renvoi de notre avis de paiement {ref}", "TR: Avis de règlement {ref}", "Copie : virement du {date}",
           "Avis de paiement (renvoi)"],
    "es": ["Reenvío: aviso de pago {ref}", "RV: Aviso de pago {ref}", "Copia del aviso de transferencia {date}",
           "Aviso de pago (segundo envío)"],
    "nl": ["Nogmaals: betalingsadvies {ref}", "Doorst: Betaalspecificatie {ref}", "Kopie betaaladvies {date}",
           "Betalingsadvies (opnieuw verstuurd)"],
}  # fmt: skip
SEEN_LEAD = {
    "en": ["Resending in case this did not reach you.", "Second copy of our remittance advice, for your records.",
           "Forwarding our remittance advice for the payment below.", "Sending again - copy of the advice for this payment.", None],
    "de": ["anbei nochmals das Zahlungsavis, falls es Sie nicht erreicht hat.", "zur Sicherheit erneut unser Avis.",
           "hiermit leiten wir Ihnen das Zahlungsavis weiter.", "Kopie unseres Zahlungsavis zu Ihrer Information.", None],
    "fr": ["nous vous renvoyons notre avis de paiement, au cas où il ne vous serait pas parvenu.",
           "copie de notre avis de règlement pour vos dossiers.", "je vous transfère l'avis de paiement ci-dessous.", None],
    "es": ["les reenviamos el aviso de pago por si no les llegó.", "copia de nuestro aviso de pago para su archivo.",
           "les enviamos de nuevo el detalle del pago.", None],
    "nl": ["hierbij nogmaals ons betaaladvies, voor het geval het niet is aangekomen.", "kopie van ons betaaladvies voor uw administratie.",
           "we sturen de betaalspecificatie opnieuw door.", None],
}  # fmt: skip
FWD_HEAD = {
    "en": "---------- Forwarded message ---------\nFrom: {who} <{addr}>\nDate: {when}\nSubject: {s}\nTo: {to}",
    "de": "---------- Weitergeleitete Nachricht ----------\nVon: {who} <{addr}>\nDatum: {when}\nBetreff: {s}\nAn: {to}",
    "fr": "---------- Message transféré ---------\nDe : {who} <{addr}>\nDate : {when}\nObjet : {s}\nÀ : {to}",
    "es": "---------- Mensaje reenviado ---------\nDe: {who} <{addr}>\nFecha: {when}\nAsunto: {s}\nPara: {to}",
    "nl": "---------- Doorgestuurd bericht ---------\nVan: {who} <{addr}>\nDatum: {when}\nOnderwerp: {s}\nAan: {to}",
}

# --------------------------------------------------------------------------------------------
# 3: key-value header blocks

KV = {
    "en": dict(pay=["Payment no.", "Cheque no.", "EFT number", "Payment ID"],
               vendor=["Vendor no.", "Supplier number", "Supplier ID"],
               cust=["Customer no.", "Our account no. with you", "Account ref."],
               date=["Execution date", "Value date", "Payment date"], bank=["Bank", "Paying bank"],
               iban=["IBAN", "Debit account"], batch=["Batch ID", "Payment run", "Run no."],
               amount=["Amount", "Payment amount", "Total remitted"]),
    "de": dict(pay=["Zahlungsnr.", "Scheck-Nr.", "Überweisungsnr.", "Belegnr. Zahlung"],
               vendor=["Lieferantennr.", "Kreditorennr.", "Ihre Lieferantennummer bei uns"],
               cust=["Kundennr.", "Unsere Kundennr. bei Ihnen"],
               date=["Ausführungsdatum", "Valuta", "Buchungstag"], bank=["Bank", "Kreditinstitut"],
               iban=["IBAN", "Auftraggeberkonto"], batch=["Zahllauf", "Zahllauf-ID", "Stapel-Nr."],
               amount=["Betrag", "Zahlbetrag", "Überweisungsbetrag"]),
    "fr": dict(pay=["N° de règlement", "N° de chèque", "Réf. virement", "N° d'ordre"],
               vendor=["N° fournisseur", "Code fournisseur", "Votre code fournisseur"],
               cust=["N° client", "Notre n° client chez vous"],
               date=["Date d'exécution", "Date de valeur", "Date d'opération"], bank=["Banque", "Établissement"],
               iban=["IBAN", "Compte débité"], batch=["Lot", "N° de lot", "Remise n°"],
               amount=["Montant", "Montant du virement", "Montant réglé"]),
    "es": dict(pay=["Nº de pago", "Nº cheque", "Ref. transferencia", "Nº orden"],
               vendor=["Nº proveedor", "Código proveedor", "Acreedor nº"],
               cust=["Nº cliente", "Nuestro nº de cliente"],
               date=["Fecha de ejecución", "Fecha valor", "Fecha operación"], bank=["Banco", "Entidad"],
               iban=["IBAN", "Cuenta de cargo"], batch=["Remesa", "Nº remesa", "Lote"],
               amount=["Importe", "Importe transferido", "Importe total"]),
    "nl": dict(pay=["Betalingsnr.", "Chequenr.", "Overboekingsnr.", "Opdrachtnr."],
               vendor=["Crediteurnr.", "Leveranciersnr.", "Uw leveranciersnummer"],
               cust=["Klantnr.", "Ons klantnummer bij u"],
               date=["Uitvoeringsdatum", "Valutadatum", "Boekdatum"], bank=["Bank", "Bank opdrachtgever"],
               iban=["IBAN", "Rekening opdrachtgever"], batch=["Batch-ID", "Betaalrun", "Batchnr."],
               amount=["Bedrag", "Betaald bedrag", "Totaalbedrag"]),
}  # fmt: skip
BANKS = {
    "US": ["Bank of America", "JPMorgan Chase", "Wells Fargo", "PNC Bank"],
    "GB": ["Barclays", "HSBC UK", "Lloyds Bank", "NatWest"],
    "IE": ["AIB", "Bank of Ireland"],
    "DE": ["Deutsche Bank", "Commerzbank", "Sparkasse KölnBonn", "HypoVereinsbank"],
    "FR": ["BNP Paribas", "Société Générale", "Crédit Agricole", "LCL"],
    "ES": ["Banco Santander", "BBVA", "CaixaBank", "Banco Sabadell"],
    "NL": ["ING Bank", "ABN AMRO", "Rabobank"],
}
IBAN_CC = {"US": "US", "GB": "GB", "IE": "IE", "DE": "DE", "FR": "FR", "ES": "ES", "NL": "NL"}
KV_HEAD = {
    "en": dict(ref=["Invoice", "Invoice No.", "Your invoice"], date=["Date", "Inv. date"],
               gross=["Gross", "Invoice amt"], disc=["Discount", "Disc."], net=["Paid", "Net paid", "Amount"]),
    "de": dict(ref=["Rechnung", "Re.-Nr.", "Ihre Rechnung"], date=["Datum", "Re.-Datum"],
               gross=["Brutto", "Re.-Betrag"], disc=["Skonto"], net=["Zahlung", "Zahlbetrag", "Betrag"]),
    "fr": dict(ref=["Facture", "N° facture"], date=["Date", "Date fact."], gross=["Brut", "Montant TTC"],
               disc=["Escompte"], net=["Payé", "Net payé", "Montant"]),
    "es": dict(ref=["Factura", "Nº factura"], date=["Fecha", "Fecha fra."], gross=["Bruto", "Importe fra."],
               disc=["Dto. p.p."], net=["Pagado", "Neto", "Importe"]),
    "nl": dict(ref=["Factuur", "Factuurnr."], date=["Datum", "Fact.datum"], gross=["Bruto", "Factuurbedrag"],
               disc=["Korting"], net=["Betaald", "Netto", "Bedrag"]),
}  # fmt: skip

# --------------------------------------------------------------------------------------------
# 4: digit groups in plain text, the payer's own table headings

GROUP_WORD = {"en": ["Inv.", "Invoice", ""], "de": ["Rg.", "RE", "Rechnung", ""],
              "fr": ["Fact.", "Facture", ""], "es": ["Fra.", "Factura", ""], "nl": ["Fact.", "Factuur", ""]}  # fmt: skip
GROUP_TOTAL = {
    "en": ["Total", "Total remitted", "Sum"],
    "de": ["Gesamt", "Summe", "Zahlbetrag gesamt"],
    "fr": ["Total", "Total réglé :", "Montant total :"],
    "es": ["Total", "Total abonado", "Suma:"],
    "nl": ["Totaal", "Totaal betaald", "Som:"],
}
PAYER_HEAD = {
    "en": dict(ref=["Your reference", "Your ref.", "Your document"], amt=["Amount remitted", "Settled", "Payment"],
               ours=["Our reference", "Our document"], date=["Date", "Doc. date"]),
    "de": dict(ref=["Ihr Beleg", "Ihre Belegnummer", "Ihr Zeichen"], amt=["Zahlbetrag", "Ausgleichsbetrag", "Zahlung"],
               ours=["Unser Beleg", "Unsere Belegnr."], date=["Belegdatum", "Datum"]),
    "fr": dict(ref=["Votre référence", "Votre pièce", "Vos réf."], amt=["Règlement", "Montant réglé", "Net réglé"],
               ours=["Notre référence", "Notre pièce"], date=["Date pièce", "Date"]),
    "es": dict(ref=["Su referencia", "Su documento", "Su factura"], amt=["Importe abonado", "Importe liquidado", "Abonado"],
               ours=["Nuestra referencia", "Nuestro documento"], date=["Fecha doc.", "Fecha"]),
    "nl": dict(ref=["Uw kenmerk", "Uw referentie", "Uw document"], amt=["Betaald bedrag", "Voldaan", "Betaling"],
               ours=["Ons kenmerk", "Onze referentie"], date=["Datum", "Boekdatum"]),
}  # fmt: skip
THOUSANDS = {"space": " ", "nbsp": "\u00a0", "nnbsp": "\u202f"}
GROUPS = ["4+4", "2x4", "nbsp", "4+4", "2x4", "nnbsp"]


def grouped_ref(n: str, style: str) -> str:
    """Our number written in digit groups: 9004 4812, 90 04 48 12, 9004\u00a04812; a prefixed
    number keeps its prefix as a word (NW 06 12 34)."""
    i = 0
    while i < len(n) and not n[i].isdigit():
        i += 1
    pre, dig = n[:i].rstrip("-"), n[i:]
    sep = {"nbsp": "\u00a0", "nnbsp": "\u202f"}.get(style, " ")
    if style == "2x4":
        body = " ".join(dig[j : j + 2] for j in range(0, len(dig), 2))
    else:
        body = dig[:4] + sep + dig[4:] if len(dig) > 4 else dig
    return f"{pre} {body}" if pre else body


def spaced_amount(x: Decimal, thousands: str) -> str:
    """1 310,64 with a space, a no-break space or a narrow no-break space between thousands."""
    s = f"{x:,.2f}".replace(",", "X").replace(".", ",")
    return s.replace("X", THOUSANDS[thousands])


def zip_bytes(files: list[tuple[str, bytes]], *, stored_first: bool = False) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i, (name, data) in enumerate(files):
            zi = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            zi.compress_type = (
                zipfile.ZIP_STORED if stored_first and i == 0 else zipfile.ZIP_DEFLATED
            )
            z.writestr(zi, data)
    return buf.getvalue()


def docx_bytes(paras: list[str], table: list[list[str]], after: list[str]) -> bytes:
    """A minimal Word document: paragraphs, one bordered table, paragraphs."""

    def p(t: str) -> str:
        return f'<w:p><w:r><w:t xml:space="preserve">{xesc(t)}</w:t></w:r></w:p>'

    border = "".join(
        f'<w:{e} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for e in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    rows = "".join("<w:tr>" + "".join(f"<w:tc>{p(c)}</w:tc>" for c in r) + "</w:tr>" for r in table)
    doc = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        + "".join(p(x) for x in paras)
        + f"<w:tbl><w:tblPr><w:tblBorders>{border}</w:tblBorders></w:tblPr>{rows}</w:tbl>"
        + "".join(p(x) for x in after)
        + "<w:sectPr/></w:body></w:document>"
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        "</Relationships>"
    )
    return zip_bytes(
        [("[Content_Types].xml", types.encode()), ("_rels/.rels", rels.encode()),
         ("word/document.xml", doc.encode())]
    )  # fmt: skip


def odt_bytes(paras: list[str], table: list[list[str]], after: list[str]) -> bytes:
    """A minimal OpenDocument text: paragraphs, one table, paragraphs."""

    def p(t: str) -> str:
        return f"<text:p>{xesc(t)}</text:p>"

    ncol = max(len(r) for r in table)
    rows = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string">{p(c)}</table:table-cell>' for c in r
        )
        + "</table:table-row>"
        for r in table
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2">'
        "<office:body><office:text>"
        + "".join(p(x) for x in paras)
        + f'<table:table table:name="Tabelle1"><table:table-column table:number-columns-repeated="{ncol}"/>{rows}</table:table>'
        + "".join(p(x) for x in after)
        + "</office:text></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    return zip_bytes(
        [("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", content.encode()),
         ("META-INF/manifest.xml", manifest.encode())],
        stored_first=True,
    )  # fmt: skip


def encrypted_pdf(
    paras: list[str], table: list[list[str]], after: list[str], password: str, letter: bool
) -> bytes:
    """The advice as a PDF that opens only with a password (RC4 128, reportlab)."""
    buf = io.BytesIO()
    enc = pdfencrypt.StandardEncryption(password, ownerPassword=password + "-owner", strength=128)
    size = LETTER if letter else A4
    cv = canvas.Canvas(buf, pagesize=size, encrypt=enc, invariant=1)
    wd, ht = size
    y = ht - 25 * mm
    cv.setFont("Helvetica-Bold", 13)
    cv.drawString(20 * mm, y, paras[0])
    cv.setFont("Helvetica", 9)
    for x in paras[1:]:
        y -= 5.5 * mm
        cv.drawString(20 * mm, y, x)
    y -= 10 * mm
    ncol = len(table[0])
    step = (wd - 40 * mm) / ncol
    for i, r in enumerate(table):
        cv.setFont("Helvetica-Bold" if i == 0 else "Helvetica", 9)
        for j, c in enumerate(r):
            if j == ncol - 1:
                cv.drawRightString(20 * mm + step * (j + 1) - 2 * mm, y, c)
            else:
                cv.drawString(20 * mm + step * j, y, c)
        y -= 6 * mm
        if y < 30 * mm:
            cv.showPage()
            y = ht - 25 * mm
    for x in after:
        y -= 6 * mm
        cv.setFont("Helvetica-Bold", 10)
        cv.drawString(20 * mm, y, x)
    cv.save()
    return buf.getvalue()


# --------------------------------------------------------------------------------------------


@dataclass
class Fam4:
    """The fourth set of added families, appended to a finished World (after fam3)."""

    w: Any
    hw: ModuleType
    rng: random.Random = field(init=False)
    clock: datetime = field(init=False)  # UTC, naive
    pages: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(f"heldout-fam4-{self.w.seed}")
        stamps = [
            m.when.astimezone(UTC).replace(tzinfo=None) if m.when.tzinfo else m.when
            for m in self.w.mails
        ]
        start = datetime(2026, 11, 20, 5, 0)
        self.clock = max([start, *stamps]) + timedelta(minutes=6)
        self.book = self.w.book
        owners: dict[str, int] = {}
        for c in self.w.customers:
            for a in c.contacts:
                owners[a] = owners.get(a, 0) + 1
        # fam2's sister companies share one mailbox: that says nothing about who pays, and
        # these families are about the form of the advice, not the sender
        self.shared = {c.number for c in self.w.customers if any(owners[a] > 1 for a in c.contacts)}
        self.f3: Any = None
        self.new_customers: list[Any] = []

    # ---- new customers: by now the payers have paid nearly everything they owed

    def make_customers(self) -> None:
        """Five new EUR payers (Dutch, German, French, Spanish, Irish) with open invoices of the
        new ERP: after three sets of families the world has no Dutch customer with two unpaid
        invoices left and few euro ones, and the digit-group family is about euro payers'
        9004 numbers. Their numbers are the unused 9004 numbers above fam2's, none equal to a
        reference an earlier mail wrote, as written or with look-alikes folded (so no earlier
        line names one of them: the rules' near forms only look within the customer)."""
        rng, hw, book = self.rng, self.hw, self.book
        refs = [
            ln.ref
            for m in self.w.mails
            if m.kind == "remittance"
            for ln in m.label["lines"]
            if ln.ref
        ]
        refs += [r for m in self.w.mails if m.kind == "query" for r in m.label.get("refs", [])]
        keys = {nkey(r) for r in refs} | {fold(r) for r in refs}
        top = max(int(n[4:]) for n in book.invoices if n.startswith("9004") and len(n) == 8)

        def free(g: int) -> bool:
            n = f"9004{g:04d}"
            return n not in book.invoices and nkey(n) not in keys

        numbers = (f"9004{g:04d}" for g in range(top + 1, 10000) if free(g))
        specs = [("NL", "nl_NL", "nl"), ("DE", "de_DE", "de"), ("FR", "fr_FR", "fr"),
                 ("ES", "es_ES", "es"), ("IE", "en_IE", "en")]  # fmt: skip
        used_names = {c.name for c in self.w.customers}
        made = []
        for region, locale, lang in specs:
            firsts, seconds, sfx = hw.NAMES[region]
            for _ in range(50):
                a, b = rng.choice(firsts), rng.choice(seconds)
                name = (
                    f"{b} {a}" if region in ("FR", "ES") else f"{a} {b}"
                ) + f" {rng.choice(sfx)}"
                if name not in used_names:
                    break
            used_names.add(name)
            dom = f"{hw.slug(name.rsplit(' ', 1)[0])[:22]}.{hw.TLD[region]}.example"
            people = rng.sample(hw.PEOPLE[lang], 3)
            contacts = [f"{rng.choice(hw.AP_BOXES[lang])}@{dom}",
                        f"{hw.slug(people[0].split()[0])}.{hw.slug(people[0].split()[-1])}@{dom}"]  # fmt: skip
            number = f"C{1001 + len(self.w.customers):04d}"
            c = hw.Customer(number, name, "EUR", locale, lang, region, dom, contacts, people,
                            rng.choice(hw.TERMS), 0, rng.choice(hw.HABITS), ["text-table"], None,
                            f"{rng.choice(['V', 'K', 'F', ''])}{rng.randint(10000, 99999)}")  # fmt: skip
            book.contacts[c.number] = c.contacts
            self.w.customers.append(c)
            self.w.cust[c.number] = c
            made.append(c)
        # invoices issued together carry consecutive numbers; a few runs per customer
        day = date(2026, 9, 28)
        runs = [c for c in made for _ in range(6)]
        rng.shuffle(runs)
        for c in runs:
            day = min(day + timedelta(days=rng.randint(0, 2)), date(2026, 11, 13))
            for _ in range(rng.randint(2, 5)):
                n = next(numbers)
                inv = Inv(n, c.number, day, day + timedelta(days=hw.due_days(c.terms)),
                          hw.money(rng), "EUR", c.terms)  # fmt: skip
                book.invoices[n] = inv
                book.balance[n] = inv.amount
                book.by_customer.setdefault(c.number, []).append(n)
                book.by_key[nkey(n)] = n
                self.w.ledger_balance[n] = inv.amount
                c.size += 1
            if rng.random() < 0.5:
                next(numbers)  # a number the ERP skipped (a cancelled draft)
        self.new_customers = made

    # ---- time, customers, invoices

    def tick(self, extra_minutes: int = 0) -> datetime:
        self.clock += timedelta(
            minutes=self.rng.randint(1, 3) + extra_minutes, seconds=self.rng.randint(0, 59)
        )
        return self.clock

    def paid_on(self) -> date:
        return self.clock.date() - timedelta(days=self.rng.choice([0, 0, 1, 1, 2, 3]))

    def customer(self, lang: str, need: int, pred=None) -> Any | None:
        on = self.clock.date() - timedelta(days=1)
        fit = [
            c
            for c in self.w.customers
            if c.number not in self.shared
            and (pred is None or pred(c))
            and len(self.w.payable(c, on)) >= need
        ]
        same = [c for c in fit if c.lang == lang]
        pool = same or fit
        return self.rng.choice(pool) if pool else None

    def take(self, c: Any, k: int, pred=None) -> list[str]:
        on = self.clock.date() - timedelta(days=1)
        pool = [n for n in self.w.payable(c, on) if pred is None or pred(n)]
        if len(pool) > k and self.rng.random() < 0.6:
            pool = sorted(self.rng.sample(pool, k), key=lambda n: (self.book.invoices[n].due, n))
        got = pool[:k]
        self.w.used.update(got)
        return got

    def ref_of(self, c: Any, n: str) -> tuple[str, list[str]]:
        habit = c.habit if self.rng.random() < 0.8 else "asis"
        ref, t = self.hw.habit_form(n, habit)
        return ref, ([t] if t == "exact" else ["payer-form", t])

    def lang_of(self, c: Any) -> str:
        return c.lang if c.lang == "en" or self.rng.random() < 0.85 else "en"

    def plain_lines(
        self, c: Any, ns: list[str], paid_on: date, *, discounts: bool = True, refs=None
    ) -> tuple[list[hr.ALine], list[Line]]:
        """Each invoice paid in full (less the discount its terms still give, sometimes)."""
        rng, book = self.rng, self.book
        alines, lines = [], []
        for n in ns:
            inv, bal = book.invoices[n], book.balance[n]
            ref, tags = refs(n) if refs else self.ref_of(c, n)
            d = inv.discount()
            gross, disc, cash = None, ZERO, bal
            if (
                discounts
                and d
                and bal == inv.amount
                and inv.earned_on(paid_on)
                and rng.random() < 0.7
            ):
                gross, disc, cash = bal, d, bal - d
                tags = [*tags, "discount-earned"]
            doc = f"51{rng.randint(10000000, 99999999)}" if rng.random() < 0.5 else ""
            alines.append(hr.ALine(ref, cash, gross, disc, inv_date=inv.issue, payer_doc=doc))
            lines.append(Line(ref, cash, [(n, cash)], gross, disc, ZERO, list(tags)))
        return alines, lines

    def advice(self, c: Any, lang: str, paid_on: date, alines: list, total, cur_style=None):
        rng = self.rng
        cur_style = cur_style or rng.choice(["code", "symbol", "none"])
        amount_style = (
            "en"
            if lang == "en" and c.region in ("US", "GB", "IE")
            else ("fr" if lang == "fr" else "eu")
            if c.currency == "EUR"
            else "en"
        )
        return hr.Advice(
            c.name, rng.choice(c.people), lang, c.region,
            None if cur_style == "none" else c.currency, cur_style, paid_on, True,
            rng.choice(hr.METHODS[c.region]), self.w.pay_ref(c), total, alines, amount_style,
            rng.choice(["minus", "minus", "paren"]), c.vendor_no, hr.pick_cols(rng, lang),
        )  # fmt: skip

    def doc_parts(self, adv: Any) -> tuple[list[str], list[list[str]], list[str]]:
        """The advice as a document: title and header lines, the table, the total line."""
        rng = self.rng
        keys = hr.columns(adv, rng)
        table = [[adv.cols[k] for k in keys]] + [
            [hr.cell(adv, ln, k) for k in keys] for ln in adv.lines
        ]
        head = [rng.choice(hr.WORDS[adv.lang]["title"]), adv.payer, f"{hr.VENDOR}"]
        head += hr.header_block(adv, rng, with_total=False)
        after = []
        if adv.total is not None:
            after.append(
                f"{rng.choice(hr.WORDS[adv.lang]['total'])}: {hr.fmt_amt(adv.total, adv, cur=True)}"
            )
        return head, table, after  # fmt: skip

    def cover(self, lang: str, person: str, payer: str, lead: str) -> str:
        rng = self.rng
        lead = lead[0].upper() + lead[1:]
        return f"{rng.choice(hr.GREET[lang])}\n\n{lead}\n\n{rng.choice(hr.SIGN[lang])}\n{person}\n{payer}\n"

    # ---- posting

    def post(
        self,
        c: Any,
        lines: list[Line],
        body: tuple,
        *,
        family: str,
        layout: str,
        lang: str,
        paid_on: date,
        named: str | None,
        stated: Decimal | None,
        subject: str,
        sender: str | None = None,
        from_name: str | None = None,
        mtags: list[str] | None = None,
        resend_of: str | None = None,
        ocr: bool = False,
        extra_minutes: int = 0,
    ) -> Any:
        rng, w = self.rng, self.w
        text, html, atts = body
        sender = sender or rng.choice(c.contacts)
        mtags = [family, *(mtags or [])]
        sender_ok = sender in c.contacts
        if not sender_ok:
            mtags.append("unknown-sender")
        if named is None:
            mtags.append("no-currency")
        total = sum((ln.amount for ln in lines), ZERO)
        if stated is not None and stated != total:
            mtags.append("total-mismatch")
        if named is not None and named != c.currency:
            mtags.append("wrong-currency")
        for ln in lines:
            ln.tags = ["fam4", family, *ln.tags]
            for t in ("unknown-sender", "total-mismatch", "wrong-currency"):
                if t in mtags and t not in ln.tags:
                    ln.tags.append(t)
            if ocr and "ocr-read" not in ln.tags:
                ln.tags.append("ocr-read")
        rule = decide_ocr if ocr else decide
        rule(
            self.book,
            lines,
            customer=c.number,
            sender_ok=sender_ok,
            paid_on=paid_on,
            currency_named=named,
            stated_total=stated,
        )
        apply(self.book, lines)
        when = self.tick(extra_minutes).replace(tzinfo=UTC).astimezone(hr.tz_for(c.region))
        name = f"m{len([m for m in w.mails if m.kind == 'remittance']) + 1:04d}"
        msgid = f"<{name}.{w.seed}.{rng.randint(10**9, 10**10 - 1)}@{sender.rpartition('@')[2]}>"
        from_name = from_name if from_name is not None else rng.choice(c.people)
        raw = hr.build_eml(
            from_name=from_name,
            from_addr=sender,
            when=when,
            msgid=msgid,
            subject=subject,
            text=text,
            html=html,
            attachments=atts,
            lang=lang,
        )
        label = {
            "name": name,
            "file": f"phase2/{name}.eml",
            "phase": 2,
            "order": 0,
            "message_id": msgid,
            "layout": layout,
            "customer": c.number,
            "sender": sender,
            "tags": sorted(set(mtags)),
            "duplicate_of": None,
            "resend_of": resend_of,
            "lines": lines,
        }
        m = self.hw.Mail(name, 2, 0, when, "remittance", label, raw)
        w.mails.append(m)
        return m

    # ---- 1: an advice nobody reads (or a person must see), then its clean re-send

    def unread_first(self, lang: str, kind: str) -> Any:
        rng = self.rng
        two = rng.random() < 0.6  # a customer with a second registered address to re-send from
        c = self.customer(lang, 2, (lambda c: len(c.contacts) >= 2) if two else None)
        c = c or self.customer(lang, 2)
        if c is None:
            return None
        lang = self.lang_of(c) if kind != "photo" else c.lang
        paid_on = self.paid_on()
        ns = self.take(c, rng.randint(2, 6))
        if not ns:
            return None
        alines, lines = self.plain_lines(c, ns, paid_on, discounts=kind not in ("photo",))
        total = sum((ln.amount for ln in lines), ZERO)
        person = rng.choice(c.people)
        sender = rng.choice(c.contacts)
        stated: Decimal | None = total
        named = c.currency
        ocr = False
        pay_ref = self.w.pay_ref(c)  # the re-send names the same payment
        subject = rng.choice(hr.SUBJ[lang]).format(
            ref=pay_ref, date=hr.fmt_date(paid_on, c.region), payer=c.name
        )
        tags = ["fam4-unread-first", f"unread-{kind}"]
        for ln in lines:
            ln.tags += tags
        if kind in ("docx", "odt", "encrypted"):
            adv = self.advice(
                c, lang, paid_on, alines, total, cur_style=rng.choice(["code", "symbol"])
            )
            adv.person, adv.pay_ref = person, pay_ref
            head, table, after = self.doc_parts(adv)
            if kind == "docx":
                data = docx_bytes(head, table, after)
                fname = rng.choice([f"Remittance_{adv.pay_ref}.docx", "Zahlungsavis.docx" if lang == "de" else "payment advice.docx",
                                    f"avis_{paid_on:%Y%m%d}.docx"])  # fmt: skip
                mime = rng.choice(["application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                   "application/octet-stream"])  # fmt: skip
            elif kind == "odt":
                data = odt_bytes(head, table, after)
                fname = rng.choice([f"{adv.pay_ref}.odt", "betaalspecificatie.odt" if lang == "nl" else "aviso_pago.odt",
                                    "Remittance.odt"])  # fmt: skip
                mime = "application/vnd.oasis.opendocument.text"
            else:
                pw = rng.choice(
                    [c.vendor_no or "Avis2026", f"{rng.randint(100000, 999999)}", "Remit#2026"]
                )
                data = encrypted_pdf(head, table, after, pw, c.region == "US")
                fname = rng.choice([f"RA_{adv.pay_ref}.pdf", "Zahlungsavis_geschuetzt.pdf" if lang == "de" else "remittance_protected.pdf",
                                    "advice.pdf"])  # fmt: skip
                mime = "application/pdf"
            text = self.cover(lang, person, c.name, rng.choice(UNREAD_COVER[kind][lang]))
            body: tuple = (text, None, [(fname, mime, data)])
            for ln in lines:
                ln.force = UNREAD_WHY[kind]
            layout = f"fam4-unread-{kind}"
        elif kind == "photo":
            # a phone photo of a typed slip without a total: read by OCR, nothing to add up to
            if self.f3 is None:
                self.f3 = hf3.Fam3(self.w, self.hw)
            self.f3.rng = rng
            rows = [dict(ours=al.ref, idate=al.inv_date, gross=al.net, disc=ZERO, ded=ZERO, paid=al.net)
                    for al in alines]  # fmt: skip
            pdf = self.f3.scan_pdf(c, lang, pay_ref, paid_on, rows, None, hf3.NUM_STYLE[lang], "")
            img = self.f3.photo(self.f3.rasterise(pdf, 200)[0])
            b = io.BytesIO()
            img.save(b, "JPEG", quality=rng.randint(60, 80))
            self.pages += 1
            fname = rng.choice([f"IMG_{rng.randint(1000, 9999)}.jpg", f"{paid_on:%Y%m%d}_{rng.randint(100000, 235959)}.jpg",
                                "WhatsApp Image.jpeg"])  # fmt: skip
            text = self.cover(lang, person, c.name, rng.choice(UNREAD_COVER["photo"][lang]))
            body = (text, None, [(fname, "image/jpeg", b.getvalue())])
            stated, named, ocr = None, None, True
            layout = "fam4-unread-photo"
            tags.append("no-total")
            for ln in lines:
                ln.tags.append("no-total")
        else:
            if kind == "total":
                s = f"{total:.2f}"
                ds = [
                    i
                    for i in range(len(s) - 1)
                    if s[i].isdigit() and s[i + 1].isdigit() and s[i] != s[i + 1]
                ]
                how = rng.choice(["swap", "missing", "round"])
                if how == "swap" and ds:
                    i = rng.choice(ds)
                    stated = Decimal(s[:i] + s[i + 1] + s[i] + s[i + 2 :])
                elif how == "missing" and len(lines) > 2:
                    stated = total - lines[-1].amount  # the last line was left out of the sum
                else:
                    stated = total + Decimal(rng.choice(["100.00", "-50.00", "10.00", "-0.10"]))
                tags.append(f"total-{how}")
                adv = self.advice(c, lang, paid_on, alines, stated)
            else:
                adv = self.advice(c, lang, paid_on, alines, total, cur_style="code")
                adv.currency = named = "USD" if c.currency != "USD" else "EUR"
            adv.person, adv.pay_ref = person, pay_ref
            named = adv.currency
            layout = rng.choice(["text-table", "html-table", "ruled-pdf", "text-list", "csv"])
            body = hr.LAYOUTS[layout](adv, rng)
            layout = f"fam4-unread-{kind}-{layout}"
        m = self.post(
            c, lines, body, family="fam4-resend-after-unread", layout=layout, lang=lang,
            paid_on=paid_on, named=named, stated=stated, subject=subject, sender=sender,
            from_name=person, mtags=tags, ocr=ocr,
        )  # fmt: skip
        m.label["_fam4"] = (c, lang, paid_on, alines, kind, subject, body[0], person, pay_ref)
        return m

    def resend(self, first: Any, due: datetime) -> Any:
        rng = self.rng
        c, lang, paid_on, alines, kind, subj0, text0, person, pay_ref = first.label.pop("_fam4")
        drop = {"fam4", "fam4-resend-after-unread", "fam4-unread-first", "total-mismatch",
                "wrong-currency", "no-currency", "ocr-read", "no-total"}  # fmt: skip
        lines = [
            Line(ln.ref, ln.amount, list(ln.truth), ln.gross, ln.disc, ln.ded,
                 [t for t in ln.tags if t not in drop and not t.startswith(("unread-", "total-"))]
                 + ["resend", "fam4-unread-resend"])
            for ln in first.label["lines"]
        ]  # fmt: skip
        for ln in lines:
            ln.force = (
                f"re-send of {first.name} while the first copy is with a person: "
                "the same payment told twice"
            )
        total = sum((ln.amount for ln in lines), ZERO)
        adv = self.advice(c, lang, paid_on, [hr.ALine(**al.__dict__) for al in alines], total,
                          cur_style=rng.choice(["code", "symbol", "none"] if kind != "currency" else ["code", "symbol"]))  # fmt: skip
        adv.person, adv.pay_ref = person, pay_ref
        layout = rng.choice(READABLE)
        text, html, atts = hr.LAYOUTS[layout](adv, rng)
        d = hr.fmt_date(first.when.date(), c.region)
        lead = rng.choice(RESEND_LEAD[lang]).format(d=d)
        if rng.random() < 0.75:
            lead += " " + RESEND_WHY[kind][lang].format(cur=c.currency)
        lead = lead[0].upper() + lead[1:]
        tags = [f"after-{kind}"]
        if text is not None:
            text = f"{lead}\n\n{text}"
            if rng.random() < 0.45 and text0:
                when0 = first.when.strftime(
                    "%d.%m.%Y %H:%M" if lang != "en" else "%A, %B %d, %Y %I:%M %p"
                )
                if rng.random() < 0.5:
                    head = QUOTE_HEAD[lang].format(
                        who=person, addr=first.label["sender"], when=when0, s=subj0
                    )
                    text += f"\n\n{head}\n\n{text0}"
                else:
                    head = WROTE[lang].format(who=person, addr=first.label["sender"], when=when0)
                    text += f"\n\n{head}\n" + "\n".join(
                        "> " + x if x else ">" for x in text0.splitlines()
                    )
                tags.append("quoted-first")
        if html is not None:
            html = html.replace("<body>", f"<body><p>{htmlmod.escape(lead)}</p>", 1)
        subject = rng.choice(RESEND_SUBJ[lang]).format(s=subj0)
        if subject == subj0:
            tags.append("resend-word-in-body-only")
        sender = first.label["sender"]
        others = [a for a in c.contacts if a != sender]
        if others and rng.random() < 0.45:
            sender = rng.choice(others)
            tags.append("resend-other-address")
        gap = max(0, int((due - self.clock).total_seconds() // 60) - 2)  # minutes to hours later
        return self.post(
            c, lines, (text, html, atts), family="fam4-resend-after-unread",
            layout=f"fam4-resend-{layout}", lang=lang, paid_on=paid_on, named=adv.currency,
            stated=total if adv.total is not None else None, subject=subject, sender=sender,
            from_name=person, mtags=tags, resend_of=first.name, extra_minutes=gap,
        )  # fmt: skip

    # ---- 2: a clean advice that says it is a re-send or a copy; nothing of it came before

    def first_seen(self, lang: str, i: int) -> Any:
        rng = self.rng
        c = self.customer(lang, 3) or self.customer(lang, 1)
        if c is None:
            return None
        lang = self.lang_of(c)
        paid_on = self.paid_on()
        ns = self.take(c, rng.randint(1, 7))
        if not ns:
            return None
        alines, lines = self.plain_lines(c, ns, paid_on)
        total = sum((ln.amount for ln in lines), ZERO)
        adv = self.advice(c, lang, paid_on, alines, total)
        layout = READABLE[i % len(READABLE)]
        text, html, atts = hr.LAYOUTS[layout](adv, rng)
        fmt = dict(ref=adv.pay_ref, date=hr.fmt_date(paid_on, c.region))
        tags = []
        where = rng.choice(["subject", "body", "both", "forward"])
        if where in ("subject", "both", "forward"):
            subject = rng.choice(SEEN_SUBJ[lang]).format(**fmt)
        else:
            subject = rng.choice(hr.SUBJ[lang]).format(payer=c.name, **fmt)
        tags.append(f"resend-word-{where}")
        lead = rng.choice(SEEN_LEAD[lang]) if where != "subject" else None
        if lead is None and where == "body":  # the body is where it says so: never silent
            lead = SEEN_LEAD[lang][0]
        if where == "forward" and text is not None:
            who = rng.choice([p for p in c.people if p != adv.person] or c.people)
            src = rng.choice(c.contacts)
            head = FWD_HEAD[lang].format(who=who, addr=src, s=rng.choice(hr.SUBJ[lang]).format(payer=c.name, **fmt),
                                         when=hr.fmt_date(paid_on, c.region), to="ar@arbox.example")  # fmt: skip
            text = f"{(lead or '').strip()}\n\n{head}\n\n{text}".lstrip()
        elif lead:
            lead = lead[0].upper() + lead[1:]
            if text is not None:
                text = f"{lead}\n\n{text}"
            if html is not None:
                html = html.replace("<body>", f"<body><p>{htmlmod.escape(lead)}</p>", 1)
        return self.post(
            c, lines, (text, html, atts), family="fam4-resend-first-seen",
            layout=f"fam4-seen-{layout}", lang=lang, paid_on=paid_on, named=adv.currency,
            stated=total if adv.total is not None else None, subject=subject, from_name=adv.person,
            mtags=tags,
        )  # fmt: skip

    # ---- 3: a key-value block of numbers above or below the table

    def lookalike(self, c: Any, make) -> str:
        """A number that looks like one of ours but is none (and near none of the customer's)."""
        opens = self.book.open_of(c.number)
        for _ in range(20):
            v = make()
            if self.book.exact(v) is None and not any(is_near(v, n) for n in opens):
                return v
        return make()

    def kv_pairs(
        self, c: Any, lang: str, adv: Any, stated: Decimal | None
    ) -> list[tuple[str, str]]:
        rng, K = self.rng, KV[lang]
        r = rng.randint
        pays = [f"CHK {r(10000, 99999)}", f"{r(100000, 999999)}", f"EFT {r(1000000, 9999999)}",
                f"{r(20000000, 29999999)}", f"ZV{r(2026000, 2026999)}"]  # fmt: skip
        out = [(rng.choice(K["pay"]), rng.choice(pays))]
        if rng.random() < 0.75:
            vendor = rng.choice([
                lambda: f"7001{r(1000, 9999)}", lambda: f"4{r(1000000, 9999999)}",
                lambda: f"9004{r(0, 9999):04d}", lambda: f"{r(10000000, 99999999)}",
            ])  # fmt: skip
            out.append((rng.choice(K["vendor"]), self.lookalike(c, vendor)))
        if rng.random() < 0.5:
            out.append(
                (rng.choice(K["cust"]), rng.choice([c.number, c.number[1:], f"KD-{c.number[1:]}"]))
            )
        if rng.random() < 0.75:
            out.append(
                (rng.choice(K["date"]), hr.fmt_date(adv.paid_on, adv.region, rng.choice([0, 0, 1])))
            )
        if rng.random() < 0.45:
            out.append((rng.choice(K["bank"]), rng.choice(BANKS[c.region])))
        if rng.random() < 0.45:
            cc = IBAN_CC[c.region]
            d = "".join(str(r(0, 9)) for _ in range(16))
            out.append((rng.choice(K["iban"]), rng.choice([
                f"{cc}{r(10, 99)} **** **** **** {d[-4:]}", f"...{d[-4:]}", f"{cc}{r(10, 99)} {d[:4]} {d[4:8]} {d[8:12]} {d[12:14]}",
                f"xxxx{d[-6:]}"])))  # fmt: skip
        if rng.random() < 0.55:
            batch = rng.choice([
                lambda: f"{adv.paid_on:%Y%m%d}-{r(1, 9):02d}", lambda: f"PR-{adv.paid_on:%Y-%m%d}",
                lambda: f"{r(3000, 9999)}", lambda: f"B{r(10000000, 99999999)}",
                lambda: f"{adv.paid_on:%y%m%d}{r(100, 999)}",
            ])  # fmt: skip
            out.append((rng.choice(K["batch"]), self.lookalike(c, batch)))
        if stated is not None and rng.random() < 0.6:
            out.append((rng.choice(K["amount"]), hr.fmt_amt(stated, adv, cur=True)))
        first, rest = out[0], out[1:]
        rng.shuffle(rest)
        return [first, *rest] if rng.random() < 0.7 else [*rest, first]

    def kv_text(self, pairs: list[tuple[str, str]]) -> list[str]:
        rng = self.rng
        style = rng.choice(["colon", "leader", "aligned", "pairs", "eq", "tab"])
        w = max(len(k) for k, _ in pairs) + 1
        if style == "colon":
            return [f"{k}: {v}" for k, v in pairs]
        if style == "leader":
            return [f"{k} {'.' * (w + 3 - len(k))}: {v}" for k, v in pairs]
        if style == "aligned":
            return [f"{k + ':':<{w + 2}}{v}" for k, v in pairs]
        if style == "eq":
            return [f"{k} = {v}" for k, v in pairs]
        if style == "tab":
            return [f"{k}\t{v}" for k, v in pairs]
        out = []
        for j in range(0, len(pairs), 2):
            a = f"{pairs[j][0]}: {pairs[j][1]}"
            out.append(a if j + 1 >= len(pairs) else f"{a:<42}{pairs[j + 1][0]}: {pairs[j + 1][1]}")
        return out

    def kv_table(self, adv: Any, lang: str) -> tuple[list[str], list[list[str]], list[bool]]:
        rng, H = self.rng, KV_HEAD[lang]
        keys = ["ref"] + (["date"] if rng.random() < 0.6 else [])
        if any(al.disc for al in adv.lines):
            keys += ["gross", "disc"]
        keys.append("net")
        heads = [rng.choice(H[k]) for k in keys]
        rows = []
        for al in adv.lines:
            vals = {"ref": al.ref or "", "date": hr.fmt_date(al.inv_date, adv.region) if al.inv_date else "",
                    "gross": hr.fmt_amt(al.gross if al.gross is not None else al.net, adv),
                    "disc": hr.fmt_amt(al.disc, adv) if al.disc else "", "net": hr.fmt_amt(al.net, adv)}  # fmt: skip
            rows.append([vals[k] for k in keys])
        return heads, rows, [k in ("gross", "disc", "net") for k in keys]

    def kv_header(self, lang: str, i: int) -> Any:
        rng = self.rng
        c = self.customer(lang, 2)
        if c is None:
            return None
        lang = self.lang_of(c)
        paid_on = self.paid_on()
        ns = self.take(c, rng.randint(2, 9))
        if not ns:
            return None
        alines, lines = self.plain_lines(c, ns, paid_on)
        total = sum((ln.amount for ln in lines), ZERO)
        stated = total if rng.random() < 0.85 else None
        adv = self.advice(c, lang, paid_on, alines, stated)
        pairs = self.kv_pairs(c, lang, adv, stated)
        in_kv = stated is not None and any(k in KV[lang]["amount"] for k, _ in pairs)
        heads, rows, num = self.kv_table(adv, lang)
        below = rng.random() < 0.35
        tot_word = rng.choice(hr.WORDS[lang]["total"])
        tags = ["kv-below" if below else "kv-above"]
        if i % 2 == 0:
            widths = [max(len(h), *(len(r[j]) for r in rows)) for j, h in enumerate(heads)]
            gap = " " * rng.choice([2, 3, 4])

            def row(r: list[str]) -> str:
                return gap.join(
                    x.rjust(wd) if nm else x.ljust(wd) for x, wd, nm in zip(r, widths, num)
                ).rstrip()

            tbl = [row(heads)]
            if rng.random() < 0.6:
                tbl.append(rng.choice(["-", "="]) * len(row(heads)))
            tbl += [row(r) for r in rows]
            if stated is not None and not in_kv:
                tbl += ["", f"{tot_word}: {hr.fmt_amt(stated, adv, cur=True)}"]
            kv = self.kv_text(pairs)
            block = (tbl + [""] + kv) if below else (kv + [""] + tbl)
            intro = hr.intro_sentence(adv, rng)
            text = "\n".join([rng.choice(hr.GREET[lang]), "", intro[0].upper() + intro[1:], "", *block,
                              "", rng.choice(hr.SIGN[lang]), adv.person, adv.payer])  # fmt: skip
            body: tuple = (text, None, [])
            layout = "fam4-kv-text"
        else:
            e = htmlmod.escape
            style = rng.choice(["table", "bold", "dl", "line"])
            if style == "table":
                kvh = (
                    "<table>"
                    + "".join(f"<tr><td>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in pairs)
                    + "</table>"
                )
            elif style == "bold":
                kvh = "<p>" + "<br>".join(f"<b>{e(k)}:</b> {e(v)}" for k, v in pairs) + "</p>"
            elif style == "dl":
                kvh = (
                    "<dl>" + "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in pairs) + "</dl>"
                )
            else:
                kvh = "<p>" + " | ".join(f"{e(k)}: {e(v)}" for k, v in pairs) + "</p>"
            tags.append(f"kv-html-{style}")
            trs = "".join(
                "<tr>" + "".join(f'<td{" align=right" if nm else ""}>{e(x)}</td>' for x, nm in zip(r, num)) + "</tr>"
                for r in rows
            )  # fmt: skip
            foot = ""
            if stated is not None and not in_kv:
                foot = (f'<tr><td colspan="{len(heads) - 1}"><b>{e(tot_word)}</b></td>'
                        f"<td align=right><b>{e(hr.fmt_amt(stated, adv, cur=True))}</b></td></tr>")  # fmt: skip
            tbl = ('<table border="1" cellspacing="0" cellpadding="3"><tr>'
                   + "".join(f"<th>{e(h)}</th>" for h in heads) + f"</tr>{trs}{foot}</table>")  # fmt: skip
            block = tbl + "<br>" + kvh if below else kvh + "<br>" + tbl
            html = (f"<html><body><p>{e(rng.choice(hr.GREET[lang]))}</p><p>{e(hr.intro_sentence(adv, rng))}</p>"
                    f"{block}<p>{e(rng.choice(hr.SIGN[lang]))}<br>{e(adv.person)}<br>{e(adv.payer)}</p></body></html>")  # fmt: skip
            plain = None
            if rng.random() < 0.4:
                plain = "\n".join(self.kv_text(pairs) + [""] + ["  ".join(r) for r in rows])
            body = (plain, html, [])
            layout = "fam4-kv-html"
        subject = rng.choice(hr.SUBJ[lang]).format(
            ref=pairs[0][1] if rng.random() < 0.5 else adv.pay_ref,
            date=hr.fmt_date(paid_on, c.region), payer=c.name,
        )  # fmt: skip
        return self.post(
            c, lines, body, family="fam4-kv-header", layout=layout, lang=lang, paid_on=paid_on,
            named=adv.currency, stated=stated, subject=subject, from_name=adv.person, mtags=tags,
        )  # fmt: skip

    # ---- 4: digit groups and space thousands in plain text; the payer's table headings

    def grouped_text(self, lang: str, i: int) -> Any:
        rng = self.rng
        ours = lambda n: n.startswith("9004")  # noqa: E731
        on = self.clock.date() - timedelta(days=1)
        c = self.customer(
            lang,
            2,
            lambda c: c.currency == "EUR" and sum(map(ours, self.w.payable(c, on))) >= 2,
        ) or self.customer(lang, 2, lambda c: c.currency == "EUR")
        if c is None:
            return None
        lang = self.lang_of(c)
        paid_on = self.paid_on()
        ns = self.take(c, rng.randint(2, 10), ours if rng.random() < 0.8 else None)
        if not ns:
            return None
        gstyle = GROUPS[i % len(GROUPS)]
        thousands = rng.choice(["space", "nbsp", "nnbsp"])

        def refs(n: str) -> tuple[str, list[str]]:
            if rng.random() < 0.85:
                return grouped_ref(n, gstyle), ["digits-" + gstyle]
            return self.ref_of(c, n)

        html_mail = i % 3 == 2
        alines, lines = self.plain_lines(c, ns, paid_on, discounts=False, refs=refs)
        total = sum((ln.amount for ln in lines), ZERO)
        stated = total if rng.random() < 0.8 else None
        adv = self.advice(
            c, lang, paid_on, alines, stated, cur_style=rng.choice(["code", "none", "symbol"])
        )
        for ln in lines:
            if ln.amount >= 1000:
                ln.tags.append("amount-" + thousands)
        cur = adv.currency if adv.currency else ""
        sym = (
            {"EUR": "€", "USD": "$", "GBP": "£"}.get(cur, cur) if adv.cur_style == "symbol" else cur
        )
        tags = [f"group-{gstyle}", f"thousands-{thousands}"]
        e = htmlmod.escape
        if not html_mail:
            spacing = rng.choice(["one", "few", "ragged"])

            def sp() -> str:
                return {"one": " ", "few": "   "}.get(spacing) or " " * rng.randint(1, 4)

            word = rng.choice(GROUP_WORD[lang])
            with_date = rng.random() < 0.5
            date_first = with_date and rng.random() < 0.3
            out = []
            for al in alines:
                a = spaced_amount(al.net, thousands)
                if sym and rng.random() < 0.5:
                    a = f"{a} {sym}"
                d = hr.fmt_date(al.inv_date, adv.region) if al.inv_date else ""
                ref = f"{word} {al.ref}" if word else al.ref
                if with_date and date_first:
                    out.append(f"{d}{sp()}{ref}{sp()}{a}")
                elif with_date:
                    out.append(f"{ref}{sp()}{d}{sp()}{a}")
                else:
                    out.append(f"{ref}{sp()}{a}")
            tags += [f"spacing-{spacing}"] + (
                ["date-between"] if with_date and not date_first else []
            )
            tail = []
            if stated is not None:
                tail = [
                    "",
                    f"{rng.choice(GROUP_TOTAL[lang])} {spaced_amount(stated, thousands)}"
                    + (f" {sym}" if sym else ""),
                ]
            intro = hr.intro_sentence(adv, rng)
            head = hr.header_block(adv, rng, with_total=False) if rng.random() < 0.5 else []
            text = "\n".join([rng.choice(hr.GREET[lang]), "", intro[0].upper() + intro[1:], "", *out, *tail, "",
                              *head, *([""] if head else []), rng.choice(hr.SIGN[lang]), adv.person, adv.payer])  # fmt: skip
            body: tuple = (text, None, [])
            layout = "fam4-grouped-text"
        else:
            H = PAYER_HEAD[lang]
            with_ours = rng.random() < 0.5
            with_date = rng.random() < 0.6
            heads = ([rng.choice(H["ours"])] if with_ours else []) + [rng.choice(H["ref"])]
            heads += ([rng.choice(H["date"])] if with_date else []) + [rng.choice(H["amt"])]
            spaced = rng.random() < 0.6
            trs = ""
            for al in alines:
                a = spaced_amount(al.net, thousands) if spaced else hr.fmt_amt(al.net, adv)
                cells = (
                    [al.payer_doc or f"FA-2026-{rng.randint(1000, 9999)}"] if with_ours else []
                ) + [al.ref or ""]
                cells += (
                    [hr.fmt_date(al.inv_date, adv.region) if al.inv_date else ""]
                    if with_date
                    else []
                ) + [a]
                trs += (
                    "<tr>"
                    + "".join(f"<td>{e(x)}</td>" for x in cells[:-1])
                    + f'<td align="right">{e(cells[-1])}</td></tr>'
                )
            foot = ""
            if stated is not None:
                s = spaced_amount(stated, thousands) if spaced else hr.fmt_amt(stated, adv)
                foot = (f'<tr><td colspan="{len(heads) - 1}">{e(rng.choice(GROUP_TOTAL[lang]).rstrip(":"))}</td>'
                        f'<td align="right"><b>{e(s + (" " + sym if sym else ""))}</b></td></tr>')  # fmt: skip
            hdr = "".join(f"<div>{e(x)}</div>" for x in hr.header_block(adv, rng, with_total=False))
            html = (f"<html><body><p>{e(rng.choice(hr.GREET[lang]))}</p><p>{e(hr.intro_sentence(adv, rng))}</p>{hdr}<br>"
                    '<table border="1" cellspacing="0" cellpadding="4"><thead><tr>'
                    + "".join(f"<th>{e(h)}</th>" for h in heads) + f"</tr></thead><tbody>{trs}{foot}</tbody></table>"
                    f"<p>{e(rng.choice(hr.SIGN[lang]))}<br>{e(adv.person)}<br>{e(adv.payer)}</p></body></html>")  # fmt: skip
            tags += (
                ["payer-headings"]
                + (["payer-doc-column"] if with_ours else [])
                + (["amount-spaced"] if spaced else [])
            )
            body = (None, html, [])
            layout = "fam4-grouped-html"
        subject = rng.choice(hr.SUBJ[lang]).format(
            ref=adv.pay_ref, date=hr.fmt_date(paid_on, c.region), payer=c.name
        )
        return self.post(
            c, lines, body, family="fam4-grouped-text", layout=layout, lang=lang, paid_on=paid_on,
            named=adv.currency, stated=stated, subject=subject, from_name=adv.person, mtags=tags,
        )  # fmt: skip

    # ---- the whole addition

    def run(self, n_mails: int) -> dict[str, int]:
        rng = self.rng
        self.make_customers()
        k = max(2, round(n_mails / 35))
        jobs: list[tuple] = []
        jobs += [("unread", LANGS[i % 5], UNREAD_KINDS[i % len(UNREAD_KINDS)]) for i in range(k)]
        jobs += [("seen", LANGS[(i + 1) % 5], i) for i in range(k)]
        jobs += [("kv", LANGS[(i + 2) % 5], i) for i in range(k)]
        jobs += [("grouped", LANGS[(i + 3) % 5], i) for i in range(k)]
        rng.shuffle(jobs)
        pending: list[tuple[datetime, int, Any]] = []  # (when its re-send goes out, first copy)
        for i, job in enumerate(jobs):
            for p in [p for p in pending if p[0] <= self.clock]:
                pending.remove(p)
                self.resend(p[2], p[0])
            if job[0] == "unread":
                m = self.unread_first(job[1], job[2])
                if m is not None:
                    left = (len(jobs) - i) * 2.5  # minutes the rest of the jobs will take
                    gap = rng.randint(60, 110) if rng.random() < 0.35 else rng.randint(4, 40)
                    if gap > left + 15:
                        gap = rng.randint(4, 20)
                    pending.append((self.clock + timedelta(minutes=gap), len(pending), m))
            elif job[0] == "seen":
                self.first_seen(job[1], job[2])
            elif job[0] == "kv":
                self.kv_header(job[1], job[2])
            else:
                self.grouped_text(job[1], job[2])
        for p in sorted(pending, key=lambda p: (p[0], p[1])):
            self.resend(p[2], p[0])
        for m in self.w.mails:
            m.label.pop("_fam4", None)
        return {"k": k, "ocr_pages": self.pages}


def add_families(world: Any, hw: ModuleType) -> dict[str, int]:
    """Append the fourth set of families (fam4) to a finished world, after fam3; their sizes."""
    before = (len(world.mails), len(world.customers))
    info = Fam4(world, hw).run(world.n_mails)
    new = world.mails[before[0] :]
    info["mails"] = sum(1 for m in new if m.kind == "remittance")
    info["queries"] = sum(1 for m in new if m.kind == "query")
    info["customers"] = len(world.customers) - before[1]
    return info
