# long: the words of a held-out family (bench/HELDOUT.md, fam7), as customers write them.
"""The words of ``fam7-terse`` (bench/heldout_fam7.py): questions as they arrive from phones,
AP clerks' shorthand, subject-only mails, bullet lists, replies on top of our own earlier
answer, polite-formal letters. Each template is (style, subject, body); ``{r}`` is the invoice
as the customer writes it, ``{p}`` the promised day, ``{o}`` another invoice of the customer
(in a bullet that is not the question, or in our quoted answer)."""

from __future__ import annotations

STYLES = ["one-line", "shorthand", "subject-only", "bullets", "reply-on-ours", "formal"]

T = tuple[str, str, str]

NEED: dict[str, dict[str, list[T]]] = {
    "invoice_copy_request": {
        "en": [
            ("one-line", "", "inv {r} pls"),
            ("shorthand", "Copy inv", "Pls send copy inv {r} + POD, not in our AP system. Thx"),
            ("subject-only", "Copy of inv {r} pls", "see subject"),
            (
                "bullets",
                "Few things",
                "Hi,\n\n- new PO numbers from Jan, will send separately\n- copy of inv {r} pls\n- our VAT no. is unchanged\n\nThx",
            ),
            ("reply-on-ours", "RE: Invoice copy {o}", "Thanks - and the other one? {r}"),
            (
                "formal",
                "Request for invoice copy",
                "Dear Sir or Madam,\n\nWe kindly request a duplicate of your invoice {r} for our records.\n\nYours faithfully,",
            ),
        ],
        "de": [
            ("one-line", "", "Rg. {r} bitte nochmal"),
            ("shorthand", "Rg.-Kopie", "Rg. {r} fehlt hier - bitte als PDF an Kreditoren. Dke"),
            ("subject-only", "Kopie Rg. {r}", ""),
            (
                "bullets",
                "Mehrere Punkte",
                "Hallo,\n\n- Lieferadresse bleibt wie gehabt\n- Kopie Rg. {r}\n- Bestellungen ab Januar über neues Portal\n\nGruß",
            ),
            ("reply-on-ours", "AW: Rechnungskopie {o}", "Danke! Und die andere? {r}"),
            (
                "formal",
                "Bitte um Rechnungskopie",
                "Sehr geehrte Damen und Herren,\n\nwir bitten höflich um Übersendung einer Zweitschrift der Rechnung {r}.\n\nMit freundlichen Grüßen",
            ),
        ],
        "fr": [
            ("one-line", "", "fact. {r} svp"),
            ("shorthand", "Dupli", "Fra. {r} introuvable chez nous, dupli PDF svp. Merci"),
            ("subject-only", "Copie fact. {r}", "cf. objet"),
            (
                "bullets",
                "Plusieurs points",
                "Bonjour,\n\n- nouvelle adresse de livraison à partir de janvier\n- copie de la fact. {r}\n- RAS pour le reste\n\nMerci",
            ),
            ("reply-on-ours", "RE: Copie de facture {o}", "Merci - et l'autre ? {r}"),
            (
                "formal",
                "Demande de duplicata",
                "Madame, Monsieur,\n\nNous vous saurions gré de bien vouloir nous adresser un duplicata de votre facture {r}.\n\nVeuillez agréer nos salutations distinguées.",
            ),
        ],
        "es": [
            ("one-line", "", "fra {r} porfa"),
            (
                "shorthand",
                "Copia fra.",
                "Fra. {r} no está en nuestro sistema, mandar PDF pls. Gracias",
            ),
            ("subject-only", "Copia fra. {r}", "ver asunto"),
            (
                "bullets",
                "Varios puntos",
                "Hola,\n\n- pedidos de enero irán con nuevo nº de pedido\n- copia de la fra. {r}\n- datos fiscales sin cambios\n\nSaludos",
            ),
            ("reply-on-ours", "RE: Copia de factura {o}", "Gracias - ¿y la otra? {r}"),
            (
                "formal",
                "Solicitud de copia de factura",
                "Estimados señores:\n\nLes agradeceríamos tuvieran a bien remitirnos un duplicado de su factura {r}.\n\nAtentamente,",
            ),
        ],
        "nl": [
            ("one-line", "", "fact {r} aub"),
            (
                "shorthand",
                "Kopie fact",
                "Fact. {r} niet in ons systeem, pdf graag naar crediteuren. Dank",
            ),
            ("subject-only", "Kopie fact. {r}", "zie onderwerp"),
            (
                "bullets",
                "Paar punten",
                "Hoi,\n\n- nieuwe inkoopnummers vanaf januari volgen apart\n- kopie fact. {r}\n- afleveradres blijft gelijk\n\nGroet",
            ),
            ("reply-on-ours", "RE: Kopie factuur {o}", "Dank - en de andere? {r}"),
            (
                "formal",
                "Verzoek om factuurkopie",
                "Geachte heer, mevrouw,\n\nWij verzoeken u vriendelijk ons een duplicaat van uw factuur {r} toe te zenden.\n\nHoogachtend,",
            ),
        ],
    },
    "statement_request": {
        "en": [
            ("one-line", "", "stmt?"),
            ("shorthand", "SOA", "Pls send SOA / OI list as of today, month-end recon. Thx"),
            ("subject-only", "SOA pls", ""),
            (
                "bullets",
                "Couple of items",
                "Hi,\n\n- our office is closed 24 Dec to 1 Jan\n- SOA incl. open CNs pls\n- new AP contact from Jan, details to follow\n\nCheers",
            ),
            (
                "reply-on-ours",
                "RE: Invoice copy {o}",
                "Thanks - could you also send the full stmt?",
            ),
            (
                "formal",
                "Statement of account",
                "Dear Sir or Madam,\n\nWe kindly request a statement of account showing all open items as at today's date.\n\nYours faithfully,",
            ),
        ],
        "de": [
            ("one-line", "", "OP-Liste?"),
            ("shorthand", "KtoAuszug", "Bitte KtoAuszug / OP-Liste per heute, für Abstimmung. Dke"),
            ("subject-only", "Kontoauszug bitte", "s. Betreff"),
            (
                "bullets",
                "Kurz ein paar Dinge",
                "Hallo,\n\n- Betriebsferien 23.12. bis 4.1.\n- bitte Kontoauszug inkl. offener GS\n- neue Ansprechpartnerin ab Januar\n\nGruß",
            ),
            (
                "reply-on-ours",
                "AW: Rechnungskopie {o}",
                "Danke - bitte auch den kompletten Auszug.",
            ),
            (
                "formal",
                "Bitte um Kontoauszug",
                "Sehr geehrte Damen und Herren,\n\nwir bitten höflich um einen Auszug unseres Kundenkontos mit allen offenen Posten zum heutigen Tag.\n\nMit freundlichen Grüßen",
            ),
        ],
        "fr": [
            ("one-line", "", "relevé ?"),
            ("shorthand", "Relevé", "Relevé / liste OP à date svp, rappro fin de mois. Merci"),
            ("subject-only", "Relevé de compte svp", ""),
            (
                "bullets",
                "Quelques points",
                "Bonjour,\n\n- fermeture du 24/12 au 2/01\n- relevé de compte avec les avoirs non soldés\n- nouveau contact compta en janvier\n\nMerci",
            ),
            (
                "reply-on-ours",
                "RE: Copie de facture {o}",
                "Merci - et le relevé complet aussi svp ?",
            ),
            (
                "formal",
                "Demande de relevé de compte",
                "Madame, Monsieur,\n\nNous vous saurions gré de nous faire parvenir un relevé de notre compte client arrêté à ce jour.\n\nVeuillez agréer nos salutations distinguées.",
            ),
        ],
        "es": [
            ("one-line", "", "extracto?"),
            (
                "shorthand",
                "Extracto",
                "Extracto / partidas abiertas a hoy pls, conciliación mensual. Gracias",
            ),
            ("subject-only", "Extracto de cuenta pls", "ver asunto"),
            (
                "bullets",
                "Algunos temas",
                "Hola,\n\n- cerramos del 24/12 al 6/1\n- extracto de cuenta con abonos pendientes\n- nuevo contacto en cuentas a pagar desde enero\n\nSaludos",
            ),
            (
                "reply-on-ours",
                "RE: Copia de factura {o}",
                "Gracias - ¿nos mandáis también el extracto completo?",
            ),
            (
                "formal",
                "Solicitud de extracto",
                "Estimados señores:\n\nLes agradeceríamos tuvieran a bien hacernos llegar un extracto de nuestra cuenta con todas las partidas abiertas a la fecha.\n\nAtentamente,",
            ),
        ],
        "nl": [
            ("one-line", "", "overzicht?"),
            (
                "shorthand",
                "Rek.overzicht",
                "Graag rek.overzicht / OP-lijst per vandaag, maandafsluiting. Dank",
            ),
            ("subject-only", "Rekeningoverzicht aub", ""),
            (
                "bullets",
                "Paar dingen",
                "Hoi,\n\n- wij zijn dicht van 24-12 t/m 1-1\n- rekeningoverzicht incl. open creditnota's\n- nieuwe contactpersoon crediteuren per januari\n\nGroet",
            ),
            (
                "reply-on-ours",
                "RE: Kopie factuur {o}",
                "Dank - kunnen jullie ook het hele overzicht sturen?",
            ),
            (
                "formal",
                "Verzoek om rekeningoverzicht",
                "Geachte heer, mevrouw,\n\nWij verzoeken u vriendelijk ons een overzicht van alle openstaande posten per heden toe te zenden.\n\nHoogachtend,",
            ),
        ],
    },
    "balance_inquiry": {
        "en": [
            ("one-line", "", "bal o/s?"),
            (
                "shorthand",
                "Bal",
                "What's the o/s bal on our acct as of today? Need it for accruals. Thx",
            ),
            ("subject-only", "Open balance?", ""),
            (
                "bullets",
                "Quick list",
                "Hi,\n\n- POs for Q1 coming next week\n- total o/s on our account?\n- remittances now from our new bank\n\nThx",
            ),
            (
                "reply-on-ours",
                "RE: Invoice copy {o}",
                "Got it, thanks - what's left open after that?",
            ),
            (
                "formal",
                "Balance confirmation",
                "Dear Sir or Madam,\n\nWe kindly request that you confirm the total amount currently outstanding on our account.\n\nYours faithfully,",
            ),
        ],
        "de": [
            ("one-line", "", "saldo?"),
            (
                "shorthand",
                "Saldo",
                "Aktueller Saldo unseres Kto.? Brauchen die Zahl für Abgrenzung. Dke",
            ),
            ("subject-only", "Saldo offen?", "s. Betreff"),
            (
                "bullets",
                "Kurz",
                "Hallo,\n\n- Bestellungen Q1 kommen nächste Woche\n- wie hoch ist der offene Saldo?\n- Zahlungen ab sofort von neuer Bank\n\nGruß",
            ),
            ("reply-on-ours", "AW: Rechnungskopie {o}", "Danke - was ist danach noch offen?"),
            (
                "formal",
                "Saldenbestätigung",
                "Sehr geehrte Damen und Herren,\n\nwir bitten höflich um Mitteilung des derzeit offenen Gesamtbetrags auf unserem Konto.\n\nMit freundlichen Grüßen",
            ),
        ],
        "fr": [
            ("one-line", "", "solde ?"),
            ("shorthand", "Solde", "Solde dû à date svp ? Besoin pour les provisions. Merci"),
            ("subject-only", "Solde restant dû ?", "cf. objet"),
            (
                "bullets",
                "Points divers",
                "Bonjour,\n\n- commandes T1 la semaine prochaine\n- quel est le solde ouvert ?\n- paiements désormais depuis notre nouvelle banque\n\nMerci",
            ),
            (
                "reply-on-ours",
                "RE: Copie de facture {o}",
                "Bien reçu, merci - il reste combien après ça ?",
            ),
            (
                "formal",
                "Confirmation de solde",
                "Madame, Monsieur,\n\nNous vous saurions gré de bien vouloir nous confirmer le montant total restant dû sur notre compte.\n\nVeuillez agréer nos salutations distinguées.",
            ),
        ],
        "es": [
            ("one-line", "", "saldo?"),
            ("shorthand", "Saldo", "Saldo pdte. a hoy? Lo necesito para el cierre. Gracias"),
            ("subject-only", "¿Saldo pendiente?", ""),
            (
                "bullets",
                "Puntos",
                "Hola,\n\n- pedidos del T1 la semana que viene\n- ¿cuál es el saldo abierto?\n- pagos desde el nuevo banco a partir de ahora\n\nSaludos",
            ),
            (
                "reply-on-ours",
                "RE: Copia de factura {o}",
                "Recibido, gracias - ¿cuánto queda abierto después?",
            ),
            (
                "formal",
                "Confirmación de saldo",
                "Estimados señores:\n\nLes agradeceríamos nos confirmaran el importe total pendiente en nuestra cuenta a la fecha.\n\nAtentamente,",
            ),
        ],
        "nl": [
            ("one-line", "", "saldo?"),
            ("shorthand", "Saldo", "Openstaand saldo per vandaag? Nodig voor de accruals. Dank"),
            ("subject-only", "Openstaand saldo?", "zie onderwerp"),
            (
                "bullets",
                "Puntjes",
                "Hoi,\n\n- bestellingen Q1 volgen volgende week\n- wat is het openstaande saldo?\n- betalingen voortaan vanaf nieuwe bank\n\nGroet",
            ),
            (
                "reply-on-ours",
                "RE: Kopie factuur {o}",
                "Ontvangen, dank - wat staat er daarna nog open?",
            ),
            (
                "formal",
                "Saldobevestiging",
                "Geachte heer, mevrouw,\n\nWij verzoeken u vriendelijk het totaal openstaande bedrag op onze rekening te bevestigen.\n\nHoogachtend,",
            ),
        ],
    },
    "dispute": {
        "en": [
            ("one-line", "", "inv {r} price wrong, CN pls"),
            (
                "shorthand",
                "Inv {r}",
                "Inv {r}: POD shows {q2} ctns, billed {q1}. Pls issue CN for the diff. On hold till then.",
            ),
            ("subject-only", "Inv {r} - wrong qty, CN pls", ""),
            (
                "bullets",
                "A few things",
                "Hi,\n\n- new delivery hours from Jan: 7-15h\n- inv {r}: billed {q1} units, only {q2} received - CN pls\n- all else fine\n\nThx",
            ),
            (
                "reply-on-ours",
                "RE: Invoice copy {o}",
                "Thanks. But {r} still has the old price - can you credit the diff?",
            ),
            (
                "formal",
                "Invoice query",
                "Dear Sir or Madam,\n\nWe kindly request a credit note for your invoice {r}, which charges {q1} units whereas the signed delivery note shows {q2}.\n\nYours faithfully,",
            ),
        ],
        "de": [
            ("one-line", "", "Rg. {r} Preis falsch, bitte GS"),
            (
                "shorthand",
                "Rg. {r}",
                "Rg. {r}: LS {q2} Stk., berechnet {q1}. Bitte GS über Differenz, bis dahin gesperrt.",
            ),
            ("subject-only", "Rg. {r} - Menge falsch, bitte GS", "s. Betreff"),
            (
                "bullets",
                "Ein paar Punkte",
                "Hallo,\n\n- neue Anlieferzeiten ab Januar 7-15 Uhr\n- Rg. {r}: {q1} berechnet, {q2} erhalten - bitte GS\n- sonst alles ok\n\nGruß",
            ),
            (
                "reply-on-ours",
                "AW: Rechnungskopie {o}",
                "Danke. Aber {r} hat noch den alten Preis - bitte GS über die Differenz.",
            ),
            (
                "formal",
                "Beanstandung",
                "Sehr geehrte Damen und Herren,\n\nwir bitten höflich um eine Gutschrift zu Ihrer Rechnung {r}: berechnet wurden {q1} Einheiten, laut unterschriebenem Lieferschein erhalten {q2}.\n\nMit freundlichen Grüßen",
            ),
        ],
        "fr": [
            ("one-line", "", "fact. {r} prix faux, avoir svp"),
            (
                "shorthand",
                "Fra. {r}",
                "Fra. {r} : BL {q2} colis, facturé {q1}. Avoir svp pour l'écart, bloquée d'ici là.",
            ),
            ("subject-only", "Fact. {r} - qté erronée, avoir svp", ""),
            (
                "bullets",
                "Divers",
                "Bonjour,\n\n- nouveaux horaires de réception en janvier : 7h-15h\n- fact. {r} : {q1} facturés, {q2} reçus - avoir svp\n- le reste est OK\n\nMerci",
            ),
            (
                "reply-on-ours",
                "RE: Copie de facture {o}",
                "Merci. Mais la {r} est encore à l'ancien tarif - un avoir pour l'écart svp ?",
            ),
            (
                "formal",
                "Réclamation",
                "Madame, Monsieur,\n\nNous vous saurions gré d'établir un avoir sur votre facture {r}, qui porte sur {q1} unités alors que le bon de livraison signé n'en mentionne que {q2}.\n\nVeuillez agréer nos salutations distinguées.",
            ),
        ],
        "es": [
            ("one-line", "", "fra {r} precio mal, abono pls"),
            (
                "shorthand",
                "Fra. {r}",
                "Fra. {r}: albarán {q2} cajas, facturado {q1}. Abono por la dif. pls, bloqueada hasta entonces.",
            ),
            ("subject-only", "Fra. {r} - cantidad errónea, abono pls", "ver asunto"),
            (
                "bullets",
                "Cosillas",
                "Hola,\n\n- horario de descarga en enero: 7-15h\n- fra. {r}: facturadas {q1}, recibidas {q2} - abono pls\n- lo demás bien\n\nSaludos",
            ),
            (
                "reply-on-ours",
                "RE: Copia de factura {o}",
                "Gracias. Pero la {r} sigue con el precio antiguo - ¿nos hacéis abono por la dif.?",
            ),
            (
                "formal",
                "Reclamación de factura",
                "Estimados señores:\n\nLes agradeceríamos la emisión de un abono sobre su factura {r}, en la que se facturan {q1} unidades cuando el albarán firmado recoge {q2}.\n\nAtentamente,",
            ),
        ],
        "nl": [
            ("one-line", "", "fact {r} prijs fout, CN aub"),
            (
                "shorthand",
                "Fact. {r}",
                "Fact. {r}: pakbon {q2} doos, gefactureerd {q1}. Graag CN voor het verschil, tot dan geblokkeerd.",
            ),
            ("subject-only", "Fact. {r} - aantal fout, CN aub", ""),
            (
                "bullets",
                "Paar zaken",
                "Hoi,\n\n- nieuwe lostijden vanaf januari 7-15u\n- fact. {r}: {q1} gefactureerd, {q2} ontvangen - CN aub\n- rest is ok\n\nGroet",
            ),
            (
                "reply-on-ours",
                "RE: Kopie factuur {o}",
                "Dank. Maar {r} staat nog op de oude prijs - graag een CN voor het verschil.",
            ),
            (
                "formal",
                "Bezwaar factuur",
                "Geachte heer, mevrouw,\n\nWij verzoeken u vriendelijk een creditnota op te maken voor uw factuur {r}: gefactureerd zijn {q1} eenheden, volgens de getekende pakbon ontvangen {q2}.\n\nHoogachtend,",
            ),
        ],
    },
    "promise_to_pay": {
        "en": [
            ("one-line", "", "inv {r} pmt {p}"),
            ("shorthand", "Pmt ETA", "ETA of pmt for inv {r}: {p}, in the next pay run. Thx"),
            ("subject-only", "Inv {r} - pmt {p}", ""),
            (
                "bullets",
                "Updates",
                "Hi,\n\n- inv {r} approved, pmt {p}\n- new bank details on our side from Jan\n- PO for Q1 to follow\n\nThx",
            ),
            (
                "reply-on-ours",
                "RE: Invoice copy {o}",
                "Thanks - {r} goes out {p}, the rest with the next run.",
            ),
            (
                "formal",
                "Payment advice",
                "Dear Sir or Madam,\n\nPlease be advised that settlement of your invoice {r} will be made {p}.\n\nYours faithfully,",
            ),
        ],
        "de": [
            ("one-line", "", "Rg. {r} Zlg. {p}"),
            ("shorthand", "Zlg.-Termin", "Zlg. Rg. {r} erfolgt {p} mit dem nächsten Lauf. Dke"),
            ("subject-only", "Rg. {r} - Zlg. {p}", "s. Betreff"),
            (
                "bullets",
                "Info",
                "Hallo,\n\n- Rg. {r} freigegeben, Zlg. {p}\n- neue Bankverbindung bei uns ab Januar\n- Bestellung Q1 folgt\n\nGruß",
            ),
            (
                "reply-on-ours",
                "AW: Rechnungskopie {o}",
                "Danke - {r} geht {p} raus, der Rest mit dem nächsten Lauf.",
            ),
            (
                "formal",
                "Zahlungsavis",
                "Sehr geehrte Damen und Herren,\n\nhiermit teilen wir Ihnen mit, dass der Ausgleich Ihrer Rechnung {r} {p} erfolgt.\n\nMit freundlichen Grüßen",
            ),
        ],
        "fr": [
            ("one-line", "", "fact. {r} règlt {p}"),
            ("shorthand", "Date de règlt", "Règlt fra. {r} : vir. {p}, prochain lot. Merci"),
            ("subject-only", "Fact. {r} - vir. {p}", "cf. objet"),
            (
                "bullets",
                "Infos",
                "Bonjour,\n\n- fact. {r} validée, vir. {p}\n- nouveau RIB chez nous à partir de janvier\n- commande T1 à suivre\n\nMerci",
            ),
            (
                "reply-on-ours",
                "RE: Copie de facture {o}",
                "Merci - la {r} part {p}, le reste au prochain lot.",
            ),
            (
                "formal",
                "Avis de règlement",
                "Madame, Monsieur,\n\nNous vous informons que le règlement de votre facture {r} interviendra {p}.\n\nVeuillez agréer nos salutations distinguées.",
            ),
        ],
        "es": [
            ("one-line", "", "fra {r} pago {p}"),
            ("shorthand", "Fecha pago", "Pago fra. {r}: transf. {p}, próxima remesa. Gracias"),
            ("subject-only", "Fra. {r} - pago {p}", ""),
            (
                "bullets",
                "Novedades",
                "Hola,\n\n- fra. {r} aprobada, pago {p}\n- nuevos datos bancarios nuestros desde enero\n- pedido T1 a continuación\n\nSaludos",
            ),
            (
                "reply-on-ours",
                "RE: Copia de factura {o}",
                "Gracias - la {r} sale {p}, el resto en la próxima remesa.",
            ),
            (
                "formal",
                "Aviso de pago",
                "Estimados señores:\n\nLes comunicamos que el pago de su factura {r} se efectuará {p}.\n\nAtentamente,",
            ),
        ],
        "nl": [
            ("one-line", "", "fact {r} betaling {p}"),
            ("shorthand", "Betaaldatum", "Betaling fact. {r}: {p}, volgende run. Dank"),
            ("subject-only", "Fact. {r} - betaling {p}", "zie onderwerp"),
            (
                "bullets",
                "Updates",
                "Hoi,\n\n- fact. {r} goedgekeurd, betaling {p}\n- nieuwe bankgegevens bij ons vanaf januari\n- bestelling Q1 volgt\n\nGroet",
            ),
            (
                "reply-on-ours",
                "RE: Kopie factuur {o}",
                "Dank - {r} gaat {p} de deur uit, de rest met de volgende run.",
            ),
            (
                "formal",
                "Betalingsbericht",
                "Geachte heer, mevrouw,\n\nHierbij delen wij u mee dat de betaling van uw factuur {r} {p} zal plaatsvinden.\n\nHoogachtend,",
            ),
        ],
    },
}

