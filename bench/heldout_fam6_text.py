# long: held-out families as their author wrote them from a description (bench/HELDOUT.md); kept whole, apart from the code it measures.
"""Held-out world, the sixth set of added families (bench/HELDOUT.md, "Families added
2026-12-07 (fam6)"): the words of ``fam6-chatty``, questions written the way busy people write
mail. Written from how customers and AP clerks write, not from arbox's code, and none of the
sentences of the earlier families' phrase lists is used again.

Each need is a (kinds, text) pair. Kinds: ``fact`` (the need stated as a fact or a
consequence), ``ask`` (a request, but buried in a longer mail), ``nonnative`` (written by
someone whose first language it is not: small spelling mistakes, missing accents), ``mixed``
(the customer's language with an English phrase in it), ``subj`` (the invoice is named in the
subject only: the body says "the invoice in the subject", "this one").
{r} {r2}: invoices as the customer writes them; {q1} {q2}: quantities; {p}: a promised day.
"""

from __future__ import annotations

NEED: dict[str, dict[str, list[tuple[str, str]]]] = {
    "invoice_copy_request": {
        "en": [
            ("fact", "Our month-end close is blocked on invoice {r} - it shows on your reminder, but there is no document for it anywhere on our side, so AP can't post it."),
            ("fact", "The auditors keep asking about {r}: they want to see the actual invoice, not just a line on a list."),
            ("ask subj", "Would you mind popping the invoice in the subject line over to me again? The original seems to have gone to someone who left us in October."),
            ("nonnative", "We did not received the invoice {r} until now, kindly send us one copy on this adress."),
            ("fact", "Our scanning provider lost a batch of October post, and {r} and {r2} were in it, so we have nothing on file for either of them."),
            ("ask", "If you could re-send {r} as a PDF to this mailbox I'd be grateful - our approval workflow only picks up attachments that arrive here."),
        ],
        "de": [
            ("fact", "unser Monatsabschluss hängt an der Rechnung {r}: Sie steht in Ihrer Mahnung, aber der Beleg liegt uns nirgends vor, deshalb kann sie nicht gebucht werden."),
            ("fact subj", "die Rechnung aus dem Betreff ist bei uns nie im Rechnungseingang gelandet, die Freigabe kann so gar nicht erst starten."),
            ("nonnative", "leider haben wir die Rechnug {r} bis heute nicht bekomen, bitte schiken Sie uns diese nochmal."),
            ("mixed", "kurze Info: für die Rechnung {r} fehlt uns noch das PDF, ohne das geht der approval workflow bei uns nicht weiter."),
            ("ask", "wären Sie so nett, uns {r} und {r2} noch einmal als PDF zu schicken? Die Originale sind beim Scannen verloren gegangen."),
        ],
        "fr": [
            ("fact", "la facture {r} figure dans votre relance mais nous n'en avons aucune trace papier ni PDF, donc impossible de la comptabiliser avant la clôture."),
            ("nonnative", "nous n'avons pas recu la facture {r}, est ce que vous pouvez la renvoyer a cette adresse svp."),
            ("fact subj", "la facture en objet n'est jamais arrivée dans notre outil de dématérialisation, et le circuit de validation reste bloqué."),
            ("mixed", "pour la facture {r}, il nous manque le PDF ; notre AP team ne peut rien en faire sans."),
            ("ask", "pourriez-vous me faire suivre à nouveau les factures {r} et {r2} ? Les originaux ont été égarés lors du déménagement de nos bureaux."),
        ],
        "es": [
            ("fact", "tenemos el cierre de mes parado por la factura {r}: aparece en su recordatorio, pero el documento no lo tenemos en ningún sitio."),
            ("nonnative", "no hemos recibido la factura {r}, por favor envienla otra vez a este correo, gracias."),
            ("fact subj", "la factura del asunto no ha llegado nunca a nuestro buzón de facturas, así que no podemos registrarla."),
            ("mixed", "de la factura {r} nos falta el PDF y sin él el approval flow no avanza."),
            ("ask", "¿sería posible que nos reenviaran {r} y {r2}? Los originales se perdieron con el cambio de oficina."),
        ],
        "nl": [
            ("fact", "onze maandafsluiting loopt vast op factuur {r}: hij staat in uw herinnering, maar het document zelf hebben wij nergens."),
            ("nonnative", "wij hebben de faktuur {r} nog steeds niet ontvangen, kunt u die nog een keer sturen naar dit adres."),
            ("fact subj", "de factuur uit het onderwerp is nooit in onze factuurmailbox terechtgekomen, dus de goedkeuring kan niet eens beginnen."),
            ("mixed", "van factuur {r} missen we nog de pdf; zonder die kan onze AP afdeling de approval niet doen."),
            ("ask", "zou u {r} en {r2} nog eens als pdf kunnen mailen? De originelen zijn bij de verhuizing zoekgeraakt."),
        ],
    },
    "statement_request": {
        "en": [
            ("fact", "The auditors keep asking for a confirmation of our open items with you, and all I can show them is our own ledger."),
            ("fact", "Our month-end reconciliation of your account won't balance, and I can't find the difference without your full list of open items and credits."),
            ("ask", "When you get a minute, would you mind sending over an up-to-date statement of our account? Credits included, if possible."),
            ("nonnative", "For our closing we need from you the account statement with all the open postions, please."),
            ("fact", "Your reminder and our books don't agree, so I'll have to go through it line by line against a statement of account from your side."),
        ],
        "de": [
            ("fact", "die Wirtschaftsprüfer fragen ständig nach einer Bestätigung unserer offenen Posten bei Ihnen, und ich kann ihnen nur unsere eigene Liste zeigen."),
            ("fact", "unser Kreditorenkonto bei Ihnen lässt sich zum Monatsende nicht abstimmen; ohne Ihre Aufstellung aller offenen Posten finde ich die Differenz nicht."),
            ("mixed", "für den Saldenabgleich bräuchten wir ein aktuelles statement of account, am liebsten mit allen Gutschriften."),
            ("nonnative", "wir brauchen für die Abschlus eine Kontoauszug von Ihre Seite mit alle offene Posten."),
            ("ask", "wenn es Ihre Zeit erlaubt, schicken Sie mir doch bitte einen aktuellen Kontoauszug, gern als PDF."),
        ],
        "fr": [
            ("fact", "nos commissaires aux comptes réclament sans cesse une confirmation de nos encours chez vous, et je n'ai que notre grand livre à leur montrer."),
            ("fact", "le lettrage de votre compte fournisseur ne tombe pas juste ce mois-ci ; sans votre relevé détaillé je ne trouve pas l'écart."),
            ("nonnative", "pour la cloture nous avons besoin d'un releve de compte complet avec les avoirs, merci."),
            ("mixed", "pour notre réconciliation, un statement of account à jour nous aiderait beaucoup."),
            ("ask", "dès que vous aurez un moment, pourriez-vous m'adresser le relevé de compte à jour ?"),
        ],
        "es": [
            ("fact", "los auditores no paran de pedirnos la confirmación de partidas abiertas con ustedes y solo puedo enseñarles nuestro mayor."),
            ("fact", "la conciliación de su cuenta no nos cuadra este mes y sin su detalle de partidas abiertas no encuentro la diferencia."),
            ("nonnative", "para el cierre necesitamos el estracto de cuenta con todas las partidas abiertas y abonos, gracias."),
            ("mixed", "para la reconciliación nos vendría genial un statement of account actualizado."),
            ("ask", "cuando tenga un momento, ¿me manda el extracto de cuenta actualizado, con los abonos incluidos?"),
        ],
        "nl": [
            ("fact", "de accountant blijft vragen om een bevestiging van onze openstaande posten bij u, en ik heb alleen onze eigen lijst."),
            ("fact", "de aansluiting van uw crediteurenrekening klopt deze maand niet; zonder uw overzicht van alle open posten vind ik het verschil niet."),
            ("nonnative", "voor de afsluiting hebben wij nodig een rekening overzicht met alle open posten en credit nota's."),
            ("mixed", "voor onze reconciliation zou een actueel statement of account heel fijn zijn."),
            ("ask", "als u even tijd heeft, wilt u mij dan een actueel rekeningoverzicht mailen?"),
        ],
    },
    "balance_inquiry": {
        "en": [
            ("fact", "Our cash forecast for December is waiting on one figure from you: the total we still owe on our account."),
            ("fact", "Treasury won't release the next payment run until I can tell them what is actually outstanding with you."),
            ("ask subj", "What's left to pay on the invoice in the subject? We paid something against it in October but I'm not sure it covered everything."),
            ("nonnative", "Please inform us how much is still opened on our account by you."),
            ("fact", "I have to know the remaining amount on {r} before I book the accrual."),
        ],
        "de": [
            ("fact", "für unsere Liquiditätsplanung Dezember fehlt mir nur eine Zahl: was wir Ihnen insgesamt noch schulden."),
            ("fact", "unsere Treasury gibt den nächsten Zahllauf erst frei, wenn ich sagen kann, was bei Ihnen tatsächlich noch offen ist."),
            ("nonnative", "konnen Sie uns sagen wieviel noch offen ist auf unsere Konto?"),
            ("mixed", "kurze Frage zum outstanding amount: wie viel ist auf {r} noch offen?"),
            ("ask subj", "wie viel ist auf der Rechnung im Betreff noch offen? Wir haben im Oktober schon einen Teil überwiesen."),
        ],
        "fr": [
            ("fact", "notre prévision de trésorerie de décembre n'attend plus qu'un chiffre de votre part : le total que nous vous devons encore."),
            ("fact", "la trésorerie ne lancera pas la prochaine campagne tant que je ne sais pas ce qui reste réellement ouvert chez vous."),
            ("nonnative", "pouvez vous nous dire combien il reste a payer sur notre compte ? merci"),
            ("mixed", "petite question sur le outstanding : combien reste-t-il sur {r} ?"),
            ("ask subj", "combien reste-t-il à régler sur la facture en objet ? Un acompte a été versé en octobre."),
        ],
        "es": [
            ("fact", "la previsión de tesorería de diciembre solo espera un dato suyo: el total que todavía les debemos."),
            ("fact", "tesorería no libera la próxima remesa hasta que yo sepa qué está realmente pendiente con ustedes."),
            ("nonnative", "me podrian decir cuanto queda pendiente en nuestra cuenta? gracias"),
            ("mixed", "una consulta rápida sobre el outstanding balance: ¿cuánto queda de {r}?"),
            ("ask subj", "¿cuánto queda por pagar de la factura del asunto? En octubre hicimos un pago parcial."),
        ],
        "nl": [
            ("fact", "voor onze liquiditeitsprognose van december mis ik nog één bedrag van u: wat wij in totaal nog schuldig zijn."),
            ("fact", "treasury geeft de volgende betaalrun pas vrij als ik kan zeggen wat er bij u werkelijk nog openstaat."),
            ("nonnative", "kunt u ons laten weten hoeveel er nog open staat op ons rekening?"),
            ("mixed", "korte vraag over het outstanding balance: hoeveel staat er nog open op {r}?"),
            ("ask subj", "hoeveel staat er nog open op de factuur uit het onderwerp? In oktober hebben we al een deel betaald."),
        ],
    },
    "dispute": {
        "en": [
            ("fact", "The goods on {r} went back to your driver on the day of delivery - the pallet was crushed - so there is nothing for us to pay on it."),
            ("fact", "Goods-in only signed for {q2} of the {q1} units billed on {r}; the rest never left your warehouse as far as we can tell."),
            ("fact subj", "The invoice in the subject is charged at the old price list; we moved to the new rates on 1 October, as agreed with your sales team."),
            ("nonnative", "The invoice {r} is not correct, we have ordered only {q2} pieces and you have charged {q1}."),
            ("fact", "{r} and {r2} are for the same delivery note, so one of them shouldn't exist."),
        ],
        "de": [
            ("fact", "die Ware zu {r} ist am Liefertag direkt wieder mit Ihrem Fahrer zurückgegangen (Palette eingedrückt), da ist also nichts zu zahlen."),
            ("fact", "laut Wareneingang sind von den {q1} berechneten Einheiten auf {r} nur {q2} angekommen."),
            ("fact subj", "die Rechnung im Betreff ist noch mit der alten Preisliste gerechnet, seit 1. Oktober gelten die neuen Konditionen."),
            ("nonnative", "die Rechnung {r} stimmt nicht, wir haben nur {q2} Stück bestelt und Sie haben {q1} berechnet."),
            ("mixed", "bei {r} und {r2} handelt es sich um dieselbe Lieferung, also eindeutig eine duplicate invoice."),
        ],
        "fr": [
            ("fact", "la marchandise de {r} est repartie avec votre chauffeur le jour même (palette écrasée) : il n'y a donc rien à régler."),
            ("fact", "notre réception n'a signé que pour {q2} des {q1} unités facturées sur {r}."),
            ("fact subj", "la facture en objet est calculée sur l'ancien tarif, alors que les nouvelles conditions s'appliquent depuis le 1er octobre."),
            ("nonnative", "la facture {r} n'est pas juste, on a commande {q2} pieces seulement et vous avez facture {q1}."),
            ("mixed", "{r} et {r2} portent sur le même bon de livraison, c'est un duplicate."),
        ],
        "es": [
            ("fact", "la mercancía de {r} volvió con su transportista el mismo día de la entrega (palé aplastado), así que no hay nada que pagar."),
            ("fact", "en recepción solo firmaron {q2} de las {q1} unidades facturadas en {r}."),
            ("fact subj", "la factura del asunto está calculada con la tarifa antigua, y desde el 1 de octubre rigen las nuevas condiciones."),
            ("nonnative", "la factura {r} no esta correcta, pedimos solo {q2} unidades y nos cobraron {q1}."),
            ("mixed", "{r} y {r2} son del mismo albarán, es un duplicate."),
        ],
        "nl": [
            ("fact", "de goederen van {r} zijn op de dag van levering direct met uw chauffeur teruggegaan (pallet ingedeukt), er valt dus niets te betalen."),
            ("fact", "onze ontvangst heeft maar voor {q2} van de {q1} gefactureerde stuks getekend op {r}."),
            ("fact subj", "de factuur in het onderwerp is nog met de oude prijslijst berekend, terwijl sinds 1 oktober de nieuwe tarieven gelden."),
            ("nonnative", "de factuur {r} klopt niet, wij hebben alleen {q2} stuks besteld en u heeft {q1} gerekend."),
            ("mixed", "{r} en {r2} gaan over dezelfde pakbon, dus een duplicate invoice."),
        ],
    },
    "promise_to_pay": {
        "en": [
            ("fact", "{r} is approved and sits in the batch that goes to the bank {p}."),
            ("fact", "The CFO signed off the overdue items this morning; the transfer for {r} and {r2} is released {p}."),
            ("fact subj", "This one got stuck in approval while I was off. It's cleared now and will be paid {p}."),
            ("nonnative", "We will make the payment of {r} {p}, sorry for the delay."),
            ("fact", "The whole open balance is in our next run, which goes out {p}."),
        ],
        "de": [
            ("fact", "{r} ist freigegeben und liegt im Zahlungslauf, der {p} an die Bank geht."),
            ("fact", "unsere Geschäftsführung hat die überfälligen Posten heute früh abgezeichnet; die Überweisung für {r} und {r2} geht {p} raus."),
            ("fact subj", "die Rechnung hing während meines Urlaubs in der Freigabe fest, jetzt ist sie durch und wird {p} bezahlt."),
            ("nonnative", "wir werden die Rechnung {r} {p} bezahlen, entschuldigung für die Verspätung."),
            ("mixed", "der gesamte offene Betrag ist im nächsten payment run, der {p} läuft."),
        ],
        "fr": [
            ("fact", "{r} est validée et fait partie du lot transmis à la banque {p}."),
            ("fact", "notre DAF a signé les factures en retard ce matin ; le virement pour {r} et {r2} partira {p}."),
            ("fact subj", "cette facture était bloquée dans le circuit de validation pendant mon absence ; elle est débloquée et sera payée {p}."),
            ("nonnative", "nous allons payer la facture {r} {p}, desole pour le retard."),
            ("mixed", "tout le solde ouvert est dans le prochain payment run, qui part {p}."),
        ],
        "es": [
            ("fact", "{r} está aprobada y va en el lote que mandamos al banco {p}."),
            ("fact", "el director financiero firmó esta mañana lo vencido; la transferencia de {r} y {r2} sale {p}."),
            ("fact subj", "esta factura se quedó atascada en aprobación mientras yo estaba de vacaciones; ya está liberada y se paga {p}."),
            ("nonnative", "vamos a pagar la factura {r} {p}, perdon por el retraso."),
            ("mixed", "todo el saldo pendiente entra en el próximo payment run, que sale {p}."),
        ],
        "nl": [
            ("fact", "{r} is goedgekeurd en zit in de batch die {p} naar de bank gaat."),
            ("fact", "onze CFO heeft vanochtend de achterstallige posten getekend; de overboeking voor {r} en {r2} gaat {p} de deur uit."),
            ("fact subj", "deze factuur hing tijdens mijn vakantie vast in de goedkeuring; nu is hij vrijgegeven en wordt hij {p} betaald."),
            ("nonnative", "wij gaan de factuur {r} {p} betalen, sorry voor de vertraging."),
            ("mixed", "het hele openstaande saldo zit in de volgende payment run, die {p} loopt."),
        ],
    },
}  # fmt: skip

