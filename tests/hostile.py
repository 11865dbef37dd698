"""Hostile mail made at test time (never committed): a PDF decompression bomb, huge and
many-part messages, deep nesting."""

from __future__ import annotations

import zlib
from email.message import EmailMessage
from functools import cache

SENDER = "ap@acme-mfg.example"


@cache
def bomb_pdf(inflated_bytes: int = 1100 * 1024 * 1024) -> bytes:
    """A one-page PDF under 200 KB whose content stream inflates to ``inflated_bytes``:
    zeros deflated twice (``/Filter [/FlateDecode /FlateDecode]``)."""
    inner = zlib.compressobj(9)
    chunk = b"\0" * (1 << 20)
    parts = [inner.compress(chunk) for _ in range(inflated_bytes // len(chunk))]
    parts.append(inner.flush())
    stream = zlib.compress(b"".join(parts), 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter [/FlateDecode /FlateDecode] >>\nstream\n" % len(stream)
        + stream
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _mail(mid: str, subject: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = SENDER
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{mid}@acme-mfg.example>"
    return msg


def mail_with_attachment(data: bytes, filename: str, *, mid: str) -> bytes:
    msg = _mail(mid, "Remittance advice attached")
    msg.set_content("Please find our remittance advice attached.")
    maintype, _, subtype = (
        "application/pdf" if filename.endswith(".pdf") else "application/octet-stream"
    ).partition("/")
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


def many_parts_mail(parts: int, *, mid: str) -> bytes:
    """A multipart/mixed mail of ``parts`` small text parts (built as text: fast)."""
    head = (
        f"From: {SENDER}\r\nTo: ar@arbox.example\r\nSubject: many parts\r\n"
        f"Message-ID: <{mid}@acme-mfg.example>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
    )
    body = "".join(f"--b\r\nContent-Type: text/plain\r\n\r\npart {n}\r\n" for n in range(parts))
    return (head + body + "--b--\r\n").encode()


def nested_mail(depth: int, *, mid: str) -> bytes:
    """``depth`` levels of multipart/mixed around one text part."""
    lines = [
        f"From: {SENDER}",
        "To: ar@arbox.example",
        "Subject: nested",
        f"Message-ID: <{mid}@acme-mfg.example>",
        "MIME-Version: 1.0",
    ]
    for level in range(depth):
        lines += [f'Content-Type: multipart/mixed; boundary="b{level}"', "", f"--b{level}"]
    lines += ["Content-Type: text/plain", "", "INV-70001 1.00"]
    lines += [f"--b{level}--" for level in reversed(range(depth))]
    return "\r\n".join(lines).encode()
