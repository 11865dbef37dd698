"""ARBOX_AUTO_REPLY_KINDS: which question kinds are answered automatically."""

from __future__ import annotations

import pytest

from core.config import Settings
from core.setting_values import REPLY_KINDS, parse_reply_kinds
from core.types import QUESTION_KINDS


def test_all_is_every_question_kind_and_the_default():
    assert parse_reply_kinds("all") == REPLY_KINDS == {k.value for k in QUESTION_KINDS}
    assert Settings().reply_kinds == REPLY_KINDS


def test_none_answers_nothing():
    assert parse_reply_kinds("none") == frozenset()
    assert Settings(auto_reply_kinds="none").reply_kinds == frozenset()


def test_a_list_takes_dashes_or_underscores_in_any_case():
    assert parse_reply_kinds("Balance_Inquiry, dispute") == {"balance-inquiry", "dispute"}


def test_an_unknown_kind_is_refused_by_name():
    with pytest.raises(ValueError, match="'remittance' is not a question kind"):
        Settings(auto_reply_kinds="dispute,remittance")