# what the customer does NOT need: another intent, said in passing (tag "negation")
NEGATION: dict[str, dict[str, list[str]]] = {
    "invoice_copy_request": {
        "en": ["I'm not after a statement this time, just that one document.", "The balance I know - it's only the paperwork that's missing."],
        "de": ["Einen Kontoauszug brauche ich diesmal nicht, nur diesen einen Beleg.", "Um den Saldo geht es nicht, nur um das Dokument."],
        "fr": ["Je n'ai pas besoin d'un relevé cette fois-ci, seulement de ce document.", "Ce n'est pas une question de solde, c'est juste la pièce qui manque."],
        "es": ["Esta vez no necesito el extracto, solo ese documento.", "No es por el saldo, solo nos falta el papel."],
        "nl": ["Een rekeningoverzicht hoeft deze keer niet, alleen dat ene document.", "Het gaat niet om het saldo, alleen het document ontbreekt."],
    },
    "statement_request": {
        "en": ["I'm not asking for copies of the invoices themselves.", "We have all the invoices - it's the overview from your side I'm missing."],
        "de": ["Die einzelnen Rechnungen haben wir alle, es fehlt nur Ihre Gesamtsicht.", "Rechnungskopien sind damit nicht gemeint."],
        "fr": ["Nous avons toutes les factures, c'est la vue d'ensemble de votre côté qui manque.", "Je ne vous demande pas de copies de factures."],
        "es": ["Las facturas las tenemos todas, lo que falta es su visión de conjunto.", "No le pido copias de facturas."],
        "nl": ["De facturen zelf hebben we allemaal, het gaat om uw totaaloverzicht.", "Ik vraag niet om kopiefacturen."],
    },
    "balance_inquiry": {
        "en": ["We're not disputing anything, I just need the number.", "A full statement would be overkill, one figure will do."],
        "de": ["Wir reklamieren nichts, ich brauche nur die Zahl.", "Ein kompletter Kontoauszug wäre zu viel, eine Zahl reicht."],
        "fr": ["Nous ne contestons rien, il me faut juste le chiffre.", "Pas la peine de m'envoyer tout le relevé, un montant suffit."],
        "es": ["No reclamamos nada, solo necesito la cifra.", "No hace falta mandar el extracto completo, con un importe basta."],
        "nl": ["We betwisten niets, ik heb alleen het bedrag nodig.", "Een heel overzicht is niet nodig, één bedrag is genoeg."],
    },
    "promise_to_pay": {
        "en": ["There's nothing wrong with the invoice, it just slipped through.", "No dispute on our side - it was purely an approval delay."],
        "de": ["An der Rechnung ist nichts auszusetzen, sie ist nur durchgerutscht.", "Eine Reklamation gibt es nicht, es lag nur an der Freigabe."],
        "fr": ["La facture n'est pas contestée, elle nous a simplement échappé.", "Aucun litige de notre côté, c'était juste un retard de validation."],
        "es": ["La factura está bien, simplemente se nos pasó.", "No hay ninguna reclamación, fue solo un retraso en la aprobación."],
        "nl": ["Er is niets mis met de factuur, hij is er gewoon tussendoor geglipt.", "Geen geschil van onze kant, het was puur een vertraging in de goedkeuring."],
    },
    "dispute": {
        "en": ["Please don't send another copy - we have the invoice, it's what is on it that's wrong.", "Until that's sorted, this one stays out of our payment run."],
        "de": ["Eine Kopie brauchen wir nicht, die Rechnung liegt vor – nur der Inhalt stimmt nicht.", "Bis das geklärt ist, nehmen wir sie nicht in den Zahllauf."],
        "fr": ["Inutile de nous renvoyer la facture, nous l'avons : c'est son contenu qui pose problème.", "Tant que ce n'est pas réglé, elle reste hors de notre campagne de paiement."],
        "es": ["No nos manden otra copia, la factura la tenemos: lo que falla es el contenido.", "Hasta que se aclare, no entra en la remesa de pagos."],
        "nl": ["Een kopie is niet nodig, de factuur hebben we: de inhoud klopt niet.", "Tot dit is opgelost, gaat hij niet mee in de betaalrun."],
    },
}  # fmt: skip