# our own earlier answer, quoted below a reply: (header, text); {o} is the invoice we sent
OUR_ANSWER = {
    "en": ("From: Accounts Receivable <ar@arbox.example>\nSent: {when}\nTo: {to}\nSubject: Invoice copy {o}",
           "Dear customer,\n\nplease find attached a copy of invoice {o}.\n\nKind regards\nAccounts Receivable"),
    "de": ("Von: Debitorenbuchhaltung <ar@arbox.example>\nGesendet: {when}\nAn: {to}\nBetreff: Rechnungskopie {o}",
           "Sehr geehrte Damen und Herren,\n\nanbei die Kopie der Rechnung {o}.\n\nFreundliche Grüße\nDebitorenbuchhaltung"),
    "fr": ("De : Comptabilité clients <ar@arbox.example>\nEnvoyé : {when}\nÀ : {to}\nObjet : Copie de facture {o}",
           "Madame, Monsieur,\n\nveuillez trouver ci-joint la copie de la facture {o}.\n\nCordialement\nComptabilité clients"),
    "es": ("De: Cuentas a cobrar <ar@arbox.example>\nEnviado: {when}\nPara: {to}\nAsunto: Copia de factura {o}",
           "Estimado cliente:\n\nadjuntamos copia de la factura {o}.\n\nUn saludo\nCuentas a cobrar"),
    "nl": ("Van: Debiteurenadministratie <ar@arbox.example>\nVerzonden: {when}\nAan: {to}\nOnderwerp: Kopie factuur {o}",
           "Geachte klant,\n\nin de bijlage vindt u een kopie van factuur {o}.\n\nMet vriendelijke groet\nDebiteurenadministratie"),
}  # fmt: skip

