"""parsers.language: which of arbox's five languages a customer writes in (issue 21)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.language import WORDS, guess_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hi, could you please send us a copy of the invoice? Thanks", "en"),
        (
            "Sehr geehrte Damen und Herren, bitte senden Sie uns eine Kopie der Rechnung 4711. "
            "Mit freundlichen Grüßen",
            "de",
        ),
        (
            "Bonjour, pourriez-vous nous envoyer le duplicata de la facture 4711 ? Merci et "
            "cordialement",
            "fr",
        ),
        (
            "Estimados señores, por favor envíen una copia de la factura. Muchas gracias, saludos",
            "es",
        ),
        ("Beste, kunt u ons een kopie van de factuur sturen? Met vriendelijke groet", "nl"),
        ("Zahlungsavis\nRE-4711 1.234,56\nRE-4712 80,00", None),  # numbers say nothing
        ("INV-4711 1234.56", None),
        ("", None),
    ],
)
def test_the_language_of_a_mail(text: str, language: str | None) -> None:
    assert guess_language(text) == language


def test_no_word_counts_for_two_languages() -> None:
    for lang, words in WORDS.items():
        for other, theirs in WORDS.items():
            assert lang == other or not words & theirs


@given(st.text(alphabet="0123456789 .,-/#€$\n", max_size=200))
def test_numbers_and_signs_alone_are_no_language(text: str) -> None:
    assert guess_language(text) is None


def test_a_mixed_mail_is_no_clear_answer() -> None:
    # As many German as French words: a person would not know either
    assert guess_language("bitte danke nicht merci pour votre") is None
