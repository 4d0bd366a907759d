"""A command checks the whole file once per change, and still refuses a file damaged since."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from faults.faultkit import add_contacts, checkpoint, flip_page
from sqlalchemy import Engine

from sarah import paths
from sarah.checked_files import RECHECK_SECONDS
from sarah.errors import DatabaseDamaged
from sarah.services import database as opening
from sarah.services.database import open_database

pytestmark = pytest.mark.sqlite_only(
    "quick_check once per change of the SQLite file (size, mtime, WAL)"
)


def make_quiet(path: Path) -> None:
    """As if nobody had written the file for a minute (instead of waiting for it)."""
    past = time.time() - 60
    for p in (path, path.with_name(path.name + "-wal")):
        if p.exists():
            os.utime(p, (past, past))


@pytest.fixture
def quiet_db(engine: Engine, db_path: Path) -> Path:
    add_contacts(engine, 5)
    engine.dispose()
    checkpoint(db_path)
    make_quiet(db_path)
    return db_path


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every full check run by open_database, in order."""
    seen: list[Path] = []
    real = opening.quick_check_file

    def spy(path: Path) -> list[str]:
        seen.append(path)
        return real(path)

    monkeypatch.setattr(opening, "quick_check_file", spy)
    return seen


def test_an_unchanged_file_is_checked_once(quiet_db: Path, checks: list[Path]) -> None:
    for _ in range(3):
        open_database(quiet_db).dispose()
    assert checks == [quiet_db]


def test_a_file_damaged_after_its_check_is_still_refused(
    quiet_db: Path, checks: list[Path]
) -> None:
    open_database(quiet_db).dispose()
    flip_page(quiet_db)
    with pytest.raises(DatabaseDamaged):
        open_database(quiet_db)
    assert checks == [quiet_db, quiet_db]


def test_a_file_being_written_is_checked_at_every_command(
    engine: Engine, db_path: Path, checks: list[Path]
) -> None:
    add_contacts(engine, 2)  # written just now: its clock tick may not have passed
    engine.dispose()
    open_database(db_path).dispose()
    open_database(db_path).dispose()
    assert checks == [db_path, db_path]


def test_a_file_is_checked_again_after_a_day(quiet_db: Path, checks: list[Path]) -> None:
    open_database(quiet_db).dispose()
    store = paths.data_dir() / "verifications.json"
    entries = json.loads(store.read_text(encoding="utf-8"))
    for entry in entries.values():
        entry["checked_at"] -= RECHECK_SECONDS + 60
    store.write_text(json.dumps(entries), encoding="utf-8")
    open_database(quiet_db).dispose()
    assert checks == [quiet_db, quiet_db]


def test_a_damaged_note_file_only_costs_a_check(quiet_db: Path, checks: list[Path]) -> None:
    store = paths.data_dir() / "verifications.json"
    store.write_text("{not json", encoding="utf-8")
    open_database(quiet_db).dispose()
    open_database(quiet_db).dispose()
    assert checks == [quiet_db]


def test_a_reader_leaving_an_empty_wal_costs_no_check_but_pages_in_it_do(
    quiet_db: Path, checks: list[Path]
) -> None:
    import sqlite3

    open_database(quiet_db).dispose()
    wal = quiet_db.with_name(quiet_db.name + "-wal")
    # Another program reads the file read-only (a report script): it leaves an empty -wal.
    reader = sqlite3.connect(f"file:{quiet_db.as_posix()}?mode=ro", uri=True)
    reader.execute("SELECT count(*) FROM contacts").fetchone()
    reader.close()
    assert wal.exists() and wal.stat().st_size == 0
    open_database(quiet_db).dispose()
    assert checks == [quiet_db]
    # Pages written into the -wal by another program are a change: checked again.
    writer = sqlite3.connect(quiet_db)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("UPDATE contacts SET agent = 'autre' WHERE rowid = 1")
    writer.commit()
    make_quiet(quiet_db)
    assert wal.stat().st_size > 0
    open_database(quiet_db).dispose()
    writer.close()
    assert checks == [quiet_db, quiet_db]
