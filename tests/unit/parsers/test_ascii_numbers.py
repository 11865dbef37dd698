"""Numbers from sender text (issue 19, finding 3): one strict reader, and no exception out of
the parsers' public functions whatever a sender writes in an attribute or header they read
as a number or a name (colspan, dates, charsets, boundaries, filenames, encoded words,
Content-Length-like headers)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.ascii_numbers import ascii_date, ascii_int, mail_day
from parsers.html_text import html_to_text
from parsers.mime import parse_email
from parsers.sender import dmarc_verdict, read_from
from worker.inbound.pool import MailRejectedByLimitError, ParseLimits, read_mail

#: Text a sender may write: anything, and the digit look-alikes and monsters in particular.
HOSTILE_NUMBERS = st.one_of(
    st.text(),
    st.sampled_from(["²", "³", "¹", "٣", "۳", "३", "０", "½", "Ⅻ", "𝟗", "-1", "+2", "0x10", ""]),
    st.integers(min_value=0, max_value=6000).map(lambda n: "9" * n),
    st.builds(
        lambda a, b: a + b, st.text(max_size=5), st.text(alphabet="0123456789²٣", max_size=20)
    ),
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", 3),
        (" 12\t", 12),
        ("007", 7),
        ("²", None),  # isdigit() is True, int() raises
        ("٣", None),  # int() reads it as 3: not our digit
        ("3px", None),
        ("-1", None),
        ("", None),
        (None, None),
        ("9" * 5000, None),  # int() raises past 4,300 digits
        ("51", None),
    ],
)
def test_ascii_int_reads_ascii_digits_in_bounds_only(text, expected) -> None:
    assert ascii_int(text, maximum=50) == expected


def test_ascii_int_clamps_when_asked() -> None:
    assert ascii_int("9" * 5000, minimum=1, maximum=50, clamp=True) == 50
    assert ascii_int("0", minimum=1, maximum=50, clamp=True) == 1
    assert ascii_int("²", minimum=1, maximum=50, clamp=True) is None


@given(HOSTILE_NUMBERS, st.integers(min_value=0, max_value=10**6))
def test_ascii_int_never_raises_and_stays_in_bounds(text, maximum) -> None:
    value = ascii_int(text, maximum=maximum)
    assert value is None or 0 <= value <= maximum


def test_ascii_date_rejects_other_scripts_and_impossible_dates() -> None:
    assert ascii_date("2026", "11", "03") == date(2026, 11, 3)
    assert ascii_date("٢٠٢٦", "11", "03") is None
    assert ascii_date("2026", "02", "31") is None


def test_mail_day_reads_only_plain_ascii_dates() -> None:
    assert mail_day("Tue, 3 Nov 2026 10:00:00 +0000") == date(2026, 11, 3)
    assert mail_day("Tue, 3 Nov ٢٠٢٦ 10:00:00 +0000") is None
    assert mail_day("Tue, 3 Nov " + "9" * 5000 + " 10:00:00 +0000") is None


def test_issue_19_unicode_digit_colspan_reads_as_one_column() -> None:
    """https://github.com/arbox/arbox/issues/19 (finding 3): ``int('²')`` crashed reading."""
    html = '<table><tr><td colspan="²">INV-1001</td><td>1,250.00</td></tr></table>'
    assert html_to_text(html) == "INV-1001 | 1,250.00"
    huge = f'<table><tr><td colspan="{"9" * 4300}">x</td><td>y</td></tr></table>'
    assert html_to_text(huge).count("|") == 50  # the widest span honoured


@FUZZ
@given(HOSTILE_NUMBERS, HOSTILE_NUMBERS)
def test_html_cell_spans_never_raise(colspan, rowspan) -> None:
    html = (
        f'<table><tr><td colspan="{colspan}" rowspan="{rowspan}">INV-1</td>'
        f"<th colspan={colspan}>1.00</th></tr></table>"
    )
    html_to_text(html)


def _mail(headers: dict[str, str], *, boundary: str = "b1", body: str = "") -> bytes:
    """A multipart mail with the fuzzed ``headers`` on top and on its HTML part."""
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    text = (
        f"{head}MIME-Version: 1.0\r\n"
        f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'
        f"--{boundary}\r\n{head}Content-Type: text/html; charset=utf-8\r\n\r\n"
        f"<table><tr><td>INV-1</td><td>1.00</td></tr></table>{body}\r\n"
        f"--{boundary}--\r\n"
    )
    return text.encode("utf-8", "surrogatepass")


def _read(raw: bytes) -> None:
    """Every public function of the parsers that reads a whole mail."""
    parsed = parse_email(raw)
    read_from(parsed.header("From"))
    dmarc_verdict(parsed.headers, authserv_id="mx.arbox.example")
    dmarc_verdict(parsed.headers, authserv_id=None)
    mail_day(parsed.date)
    try:
        read_mail(raw, own_address="ar@arbox.example", limits=ParseLimits())
    except MailRejectedByLimitError as e:  # a clear reason, and the mail quarantined with it
        assert parsed.limit_exceeded == str(e)


@FUZZ
@given(HOSTILE_NUMBERS)
def test_number_like_headers_never_raise(value) -> None:
    _read(
        _mail(
            {
                "From": f"ap{value}@acme.example",
                "Date": f"Tue, {value} Nov {value} 10:00:{value} +{value}",
                "Content-Length": value,
                "Lines": value,
                "X-Priority": value,
                "Authentication-Results": f"mx.arbox.example {value}; dmarc={value} "
                f"header.from={value}",
            }
        )
    )


@FUZZ
@given(HOSTILE_NUMBERS, st.text(max_size=40))
def test_mime_parameters_never_raise(value, text) -> None:
    params = (
        f"charset={value}; charset*0*={value}; charset*{value}=x; name*{value}*=utf-8''{text}; "
        f"filename*{value}={text}"
    )
    headers = {
        "Content-Type": f"text/html; {params}",
        "Content-Disposition": f"attachment; filename={value}; size={value}; {params}",
        "Content-Transfer-Encoding": value,
    }
    _read(_mail(headers, boundary=f"b{value}"[:70] or "b"))


@FUZZ
@given(st.text(), st.sampled_from(["q", "b", "Q", "B", "x", ""]), st.text(max_size=12))
def test_encoded_words_never_raise(payload, encoding, charset) -> None:
    word = f"=?{charset}?{encoding}?{payload}?="
    _read(
        _mail(
            {
                "From": f"{word} <ap@acme.example>",
                "Subject": f"Remittance {word}",
                "Reply-To": word,
                "Content-Description": word,
            },
            body=f'<a title="{word}">{word}</a>',
        )
    )


@FUZZ
@given(st.text())
def test_from_and_authentication_results_never_raise(value) -> None:
    read_from(value)
    dmarc_verdict((("Authentication-Results", value),), authserv_id=value[:20] or None)
