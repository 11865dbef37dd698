"""parsers.intent: the questions of a mail, their invoices, and the date of a promise to pay."""

from __future__ import annotations

import time
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.types import MailKind
from parsers.intent import MAX_EVIDENCE_CHARS, find_questions, read_intent
from parsers.intent_dates import find_date

#: A Tuesday.
TODAY = date(2026, 12, 1)
IC, ST, BA = MailKind.INVOICE_COPY_REQUEST, MailKind.STATEMENT_REQUEST, MailKind.BALANCE_INQUIRY
DI, PP = MailKind.DISPUTE, MailKind.PROMISE_TO_PAY


def kinds(text: str, subject: str = "") -> list[MailKind]:
    return [q.kind for q in find_questions(text, subject=subject, today=TODAY)]


def refs(text: str, subject: str = "") -> tuple[str, ...]:
    (question,) = find_questions(text, subject=subject, today=TODAY)
    return question.refs


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Could you resend invoice 4711?", IC),
        ("Bitte senden Sie uns eine Rechnungskopie.", IC),
        ("Merci de nous envoyer le duplicata de la facture 4711.", IC),
        ("Por favor, envíenos una copia de la factura 4711.", IC),
        ("Please send us a statement of account.", ST),
        ("Wir bitten um eine Saldenbestätigung.", ST),
        ("Können Sie uns eine Kontenabstimmung schicken?", ST),
        ("Merci de nous transmettre un relevé de compte.", ST),
        ("¿Nos pueden enviar el estado de cuenta?", ST),
        ("How much do we owe?", BA),
        ("Bitte nennen Sie uns den offenen Saldo.", BA),
        ("Pourriez-vous nous indiquer le solde ?", BA),
        ("¿Cuánto debemos?", BA),
        ("We were overcharged.", DI),
        ("The pallet arrived damaged.", DI),
        ("We never received the goods.", DI),
        ("Wir reklamieren die Lieferung.", DI),
        ("Nous contestons ce montant.", DI),
        ("Los productos llegaron dañados.", DI),
        ("We will pay on Friday.", PP),
        ("Wir werden am Montag überweisen.", PP),
        ("Nous allons payer demain.", PP),
        ("Vamos a pagar mañana.", PP),
    ],
)
def test_each_kind_is_asked_in_each_language(text: str, kind: MailKind) -> None:
    assert kinds(text) == [kind]


@pytest.mark.parametrize(
    "text",
    [
        "No need to send a copy of invoice 4711, we found it.",
        "We don't need a copy of invoice 4711 any more.",
        "Eine Rechnungskopie brauchen wir nicht.",
        "Nous n'avons pas besoin du duplicata, merci.",
        "No necesitamos copia de la factura.",
        "We do not dispute invoice 4711.",
        "Wir beanstanden die Rechnung 4711 nicht.",
    ],
)
def test_negated_questions_ask_nothing(text: str) -> None:
    assert kinds(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Please find attached a copy of invoice 4711 as requested.",
        "Anbei die Rechnungskopie, bitte prüfen.",
        "Veuillez trouver ci-joint la copie de la facture 4711.",
        "Adjunto copia de la factura 4711, por favor confirmen.",
        "Attached is our statement of account, please check it.",
    ],
)
def test_a_document_the_sender_attaches_is_not_asked_for(text: str) -> None:
    assert kinds(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Thanks for sending the copy of invoice 4711.",
        "Thank you for the statement.",
        "Per your statement of account we paid everything.",
        "Our bank statement shows the payment.",
        "Pour solde de tout compte, merci.",
    ],
)
def test_naming_a_document_without_asking_for_it_asks_nothing(text: str) -> None:
    assert kinds(text) == []


def test_a_quoted_earlier_mail_asks_nothing() -> None:
    text = (
        "Thanks, noted.\n\nOn Mon, 30 Nov 2026 at 09:00, AR <ar@arbox.example> wrote:\n"
        "> Invoice 4711 is wrong, please send a copy of invoice 4712.\n"
    )
    assert kinds(text) == []
    assert kinds("Thanks.\n> We dispute invoice 4711.\n> What is our balance?") == []


def test_an_outlook_reply_block_asks_nothing() -> None:
    text = (
        "Noted, thank you.\n\nFrom: AR Team <ar@arbox.example>\nSent: Monday, 30 November 2026\n"
        "Subject: Invoice 4711\n\nCould you send us a statement of account?"
    )
    assert kinds(text) == []


def test_a_subject_asks_by_itself_unless_it_is_a_reply() -> None:
    assert kinds("", subject="Copy of invoice INV-4711") == [IC]
    assert refs("", subject="Rechnungskopie RE-2026-0042") == ("RE-2026-0042",)
    assert kinds("Thanks.", subject="Re: Statement of account") == []
    assert kinds("Thanks.", subject="AW: Kontoauszug November") == []


def test_refs_are_every_invoice_the_question_names_in_order() -> None:
    assert refs("Please resend invoices 4711, 4712 and 4720.") == ("4711", "4712", "4720")
    assert refs("Please send copies of INV-10023 and INV-10024?") == ("INV-10023", "INV-10024")


def test_refs_are_never_dates_amounts_orders_or_phone_numbers() -> None:
    text = "Invoice 4711 of 2026-11-02 for order 5512 is wrong by 1,250.00, call +1 555 010 0199."
    assert refs(text) == ("4711",)


def test_refs_listed_after_the_question_belong_to_it() -> None:
    text = "We dispute the following invoices:\nINV-2001\nINV-2002\n\nRegards"
    assert refs(text) == ("INV-2001", "INV-2002")


