"""EDI files for the tests, generated here: an X12 820 and an EDIFACT REMADV written the way
payers' systems write them (the separators, envelopes and counts are computed, so a test can
change one segment and keep the file valid). No public sample was copied; see
fixtures/edi/README.md for what each segment means."""

from __future__ import annotations

#: The 820 of fixtures/edi/README.md: two invoices, one short by 25.00 (damaged goods).
PAYMENT_820 = [
    "BPR*C*1324.99*C*ACH*CCP*01*021000021*DA*123456*1234567890**01*031000053*DA*987654*20261207",
    "TRN*1*778812*1234567890",
    "CUR*PR*USD",
    "REF*EV*ACMEPAY",
    "DTM*097*20261207",
    "N1*PR*ACME MANUFACTURING INC",
    "N1*PE*EXAMPLE SUPPLIES CO",
    "ENT*1",
    "RMR*IV*INV-70001**1225.00*1250.00",
    "REF*PO*PO-5521",
    "DTM*003*20261001",
    "ADX*-25.00*04",
    "RMR*IV*INV-70002**99.99*99.99",
    "DTM*003*20261005",
]


def isa(*, element: str = "*", component: str = ">", control: str = "000000001") -> str:
    """An ISA segment of exactly 106 characters (without its terminator: 105)."""
    fields = [
        "ISA", "00", " " * 10, "00", " " * 10, "ZZ", "ACMEPAY".ljust(15), "ZZ",
        "ARBOX".ljust(15), "261207", "1200", "U", "00401", control, "0", "P", component,
    ]  # fmt: skip
    text = element.join(fields)
    assert len(text) == 105, len(text)
    return text


def x12(
    *sets: list[str],
    element: str = "*",
    component: str = ">",
    terminator: str = "~",
    newline: str = "",
    kind: str = "820",
) -> bytes:
    """An interchange of one transaction set per ``sets`` entry (its body segments written
    with ``*``, rewritten with ``element``), with ST/SE, GS/GE and ISA/IEA around them."""
    segments = [
        isa(element=element, component=component),
        "GS*RA*ACMEPAY*ARBOX*20261207*1200*1*X*004010",
    ]
    for number, body in enumerate(sets, start=1):
        control = f"{number:04d}"
        segments += [f"ST*{kind}*{control}", *body, f"SE*{len(body) + 2}*{control}"]
    segments += ["GE*" + str(len(sets)) + "*1", "IEA*1*000000001"]
    text = "".join(
        (s if s.startswith("ISA") else s.replace("*", element)) + terminator + newline
        for s in segments
    )
    return text.encode()


#: The REMADV of fixtures/edi/README.md: the same payment as PAYMENT_820.
REMADV = [
    "BGM+481+RA-778812+9",
    "DTM+137:20261207:102",
    "DTM+209:20261207:102",
    "RFF+PQ:778812",
    "MOA+12:1324.99",
    "CUX+2:USD:11",
    "NAD+PR+++ACME MANUFACTURING INC",
    "DOC+380+INV-70001",
    "MOA+12:1225.00",
    "MOA+39:1250.00",
    "DTM+137:20261001:102",
    "RFF+ON:PO-5521",
    "AJT+3",
    "MOA+8:25.00",
    "DOC+380+INV-70002",
    "MOA+12:99.99",
    "MOA+39:99.99",
]


def edifact(
    *messages: list[str], una: str | None = ":+.? '", terminator: str = "'", newline: str = ""
) -> bytes:
    """An interchange (UNB…UNZ, after ``una`` when given) of one REMADV per ``messages``
    entry, with UNH/UNT around each. Segments are given with the standard separators."""
    segments = ["UNB+UNOC:3+ACMEPAY:ZZ+ARBOX:ZZ+261207:1200+42"]
    for number, body in enumerate(messages, start=1):
        segments += [f"UNH+{number}+REMADV:D:96A:UN", *body, f"UNT+{len(body) + 2}+{number}"]
    segments.append(f"UNZ+{len(messages)}+42")
    text = "".join(s + terminator + newline for s in segments)
    return ((f"UNA{una}" + newline) if una else "").encode() + text.encode()
