"""parsers.classify: mail kinds with their evidence, and addresses never to reply to."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path

import pytest

from core.types import MailKind, ParsedEmail, Remittance, RemittanceLine
from parsers.classify import classify_email, is_no_reply_sender
from parsers.mime import parse_email
from parsers.remittance import extract_remittance

EMAILS = Path(__file__).resolve().parents[3] / "fixtures" / "emails"
OWN = "ar@arbox.example"


def _classify(raw: bytes, own: str | None = OWN) -> tuple[MailKind, str]:
    parsed = parse_email(raw)
    extraction = extract_remittance(parsed)
    result = classify_email(parsed, remittance=extraction.remittance, own_address=own)
    return result.kind, result.reason


def _mail(headers: str, body: str = "Hello\n") -> bytes:
    return (headers.strip() + "\n\n" + body).replace("\n", "\r\n").encode()


@pytest.mark.parametrize(
    ("name", "kind", "evidence"),
    [
        ("autoreply_ooo.eml", MailKind.AUTO_REPLY, "Auto-Submitted: auto-replied"),
        (
            "bounce_dsn.eml",
            MailKind.BOUNCE,
            "Content-Type: multipart/report; report-type=delivery-status",
        ),
        ("bulk_newsletter.eml", MailKind.BULK, "Precedence: bulk"),
        ("other_question.eml", MailKind.INVOICE_COPY_REQUEST, "about INV-10014"),
        ("remittance_encrypted_pdf.eml", MailKind.OTHER, "no remittance lines found"),
        ("remittance_body_single.eml", MailKind.REMITTANCE, "1 line(s) (body)"),
        ("remittance_body_multi.eml", MailKind.REMITTANCE, "3 line(s) (body)"),
        ("remittance_html_table.eml", MailKind.REMITTANCE, "3 line(s) (html)"),
        ("remittance_pdf_table.eml", MailKind.REMITTANCE, "3 line(s) (pdf)"),
        ("remittance_unknown_ref.eml", MailKind.REMITTANCE, "1 line(s)"),
        ("remittance_overpay.eml", MailKind.REMITTANCE, "1 line(s)"),
        ("remittance_other_customer.eml", MailKind.REMITTANCE, "1 line(s)"),
    ],
)
def test_fixture_mail_is_classified_with_its_evidence(
    name: str, kind: MailKind, evidence: str
) -> None:
    got_kind, reason = _classify((EMAILS / name).read_bytes())
    assert got_kind is kind
    assert evidence in reason


def test_every_fixture_mail_is_covered() -> None:
    names = {p.name for p in EMAILS.glob("*.eml")}
    assert len(names) >= 12
    assert all(
        n.split("_")[0] in {"remittance", "autoreply", "bounce", "bulk", "other", "hostile"}
        for n in names
    )


@pytest.mark.parametrize(
    ("headers", "kind", "evidence"),
    [
        (
            "From: a@b.example\nAuto-Submitted: auto-generated",
            MailKind.AUTO_REPLY,
            "Auto-Submitted: auto-generated",
        ),
        ("From: a@b.example\nX-Autoreply: yes", MailKind.AUTO_REPLY, "X-Autoreply: yes"),
        ("From: a@b.example\nX-Autorespond: 1", MailKind.AUTO_REPLY, "X-Autorespond"),
        (
            "From: a@b.example\nSubject: Out of Office: back Monday",
            MailKind.AUTO_REPLY,
            "Subject: Out of Office",
        ),
        ("From: a@b.example\nSubject: Auto: Payment", MailKind.AUTO_REPLY, "Subject: Auto:"),
        ("From: ar@arbox.example\nSubject: Re: statement", MailKind.AUTO_REPLY, "mail loop"),
        ("From: a@b.example\nPrecedence: list", MailKind.BULK, "Precedence: list"),
        ("From: a@b.example\nPrecedence: junk", MailKind.BULK, "Precedence: junk"),
        ("From: a@b.example\nList-Id: <ar.lists.example>", MailKind.BULK, "List-Id"),
        ("From: a@b.example\nList-Post: <mailto:l@lists.example>", MailKind.BULK, "List-Post"),
        (
            "From: MAILER-DAEMON@mx.example\nSubject: Undelivered Mail Returned to Sender",
            MailKind.BOUNCE,
            "From: mailer-daemon@mx.example",
        ),
        (
            "From: postmaster@mx.example\nSubject: Delivery Status Notification (Failure)",
            MailKind.BOUNCE,
            "From: postmaster@mx.example",
        ),
        (
            "From: x@mx.example\nReturn-Path: <>\nSubject: failure notice",
            MailKind.BOUNCE,
            "Return-Path: <>",
        ),
        (
            "From: a@b.example\nX-Failed-Recipients: c@d.example",
            MailKind.BOUNCE,
            "X-Failed-Recipients",
        ),
    ],
)
def test_automatic_mail_is_recognised_by_its_headers(
    headers: str, kind: MailKind, evidence: str
) -> None:
    got_kind, reason = _classify(_mail(headers, "We paid INV-1001 1,250.00\n"))
    assert got_kind is kind
    assert evidence in reason


@pytest.mark.parametrize(
    "headers",
    [
        "From: a@b.example\nAuto-Submitted: no",
        "From: MAILER-DAEMON@mx.example\nSubject: Payment",
        "From: a@b.example\nReturn-Path: <>\nSubject: Payment",
        "From: a@b.example\nSubject: Automation project invoice",
        "From: a@b.example\nPrecedence: first-class",
    ],
)
def test_ordinary_mail_is_a_remittance_when_it_has_lines(headers: str) -> None:
    kind, _ = _classify(_mail(headers, "We paid INV-1001 1,250.00\n"))
    assert kind is MailKind.REMITTANCE


def test_bounce_wins_over_auto_reply_and_bulk() -> None:
    raw = _mail(
        "From: MAILER-DAEMON@mx.example\nSubject: Returned mail\n"
        "Auto-Submitted: auto-replied\nPrecedence: bulk"
    )
    assert _classify(raw)[0] is MailKind.BOUNCE


def test_mail_from_our_own_address_is_not_a_loop_without_own_address() -> None:
    raw = _mail("From: ar@arbox.example", "INV-1001 1.00\n")
    assert _classify(raw, own=None)[0] is MailKind.REMITTANCE


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        (None, "no sender address"),
        ("", "no sender address"),
        ("AR@arbox.example", "our own address"),
        ("noreply@bank.example", "no-reply"),
        ("no-reply@bank.example", "no-reply"),
        ("no_reply+123@bank.example", "no-reply"),
        ("DoNotReply@bank.example", "no-reply"),
        ("do-not-reply@bank.example", "no-reply"),
        ("MAILER-DAEMON@mx.example", "mailer daemon"),
        ("mailer-daemon", "mailer daemon"),
        ("postmaster@mx.example", "postmaster"),
        ("owner-ar-list@lists.example", "list owner"),
        ("ar-list-request@lists.example", "list request"),
        ("bounces+abc@esp.example", "bounce"),
    ],
)
def test_addresses_never_to_reply_to(address: str | None, reason: str) -> None:
    got = is_no_reply_sender(address, own_address=OWN)
    assert got is not None
    assert reason in got


@pytest.mark.parametrize(
    "address", ["ap@acme-mfg.example", "replyto@x.example", "request@x.example", "owner@x.example"]
)
def test_ordinary_addresses_may_get_replies(address: str) -> None:
    assert is_no_reply_sender(address, own_address=OWN) is None


# --- the text kinds: a table of short realistic mails, and its accuracy ---------------------

R, RQ = MailKind.REMITTANCE, MailKind.REMITTANCE_QUESTION
IC, ST, BA = MailKind.INVOICE_COPY_REQUEST, MailKind.STATEMENT_REQUEST, MailKind.BALANCE_INQUIRY
DI, PP = MailKind.DISPUTE, MailKind.PROMISE_TO_PAY
AR, BO, BU, OT = MailKind.AUTO_REPLY, MailKind.BOUNCE, MailKind.BULK, MailKind.OTHER

#: (expected kind, subject, body, extra headers), in English, German, French and Spanish.
# fmt: off
EXAMPLES: list[tuple[MailKind, str, str, str]] = [
    # --- remittance
    (R, 'Payment advice', 'Hello,\nwe paid the following invoices today by ACH:\nINV-1001 1,250.00\nINV-1002 300.00\nTotal 1,550.00\n', ''),
    (R, 'Remittance', 'Please find our payment of 980.00 for invoice 4711.\nRegards', ''),
    (R, 'Zahlungsavis', 'Sehr geehrte Damen und Herren,\nwir haben heute folgende Rechnungen überwiesen:\nRE-2026-0042 1.190,00 EUR\nRE-2026-0043 595,00 EUR\n', ''),
    (R, 'Avis de paiement', 'Bonjour,\nnous avons réglé par virement la facture F-88123 : 2 400,00 EUR.\nCordialement', ''),
    (R, 'Aviso de pago', 'Buenos días,\nhemos realizado la transferencia de la factura F-2026-118 por 1.500,00 EUR.\nSaludos', ''),
    (R, 'Payment INV-5001', 'Check enclosed for INV-5001 $450.00. Copy of remittance attached.', ''),
    (R, 'Remittance advice', 'Attached is a copy of our remittance advice.\nInvoice INV-7001  2,000.00\nInvoice INV-7002  1,000.00\n', ''),
    (R, 'Re: Payment reminder INV-3001', 'Hi, we transferred INV-3001 875.00 yesterday, no need to send a copy of the invoice.\nThanks', ''),
    (R, 'Payment', 'Thanks for the statement. We have paid INV-1201 640.00 by wire, ref WIRE-7781.', ''),
    (R, 'Remittance advice 2026-12-01', 'Vendor: Arbox Corp\nPayment date: 2026-12-01\nInvoice Number   Amount Paid\nINV-2201   1,000.00\nINV-2202   2,000.00\nTotal paid: 3,000.00\n', ''),
    (R, 'EFT notification', 'An EFT payment of $1,234.56 has been sent to you for invoice INV-3301.', ''),
    (R, 'Payment', 'Hi,\nInvoice 4455 has been paid, amount 760.00.\nBest', ''),
    (R, 'Überweisung', 'Anbei unser Zahlungsavis: Rechnung 99001 über 450,00 EUR wurde heute bezahlt.', ''),
    # --- remittance+question
    (RQ, 'Payment', 'We paid INV-1001 1,250.00 today.\nAlso, please send a copy of INV-10023.', ''),
    (RQ, 'Remittance and question', 'Payment sent by ACH:\nINV-2001 500.00\nINV-2002 250.00\nCould you also send us a statement of account?', ''),
    (RQ, 'Zahlung', 'Wir haben RE-4001 über 1.000,00 EUR überwiesen.\nBitte senden Sie uns eine Rechnungskopie für RE-4002.', ''),
    (RQ, 'Paiement', 'Nous avons payé la facture F-5001 : 300,00 EUR.\nPourriez-vous nous envoyer un relevé de compte ?', ''),
    (RQ, 'Pago', 'Hemos pagado la factura F-6001 por 800,00 EUR.\n¿Cuál es nuestro saldo pendiente?', ''),
    (RQ, 'Payment and short pay', 'We paid INV-7101 900.00 by check.\nInvoice INV-7102 is wrong, we were overcharged, so it is not included.', ''),
    (RQ, 'Partial payment', 'Today we remitted INV-8101 1,000.00.\nThe remaining invoice INV-8102 will be paid on 15 December 2026.', ''),
    (RQ, 'Remittance', 'Please find below our payment:\nINV-9101 120.00\nWhat is our current balance after this payment?', ''),
    (RQ, 'Payment + question', 'We have paid INV-1301 for 300.00 via wire.\nBy the way, could you resend INV-1302? The PDF was corrupt.', ''),
    (RQ, 'Payment', 'Payment of 1,000.00 sent for INV-1401.\nPlease note we will pay INV-1402 next week.', ''),
    # --- invoice-copy-request
    (IC, 'Copy of invoice INV-10014?', 'Hello,\ncould you send us a copy of invoice INV-10014? Our records show a different due date.\nKind regards', ''),
    (IC, 'Invoice request', 'Hi, please resend invoices 4711, 4712 and 4720. We cannot find them.', ''),
    (IC, 'Missing invoice', 'We have not received invoice INV-3300 yet. Can you email it to us?', ''),
    (IC, 'Rechnungskopie RE-2026-0042', 'Guten Tag,\nbitte senden Sie uns eine Kopie der Rechnung RE-2026-0042.\nDanke', ''),
    (IC, 'Rechnung', 'Hallo, könnten Sie uns die Rechnung 88123 erneut zusenden? Wir haben sie nicht erhalten.', ''),
    (IC, 'Duplicata', 'Bonjour,\nmerci de nous envoyer le duplicata de la facture F-88123.\nCordialement', ''),
    (IC, 'Factura', 'Buenos días, por favor envíennos una copia de la factura F-2026-118.\nGracias', ''),
    (IC, 'Invoice INV-4400 amount 1,200.00', 'Could you please send a PDF copy of invoice INV-4400 for 1,200.00? Our AP system needs it.', ''),
    (IC, '', 'Dear AR team,\n\ncould you please send us a copy of the\ninvoice 5511 from last month as we cannot find\nit in our system.\n\nBest regards', ''),
    (IC, 'Re: Your invoice', 'Hi there, we seem to have lost invoice INV-1601. Could you please send it over again?', ''),
    (IC, 'Invoices needed', 'Can we get copies of the invoices for November? Thanks!', ''),
    (IC, 'Rechnung fehlt', 'Die Rechnung 77001 ist bei uns nicht angekommen. Bitte nochmals schicken.', ''),
    (IC, 'Facture manquante', "Nous n'avons pas reçu la facture F-1701. Merci de la renvoyer.", ''),
    # --- statement-request
    (ST, 'Statement of account', 'Hello, please send us a statement of account for October.', ''),
    (ST, 'Request', "Could you send me a copy of last month's statement?", ''),
    (ST, 'Open items', 'Can you provide a list of all open invoices on our account?', ''),
    (ST, 'Kontoauszug', 'Bitte senden Sie uns einen aktuellen Kontoauszug.', ''),
    (ST, 'Saldenbestätigung 2026', 'Sehr geehrte Damen und Herren, für unseren Jahresabschluss bitten wir um eine Saldenbestätigung zum 31.12.2026.', ''),
    (ST, 'Relevé', 'Bonjour, pourriez-vous nous envoyer un relevé de compte ?', ''),
    (ST, 'Estado de cuenta', 'Hola, ¿podrían enviarnos el estado de cuenta actualizado?', ''),
    (ST, 'Account reconciliation', 'We are doing our year-end close. Please send an updated statement so we can reconcile.', ''),
    (ST, 'Statement', 'Please email us our current statement.', ''),
    (ST, 'Open items list', 'Bitte schicken Sie uns eine Offene-Posten-Liste.', ''),
    (ST, 'Estado', 'Necesitamos un extracto de cuenta para la auditoría.', ''),
    # --- balance-inquiry
    (BA, 'Balance', 'Hi, what is our current balance?', ''),
    (BA, 'Question', 'How much do we still owe you?', ''),
    (BA, 'Outstanding amount', 'Could you confirm the outstanding balance on our account, please?', ''),
    (BA, 'Saldo', 'Wie hoch ist unser offener Saldo?', ''),
    (BA, 'Offener Betrag', 'Bitte teilen Sie uns den aktuellen Saldo mit.', ''),
    (BA, 'Solde', 'Bonjour, quel est notre solde actuel ?', ''),
    (BA, 'Solde du compte', 'Merci de nous indiquer le montant restant dû.', ''),
    (BA, 'Saldo', 'Buenos días, ¿cuál es nuestro saldo pendiente?', ''),
    (BA, 'Consulta', '¿Cuánto les debemos a día de hoy?', ''),
    (BA, 'How much', 'Hi! How much is still outstanding on our account?', ''),
    (BA, 'Balance', 'Can you tell us the balance due as of today?', ''),
    (BA, 'Solde', 'Pouvez-vous nous confirmer le solde de notre compte ?', ''),
    # --- dispute
    (DI, 'Invoice INV-5001', 'Invoice INV-5001 is wrong, the unit price should be 10.00.', ''),
    (DI, 'Overcharged', 'We were overcharged on invoice 4711 by 200.00.', ''),
    (DI, 'Damaged goods', 'The goods delivered with invoice INV-6001 arrived damaged. We will not pay until this is resolved.', ''),
    (DI, 'Not received', 'We never received the goods billed on invoice INV-6101.', ''),
    (DI, 'Dispute', 'We dispute invoice INV-6201: the quantity does not match our purchase order.', ''),
    (DI, 'Reklamation', 'Wir beanstanden die Rechnung RE-7001, die Menge ist falsch berechnet.', ''),
    (DI, 'Rechnung RE-7101', 'Die Ware zu Rechnung RE-7101 ist beschädigt angekommen.', ''),
    (DI, 'Facture F-7201', 'Nous contestons la facture F-7201, le prix est incorrect.', ''),
    (DI, 'Factura F-7301', 'La factura F-7301 es incorrecta, nos han cobrado de más.', ''),
    (DI, 'Double billing', 'It looks like you billed us twice for the same order: INV-7401 and INV-7402.', ''),
    (DI, 'Wrong price', 'The price on INV-1801 is not what we agreed. Please issue a credit note.', ''),
    (DI, 'Short shipment', 'We were short shipped on order 5512, invoice INV-1802 charges for 10 units but we got 8.', ''),
    (DI, 'Falsche Menge', 'Auf der Rechnung RE-1901 wurde zu viel berechnet.', ''),
    (DI, 'Reclamación', 'Presentamos una reclamación por la factura F-1902: los productos llegaron dañados.', ''),
    (DI, 'Litige', 'Nous avons un litige sur la facture F-1903.', ''),
    # --- promise-to-pay
    (PP, 'Payment plan', 'We will pay invoice 4711 on 15 December.', ''),
    (PP, 'Re: Overdue INV-8001', 'Payment will be made by 2026-12-15.', ''),
    (PP, 'Re: Reminder', 'Sorry for the delay, we will pay next Friday.', ''),
    (PP, 'Zahlung', 'Wir zahlen am 15.12.2026.', ''),
    (PP, 'AW: Mahnung RE-8101', 'Die Rechnung RE-8101 wird Ende des Monats überwiesen.', ''),
    (PP, 'Paiement', 'Nous réglerons la facture F-8201 le 15 décembre.', ''),
    (PP, 'Pago', 'Pagaremos la factura F-8301 el 15 de diciembre.', ''),
    (PP, 'Re: Past due INV-8401', 'Invoice INV-8401 for 2,300.00 will be paid within 10 days.', ''),
    (PP, 'Payment date', 'Our next payment run is on 2026-12-10; your invoices will be paid then.', ''),
    (PP, 'Re: Overdue', "We'll pay it by the end of the month.", ''),
    (PP, 'Re: Overdue invoices', 'Our accounts payable team has scheduled payment for 12/15/2026.', ''),
    (PP, 'AW: Zahlungserinnerung', 'Wir werden die offenen Rechnungen nächste Woche begleichen.', ''),
    (PP, 'RE: Relance', 'Le paiement sera effectué le 20/12/2026.', ''),
    (PP, 'RE: Recordatorio', 'Realizaremos el pago la próxima semana.', ''),
    # --- auto-reply
    (AR, 'Out of Office: Payment', 'I am out of the office until Monday.', ''),
    (AR, 'Automatic reply: Invoice INV-1001', 'Thank you for your mail. I will be back on 5 January.', ''),
    (AR, 'Re: Invoice', 'Hello, I am currently out of the office with limited access to email.\n\n> Invoice INV-5001 is wrong\n', ''),
    (AR, 'Abwesenheitsnotiz', 'Ich bin bis zum 4.1. nicht im Büro.', ''),
    (AR, 'Réponse automatique', "Je suis absent jusqu'au 4 janvier.", ''),
    (AR, 'Re: statement', 'We received your message.', 'Auto-Submitted: auto-replied'),
    (AR, 'Your ticket', 'Your request has been received. Ticket 12345.', 'X-Autoreply: yes'),
    (AR, 'Invoice', 'Thanks, we will get back to you.', 'Precedence: auto_reply'),
    (AR, 'Read: Invoice INV-1001', 'Your message was read on 1 December 2026.', ''),
    (AR, 'Auto: Invoice INV-1001', "I'm away.", ''),
    (AR, 'Respuesta automática: factura', 'Estoy fuera de la oficina.', ''),
    # --- bounce
    (BO, 'Undelivered Mail Returned to Sender', 'This is the mail system at host mx.example.', 'From: MAILER-DAEMON@mx.example'),
    (BO, 'Delivery Status Notification (Failure)', 'Delivery to the following recipient failed permanently.', 'From: postmaster@mx.example'),
    (BO, 'failure notice', 'Sorry, we were unable to deliver your message.', 'Return-Path: <>'),
    (BO, 'Mail', 'Could not deliver', 'X-Failed-Recipients: ap@old.example'),
    (BO, 'Unzustellbar: Rechnung', 'Die Nachricht konnte nicht zugestellt werden.', 'From: MAILER-DAEMON@mx.example'),
    (BO, 'Returned mail: see transcript for details', 'The original message was received at ...', 'From: mailer-daemon@mx.example'),
    (BO, 'Mail delivery failed: returning message to sender', 'A message that you sent could not be delivered.', 'From: Mail Delivery System <Mailer-Daemon@mx.example>'),
    (BO, 'Undeliverable: Invoice copy', 'Delivery has failed to these recipients.', 'From: postmaster@corp.example'),
    # --- bulk
    (BU, 'Our December newsletter', 'Read our news. Unsubscribe here.', 'Precedence: bulk'),
    (BU, 'Webinar', 'Join our webinar on DSO.', 'List-Unsubscribe: <mailto:u@esp.example>'),
    (BU, '[ar-list] minutes', 'Minutes of the meeting.', 'List-Id: <ar.lists.example>'),
    (BU, 'Digest', "Today's digest", 'Precedence: list'),
    (BU, 'Offer', 'Special offer', 'Precedence: junk'),
    (BU, 'Post', 'A post', 'List-Post: <mailto:l@lists.example>'),
    (BU, 'Help', 'Help', 'List-Help: <mailto:l-help@lists.example>'),
    (BU, 'Statement of account request', 'Please send us a statement of account.', 'List-Id: <customers.lists.example>'),
    (BU, 'Newsletter', 'News', 'List-Unsubscribe: <https://esp.example/u>\nList-Id: <n.esp.example>'),
    # --- other
    (OT, 'Thank you', 'Thank you for your quick help!', ''),
    (OT, 'Thanks', 'Thanks for sending the copy of invoice INV-1001, we received it.', ''),
    (OT, 'Lunch', 'Hello, see you at the trade fair next week.', ''),
    (OT, 'Reduce your DSO', 'Are you tired of chasing payments? Book a demo of our AR software. Unsubscribe anytime.', ''),
    (OT, 'Copy', 'No need to send a copy of invoice 4711, we found it.', ''),
    (OT, 'Statement received', 'Thank you for the statement, everything looks fine.', ''),
    (OT, 'Neue Adresse', 'Bitte beachten Sie unsere neue Rechnungsadresse ab Januar.', ''),
    (OT, 'Merci', 'Merci pour votre aide, bonne journée.', ''),
    (OT, 'Gracias', 'Muchas gracias por la información.', ''),
    (OT, 'Invoice 4711', 'We do not dispute invoice 4711; it is correct.', ''),
    (OT, 'Meeting', 'Can we schedule a call next week to discuss the new contract?', ''),
    (OT, 'Bank details', 'Please note our new bank details for future refunds.', ''),
    (OT, 'Re: statement', 'Thanks, got it.', ''),
    (OT, 'Price list', 'Could you send us your 2027 price list?', ''),
    (OT, 'Invoice INV-2001 received', 'We received invoice INV-2001 and have forwarded it to approval.', ''),
    # --- a second set, written after the rules (30 of 32 were right at first)
    (R, 'Payment confirmation', 'Dear Supplier,\nThe following payment has been released:\nDocument  Amount\n90001234  5,600.00\n90001235  1,400.00\nTotal  7,000.00\n', ''),
    (R, 'Fwd: remittance', '---------- Forwarded message ---------\nFrom: Bank <b@bank.example>\nPayment of USD 3,210.00 for INV-4401 has been completed.', ''),
    (R, 'Paiement facture', 'Bonjour, la facture FA-2026-331 de 1 250,00 EUR a été payée ce jour par virement.', ''),
    (R, 'Pago realizado', 'Les informamos que hemos pagado la factura 2026-0456 por 3.400,00 EUR.', ''),
    (RQ, 'Payment INV-5501', 'Paid INV-5501 2,000.00 via ACH today. Can you send us an updated statement?', ''),
    (RQ, 'Zahlungsavis', 'Folgende Rechnung wurde bezahlt:\nRE-6601 300,00 EUR\nWie hoch ist unser Saldo jetzt?', ''),
    (IC, 'Invoice copy', 'Hi, can I get a copy of INV-8801?', ''),
    (IC, 'Need invoice', 'Our auditors need a copy of invoice 12345. Please send it.', ''),
    (IC, 'Kopie', 'Könnten Sie uns bitte eine Kopie der Rechnung 4455 zukommen lassen?', ''),
    (IC, 'Facture', 'Pouvez-vous nous renvoyer la facture 2026-118 ? Merci.', ''),
    (IC, 'Solicitud', '¿Podrían reenviarnos la factura 3344? No la encontramos.', ''),
    (ST, 'Request for statement', 'Kindly share the statement of account as of 30 November.', ''),
    (ST, 'Kontoauszug anfordern', 'Können Sie uns einen Kontoauszug für Oktober senden?', ''),
    (ST, 'Relevé de compte', 'Merci de nous faire parvenir un relevé de compte à jour.', ''),
    (BA, 'Our balance', 'Hello team, could you let us know our current balance?', ''),
    (BA, 'Offener Betrag', 'Was schulden wir Ihnen noch?', ''),
    (BA, 'Combien', 'Combien vous devons-nous à ce jour ?', ''),
    (DI, 'Invoice 9901', 'We reject invoice 9901, the services were never delivered.', ''),
    (DI, 'Pricing issue', 'There is an incorrect price on INV-9902, please correct it.', ''),
    (DI, 'Fehlerhafte Rechnung', 'Ihre Rechnung RE-9903 ist fehlerhaft, der Rabatt fehlt.', ''),
    (DI, 'Facture erronée', 'La facture F-9904 est erronée : nous avons été facturés deux fois.', ''),
    (DI, 'Factura duplicada', 'Nos han cobrado dos veces la factura F-9905.', ''),
    (PP, 'Re: Reminder INV-1111', 'Apologies, payment will be sent on Monday.', ''),
    (PP, 'Re: Overdue', 'We expect to pay the outstanding invoices by 31 December.', ''),
    (PP, 'AW: Mahnung', 'Wir überweisen den Betrag bis zum 20.12.2026.', ''),
    (PP, 'RE: Relance facture', 'Nous allons régler la facture la semaine prochaine.', ''),
    (PP, 'RE: Factura vencida', 'El pago se realizará el 18 de diciembre.', ''),
    (OT, 'Hello', 'Just wanted to introduce our new AP manager, Maria.', ''),
    (OT, 'Contact change', 'Please update the contact for invoices to ap2@customer.example.', ''),
    (OT, 'Danke', 'Vielen Dank für die schnelle Bearbeitung!', ''),
    (OT, 'Re: Invoice INV-1234', 'Thanks, all good now.', ''),
]
# fmt: on
#: The mails of the table are written on Tuesday 1 December 2026.
MAIL_DATE = "Tue, 01 Dec 2026 10:00:00 +0100"


def _example_mail(subject: str, body: str, headers: str) -> bytes:
    msg = EmailMessage()
    extra = dict(line.split(": ", 1) for line in headers.splitlines() if line)
    msg["From"] = extra.pop("From", "ap@customer.example")
    msg["To"] = OWN
    msg["Subject"] = subject
    msg["Date"] = MAIL_DATE
    for name, value in extra.items():
        msg[name] = value
    msg.set_content(body)
    return msg.as_bytes()


def _accuracy(rows: list[tuple[MailKind, str, str, str]]) -> tuple[Counter[MailKind], list[str]]:
    right: Counter[MailKind] = Counter()
    misses: list[str] = []
    for kind, subject, body, headers in rows:
        got, reason = _classify(_example_mail(subject, body, headers))
        if got is kind:
            right[kind] += 1
        else:
            misses.append(f"{kind.value} read as {got.value}: {subject!r} {body[:60]!r} ({reason})")
    return right, misses


def test_the_example_table_has_eight_mails_or_more_of_every_kind() -> None:
    counts = Counter(kind for kind, *_ in EXAMPLES)
    assert set(counts) == set(MailKind)
    assert min(counts.values()) >= 8, counts


def test_every_kind_of_the_example_table_is_read_right() -> None:
    # Given the table of example mails
    # When each is parsed, its remittance extracted and the mail classified
    right, misses = _accuracy(EXAMPLES)
    # Then every kind is read right (the accuracy is reported per kind when it is not)
    counts = Counter(kind for kind, *_ in EXAMPLES)
    accuracy = {kind.value: f"{right[kind]}/{n}" for kind, n in counts.items()}
    assert misses == [], accuracy


def test_a_question_mail_lists_every_question_and_is_of_the_gravest_kind() -> None:
    raw = _example_mail(
        "Several things",
        "What is our current balance?\nPlease send a copy of invoice INV-1001.\n"
        "Also, invoice INV-1002 is wrong.",
        "",
    )
    parsed = parse_email(raw)
    result = classify_email(parsed, remittance=None, own_address=OWN)
    assert result.kind is MailKind.DISPUTE
    assert [q.kind for q in result.questions] == [DI, IC, BA]
    assert "dispute about INV-1002" in result.reason


def test_question_naming_an_invoice_and_its_amount_is_not_a_remittance() -> None:
    # Given a complaint whose sentence the remittance reader took for a line
    raw = _example_mail("Invoice INV-5001", "Invoice INV-5001 for 1,250.00 is wrong.", "")
    parsed = parse_email(raw)
    extraction = extract_remittance(parsed)
    assert extraction.remittance is not None and extraction.remittance.lines
    # When it is classified
    result = classify_email(parsed, remittance=extraction.remittance, own_address=OWN)
    # Then it is the dispute, and the reason says why the line is not taken
    assert result.kind is MailKind.DISPUTE
    assert "not taken" in result.reason


def test_remittance_from_a_document_with_a_question_is_a_remittance_and_question() -> None:
    # Given lines read from an attached PDF and a body that only asks
    parsed = parse_email(_example_mail("Advice", "Please send a copy of invoice INV-9001.", ""))
    remittance = Remittance(lines=(RemittanceLine(invoice_ref="INV-8", amount=None),), source="pdf")
    # When it is classified
    result = classify_email(parsed, remittance=remittance, own_address=OWN)
    # Then the document is the payment and the body its question
    assert result.kind is MailKind.REMITTANCE_QUESTION
    assert "the lines come from the pdf document" in result.reason
    assert result.questions[0].refs == ("INV-9001",)


def test_question_mail_telling_of_a_payment_without_lines_says_so() -> None:
    # Given one paragraph that pays RE-1501 and disputes RE-1502 (two references on one
    # line: the remittance reader takes no line from it)
    body = (
        "Wir haben die Rechnung RE-1501 über 200,00 EUR überwiesen. "
        "Die Rechnung RE-1502 ist leider falsch, bitte korrigieren."
    )
    kind, reason = _classify(_example_mail("Zahlung", body, ""))
    # Then it is the dispute, and the reason points the reviewer at the payment
    assert kind is MailKind.DISPUTE
    assert "speaks of a payment ('überwiesen') but no remittance lines" in reason


def test_promise_date_is_read_against_the_date_header_not_the_clock() -> None:
    raw = _example_mail("Re: Reminder", "We will pay next Friday.", "")
    result = classify_email(parse_email(raw), remittance=None, own_address=OWN)
    assert result.kind is MailKind.PROMISE_TO_PAY
    assert str(result.questions[0].promise_date) == "2026-12-04"
    assert "by 2026-12-04" in result.reason


def test_promise_without_a_readable_date_header_has_no_relative_date() -> None:
    msg = EmailMessage()
    msg["From"] = "ap@customer.example"
    msg["Subject"] = "Re: Reminder"
    msg["Date"] = "not a date"
    msg.set_content("We will pay next Friday.")
    result = classify_email(parse_email(msg.as_bytes()), remittance=None, own_address=OWN)
    assert result.kind is MailKind.PROMISE_TO_PAY
    assert result.questions[0].promise_date is None


def test_list_unsubscribe_alone_does_not_make_a_remittance_bulk() -> None:
    raw = _mail(
        "From: payments@platform.example\nList-Unsubscribe: <https://platform.example/u>",
        "We paid INV-1001 1,250.00\n",
    )
    kind, reason = _classify(raw)
    assert kind is MailKind.REMITTANCE
    assert "1 line(s)" in reason


def test_read_receipt_report_is_an_auto_reply_not_a_bounce() -> None:
    raw = _mail(
        "From: ap@customer.example\nSubject: Payment\nMIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=disposition-notification; boundary="b"',
        "--b\nContent-Type: text/plain\n\nYour message was displayed.\n"
        "--b\nContent-Type: message/disposition-notification\n\n"
        "Disposition: manual-action/MDN-sent-manually; displayed\n--b--\n",
    )
    kind, reason = _classify(raw)
    assert kind is MailKind.AUTO_REPLY
    assert "disposition-notification" in reason


def test_a_remittance_with_boilerplate_about_paying_asks_nothing() -> None:
    body = "We paid INV-1001 1,250.00 today.\nInvoices will be paid according to our terms.\n"
    kind, _ = _classify(_example_mail("Remittance", body, ""))
    assert kind is MailKind.REMITTANCE


def _plain(body: str, *, subject: str = "Hello", **headers: str) -> ParsedEmail:
    msg = EmailMessage()
    msg["From"] = "someone@payer.example"
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = subject
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return parse_email(msg.as_bytes())


def test_newsletter_price_list_with_list_unsubscribe_is_bulk():
    # Given a newsletter whose price list reads like remittance lines
    parsed = _plain(
        "This week's offers:\n\nITEM-5196   234.22\nITEM-4216   528.02\n",
        List_Unsubscribe="<https://x.example/u>",
    )
    rem = Remittance(lines=(RemittanceLine("ITEM-5196", Decimal("234.22")),))
    # Then List-Unsubscribe makes it bulk: nothing in it speaks of a payment
    assert classify_email(parsed, remittance=rem, own_address=None).kind is MailKind.BULK


def test_payment_notice_with_list_unsubscribe_is_a_remittance():
    parsed = _plain(
        "Payment notification: we paid\n\nINV-5196   234.22\n",
        List_Unsubscribe="<https://x.example/u>",
    )
    rem = Remittance(lines=(RemittanceLine("INV-5196", Decimal("234.22")),))
    assert classify_email(parsed, remittance=rem, own_address=None).kind is MailKind.REMITTANCE


def test_mail_whose_attachment_cannot_be_read_is_a_remittance_with_the_reason():
    parsed = _plain("Please find our remittance advice attached.", subject="Remittance advice")
    got = classify_email(
        parsed, remittance=None, own_address=None, problems=("advice.pdf: needs password",)
    )
    assert got.kind is MailKind.REMITTANCE
    assert "needs password" in got.reason


def test_question_with_an_unreadable_attachment_stays_the_question():
    parsed = _plain("Could you send us a copy of invoice INV-4711, please?")
    got = classify_email(
        parsed, remittance=None, own_address=None, problems=("scan.pdf: no text layer, scan?",)
    )
    assert got.kind is MailKind.INVOICE_COPY_REQUEST


def test_promise_naming_invoices_without_amounts_is_a_promise_not_a_remittance():
    # Given a promise whose invoices a reader may take for amount-less remittance lines
    parsed = _plain(
        "sorry for the delay, we will pay invoice #10461 and #10476 on November 25, 2026.",
        subject="Payment of our invoices",
    )
    rem = Remittance(lines=(RemittanceLine("10461", None), RemittanceLine("10476", None)))
    # Then the promise wins: nothing in the mail says how much was paid
    got = classify_email(parsed, remittance=rem, own_address=None)
    assert got.kind is MailKind.PROMISE_TO_PAY
    assert "no amount is stated" in got.reason