GREET = {
    "en": ["Hi Sarah,", "Morning Sarah,", "Hello again,", "Hi there,", "Dear Accounts team,", "Good morning all,"],
    "de": ["Hallo Frau Albers,", "Guten Morgen zusammen,", "Moin,", "Hallo zusammen,", "Liebes Debitorenteam,"],
    "fr": ["Bonjour Claire,", "Bonjour à vous,", "Bonjour Madame Albers,", "Re-bonjour,", "Bonjour à toute l'équipe,"],
    "es": ["Hola Marta,", "Buenos días, Marta:", "Hola de nuevo,", "Buenas,", "Hola equipo,"],
    "nl": ["Hoi Sanne,", "Goedemorgen Sanne,", "Hallo allemaal,", "Beste collega's,", "Dag Sanne,"],
}  # fmt: skip

# the first paragraph: small talk or context, nothing asked yet
OPEN = {
    "en": ["Hope you had a good week. It's been chaos here since we moved the warehouse to the new site, so apologies if I've been slow on e-mails.",
           "Thanks again for sorting out the delivery address last month, that made life a lot easier for our goods-in team.",
           "I've just taken over the supplier accounts from my colleague who moved to treasury, so bear with me while I find my way around.",
           "We're in the middle of year-end prep and everything is taking twice as long as it should.",
           "Quick one from me, I'm between meetings today.",
           "First of all, thanks for the quick turnaround on the last order - the site team were really pleased."],
    "de": ["ich hoffe, bei Ihnen ist alles gut. Bei uns geht es seit dem Umzug des Lagers drunter und drüber, entschuldigen Sie also die langsamen Antworten.",
           "vielen Dank noch einmal für die schnelle Hilfe mit der Lieferadresse letzten Monat.",
           "ich habe vor Kurzem die Kreditorenbuchhaltung von meiner Kollegin übernommen, die in die Treasury gewechselt ist, und arbeite mich noch ein.",
           "wir stecken mitten in den Vorbereitungen für den Jahresabschluss, alles dauert gerade doppelt so lang.",
           "nur ganz kurz zwischen zwei Terminen.",
           "zunächst danke für die schnelle Lieferung letzte Woche, die Baustelle war sehr zufrieden."],
    "fr": ["j'espère que tout va bien de votre côté. Chez nous c'est un peu la course depuis le déménagement de l'entrepôt, désolée pour les réponses tardives.",
           "merci encore pour votre aide sur l'adresse de livraison le mois dernier.",
           "je viens de reprendre la comptabilité fournisseurs après le départ de ma collègue à la trésorerie, je prends encore mes marques.",
           "nous sommes en pleine préparation de la clôture annuelle, tout prend deux fois plus de temps.",
           "petit message rapide entre deux réunions.",
           "tout d'abord merci pour la livraison rapide de la semaine dernière, le chantier était ravi."],
    "es": ["espero que vaya todo bien por ahí. Aquí andamos liados desde el traslado del almacén, perdonen si tardo en contestar.",
           "gracias otra vez por la ayuda con la dirección de entrega el mes pasado.",
           "acabo de hacerme cargo de las cuentas de proveedores porque mi compañera se ha ido a tesorería, así que todavía me estoy situando.",
           "estamos preparando el cierre del ejercicio y todo va el doble de lento.",
           "les escribo rápido entre dos reuniones.",
           "antes de nada, gracias por la entrega tan rápida de la semana pasada, en obra quedaron muy contentos."],
    "nl": ["ik hoop dat alles goed gaat bij jullie. Hier is het een gekkenhuis sinds de verhuizing van het magazijn, excuses voor de trage reacties.",
           "nogmaals bedankt voor de hulp met het afleveradres vorige maand.",
           "ik heb onlangs de crediteurenadministratie overgenomen van mijn collega die naar treasury is gegaan, dus ik moet nog even wennen.",
           "we zitten midden in de voorbereiding van de jaarafsluiting, alles duurt twee keer zo lang.",
           "even snel tussen twee vergaderingen door.",
           "allereerst bedankt voor de snelle levering van vorige week, de bouwplaats was erg tevreden."],
}  # fmt: skip

