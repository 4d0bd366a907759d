"""Verified backups: create, list, rotate, restore, state for the status bar (real SQLite files)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from faults.faultkit import add_contacts, checkpoint, dump, flip_page, hold_write_lock
from sqlalchemy import Engine

from sarah.errors import DatabaseDamaged, DatabaseLocked, UserError
from sarah.services.backups.create import backup_before, backup_if_changed, create_backup
from sarah.services.backups.files import HOST, temp_name
from sarah.services.backups.listing import clean_temporary_files, list_backups
from sarah.services.backups.record import BackupInfo
from sarah.services.backups.restore import moved_aside_files, restore_backup
from sarah.services.backups.rotation import plan_rotation, rotate_backups
from sarah.services.backups.status import backup_state, describe_age
from sarah.settings import Settings, save_settings

pytestmark = pytest.mark.sqlite_only(
    "backups copy, verify and restore the SQLite file (a server's backups: pg_dump)"
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    f = tmp_path / "cle-usb"
    f.mkdir()
    return f


def test_backup_is_a_verified_copy_with_its_manifest(
    engine: Engine, db_path: Path, folder: Path
) -> None:
    add_contacts(engine, 5)
    info = create_backup(db_path, folder, "manuelle")
    assert info.verified and info.contacts == 5 and info.path.parent == folder
    assert info.path.name.startswith("manuelle-") and info.path.suffix == ".sqlite"
    manifest = json.loads(info.path.with_suffix(".json").read_text(encoding="utf-8"))
    assert manifest["integrity"] == "ok" and manifest["counts"]["contacts"] == 5
    assert manifest["size"] == info.path.stat().st_size
    assert dump(info.path) == dump(db_path)
    # One single file, nothing left behind.
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [info.path.name, info.path.with_suffix(".json").name]
    )
    with sqlite3.connect(info.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_two_backups_in_the_same_second_do_not_overwrite_each_other(
    engine: Engine, db_path: Path, folder: Path
) -> None:
    when = datetime(2026, 3, 2, 10, 0, 0)
    a = create_backup(db_path, folder, "manuelle", now=when)
    b = create_backup(db_path, folder, "manuelle", now=when)
    assert a.path != b.path and a.path.exists() and b.path.exists()


def test_list_shows_newest_first_and_flags_unverified_files(
    engine: Engine, db_path: Path, folder: Path
) -> None:
    add_contacts(engine, 2)
    old = create_backup(db_path, folder, "automatique", now=datetime(2026, 1, 1, 8, 0))
    new = create_backup(db_path, folder, "manuelle", now=datetime(2026, 1, 2, 8, 0))
    stray = folder / "automatique-20260103-080000.sqlite"
    stray.write_bytes(old.path.read_bytes())  # no manifest: nobody verified it
    (folder / "notes.txt").write_text("pas une sauvegarde", encoding="utf-8")
    listed = list_backups(folder)
    assert [b.path for b in listed] == [stray, new.path, old.path]
    assert [b.verified for b in listed] == [False, True, True]
    assert listed[1].contacts == 2 and listed[1].size == new.path.stat().st_size


def test_a_backup_whose_size_changed_is_no_longer_verified(
    engine: Engine, db_path: Path, folder: Path
) -> None:
    info = create_backup(db_path, folder)
    with open(info.path, "ab") as fh:
        fh.write(b"\0" * 10)
    assert list_backups(folder)[0].verified is False


def _fake(when: datetime, verified: bool = True) -> BackupInfo:
    return BackupInfo(
        Path(f"/b/automatique-{when:%Y%m%d-%H%M%S}.sqlite"), when, 1, "x", verified, 1
    )


def test_rotation_keeps_48_hours_14_days_8_weeks_12_months() -> None:
    now = datetime(2026, 6, 30, 18, 0)
    hourly = [now - timedelta(hours=h) for h in range(0, 2 * 365 * 24, 1)]
    backups_ = [_fake(t) for t in hourly]
    deleted = {b.path for b in plan_rotation(backups_, now)}
    kept = sorted((b.created_at for b in backups_ if b.path not in deleted), reverse=True)
    recent = [t for t in kept if now - t <= timedelta(hours=48)]
    assert len(recent) == 49  # every hour of the last 48 h, both ends included
    older = [t for t in kept if now - t > timedelta(hours=48)]
    days = {t.date() for t in kept}
    assert len({t.date() for t in kept if now.date() - t.date() < timedelta(days=14)}) == 14
    months = {(t.year, t.month) for t in kept}
    assert len(months) == 12
    assert min(kept) > now - timedelta(days=366)
    weeks = {tuple(t.isocalendar())[:2] for t in kept}
    assert len(weeks) >= 8
    # Nothing older than the policy asks for, and not one backup per hour kept forever.
    assert len(older) <= 14 + 8 + 12 and len(days) <= 3 + 14 + 8 + 12


def test_rotation_never_deletes_the_newest_verified_backup() -> None:
    now = datetime(2026, 6, 30, 18, 0)
    good = _fake(now - timedelta(days=800))
    unverified_recent = [_fake(now - timedelta(days=400 + d), verified=False) for d in range(3)]
    deleted = plan_rotation([good, *unverified_recent], now)
    assert good not in deleted


def test_rotate_deletes_files_and_their_manifests(
    engine: Engine, db_path: Path, folder: Path
) -> None:
    now = datetime(2026, 6, 30, 18, 0)
    made = [
        create_backup(db_path, folder, "automatique", now=now - timedelta(hours=h))
        for h in (0, 1, 60, 61, 62)
    ]
    deleted = rotate_backups(folder, now=now)
    # 60, 61 and 62 hours ago fall on the same day: only the newest of that day stays.
    assert sorted(deleted) == sorted([made[3].path, made[4].path])
    assert not made[3].path.with_suffix(".json").exists()
    assert {b.path for b in list_backups(folder)} == {made[0].path, made[1].path, made[2].path}


def test_state_says_how_old_the_last_verified_backup_is(
    engine: Engine, db_path: Path, folder: Path
) -> None:
    info = create_backup(db_path, folder)
    state = backup_state(folder, now=info.created_at + timedelta(minutes=12, seconds=30))
    assert state.message == "Dernière sauvegarde vérifiée : il y a 12 min"
    assert not state.warning
    stale = backup_state(folder, now=info.created_at + timedelta(hours=25))
    assert stale.warning and "il y a 25 h" in stale.message
    missing = backup_state(folder / "absent")
    assert missing.warning and "inaccessible" in missing.message


def test_describe_age_in_plain_words() -> None:
    assert describe_age(timedelta(seconds=20)) == "à l'instant"
    assert describe_age(timedelta(minutes=59)) == "il y a 59 min"
    assert describe_age(timedelta(hours=3)) == "il y a 3 h"
    assert describe_age(timedelta(days=4)) == "il y a 4 jours"


def test_unplugged_backup_folder_is_a_clear_error(
    engine: Engine, db_path: Path, tmp_path: Path
) -> None:
    add_contacts(engine, 1)
    before = dump(db_path)
    with pytest.raises(UserError, match="inaccessible"):
        create_backup(db_path, tmp_path / "E" / "Sauvegardes")
    assert not (tmp_path / "E").exists()  # a missing USB key is not silently replaced
    assert dump(db_path) == before


def test_changed_data_gets_a_new_backup_unchanged_data_does_not(
    engine: Engine, db_path: Path, folder: Path
) -> None:
    first = backup_if_changed(db_path, folder)
    assert first is not None
    assert backup_if_changed(db_path, folder) is None
    add_contacts(engine, 1)
    second = backup_if_changed(db_path, folder)
    assert second is not None and second.contacts == 1


def test_backup_before_an_import_goes_to_the_configured_folder(
    engine: Engine, db_path: Path, folder: Path
) -> None:
    save_settings(Settings(backup_dir=str(folder)))
    add_contacts(engine, 3)
    info = backup_before(engine, "import")
    assert info is not None and info.path.parent == folder
    assert info.path.name.startswith("avant-import-") and info.contacts == 3


def test_backup_before_refuses_to_let_the_operation_go_on_when_it_fails(
    engine: Engine, tmp_path: Path
) -> None:
    save_settings(Settings(backup_dir=str(tmp_path / "cle-absente")))
    add_contacts(engine, 1)
    with pytest.raises(UserError, match="avant import impossible"):
        backup_before(engine, "import")


def test_nothing_to_protect_in_a_brand_new_file(tmp_path: Path) -> None:
    empty = tmp_path / "neuve.sqlite"
    sqlite3.connect(empty).close()
    assert backup_before(empty, "import") is None


def test_temporary_files_of_a_crash_are_cleaned(folder: Path, db_path: Path) -> None:
    (folder / "automatique-20260101-080000.sqlite.partial").write_bytes(b"half")
    (folder / "automatique-20260101-080000.json.partial").write_bytes(b"{")
    (folder / "automatique-20260101-090000.json").write_text("{}", encoding="utf-8")  # orphan
    keep = folder / "automatique-20260101-100000.sqlite"
    keep.write_bytes(b"x")
    keep.with_suffix(".json").write_text("{}", encoding="utf-8")
    db_path.write_bytes(b"live")
    (db_path.parent / (db_path.name + ".restauration.partial")).write_bytes(b"half")
    removed = clean_temporary_files(folder, db=db_path)
    assert len(removed) == 4
    assert sorted(p.name for p in folder.iterdir()) == [keep.with_suffix(".json").name, keep.name]
    assert db_path.read_bytes() == b"live"


# --- restore ---------------------------------------------------------------------------------


def test_restore_brings_back_the_exact_content_and_keeps_the_current_file(
    engine: Engine, db_path: Path, folder: Path
) -> None:
    add_contacts(engine, 4)
    info = create_backup(db_path, folder)
    expected = dump(info.path)
    add_contacts(engine, 3)  # entries made after the backup
    engine.dispose()
    result = restore_backup(db_path, info.path, folder=folder)
    assert dump(db_path) == expected
    assert result.counts["contacts"] == 4
    # The replaced database was backed up first, and moved aside, not deleted.
    assert result.safety_backup is not None and result.safety_backup.contacts == 7
    assert result.moved_aside and all(p.exists() for p in result.moved_aside)
    assert len(dump(result.moved_aside[0])["contacts"]) == 7


def _write_and_die(db: Path) -> None:
    """A process that commits then dies without closing: its pages stay in the -wal."""
    code = (
        "import os, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('PRAGMA wal_autocheckpoint=0')\n"
        "c.execute(\"UPDATE sites SET name = 'Écrit après la sauvegarde'\")\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(db)], check=True)


def test_entries_left_in_the_wal_by_a_crash_are_kept_when_restoring(
    engine: Engine, db_path: Path, folder: Path
) -> None:
    add_contacts(engine, 2)
    info = create_backup(db_path, folder)
    expected = dump(info.path)
    engine.dispose()
    _write_and_die(db_path)
    assert db_path.with_name(db_path.name + "-wal").stat().st_size > 0
    result = restore_backup(db_path, info.path, folder=folder)
    assert dump(db_path) == expected
    # The change that was only in the -wal is in the safety backup and in the file set aside.
    assert result.safety_backup is not None
    for kept in (result.safety_backup.path, result.moved_aside[0]):
        assert any("Écrit après la sauvegarde" in row for row in dump(kept)["sites"])


def test_stale_wal_beside_a_damaged_file_is_moved_aside_with_it_not_replayed(
    engine: Engine, db_path: Path, folder: Path
) -> None:
    add_contacts(engine, 30)
    info = create_backup(db_path, folder)
    expected = dump(info.path)
    engine.dispose()
    checkpoint(db_path)
    _write_and_die(db_path)
    flip_page(db_path)
    wal = db_path.with_name(db_path.name + "-wal")
    damaged, stale_wal = db_path.read_bytes(), wal.read_bytes()
    assert stale_wal
    result = restore_backup(db_path, info.path, folder=folder)
    assert dump(db_path) == expected
    assert not wal.exists()
    aside = {
        p.name.rsplit("-", 1)[-1] if p.name.endswith(("-wal", "-shm")) else "db": p
        for p in result.moved_aside
    }
    assert aside["db"].read_bytes() == damaged and aside["wal"].read_bytes() == stale_wal


def test_restore_over_a_damaged_database_keeps_it_byte_for_byte(
    engine: Engine, db_path: Path, folder: Path
) -> None:
    add_contacts(engine, 30)
    info = create_backup(db_path, folder)
    engine.dispose()
    checkpoint(db_path)
    flip_page(db_path)
    damaged = db_path.read_bytes()
    result = restore_backup(db_path, info.path, folder=folder)
    assert result.safety_backup is None  # a damaged file cannot be backed up, it is kept aside
    assert result.moved_aside[0].read_bytes() == damaged
    assert dump(db_path) == dump(info.path)


def test_a_damaged_backup_is_refused_before_anything_is_touched(
    engine: Engine, db_path: Path, folder: Path
) -> None:
    add_contacts(engine, 30)
    info = create_backup(db_path, folder)
    engine.dispose()
    flip_page(info.path)
    before = db_path.read_bytes()
    with pytest.raises(DatabaseDamaged, match=info.path.name):
        restore_backup(db_path, info.path, folder=folder)
    assert db_path.read_bytes() == before
    assert moved_aside_files(db_path) == []


def test_a_file_that_is_not_a_backup_is_refused(
    db_path: Path, engine: Engine, tmp_path: Path
) -> None:
    other = tmp_path / "photo.sqlite"
    other.write_bytes(b"\x89PNG not a database at all" * 100)
    with pytest.raises(UserError):
        restore_backup(db_path, other)


def test_restore_waits_for_no_one_else_writing(engine: Engine, db_path: Path, folder: Path) -> None:
    info = create_backup(db_path, folder)
    engine.dispose()
    with hold_write_lock(db_path):
        before = db_path.read_bytes()
        with pytest.raises(DatabaseLocked, match="autre fenêtre SARAH"):
            restore_backup(db_path, info.path, folder=folder)
        assert db_path.read_bytes() == before


def test_restore_into_a_missing_database_file(engine: Engine, db_path: Path, folder: Path) -> None:
    add_contacts(engine, 2)
    info = create_backup(db_path, folder)
    engine.dispose()
    for suffix in ("", "-wal", "-shm"):
        p = db_path.with_name(db_path.name + suffix)
        if p.exists():
            os.remove(p)
    result = restore_backup(db_path, info.path, folder=folder)
    assert result.moved_aside == [] and dump(db_path) == dump(info.path)


def test_the_temporary_files_of_a_backup_still_running_are_left_alone(folder: Path) -> None:
    running = temp_name(folder / "automatique-20260101-080000.sqlite")  # this process
    running.write_bytes(b"in progress")
    its_manifest = folder / "automatique-20260101-080000.json"
    its_manifest.write_text("{}", encoding="utf-8")
    dead = folder / f"automatique-20260101-070000.sqlite.{HOST}-999999999.partial"
    dead.write_bytes(b"killed half-way")
    other_pc = folder / "automatique-20260101-060000.sqlite.AUTREPOSTE-12.partial"
    other_pc.write_bytes(b"maybe still running on another PC")
    assert clean_temporary_files(folder) == [dead]
    assert running.exists() and its_manifest.exists() and other_pc.exists()


def _identity(db: Path) -> tuple[str, int]:
    conn = sqlite3.connect(f"file:{db.as_posix()}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT id, clock FROM installation").fetchone()
    finally:
        conn.close()
    return str(row[0]), int(row[1])


def test_a_restored_installation_writes_as_a_new_one(
    engine: Engine, db_path: Path, folder: Path
) -> None:
    """Changes made after a restore never reuse a version given before it (docs/sync.md)."""
    add_contacts(engine, 2)
    info = create_backup(db_path, folder)
    add_contacts(engine, 3)  # versions given after the backup, perhaps already sent elsewhere
    engine.dispose()
    before_id, before_clock = _identity(db_path)
    backup_id, backup_clock = _identity(info.path)
    assert backup_id == before_id and backup_clock < before_clock
    restore_backup(db_path, info.path, folder=folder)
    after_id, after_clock = _identity(db_path)
    assert after_id != before_id
    assert after_clock >= before_clock
