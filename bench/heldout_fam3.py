# long: held-out families as their author wrote them from a description (bench/HELDOUT.md); kept whole, apart from the code it measures.
"""Held-out world, families added 2026-12-07 for issue 23 (bench/HELDOUT.md, "Families added
2026-12-07 (fam3)"): remittances in the forms large and small payers actually send them —
AP-platform notices (with the invoice table, or only a link to the portal), scans and phone
photos of printed advices, and EDI / ISO 20022 files. Written from descriptions of how payers,
their AP platforms, their ERPs and the standards write, not from arbox's code.

Like heldout_fam2, everything here comes after everything else (the end of phase 2, dated after
the last mail of the families before), pays only invoices no earlier mail touched and draws from
its own random stream, so the world without it is byte for byte what it was.
"""

from __future__ import annotations

import hashlib
import html as htmlmod
import io
import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import ModuleType
from typing import Any
from xml.sax.saxutils import escape as xesc

import heldout_render as hr
import pypdfium2 as pdfium
from heldout_rules import CENT, ZERO, Line, apply, decide, decide_ocr
from PIL import Image, ImageChops, ImageFilter, ImageOps
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

LANGS = ["en", "de", "fr", "es", "nl"]
FAMILIES = ["fam3-portal-notice", "fam3-portal-link-only", "fam3-scan", "fam3-edi"]
NUM_STYLE = {"en": "en", "de": "eu", "fr": "fr", "es": "eu", "nl": "eu"}
PDF_DATE = time.strptime("2026-11-20 08:00", "%Y-%m-%d %H:%M")

# --------------------------------------------------------------------------------------------
# AP platforms: who sends the notice, from where. Layouts are written from what the platforms
# say publicly about their supplier payment notifications (a payment number, a date, a total,
# a table of the invoices paid, a portal link), in our own words.

PLATFORMS = {
    "sapbn": dict(
        name="SAP Business Network",
        addr="ordersender-prod@ansmtp.sapbn-mail.example",
        reply="no-reply@sapbn-mail.example",
        portal="https://service.sapbn-portal.example/Supplier/payments/",
        regions={"US", "GB", "IE", "DE", "FR", "ES", "NL"},
    ),
    "coupa": dict(
        name="Coupa Supplier Portal",
        addr="do_not_reply@supplier.coupahost-mail.example",
        reply="do_not_reply@supplier.coupahost-mail.example",
        portal="https://supplier.coupahost-mail.example/payments/",
        regions={"US", "GB", "IE", "DE", "FR", "ES", "NL"},
    ),
    "bill": dict(
        name="BILL",
        addr="payments@notify.bill-payments.example",
        reply="no-reply@bill-payments.example",
        portal="https://app.bill-payments.example/p/",
        regions={"US"},
    ),
    "tipalti": dict(
        name="Tipalti",
        addr="no-reply@notifications.tipalti-pay.example",
        reply="no-reply@notifications.tipalti-pay.example",
        portal="https://suppliers.tipalti-pay.example/payment/",
        regions={"US", "GB", "IE", "DE", "FR", "ES", "NL"},
    ),
    "basware": dict(
        name="Basware Network",
        addr="noreply@network.basware-mail.example",
        reply="noreply@network.basware-mail.example",
        portal="https://portal.basware-mail.example/remittance/",
        regions={"GB", "IE", "DE", "FR", "ES", "NL"},
    ),
    "paymodex": dict(
        name="Paymode-X",
        addr="notifications@paymode-x-mail.example",
        reply="donotreply@paymode-x-mail.example",
        portal="https://secure.paymode-x-mail.example/remit/",
        regions={"US"},
    ),
}

# Words of the platform notices, per language: column heads and header keys.
PW = {
    "en": dict(
        pay_no=["Payment Number", "Remittance ID", "Payment ID", "Payment Reference"],
        pay_date=["Payment Date", "Settlement Date", "Paid On"],
        method=["Payment Method", "Paid Via"],
        total=["Payment Amount", "Total Paid", "Net Amount", "Amount"],
        payer=["Payer", "Customer", "From"],
        inv=["Invoice #", "Invoice Number", "Supplier Invoice No.", "Your Invoice"],
        theirs=["Customer Doc. No.", "Payer Document", "Document ID", "Voucher"],
        idate=["Invoice Date", "Doc. Date"],
        gross=["Invoice Amount", "Gross Amount", "Original Amount"],
        disc=["Discount", "Discount Taken"],
        adj=["Adjustment", "Deduction", "Adj. Amount"],
        reason=["Reason", "Remarks", "Adj. Reason"],
        paid=["Amount Paid", "Net Paid", "Paid"],
        view="View payment details",
        footer="This e-mail was generated automatically. Replies to this address are not monitored.",
        sent="{payer} has sent you a payment through {platform}.",
        behalf="This notification is sent on behalf of {payer}.",
        link_only="A payment of {amount} to {vendor} has been released. The invoices it covers are listed in the portal.",
        signin="Sign in to see the remittance details:",
        subj=[
            "{payer} sent you a payment ({no})",
            "Payment notification from {payer}",
            "Remittance advice {no} from {payer}",
            "You've been paid {amount} by {payer}",
        ],
    ),
    "de": dict(
        pay_no=["Zahlungsnummer", "Avis-Nr.", "Zahlungs-ID", "Zahlungsreferenz"],
        pay_date=["Zahlungsdatum", "Ausführungsdatum", "Valuta"],
        method=["Zahlungsart", "Zahlweg"],
        total=["Zahlbetrag", "Gesamtbetrag", "Betrag"],
        payer=["Zahler", "Kunde", "Absender"],
        inv=["Rechnungsnr.", "Ihre Rechnungsnummer", "Lieferantenrechnung", "Rechnung"],
        theirs=["Beleg-Nr. Kunde", "Belegnummer", "Dokument-ID"],
        idate=["Rechnungsdatum", "Belegdatum"],
        gross=["Rechnungsbetrag", "Bruttobetrag"],
        disc=["Skonto", "Skontobetrag"],
        adj=["Abzug", "Kürzung", "Anpassung"],
        reason=["Grund", "Bemerkung"],
        paid=["Gezahlt", "Zahlbetrag", "Ausgezahlt"],
        view="Zahlungsdetails anzeigen",
        footer="Diese E-Mail wurde automatisch erstellt. Antworten an diese Adresse werden nicht gelesen.",
        sent="{payer} hat Ihnen über {platform} eine Zahlung gesendet.",
        behalf="Diese Benachrichtigung wird im Auftrag von {payer} versandt.",
        link_only="Eine Zahlung über {amount} an {vendor} wurde freigegeben. Die zugehörigen Rechnungen finden Sie im Portal.",
        signin="Melden Sie sich an, um das Zahlungsavis zu sehen:",
        subj=[
            "{payer} hat eine Zahlung veranlasst ({no})",
            "Zahlungsbenachrichtigung von {payer}",
            "Zahlungsavis {no} von {payer}",
        ],
    ),
    "fr": dict(
        pay_no=["Numéro de paiement", "N° d'avis", "ID paiement", "Référence du paiement"],
        pay_date=["Date de paiement", "Date d'exécution", "Date de valeur"],
        method=["Mode de paiement", "Moyen de paiement"],
        total=["Montant du paiement", "Total payé", "Montant"],
        payer=["Payeur", "Client", "Émetteur"],
        inv=["N° facture", "Votre facture", "Facture fournisseur"],
        theirs=["N° pièce client", "Réf. document", "ID document"],
        idate=["Date facture", "Date pièce"],
        gross=["Montant facture", "Montant brut"],
        disc=["Escompte", "Remise"],
        adj=["Ajustement", "Déduction", "Retenue"],
        reason=["Motif", "Commentaire"],
        paid=["Montant payé", "Net payé", "Réglé"],
        view="Voir le détail du paiement",
        footer="Ce message a été généré automatiquement, merci de ne pas y répondre.",
        sent="{payer} vous a adressé un paiement via {platform}.",
        behalf="Cette notification vous est envoyée pour le compte de {payer}.",
        link_only="Un paiement de {amount} en faveur de {vendor} a été émis. Le détail des factures est disponible sur le portail.",
        signin="Connectez-vous pour consulter l'avis de paiement :",
        subj=[
            "{payer} vous a envoyé un paiement ({no})",
            "Notification de paiement de {payer}",
            "Avis de paiement {no} - {payer}",
        ],
    ),
    "es": dict(
        pay_no=["Número de pago", "Nº de aviso", "ID de pago", "Referencia del pago"],
        pay_date=["Fecha de pago", "Fecha de ejecución", "Fecha valor"],
        method=["Forma de pago", "Medio de pago"],
        total=["Importe del pago", "Total pagado", "Importe"],
        payer=["Pagador", "Cliente", "Emisor"],
        inv=["Nº factura", "Su factura", "Factura proveedor"],
        theirs=["Nº documento cliente", "Ref. documento", "ID documento"],
        idate=["Fecha factura", "Fecha doc."],
        gross=["Importe factura", "Importe bruto"],
        disc=["Descuento", "Dto. pronto pago"],
        adj=["Ajuste", "Deducción", "Retención"],
        reason=["Motivo", "Observaciones"],
        paid=["Importe pagado", "Neto pagado", "Pagado"],
        view="Ver el detalle del pago",
        footer="Este correo se ha generado automáticamente; no responda a esta dirección.",
        sent="{payer} le ha enviado un pago a través de {platform}.",
        behalf="Esta notificación se envía en nombre de {payer}.",
        link_only="Se ha emitido un pago de {amount} a favor de {vendor}. Las facturas incluidas pueden consultarse en el portal.",
        signin="Inicie sesión para ver el aviso de pago:",
        subj=[
            "{payer} le ha enviado un pago ({no})",
            "Notificación de pago de {payer}",
            "Aviso de pago {no} de {payer}",
        ],
    ),
    "nl": dict(
        pay_no=["Betalingsnummer", "Advies-nr.", "Betaling-ID", "Betalingskenmerk"],
        pay_date=["Betaaldatum", "Uitvoeringsdatum", "Valutadatum"],
        method=["Betaalwijze", "Betaalmethode"],
        total=["Betaald bedrag", "Totaal betaald", "Bedrag"],
        payer=["Betaler", "Klant", "Afzender"],
        inv=["Factuurnr.", "Uw factuur", "Leveranciersfactuur"],
        theirs=["Documentnr. klant", "Boekstuknr.", "Document-ID"],
        idate=["Factuurdatum", "Documentdatum"],
        gross=["Factuurbedrag", "Brutobedrag"],
        disc=["Korting", "Betalingskorting"],
        adj=["Correctie", "Inhouding", "Aftrek"],
        reason=["Reden", "Opmerking"],
        paid=["Betaald", "Netto betaald", "Uitbetaald"],
        view="Betaaldetails bekijken",
        footer="Dit bericht is automatisch verzonden; antwoorden op dit adres worden niet gelezen.",
        sent="{payer} heeft u via {platform} een betaling gestuurd.",
        behalf="Deze melding wordt verzonden namens {payer}.",
        link_only="Er is een betaling van {amount} aan {vendor} vrijgegeven. De bijbehorende facturen staan in het portaal.",
        signin="Log in om de betaalspecificatie te bekijken:",
        subj=[
            "{payer} heeft u betaald ({no})",
            "Betalingsmelding van {payer}",
            "Betaaladvies {no} van {payer}",
        ],
    ),
}
PMETHOD = {
    "US": ["ACH", "ACH (CCD+)", "Virtual Card", "Check", "Wire"],
    "GB": ["BACS", "Faster Payments"],
    "IE": ["SEPA Credit Transfer"],
    "DE": ["SEPA-Überweisung", "Überweisung"],
    "FR": ["Virement SEPA", "Virement"],
    "ES": ["Transferencia SEPA", "Transferencia"],
    "NL": ["SEPA-overboeking", "Overboeking"],
}
ADJ_REASONS = {
    "en": ["Damaged goods", "Pricing variance", "Freight charge not agreed", "Short shipment", "Early pay fee"],
    "de": ["Transportschaden", "Preisabweichung", "Fracht nicht vereinbart", "Fehlmenge"],
    "fr": ["Marchandise abîmée", "Écart de prix", "Frais de port refusés", "Quantité manquante"],
    "es": ["Mercancía dañada", "Diferencia de precio", "Portes no aceptados", "Falta material"],
    "nl": ["Transportschade", "Prijsverschil", "Vrachtkosten niet akkoord", "Te weinig geleverd"],
}  # fmt: skip