PHONE_FOOTER = {
    "en": ["Sent from my phone", "Sent from mobile - excuse typos", ""],
    "de": ["Von unterwegs gesendet", "Gesendet vom Handy", ""],
    "fr": ["Envoyé de mon mobile", "Envoyé depuis mon téléphone", ""],
    "es": ["Enviado desde el móvil", "Enviado desde mi teléfono", ""],
    "nl": ["Verzonden vanaf mijn telefoon", "Verstuurd vanaf mobiel", ""],
}

# promised days: weekday abbreviations, month abbreviations, ordinal words 1..12
WD_ABBR = {
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri"],
    "de": ["Mo.", "Di.", "Mi.", "Do.", "Fr."],
    "fr": ["lun.", "mar.", "mer.", "jeu.", "ven."],
    "es": ["lun.", "mar.", "miér.", "jue.", "vie."],
    "nl": ["ma", "di", "wo", "do", "vr"],
}
MON_ABBR = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "de": ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sep.", "Okt.", "Nov.", "Dez."],
    "fr": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."],
    "es": ["ene.", "feb.", "mar.", "abr.", "may.", "jun.", "jul.", "ago.", "sept.", "oct.", "nov.", "dic."],
    "nl": ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
}  # fmt: skip
WORDS = {
    "en": ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
           "tenth", "eleventh", "twelfth"],
    "de": ["ersten", "zweiten", "dritten", "vierten", "fünften", "sechsten", "siebten", "achten",
           "neunten", "zehnten", "elften", "zwölften"],
    "fr": ["premier", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
           "onze", "douze"],
    "es": ["uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez",
           "once", "doce"],
    "nl": ["eerste", "tweede", "derde", "vierde", "vijfde", "zesde", "zevende", "achtste",
           "negende", "tiende", "elfde", "twaalfde"],
}  # fmt: skip
IN_WORDS = {
    "en": "on the {w} of {m}",
    "de": "am {w} {m}",
    "fr": "le {w} {m}",
    "es": "el {w} de {m}",
    "nl": "op de {w} {m}",
}
END_NEXT_WEEK = {
    "en": "end of next wk",
    "de": "Ende kommender Woche",
    "fr": "fin de semaine prochaine",
    "es": "a finales de la semana que viene",
    "nl": "eind komende week",
}
