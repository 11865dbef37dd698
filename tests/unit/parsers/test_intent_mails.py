"""parsers.classify and parsers.intent on whole mails written by others: greetings,
signatures, quoted reminders below the reply, in English, German, French, Spanish and Dutch.

Each language has at least ten mails, written after the rules to find what they miss: a
promise phrased as a payment run that includes the invoice, a promise that lists invoices
without amounts (no remittance), a need stated without a question mark, a balance asked
indirectly, a statement request that mentions credit notes (no dispute), and mails that ask
nothing. A mail's expected promise date is read against its Date header (Tuesday 3 November
2026).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from email.message import EmailMessage

import pytest

from core.types import MailKind
from parsers.classify import classify_email
from parsers.mime import parse_email
from parsers.remittance import extract_remittance

R, RQ = MailKind.REMITTANCE, MailKind.REMITTANCE_QUESTION
IC, ST, BA = MailKind.INVOICE_COPY_REQUEST, MailKind.STATEMENT_REQUEST, MailKind.BALANCE_INQUIRY
DI, PP, OT = MailKind.DISPUTE, MailKind.PROMISE_TO_PAY, MailKind.OTHER
#: The mails are written on Tuesday 3 November 2026.
MAIL_DATE = "Tue, 03 Nov 2026 10:00:00 +0100"

_EN_REMINDER = (
    "\n\nOn Mon, 2 Nov 2026 at 08:00, Accounts Receivable <ar@arbox.example> wrote:\n"
    "> Dear customer,\n> according to our records the following invoices are overdue:\n"
    "> 90041958  1,250.00 EUR  due 2026-10-15\n> 90042403    480.00 EUR  due 2026-10-20\n"
    "> Please pay the open amount or send us your statement of account.\n"
)
_DE_REMINDER = (
    "\n\nAm 02.11.2026 um 08:00 schrieb Buchhaltung <ar@arbox.example>:\n"
    "> Sehr geehrte Damen und Herren,\n> folgende Rechnungen sind überfällig:\n"
    "> 90041958  1.250,00 EUR  fällig 15.10.2026\n> Bitte überweisen Sie den offenen Betrag.\n"
)
_FR_REMINDER = (
    "\n\nLe lun. 2 nov. 2026 à 08:00, Comptabilité <ar@arbox.example> a écrit :\n"
    "> Madame, Monsieur,\n> sauf erreur de notre part, les factures suivantes restent impayées :\n"
    "> 90041958  1 250,00 EUR\n> Merci de procéder au règlement.\n"
)
_ES_REMINDER = (
    "\n\nEl lun, 2 nov 2026 a las 8:00, Contabilidad <ar@arbox.example> escribió:\n"
    "> Estimados señores:\n> les recordamos que las siguientes facturas están vencidas:\n"
    "> 90041958  1.250,00 EUR\n> Les rogamos procedan al pago.\n"
)
_NL_REMINDER = (
    "\n\nOp ma 2 nov. 2026 om 08:00 schreef Debiteuren <ar@arbox.example>:\n"
    "> Geachte heer, mevrouw,\n> volgens onze administratie staan de volgende facturen open:\n"
    "> 90041958  1.250,00 EUR\n> Wij verzoeken u het openstaande bedrag te voldoen.\n"
)

#: (language, kind, subject, body, promise date or None).
# fmt: off
MAILS: list[tuple[str, MailKind, str, str, date | None]] = [
    # --- English
    ("en", PP, "Re: Overdue invoices",
     "Hi,\n\nThanks for the reminder. Both invoices 90041958 and 90042403 are included in our "
     "next payment run on 10 November.\n\nBest regards,\nJohn Miller\nAccounts Payable\n"
     "Acme Ltd" + _EN_REMINDER, date(2026, 11, 10)),
    ("en", PP, "Re: Payment reminder",
     "Hello,\n\ninvoice 90041958 has been approved and is scheduled for payment on "
     "13/11/2026.\n\nKind regards\nSara" + _EN_REMINDER, date(2026, 11, 13)),
    ("en", PP, "RE: Invoice 90042403",
     "Good morning,\n\nJust to let you know, 90042403 will go out with our Friday check run."
     "\n\nThanks,\nMike\n--\nMike Jones | AP Specialist", date(2026, 11, 6)),
    ("en", PP, "Re: Statement",
     "Hi team,\n\nwe are planning to settle the outstanding invoices 90041958 and 90042403 "
     "by the end of the month.\n\nCheers,\nAnna" + _EN_REMINDER, date(2026, 11, 30)),
    ("en", IC, "Invoice 90041958",
     "Dear AR team,\n\nWe need a copy of invoice 90041958 for our auditors. It is not in our "
     "system.\n\nMany thanks,\nPeter Brown\nFinance", None),
    ("en", IC, "Missing invoice",
     "Hi,\n\ninvoice 90042403 is nowhere to be found on our side. Would you mind re-sending "
     "it to ap@customer.example.\n\nThanks\nLisa", None),
    ("en", BA, "Our account",
     "Hello,\n\nBefore we close the quarter I'd like to know what we still owe you.\n\n"
     "Regards,\nTom", None),
    ("en", BA, "Question",
     "Hi there,\n\ncould you let me know if anything is still outstanding on our account?\n\n"
     "Thanks,\nKaren Smith\nAcme Ltd | +44 20 7946 0000", None),
    ("en", ST, "Statement request",
     "Dear Sir or Madam,\n\nFor our year-end audit we require a statement of account showing "
     "all open invoices and credit notes as of 31 October.\n\nKind regards,\nJames", None),
    ("en", DI, "Invoice 90041958",
     "Hi,\n\nwe have received invoice 90041958 but the price per unit is 12.40 instead of the "
     "agreed 11.90. Please send us a credit note for the difference.\n\nBest,\nNina", None),
    ("en", R, "Payment advice",
     "Hello,\n\nwe have paid the following invoices today by bank transfer:\n"
     "90041958  1,250.00\n90042403  480.00\nTotal 1,730.00\n\nRegards,\nAP team", None),
    ("en", OT, "Re: Overdue invoices",
     "Thanks, I have forwarded your reminder to our AP department.\n\nBest,\nJohn"
     + _EN_REMINDER, None),
    # --- German
    ("de", PP, "AW: Zahlungserinnerung",
     "Sehr geehrte Damen und Herren,\n\ndie Rechnung 90041958 ist in unserem nächsten "
     "Zahllauf am 10.11.2026 enthalten.\n\nMit freundlichen Grüßen\nKarin Weber\n"
     "Kreditorenbuchhaltung" + _DE_REMINDER, date(2026, 11, 10)),
    ("de", PP, "AW: Mahnung 90041958",
     "Guten Tag Frau Schulz,\n\ndie Zahlung der Rechnungen 90041958 und 90042403 ist für den "
     "16.11.2026 eingeplant.\n\nViele Grüße\nThomas Becker" + _DE_REMINDER, date(2026, 11, 16)),
    ("de", PP, "Offene Rechnungen",
     "Hallo,\n\ndie beiden Rechnungen 90041958 und 90042403 werden wir bis zum 16.11.2026 "
     "überweisen.\n\nGruß\nM. Fischer", date(2026, 11, 16)),
    ("de", PP, "AW: Rechnung 90042403",
     "Hallo Herr Meier,\n\ndie Rechnung ist zur Zahlung freigegeben und geht mit dem "
     "Zahlungslauf in KW 46 raus.\n\nBeste Grüße\nJulia Wolf" + _DE_REMINDER, date(2026, 11, 13)),
    ("de", ST, "Kontoauszug",
     "Sehr geehrte Damen und Herren,\n\nzum Jahresabschluss benötigen wir einen Kontoauszug "
     "mit allen offenen Rechnungen und Gutschriften.\n\nMit freundlichen Grüßen\n"
     "Sabine Koch\nBuchhaltung", None),
    ("de", IC, "Rechnung 90041958",
     "Guten Tag,\n\ndie Rechnung 90041958 ist bei uns nicht auffindbar – bitte nochmals "
     "zusenden.\n\nDanke und Gruß\nPeter Lang", None),
    ("de", IC, "Rechnungskopie",
     "Hallo,\n\nfür unsere Betriebsprüfung brauchen wir ein Duplikat der Rechnungen "
     "90041958 und 90042403.\n\nBeste Grüße\nAnja", None),
    ("de", BA, "Offener Betrag",
     "Sehr geehrte Damen und Herren,\n\nkönnen Sie uns mitteilen, welcher Betrag derzeit "
     "noch offen ist?\n\nMit freundlichen Grüßen\nKlaus Richter", None),
    ("de", BA, "Saldo",
     "Hallo,\n\nich hätte gern gewusst, was bei Ihnen für uns noch offen steht.\n\n"
     "Gruß\nRalf", None),
    ("de", DI, "Reklamation 90042403",
     "Sehr geehrte Damen und Herren,\n\nauf der Rechnung 90042403 sind 50 Stück berechnet, "
     "geliefert wurden aber nur 40 Stück. Bitte schicken Sie uns eine Gutschrift über die "
     "Differenz.\n\nMit freundlichen Grüßen\nH. Braun", None),
    ("de", R, "Zahlungsavis",
     "Sehr geehrte Damen und Herren,\n\nwir haben heute folgende Rechnungen überwiesen:\n"
     "90041958  1.250,00 EUR\n90042403  480,00 EUR\n\nMit freundlichen Grüßen\nBuchhaltung",
     None),
    ("de", OT, "AW: Zahlungserinnerung",
     "Vielen Dank für die Gutschrift, wir haben sie gebucht.\n\nGruß\nKarin" + _DE_REMINDER,
     None),
    # --- French
    ("fr", PP, "RE: Relance factures",
     "Bonjour,\n\nLe paiement des factures 90040958 et 90042403 est prévu au plus tard le "
     "08/11/2026.\n\nCordialement,\nMarie Dupont\nService comptabilité" + _FR_REMINDER,
     date(2026, 11, 8)),
    ("fr", PP, "Paiement",
     "Bonjour Madame,\n\nnotre prochaine campagne de paiement aura lieu le 12 novembre ; la "
     "facture 90041958 en fait partie.\n\nBien à vous,\nJean Martin", date(2026, 11, 12)),
    ("fr", PP, "RE: Facture 90042403",
     "Bonjour,\n\nla facture 90042403 sera mise en paiement d'ici la fin du mois.\n\n"
     "Cordialement\nLuc Bernard" + _FR_REMINDER, date(2026, 11, 30)),
    ("fr", PP, "Règlement",
     "Madame, Monsieur,\n\nnous prévoyons de régler la facture 90041958 vendredi prochain.\n\n"
     "Salutations distinguées,\nC. Petit", date(2026, 11, 6)),
    ("fr", IC, "Facture introuvable",
     "Bonjour,\n\nJe ne retrouve pas la facture n° 90041958 dans nos dossiers, pouvez-vous "
     "me la renvoyer ?\n\nMerci d'avance,\nSophie Leroy", None),
    ("fr", IC, "Duplicata",
     "Bonjour,\n\nil nous faut un duplicata des factures 90041958 et 90042403 pour notre "
     "commissaire aux comptes.\n\nCordialement,\nPaul", None),
    ("fr", BA, "Solde",
     "Bonjour,\n\nQuel est le montant restant dû sur notre compte à ce jour ?\n\n"
     "Cordialement,\nIsabelle Moreau", None),
    ("fr", BA, "Compte client",
     "Bonjour,\n\npourriez-vous m'indiquer ce qu'il nous reste à payer ?\n\nMerci,\nHugo", None),
    ("fr", ST, "Relevé",
     "Bonjour,\n\nnous avons besoin d'un relevé de compte avec toutes les factures et avoirs "
     "en cours pour notre clôture.\n\nBonne journée,\nCamille", None),
    ("fr", DI, "Litige facture 90042403",
     "Bonjour,\n\nla facture 90042403 ne correspond pas à notre commande : 10 cartons "
     "facturés, 8 livrés. Merci de nous établir un avoir.\n\nCordialement,\nAlain", None),
    ("fr", R, "Avis de virement",
     "Bonjour,\n\nnous avons réglé ce jour par virement :\n90041958  1 250,00 EUR\n"
     "90042403  480,00 EUR\n\nCordialement,\nComptabilité fournisseurs", None),
    ("fr", OT, "RE: Relance factures",
     "Bonjour,\n\nmerci pour votre message, je transmets au service concerné.\n\n"
     "Cordialement,\nMarie" + _FR_REMINDER, None),
    # --- Spanish
    ("es", PP, "RE: Recordatorio de pago",
     "Buenos días:\n\nEl pago de las facturas 43587 y 90042185 está previsto este viernes."
     "\n\nUn saludo,\nLaura García\nDepartamento de Contabilidad" + _ES_REMINDER,
     date(2026, 11, 6)),
    ("es", PP, "Facturas pendientes",
     "Hola,\n\nla factura 90041958 entra en nuestra próxima remesa de pagos del 15 de "
     "noviembre.\n\nSaludos,\nJavier", date(2026, 11, 15)),
    ("es", PP, "RE: Factura 90042403",
     "Estimados:\n\ntenemos previsto abonar la factura 90042403 a finales de mes.\n\n"
     "Atentamente,\nCarmen Ruiz" + _ES_REMINDER, date(2026, 11, 30)),
    ("es", PP, "Pago",
     "Buenas tardes,\n\nla transferencia de la factura 90041958 está programada para el "
     "10/11/2026.\n\nSaludos cordiales,\nMiguel", date(2026, 11, 10)),
    ("es", IC, "Duplicado de facturas",
     "Buenos días:\n\nNecesitamos un duplicado de las facturas 43587 y 90042185 para nuestra "
     "auditoría.\n\nGracias de antemano,\nElena Martín\nAdministración", None),
    ("es", IC, "Factura no recibida",
     "Hola,\n\nno localizamos la factura 90041958 en nuestro sistema. ¿Nos la pueden volver "
     "a enviar?\n\nUn saludo,\nPablo", None),
    ("es", BA, "Saldo",
     "Buenos días,\n\n¿cuánto queda pendiente en nuestra cuenta?\n\nGracias,\nLucía", None),
    ("es", BA, "Consulta de saldo",
     "Hola,\n\nnos pueden indicar qué importe tenemos pendiente con ustedes a día de hoy.\n\n"
     "Saludos,\nAndrés Gómez", None),
    ("es", ST, "Estado de cuenta",
     "Estimados señores:\n\nles rogamos nos envíen un estado de cuenta con todas las facturas "
     "y notas de crédito pendientes.\n\nAtentamente,\nRosa", None),
    ("es", DI, "Reclamación factura 90042403",
     "Buenos días,\n\nen la factura 90042403 nos han cobrado 20 unidades pero solo recibimos "
     "15. Por favor, emitan una nota de crédito.\n\nSaludos,\nSergio", None),
    ("es", R, "Aviso de pago",
     "Buenos días,\n\nhemos realizado hoy la transferencia de las siguientes facturas:\n"
     "90041958  1.250,00 EUR\n90042403  480,00 EUR\n\nSaludos,\nTesorería", None),
    ("es", OT, "RE: Recordatorio de pago",
     "Gracias, lo reviso con el departamento de pagos y les digo algo.\n\nUn saludo,\nLaura"
     + _ES_REMINDER, None),
    # --- Dutch
    ("nl", PP, "RE: Betalingsherinnering",
     "Goedemorgen,\n\nfactuur 90041958 staat gepland voor betaling op 12 november.\n\n"
     "Met vriendelijke groet,\nJan de Vries\nCrediteurenadministratie" + _NL_REMINDER,
     date(2026, 11, 12)),
    ("nl", PP, "Openstaande facturen",
     "Beste,\n\nde facturen 90041958 en 90042403 worden meegenomen in de volgende betaalrun "
     "van vrijdag.\n\nGroeten,\nSanne", date(2026, 11, 6)),
    ("nl", PP, "RE: Factuur 90042403",
     "Hallo,\n\nvolgende week betalen wij factuur 90042403.\n\nMvg,\nPieter" + _NL_REMINDER,
     date(2026, 11, 13)),
    ("nl", PP, "Betaling",
     "Geachte heer, mevrouw,\n\nde betaling van factuur 90041958 is ingepland voor eind "
     "november.\n\nMet vriendelijke groet,\nK. Jansen", date(2026, 11, 30)),
    ("nl", IC, "Kopie factuur",
     "Goedemiddag,\n\nwij hebben een kopie van factuur 90041958 nodig voor onze "
     "jaarafsluiting.\n\nMet vriendelijke groet,\nLotte Bakker", None),
    ("nl", IC, "Factuur niet ontvangen",
     "Hoi,\n\nwij kunnen factuur 90042403 nergens terugvinden. Kunnen jullie deze opnieuw "
     "toesturen?\n\nGroet,\nDaan", None),
    ("nl", BA, "Saldo",
     "Goedemorgen,\n\nWelk bedrag staat er nog open op onze rekening?\n\nGroeten,\nEva", None),
    ("nl", BA, "Vraag",
     "Hallo,\n\nkunt u mij laten weten hoeveel wij nog verschuldigd zijn?\n\nMvg,\nTim", None),
    ("nl", ST, "Rekeningoverzicht",
     "Geachte heer, mevrouw,\n\nvoor de jaarafsluiting ontvangen wij graag een overzicht van "
     "alle openstaande facturen en creditnota's.\n\nMet vriendelijke groet,\nM. Visser", None),
    ("nl", DI, "Factuur 90042403 klopt niet",
     "Goedemiddag,\n\nop factuur 90042403 staan 12 dozen, wij hebben er maar 10 ontvangen. "
     "Graag een creditnota voor het verschil.\n\nMet vriendelijke groet,\nRob", None),
    ("nl", R, "Betalingsadvies",
     "Goedemorgen,\n\nwij hebben vandaag de volgende facturen betaald:\n90041958  1.250,00\n"
     "90042403  480,00\n\nMet vriendelijke groet,\nFinanciële administratie", None),
    ("nl", OT, "RE: Betalingsherinnering",
     "Bedankt voor uw bericht, ik zet het door naar onze afdeling crediteuren.\n\nGroet,\nJan"
     + _NL_REMINDER, None),
]
# fmt: on


def _classify(subject: str, body: str):
    msg = EmailMessage()
    msg["From"] = "ap@customer.example"
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = subject
    msg["Date"] = MAIL_DATE
    msg.set_content(body)
    parsed = parse_email(msg.as_bytes())
    extraction = extract_remittance(parsed)
    return classify_email(parsed, remittance=extraction.remittance, own_address="ar@arbox.example")


def test_each_language_has_ten_mails_or_more():
    counts = Counter(lang for lang, *_ in MAILS)
    assert set(counts) == {"en", "de", "fr", "es", "nl"}
    assert min(counts.values()) >= 10, counts


@pytest.mark.parametrize(
    ("lang", "kind", "subject", "body", "promised"),
    MAILS,
    ids=[f"{m[0]}-{m[1].value}-{n}" for n, m in enumerate(MAILS)],
)
def test_a_written_mail_is_read_as_its_kind(lang, kind, subject, body, promised):
    got = classify_email_result = _classify(subject, body)
    assert got.kind is kind, (lang, got.reason)
    if kind is PP:
        assert classify_email_result.questions[0].promise_date == promised, got.reason