# Scans: the printed advice's words.
SCAN_W = {
    "en": dict(title=["REMITTANCE ADVICE", "PAYMENT ADVICE", "Remittance Advice"],
               to="To", no="Check / payment no.", date="Payment date", inv="Invoice",
               idate="Inv. date", gross="Gross", disc="Discount", ded="Deduction", net="Net paid",
               total="TOTAL", vendor="Vendor no.", detach="DETACH AND RETAIN THIS STATEMENT",
               cover=["Please see the scanned remittance attached.", "Scan of our payment advice attached.",
                      "Attached: remittance (scanned copy)."],
               photo=["Photo of the remittance slip attached, sorry, scanner is down.",
                      "Sending a picture of the payment advice from my phone."]),
    "de": dict(title=["ZAHLUNGSAVIS", "Zahlungsavis"], to="An", no="Zahlungsnr.", date="Zahlungsdatum",
               inv="Rechnung", idate="Datum", gross="Brutto", disc="Skonto", ded="Abzug",
               net="Zahlbetrag", total="SUMME", vendor="Lieferanten-Nr.", detach="",
               cover=["anbei das eingescannte Zahlungsavis.", "im Anhang der Scan unseres Avis."],
               photo=["anbei ein Foto des Avis, unser Scanner ist defekt.", "das Avis als Handyfoto im Anhang."]),
    "fr": dict(title=["AVIS DE PAIEMENT", "Avis de règlement"], to="À", no="N° de règlement",
               date="Date de paiement", inv="Facture", idate="Date", gross="Brut", disc="Escompte",
               ded="Retenue", net="Net payé", total="TOTAL", vendor="N° fournisseur", detach="",
               cover=["ci-joint le scan de notre avis de paiement.", "veuillez trouver l'avis de règlement numérisé en pièce jointe."],
               photo=["ci-joint une photo de l'avis, le scanner ne fonctionne pas.", "photo de l'avis de paiement en pièce jointe."]),
    "es": dict(title=["AVISO DE PAGO", "Relación de facturas pagadas"], to="A", no="Nº de pago",
               date="Fecha de pago", inv="Factura", idate="Fecha", gross="Bruto", disc="Dto.",
               ded="Deducción", net="Neto pagado", total="TOTAL", vendor="Nº proveedor", detach="",
               cover=["adjuntamos el aviso de pago escaneado.", "les enviamos escaneada la relación de facturas pagadas."],
               photo=["les mando una foto del aviso de pago, el escáner no funciona.", "adjunto foto del aviso de pago."]),
    "nl": dict(title=["BETALINGSADVIES", "Betaalspecificatie"], to="Aan", no="Betalingsnr.",
               date="Betaaldatum", inv="Factuur", idate="Datum", gross="Bruto", disc="Korting",
               ded="Inhouding", net="Betaald", total="TOTAAL", vendor="Crediteurnr.", detach="",
               cover=["bijgaand het gescande betalingsadvies.", "in de bijlage de scan van onze betaalspecificatie."],
               photo=["hierbij een foto van het betalingsadvies, de scanner doet het niet.", "foto van de betaalspecificatie in de bijlage."]),
}  # fmt: skip
SCAN_SUBJ = {
    "en": ["Remittance (scan)", "Scanned remittance advice", "Payment advice - scan", "Remittance"],
    "de": ["Zahlungsavis (Scan)", "Avis", "Scan Zahlungsavis"],
    "fr": ["Avis de paiement (scan)", "Règlement - avis scanné"],
    "es": ["Aviso de pago (escaneado)", "Aviso de pago"],
    "nl": ["Betalingsadvies (scan)", "Betaalspecificatie"],
}

# EDI and ISO 20022: the cover notes around the files.
EDI_COVER = {
    "en": ["Attached is the remittance file for today's payment ({kind}).", "Remittance advice attached ({kind}), payment released.",
           "Automated remittance: see attached {kind} file."],
    "de": ["anbei die Zahlungsavis-Datei ({kind}) zum heutigen Zahllauf.", "Zahlungsavis als {kind}-Datei im Anhang."],
    "fr": ["ci-joint le fichier d'avis de paiement ({kind}).", "avis de règlement au format {kind} en pièce jointe."],
    "es": ["adjuntamos el fichero del aviso de pago ({kind}).", "aviso de pago en formato {kind} adjunto."],
    "nl": ["bijgaand het betaaladviesbestand ({kind}).", "betalingsadvies als {kind}-bestand in de bijlage."],
}  # fmt: skip
EDI_SUBJ = [
    "Remittance {ref}",
    "EDI remittance {ref}",
    "Payment advice {ref}",
    "{payer} remittance file",
    "REMADV {ref}",
]
X12_ADJ = ["01", "04", "06", "CS", "11"]  # ADX02 adjustment reason codes as payers send them
EDIFACT_AJT = ["1", "3", "9", "12"]
ISO_RSN = ["DAMG", "PRDF", "SHRT", "FRGT"]


# --------------------------------------------------------------------------------------------
# Small helpers


def amt(x: Decimal, style: str) -> str:
    return hr.fmt_num(x, style)


