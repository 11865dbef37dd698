"""A re-sent advice while its first copy waits for a person: the first copy may not have been
read at all (an attachment nobody reads, a table that could not be read), so the lines it
claims are unknown; the re-send says what it is, and waits with it."""

from __future__ import annotations

from sqlalchemy import func, select

from ledger import models as m
from tests.unit.worker.test_pipeline import mail, run, scalar, svc  # noqa: F401 (fixture)


def _unreadable(mid: str) -> bytes:
    """A mail of the contact that carries no remittance anyone can read."""
    return mail("Please find our payment advice attached.\n", mid=mid, Subject="Avis de virement")


def test_a_resend_while_an_unread_first_copy_waits_is_not_applied(svc):  # noqa: F811
    # Given the contact's first advice, which nobody could read: it waits for a person
    first = run(svc, _unreadable("<first@acme>"))
    assert first.status == "review"
    # When the payer sends it again, now readable, and says so in the subject
    again = run(svc, mail(mid="<again@acme>", Subject="Resend: Avis de virement"))
    # Then the payment may be the first copy's too: a person looks, nothing is applied
    assert again.status == "review"
    assert scalar(svc, select(func.count(m.Application.id))) == 0
    with svc.sessions() as s:
        (line,) = s.scalars(select(m.RemittanceLine))
    assert line.reason.startswith(
        f"the mail says it is sent again ('Resend: Avis de virement') and mail "
        f"{first.inbound_id} of the customer waits for a person: would apply: reference "
        "matches invoice INV-70001"
    )


def test_a_resend_said_in_the_body_in_french_waits_too(svc):  # noqa: F811
    run(svc, _unreadable("<first@acme>"))
    body = "Notre avis ne semble pas avoir été pris en compte, nous vous le renvoyons.\n\n"
    again = run(svc, mail(body + "INV-70001 1,250.00\n", mid="<again@acme>"))
    assert again.status == "review"
    assert scalar(svc, select(func.count(m.Application.id))) == 0


def test_a_resend_with_nothing_of_the_customer_waiting_is_applied(svc):  # noqa: F811
    # Another customer's mail waits for a person; this customer has nothing waiting
    run(
        svc,
        _unreadable("<other@borealis>").replace(
            b"ap@acme-mfg.example", b"payables@borealis.example"
        ),
    )
    again = run(svc, mail(mid="<again@acme>", Subject="Resend: payment advice"))
    assert again.status == "applied"


def test_a_mail_without_resend_words_is_applied_though_an_earlier_one_waits(svc):  # noqa: F811
    # The earlier mail waits for a person, but this one does not say it tells it again
    run(svc, _unreadable("<first@acme>"))
    assert run(svc, mail(mid="<next@acme>")).status == "applied"


def test_a_question_waiting_is_no_first_copy_of_a_resent_advice(svc):  # noqa: F811
    # A dispute of the customer waits for a person (questions wait here: auto_reply_kinds=none)
    dispute = mail(
        "Invoice INV-70002 charges 20 cartons, 16 arrived. Please send a credit note.\n",
        mid="<q@acme>",
        Subject="Wrong quantity on INV-70002",
    )
    assert run(svc, dispute).status == "review"
    again = run(svc, mail(mid="<again@acme>", Subject="Resend: payment advice"))
    assert again.status == "applied"


def test_a_strangers_claim_does_not_hold_the_customers_resent_advice(svc):  # noqa: F811
    # A stranger claims the customer's invoice: held for the bank credit or a person
    stranger = run(svc, mail(sender="mallory@evil.example", mid="<s@evil>"))
    assert stranger.status == "review"
    # The customer's own re-sent advice for another invoice is not held back by it
    again = mail("INV-70002 99.99\n", mid="<again@acme>", Subject="Resend: payment advice")
    assert run(svc, again).status == "applied"


def _waiting_advice_for_70001(svc) -> int:  # noqa: F811
    """The contact's advice for INV-70001 whose total does not add up: it waits for a person."""
    first = run(svc, mail("INV-70001 1,250.00\nTotal 1,350.00\n", mid="<first@acme>"))
    assert first.status == "review"
    return first.inbound_id


def test_a_resend_naming_an_invoice_of_the_waiting_advice_waits_with_it(svc):  # noqa: F811
    first = _waiting_advice_for_70001(svc)
    again = run(
        svc,
        mail("INV-70001 1,250.00\n", mid="<again@acme>", Subject="Resend: corrected total"),
    )
    assert again.status == "review"
    assert scalar(svc, select(func.count(m.Application.id))) == 0
    with svc.sessions() as s:
        reasons = [line.reason for line in s.scalars(select(m.RemittanceLine))]
    assert any(f"mail {first} " in reason for reason in reasons[1:])


def test_a_resend_about_other_invoices_is_not_held_by_another_waiting_advice(svc):  # noqa: F811
    # The waiting advice pays INV-70001; the re-sent one pays INV-70002 only, with its own
    # payment reference and total: another payment, applied
    _waiting_advice_for_70001(svc)
    again = mail(
        "INV-70002 99.99\nTotal 99.99\n", mid="<again@acme>", Subject="Resend: payment advice"
    )
    assert run(svc, again).status == "applied"