def test_refs_of_the_subject_serve_a_question_that_names_none() -> None:
    assert refs("This invoice is wrong.", subject="Invoice INV-5001") == ("INV-5001",)


def test_questions_come_most_important_first_one_per_kind() -> None:
    text = (
        "What is our balance? Please send a statement of account. "
        "Please send a copy of INV-1001. We will pay INV-1002 tomorrow. "
        "INV-1003 is wrong. Also send a copy of INV-1004."
    )
    questions = find_questions(text, subject="", today=TODAY)
    assert [q.kind for q in questions] == [DI, PP, IC, ST, BA]
    (copy,) = [q for q in questions if q.kind is IC]
    assert copy.refs == ("INV-1001", "INV-1004")
    assert "Please send a copy of INV-1001." in copy.evidence


def test_a_question_inside_a_remittance_leaves_the_payment_in_the_rest() -> None:
    intent = read_intent(
        "We paid INV-1001 1,250.00 today.\nAlso, please send a copy of INV-10023.", subject=""
    )
    assert [q.kind for q in intent.questions] == [IC]
    assert intent.questions[0].refs == ("INV-10023",)
    assert "We paid INV-1001" in intent.rest
    assert "INV-10023" not in intent.rest


def test_a_hard_wrapped_question_is_read_across_its_lines() -> None:
    text = (
        "could you please send us a copy of the\ninvoice 5511 from last month as we\ncannot find it"
    )
    assert refs(text) == ("5511",)


@pytest.mark.parametrize(
    ("text", "promised"),
    [
        ("We will pay invoice 4711 on 15 December.", date(2026, 12, 15)),
        ("Payment will be made by 2026-12-15.", date(2026, 12, 15)),
        ("We will pay next Friday.", date(2026, 12, 4)),
        ("We'll pay it by the end of the month.", date(2026, 12, 31)),
        ("Invoice 4711 will be paid within 10 days.", date(2026, 12, 11)),
        ("We will settle on 12/15/2026.", date(2026, 12, 15)),
        ("Wir zahlen am 15.12.2026.", date(2026, 12, 15)),
        ("Wir werden die Rechnung am 15.12. überweisen.", date(2026, 12, 15)),
        ("Die Zahlung erfolgt nächste Woche.", date(2026, 12, 11)),
        ("Nous réglerons le 15 décembre.", date(2026, 12, 15)),
        ("Le paiement sera effectué le 20/12/2026.", date(2026, 12, 20)),
        ("Pagaremos el 15 de diciembre de 2026.", date(2026, 12, 15)),
        ("Vamos a pagar a fin de mes.", date(2026, 12, 31)),
        ("We will pay in January.", None),
    ],
)
def test_a_promise_to_pay_carries_the_date_it_names(text: str, promised: date | None) -> None:
    (question,) = find_questions(text, subject="", today=TODAY)
    assert question.kind is PP
    assert question.promise_date == promised


def test_relative_dates_and_dates_without_a_year_need_today() -> None:
    def promised(text: str) -> date | None:
        (question,) = find_questions(text, subject="")
        return question.promise_date

    assert promised("We will pay next Friday.") is None
    assert promised("We will pay on 15 December.") is None
    assert promised("We will pay on 15 December 2026.") == date(2026, 12, 15)


def test_a_date_without_a_year_is_the_next_such_day() -> None:
    assert find_date("15 November", today=date(2026, 11, 20)) == date(2026, 11, 15)
    assert find_date("15 January", today=TODAY) == date(2027, 1, 15)


def test_slashed_dates_are_read_month_first_only_in_english_mail() -> None:
    assert find_date("05/12/2026", today=None, month_first=True) == date(2026, 5, 12)
    assert find_date("05/12/2026", today=None, month_first=False) == date(2026, 12, 5)
    assert find_date("15/12/2026", today=None, month_first=True) == date(2026, 12, 15)


def test_amounts_are_not_dates() -> None:
    assert find_date("1.250,00 EUR and 15.12 EUR", today=TODAY) is None


def test_evidence_is_cut_to_its_limit() -> None:
    text = "Please send a copy of invoice 4711 " + "and so on " * 100 + "?"
    (question,) = find_questions(text, subject="", today=TODAY)
    assert len(question.evidence) <= MAX_EVIDENCE_CHARS


def test_a_long_hostile_body_is_read_quickly() -> None:
    text = ("invoice 4711 is " + "1." * 5000 + " ?\n") * 50 + "(" * 10_000
    started = time.monotonic()
    find_questions(text, subject="Re: " * 1000, today=TODAY)
    assert time.monotonic() - started < 2.0


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=400), subject=st.text(max_size=80))
def test_any_text_gives_questions_and_never_raises(text: str, subject: str) -> None:
    for question in find_questions(text, subject=subject, today=TODAY):
        assert question.kind in {DI, PP, IC, ST, BA}
        assert question.evidence


def test_issue_4_indirect_balance_question_and_a_long_german_promise():
    """Corpus misses: "how much we still owe" without "do", and a promise whose verb comes
    eight words after "werden"."""
    from datetime import date

    from core.types import MailKind
    from parsers.intent import find_questions

    (balance,) = find_questions("can you tell me how much we still owe?", subject="Hello")
    assert balance.kind is MailKind.BALANCE_INQUIRY
    (promise,) = find_questions(
        "wir werden die Rechnung inv 10691 and inv 10682 am 19.11.2026 begleichen.",
        subject="Hallo",
        today=date(2026, 11, 15),
    )
    assert promise.kind is MailKind.PROMISE_TO_PAY
    assert promise.promise_date == date(2026, 11, 19)
    assert promise.refs == ("10691", "10682")