# a second paragraph before the need, about something else
ASIDE = {
    "en": ["On another note, the new delivery slots work much better for us, so thanks for that.",
           "Also, my direct line has changed - it's in the signature below.",
           "By the way, we're closed between Christmas and New Year, in case anything comes up."],
    "de": ["Nebenbei: Die neuen Lieferzeitfenster passen uns viel besser, danke dafür.",
           "Außerdem hat sich meine Durchwahl geändert, sie steht unten in der Signatur.",
           "Übrigens sind wir zwischen den Jahren geschlossen, falls etwas anliegt."],
    "fr": ["Par ailleurs, les nouveaux créneaux de livraison nous conviennent beaucoup mieux, merci.",
           "Au passage, ma ligne directe a changé, elle est dans la signature ci-dessous.",
           "Pour info, nous serons fermés entre Noël et le jour de l'an."],
    "es": ["Por cierto, las nuevas franjas de entrega nos vienen mucho mejor, gracias.",
           "Además, ha cambiado mi teléfono directo, lo tienen en la firma.",
           "Les aviso también de que cerramos entre Navidad y Año Nuevo."],
    "nl": ["Verder bevallen de nieuwe levertijden ons veel beter, dank daarvoor.",
           "Mijn directe nummer is trouwens veranderd, het staat hieronder in de handtekening.",
           "Ter info: wij zijn gesloten tussen kerst en oud en nieuw."],
}  # fmt: skip

