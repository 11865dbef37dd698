"""The bank statement readers on real third-party files (``/work/shared/corpora``): every file
parses to what its upstream expected output states, and is accepted or rejected with the
reason listed here. The lists are the result of reading each file: the genkgo camt samples
carry a closing balance in another currency (or one that does not add up), and many MT940
samples were cut down or anonymised upstream, so their balances no longer add up; arbox
rejects those whole, as it must any statement that does not balance."""

from __future__ import annotations

import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from parsers.bank import BankStatementError, parse_statements, read_statements
from parsers.bank.model import BankFormat
from tests.conftest import CORPORA, require

BAI2 = CORPORA / "bai2-tests"
CAMT = CORPORA / "camt-tests"
MT940 = CORPORA / "mt940-tests"

#: File → what the rejection says. Every other file of the folder must be accepted.
REJECTED: dict[str, str] = {
    # BAI2 (moov-io): a file without a 01 header; two whose account trailer claims a control
    # total (-1260161341762) the records do not come near.
    "test__testdata__errors__sample-parseError.txt": "no file header",
    "test__testdata__sample4-continuations-newline-delimited.txt": "account control total",
    "test__testdata__sample5-issue113.txt": "account control total",
    # camt (genkgo)
    "test__data__camt053.v2.all-balance-types.xml": "does not balance",
    "test__data__camt053.v2.five.decimals.xml": "does not balance",
    "test__data__camt053.v2.minimal.ultimate.xml": "balance is in SEK, the account in EUR",
    "test__data__camt053.v2.minimal.xml": "balance is in SEK, the account in EUR",
    "test__data__camt053.v2.with-party-ids.xml": "balance is in SEK, the account in EUR",
    "test__data__camt053.v3.xml": "balance is in SEK, the account in EUR",
    "test__data__camt053.v4.xml": "balance is in SEK, the account in EUR",
    "test__data__camt053.v8.xml": "balance is in SEK, the account in EUR",
    "test__data__camt053.v2.wrong.xml": "no statement",
    # MT940 (wolph/mt940): tag snippets that are no statement, a file the library cannot
    # read (a :61: wrapped onto a second line), and statements that do not add up.
    "mt940_tests__ASNB__mt940.txt": "does not parse",
    "mt940_tests__ASNB__mt940_with_spaces_for_entry_date.txt": "does not parse",
    "mt940_tests__betterplace__amount_formats.sta": "no statement",
    "mt940_tests__betterplace__currency_in_25.sta": "no statement",
    "mt940_tests__betterplace__empty_86.sta": "no statement",
    "mt940_tests__betterplace__empty_entry_date.sta": "no statement",
    "mt940_tests__betterplace__empty_line.sta": "not a statement",
    "mt940_tests__betterplace__missing_crlf_at_end.sta": "no statement",
    "mt940_tests__betterplace__sepa_mt9401.sta": "does not balance",
    "mt940_tests__betterplace__sepa_snippet.sta": "does not balance",
    "mt940_tests__betterplace__sepa_snippet_broken.sta": "does not balance",
    "mt940_tests__cmxl__account_balance_credit.sta": "no statement",
    "mt940_tests__cmxl__account_balance_debit.sta": "no statement",
    "mt940_tests__cmxl__account_identification_iban.sta": "no statement",
    "mt940_tests__cmxl__account_identification_legacy.sta": "no statement",
    "mt940_tests__cmxl__available_balance.sta": "no statement",
    "mt940_tests__cmxl__closing_balance.sta": "no statement",
    "mt940_tests__cmxl__reference.sta": "not a statement",
    "mt940_tests__cmxl__statement_details.sta": "no statement",
    "mt940_tests__cmxl__statement_line.sta": "no statement",
    "mt940_tests__cmxl__statement_number.sta": "no statement",
    "mt940_tests__jejik__abnamro.sta": "does not balance",
    "mt940_tests__jejik__ing.sta": "does not balance",
    "mt940_tests__jejik__knab.sta": "does not balance",
    "mt940_tests__jejik__postfinance.sta": "does not balance",
    "mt940_tests__jejik__rabobank.sta": "does not balance",
    "mt940_tests__jejik__triodos.sta": "does not balance",
    "mt940_tests__mBank__with_newline_in_tnr.sta": "does not balance",
    "mt940_tests__self-provided__account_identification.sta": "not a statement",
    "mt940_tests__self-provided__details_60-63.sta": "does not balance",
    "mt940_tests__self-provided__empty_non_swift.sta": "no statement",
    "mt940_tests__self-provided__invalid_statement.sta": "no statement",
    "mt940_tests__self-provided__gv_codes.sta": "no closing balance",
    "mt940_tests__self-provided__malformed_details.sta": "does not balance",
    "mt940_tests__self-provided__multiline.sta": "does not balance",
    "mt940_tests__self-provided__overly_long_details.sta": "does not balance",
    "mt940_tests__self-provided__raiffeisen-cmi.sta": "does not balance",
    "mt940_tests__self-provided__raphaelm.sta": "does not balance",
    "mt940_tests__self-provided__sparkassen.sta": "no statement",
    "mt940_tests__self-provided__whitespace.sta": "does not balance",
}


