"""parsers.mime.POLICY (and the memo of parsers.sender.read_from) read every mail as
``policy.default`` (and read_from unmemoised) do: the same ParsedEmail (headers, defects,
text, attachments, sender) on every mail of the corpora and fixtures, parsed first with
empty memos and then again with the memos full."""

from __future__ import annotations

import email.policy
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.types import ParsedEmail
from parsers import mime, sender
from tests.conftest import CORPORA, require

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"
MAIL_FOLDERS = (
    "cpython-test-email",
    "crymap-test-data",
    "stalwart-mail-parser",
    "paperless-ngx-samples",
)
#: Headers the memo must not confuse: encoded words (good, bad charset, bad base64), folded
#: lines, raw 8-bit bytes, the same value under names of other kinds, a bad address.
TRICKY = b"""From: =?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <ap@example.com>
To: =?utf-8?b?w5x=?= <ar@arbox.example>, "Quoted, Name" <x@y.example>
Subject: =?iso-8859-1?q?Zahlung_f=FCr?=
 =?unknown-8bit?q?Rechnung_=FC?= and\r
\tmore \xfc\xe4 bytes
Reply-To: ap@example.com <evil@example.net>
Date: not a date
Message-ID: Subject: =?utf-8?q?x?=
X-Subject: =?utf-8?q?Zahlung_f=C3=BCr?=
Content-Type: multipart/mixed;
 boundary="b1"; name*0="a"; name*1="b"

--b1
Content-Type: text/plain; charset="unknown-8bit"
Content-Disposition: attachment; filename*=utf-8''R%C3%BCck.txt

Zahlung \xfc
--b1
Content-Type: application/pdf; name="=?utf-8?q?R=C3=BCck.pdf?="
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--b1--
"""


def _mail_files() -> list[Path]:
    require(CORPORA.is_dir(), f"test corpora not found at {CORPORA}")
    corpora = [
        path
        for folder in MAIL_FOLDERS
        for path in sorted((CORPORA / folder).iterdir())
        if path.suffix.lower() in {".eml", ".txt"}
    ]
    fixtures = sorted(FIXTURES.glob("emails/*.eml")) + sorted(FIXTURES.glob("corpus/*/*.eml"))
    assert len(corpora) > 90
    assert len(fixtures) > 300
    return corpora + fixtures


def _as_default_reads(raw: bytes, monkeypatch: pytest.MonkeyPatch) -> ParsedEmail:
    with monkeypatch.context() as patch:
        patch.setattr(mime, "POLICY", email.policy.default)
        patch.setattr(sender, "_read_from", sender._read_from.__wrapped__)
        return mime.parse_email(raw)


def test_memo_policy_reads_every_corpus_mail_as_policy_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given every mail of the corpora and fixtures, and the tricky one
    raws = [path.read_bytes() for path in _mail_files()] + [TRICKY]
    # When each is parsed with policy.default, then with the memo empty, then with it full
    expected = [_as_default_reads(raw, monkeypatch) for raw in raws]
    mime._header_fetch_parse.cache_clear()
    sender._read_from.cache_clear()
    cold = [mime.parse_email(raw) for raw in raws]
    warm = [mime.parse_email(raw) for raw in raws]
    # Then all three readings are equal, mail by mail
    differ = [
        n for n, (e, c, w) in enumerate(zip(expected, cold, warm, strict=True)) if not e == c == w
    ]
    assert differ == []
    assert mime._header_fetch_parse.cache_info().hits > 0
    assert sender._read_from.cache_info().hits > 0


def test_a_from_too_long_to_keep_is_not_kept() -> None:
    sender._read_from.cache_clear()
    value = "a" * sender.MAX_FROM_CHARS + " <ap@example.com>"
    assert sender.read_from(value).problem == "From is too long"
    assert sender._read_from.cache_info().currsize == 0


def test_tricky_headers_are_decoded_as_policy_default_decodes_them() -> None:
    parsed = mime.parse_email(TRICKY)
    assert parsed.from_name == "Jürgen Müller"
    assert parsed.subject.startswith("Zahlung für")
    assert parsed.header("X-Subject") == "Zahlung für"
    assert [a.filename for a in parsed.attachments] == ["Rück.txt", "Rück.pdf"]


def test_a_long_header_value_is_parsed_but_not_kept() -> None:
    mime._header_fetch_parse.cache_clear()
    subject = "x" * (mime.MEMO_MAX_CHARS + 1)
    parsed = mime.parse_email(f"Subject: {subject}\n\nbody\n".encode())
    assert parsed.subject == subject
    assert mime._header_fetch_parse.cache_info().currsize == 0


#: Pieces of header values the stdlib parser treats specially.
_PIECES = st.sampled_from(
    [
        "=?utf-8?q?a=C3=BCb?=",
        "=?utf-8?b?w7w=?=",
        "=?bogus?q?x?=",
        "=?utf-8?q?broken",
        '"quoted, name"',
        "<a@b.example>",
        "(comment)",
        "a@b",
        ";",
        'boundary="x"',
        "name*0*=utf-8''%C3%BC",
        "\r\n ",
        "\n\t",
        "\udcfc",
        " ",
        ":",
        ",",
        "text/plain",
        "1" * 120,
    ]
)
_NAMES = st.sampled_from(
    ["From", "To", "Subject", "Date", "Message-ID", "Content-Type", "Content-Disposition",
     "Content-Transfer-Encoding", "MIME-Version", "Reply-To", "X-Other"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(name=_NAMES, pieces=st.lists(_PIECES, max_size=8))
def test_any_header_value_is_parsed_as_policy_default_parses_it(
    name: str, pieces: list[str]
) -> None:
    value = "".join(pieces)
    try:
        expected = email.policy.default.header_fetch_parse(name, value)
    except Exception as e:  # the stdlib raises all kinds; the memo must raise the same
        with pytest.raises(type(e)):
            mime.POLICY.header_fetch_parse(name, value)
        return
    for _ in range(2):  # the memo empty, then full
        got = mime.POLICY.header_fetch_parse(name, value)
        assert (str(got), type(got).__bases__, [type(d) for d in got.defects]) == (
            str(expected),
            type(expected).__bases__,
            [type(d) for d in expected.defects],
        )
