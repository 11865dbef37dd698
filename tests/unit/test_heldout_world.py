"""The held-out world generator (bench/heldout_world.py): deterministic for a seed, and its
labels agree with its own ledger and mail files. A small world, so it runs in seconds."""

from __future__ import annotations

import csv
import email
import hashlib
import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import heldout_fam2  # noqa: E402
import heldout_world  # noqa: E402

SMALL = {"customers": 30, "mails": 40, "queries": 25}


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("heldout")
    heldout_world.generate(out, 4242, **SMALL)
    return out


def test_same_seed_same_bytes(world: Path, tmp_path: Path) -> None:
    heldout_world.generate(tmp_path, 4242, **SMALL)
    assert _digest(tmp_path) == _digest(world)


def test_other_seed_other_world(world: Path, tmp_path: Path) -> None:
    heldout_world.generate(tmp_path, 4243, **SMALL)
    assert (tmp_path / "labels.json").read_bytes() != (world / "labels.json").read_bytes()


def test_labels_agree_with_ledger_and_mail(world: Path) -> None:
    labels = json.loads((world / "labels.json").read_text(encoding="utf-8"))
    with (world / "ledger.csv").open(encoding="utf-8") as f:
        rows = {r["invoice_number"]: r for r in csv.DictReader(f)}
    assert labels["today"] == "2026-11-20" and labels["phases"] == [1, 2]
    balance = {n: Decimal(r["balance"]) for n, r in rows.items()}
    contacts = {r["customer_number"]: r["customer_email"].split(";") for r in rows.values()}
    currency: dict[str, set[str]] = {}
    for r in rows.values():
        currency.setdefault(r["customer_number"], set()).add(r["currency"])
    assert all(len(c) == 1 for c in currency.values())
    added = labels["config"]["families2"]
    assert len(labels["mails"]) == SMALL["mails"] + added["mails"]
    assert len(labels["queries"]) == SMALL["queries"] + added["queries"]
    everything = sorted(labels["mails"] + labels["queries"], key=lambda m: m["order"])
    assert [m["order"] for m in everything] == list(range(len(everything)))
    ids: dict[str, bytes] = {}
    for m in everything:
        raw = (world / m["file"]).read_bytes()
        msg = email.message_from_bytes(raw)
        assert msg["Message-ID"] == m["message_id"]
        assert msg["To"] == "ar@arbox.example"
        assert m["sender"] in msg["From"]
        if m["message_id"] in ids:  # only a byte-for-byte duplicate shares a Message-ID
            assert m.get("duplicate_of") and ids[m["message_id"]] == raw
        ids[m["message_id"]] = raw
    for m in everything:
        if "intent" in m:
            assert m["from_contact"] == (m["sender"] in contacts.get(m["customer"] or "", []))
            assert all(n in rows for n in m["refs"])
            continue
        if m["duplicate_of"]:
            continue
        for ln in m["lines"]:
            for n, _ in ln["truth"]:
                assert n in rows, n
            if ln["allowed"]:
                assert m["sender"] in contacts[m["customer"]]
                assert len(ln["truth"]) == 1
                n, cash = ln["truth"][0]
                disc = Decimal(ln["discount"])
                assert Decimal(ln["amount"]) == Decimal(cash)
                if Decimal(cash) > 0:
                    assert Decimal(cash) + disc <= balance[n], (m["name"], ln)
                else:
                    assert Decimal(cash) == balance[n]
                balance[n] -= Decimal(cash) + disc


def test_added_families_leave_the_first_ones_untouched(
    world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The families added on 2026-12-07 come after everything else: without them the world is
    byte for byte the same (bench/HELDOUT.md: a failing case is never edited)."""
    monkeypatch.setattr(heldout_fam2, "add_families", lambda world, hw: {})
    heldout_world.generate(tmp_path, 4242, **SMALL)
    full, base = _digest(world), _digest(tmp_path)
    for name, digest in base.items():
        if name not in ("labels.json", "ledger.csv"):
            assert full[name] == digest, name
    old = json.loads((tmp_path / "labels.json").read_text(encoding="utf-8"))
    new = json.loads((world / "labels.json").read_text(encoding="utf-8"))
    assert new["mails"][: len(old["mails"])] == old["mails"]
    assert new["queries"][: len(old["queries"])] == old["queries"]
    with (tmp_path / "ledger.csv").open(encoding="utf-8") as f:
        before = list(csv.DictReader(f))
    with (world / "ledger.csv").open(encoding="utf-8") as f:
        after = {r["invoice_number"]: r for r in csv.DictReader(f)}
    assert all(after[r["invoice_number"]] == r for r in before)


def test_added_families_are_all_there(world: Path) -> None:
    labels = json.loads((world / "labels.json").read_text(encoding="utf-8"))
    tags = {t for m in labels["mails"] for t in m["tags"]}
    assert set(heldout_fam2.FAMILIES) <= tags
    last = max(
        m["order"] for m in labels["mails"] + labels["queries"] if "fam2" not in str(m["tags"])
    )
    new = [m for m in labels["mails"] if any(t.startswith("fam2") for t in m["tags"])]
    assert all(m["phase"] == 2 and m["order"] > last for m in new)
    by_name = {m["name"]: m for m in labels["mails"]}
    for m in new:
        if "fam2-resend-after-review" in m["tags"]:
            first = by_name[m["resend_of"]]
            assert not any(ln["allowed"] for ln in first["lines"] + m["lines"])
    with (world / "ledger.csv").open(encoding="utf-8") as f:
        owners: dict[str, set[str]] = {}
        for r in csv.DictReader(f):
            for a in r["customer_email"].split(";"):
                owners.setdefault(a, set()).add(r["customer_number"])
    shared = {a for a, cs in owners.items() if len(cs) == 2}
    assert shared and any(m["sender"] in shared for m in new)
