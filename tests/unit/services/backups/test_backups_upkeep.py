"""Keeping the backup folder honest and bounded: backups only when data changed, a size limit,
stale copies cleaned by the commands, future-dated, damaged and manifest-less backups, and an
interrupted restore settled before anything opens the database."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from faults.faultkit import add_contacts, dump
from sqlalchemy import Engine, text

from sarah.cli import main
from sarah.db import write_session
from sarah.errors import DatabaseLocked
from sarah.services.backups import restore as restore_module
from sarah.services.backups.create import backup_if_changed, create_backup
from sarah.services.backups.files import HOST, temp_name
from sarah.services.backups.journal import (
    database_traces,
    journal_path,
    recover_interrupted_restore,
)
from sarah.services.backups.listing import check_backups, list_backups
from sarah.services.backups.record import BackupInfo, read_backup
from sarah.services.backups.restore import moved_aside_files, restore_backup
from sarah.services.backups.rotation import plan_rotation, rotate_backups, size_limit
from sarah.services.backups.startup import check_database, startup_backup
from sarah.services.backups.status import backup_state, human_size, state_text
from sarah.settings import Settings, save_settings

pytestmark = pytest.mark.sqlite_only(
    "the backup folder's copies of the SQLite file and the restore journal"
)

MB = 1024 * 1024


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    f = tmp_path / "cle-usb"
    f.mkdir()
    return f


def _manifest(backup: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(backup.with_suffix(".json").read_text(encoding="utf-8"))
    return data


def _edit_manifest(backup: Path, **changes: object) -> None:
    data = _manifest(backup)
    data.update(changes)
    backup.with_suffix(".json").write_text(json.dumps(data), encoding="utf-8")


# --- item 11: a backup only when the data changed, a bounded folder ---------------------------


def test_five_starts_without_any_change_make_one_backup(
    engine: Engine, db_path: Path, folder: Path
) -> None:
    add_contacts(engine, 3)
    engine.dispose()
    made = [startup_backup(check_database(db_path, folder)) for _ in range(5)]
    assert [m is not None for m in made] == [True, False, False, False, False]
    assert len(list_backups(folder)) == 1
    add_contacts(engine, 1)  # a contact saved: the next start backs it up
    engine.dispose()
    assert startup_backup(check_database(db_path, folder)) is not None
    assert len(list_backups(folder)) == 2


def test_a_deletion_or_an_edit_counts_as_a_change(
    engine: Engine, db_path: Path, folder: Path
) -> None:
    add_contacts(engine, 2)
    assert backup_if_changed(db_path, folder) is not None
    with write_session(engine) as s:  # a tombstone: the row count stays the same
        s.execute(text("UPDATE installation SET clock = clock + 1"))  # what every change does
        s.execute(text("UPDATE contacts SET deleted_at = '2024-01-01 00:00:00' WHERE rowid = 1"))
    assert backup_if_changed(db_path, folder) is not None


def test_rotation_keeps_the_folder_under_its_size_limit_but_never_the_newest_verified(
    engine: Engine, db_path: Path, folder: Path
) -> None:
    add_contacts(engine, 5)
    now = datetime(2026, 6, 30, 18, 0)
    made = [
        create_backup(db_path, folder, "automatique", now=now - timedelta(hours=h))
        for h in (5, 4, 3, 2, 1)
    ]
    size = made[0].size
    # Everything is within 48 hours; a limit of two and a half backups keeps the two newest.
    deleted = rotate_backups(folder, now=now, limit=int(size * 2.5))
    assert sorted(deleted) == sorted(b.path for b in made[:3])
    assert [b.path for b in list_backups(folder, now=now)] == [made[4].path, made[3].path]
    # A limit smaller than one backup still keeps the newest verified one.
    rotate_backups(folder, now=now, limit=1)
    assert [b.path for b in list_backups(folder, now=now)] == [made[4].path]


def test_the_size_limit_is_a_setting_or_ten_times_the_newest_backup(folder: Path) -> None:
    big = BackupInfo(
        folder / "demarrage-20260101-080000.sqlite", datetime(2026, 1, 1), 300 * MB, "x", True, 1
    )
    small = BackupInfo(
        folder / "demarrage-20260101-080000.sqlite", datetime(2026, 1, 1), 30 * MB, "x", True, 1
    )
    assert size_limit([big], None) == 3000 * MB
    assert size_limit([small], None) == 1024 * MB  # at least 1 Go
    assert size_limit([small], 500) == 500 * MB
    save_settings(Settings(backup_folder_limit_mb=200))
    assert size_limit([big]) == 200 * MB


def test_backup_list_shows_the_folder_size_and_its_limit(
    engine: Engine, db_path: Path, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_contacts(engine, 2)
    info = create_backup(db_path, folder)
    save_settings(Settings(backup_dir=str(folder), backup_folder_limit_mb=2048))
    assert main(["--db", str(db_path), "backup", "list"]) == 0
    out = capsys.readouterr().out
    on_disk = info.size + info.path.with_suffix(".json").stat().st_size
    assert f"{human_size(on_disk)} sur 2,0 Go au plus" in out


# --- item 20: stale copies, future dates, damage found later, files without a manifest --------


def test_commands_clean_the_copies_of_killed_backups_not_those_of_a_live_one(
    engine: Engine, db_path: Path, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save_settings(Settings(backup_dir=str(folder)))
    dead = folder / f"automatique-20260101-070000.sqlite.{HOST}-999999999.partial"
    dead.write_bytes(b"killed half-way")
    live = temp_name(folder / "automatique-20260101-080000.sqlite")  # this process
    live.write_bytes(b"being written")
    reused = folder / f"automatique-20251201-070000.sqlite.{HOST}-{os.getppid()}.partial"
    reused.write_bytes(b"its process number now belongs to another program")
    two_days_ago = time.time() - 48 * 3600
    os.utime(reused, (two_days_ago, two_days_ago))
    assert main(["--db", str(db_path), "backup", "list"]) == 0
    assert not dead.exists() and not reused.exists() and live.exists()
    dead.write_bytes(b"killed again")
    assert main(["--db", str(db_path), "backup", "create"]) == 0
    assert not dead.exists() and live.exists()


def test_a_backup_dated_in_the_future_is_reported_as_a_clock_problem(
    engine: Engine, db_path: Path, folder: Path
) -> None:
    now = datetime(2026, 3, 2, 10, 0)
    right = create_backup(db_path, folder, "automatique", now=now - timedelta(hours=1))
    create_backup(db_path, folder, "automatique", now=datetime(2027, 5, 12, 9, 30))
    state = backup_state(folder, now=now)
    assert state.last_verified is not None and state.last_verified.path == right.path
    assert "il y a 1 h" in state.message and "à l'instant" not in state.message
    assert "12/05/2027" in state.message and "horloge" in state.message and state.warning


def test_only_a_future_dated_backup_says_the_clock_is_wrong_and_is_never_rotated_away(
    engine: Engine, db_path: Path, folder: Path
) -> None:
    now = datetime(2026, 3, 2, 10, 0)
    only = create_backup(db_path, folder, "automatique", now=datetime(2027, 5, 12, 9, 30))
    state = backup_state(folder, now=now)
    assert state.message.startswith("Aucune sauvegarde vérifiée") and "horloge" in state.message
    for later in (now, now + timedelta(days=30), now + timedelta(days=800)):
        assert rotate_backups(folder, now=later) == []
    assert only.path.exists()


def test_future_dated_backups_are_not_kept_forever(
    engine: Engine, db_path: Path, folder: Path
) -> None:
    now = datetime(2026, 3, 2, 10, 0)
    future = create_backup(db_path, folder, "automatique", now=datetime(2027, 5, 12, 9, 30))
    rotate_backups(folder, now=now)  # first seen now: counts from now
    assert _manifest(future.path)["future_seen_at"] == now.isoformat()
    # Then, like a backup of the day it was first seen: once a year of backups made with a right
    # clock is there, it goes with the backups of that day (its date in 2027 is still ahead).
    later = now + timedelta(days=400)
    hourly = [
        BackupInfo(folder / f"automatique-{t:%Y%m%d-%H%M%S}.sqlite", t, 1, "x", True, 1)
        for t in (later - timedelta(hours=h) for h in range(0, 400 * 24, 5))
    ]
    seen = read_backup(future.path)
    assert seen is not None and later < seen.created_at
    assert seen in plan_rotation([seen, *hourly], later)
    unseen = dataclasses.replace(seen, future_seen_at=None)  # first seen now: kept 48 h at least
    assert unseen not in plan_rotation([unseen, *hourly], later)
    # The clock notice is gone once the newest future-dated backup was seen over 48 h ago and
    # a backup with a right date is there.
    create_backup(db_path, folder, "automatique", now=later - timedelta(hours=1))
    assert "horloge" not in backup_state(folder, now=later).message


def _damage_keeping_the_size(path: Path) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.seek(size // 2)
        fh.write(b"\xa5" * 64)
    assert path.stat().st_size == size


def test_a_backup_damaged_later_with_the_same_size_is_no_longer_called_verified(
    engine: Engine, db_path: Path, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_contacts(engine, 30)
    older = create_backup(db_path, folder, "automatique", now=datetime.now() - timedelta(hours=2))
    newer = create_backup(db_path, folder, "automatique", now=datetime.now() - timedelta(hours=1))
    _damage_keeping_the_size(newer.path)
    save_settings(Settings(backup_dir=str(folder)))
    assert main(["--db", str(db_path), "backup", "list", "--verifier"]) == 0
    out = capsys.readouterr().out
    damaged_line = next(line for line in out.splitlines() if newer.path.name in line)
    assert "ABÎMÉE" in damaged_line and "vérifiée le" not in damaged_line
    assert "vérifiée le" in next(line for line in out.splitlines() if older.path.name in line)
    # What was found is kept: the quick listing, the status and the rotation know it now.
    listed = {b.path: b for b in list_backups(folder)}
    assert not listed[newer.path].verified and "ABÎMÉE" in state_text(listed[newer.path])
    assert backup_state(folder).last_verified.path == older.path  # type: ignore[union-attr]
    assert main(["--db", str(db_path), "backup", "list"]) == 0
    assert "ABÎMÉE" in capsys.readouterr().out


def test_the_daily_reading_checks_only_backups_not_read_for_a_day(
    engine: Engine, db_path: Path, folder: Path
) -> None:
    recent = create_backup(db_path, folder, "automatique", now=datetime.now() - timedelta(hours=2))
    old = create_backup(db_path, folder, "automatique", now=datetime.now() - timedelta(days=3))
    _edit_manifest(old.path, checked_at=(datetime.now() - timedelta(days=3)).isoformat())
    _damage_keeping_the_size(recent.path)  # read at its creation, two hours ago: not due yet
    _damage_keeping_the_size(old.path)
    found = {b.path: b for b in check_backups(folder, older_than_hours=24)}
    assert found[old.path].problem and not found[old.path].verified
    assert found[recent.path].verified
    assert state_text(found[recent.path]).startswith("vérifiée le ")


def test_a_backup_without_its_manifest_is_flagged_and_never_deleted_by_rotation(
    engine: Engine, db_path: Path, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.now()
    orphan = create_backup(db_path, folder, "automatique", now=now - timedelta(days=200))
    orphan.path.with_suffix(".json").unlink()
    create_backup(db_path, folder, "automatique", now=now - timedelta(hours=1))
    assert rotate_backups(folder, now=now) == []
    assert rotate_backups(folder, now=now, limit=1) == []
    assert orphan.path.exists()
    save_settings(Settings(backup_dir=str(folder)))
    assert main(["--db", str(db_path), "backup", "list"]) == 0
    out = capsys.readouterr().out
    assert "NON vérifiée (pas de manifeste)" in out and "jamais effacée automatiquement" in out


# --- item 9: one count of contacts --------------------------------------------------------------


def test_the_restore_says_the_same_number_of_contacts_as_the_list(
    engine: Engine, db_path: Path, basedir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_contacts(engine, 6)
    with write_session(engine) as s:
        s.execute(text("UPDATE contacts SET deleted_at = '2024-01-01 00:00:00' WHERE rowid <= 2"))
    assert main(["--db", str(db_path), "backup", "create"]) == 0
    assert main(["--db", str(db_path), "backup", "list"]) == 0
    listing = capsys.readouterr().out
    assert "4 contacts" in listing and "6 contacts" not in listing
    backup = list_backups(basedir / "data" / "sauvegardes")[0].path
    engine.dispose()
    assert main(["--db", str(db_path), "backup", "restore", str(backup)]) == 0
    assert ": 4 contacts." in capsys.readouterr().out


# --- item 13: an interrupted restore is settled first ------------------------------------------


def test_traces_of_a_database_where_the_file_is_missing(
    engine: Engine, db_path: Path, folder: Path
) -> None:
    info = create_backup(db_path, folder)
    engine.dispose()
    assert database_traces(db_path) == []
    result = restore_backup(db_path, info.path, folder=folder)
    db_path.unlink()  # someone deleted the database by hand
    assert database_traces(db_path) == sorted(result.moved_aside)
    wal = db_path.with_name(db_path.name + "-wal")
    wal.write_bytes(b"pages")
    assert wal in database_traces(db_path)


def test_a_finished_restore_leaves_no_journal(engine: Engine, db_path: Path, folder: Path) -> None:
    info = create_backup(db_path, folder)
    engine.dispose()
    restore_backup(db_path, info.path, folder=folder)
    assert not journal_path(db_path).exists()
    assert recover_interrupted_restore(db_path) is None


def test_a_restore_still_running_elsewhere_is_waited_for_not_touched(
    engine: Engine, db_path: Path, folder: Path
) -> None:
    add_contacts(engine, 2)
    engine.dispose()
    before = dump(db_path)
    with subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    ) as other:
        journal = journal_path(db_path)
        journal.write_text(
            json.dumps(
                {
                    "format": 1,
                    "host": HOST,
                    "pid": other.pid,
                    "database": db_path.name,
                    "backup": "x.sqlite",
                    "incoming": "absent.partial",
                    "moves": [[db_path.name, db_path.name + ".avant-restauration-20260101-080000"]],
                    "counts": {},
                    "contacts": None,
                }
            ),
            encoding="utf-8",
        )
        with pytest.raises(DatabaseLocked, match="restauration de la base est en cours"):
            recover_interrupted_restore(db_path)
        assert journal.exists() and dump(db_path) == before
        other.communicate(b"")
    # Its process has ended: the next start settles it (nothing had been moved: undone).
    said = recover_interrupted_restore(db_path)
    assert said is not None and "annulée" in said
    assert dump(db_path) == before and not journal.exists()


def test_an_unreadable_journal_stops_everything_and_deletes_nothing(
    engine: Engine, db_path: Path
) -> None:
    engine.dispose()
    journal = journal_path(db_path)
    journal.write_bytes(b"\x00\x00 garbage")
    before = db_path.read_bytes()
    with pytest.raises(DatabaseLocked, match="illisible"):
        recover_interrupted_restore(db_path)
    assert journal.exists() and db_path.read_bytes() == before


def test_a_restored_file_failing_its_last_check_puts_the_old_database_back(
    engine: Engine, db_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sarah.errors import DatabaseDamaged

    add_contacts(engine, 3)
    info = create_backup(db_path, folder)
    add_contacts(engine, 2)
    engine.dispose()
    before = dump(db_path)
    real_check = restore_module.check_copy

    def bad_sector_in_place(path: Path) -> tuple[list[str], dict[str, int], int | None]:
        if path == db_path:  # the copy reads back wrong once in place (a bad sector)
            return ["*** page 3 illisible"], {}, None
        return real_check(path)

    monkeypatch.setattr(restore_module, "check_copy", bad_sector_in_place)
    with pytest.raises(DatabaseDamaged, match="remise en place"):
        restore_backup(db_path, info.path, folder=folder)
    assert dump(db_path) == before
    assert not journal_path(db_path).exists()
    assert moved_aside_files(db_path) == []
    assert list(db_path.parent.glob("sarah.sqlite.restauration-refusee-*"))  # kept, not deleted