CLOSE = {
    "en": ["Thanks a lot, and have a good weekend.", "Let me know if you need anything from our side.", "Many thanks in advance!", "Appreciate your help as always."],
    "de": ["Danke und schönes Wochenende!", "Melden Sie sich gern, wenn Sie noch etwas von uns brauchen.", "Besten Dank vorab."],
    "fr": ["Merci beaucoup et bon week-end.", "N'hésitez pas si vous avez besoin de quoi que ce soit de notre côté.", "Merci par avance."],
    "es": ["Muchas gracias y buen fin de semana.", "Cualquier cosa que necesiten de nuestra parte, me dicen.", "Gracias de antemano."],
    "nl": ["Alvast dank en een fijn weekend.", "Laat het weten als u nog iets van ons nodig heeft.", "Bedankt!"],
}  # fmt: skip

SIGN_OFF = {
    "en": ["Best,", "Kind regards,", "Thanks,", "Cheers,"],
    "de": ["Viele Grüße", "Beste Grüße", "Mit freundlichen Grüßen", "LG"],
    "fr": ["Bien à vous,", "Cordialement,", "Belle journée,"],
    "es": ["Un saludo,", "Saludos,", "Atentamente,"],
    "nl": ["Groet,", "Met vriendelijke groet,", "Hartelijke groet,"],
}  # fmt: skip

