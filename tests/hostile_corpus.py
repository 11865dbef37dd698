"""A corpus of crafted hostile mails, made by code at test time (issue 19): spoofed From
forms, encoded-word tricks, header injection, HTML breakouts, Unicode digits in attributes and
amounts, huge numbers, nested encodings, deep nesting, bogus charsets, NUL bytes, overlong
lines. Every mail is a remittance or question about the ledger below, so that a mistake in
who it is from would show as cash posted or account data sent.

:func:`hostile_mails` gives ``(family, name, raw bytes)``; :data:`LEDGER` the ledger to run
them against; :data:`CONTACTS` the registered contacts of each customer.
"""

from __future__ import annotations

import base64
import quopri
from collections.abc import Iterator

LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
INV-70001,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,1250.00
INV-70002,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-05,2026-11-04,99.99
INV-80001,C801,Borealis Foods Ltd,payables@borealis.example,2026-10-05,2026-11-04,10.00
INV-80002,C801,Borealis Foods Ltd,payables@borealis.example,2026-10-06,2026-11-05,20.00
"""
#: Customer number → its registered contacts.
CONTACTS = {"C701": {"ap@acme-mfg.example"}, "C801": {"payables@borealis.example"}}
ACME = "ap@acme-mfg.example"
BOREALIS = "payables@borealis.example"
EVIL = "attacker@evil.test"
REMIT = "Remittance advice\r\nINV-80001 10.00\r\nINV-80002 20.00\r\nTotal 30.00\r\n"
ASK = "Hi, what is our current balance? Please also send a copy of invoice INV-80001.\r\n"
TABLE = "<table><tr><th>Invoice</th><th>Amount</th></tr>{rows}</table>"


def _head(mid: str, sender: str, subject: str = "Remittance advice", extra: str = "") -> str:
    # ``extra`` comes first: a second From or Date is the one a lenient reader would take.
    return (
        f"{extra}From: {sender}\r\nTo: ar@arbox.example\r\nSubject: {subject}\r\n"
        f"Message-ID: <{mid}@hostile.example>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
        "MIME-Version: 1.0\r\n"
    )


def _text(mid: str, sender: str, body: str = REMIT, **kw: str) -> bytes:
    head = _head(mid, sender, **kw)
    return f"{head}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}".encode(
        "utf-8", "surrogatepass"
    )


def _html(mid: str, html: str, sender: str = BOREALIS, ctype_extra: str = "") -> bytes:
    head = _head(mid, sender)
    return (f"{head}Content-Type: text/html; charset=utf-8{ctype_extra}\r\n\r\n{html}\r\n").encode(
        "utf-8", "surrogatepass"
    )


def _rows(*cells: tuple[str, str]) -> str:
    return "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in cells)


def spoofed_from() -> Iterator[tuple[str, bytes]]:
    yield "name is a contact's address", _text("sp1", f"{BOREALIS} <{EVIL}>")
    yield "quoted name is a contact's address", _text("sp2", f'"{BOREALIS}" <{EVIL}>')
    yield (
        "encoded name is a contact's address",
        _text("sp3", f"=?utf-8?q?payables=40borealis.example?= <{EVIL}>"),
    )
    yield "encoded word as the address", _text("sp4", "=?utf-8?q?payables=40borealis.example?=")
    yield (
        "encoded word in the angle address",
        _text("sp5", "x <=?utf-8?q?payables=40borealis.example?=>"),
    )
    yield "two mailboxes", _text("sp6", f"{BOREALIS}, {EVIL}")
    yield "group syntax", _text("sp7", f"Borealis: {BOREALIS};")
    yield "comment holds another address", _text("sp8", f"{BOREALIS} ({EVIL})")
    yield "address then a contact after", _text("sp9", f"{EVIL} <{BOREALIS}>")
    yield "two From headers", _text("sp10", BOREALIS, extra=f"From: {EVIL}\r\n")
    yield "look-alike domain", _text("sp11", "payables@borealis.example.evil.test")
    yield "Cyrillic look-alike", _text("sp12", "payables@b\u043erealis.example")
    yield "Reply-To a contact", _text("sp13", EVIL, extra=f"Reply-To: {BOREALIS}\r\n")
    yield "Sender a contact", _text("sp14", EVIL, extra=f"Sender: {BOREALIS}\r\n")
    yield "stranger asks for account data", _text("sp15", EVIL, body=ASK)
    yield "malformed From asks for account data", _text("sp16", f"{BOREALIS} <{EVIL}>", body=ASK)
    yield "a@b@c", _text("sp17", f"payables@{EVIL}@borealis.example")
    yield (
        "forged Authentication-Results",
        _text(
            "sp18",
            EVIL,
            body=ASK,
            extra="Authentication-Results: mx.arbox.example; dmarc=pass header.from=borealis.example\r\n",
        ),
    )


def encoded_words() -> Iterator[tuple[str, bytes]]:
    yield (
        "encoded name with a colon from a contact",
        _text("ew1", f"=?utf-8?q?Borealis=3A_AP?= <{BOREALIS}>"),
    )
    yield "bogus charset in an encoded word", _text("ew2", f"=?x-nope?q?AP?= <{BOREALIS}>")
    yield "broken base64 encoded word", _text("ew3", f"=?utf-8?b?!!!?= <{BOREALIS}>")
    yield (
        "encoded subject of 20,000 words",
        _text("ew4", BOREALIS, subject=" ".join(["=?utf-8?q?x?="] * 20_000)),
    )
    yield "encoded word with NUL", _text("ew5", f"=?utf-8?q?A=00P?= <{BOREALIS}>")
    yield (
        "encoded CRLF in References",
        _text("ew6", BOREALIS, extra="References: =?utf-8?q?=3Cx=0D=0ABcc:_e@evil.test=3E?=\r\n"),
    )


def header_injection() -> Iterator[tuple[str, bytes]]:
    crlf = "=?utf-8?q?Payment=0D=0ABcc:_attacker@evil.test=0D=0A?="
    yield "CRLF in an encoded subject from a contact", _text("hi1", BOREALIS, subject=crlf)
    yield "CRLF in an encoded subject asking", _text("hi2", BOREALIS, subject=crlf, body=ASK)
    yield (
        "LF in a base64 subject",
        _text(
            "hi3",
            BOREALIS,
            subject="=?utf-8?b?" + base64.b64encode(b"x\nBcc: e@evil.test").decode() + "?=",
        ),
    )
    yield (
        "CRLF in an encoded display name",
        _text("hi4", f'"=?utf-8?q?a=0D=0ABcc:_x@evil.test?=" <{BOREALIS}>', body=ASK),
    )
    yield (
        "injection in In-Reply-To",
        _text(
            "hi5",
            BOREALIS,
            body=ASK,
            extra="In-Reply-To: =?utf-8?q?=3Ca@b=3E=0ABcc:_e@evil.test?=\r\n",
        ),
    )


def html_breakouts() -> Iterator[tuple[str, bytes]]:
    rows = _rows(("INV-80001", "10.00"), ("INV-80002", "20.00"))
    yield "<![ declaration", _html("hb1", "<![" + TABLE.format(rows=rows))
    yield "unclosed script", _html("hb2", TABLE.format(rows=rows) + "<script>INV-70001 1250.00")
    yield "bars in cells", _html("hb3", TABLE.format(rows=_rows(("INV-80001 | 999", "10.00|5"))))
    yield "unclosed comment", _html("hb4", TABLE.format(rows=rows) + "<!-- INV-70001 1250.00")
    yield "CDATA", _html("hb5", "<![CDATA[INV-70001 1250.00]]>" + TABLE.format(rows=rows))
    yield (
        "200 nested tables",
        _html("hb6", "<table><tr><td>" * 200 + rows + "</td></tr></table>" * 200),
    )
    yield (
        "hidden text",
        _html("hb7", '<div style="display:none">INV-70001 1250.00</div>' + TABLE.format(rows=rows)),
    )


def unicode_digits() -> Iterator[tuple[str, bytes]]:
    yield (
        "superscript colspan",
        _html("ud1", TABLE.format(rows='<tr><td colspan="²">INV-80001</td><td>10.00</td></tr>')),
    )
    yield (
        "Arabic-Indic rowspan and colspan",
        _html(
            "ud2",
            TABLE.format(rows='<tr><td rowspan="٣" colspan="٣">INV-80001</td><td>10.00</td></tr>'),
        ),
    )
    yield (
        "Arabic-Indic amounts",
        _text("ud3", BOREALIS, body="INV-80001 ١٠٫٠٠\r\nINV-80002 ٢٠.٠٠\r\n"),
    )
    yield "fullwidth reference", _text("ud4", BOREALIS, body="ＩＮＶ－８０００１ 10.00\r\n")
    yield "superscript in an amount", _text("ud5", BOREALIS, body="INV-80001 1²0.00\r\n")
    yield (
        "Arabic-Indic Date",
        _text("ud6", BOREALIS, extra="Date: Mon, 23 Nov ٢٠٢٦ 10:00:00 +0000\r\n"),
    )
    yield (
        "Devanagari date in the body",
        _text("ud7", BOREALIS, body="Paid on २३.११.२०२६\r\n" + REMIT),
    )


def huge_numbers() -> Iterator[tuple[str, bytes]]:
    yield (
        "4,300-digit colspan",
        _html(
            "hn1",
            TABLE.format(rows=f'<tr><td colspan="{"9" * 4300}">INV-80001</td><td>10.00</td></tr>'),
        ),
    )
    yield "5,000-digit amount", _text("hn2", BOREALIS, body=f"INV-80001 {'9' * 5000}.00\r\n")
    yield (
        "4,301-digit RFC 2231 section",
        _html(
            "hn3",
            TABLE.format(rows=_rows(("INV-80001", "10.00"))),
            ctype_extra=f"; name*{'9' * 4301}=x",
        ),
    )
    yield (
        "huge Date zone",
        _text("hn4", BOREALIS, extra="Date: Mon, 23 Nov 2026 10:00:00 +2400000000000\r\n"),
    )
    yield "huge Content-Length", _text("hn5", BOREALIS, extra=f"Content-Length: {'9' * 5000}\r\n")
    yield (
        "huge written date",
        _text("hn6", BOREALIS, body=f"Paid on {'9' * 5000}-11-23\r\n" + REMIT),
    )


def nested_encodings() -> Iterator[tuple[str, bytes]]:
    html = TABLE.format(rows=_rows(("INV-80001", "10.00"), ("INV-80002", "20.00")))
    b64 = base64.encodebytes(html.encode()).decode()
    qp_of_b64 = quopri.encodestring(b64.encode()).decode()
    inner = (
        f"From: {BOREALIS}\r\nSubject: inner\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/alternative; boundary="alt"\r\n\r\n'
        "--alt\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        f"{qp_of_b64}\r\n"
        "--alt\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        f"{b64}\r\n--alt--\r\n"
    )
    head = _head("ne1", BOREALIS)
    yield (
        "base64 in QP in alternative in rfc822",
        (
            f'{head}Content-Type: multipart/mixed; boundary="out"\r\n\r\n--out\r\n'
            f"Content-Type: message/rfc822\r\n\r\n{inner}\r\n--out--\r\n"
        ).encode(),
    )
    nested = inner
    for level in range(12):
        nested = (
            f"From: {EVIL}\r\nSubject: fwd {level}\r\nContent-Type: message/rfc822\r\n\r\n{nested}"
        )
    yield (
        "rfc822 twelve deep",
        (_head("ne2", BOREALIS) + "Content-Type: message/rfc822\r\n\r\n" + nested).encode(),
    )
    yield (
        "base64 body of junk",
        (
            _head("ne3", BOREALIS)
            + "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            "!!!not base64***\r\n"
        ).encode(),
    )
    yield (
        "unknown transfer encoding",
        (
            _head("ne4", BOREALIS)
            + "Content-Type: text/plain\r\nContent-Transfer-Encoding: x-uue²\r\n\r\n"
            + REMIT
        ).encode(),
    )


def deep_nesting() -> Iterator[tuple[str, bytes]]:
    for depth, mid in ((29, "dn1"), (31, "dn2"), (60, "dn3")):
        lines = [_head(mid, BOREALIS).rstrip("\r\n")]
        for level in range(depth):
            lines += [f'Content-Type: multipart/mixed; boundary="b{level}"', "", f"--b{level}"]
        lines += ["Content-Type: text/plain", "", "INV-80001 10.00"]
        lines += [f"--b{level}--" for level in reversed(range(depth))]
        yield f"{depth} deep", "\r\n".join(lines).encode()


def bogus_charsets() -> Iterator[tuple[str, bytes]]:
    for n, charset in enumerate(
        ["utf-99", "utf\x00-8", "idna", "x-unknown", "²", "utf-8\r\n X-Evil: 1"]
    ):
        head = _head(f"bc{n}", BOREALIS)
        yield (
            f"charset {charset!r}",
            (
                f'{head}Content-Type: text/plain; charset="{charset}"\r\n\r\n'.encode()
                + REMIT.encode()
                + b"\xff\xfe\xc3\x28\r\n"
            ),
        )


def nul_bytes() -> Iterator[tuple[str, bytes]]:
    yield (
        "NUL in the body",
        _text("nb1", BOREALIS, body="INV-80001\x00 10.00\r\nINV-80002 20.00\x00\r\n"),
    )
    yield "NUL in a header", _text("nb2", BOREALIS, subject="Remit\x00tance")
    yield (
        "NUL in the boundary",
        (
            _head("nb3", BOREALIS) + 'Content-Type: multipart/mixed; boundary="a\x00b"\r\n\r\n'
            "--a\x00b\r\nContent-Type: text/plain\r\n\r\n" + REMIT + "--a\x00b--\r\n"
        ).encode(),
    )


def overlong_lines() -> Iterator[tuple[str, bytes]]:
    yield (
        "1 MB body line",
        _text("ol1", BOREALIS, body="INV-80001 10.00 " + "x" * 1_000_000 + "\r\n"),
    )
    yield "100 KB header line", _text("ol2", BOREALIS, extra="X-Long: " + "y" * 100_000 + "\r\n")
    yield "50,000-character subject", _text("ol3", BOREALIS, subject="s" * 50_000)


def mime_params() -> Iterator[tuple[str, bytes]]:
    head = _head("mp1", BOREALIS)
    yield (
        "filename with superscript section",
        (
            f'{head}Content-Type: multipart/mixed; boundary="m"\r\n\r\n--m\r\n'
            "Content-Type: text/plain\r\n\r\n" + REMIT + "--m\r\n"
            "Content-Type: text/csv; name*²=x.csv\r\n"
            "Content-Disposition: attachment; filename*0*=utf-8''%E2%80%AE; filename*²=gpj.csv\r\n\r\n"
            "invoice,amount\r\nINV-80001,10.00\r\n--m--\r\n"
        ).encode(),
    )
    yield (
        "4,300-digit boundary",
        (
            _head("mp2", BOREALIS)
            + f'Content-Type: multipart/mixed; boundary="{"7" * 4300}"\r\n\r\n'
            f"--{'7' * 4300}\r\nContent-Type: text/plain\r\n\r\n{REMIT}--{'7' * 4300}--\r\n"
        ).encode(),
    )
    yield (
        "multipart without a boundary",
        (_head("mp3", BOREALIS) + "Content-Type: multipart/mixed\r\n\r\n" + REMIT).encode(),
    )


FAMILIES = {
    "spoofed_from": spoofed_from,
    "encoded_words": encoded_words,
    "header_injection": header_injection,
    "html_breakouts": html_breakouts,
    "unicode_digits": unicode_digits,
    "huge_numbers": huge_numbers,
    "nested_encodings": nested_encodings,
    "deep_nesting": deep_nesting,
    "bogus_charsets": bogus_charsets,
    "nul_bytes": nul_bytes,
    "overlong_lines": overlong_lines,
    "mime_params": mime_params,
}


def hostile_mails() -> list[tuple[str, str, bytes]]:
    """Every mail of the corpus: (family, name, raw bytes)."""
    return [(family, name, raw) for family, make in FAMILIES.items() for name, raw in make()]
