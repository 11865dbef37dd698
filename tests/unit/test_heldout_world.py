"""The held-out world generator (bench/heldout_world.py): deterministic for a seed, and its
labels agree with its own ledger and mail files. A small world, so it runs in seconds."""

from __future__ import annotations

import csv
import email
import email.policy
import hashlib
import json
import sys
from datetime import datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import heldout_fam2  # noqa: E402
import heldout_fam3  # noqa: E402
import heldout_fam4  # noqa: E402
import heldout_fam5  # noqa: E402
import heldout_fam6  # noqa: E402
import heldout_fam7  # noqa: E402
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
    added = [labels["config"][f"families{i}"] for i in (2, 3, 4, 5, 6, 7)]
    assert len(labels["mails"]) == SMALL["mails"] + sum(a["mails"] for a in added)
    assert len(labels["queries"]) == SMALL["queries"] + sum(a["queries"] for a in added)
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
    monkeypatch.setattr(heldout_fam3, "add_families", lambda world, hw: {})
    monkeypatch.setattr(heldout_fam4, "add_families", lambda world, hw: {})
    monkeypatch.setattr(heldout_fam5, "add_families", lambda world, hw: {})
    monkeypatch.setattr(heldout_fam6, "add_families", lambda world, hw: {})
    monkeypatch.setattr(heldout_fam7, "add_families", lambda world, hw: {})
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
        m["order"]
        for m in labels["mails"] + labels["queries"]
        if not any(f in str(m["tags"]) for f in ("fam2", "fam3", "fam4", "fam5", "fam6", "fam7"))
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