TITLE = {
    "en": ["Accounts Payable Specialist", "Finance Manager", "Purchase Ledger Clerk", "Senior Accountant"],
    "de": ["Kreditorenbuchhaltung", "Leitung Rechnungswesen", "Sachbearbeitung Finanzbuchhaltung"],
    "fr": ["Comptable fournisseurs", "Responsable comptabilité", "Assistante administrative et financière"],
    "es": ["Contabilidad de proveedores", "Responsable de administración", "Departamento financiero"],
    "nl": ["Medewerker crediteurenadministratie", "Financieel manager", "Boekhouder"],
}  # fmt: skip

ADDRESS = {
    "US": ["1200 W Lake St, Suite 400, Chicago, IL 60607", "85 Harbor Drive, Unit 12, Stamford, CT 06902", "4410 Commerce Pkwy, Dallas, TX 75247"],
    "GB": ["Unit 7, Riverside Park, Leeds LS10 1AB", "14 Market Street, Manchester M1 1PT", "Building 3, Kingsway Business Park, Bristol BS2 0JP"],
    "IE": ["Unit 22, Park West Business Park, Dublin 12", "Block B, Ashtown Gate, Navan Road, Dublin 15"],
    "DE": ["Industriestraße 14, 22525 Hamburg", "Am Hafen 3, 28197 Bremen", "Gewerbepark Süd 8, 70565 Stuttgart"],
    "FR": ["12 rue de la Gare, 69003 Lyon", "ZI des Tanneries, 4 allée Newton, 67380 Lingolsheim", "28 avenue Jean Jaurès, 33000 Bordeaux"],
    "ES": ["Polígono Industrial Las Mercedes, C/ Campezo 7, 28022 Madrid", "Avda. Diagonal 401, 08008 Barcelona", "C/ Juan de la Cierva 12, 46980 Paterna"],
    "NL": ["Industrieweg 41, 3044 AS Rotterdam", "Westpoort 12, 1046 AC Amsterdam", "Nijverheidsstraat 9, 5652 AJ Eindhoven"],
}  # fmt: skip

PHONE = {"US": "+1 ({a3}) 555-{b4}", "GB": "+44 {a} 7946 {b4}", "IE": "+353 1 555 {b4}",
         "DE": "+49 {a} 3456 {b3}-{c2}", "FR": "+33 1 {c2} {d2} {e2} {f2}", "ES": "+34 91 {b3} {c2} {d2}",
         "NL": "+31 {a} 555 {b4}"}  # fmt: skip
MOBILE = {"US": "+1 ({a3}) 555-{m4}", "GB": "+44 7700 900{b3}", "IE": "+353 87 555 {b4}",
          "DE": "+49 171 {b3} {b4}", "FR": "+33 6 {c2} {d2} {e2} {f2}", "ES": "+34 6{c2} {b3} {d2}{e2}",
          "NL": "+31 6 {b4} {m4}"}  # fmt: skip

# the company's legal line: numbers a reader must not take for invoices
LEGAL = {
    "US": "",
    "GB": "Registered in England and Wales No. {n8}. Registered office as above. VAT Reg. GB {v3} {v4} {v2}",
    "IE": "Registered in Ireland No. {n6}. VAT IE{n7}W",
    "DE": "Sitz der Gesellschaft: {city} · Amtsgericht {city} HRB {n6} · USt-IdNr. DE{n9} · Geschäftsführer: {boss}",
    "FR": "SAS au capital de 150 000 € · RCS {city} {v3} {v3b} {v3c} · TVA FR{v2}{v3}{v3b}{v3c}",
    "ES": "CIF B{n8} · Inscrita en el Registro Mercantil de {city}, Tomo {n5}, Folio {v2}",
    "NL": "KvK {n8} · BTW NL{n9}B01 · IBAN NL{v2} RABO 0{n9}",
}  # fmt: skip
CITY = {
    "US": "Chicago",
    "GB": "Leeds",
    "IE": "Dublin",
    "DE": "Hamburg",
    "FR": "Lyon",
    "ES": "Madrid",
    "NL": "Rotterdam",
}