def _files(folder: Path, *suffixes: str) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in suffixes)


def _ids(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


BAI2_FILES = _files(BAI2, ".txt")
CAMT_FILES = _files(CAMT, ".xml")
MT940_FILES = _files(MT940, ".sta", ".txt")
ALL = [(p, "bai2") for p in BAI2_FILES] + [(p, "camt") for p in CAMT_FILES]
ALL += [(p, "mt940") for p in MT940_FILES]


def test_the_bank_corpora_are_there():
    require(bool(BAI2_FILES and CAMT_FILES and MT940_FILES), f"bank corpora not at {CORPORA}")
    on_disk = {p.name for p, _ in ALL}
    assert set(REJECTED) <= on_disk, set(REJECTED) - on_disk


@pytest.mark.parametrize(("path", "fmt"), ALL, ids=[p.name for p, _ in ALL])
def test_corpus_file_is_accepted_or_rejected_with_its_reason(path: Path, fmt: BankFormat):
    data = path.read_bytes()
    if path.name in REJECTED:
        with pytest.raises(BankStatementError) as rejected:
            read_statements(data, format=fmt)
        assert REJECTED[path.name] in rejected.value.reason
        assert rejected.value.format == fmt
    else:
        statements = read_statements(data, format=fmt)
        assert statements
        for statement in statements:
            if statement.opening_balance is not None and statement.closing_balance is not None:
                assert statement.opening_balance + statement.movement == statement.closing_balance


def test_format_detection_names_the_format_of_every_corpus_statement():
    from parsers.bank import detect_format

    require(bool(ALL), "bank corpora missing")
    statements = [
        (path, fmt)
        for path, fmt in ALL
        if path.name not in REJECTED or "balance" in REJECTED[path.name]
        or "control total" in REJECTED[path.name]
    ]  # fmt: skip
    assert len(statements) > 40
    for path, fmt in statements:
        assert detect_format(path.read_bytes(), filename=path.name) == fmt, path.name


# --- BAI2: what the file's own records say, read independently of the parser -------------

_DETAIL_RE = re.compile(r"(?:^|/\s*)16,(\d{3}),(\d*),", re.MULTILINE)


@pytest.mark.parametrize("path", [p for p in BAI2_FILES if p.name not in REJECTED], ids=str)
def test_bai2_entries_are_the_files_credit_and_debit_details(path: Path):
    # Given the type-16 records of the file (BAI2 type codes 100-399 are credits, 400-699
    # debits; the others move no money)
    text = path.read_text(encoding="latin-1")
    credits = debits = Decimal(0)
    count = 0
    for code, amount in _DETAIL_RE.findall(text):
        cents = Decimal(int(amount or 0)).scaleb(-2)
        if 100 <= int(code) < 400:
            credits += cents
            count += 1
        elif 400 <= int(code) < 700:
            debits += cents
            count += 1
    # When it is read
    statements = parse_statements(path.read_bytes(), format="bai2")
    entries = [e for s in statements for e in s.entries]
    # Then every detail is an entry with its amount and sign
    assert len(entries) == count
    assert sum((e.amount for e in entries if e.amount > 0), start=Decimal(0)) == credits
    assert sum((e.amount for e in entries if e.amount < 0), start=Decimal(0)) == -debits


# --- camt: the genkgo expected JSON -------------------------------------------------------


def _records(node: Any, out: dict[str, dict[str, Any]]) -> None:
    """Every statement/report/notification object of a genkgo JSON dump, by its id."""
    if isinstance(node, dict):
        kind = str(node.get("__CLASS__", "")).rsplit("\\", 1)[-1]
        if kind in ("Statement", "Report", "Notification") and "getId" in node:
            out.setdefault(node["getId"], node)
        for value in node.values():
            _records(value, out)
    elif isinstance(node, list):
        for value in node:
            _records(value, out)


def _minor(money: dict[str, Any]) -> Decimal:
    from core.money import minor_units

    code = money["getCurrency"]["getCode"]
    return Decimal(int(money["getAmount"])).scaleb(-minor_units(code))


CAMT_EXPECTED = [p for p in CAMT_FILES if p.with_suffix(".json").is_file()]


@pytest.mark.parametrize("path", CAMT_EXPECTED, ids=_ids(CAMT_EXPECTED))
def test_camt_amounts_and_balances_match_the_expected_json(path: Path):
    expected = json.loads(path.with_suffix(".json").read_text())
    statements = {s.statement_id: s for s in parse_statements(path.read_bytes(), format="camt")}
    records: dict[str, dict[str, Any]] = {}
    _records(expected, records)
    assert set(records) <= set(statements)
    for sid, record in records.items():
        ours = statements[sid]
        balances: dict[str, list[Decimal]] = {}
        for balance in record.get("getBalances") or []:
            balances.setdefault(balance["getType"], []).append(_minor(balance["getAmount"]))
        assert ours.opening_balance == (balances.get("opening") or [None])[0]
        assert ours.closing_balance == (balances.get("closing") or [None])[0]
        if isinstance(record.get("getAccount"), dict):
            assert ours.account == record["getAccount"]["getIdentification"]
    # The message's entries, each with its amount and direction
    want = Counter(
        (_minor(e["getAmount"]), e["getCreditDebitIndicator"])
        for e in expected["getEntries"]
        if isinstance(e, dict)
    )
    got = Counter(
        (e.amount, "CRDT" if e.amount > 0 else "DBIT")
        for s in statements.values()
        for e in s.entries
    )
    assert not want - got, (want, got)
    if len(statements) == 1:
        assert want == got


# --- MT940: wolph/mt940's expected YAML ---------------------------------------------------

MT940_EXPECTED = [p for p in MT940_FILES if p.with_suffix(".yml").is_file()]


def _load_expected_yaml(path: Path) -> Any:
    """The upstream expected output: pickled mt940 objects in YAML. Only this trusted test
    corpus is ever loaded this way (SOURCES.md); nothing that arrives by mail is."""
    import yaml

    return yaml.unsafe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", MT940_EXPECTED, ids=_ids(MT940_EXPECTED))
def test_mt940_amounts_and_balances_match_the_expected_yaml(path: Path):
    expected = _load_expected_yaml(path.with_suffix(".yml"))
    want = [t.data["amount"].amount for t in expected.transactions]
    if REJECTED.get(path.name) in ("no statement", "not a statement", "no closing balance"):
        # A tag snippet without :20: and balances is no statement to arbox, even where the
        # library reads a transaction out of it (sparkassen.sta: a lone :61:/:86:), nor one
        # cut off before its closing balance (gv_codes.sta).
        with pytest.raises(BankStatementError):
            parse_statements(path.read_bytes(), format="mt940")
        return
    statements = parse_statements(path.read_bytes(), format="mt940")
    got = [e.amount for s in statements for e in s.entries]
    assert got == want
    # The library merges a file's statements: its opening balance is the last 60F read, its
    # closing the last 62F; each is one of the statements' own.
    if (opening := expected.data.get("final_opening_balance")) is not None:
        assert opening.amount.amount in {s.opening_balance for s in statements}
    if (closing := expected.data.get("final_closing_balance")) is not None:
        assert closing.amount.amount in {s.closing_balance for s in statements}


def test_mutated_corpus_files_raise_nothing_but_a_bank_statement_error():
    # Given real statements with random bytes flipped, cut, duplicated or inserted
    # (deterministic: one seed), read with format detection as a mailed file would be
    import random

    require(bool(ALL), "bank corpora missing")
    rng = random.Random(20261201)
    tokens = [b"/", b",", b"\n", b":61:", b":20:", b"88,", b"16,", b"<", b">", b"-", b"9" * 30]
    accepted = rejected = 0
    for _ in range(80):
        data = bytearray(rng.choice(ALL)[0].read_bytes())
        for _ in range(rng.randint(1, 6)):
            if not data:
                break
            at = rng.randrange(len(data))
            op = rng.random()
            if op < 0.3:
                data[at] = rng.randrange(256)
            elif op < 0.5:
                del data[at : at + rng.randint(1, 50)]
            elif op < 0.8:
                data[at:at] = rng.choice(tokens)
            else:
                del data[at:]
        # When it is read, Then it is statements or a BankStatementError, never anything else
        try:
            read_statements(bytes(data))
            accepted += 1
        except BankStatementError:
            rejected += 1
    assert accepted + rejected == 80 and rejected > 0
