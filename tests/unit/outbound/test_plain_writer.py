"""The acknowledgement written straight to bytes (issue 18: the compose inside the posting
transaction) is, byte for byte and envelope for envelope, the one ``compose_acknowledgement``
builds and ``render_for_outbox`` writes; what the direct writer cannot write takes that path."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from core.types import AckLine
from outbound.compose import (
    Acknowledgement,
    acknowledgement_body,
    acknowledgement_subject,
    compose_acknowledgement,
    plain_message,
)
from outbound.outbox import render_for_outbox
from outbound.plain_writer import render_acknowledgement, write_plain_reply

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

_words = st.text(alphabet="abcXYZ019 .,&-'!()<>@:;\"é", min_size=0, max_size=30)
_names = (
    st.sampled_from(
        ("Arbox Demo Ltd", "Bolt & Nut", "ACME, Inc.", "", "Müller GmbH", "Example Supplies Co.")
    )
    | _words
)
_subjects = (
    st.sampled_from(("Remittance advice 7", "RE: Payment", "", "Zahlungsavis für Rechnung"))
    | _words
    | st.text(alphabet="ab ", min_size=60, max_size=90)
)
_ids = st.sampled_from(("<e2e-7@c1.example>", "<a.b@x>", "<CA+x=y@mail.gmail.com>", "x y"))
_parents = st.none() | _ids | _words
_references = st.none() | st.lists(_ids, max_size=4).map(" ".join) | _words
_addresses = st.sampled_from(
    ("ap@c1.example", "AP.Team+x@C1.Example", "o'brien@x.example", "a(b)@x.example")
)
_amounts = st.decimals(min_value=-10_000, max_value=10**9, places=2, allow_nan=False)
_lines = st.builds(
    AckLine,
    reference=st.sampled_from(("INV-0001", "", "Rechnung Nr. 12 für Mai", "x" * 80)),
    amount=_amounts,
    invoice_number=st.none() | st.sampled_from(("INV-0001", "INV-12345678")),
    remaining=st.none() | _amounts,
)
_zones = st.sampled_from((UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=5.5))))


@settings(max_examples=400, deadline=None)
@given(
    customer=_names,
    company=_names,
    subject=_subjects,
    parent=_parents,
    references=_references,
    to=_addresses,
    applied=st.lists(_lines, max_size=4),
    in_review=st.lists(_lines, max_size=3),
    currency=st.sampled_from(("USD", "EUR", "JPY")),
    zone=_zones,
)
@example("C", ".Arbox", "a b", None, None, "ap@c1.example", [], [], "USD", UTC)
@example("C", "Arbox Ltd", "Re:  x", "<a@b> ", "<c@d>", "ap@c1.example", [], [], "EUR", UTC)
def test_the_acknowledgement_as_stored_is_the_composed_one_byte_for_byte(
    customer, company, subject, parent, references, to, applied, in_review, currency, zone
):
    # Given an acknowledgement with names, subjects and threads of every kind
    ack = Acknowledgement(
        customer_name=customer,
        currency=currency,
        applied=tuple(applied),
        in_review=tuple(in_review),
    )
    args = {
        "sender": "ar@arbox.example",
        "company_name": company,
        "to": to,
        "subject": subject,
        "in_reply_to": parent,
        "references": references,
        "message_id": "<arbox.0123456789abcdef@arbox.example>",
        "now": NOW.astimezone(zone),
    }
    # When it is rendered for the outbox directly, and composed as a message and rendered
    direct = render_acknowledgement(ack, **args)
    composed = render_for_outbox(compose_acknowledgement(ack, **args))
    # Then the two are the same mail
    assert direct == composed


@settings(max_examples=300, deadline=None)
@given(
    body=st.text(alphabet="ab \n\r\t.é", max_size=200)
    | st.text(alphabet="ab \n", min_size=70, max_size=200),
    subject=_subjects,
    company=_names,
)
def test_a_plain_reply_written_directly_is_the_composed_one(body, subject, company):
    args = {
        "sender": "ar@arbox.example",
        "company_name": company,
        "to": "ap@c1.example",
        "subject": subject,
        "body": body,
        "message_id": "<arbox.1@arbox.example>",
        "in_reply_to": "<p@x.example>",
        "references": None,
        "now": NOW,
    }
    direct = write_plain_reply(**args)
    if direct is not None:
        assert direct == render_for_outbox(plain_message(**args))


@pytest.mark.parametrize(
    "company", ["Arbox Demo Ltd", "Example Supplies Co.", "ACME, Inc.", "Bolt & Nut (UK)"]
)
def test_the_usual_acknowledgement_is_written_directly(company):
    # Given the acknowledgement of a 15-line remittance from a contact (issue 18's mail)
    lines = tuple(
        AckLine(
            reference=f"INV-{n:05d}",
            amount=Decimal(n * 137).scaleb(-2),
            invoice_number=f"INV-{n:05d}",
            remaining=Decimal("0.00"),
        )
        for n in range(15)
    )
    ack = Acknowledgement("Customer 1", "USD", lines, ())
    body = acknowledgement_body(ack, company_name=company)
    # When it is written directly
    direct = write_plain_reply(
        sender="ar@arbox.example",
        company_name=company,
        to="ap@c1.example",
        subject=acknowledgement_subject("Remittance advice 7"),
        body=body,
        message_id="<arbox.0123456789abcdef@arbox.example>",
        in_reply_to="<e2e-7@c1.example>",
        references=None,
        now=NOW,
    )
    # Then it is (no fallback, also for a company name the From header quotes), and it is
    # the composed mail
    assert direct is not None
    assert direct == render_for_outbox(
        compose_acknowledgement(
            ack,
            sender="ar@arbox.example",
            company_name=company,
            to="ap@c1.example",
            subject="Remittance advice 7",
            in_reply_to="<e2e-7@c1.example>",
            references=None,
            message_id="<arbox.0123456789abcdef@arbox.example>",
            now=NOW,
        )
    )