DISCLAIMER = {
    "en": ["CONFIDENTIALITY NOTICE: This e-mail and any attachments are confidential and intended solely for the addressee. If you have received it in error, please notify the sender and delete it. Any unauthorised use or disclosure is prohibited.",
           "This message may contain privileged information. If you are not the intended recipient, please delete it and let us know. Please consider the environment before printing this e-mail."],
    "de": ["Diese E-Mail enthält vertrauliche Informationen. Wenn Sie nicht der richtige Adressat sind oder diese E-Mail irrtümlich erhalten haben, informieren Sie bitte sofort den Absender und vernichten Sie diese Mail. Das unerlaubte Kopieren sowie die unbefugte Weitergabe dieser Mail sind nicht gestattet.",
           "Bitte denken Sie an die Umwelt, bevor Sie diese E-Mail ausdrucken."],
    "fr": ["Ce message et ses pièces jointes sont confidentiels et établis à l'intention exclusive de ses destinataires. Si vous l'avez reçu par erreur, merci d'en avertir immédiatement l'expéditeur et de le détruire.",
           "Avant d'imprimer, pensez à l'environnement."],
    "es": ["Este mensaje y sus anexos son confidenciales y se dirigen exclusivamente a su destinatario. Si lo ha recibido por error, le rogamos que lo comunique al remitente y proceda a su eliminación. Sus datos se tratan conforme al RGPD.",
           "Antes de imprimir este correo, piense en el medio ambiente."],
    "nl": ["Dit bericht is uitsluitend bestemd voor de geadresseerde en kan vertrouwelijke informatie bevatten. Indien u dit bericht onterecht heeft ontvangen, wordt u verzocht de afzender te informeren en het bericht te verwijderen.",
           "Denk aan het milieu voordat u deze e-mail afdrukt."],
}  # fmt: skip

MOBILE_FOOTER = {
    "en": ["Sent from my iPhone", "Sent from Outlook for Android", "Get Outlook for iOS"],
    "de": ["Von meinem iPhone gesendet", "Gesendet von Outlook für Android"],
    "fr": ["Envoyé de mon iPhone", "Envoyé depuis Outlook pour Android"],
    "es": ["Enviado desde mi iPhone", "Enviado desde Outlook para Android"],
    "nl": ["Verzonden vanaf mijn iPhone", "Verstuurd vanuit Outlook voor Android"],
}  # fmt: skip

# subjects: the invoice alone, or something that says nothing of the question
SUBJ_REF = {
    "en": ["{r}", "Inv {r}", "Invoice {r} - query", "re {r}", "{r}?"],
    "de": ["Rg. {r}", "Rechnung {r}", "Re.-Nr. {r}", "{r}"],
    "fr": ["Facture {r}", "Fact. {r}", "{r}", "Votre facture {r}"],
    "es": ["Factura {r}", "Fra. {r}", "{r}", "Su factura {r}"],
    "nl": ["Factuur {r}", "Fact. {r}", "{r}", "Uw factuur {r}"],
}  # fmt: skip
SUBJ_VAGUE = {
    "en": ["Catching up", "A couple of things", "Month end", "Hello from {short}", "Checking in", "Urgent - month end", "{short} / Arbox"],
    "de": ["Kurze Rückmeldung", "Monatsabschluss", "Ein paar Punkte", "Nachfrage", "Grüße aus {city}", "{short}"],
    "fr": ["Suite à notre échange", "Clôture du mois", "Quelques points", "Petit point compta", "{short}"],
    "es": ["Varias cosas", "Cierre de mes", "Un tema de contabilidad", "Seguimiento", "{short}"],
    "nl": ["Paar dingen", "Maandafsluiting", "Terugkoppeling", "Even bijpraten", "{short}"],
}  # fmt: skip

# promised days, as written; the date each means is computed in heldout_fam6.promise_day
PROMISE = {
    "day-after-tomorrow": {"en": "the day after tomorrow", "de": "übermorgen", "fr": "après-demain",
                           "es": "pasado mañana", "nl": "overmorgen"},
    "monday": {"en": "first thing Monday", "de": "gleich am Montag", "fr": "dès lundi",
               "es": "el lunes a primera hora", "nl": "maandagochtend meteen"},
    "three-days": {"en": "in three days' time", "de": "in drei Tagen", "fr": "dans trois jours",
                   "es": "dentro de tres días", "nl": "over drie dagen"},
    "first-working-day": {"en": "on the first working day of {m}", "de": "am ersten Arbeitstag im {m}",
                          "fr": "le premier jour ouvré de {m}", "es": "el primer día hábil de {m}",
                          "nl": "op de eerste werkdag van {m}"},
}  # fmt: skip
WEEKDAYS = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "de": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"],
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    "es": ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
    "nl": ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"],
}  # fmt: skip
FR_MONTHS_SHORT = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]  # fmt: skip
WD_SHORT = {
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    "de": ["Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So."],
    "fr": ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."],
    "es": ["lun", "mar", "mié", "jue", "vie", "sáb", "dom"],
    "nl": ["ma", "di", "wo", "do", "vr", "za", "zo"],
}  # fmt: skip

