"""The SQLite ledger holds password hashes and session tokens: its files are the owner's
alone (issue 19, finding 7)."""

from __future__ import annotations

import stat
from pathlib import Path

from sqlalchemy import text

from ledger.session import make_engine


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_and_its_wal_and_shm_are_created_0600(tmp_path):
    db = tmp_path / "arbox.db"
    engine = make_engine(f"sqlite:///{db}")
    try:
        with engine.begin() as conn:
            conn.execute(text("create table t (x integer)"))
            conn.execute(text("insert into t values (1)"))
        with engine.connect() as conn:  # the WAL and its index exist while a connection does
            conn.execute(text("select * from t")).all()
            made = [p for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists()]
            assert db in made and len(made) == 3
            assert {p.name: mode(p) for p in made} == {p.name: 0o600 for p in made}
    finally:
        engine.dispose()


def test_an_existing_database_keeps_the_mode_its_owner_gave_it(tmp_path):
    db = tmp_path / "arbox.db"
    db.touch(mode=0o640)
    db.chmod(0o640)
    make_engine(f"sqlite:///{db}").dispose()
    assert mode(db) == 0o640
