"""Full disk (a real small tmpfs), I/O error and SQLITE_BUSY injected at commit.

What must hold every time: a French message, nothing half-written, the database and the older
backups intact, and a retry that does not create a duplicate.
"""

from __future__ import annotations

import errno
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from datetime import date, time
from pathlib import Path

import pytest
from faults.faultkit import add_contacts, dump, hold_write_lock, integrity, verified_backups_intact
from sqlalchemy import Engine, event, func, select

from sarah import db as sarah_db
from sarah.db import read_session
from sarah.errors import DatabaseLocked, DiskFull, UserError
from sarah.models import Contact
from sarah.services.backups.create import create_backup
from sarah.services.backups.listing import list_backups
from sarah.services.catalogue import list_services
from sarah.services.contacts import ContactDraft, log_contact
from sarah.services.database import open_database
from sarah.services.sites import ensure_site

pytestmark = pytest.mark.slow


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """A real, tiny file system (tmpfs) that fills up: (mount point, size in bytes)."""
    mount_point = tmp_path / "petit-disque"
    mount_point.mkdir()
    size = 6 * 1024 * 1024
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield mount_point, size
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(mount_point: Path, leave: int = 0) -> Path:
    """Fill the small disk up, leaving about ``leave`` bytes free."""
    filler = mount_point / "remplissage.bin"
    with open(filler, "wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    if leave:
        with open(filler, "r+b") as fh:
            fh.truncate(max(0, filler.stat().st_size - leave))
    return filler


def _draft(engine: Engine) -> ContactDraft:
    site = ensure_site(engine, "Grésilles")
    services = list_services(engine)
    return ContactDraft(
        site_id=site.id,
        channel="physique",
        local_date=date(2020, 3, 2),
        local_time=time(10, 15),
        service_ids=[services[0].id, services[2].id],
    )


def _count(engine: Engine) -> int:
    with read_session(engine) as s:
        return int(s.scalar(select(func.count()).select_from(Contact)) or 0)


def test_saving_on_a_full_disk_says_so_and_keeps_every_saved_entry(
    small_disk: tuple[Path, int],
) -> None:
    mount_point, _size = small_disk
    db = mount_point / "sarah.sqlite"
    engine = open_database(db)
    try:
        draft = _draft(engine)
        saved = [log_contact(engine, draft).id for _ in range(5)]
        filler = fill(mount_point)
        with pytest.raises(DiskFull) as caught:
            for _ in range(10_000):  # until the -wal cannot grow any more
                saved.append(log_contact(engine, draft).id)
        assert "disque est plein" in str(caught.value) and "rien n'a été enregistré" in str(
            caught.value
        )
        assert _count(engine) == len(saved)  # nothing half-written, nothing lost
        # Room again: the same entry typed again is saved once.
        filler.unlink()
        saved.append(log_contact(engine, draft).id)
        assert _count(engine) == len(saved)
    finally:
        engine.dispose()
    assert integrity(db) == ([], [])
    with sqlite3.connect(db) as conn:
        ids = {r[0] for r in conn.execute("SELECT id FROM contacts")}
    assert ids == {i.hex for i in saved}


def test_backup_on_a_full_disk_keeps_the_older_backups(
    engine: Engine, db_path: Path, small_disk: tuple[Path, int]
) -> None:
    mount_point, size = small_disk
    folder = mount_point / "sauvegardes"
    folder.mkdir()
    add_contacts(engine, 20)
    older = create_backup(db_path, folder, "automatique")
    fill(mount_point, leave=older.size // 2)  # not enough for another copy
    before = dump(db_path)
    with pytest.raises(DiskFull) as caught:
        create_backup(db_path, folder, "automatique")
    message = str(caught.value)
    assert "plein" in message and str(folder) in message and "intactes" in message
    assert verified_backups_intact(folder) == [older.path]
    assert [b.path for b in list_backups(folder)] == [older.path]
    assert not list(folder.glob("*.partial"))
    assert dump(db_path) == before


def test_busy_database_at_save_gives_a_clear_message_and_a_retry_saves_once(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sarah_db, "BUSY_TIMEOUT_MS", 300)
    engine = open_database(db_path)
    try:
        draft = _draft(engine)
        with hold_write_lock(db_path):
            with pytest.raises(DatabaseLocked) as caught:
                log_contact(engine, draft)
            assert "autre" in str(caught.value) and "Rien n'a été enregistré" in str(caught.value)
            assert _count(engine) == 0
        log_contact(engine, draft)
        assert _count(engine) == 1
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("failure", "code", "expected", "words"),
    [
        ("disk I/O error", sarah_db.SQLITE_IOERR, UserError, "Erreur d'écriture sur le disque"),
        ("database is locked", sarah_db.SQLITE_BUSY, DatabaseLocked, "occupée"),
        ("database or disk is full", sarah_db.SQLITE_FULL, DiskFull, "disque est plein"),
    ],
)
def test_failure_at_commit_rolls_back_and_a_retry_creates_no_duplicate(
    engine: Engine, failure: str, code: int, expected: type[UserError], words: str
) -> None:
    draft = _draft(engine)
    log_contact(engine, draft)

    def fail_commit(_conn: object) -> None:
        # As the sqlite3 module raises it: SARAH sorts failures by this code, not the text.
        exc = sqlite3.OperationalError(failure)
        exc.sqlite_errorcode = code
        raise exc

    event.listen(engine, "commit", fail_commit)
    try:
        with pytest.raises(expected) as caught:
            log_contact(engine, draft)
        assert words in str(caught.value)
    finally:
        event.remove(engine, "commit", fail_commit)
    assert _count(engine) == 1  # rolled back
    again = log_contact(engine, draft)
    assert _count(engine) == 2
    assert isinstance(again.id, uuid.UUID)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_to_a_full_disk_says_so_and_leaves_no_half_file(
    engine: Engine,
    db_path: Path,
    small_disk: tuple[Path, int],
    fmt: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    pytest.importorskip("sarah.commands.report", reason="the report command is not there yet")
    from sarah.cli import main

    mount_point, _size = small_disk
    add_contacts(engine, 20)
    engine.dispose()
    before = dump(db_path)
    fill(mount_point)
    target = mount_point / f"rapport.{fmt}"
    code = main(
        [
            "--db",
            str(db_path),
            "report",
            "--from",
            "2019-01-01",
            "--to",
            "2019-06-30",
            "--format",
            fmt,
            "--output",
            str(target),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "plein" in err and "Traceback" not in err
    assert sorted(p.name for p in mount_point.iterdir()) == ["remplissage.bin"]
    assert dump(db_path) == before