# our earlier mail, quoted below the question (the other direction: from us to them)
OUR_REMINDER = {
    "en": ("Payment reminder - {name}", "Dear customer,\n\naccording to our records the following invoices are now overdue:\n\n{table}\n\nTotal overdue: {total}\n\nIf you have already paid, please disregard this message. Should you need a copy of any of these invoices, simply reply to this e-mail.\n\nKind regards\nAccounts Receivable\nArbox Example Ltd"),
    "de": ("Zahlungserinnerung - {name}", "Sehr geehrte Damen und Herren,\n\nbei der Durchsicht unserer Konten haben wir festgestellt, dass folgende Rechnungen noch offen sind:\n\n{table}\n\nÜberfällig gesamt: {total}\n\nSollten Sie die Zahlung bereits veranlasst haben, betrachten Sie dieses Schreiben bitte als gegenstandslos. Benötigen Sie eine Rechnungskopie, antworten Sie einfach auf diese E-Mail.\n\nMit freundlichen Grüßen\nDebitorenbuchhaltung\nArbox Example Ltd"),
    "fr": ("Relance - factures échues - {name}", "Madame, Monsieur,\n\nsauf erreur de notre part, les factures suivantes restent impayées à ce jour :\n\n{table}\n\nTotal échu : {total}\n\nSi votre règlement est déjà parti, merci de ne pas tenir compte de ce message. Pour tout duplicata, il suffit de répondre à ce courriel.\n\nCordialement,\nService comptabilité clients\nArbox Example Ltd"),
    "es": ("Recordatorio de pago - facturas vencidas - {name}", "Estimado cliente:\n\nsegún nuestros registros, las siguientes facturas se encuentran vencidas:\n\n{table}\n\nTotal vencido: {total}\n\nSi ya han realizado el pago, les rogamos que ignoren este mensaje. Si necesitan copia de alguna factura, basta con responder a este correo.\n\nUn saludo,\nCuentas a cobrar\nArbox Example Ltd"),
    "nl": ("Betalingsherinnering - openstaande facturen - {name}", "Geachte klant,\n\nvolgens onze administratie staan de volgende facturen nog open:\n\n{table}\n\nTotaal vervallen: {total}\n\nHeeft u inmiddels betaald, dan kunt u dit bericht als niet verzonden beschouwen. Heeft u een kopie van een factuur nodig, beantwoord dan gewoon deze e-mail.\n\nMet vriendelijke groet,\nDebiteurenadministratie\nArbox Example Ltd"),
}  # fmt: skip
OUR_STATEMENT = {
    "en": ("Statement of account - {name}", "Dear customer,\n\nplease find below your statement of account as at {d}:\n\n{table}\n\nBalance due: {total}\n\nKind regards\nAccounts Receivable\nArbox Example Ltd"),
    "de": ("Kontoauszug {name}", "Sehr geehrte Damen und Herren,\n\nnachstehend Ihr Kontoauszug per {d}:\n\n{table}\n\nSaldo: {total}\n\nMit freundlichen Grüßen\nDebitorenbuchhaltung\nArbox Example Ltd"),
    "fr": ("Relevé de compte {name}", "Madame, Monsieur,\n\nveuillez trouver ci-dessous votre relevé de compte au {d} :\n\n{table}\n\nSolde dû : {total}\n\nCordialement,\nService comptabilité clients\nArbox Example Ltd"),
    "es": ("Extracto de cuenta {name}", "Estimado cliente:\n\na continuación le detallamos su extracto de cuenta a {d}:\n\n{table}\n\nSaldo pendiente: {total}\n\nUn saludo,\nCuentas a cobrar\nArbox Example Ltd"),
    "nl": ("Rekeningoverzicht {name}", "Geachte klant,\n\nhieronder vindt u uw rekeningoverzicht per {d}:\n\n{table}\n\nOpenstaand saldo: {total}\n\nMet vriendelijke groet,\nDebiteurenadministratie\nArbox Example Ltd"),
}  # fmt: skip
TABLE_HEAD = {"en": ("Invoice", "Due date", "Open amount"), "de": ("Rechnung", "Fällig am", "Offen"),
              "fr": ("Facture", "Échéance", "Reste dû"), "es": ("Factura", "Vencimiento", "Pendiente"),
              "nl": ("Factuur", "Vervaldatum", "Open bedrag")}  # fmt: skip
# a reply's subject prefix, and the header the mail program writes above the quote
REPLY = {"en": "RE: ", "de": "AW: ", "fr": "RE : ", "es": "RE: ", "nl": "RE: "}
OUTLOOK_HEAD = {
    "en": "________________________________\nFrom: Arbox Example Ltd - Accounts Receivable <ar@arbox.example>\nSent: {wd}, {when}\nTo: {to}\nSubject: {s}",
    "de": "________________________________\nVon: Arbox Example Ltd - Debitorenbuchhaltung <ar@arbox.example>\nGesendet: {wd}, {when}\nAn: {to}\nBetreff: {s}",
    "fr": "________________________________\nDe : Arbox Example Ltd - Comptabilité clients <ar@arbox.example>\nEnvoyé : {wd} {when}\nÀ : {to}\nObjet : {s}",
    "es": "________________________________\nDe: Arbox Example Ltd - Cuentas a cobrar <ar@arbox.example>\nEnviado: {wd}, {when}\nPara: {to}\nAsunto: {s}",
    "nl": "________________________________\nVan: Arbox Example Ltd - Debiteurenadministratie <ar@arbox.example>\nVerzonden: {wd} {when}\nAan: {to}\nOnderwerp: {s}",
}  # fmt: skip
GMAIL_HEAD = {
    "en": "On {wds}, {when}, Arbox Example Ltd <ar@arbox.example> wrote:",
    "de": "Am {wds}, {when} schrieb Arbox Example Ltd <ar@arbox.example>:",
    "fr": "Le {wds} {when}, Arbox Example Ltd <ar@arbox.example> a écrit :",
    "es": "El {wds}, {when}, Arbox Example Ltd (<ar@arbox.example>) escribió:",
    "nl": "Op {wds} {when} schreef Arbox Example Ltd <ar@arbox.example>:",
}  # fmt: skip