def r_type(x: Decimal, rng: random.Random) -> str:
    """An X12 'R' (decimal) number as real files write it: no thousands separator, trailing
    zeros often left off (1000, 12.5, 12.50)."""
    s = f"{x:.2f}"
    if rng.random() < 0.4 and s.endswith("0"):
        s = s.rstrip("0").rstrip(".")
    return s


def solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination for the 8x8 perspective system (image geometry, not money)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        piv = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[piv] = m[piv], m[col]
        for r in range(n):
            if r != col:
                f = m[r][col] / m[col][col]
                for k in range(col, n + 1):
                    m[r][k] -= f * m[col][k]
    return [m[i][n] / m[i][i] for i in range(n)]


def perspective_coeffs(
    dst: list[tuple[float, float]], src: list[tuple[float, float]]
) -> list[float]:
    """Coefficients for Image.transform(PERSPECTIVE): output point dst[i] samples src[i]."""
    a, b = [], []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        b += [u, v]
    return solve(a, b)


def noise_layer(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    return Image.frombytes("L", size, rng.randbytes(size[0] * size[1]))


def image_pdf(pages: list[Image.Image], dpi: float) -> bytes:
    buf = io.BytesIO()
    pages[0].save(
        buf,
        "PDF",
        resolution=dpi,
        save_all=True,
        append_images=pages[1:],
        creationDate=PDF_DATE,
        modDate=PDF_DATE,
        title="",
        producer="",
    )
    return buf.getvalue()


# --------------------------------------------------------------------------------------------


@dataclass
class Fam3:
    """The families of issue 23's forms, appended to a finished World (after fam2)."""

    w: Any
    hw: ModuleType
    rng: random.Random = field(init=False)
    clock: datetime = field(init=False)
    pages: int = 0  # pages (and images) a reader has to OCR

    def __post_init__(self) -> None:
        self.rng = random.Random(f"heldout-fam3-{self.w.seed}")
        last = max((m.when.replace(tzinfo=None) for m in self.w.mails), default=None)
        start = datetime(2026, 11, 20, 3, 0)
        self.clock = max(start, last or start) + timedelta(minutes=17)
        self.book = self.w.book
        owners: dict[str, int] = {}
        for c in self.w.customers:
            for a in c.contacts:
                owners[a] = owners.get(a, 0) + 1
        # a mailbox two customers share (fam2's sister companies) says nothing about which
        # one pays: keep those out, these families are about the form, not the sender
        self.shared = {c.number for c in self.w.customers if any(owners[a] > 1 for a in c.contacts)}

    # ---- time, customers, invoices

    def tick(self) -> datetime:
        self.clock += timedelta(minutes=self.rng.randint(2, 6), seconds=self.rng.randint(0, 59))
        return self.clock

    def paid_on(self) -> date:
        return self.clock.date() - timedelta(days=self.rng.choice([0, 1, 1, 2, 4]))

    def customer(self, lang: str, need: int, regions: set[str] | None = None) -> Any | None:
        on = self.clock.date() - timedelta(days=1)
        fit = [
            c
            for c in self.w.customers
            if c.number not in self.shared
            and (regions is None or c.region in regions)
            and len(self.w.payable(c, on)) >= need
        ]
        same = [c for c in fit if c.lang == lang]
        pool = same or fit
        return self.rng.choice(pool) if pool else None

    def take(self, c: Any, k: int) -> list[str]:
        on = self.clock.date() - timedelta(days=1)
        pool = self.w.payable(c, on)
        if len(pool) > k and self.rng.random() < 0.6:
            pool = sorted(self.rng.sample(pool, k), key=lambda n: (self.book.invoices[n].due, n))
        got = pool[:k]
        self.w.used.update(got)
        return got

    def ref_of(self, c: Any, n: str) -> tuple[str, list[str]]:
        habit = c.habit if self.rng.random() < 0.8 else "asis"
        ref, t = self.hw.habit_form(n, habit)
        return ref, ([t] if t == "exact" else ["payer-form", t])

    def name_variant(self, c: Any) -> tuple[str, str | None]:
        """The payer as its AP platform spells it: the ledger name or a variant of it."""
        rng, name = self.rng, c.name
        base = name.rsplit(" ", 1)[0] if " " in name else name
        kinds = ["ledger", "ledger", "upper", "no-legal-form", "legal-form-spelt", "division"]
        k = rng.choice(kinds)
        if k == "upper":
            return name.upper(), "name-upper"
        if k == "no-legal-form":
            return base, "name-no-legal-form"
        if k == "legal-form-spelt":
            spelt = {"Inc.": "Incorporated", "Inc": "Incorporated", "LLC": "L.L.C.", "Corp.": "Corporation",
                     "Co.": "Company", "Ltd": "Limited", "GmbH": "G.m.b.H.", "S.L.": "SL", "S.A.": "SA",
                     "SARL": "S.A.R.L.", "SAS": "S.A.S.", "B.V.": "BV"}  # fmt: skip
            last = name.rsplit(" ", 1)[-1]
            if last in spelt:
                return f"{base} {spelt[last]}", "name-legal-form-spelt"
            return name.replace(" ", "  ", 1) if rng.random() < 0.3 else name, None
        if k == "division":
            word = {"en": "Accounts Payable", "de": "Kreditorenbuchhaltung", "fr": "Comptabilité fournisseurs",
                    "es": "Cuentas a pagar", "nl": "Crediteurenadministratie"}[c.lang]  # fmt: skip
            return f"{name} - {word}", "name-division"
        return name, None

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
        extra: dict[str, str] | None = None,
        mtags: list[str] | None = None,
        ocr: bool = False,
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
        for ln in lines:
            ln.tags = ["fam3", family, *ln.tags]
            for t in ("unknown-sender", "total-mismatch"):
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
        when = self.tick().replace(tzinfo=hr.tz_for(c.region))
        name = f"m{len([m for m in w.mails if m.kind == 'remittance']) + 1:04d}"
        msgid = f"<{name}.{w.seed}.{rng.randint(10**9, 10**10 - 1)}@{sender.rpartition('@')[2]}>"
        raw = hr.build_eml(
            from_name=from_name if from_name is not None else rng.choice(c.people),
            from_addr=sender,
            when=when,
            msgid=msgid,
            subject=subject,
            text=text,
            html=html,
            attachments=atts,
            lang=lang,
            extra=extra,
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
            "resend_of": None,
            "lines": lines,
        }
        m = self.hw.Mail(name, 2, 0, when, "remittance", label, raw)
        w.mails.append(m)
        return m

    # ---- 1: AP-platform notices with the invoice table in the mail

    def portal_rows(
        self, c: Any, lang: str, paid_on: date, ns: list[str]
    ) -> tuple[list[dict], list[Line]]:
        rng, book = self.rng, self.book
        rows, lines = [], []
        for n in ns:
            inv, bal = book.invoices[n], book.balance[n]
            ref, tags = self.ref_of(c, n)
            disc = ded = ZERO
            reason = ""
            d = inv.discount()
            if d and bal == inv.amount and (inv.earned_on(paid_on) or rng.random() < 0.3):
                disc = d
                tags = [*tags, "discount-earned" if inv.earned_on(paid_on) else "discount-unearned"]
            elif bal > 80 and rng.random() < 0.25:
                ded = max(
                    Decimal("5.00"),
                    (bal * Decimal(rng.choice(["0.02", "0.05", "0.1", "0.15"]))).quantize(CENT),
                )
                reason = rng.choice(ADJ_REASONS[lang])
                tags = [*tags, "deduction"]
            net = bal - disc - ded
            theirs = ""
            if rng.random() < 0.55:
                theirs = rng.choice([f"51{rng.randint(10**7, 10**8 - 1)}", f"AP-{rng.randint(10**5, 10**6 - 1)}",
                                     f"{paid_on.year}-{rng.randint(10000, 99999)}"])  # fmt: skip
                tags = [*tags, "payer-doc-beside"]
            rows.append(dict(ours=ref, theirs=theirs, idate=inv.issue, gross=bal, disc=disc, ded=ded,
                             reason=reason, paid=net))  # fmt: skip
            lines.append(
                Line(ref, net, [(n, net)], bal if (disc or ded) else None, disc, ded, tags)
            )
        return rows, lines

    def portal_notice(self, lang: str, link_only: bool = False) -> Any:
        rng = self.rng
        keys = list(PLATFORMS)
        pk = keys[self.n_notice[link_only] % len(keys)]
        self.n_notice[link_only] += 1
        p = PLATFORMS[pk]
        c = self.customer(lang, 2, p["regions"])
        if c is None:
            return None
        lang = c.lang if rng.random() < 0.85 else "en"
        W = PW[lang]
        paid_on = self.paid_on()
        ns = self.take(c, rng.randint(1, 4) if link_only else rng.randint(2, 9))
        if not ns:
            return None
        payer, ntag = self.name_variant(c)
        rows, lines = self.portal_rows(c, lang, paid_on, ns)
        total = sum((ln.amount for ln in lines), ZERO)
        style = NUM_STYLE[lang] if rng.random() < 0.75 else "en"
        cur = c.currency
        pay_no = {
            "sapbn": f"PR{rng.randint(10**7, 10**8 - 1)}",
            "coupa": f"{rng.randint(10**5, 10**6 - 1)}",
            "bill": f"BP{rng.randint(10**9, 10**10 - 1)}",
            "tipalti": f"{rng.choice('ABCDEFGH')}{rng.randint(10**6, 10**7 - 1)}",
            "basware": f"RA-{paid_on:%Y%m%d}-{rng.randint(1000, 9999)}",
            "paymodex": f"{rng.randint(10**8, 10**9 - 1)}",
        }[pk]
        token = hashlib.sha1(f"{pay_no}{self.w.seed}".encode()).hexdigest()[:20]
        link = p["portal"] + token
        cur_after = rng.random() < 0.6
        money = lambda x: f"{amt(x, style)} {cur}" if cur_after else f"{cur} {amt(x, style)}"  # noqa: E731
        tot_s = money(total)
        dfmt = rng.choice([0, 1, 2]) if lang == "en" else rng.choice([0, 1])
        d_s = hr.fmt_date(paid_on, c.region, dfmt)
        method = rng.choice(PMETHOD[c.region])
        subj = rng.choice(W["subj"]).format(payer=payer, no=pay_no, amount=tot_s)
        tags = [t for t in [ntag] if t]
        if link_only:
            html, text = self.link_only_body(p, W, payer, pay_no, d_s, tot_s, method, link, lang)
            # the detail is behind the link: one claim for the whole payment, no invoice named
            claim = Line(
                None, total, [(ln.truth[0][0], ln.truth[0][1]) for ln in lines],
                tags=["no-ref", "portal-link-only"],
            )  # fmt: skip
            claim.force = (
                "the notice gives only a payment number, amount and date; the invoices are "
                "behind the portal link (never fetched): a person"
            )
            lines = [claim]
            family, layout = "fam3-portal-link-only", f"fam3-link-{pk}"
        else:
            html, text, cols = self.table_body(pk, p, W, payer, pay_no, d_s, tot_s, method, link,
                                               rows, lang, c, style, cur, money)  # fmt: skip
            if "theirs" not in cols:
                for ln in lines:
                    ln.tags = [t for t in ln.tags if t != "payer-doc-beside"]
            family, layout = "fam3-portal-notice", f"fam3-portal-{pk}"
        extra = {"Reply-To": p["reply"]}
        if rng.random() < 0.4:
            extra["Auto-Submitted"] = "auto-generated"
        if pk in ("sapbn", "coupa") and rng.random() < 0.5:
            extra["X-Auto-Response-Suppress"] = "All"
        from_name = p["name"] if rng.random() < 0.5 else f"{payer} via {p['name']}"
        return self.post(
            c, lines, (text, html, []), family=family, layout=layout, lang=lang, paid_on=paid_on,
            named=cur, stated=total, subject=subj, sender=p["addr"], from_name=from_name,
            extra=extra, mtags=[f"platform-{pk}", *tags],
        )  # fmt: skip

    def link_only_body(
        self, p, W, payer, pay_no, d_s, tot_s, method, link, lang
    ) -> tuple[str, str]:
        rng = self.rng
        kv = [(rng.choice(W["payer"]), payer), (rng.choice(W["pay_no"]), pay_no),
              (rng.choice(W["pay_date"]), d_s), (rng.choice(W["total"]), tot_s)]  # fmt: skip
        if rng.random() < 0.6:
            kv.append((rng.choice(W["method"]), method))
        rng.shuffle(kv[1:])
        intro = W["link_only"].format(amount=tot_s, vendor=hr.VENDOR)
        rows = "".join(
            f'<tr><td style="color:#666;padding:4px 12px 4px 0">{htmlmod.escape(k)}</td>'
            f'<td style="font-weight:bold">{htmlmod.escape(v)}</td></tr>'
            for k, v in kv
        )
        html = (
            '<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
            '<body style="font-family:Helvetica,Arial,sans-serif;background:#f4f5f7">'
            '<table width="600" align="center" style="background:#fff;padding:24px"><tr><td>'
            f'<div style="font-size:18px;color:#1a3d6d">{htmlmod.escape(p["name"])}</div>'
            f"<p>{htmlmod.escape(intro)}</p>"
            f"<p>{htmlmod.escape(W['behalf'].format(payer=payer))}</p>"
            f"<table>{rows}</table>"
            f"<p>{htmlmod.escape(W['signin'])}</p>"
            f'<p><a href="{htmlmod.escape(link)}" style="background:#1a73e8;color:#fff;padding:10px 18px;'
            f'text-decoration:none">{htmlmod.escape(W["view"])}</a></p>'
            f'<p style="font-size:11px;color:#888">{htmlmod.escape(W["footer"])}</p>'
            "</td></tr></table></body></html>"
        )
        text = "\n".join(
            [p["name"], "", intro, W["behalf"].format(payer=payer), ""]
            + [f"{k}: {v}" for k, v in kv]
            + ["", W["signin"], link, "", W["footer"], ""]
        )
        if rng.random() < 0.3:
            text = None  # some send HTML only
        return html, text

    def table_body(self, pk, p, W, payer, pay_no, d_s, tot_s, method, link, rows, lang, c, style,
                   cur, money) -> tuple[str, str | None, list[str]]:  # fmt: skip
        rng = self.rng
        idf = rng.choice([0, 1])
        A = lambda x: amt(x, style)  # noqa: E731
        D = lambda d: hr.fmt_date(d, c.region, idf)  # noqa: E731
        pick = lambda k: rng.choice(W[k])  # noqa: E731
        has_theirs = any(r["theirs"] for r in rows)
        has_disc = any(r["disc"] for r in rows)
        has_ded = any(r["ded"] for r in rows)
        # per platform: which columns, in which order, and how an adjustment shows
        if pk == "sapbn":
            cols = ["ours", "theirs", "idate", "gross", "disc", "ded", "reason", "paid"]
        elif pk == "coupa":
            cols = ["ours", "idate", "gross", "disc", "paid", "reason"]
        elif pk == "bill":
            cols = ["ours", "gross", "paid", "reason"]
        elif pk == "tipalti":
            cols = ["ours", "idate", "theirs", "gross", "ded", "paid"]
        elif pk == "basware":
            cols = ["theirs", "ours", "idate", "gross", "disc", "ded", "reason", "paid"]
        else:
            cols = ["ours", "idate", "theirs", "gross", "disc", "ded", "reason", "paid"]
        if not has_theirs:
            cols = [k for k in cols if k != "theirs"]
        if not has_disc and rng.random() < 0.7:
            cols = [k for k in cols if k != "disc"]
        if not has_ded and rng.random() < 0.7:
            cols = [k for k in cols if k not in ("ded", "reason")]
        head = {"ours": pick("inv"), "theirs": pick("theirs"), "idate": pick("idate"),
                "gross": pick("gross"), "disc": pick("disc"), "ded": pick("adj"),
                "reason": pick("reason"), "paid": pick("paid")}  # fmt: skip

        def cell(r: dict, k: str) -> str:
            v = r[k]
            if k == "idate":
                return D(v)
            if k in ("gross", "paid"):
                return A(v)
            if k in ("disc", "ded"):
                if not v:
                    return "" if pk in ("coupa", "bill") else A(ZERO)
                return "-" + A(v) if pk in ("sapbn", "tipalti", "paymodex") else A(v)
            if k == "reason":
                if pk in ("coupa", "bill") and r["ded"] and "ded" not in cols:
                    return f"{r['reason']} (-{A(r['ded'])})"
                if pk in ("coupa", "bill") and r["disc"] and "disc" not in cols:
                    return f"{pick('disc')} -{A(r['disc'])}"
                return v
            return v

        num = {"gross", "paid", "disc", "ded"}
        th = "".join(
            f'<th style="text-align:{"right" if k in num else "left"};border-bottom:2px solid #ccc;padding:6px">'
            f"{htmlmod.escape(head[k])}</th>"
            for k in cols
        )
        trs = "".join(
            "<tr>"
            + "".join(
                f'<td style="padding:6px;border-bottom:1px solid #eee;text-align:{"right" if k in num else "left"}">'
                f"{htmlmod.escape(cell(r, k))}</td>"
                for k in cols
            )
            + "</tr>\n"
            for r in rows
        )
        kv = [(pick("pay_no"), pay_no), (pick("pay_date"), d_s), (pick("method"), method),
              (pick("total"), tot_s)]  # fmt: skip
        if pk in ("paymodex", "basware"):
            kv.insert(0, (pick("payer"), payer))
        hdr_rows = "".join(
            f"<tr><td style='padding:2px 14px 2px 0;color:#555'>{htmlmod.escape(k)}</td>"
            f"<td>{htmlmod.escape(v)}</td></tr>"
            for k, v in kv
        )
        colour = {"sapbn": "#0a6ed1", "coupa": "#2f5fa7", "bill": "#ff5a00", "tipalti": "#2b2d42",
                  "basware": "#e2001a", "paymodex": "#00703c"}[pk]  # fmt: skip
        if pk == "bill":
            top = (
                f'<div style="font-size:28px;font-weight:bold">{htmlmod.escape(tot_s)}</div>'
                f"<p>{htmlmod.escape(W['sent'].format(payer=payer, platform=p['name']))}</p>"
            )
        else:
            top = (
                f"<p>{htmlmod.escape(W['sent'].format(payer=payer, platform=p['name']))}</p>"
                f"<p>{htmlmod.escape(W['behalf'].format(payer=payer))}</p>"
            )
        foot_total = ""
        if pk in ("sapbn", "basware", "paymodex", "tipalti"):
            foot_total = (
                f'<tr><td colspan="{len(cols) - 1}" style="padding:6px;font-weight:bold">'
                f"{htmlmod.escape(pick('total'))}</td>"
                f'<td style="padding:6px;text-align:right;font-weight:bold">{htmlmod.escape(A(sum((r["paid"] for r in rows), ZERO)))}</td></tr>'
            )
        html = (
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>'
            + htmlmod.escape(p["name"])
            + '</title></head><body style="margin:0;font-family:Arial,Helvetica,sans-serif;font-size:13px">'
            f'<div style="background:{colour};color:#fff;padding:14px 20px;font-size:16px">{htmlmod.escape(p["name"])}</div>'
            '<div style="padding:16px 20px">'
            + top
            + f"<table cellspacing='0'>{hdr_rows}</table><br>"
            + f"<table cellspacing='0' style='border-collapse:collapse;width:100%'><thead><tr>{th}</tr></thead><tbody>\n{trs}{foot_total}</tbody></table>"
            + f'<p><a href="{htmlmod.escape(link)}">{htmlmod.escape(W["view"])}</a></p>'
            + f'<p style="color:#999;font-size:11px">{htmlmod.escape(W["footer"])}</p>'
            + "</div></body></html>"
        )
        # the text alternative: crude, as these mailers make it
        form = rng.choice(
            ["rows", "kv", "none"] if pk in ("bill", "basware") else ["rows", "rows", "kv"]
        )
        if form == "none":
            text = f"{p['name']}\n\n{W['sent'].format(payer=payer, platform=p['name'])}\n{pick('total')}: {tot_s}\n\n{W['view']}: {link}\n"
        elif form == "rows":
            text = (
                f"{p['name']}\n{W['sent'].format(payer=payer, platform=p['name'])}\n\n"
                + "\n".join(f"{k}: {v}" for k, v in kv)
                + "\n\n"
                + " ".join(head[k] for k in cols)
                + "\n"
                + "\n".join(" ".join(cell(r, k) for k in cols) for r in rows)
                + f"\n\n{W['view']}: {link}\n{W['footer']}\n"
            )
        else:
            text = (
                f"{W['sent'].format(payer=payer, platform=p['name'])}\n"
                + "\n".join(f"{k}: {v}" for k, v in kv)
                + "\n\n"
                + "\n\n".join(
                    "\n".join(f"{head[k]}: {cell(r, k)}" for k in cols if cell(r, k)) for r in rows
                )
                + f"\n\n{link}\n"
            )
        return html, text, cols

    # ---- 3: scans and photos of a printed advice

    def scan_pdf(self, c: Any, lang: str, pay_no: str, paid_on: date, rows: list[dict],
                 stated: Decimal | None, style: str, cur: str) -> bytes:  # fmt: skip
        """The payer's printed advice (a typed slip, as from a small ERP's check run)."""
        rng, W = self.rng, SCAN_W[lang]
        buf = io.BytesIO()
        size = LETTER if c.region == "US" else A4
        cv = canvas.Canvas(buf, pagesize=size, invariant=1)
        wd, ht = size
        font = rng.choice(["Helvetica", "Courier", "Times-Roman"])
        bold = {
            "Helvetica": "Helvetica-Bold",
            "Courier": "Courier-Bold",
            "Times-Roman": "Times-Bold",
        }[font]
        y = ht - 20 * mm
        cv.setFont(bold, 13)
        cv.drawString(20 * mm, y, c.name)
        cv.setFont(font, 9)
        street = {"en": "Commerce Drive", "de": "Industriestraße", "fr": "rue de la Gare",
                  "es": "Calle Mayor", "nl": "Industrieweg"}[lang]  # fmt: skip
        cv.drawString(
            20 * mm,
            y - 5 * mm,
            f"{street} {rng.randint(1, 400)}"
            if lang in ("de", "nl")
            else f"{rng.randint(1, 400)} {street}",
        )
        cv.setFont(bold, 15)
        cv.drawRightString(wd - 20 * mm, y, rng.choice(W["title"]))
        y -= 18 * mm
        cv.setFont(font, 10)
        cv.drawString(20 * mm, y, f"{W['to']}: {hr.VENDOR}")
        if c.vendor_no:
            cv.drawString(20 * mm, y - 6 * mm, f"{W['vendor']}: {c.vendor_no}")
        cv.drawRightString(wd - 20 * mm, y, f"{W['no']}: {pay_no}")
        cv.drawRightString(
            wd - 20 * mm, y - 6 * mm, f"{W['date']}: {hr.fmt_date(paid_on, c.region)}"
        )
        y -= 18 * mm
        has_disc = any(r["disc"] for r in rows)
        has_ded = any(r["ded"] for r in rows)
        cols = [("inv", 20 * mm, "l"), ("idate", 62 * mm, "l"), ("gross", 120 * mm, "r")]
        if has_disc:
            cols.append(("disc", 143 * mm, "r"))
        if has_ded:
            cols.append(("ded", 166 * mm if has_disc else 143 * mm, "r"))
        cols.append(("net", wd - 20 * mm, "r"))
        cv.setFont(bold, 10)
        for k, x, al in cols:
            (cv.drawString if al == "l" else cv.drawRightString)(x, y, W[k])
        cv.setLineWidth(0.8)
        cv.line(20 * mm, y - 2 * mm, wd - 20 * mm, y - 2 * mm)
        y -= 8 * mm
        cv.setFont(font, 10)
        for r in rows:
            vals = {"inv": r["ours"], "idate": hr.fmt_date(r["idate"], c.region),
                    "gross": amt(r["gross"], style),
                    "disc": amt(r["disc"], style) if r["disc"] else "",
                    "ded": amt(r["ded"], style) if r["ded"] else "", "net": amt(r["paid"], style)}  # fmt: skip
            for k, x, al in cols:
                (cv.drawString if al == "l" else cv.drawRightString)(x, y, vals[k])
            y -= 6.5 * mm
            if y < 40 * mm:
                cv.showPage()
                cv.setFont(font, 10)
                y = ht - 25 * mm
        cv.line(20 * mm, y + 3 * mm, wd - 20 * mm, y + 3 * mm)
        if stated is not None:
            cv.setFont(bold, 11)
            cv.drawString(20 * mm, y - 3 * mm, W["total"])
            cv.drawRightString(wd - 20 * mm, y - 3 * mm, f"{cur} {amt(stated, style)}".strip())
        if W["detach"] and rng.random() < 0.6:
            cv.setFont(font, 7)
            cv.setDash(3, 2)
            cv.line(10 * mm, 30 * mm, wd - 10 * mm, 30 * mm)
            cv.drawCentredString(wd / 2, 26 * mm, W["detach"])
        cv.save()
        return buf.getvalue()

    def rasterise(self, pdf: bytes, dpi: int) -> list[Image.Image]:
        doc = pdfium.PdfDocument(pdf)
        try:
            out = []
            for i in range(len(doc)):
                page = doc[i]
                bm = page.render(scale=dpi / 72, grayscale=True)
                out.append(bm.to_pil().convert("L"))
                page.close()
            return out
        finally:
            doc.close()

    def degrade(self, img: Image.Image, kind: str, dpi: int) -> Image.Image:
        rng = self.rng
        angle = rng.choice([-1, 1]) * rng.uniform(0.3, 2.0)
        img = img.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
        if kind in ("scan", "png", "jpeg-scan"):
            grain = noise_layer(rng, img.size)
            img = Image.blend(img, grain, rng.uniform(0.04, 0.09))
            specks = grain.point(lambda v: 0 if v < 1 else 255)
            img = ImageChops.darker(img, specks)
            heavy = kind == "jpeg-scan"
            img = img.filter(
                ImageFilter.GaussianBlur(rng.uniform(0.9, 1.3) if heavy else rng.uniform(0.4, 0.8))
            )
            if kind != "png":
                b = io.BytesIO()
                img.save(b, "JPEG", quality=rng.randint(35, 45) if heavy else rng.randint(55, 80))
                img = Image.open(io.BytesIO(b.getvalue())).convert("L")
            return img
        if kind == "fax":
            # a fax: ~200 x 100 dpi, 1 bit, ragged strokes, a streak or two
            w0, h0 = img.size
            img = img.resize((w0, h0 // 2), Image.Resampling.BILINEAR)
            grain = noise_layer(rng, img.size)
            img = Image.blend(img, grain, 0.12)
            img = ImageChops.darker(img, grain.point(lambda v: 0 if v == 0 else 255))
            cut = rng.randint(150, 175)
            img = img.point(lambda v, cut=cut: 255 if v > cut else 0)
            img = img.resize((w0, h0), Image.Resampling.NEAREST)
            for _ in range(rng.randint(1, 2)):
                y = rng.randint(0, h0 - 3)
                img.paste(0, (0, y, w0, y + rng.randint(1, 2)))
            return img.convert("1", dither=Image.Dither.NONE)
        raise ValueError(kind)

    def photo(self, img: Image.Image) -> Image.Image:
        """A phone photo of the printed page: on a desk, in perspective, lit from one side."""
        rng = self.rng
        w0, h0 = img.size
        paper = ImageOps.colorize(img, black=(28, 28, 36), white=(246, 242, 232))
        pad = int(w0 * 0.12)
        W, H = w0 + 2 * pad, h0 + 2 * pad
        desk = rng.choice([(92, 70, 52), (120, 120, 118), (60, 64, 70), (150, 130, 105)])
        canvas_ = Image.new("RGB", (W, H), desk)
        canvas_.paste(paper, (pad, pad))
        # where the page's corners land in the photo
        j = lambda s: rng.uniform(-s, s)  # noqa: E731
        src = [(pad, pad), (pad + w0, pad), (pad + w0, pad + h0), (pad, pad + h0)]
        tilt = rng.uniform(0.04, 0.09)
        dst = [
            (pad + w0 * tilt + j(20), pad + j(20)),
            (pad + w0 * (1 - tilt) + j(20), pad + j(20)),
            (pad + w0 + j(30), pad + h0 + j(20)),
            (pad + j(30), pad + h0 + j(20)),
        ]
        coeffs = perspective_coeffs(dst, src)
        img = canvas_.transform((W, H), Image.Transform.PERSPECTIVE, coeffs,
                                Image.Resampling.BILINEAR, fillcolor=desk)  # fmt: skip
        # uneven light: a soft radial fall-off from a point off the page
        big = Image.radial_gradient("L").resize((2 * W, 2 * H), Image.Resampling.BILINEAR)
        dx, dy = rng.randint(W // 6, 5 * W // 6), rng.randint(H // 6, 5 * H // 6)
        light = big.crop((dx, dy, dx + W, dy + H))
        depth = rng.uniform(0.35, 0.55)
        light = light.point(lambda v, d=depth: int(255 - v * d))
        img = ImageChops.multiply(img, Image.merge("RGB", [light, light, light]))
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.2)))
        return img.resize((int(W * 0.9), int(H * 0.9)), Image.Resampling.LANCZOS)

    def scan(self, lang: str, kind: str, twist: str) -> Any:
        rng, book = self.rng, self.book
        c = self.customer(lang, 2)
        if c is None:
            return None
        lang = c.lang
        paid_on = self.paid_on()
        ns = self.take(c, rng.randint(2, 7))
        if not ns:
            return None
        style = NUM_STYLE[lang]
        rows, lines = [], []
        for i, n in enumerate(ns):
            inv, bal = book.invoices[n], book.balance[n]
            ref, tags = self.ref_of(c, n)
            disc = ded = ZERO
            if i == 0 and twist == "cut":  # the payer cut our prefix off: a near form
                ref = self.hw.cut_form(rng, n)
                tags = ["cut-prefix"]
            d = inv.discount()
            if d and bal == inv.amount and inv.earned_on(paid_on) and rng.random() < 0.7:
                disc = d
                tags = [*tags, "discount-earned"]
            elif i == len(ns) - 1 and twist == "deduction" and bal > 60:
                ded = max(Decimal("7.50"), (bal * Decimal("0.06")).quantize(CENT))
                tags = [*tags, "deduction"]
            net = bal - disc - ded
            rows.append(dict(ours=ref, idate=inv.issue, gross=bal, disc=disc, ded=ded, paid=net))
            lines.append(
                Line(ref, net, [(n, net)], bal if (disc or ded) else None, disc, ded, tags)
            )
        total = sum((ln.amount for ln in lines), ZERO)
        stated = None if twist == "no-total" else total
        pay_no = rng.choice([f"{rng.randint(1000, 99999):06d}", f"CHK{rng.randint(10000, 99999)}",
                             f"{paid_on:%y%m%d}-{rng.randint(10, 99)}"])  # fmt: skip
        cur = c.currency if stated is not None and rng.random() < 0.7 else ""
        pdf = self.scan_pdf(c, lang, pay_no, paid_on, rows, stated, style, cur)
        W = SCAN_W[lang]
        if kind == "photo":
            dpi = 200
            pages = [self.photo(self.rasterise(pdf, dpi)[0])]
            b = io.BytesIO()
            pages[0].save(b, "JPEG", quality=rng.randint(72, 88))
            atts = [(rng.choice([f"IMG_{rng.randint(1000, 9999):04d}.jpg", "photo.jpg", "20261119_093512.jpg"]),
                     "image/jpeg", b.getvalue())]  # fmt: skip
            cover = rng.choice(W["photo"])
        elif kind == "png":
            dpi = rng.choice([200, 240])
            pages = [self.degrade(p, "png", dpi) for p in self.rasterise(pdf, dpi)]
            atts = []
            for i, p in enumerate(pages):
                b = io.BytesIO()
                p.save(b, "PNG")
                atts.append(
                    (
                        f"scan{'_' + str(i + 1) if len(pages) > 1 else ''}.png",
                        "image/png",
                        b.getvalue(),
                    )
                )
            cover = rng.choice(W["cover"])
        else:
            dpi = 200 if kind == "fax" else rng.choice([200, 250, 300])
            pages = [self.degrade(p, kind, dpi) for p in self.rasterise(pdf, dpi)]
            name = rng.choice(["scan.pdf", f"SCAN_{paid_on:%Y%m%d}_{rng.randint(100, 999)}.pdf",
                               "remittance_scan.pdf", "doc00412.pdf", "fax.pdf" if kind == "fax" else "Scan001.pdf"])  # fmt: skip
            atts = [(name, "application/pdf", image_pdf(pages, float(dpi)))]
            cover = rng.choice(W["cover"])
        self.pages += len(pages)
        person = rng.choice(c.people)
        text = f"{rng.choice(hr.GREET[lang])}\n\n{cover[0].upper() + cover[1:]}\n\n{rng.choice(hr.SIGN[lang])}\n{person}\n{c.name}\n"
        subject = rng.choice(SCAN_SUBJ[lang])
        if rng.random() < 0.4:
            subject += f" {pay_no}"
        tags = [f"scan-{kind}"] + ([f"scan-{twist}"] if twist != "plain" else [])
        return self.post(
            c, lines, (text, None, atts), family="fam3-scan", layout=f"fam3-scan-{kind}", lang=lang,
            paid_on=paid_on, named=cur or None, stated=stated,
            subject=subject, from_name=person, mtags=tags, ocr=True,
        )  # fmt: skip

    # ---- 4: EDI (X12 820, EDIFACT REMADV) and ISO 20022 (remt.001, camt.054)

    def edi_lines(
        self, c: Any, paid_on: date, ns: list[str], *, near: bool
    ) -> list[tuple[dict, Line]]:
        rng, book = self.rng, self.book
        out = []
        near_at = rng.randrange(len(ns)) if near else -1
        for i, n in enumerate(ns):
            inv, bal = book.invoices[n], book.balance[n]
            ref, tags = n, ["exact"]  # an ERP writes the number as it was keyed in
            if rng.random() < 0.2:
                ref, tags = self.ref_of(c, n)
            if i == near_at:
                if rng.random() < 0.5:
                    ref, tags = self.hw.cut_form(rng, n), ["cut-prefix"]
                else:
                    kind = rng.choice(["swap", "drop", "change"])
                    ref, tags = self.hw.typo_form(rng, n, kind), ["typo", kind]
            disc = ded = ZERO
            code = ""
            d = inv.discount()
            if (
                d
                and bal == inv.amount
                and (inv.earned_on(paid_on) or rng.random() < 0.2)
                and i != near_at
            ):
                disc = d
                tags = [*tags, "discount-earned" if inv.earned_on(paid_on) else "discount-unearned"]
            elif bal > 80 and rng.random() < 0.3 and i != near_at:
                share = Decimal(rng.choice(["0.03", "0.05", "0.1", "0.2"]))
                if rng.random() < 0.06:
                    share = Decimal("0.55")
                ded = max(Decimal("6.00"), (bal * share).quantize(CENT))
                tags = [*tags, "deduction", "adjustment-code"]
                if ded * 2 > inv.amount:
                    tags.append("deduction-over-half")
            net = bal - disc - ded
            row = dict(
                ref=ref, n=n, idate=inv.issue, gross=bal, disc=disc, ded=ded, net=net, code=code
            )
            out.append(
                (row, Line(ref, net, [(n, net)], bal if (disc or ded) else None, disc, ded, tags))
            )
        return out

    def x12_820(
        self, c: Any, paid_on: date, rows: list[dict], stated: Decimal, pay_ref: str
    ) -> tuple[str, bytes]:
        rng = self.rng
        el, seg, comp = rng.choice(
            [("*", "~", ">"), ("*", "~", ":"), ("|", "~", "^"), ("*", "\n", ">")]
        )
        nl = "\n" if seg != "\n" and rng.random() < 0.6 else ""
        ver5 = rng.random() < 0.4
        ctrl = rng.randint(10**8, 10**9 - 1)
        gctrl = rng.randint(1, 99999)
        sid = (c.vendor_no or c.number).upper()[:15]
        isa = el.join([
            "ISA", "00", " " * 10, "00", " " * 10, "ZZ", f"{c.number}{c.domain[:6].upper()}"[:15].ljust(15),
            "ZZ", "ARBOXEXAMPLE".ljust(15), f"{paid_on:%y%m%d}", f"{rng.randint(6, 18):02d}{rng.randint(0, 59):02d}",
            next(ch for ch in "^{!" if ch not in (el, seg, comp)) if ver5 else "U", "00501" if ver5 else "00401",
            f"{ctrl:09d}", "0", "P", comp,
        ])  # fmt: skip
        assert len(isa) == 105, len(isa)
        segs = [isa]
        body: list[list[str]] = []
        pm = rng.choice(["ACH", "CHK", "FWT"])
        body.append(["ST", "820", "0001"] + (["005010X218"] if ver5 and rng.random() < 0.5 else []))
        body.append(["BPR", "C", r_type(stated, rng), "C", pm, "CTX" if pm == "ACH" else "", "01",
                     f"{rng.randint(10**8, 10**9 - 1)}", "DA", f"{rng.randint(10**7, 10**10)}",
                     f"1{rng.randint(10**8, 10**9 - 1)}", "", "01", f"{rng.randint(10**8, 10**9 - 1)}", "DA",
                     f"{rng.randint(10**7, 10**10)}", f"{paid_on:%Y%m%d}"])  # fmt: skip
        body.append(["TRN", "1", pay_ref, f"1{rng.randint(10**8, 10**9 - 1)}"])
        if c.currency != "USD" or rng.random() < 0.3:
            body.append(["CUR", "PR", c.currency])
        body.append(["REF", "VV", sid])
        body.append(["DTM", "097", f"{paid_on:%Y%m%d}"])
        body.append(["N1", "PR", c.name.upper()[:60]])
        body.append(["N1", "PE", hr.VENDOR.upper(), "92", c.vendor_no or c.number])
        body.append(["ENT", "1"])
        for r in rows:
            body.append(["RMR", "IV", r["ref"], "PI" if not r["ded"] else "PP", r_type(r["net"], rng),
                         r_type(r["gross"], rng)] + ([r_type(r["disc"], rng)] if r["disc"] else []))  # fmt: skip
            if rng.random() < 0.3:
                body.append(["REF", "PO", f"PO{rng.randint(10**5, 10**6 - 1)}"])
            body.append(["DTM", "003", f"{r['idate']:%Y%m%d}"])
            if r["ded"]:
                body.append(["ADX", "-" + r_type(r["ded"], rng), r["code"] or rng.choice(X12_ADJ)])
        body.append(["SE", str(len(body) + 1), "0001"])
        gs = ["GS", "RA", sid, "ARBOXEXAMPLE", f"{paid_on:%Y%m%d}", f"{rng.randint(6, 18):02d}{rng.randint(0, 59):02d}",
              str(gctrl), "X", "005010X218" if ver5 else "004010"]  # fmt: skip
        segs += [el.join(gs)] + [el.join(s) for s in body]
        segs += [el.join(["GE", "1", str(gctrl)]), el.join(["IEA", "1", f"{ctrl:09d}"])]
        text = (seg + nl).join(segs) + seg + nl
        name = rng.choice(
            [
                f"820_{pay_ref}.edi",
                f"{pay_ref}.x12",
                f"remit_{paid_on:%Y%m%d}.820",
                f"RA{pay_ref}.txt",
            ]
        )
        return name, text.encode("ascii", "replace")

    def remadv(
        self, c: Any, paid_on: date, rows: list[dict], stated: Decimal, pay_ref: str
    ) -> tuple[str, bytes]:
        rng = self.rng
        dec = "," if c.currency == "EUR" and rng.random() < 0.5 else "."
        una = f"UNA:+{dec}? '"
        rel = lambda s: "".join("?" + ch if ch in "+:'?" else ch for ch in s)  # noqa: E731
        num = lambda x: f"{x:.2f}".replace(".", dec)  # noqa: E731
        nl = "\n" if rng.random() < 0.6 else ""
        ref = f"{rng.randint(10**5, 10**6 - 1)}"
        gln = f"40{rng.randint(10**10, 10**11 - 1)}"
        segs = [
            f"UNB+UNOC:3+{gln}:14+4012345000009:14+{paid_on:%y%m%d}:{rng.randint(6, 18):02d}{rng.randint(0, 59):02d}+{ref}",
            "UNH+1+REMADV:D:96A:UN",
            f"BGM+481+{rel(pay_ref)}+9",
            f"DTM+137:{paid_on:%Y%m%d}:102",
            f"RFF+PQ:{rel(pay_ref)}",
            f"NAD+PR+{gln}::9++{rel(c.name[:35])}",
            f"NAD+PE+++{rel(hr.VENDOR)}",
            f"CUX+2:{c.currency}:11",
            f"PAI+::{rng.choice(['31', '42', '58'])}",
            f"MOA+9:{num(stated)}",
        ]
        for r in rows:
            segs.append(f"DOC+380+{rel(r['ref'])}")
            segs.append(f"MOA+12:{num(r['net'])}")
            segs.append(f"MOA+39:{num(r['gross'])}")
            if r["disc"]:
                segs.append(f"MOA+52:{num(r['disc'])}")
            segs.append(f"DTM+137:{r['idate']:%Y%m%d}:102")
            if r["ded"]:
                segs.append(f"AJT+{rng.choice(EDIFACT_AJT)}")
                segs.append(f"MOA+165:{num(-r['ded'])}")
                if rng.random() < 0.5:
                    segs.append(f"FTX+AAO+++{rel(rng.choice(ADJ_REASONS[c.lang]))}")
        segs.append("UNS+S")
        n_msg = len(segs)  # UNH .. UNS
        segs.append(f"UNT+{n_msg}+1")
        segs.append(f"UNZ+1+{ref}")
        text = una + nl + ("'" + nl).join(segs) + "'" + nl
        name = rng.choice(
            [f"REMADV_{pay_ref}.edi", f"remadv{paid_on:%Y%m%d}.edi", f"{pay_ref}.edifact"]
        )
        return name, text.encode("latin-1", "replace")

    def iso(
        self, c: Any, paid_on: date, rows: list[dict], stated: Decimal, pay_ref: str, kind: str
    ) -> tuple[str, bytes]:
        rng = self.rng
        cur = c.currency
        A = lambda x: f"{x:.2f}"  # noqa: E731
        strd = []
        for r in rows:
            parts = [
                "<Strd><RfrdDocInf><Tp><CdOrPrtry><Cd>CINV</Cd></CdOrPrtry></Tp>"
                f"<Nb>{xesc(r['ref'])}</Nb><RltdDt>{r['idate'].isoformat()}</RltdDt></RfrdDocInf>",
                f'<RfrdDocAmt><DuePyblAmt Ccy="{cur}">{A(r["gross"])}</DuePyblAmt>',
            ]
            if r["disc"]:
                parts.append(f'<DscntApldAmt><Amt Ccy="{cur}">{A(r["disc"])}</Amt></DscntApldAmt>')
            if r["ded"]:
                reason = rng.choice(ADJ_REASONS[c.lang])
                parts.append(
                    f'<AdjstmntAmtAndRsn><Amt Ccy="{cur}">{A(r["ded"])}</Amt><CdtDbtInd>DBIT</CdtDbtInd>'
                    f"<Rsn>{rng.choice(ISO_RSN)}</Rsn><AddtlInf>{xesc(reason)}</AddtlInf></AdjstmntAmtAndRsn>"
                )
            parts.append(f'<RmtdAmt Ccy="{cur}">{A(r["net"])}</RmtdAmt></RfrdDocAmt></Strd>')
            strd.append("".join(parts))
        msg_id = f"{pay_ref}-{rng.randint(100, 999)}"
        created = f"{paid_on.isoformat()}T{rng.randint(6, 18):02d}:{rng.randint(0, 59):02d}:00"
        if kind == "remt":
            ns = "urn:iso:std:iso:20022:tech:xsd:remt.001.001.04"
            xml = (
                f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{ns}"><RmtAdvc>'
                f"<GrpHdr><MsgId>{msg_id}</MsgId><CreDtTm>{created}</CreDtTm><InitgPty><Nm>{xesc(c.name)}</Nm></InitgPty></GrpHdr>"
                f"<RmtInf><RmtId>{xesc(pay_ref)}</RmtId>" + "".join(strd) +
                f"<OrgnlPmtInf><Refs><EndToEndId>{xesc(pay_ref)}</EndToEndId></Refs>"
                f'<Amt><InstdAmt Ccy="{cur}">{A(stated)}</InstdAmt></Amt>'
                f"<ReqdExctnDt><Dt>{paid_on.isoformat()}</Dt></ReqdExctnDt>"
                f"<Dbtr><Nm>{xesc(c.name)}</Nm></Dbtr><Cdtr><Nm>{xesc(hr.VENDOR)}</Nm></Cdtr>"
                "</OrgnlPmtInf></RmtInf></RmtAdvc></Document>\n"
            )  # fmt: skip
            name = rng.choice(
                [f"remt001_{pay_ref}.xml", "RemittanceAdvice.xml", f"REMT_{paid_on:%Y%m%d}.xml"]
            )
        else:
            ns = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"
            iban = f"{c.region if c.region != 'US' else 'DE'}{rng.randint(10, 99)}{rng.randint(10**17, 10**18 - 1)}"
            xml = (
                f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{ns}"><BkToCstmrDbtCdtNtfctn>'
                f"<GrpHdr><MsgId>{msg_id}</MsgId><CreDtTm>{created}</CreDtTm></GrpHdr>"
                f"<Ntfctn><Id>N{rng.randint(10**6, 10**7 - 1)}</Id><CreDtTm>{created}</CreDtTm>"
                f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>{cur}</Ccy></Acct>"
                f'<Ntry><Amt Ccy="{cur}">{A(stated)}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>'
                f"<BookgDt><Dt>{paid_on.isoformat()}</Dt></BookgDt><ValDt><Dt>{paid_on.isoformat()}</Dt></ValDt>"
                "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>"
                f"<NtryDtls><TxDtls><Refs><EndToEndId>{xesc(pay_ref)}</EndToEndId></Refs>"
                f'<Amt Ccy="{cur}">{A(stated)}</Amt><CdtDbtInd>DBIT</CdtDbtInd>'
                f"<RltdPties><Dbtr><Pty><Nm>{xesc(c.name)}</Nm></Pty></Dbtr><Cdtr><Pty><Nm>{xesc(hr.VENDOR)}</Nm></Pty></Cdtr></RltdPties>"
                "<RmtInf>" + "".join(strd) + "</RmtInf></TxDtls></NtryDtls></Ntry></Ntfctn>"
                "</BkToCstmrDbtCdtNtfctn></Document>\n"
            )  # fmt: skip
            name = rng.choice(
                [f"camt054_{pay_ref}.xml", f"debit_notification_{paid_on:%Y%m%d}.xml"]
            )
        if rng.random() < 0.5:  # some writers indent
            xml = xml.replace("><", ">\n<")
        return name, xml.encode("utf-8")

    def edi(self, lang: str, kind: str, *, near: bool, wrong_total: bool) -> Any:
        rng = self.rng
        regions = {"US"} if kind == "x12" and rng.random() < 0.7 else None
        c = self.customer(lang, 2, regions)
        if c is None:
            return None
        lang = c.lang
        paid_on = self.paid_on()
        ns = self.take(c, rng.randint(2, 8))
        if not ns:
            return None
        pairs = self.edi_lines(c, paid_on, ns, near=near)
        rows = [r for r, _ in pairs]
        lines = [ln for _, ln in pairs]
        total = sum((ln.amount for ln in lines), ZERO)
        stated = total
        if wrong_total:
            stated = total + Decimal(rng.choice(["-10.00", "100.00", "0.90", "-1000.00"]))
            if stated <= 0:
                stated = total + Decimal("100.00")
        pay_ref = rng.choice([f"{rng.randint(10**6, 10**7 - 1)}", f"PMT{rng.randint(10**5, 10**6 - 1)}",
                              f"{paid_on:%Y%m%d}{rng.randint(10, 99)}"])  # fmt: skip
        if kind == "x12":
            fname, data = self.x12_820(c, paid_on, rows, stated, pay_ref)
            mime = rng.choice(
                [
                    "application/EDI-X12",
                    "application/edi-x12",
                    "text/plain",
                    "application/octet-stream",
                ]
            )
            label = "EDI 820"
        elif kind == "edifact":
            fname, data = self.remadv(c, paid_on, rows, stated, pay_ref)
            mime = rng.choice(
                ["application/EDIFACT", "application/edifact", "application/octet-stream"]
            )
            label = "EDIFACT REMADV"
        else:
            fname, data = self.iso(c, paid_on, rows, stated, pay_ref, kind)
            mime = rng.choice(["application/xml", "text/xml"])
            label = "remt.001" if kind == "remt" else "camt.054"
        person = rng.choice(c.people)
        cover = rng.choice(EDI_COVER[lang]).format(kind=label)
        text = f"{rng.choice(hr.GREET[lang])}\n\n{cover[0].upper() + cover[1:]}\n\n{rng.choice(hr.SIGN[lang])}\n{person}\n{c.name}\n"
        if rng.random() < 0.25:  # an automated sender: the file and one line
            text = f"{label} {pay_ref}\n"
        subject = rng.choice(EDI_SUBJ).format(ref=pay_ref, payer=c.name)
        tags = [f"edi-{kind}"]
        if wrong_total:
            tags.append("wrong-total")
        return self.post(
            c, lines, (text, None, [(fname, mime, data)]), family="fam3-edi", layout=f"fam3-edi-{kind}",
            lang=lang, paid_on=paid_on, named=c.currency, stated=stated, subject=subject,
            from_name=person, mtags=tags,
        )  # fmt: skip

    # ---- the whole addition

    def run(self, n_mails: int) -> dict[str, int]:
        rng = self.rng
        k = max(2, round(n_mails / 35))
        self.n_notice = {False: 0, True: 3}
        jobs: list[tuple] = []
        jobs += [("notice", LANGS[i % 5]) for i in range(k)]
        jobs += [("link", LANGS[(i + 2) % 5]) for i in range(max(2, k * 3 // 4))]
        scan_kinds = ["scan", "fax", "png", "photo", "jpeg-scan"]
        twists = [
            "plain",
            "cut",
            "plain",
            "deduction",
            "plain",
            "no-total",
            "plain",
            "cut",
            "deduction",
        ]
        jobs += [("scan", LANGS[(i + 1) % 5], scan_kinds[i % 5], twists[i % len(twists)])
                 for i in range(min(k, 12))]  # fmt: skip
        edi_kinds = ["x12", "edifact", "remt", "camt", "x12", "edifact", "camt", "remt"]
        n_edi = k
        for i in range(n_edi):
            jobs.append(("edi", LANGS[(i + 3) % 5], edi_kinds[i % len(edi_kinds)],
                         i % 3 == 1, i == n_edi // 2))  # fmt: skip
        rng.shuffle(jobs)
        for job in jobs:
            if job[0] == "notice":
                self.portal_notice(job[1])
            elif job[0] == "link":
                self.portal_notice(job[1], link_only=True)
            elif job[0] == "scan":
                self.scan(job[1], job[2], job[3])
            else:
                self.edi(job[1], job[2], near=job[3], wrong_total=job[4])
        return {"k": k, "ocr_pages": self.pages}


def add_families(world: Any, hw: ModuleType) -> dict[str, int]:
    """Append the issue-23 families (fam3) to a finished world, after fam2; returns their sizes."""
    before = (len(world.mails), len(world.customers))
    info = Fam3(world, hw).run(world.n_mails)
    new = world.mails[before[0] :]
    info["mails"] = sum(1 for m in new if m.kind == "remittance")
    info["queries"] = sum(1 for m in new if m.kind == "query")
    info["customers"] = len(world.customers) - before[1]
    return info
