"""How often the encoding detector reads a legacy CSV exactly, refuses it, or misreads it.

Usage: ``python bench/encodings.py [--files 1500] [--seed 7]``.

Random invoice exports of 1-20 rows, their names drawn from a few of each language (German,
French, Spanish, Portuguese, Polish, Czech, Hungarian, Turkish, Latvian and Lithuanian, Greek,
Russian), each written in one of the language's two usual legacy code pages, are decoded by
:func:`parsers.text_encoding.decode_text` as the import does (strictly). Per language: read
exactly, refused (not sure), misread. A misread is the failure that matters: a refusal says
so, and ``--encoding`` reads the file.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.errors import UnreadableDocumentError
from parsers.text_encoding import decode_text

HEADER = "invoice_number,customer_number,customer_name,issue_date,due_date,amount\n"
LANGUAGES: dict[str, tuple[list[str], tuple[str, str]]] = {
    "German": (
        ["Müller GmbH", "Bäckerei Größe KG", "Schröder & Söhne", "Köln Süd AG", "Weiß Bau"],
        ("cp1252", "iso8859_15"),
    ),
    "French": (
        ["Société Générale", "Café Crème SARL", "Boulangerie Lefèvre", "Hôtel du Château"],
        ("cp1252", "iso8859_15"),
    ),
    "Polish": (
        [
            "Łódź Gdańsk Sp. z o.o.",
            "Zakład Ćma",
            "Świętokrzyskie Żurawie",
            "Kraków Śląsk",
            "Poznań Serwis",
        ],
        ("cp1250", "iso8859_2"),
    ),
    "Czech": (
        ["Žlutý kůň s.r.o.", "Příliš Čeština", "Řezník Šťastný", "Brno Ústí", "Plzeň Ďábel"],
        ("cp1250", "iso8859_2"),
    ),
    "Spanish": (
        ["España Muñoz S.A.", "Peña y Niño", "Comercial Azúcar", "Señor Ibáñez"],
        ("cp1252", "iso8859_15"),
    ),
    "Portuguese": (
        ["São Paulo Comércio", "Conceição Ltda", "Irmãos Gonçalves", "Pão de Açúcar"],
        ("cp1252", "iso8859_15"),
    ),
    "Hungarian": (
        ["Győr Kft", "Szőlő Zrt", "Műszaki Bt", "Pécs Ügyvédi Iroda"],
        ("cp1250", "iso8859_2"),
    ),
    "Turkish": (
        ["İstanbul Ticaret", "Şişli Gıda", "Çağ Tekstil", "Öztürk Yapı"],
        ("cp1254", "iso8859_9"),
    ),
    "Baltic": (
        ["Rīgas Piens SIA", "Vilniaus Šviesa UAB", "Kauno Ūkis", "Liepājas Ģimene"],
        ("cp1257", "iso8859_13"),
    ),
    "Greek": (
        ["Ελληνική ΑΕ", "Αθήνα Εμπορική", "Θεσσαλονίκη ΕΠΕ", "Κρήτη Τρόφιμα"],
        ("cp1253", "iso8859_7"),
    ),
    "Russian": (
        ["ООО Ромашка", "Иванов и партнёры", "Москва Торг", "Новосибирск Лес"],
        ("cp1251", "koi8_r"),
    ),
}


def export(names: list[str]) -> str:
    rows = (
        f"INV-{n},C-{n},{name},2026-01-05,2026-02-04,{100 + n}.00\n" for n, name in enumerate(names)
    )
    return HEADER + "".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    counts: Counter[tuple[str, str]] = Counter()
    misread: list[str] = []
    start = time.perf_counter()
    for _ in range(args.files):
        language = rng.choice(list(LANGUAGES))
        names, encodings = LANGUAGES[language]
        encoding = rng.choice(encodings)
        text = export([rng.choice(names) for _ in range(rng.randint(1, 20))])
        try:
            decoded = decode_text(text.encode(encoding))
        except UnreadableDocumentError:
            counts[language, "refused"] += 1
            continue
        if decoded.text == text:
            counts[language, "exact"] += 1
        else:
            counts[language, "misread"] += 1
            misread.append(f"{language} {encoding} as {decoded.encoding}: {text.splitlines()[1]}")
    seconds = time.perf_counter() - start
    print(f"{args.files} files, seed {args.seed}, {seconds:.1f} s")
    print(f"{'language':<10}{'files':>7}{'exact':>8}{'refused':>9}{'misread':>9}")
    for language in LANGUAGES:
        row = [counts[language, kind] for kind in ("exact", "refused", "misread")]
        print(f"{language:<10}{sum(row):>7}{row[0]:>8}{row[1]:>9}{row[2]:>9}")
    for line in misread[:10]:
        print("misread:", line)


if __name__ == "__main__":
    main()