def test_fam3_leaves_the_world_before_it_untouched(
    world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue-23 families (heldout_fam3) come after fam2: without them the world, fam2
    included, is byte for byte the same, and the ledger only gains nothing or new rows."""
    monkeypatch.setattr(heldout_fam3, "add_families", lambda world, hw: {})
    monkeypatch.setattr(heldout_fam4, "add_families", lambda world, hw: {})
    monkeypatch.setattr(heldout_fam5, "add_families", lambda world, hw: {})
    monkeypatch.setattr(heldout_fam6, "add_families", lambda world, hw: {})
    monkeypatch.setattr(heldout_fam7, "add_families", lambda world, hw: {})
    heldout_world.generate(tmp_path, 4242, **SMALL)
    full, base = _digest(world), _digest(tmp_path)
    for name, digest in base.items():
        if name not in ("labels.json", "ledger.csv"):
            assert full[name] == digest, name
    old = json.loads((tmp_path / "labels.json").read_text(encoding="utf-8"))
    new = json.loads((world / "labels.json").read_text(encoding="utf-8"))
    assert new["mails"][: len(old["mails"])] == old["mails"]
    assert new["queries"][: len(old["queries"])] == old["queries"]  # fam5 adds questions after
    assert all(
        any(f in q["tags"] for f in ("fam5", "fam6", "fam7"))
        for q in new["queries"][len(old["queries"]) :]
    )
    # fam3 adds no customer; fam4's and fam6's new customers only add rows
    with (tmp_path / "ledger.csv").open(encoding="utf-8") as f:
        before = list(csv.DictReader(f))
    with (world / "ledger.csv").open(encoding="utf-8") as f:
        after = list(csv.DictReader(f))
    added = {r["customer_number"] for r in after} - {r["customer_number"] for r in before}
    assert [r for r in after if r["customer_number"] not in added] == before
    assert len(added) == sum(new["config"][f"families{i}"]["customers"] for i in (4, 6))


def test_fam3_families_follow_their_rules(world: Path) -> None:
    labels = json.loads((world / "labels.json").read_text(encoding="utf-8"))
    with (world / "ledger.csv").open(encoding="utf-8") as f:
        contacts = {r["customer_number"]: r["customer_email"].split(";") for r in csv.DictReader(f)}
    new = [m for m in labels["mails"] if any(t.startswith("fam3-") for t in m["tags"])]
    fams = {t for m in new for t in m["tags"] if t.startswith("fam3-")}
    assert fams == set(heldout_fam3.FAMILIES)
    last = max(
        m["order"]
        for m in labels["mails"] + labels["queries"]
        if m not in new and not any(f in str(m["tags"]) for f in ("fam4", "fam5", "fam6", "fam7"))
    )
    assert all(m["phase"] == 2 and m["order"] > last for m in new)
    for m in new:
        assert all("fam3" in ln["tags"] for ln in m["lines"])
        msg = email.message_from_bytes((world / m["file"]).read_bytes())
        if "fam3-portal-notice" in m["tags"] or "fam3-portal-link-only" in m["tags"]:
            # the platform sends, the customer is only named: nothing posts by itself
            assert m["sender"] not in contacts[m["customer"]]
            assert msg["Reply-To"] and not any(ln["allowed"] for ln in m["lines"])
        else:
            assert m["sender"] in contacts[m["customer"]]
        if "fam3-portal-link-only" in m["tags"]:
            assert [ln["ref"] for ln in m["lines"]] == [None]
        if "fam3-scan" in m["tags"]:
            kinds = {p.get_content_type() for p in msg.walk() if p.get_filename()}
            assert kinds and kinds <= {"application/pdf", "image/png", "image/jpeg"}
            for ln in m["lines"]:
                if ln["allowed"]:  # issue 23: exact reference, the whole open balance
                    assert "exact" in ln["tags"] or "payer-form" in ln["tags"]
                    assert Decimal(ln["discount"]) == 0
            for p in msg.walk():
                if p.get_content_type() == "application/pdf":
                    assert b"/Font" not in p.get_payload(decode=True)  # image only


RESEND_WORDS = ("resend", "again", "2nd copy", "second copy", "copy of", "fw:", "fwd:", "forward",
                "nochmals", "noch einmal", "erneut", "zweite", "kopie", "weiter", "wg:",
                "renvo", "à nouveau", "deuxième", "copie", "tr:", "transf",
                "reenv", "de nuevo", "segundo", "copia", "rv:", "volvemos",
                "nogmaals", "opnieuw", "tweede", "doorst")  # fmt: skip


def _said(path: Path) -> str:
    """Subject and every text part of a mail, lower case."""
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    parts = [str(msg["Subject"])]
    for p in msg.walk():
        if p.get_content_maintype() == "text" and not p.get_filename():
            parts.append(p.get_content())
    return "\n".join(parts).casefold()


def test_fam4_leaves_the_world_before_it_untouched(
    world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fourth set (heldout_fam4) comes after fam3: without it every file, fam2 and fam3
    included, is byte for byte the same, and the ledger only gains its new customers' rows."""
    monkeypatch.setattr(heldout_fam4, "add_families", lambda world, hw: {})
    monkeypatch.setattr(heldout_fam5, "add_families", lambda world, hw: {})
    monkeypatch.setattr(heldout_fam6, "add_families", lambda world, hw: {})
    monkeypatch.setattr(heldout_fam7, "add_families", lambda world, hw: {})
    heldout_world.generate(tmp_path, 4242, **SMALL)
    full, base = _digest(world), _digest(tmp_path)
    for name, digest in base.items():
        if name not in ("labels.json", "ledger.csv"):
            assert full[name] == digest, name
    old = json.loads((tmp_path / "labels.json").read_text(encoding="utf-8"))
    new = json.loads((world / "labels.json").read_text(encoding="utf-8"))
    assert new["mails"][: len(old["mails"])] == old["mails"]
    assert new["queries"][: len(old["queries"])] == old["queries"]  # fam5 adds questions after
    assert all(
        any(f in q["tags"] for f in ("fam5", "fam6", "fam7"))
        for q in new["queries"][len(old["queries"]) :]
    )
    assert old["config"].pop("families4") == {}
    assert old["config"].pop("families5") == {}
    assert old["config"].pop("families6") == {}
    assert old["config"].pop("families7") == {}
    later = ("families4", "families5", "families6", "families7")
    assert {k: v for k, v in new["config"].items() if k not in later} == old["config"]
    with (tmp_path / "ledger.csv").open(encoding="utf-8") as f:
        before = list(csv.DictReader(f))
    with (world / "ledger.csv").open(encoding="utf-8") as f:
        after = list(csv.DictReader(f))
    known = {r["customer_number"] for r in before}
    assert [r for r in after if r["customer_number"] in known] == before
    # the new customers' numbers are no reference an earlier mail wrote
    written = {ln["ref"] for m in old["mails"] for ln in m["lines"] if ln["ref"]}
    keys = {heldout_world.nkey(r) for r in written}
    for r in after:
        if r["customer_number"] not in known:
            assert heldout_world.nkey(r["invoice_number"]) not in keys, r["invoice_number"]


def test_fam4_families_follow_their_rules(world: Path) -> None:
    labels = json.loads((world / "labels.json").read_text(encoding="utf-8"))
    with (world / "ledger.csv").open(encoding="utf-8") as f:
        contacts = {r["customer_number"]: r["customer_email"].split(";") for r in csv.DictReader(f)}
    new = [m for m in labels["mails"] if any(t.startswith("fam4-") for t in m["tags"])]
    fams = {t for m in new for t in m["tags"] if t in heldout_fam4.FAMILIES}
    assert fams == set(heldout_fam4.FAMILIES)
    before = [
        m
        for m in labels["mails"] + labels["queries"]
        if m not in new and not any(f in m["tags"] for f in ("fam5", "fam6", "fam7"))
    ]
    last = max(m["order"] for m in before)
    assert all(m["phase"] == 2 and m["order"] > last for m in new)

    def sent(m: dict) -> datetime:
        return parsedate_to_datetime(
            email.message_from_bytes((world / m["file"]).read_bytes())["Date"]
        )

    latest = max(sent(m) for m in before)
    assert all(sent(m) > latest for m in new)
    earlier = {
        n for m in labels["mails"] if m not in new for ln in m["lines"] for n, _ in ln["truth"]
    }
    by_name = {m["name"]: m for m in labels["mails"]}
    for m in new:
        fam = next(t for t in m["tags"] if t in heldout_fam4.FAMILIES)
        assert m["sender"] in contacts[m["customer"]]
        assert all("fam4" in ln["tags"] and fam in ln["tags"] for ln in m["lines"])
        assert not earlier & {n for ln in m["lines"] for n, _ in ln["truth"]}  # fresh invoices
        if fam == "fam4-resend-after-unread":
            # the first copy goes to a person; its re-send is the same payment told twice
            assert not any(ln["allowed"] for ln in m["lines"])
            if m["resend_of"]:
                first = by_name[m["resend_of"]]
                assert "fam4-resend-after-unread" in first["tags"] and first["order"] < m["order"]
                assert sent(first) < sent(m)
                assert [ln["truth"] for ln in m["lines"]] == [ln["truth"] for ln in first["lines"]]
                assert all("the same payment told twice" in ln["why"] for ln in m["lines"])
        else:
            assert m["resend_of"] is None and all(ln["allowed"] for ln in m["lines"])
        if m["resend_of"] or fam == "fam4-resend-first-seen":  # it says it is sent again
            assert any(w in _said(world / m["file"]) for w in RESEND_WORDS), m["name"]
    firsts = [m for m in new if "fam4-unread-first" in m["tags"]]
    resent = {m["resend_of"] for m in new if m["resend_of"]}
    assert firsts and {m["name"] for m in firsts} == resent
    unreadable = {"application/pdf", "image/jpeg"} | {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.oasis.opendocument.text",
        "application/octet-stream",
    }
    for m in firsts:
        msg = email.message_from_bytes((world / m["file"]).read_bytes())
        kinds = {p.get_content_type() for p in msg.walk() if p.get_filename()}
        if any(
            t in m["tags"]
            for t in ("unread-docx", "unread-odt", "unread-encrypted", "unread-photo")
        ):
            assert kinds and kinds <= unreadable, kinds
        if "unread-encrypted" in m["tags"]:
            pdf = next(p for p in msg.walk() if p.get_filename()).get_payload(decode=True)
            assert b"/Encrypt" in pdf
    grouped = [ln["ref"] for m in new if "fam4-grouped-text" in m["tags"] for ln in m["lines"]]
    assert any(r and any(s in r for s in (" ", "\u00a0", "\u202f")) for r in grouped)


def test_fam5_leaves_the_world_before_it_untouched(
    world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fifth set (heldout_fam5, questions only) comes after fam4: without it every file,
    fam2 to fam4 included, is byte for byte the same, the ledger too (no new customer)."""
    monkeypatch.setattr(heldout_fam5, "add_families", lambda world, hw: {})
    monkeypatch.setattr(heldout_fam6, "add_families", lambda world, hw: {})
    monkeypatch.setattr(heldout_fam7, "add_families", lambda world, hw: {})
    heldout_world.generate(tmp_path, 4242, **SMALL)
    full, base = _digest(world), _digest(tmp_path)
    for name, digest in base.items():
        if name not in ("labels.json", "ledger.csv"):  # fam6's new customers add ledger rows
            assert full[name] == digest, name
    old = json.loads((tmp_path / "labels.json").read_text(encoding="utf-8"))
    new = json.loads((world / "labels.json").read_text(encoding="utf-8"))
    assert new["mails"][: len(old["mails"])] == old["mails"]  # fam6 adds mails after
    assert all("fam6" in m["tags"] for m in new["mails"][len(old["mails"]) :])
    assert new["queries"][: len(old["queries"])] == old["queries"]
    assert all(
        any(f in q["tags"] for f in ("fam5", "fam6", "fam7"))
        for q in new["queries"][len(old["queries"]) :]
    )
    assert old["config"].pop("families5") == {}
    assert old["config"].pop("families6") == {}
    assert old["config"].pop("families7") == {}
    later = ("families5", "families6", "families7")
    assert {k: v for k, v in new["config"].items() if k not in later} == old["config"]


#: words of a direct request: an indirect question states its need instead
DIRECT = ("please send", "could you", "can you", "can we", "please provide", "please let me know",
          "bitte senden", "können sie", "könnten sie", "bitte teilen sie", "bitte schicken",
          "pourriez-vous", "pouvez-vous", "merci de nous envoyer", "merci de nous transmettre",
          "¿podrían", "¿pueden", "por favor, envíen", "por favor, remítan",
          "kunt u", "wilt u", "graag een", "mag ik")  # fmt: skip


def _own_text(path: Path) -> str:
    """The text a question's sender wrote: its body above any quoted mail, lower case."""
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    body = msg.get_body(("plain",))
    assert body is not None
    text = str(body.get_content())
    for cut in ("\n-----", "\n--------", "\nOn ", "\nAm ", "\nLe ", "\nEl ", "\nOp "):
        text = text.split(cut)[0]
    return text.casefold()


def test_fam5_questions_follow_their_rules(world: Path) -> None:
    labels = json.loads((world / "labels.json").read_text(encoding="utf-8"))
    with (world / "ledger.csv").open(encoding="utf-8") as f:
        rows = {r["invoice_number"]: r for r in csv.DictReader(f)}
    contacts: dict[str, set[str]] = {}
    for r in rows.values():
        contacts.setdefault(r["customer_number"], set()).update(r["customer_email"].split(";"))
    new = [q for q in labels["queries"] if "fam5" in q["tags"]]
    assert new and all(heldout_fam5.FAMILY in q["tags"] for q in new)
    assert not any("fam5" in m["tags"] for m in labels["mails"])
    before = [
        m
        for m in labels["mails"] + labels["queries"]
        if m not in new and "fam6" not in m["tags"] and "fam7" not in m["tags"]
    ]
    assert all(q["phase"] == 2 and q["order"] > max(m["order"] for m in before) for q in new)

    def sent(m: dict) -> datetime:
        return parsedate_to_datetime(
            email.message_from_bytes((world / m["file"]).read_bytes())["Date"]
        )

    latest = max(sent(m) for m in before)
    assert all(sent(q) > latest for q in new)
    # every intent in every language at least twice from registered contacts; a few strangers
    known = [q for q in new if q["from_contact"]]
    cells = {(q["intent"], q["language"]) for q in known}
    assert cells == {(i, lg) for i in heldout_fam5.INTENTS for lg in heldout_fam5.LANGS}
    assert all(sum((q["intent"], q["language"]) == c for q in known) >= 2 for c in cells)
    strangers = [q for q in new if not q["from_contact"]]
    assert strangers and all("non-contact" in q["tags"] for q in strangers)
    assert {q["customer"] for q in new} <= set(contacts) | {None}
    for q in new:
        assert q["from_contact"] == (q["sender"] in contacts.get(q["customer"] or "", set()))
        assert all(rows[n]["customer_number"] == q["customer"] for n in q["refs"])
        if q["intent"] in ("dispute", "invoice_copy_request"):
            assert q["refs"], q["name"]  # a dispute or a copy is always about an invoice
        said = _own_text(world / q["file"])
        assert not any(w in said for w in DIRECT), (q["name"], said)
        if q["intent"] == "promise_to_pay":
            assert q["promise_date"] and any(t.startswith("promise-") for t in q["tags"])
            day = sent(q).date()
            assert 1 <= (datetime.fromisoformat(q["promise_date"]).date() - day).days <= 21
        else:
            assert q["promise_date"] is None
        msg = email.message_from_bytes(
            (world / q["file"]).read_bytes(), policy=email.policy.default
        )
        subject = str(msg["Subject"] or "")
        assert len(subject) <= 40, subject
    # mostly statements of need, not questions; the subjects say little
    assert sum("?" in _own_text(world / q["file"]) for q in new) <= len(new) // 10
    tags = [t for q in new for t in q["tags"]]
    for t in ("negation", "quoted", "subject-unrelated", "subject-terse", "promise-relative"):
        assert t in tags, t


def test_fam6_leaves_the_world_before_it_untouched(
    world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sixth set (heldout_fam6) comes after fam5: without it every file, fam2 to fam5
    included, is byte for byte the same, and the ledger only gains its new customers' rows."""
    monkeypatch.setattr(heldout_fam6, "add_families", lambda world, hw: {})
    monkeypatch.setattr(heldout_fam7, "add_families", lambda world, hw: {})
    heldout_world.generate(tmp_path, 4242, **SMALL)
    full, base = _digest(world), _digest(tmp_path)
    for name, digest in base.items():
        if name not in ("labels.json", "ledger.csv"):
            assert full[name] == digest, name
    old = json.loads((tmp_path / "labels.json").read_text(encoding="utf-8"))
    new = json.loads((world / "labels.json").read_text(encoding="utf-8"))
    assert new["mails"][: len(old["mails"])] == old["mails"]
    assert new["queries"][: len(old["queries"])] == old["queries"]
    assert all("fam6" in m["tags"] for m in new["mails"][len(old["mails"]) :])
    assert all(
        "fam6" in q["tags"] or "fam7" in q["tags"] for q in new["queries"][len(old["queries"]) :]
    )
    assert old["config"].pop("families6") == {}
    assert old["config"].pop("families7") == {}
    later = ("families6", "families7")
    assert {k: v for k, v in new["config"].items() if k not in later} == old["config"]
    with (tmp_path / "ledger.csv").open(encoding="utf-8") as f:
        before = list(csv.DictReader(f))
    with (world / "ledger.csv").open(encoding="utf-8") as f:
        after = list(csv.DictReader(f))
    known = {r["customer_number"] for r in before}
    assert [r for r in after if r["customer_number"] in known] == before
    added = {r["customer_number"] for r in after} - known
    assert len(added) == new["config"]["families6"]["customers"]
    # the new customers' numbers are no reference an earlier mail or question wrote
    written = {ln["ref"] for m in old["mails"] for ln in m["lines"] if ln["ref"]}
    written |= {r for q in old["queries"] for r in q["refs"]}
    keys = {heldout_world.nkey(r) for r in written}
    for r in after:
        if r["customer_number"] in added:
            assert heldout_world.nkey(r["invoice_number"]) not in keys, r["invoice_number"]


def test_fam6_families_follow_their_rules(world: Path) -> None:
    labels = json.loads((world / "labels.json").read_text(encoding="utf-8"))
    with (world / "ledger.csv").open(encoding="utf-8") as f:
        rows = {r["invoice_number"]: r for r in csv.DictReader(f)}
    contacts: dict[str, set[str]] = {}
    for r in rows.values():
        contacts.setdefault(r["customer_number"], set()).update(r["customer_email"].split(";"))
    mails = [m for m in labels["mails"] if "fam6" in str(m["tags"])]
    queries = [q for q in labels["queries"] if "fam6" in q["tags"]]
    assert all(heldout_fam6.NEAR in m["tags"] for m in mails)
    assert queries and all(heldout_fam6.CHATTY in q["tags"] for q in queries)
    before = [
        m
        for m in labels["mails"] + labels["queries"]
        if m not in mails + queries and "fam7" not in m["tags"]
    ]

    def sent(m: dict) -> datetime:
        return parsedate_to_datetime(
            email.message_from_bytes((world / m["file"]).read_bytes())["Date"]
        )

    last, latest = max(m["order"] for m in before), max(sent(m) for m in before)
    assert all(m["phase"] == 2 and m["order"] > last and sent(m) > latest for m in mails + queries)
    # questions: every intent in every language at least three times from registered contacts
    known = [q for q in queries if q["from_contact"]]
    cells = [(q["intent"], q["language"]) for q in known]
    everything = {(i, lg) for i in heldout_fam6.INTENTS for lg in heldout_fam6.LANGS}
    assert set(cells) == everything and all(cells.count(c) >= 3 for c in everything)
    strangers = [q for q in queries if not q["from_contact"]]
    assert strangers and all("non-contact" in q["tags"] for q in strangers)
    for q in queries:
        assert q["from_contact"] == (q["sender"] in contacts.get(q["customer"] or "", set()))
        assert all(rows[n]["customer_number"] == q["customer"] for n in q["refs"])
        if q["intent"] in ("dispute", "invoice_copy_request"):
            assert q["refs"], q["name"]
        msg = email.message_from_bytes(
            (world / q["file"]).read_bytes(), policy=email.policy.default
        )
        body = msg.get_body(("plain",))
        assert body is not None
        text, subject = str(body.get_content()), str(msg["Subject"])
        keys = [heldout_world.nkey(w) for w in text.replace(";", " ").split()]
        if "ref-subject-only" in q["tags"]:  # named in the subject, nowhere in the body
            assert q["refs"] and not any(
                heldout_world.nkey(q["refs"][0]).endswith(k) for k in keys if len(k) >= 5
            )
            assert any(ch.isdigit() for ch in subject)
        if "quoted" in q["tags"]:
            assert "ar@arbox.example" in text
        if q["intent"] == "promise_to_pay":
            assert q["promise_date"] and any(t.startswith("promise-") for t in q["tags"])
            day = sent(q).date()  # the mail's local date
            assert 1 <= (datetime.fromisoformat(q["promise_date"]).date() - day).days <= 21
        else:
            assert q["promise_date"] is None
    tags = {t for q in queries for t in q["tags"]}
    for t in ("need-buried", "long-signature", "disclaimer", "mobile-footer", "non-native",
              "mixed-english", "ref-subject-only", "two-invoices", "quoted", "negation"):  # fmt: skip
        assert t in tags, t
    # remittances: registered contacts, the new customers' invoices, labelled by the rules
    assert mails
    old_customers = {q["customer"] for q in labels["queries"] if "fam7" not in q["tags"]} | {
        m["customer"] for m in before if "lines" in m
    }
    for m in mails:
        assert m["sender"] in contacts[m["customer"]] and m["customer"] not in old_customers
        assert {m["layout"]} <= set(heldout_fam6.LAYOUTS)
        for ln in m["lines"]:
            assert "fam6" in ln["tags"] and heldout_fam6.NEAR in ln["tags"]
            (n, _cash), ref = ln["truth"][0], ln["ref"]
            assert rows[n]["customer_number"] == m["customer"]
            if "neighbour-trap" in ln["tags"]:  # the exact number of another open invoice
                other = next(x for x in rows if heldout_world.nkey(x) == heldout_world.nkey(ref))
                assert other != n and rows[other]["customer_number"] == m["customer"]
                assert heldout_world.is_near(other, n) and not ln["allowed"]
            if "cut-prefix" in ln["tags"]:  # near, not exact: only the amounts pin it
                assert not any(heldout_world.nkey(x) == heldout_world.nkey(ref) for x in rows)
                assert heldout_world.is_near(ref, n)
            if "rival-same-amount" in ln["tags"]:
                assert not ln["allowed"]
    lines = [ln for m in mails for ln in m["lines"]]
    assert any(ln["allowed"] and "cut-prefix" in ln["tags"] for ln in lines)
    assert any("neighbour-trap" in ln["tags"] for ln in lines)


def test_fam7_leaves_the_world_before_it_untouched(
    world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The seventh set (heldout_fam7, questions only) comes after fam6: without it every file,
    fam2 to fam6 included, is byte for byte the same, the ledger too (no new customer)."""
    monkeypatch.setattr(heldout_fam7, "add_families", lambda world, hw: {})
    heldout_world.generate(tmp_path, 4242, **SMALL)
    full, base = _digest(world), _digest(tmp_path)
    for name, digest in base.items():
        if name != "labels.json":
            assert full[name] == digest, name
    old = json.loads((tmp_path / "labels.json").read_text(encoding="utf-8"))
    new = json.loads((world / "labels.json").read_text(encoding="utf-8"))
    assert new["mails"] == old["mails"]
    assert new["queries"][: len(old["queries"])] == old["queries"]
    assert all("fam7" in q["tags"] for q in new["queries"][len(old["queries"]) :])
    assert old["config"].pop("families7") == {}
    assert {k: v for k, v in new["config"].items() if k != "families7"} == old["config"]
    assert new["config"]["families7"]["customers"] == 0


def test_fam7_questions_follow_their_rules(world: Path) -> None:
    labels = json.loads((world / "labels.json").read_text(encoding="utf-8"))
    with (world / "ledger.csv").open(encoding="utf-8") as f:
        rows = {r["invoice_number"]: r for r in csv.DictReader(f)}
    contacts: dict[str, set[str]] = {}
    for r in rows.values():
        contacts.setdefault(r["customer_number"], set()).update(r["customer_email"].split(";"))
    new = [q for q in labels["queries"] if "fam7" in q["tags"]]
    assert new and all(heldout_fam7.FAMILY in q["tags"] for q in new)
    assert not any("fam7" in str(m["tags"]) for m in labels["mails"])
    before = [m for m in labels["mails"] + labels["queries"] if m not in new]

    def sent(m: dict) -> datetime:
        return parsedate_to_datetime(
            email.message_from_bytes((world / m["file"]).read_bytes())["Date"]
        )

    last, latest = max(m["order"] for m in before), max(sent(m) for m in before)
    assert all(q["phase"] == 2 and q["order"] > last and sent(q) > latest for q in new)
    # every intent in every language at least twice from registered contacts; a few strangers
    known = [q for q in new if q["from_contact"]]
    cells = [(q["intent"], q["language"]) for q in known]
    everything = {(i, lg) for i in heldout_fam7.INTENTS for lg in heldout_fam7.LANGS}
    assert set(cells) == everything and all(cells.count(c) >= 2 for c in everything)
    strangers = [q for q in new if not q["from_contact"]]
    assert strangers and all("non-contact" in q["tags"] for q in strangers)
    for q in new:
        assert q["from_contact"] == (q["sender"] in contacts.get(q["customer"] or "", set()))
        assert all(rows[n]["customer_number"] == q["customer"] for n in q["refs"])
        if q["intent"] in ("dispute", "invoice_copy_request"):
            assert q["refs"], q["name"]
        msg = email.message_from_bytes(
            (world / q["file"]).read_bytes(), policy=email.policy.default
        )
        body = msg.get_body(("plain",))
        text = str(body.get_content()) if body is not None else ""
        subject = str(msg["Subject"] or "")
        own = text.split("\n\n", 1)[0] if "style-reply-on-ours" in q["tags"] else text
        flat = "".join(ch for ch in subject + text if ch.isalnum())
        for n in q["refs"]:  # the invoice is written somewhere, in full or as a unique tail
            assert heldout_world.nkey(n)[-5:] in flat, q["name"]
        first = (own.strip().splitlines() or [""])[0]
        if "style-one-line" in q["tags"]:  # one short line, nothing in the subject
            assert 0 < len(first) <= 45 and subject == ""
        if "style-subject-only" in q["tags"]:  # the question is in the subject, not the body
            assert subject and all(len(x) <= 32 for x in own.splitlines())
            assert not any(heldout_world.nkey(n)[-5:] in text for n in q["refs"])
        if "style-reply-on-ours" in q["tags"]:  # our earlier answer sent another invoice
            assert "ar@arbox.example" in text and subject.upper().startswith(("RE:", "AW:"))
            ours = text.split("ar@arbox.example", 1)[1]
            assert not any(heldout_world.nkey(n) in ours.replace(" ", "") for n in q["refs"])
        if "style-bullets" in q["tags"]:
            assert sum(x.startswith("- ") for x in text.split("\n")) >= 3
        if q["intent"] == "promise_to_pay":
            kinds = [t for t in q["tags"] if t.startswith("promise-")]
            assert q["promise_date"] and kinds
            day = sent(q).date()  # the mail's local date
            due = datetime.fromisoformat(q["promise_date"]).date()
            assert 1 <= (due - day).days <= 21 and due.weekday() < 5
            if kinds == ["promise-end-next-week"]:  # the Friday of the week after the mail's
                assert due.weekday() == 4 and due.isocalendar()[1] == day.isocalendar()[1] + 1
        else:
            assert q["promise_date"] is None
    tags = {t for q in new for t in q["tags"]}
    assert {"style-" + s for s in heldout_fam7.STYLES} <= tags
