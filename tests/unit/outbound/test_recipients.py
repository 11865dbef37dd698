"""Who may receive what (outbound.recipients), the pure rules."""

from __future__ import annotations

from ledger.senders import domain_of
from outbound.recipients import Audience, allowed_recipients, may_receive

ACME = Audience(customer_id=1, contacts=frozenset({"ap@acme.example"}))
ACME_DOMAIN = Audience(
    customer_id=1, contacts=frozenset({"ap@acme.example"}), domain="acme.example"
)
BOREALIS = Audience(customer_id=2, contacts=frozenset({"ap@acme.example", "pay@borealis.example"}))


def test_a_registered_contact_may_receive_its_customers_data_whatever_the_case():
    assert may_receive("AP@Acme.Example", ACME)
    assert may_receive(" ap@acme.example ", ACME)


def test_another_address_at_the_same_domain_may_not_unless_the_customer_allows_the_domain():
    assert not may_receive("jane@acme.example", ACME)
    assert may_receive("Jane@ACME.example", ACME_DOMAIN)


def test_an_allowed_domain_is_exact_not_a_suffix():
    assert not may_receive("x@evil-acme.example", ACME_DOMAIN)
    assert not may_receive("x@sub.acme.example", ACME_DOMAIN)
    assert not may_receive("acme.example", ACME_DOMAIN)
    assert not may_receive("", ACME_DOMAIN)


def test_a_mail_about_several_accounts_goes_only_to_contacts_of_every_one():
    to = ["ap@acme.example", "pay@borealis.example", "jane@acme.example"]
    assert allowed_recipients(to, [ACME, BOREALIS]) == ("ap@acme.example",)
    assert allowed_recipients(to, [ACME_DOMAIN]) == ("ap@acme.example", "jane@acme.example")
    assert allowed_recipients(["pay@borealis.example"], [ACME, BOREALIS]) == ()


def test_a_mail_about_no_account_may_go_to_anyone_it_is_addressed_to():
    assert allowed_recipients(["Who@Ever.example", "who@ever.example"], []) == ("who@ever.example",)


def test_the_domain_of_an_address_is_lower_cased_and_empty_without_one():
    assert domain_of("Jane@ACME.example") == "acme.example"
    assert domain_of("no-at-sign") == ""
    assert domain_of("@acme.example") == ""
