"""Every automatic mail in English, German, French, Spanish and Dutch with the recipient's
number and date formats, the PDFs' words too, and a company's own templates per language
(``ARBOX_TEMPLATES_DIR``) checked at start-up (issue 21)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from core.errors import ConfigError
from core.types import AckLine
from outbound.compose import Acknowledgement, compose_acknowledgement
from outbound.outbox import render_for_outbox
from outbound.pdf_invoice import render_invoice_pdf
from outbound.pdf_labels import LABELS, pdf_labels
from outbound.pdf_statement import render_statement_pdf
from outbound.plain_writer import render_acknowledgement
from outbound.template_check import _copy, _statement, check_templates, sample_contexts
from outbound.templating import PACKAGED, render, render_subject
from tests.unit.outbound.test_statement_documents import COMPANY, pdf_text

LOCALES = {"en": "en_US", "de": "de_DE", "fr": "fr_FR", "es": "es_ES", "nl": "nl_NL"}
TEMPLATES = sorted(p.name for p in (PACKAGED / "en").iterdir())
#: Words only English has: one of them in a translated mail is English left behind.
ENGLISH = frozenset(
    [
        "the",
        "your",
        "please",
        "thank",
        "thanks",
        "regards",
        "kind",
        "invoice",
        "invoices",
        "payment",
        "overdue",
        "reminder",
        "statement",
        "account",
        "sent",
        "automatically",
        "and",
        "to",
        "you",
        "our",
        "due",
        "balance",
        "copy",
        "with",
        "this",
        "for",
        "if",
        "not",
        "received",
        "attached",
        "hello",
        "dear",
        "remains",
        "paid",
        "credits",
        "unapplied",
    ]
)
NOW = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)


def kind_of(name: str) -> str:
    return name.split(".", 1)[0]


def test_every_language_has_every_template_of_english():
    for language in LOCALES:
        assert sorted(p.name for p in (PACKAGED / language).iterdir()) == TEMPLATES, language


@pytest.mark.parametrize("language", sorted(LOCALES))
@pytest.mark.parametrize("name", TEMPLATES)
def test_every_template_renders_in_every_language(language: str, name: str):
    # Given the template's samples (one invoice and several, one currency and two)
    for context in sample_contexts(kind_of(name)):
        # When it is rendered in the language's locale (StrictUndefined: a missing name raises)
        text = render(name, context, locale=LOCALES[language])
        # Then it says something, and a subject is one line
        assert text.strip()
        if name.endswith(".subject.j2"):
            assert "\n" not in text.strip() and len(text) < 200
        # And a translated one has no English left (names and numbers aside)
        if language != "en":
            words = set(re.findall(r"[^\W\d_]+", re.sub(r"<[^>]*>", " ", text).lower()))
            assert not words & ENGLISH, (name, sorted(words & ENGLISH))


@pytest.mark.parametrize(
    ("locale", "amount", "day", "due", "words"),
    [
        ("de_DE", "1.234,56\u00a0€", "05.03.2026", "04.02.2026", "Kontoauszug"),
        ("fr_FR", "1\u202f234,56\u00a0€", "5 mars 2026", "4 févr. 2026", "Relevé de compte"),
        ("es_ES", "1.234,56\u00a0€", "5 mar 2026", "4 feb 2026", "Extracto de cuenta"),
        ("nl_NL", "€\u00a01.234,56", "5 mrt 2026", "4 feb 2026", "Rekeningoverzicht"),
        ("en_GB", "€1,234.56", "5 Mar 2026", "4 Feb 2026", "Statement of account"),
        # No Polish templates: English words, Polish formats
        ("pl_PL", "1\u00a0234,56\u00a0€", "5 mar 2026", "4 lut 2026", "Statement of account"),
    ],
)
def test_amounts_and_dates_are_in_the_recipients_formats(locale, amount, day, due, words):
    # Given a statement as of 2026-03-05 and a reminder of an invoice of EUR 1234.56 due
    # 2026-02-04
    subject = render_subject("statement.subject.j2", sample_contexts("statement")[0], locale=locale)
    reminder = render("reminder_1.txt.j2", sample_contexts("reminder_1")[0], locale=locale)
    html = render("reminder_1.html.j2", sample_contexts("reminder_1")[0], locale=locale)
    # Then both are written as the locale writes amounts and dates
    assert words in subject and day in subject
    assert amount in reminder and due in reminder and day in reminder
    assert amount in html and due in html
    assert "2026-02-04" not in reminder and "1234.56" not in reminder


@pytest.mark.parametrize("language", sorted(LOCALES))
def test_the_statement_pdf_says_less_without_a_double_minus(language: str):
    # Given a statement with credits and unapplied cash (issue 21: "Less unapplied cash -950.00")
    locale = LOCALES[language]
    words = pdf_labels(locale)
    _, text = pdf_text(
        render_statement_pdf(_statement(unapplied=True), company=COMPANY, locale=locale)
    )
    text = text.replace("\u202f", " ").replace("\u00a0", " ")
    # Then the summary takes them off with the word, the amounts as they are
    sep = "," if language != "en" else "."
    assert f"{words.less_unapplied} 950{sep}00" in text
    assert f"{words.less_credits} 50{sep}00" in text
    assert f"{words.less_unapplied} -" not in text and f"{words.less_credits} -" not in text
    assert words.statement_title in text and words.page.format(number=1) in text


def test_the_pdfs_are_in_german_with_german_formats():
    _, statement = pdf_text(render_statement_pdf(_statement(unapplied=False), company=COMPANY,
                                                 locale="de_DE"))  # fmt: skip
    assert "Kontoauszug" in statement and "Stand: 05.03.2026" in statement
    assert "RE-1001 05.01.2026 04.02.2026 1.234,56 1.234,56 29" in statement
    assert "Zu zahlender Betrag: 1.264,56 €" in statement and "Nicht fällig" in statement
    _, copy = pdf_text(render_invoice_pdf(_copy("RE-1001"), company=COMPANY, locale="de_DE"))
    assert "Rechnung (Kopie)" in copy and "Fälligkeitsdatum: 04.02.2026" in copy
    assert "Offener Betrag: 234,56 €" in copy and "Seite 1" in copy


def test_every_language_has_every_pdf_label():
    for language, labels in LABELS.items():
        assert all(getattr(labels, f) for f in labels.__dataclass_fields__), language
        if language != "en":
            same = [f for f in labels.__dataclass_fields__
                    if getattr(labels, f) == getattr(LABELS["en"], f)]  # fmt: skip
            # The words two languages share: Total, Page, Date, Invoice in French…
            assert len(same) <= 4, (language, same)


ACK = Acknowledgement(
    "Müller GmbH", "EUR",
    (AckLine("RE-1", Decimal("1234.56"), "RE-1", None), AckLine("RE-2", Decimal("5.00"), "RE-2",
     Decimal("1.00"))), (),
)  # fmt: skip


@pytest.mark.parametrize("locale", ["de_DE", "fr_FR", "en_US", "en_GB", "es_ES"])
@pytest.mark.parametrize("subject", ["Zahlungsavis", ""])
def test_the_stored_acknowledgement_is_the_composed_one_in_every_locale(locale, subject):
    # The direct writer is for English; any other locale takes the composer: same bytes.
    args = {
        "sender": "ar@supplies.example", "company_name": "Example Supplies Co.",
        "to": "ap@mueller.example", "subject": subject, "in_reply_to": "<r@m.example>",
        "references": None, "message_id": "<arbox.1@supplies.example>", "now": NOW,
        "locale": locale,
    }  # fmt: skip
    stored = render_acknowledgement(ACK, **args)
    assert stored.raw == render_for_outbox(compose_acknowledgement(ACK, **args)).raw
    if locale == "de_DE":
        message = compose_acknowledgement(ACK, **args)
        assert "RE-2: 5,00\u00a0€ (noch offen: 1,00\u00a0€)" in message.get_content()
        assert message["Subject"] == ("Re: Zahlungsavis" if subject else "Ihr Zahlungsavis")


# --- a company's own templates (ARBOX_TEMPLATES_DIR) ------------------------------------------


def test_a_companys_template_for_a_language_wins_for_that_language_only(tmp_path: Path):
    (tmp_path / "de").mkdir()
    (tmp_path / "de" / "statement.subject.j2").write_text("Ihr Auszug {{ customer.as_of|date }}")
    (tmp_path / "statement.subject.j2").write_text("Your summary {{ customer.as_of|date }}")
    context = sample_contexts("statement")[0]
    subject = {loc: render_subject("statement.subject.j2", context, locale=loc,
                                   templates_dir=tmp_path) for loc in LOCALES.values()}  # fmt: skip
    assert subject["de_DE"] == "Ihr Auszug 05.03.2026"
    assert subject["en_US"] == "Your summary Mar 5, 2026"  # the flat layout: English
    assert subject["fr_FR"] == "Relevé de compte K-0815 au 5 mars 2026"  # packaged French


def test_a_language_arbox_lacks_can_be_added_by_the_company(tmp_path: Path):
    (tmp_path / "it").mkdir()
    (tmp_path / "it" / "statement.subject.j2").write_text(
        "Estratto conto al {{ customer.as_of|date }}"
    )
    context = sample_contexts("statement")[0]
    assert render_subject("statement.subject.j2", context, locale="it_IT",
                          templates_dir=tmp_path) == "Estratto conto al 5 mar 2026"  # fmt: skip
    # Its other mails fall back to English, written with Italian formats
    body = render("statement.txt.j2", context, locale="it_IT", templates_dir=tmp_path)
    assert "please find attached" in body and "1.314,56\u00a0€" in body


def test_the_start_up_check_passes_good_templates_and_names_each_broken_one(tmp_path: Path):
    (tmp_path / "de").mkdir()
    (tmp_path / "de" / "statement.txt.j2").write_text(
        "Saldo {{ statements[0].total_due|money('EUR') }}\n"
    )
    (tmp_path / "reminder_9.txt.j2").write_text("{{ dunning.customer_name }}\n")
    assert check_templates(tmp_path, dunning_levels=["reminder_9"]) == 2
    # A syntax error, an undefined name, a name arbox never sends, and a sandbox escape
    (tmp_path / "de" / "balance.txt.j2").write_text("{% if %}\n")
    (tmp_path / "fr").mkdir()
    (tmp_path / "fr" / "dispute_ack.txt.j2").write_text("{{ customer.nmae }}\n")
    (tmp_path / "statment.txt.j2").write_text("typo\n")
    (tmp_path / "promise_ack.txt.j2").write_text("{{ ''.__class__.__mro__ }}\n")
    with pytest.raises(ConfigError) as broken:
        check_templates(tmp_path, dunning_levels=["reminder_9"])
    message = str(broken.value)
    assert message.startswith("ARBOX_TEMPLATES_DIR: ")
    assert "de/balance.txt.j2: TemplateSyntaxError" in message
    assert "fr/dispute_ack.txt.j2: UndefinedError" in message
    assert "statment.txt.j2: not a template arbox sends" in message
    assert "promise_ack.txt.j2: SecurityError" in message
    assert "de/statement.txt.j2" not in message


def test_a_missing_templates_dir_is_a_start_up_error(tmp_path: Path):
    with pytest.raises(ConfigError, match="is not a directory"):
        check_templates(tmp_path / "nowhere")
