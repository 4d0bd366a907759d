"""kill -9 a real `sarah backup restore` at each of its steps, then start again.

The child (tests/faults/zygote.py, op ``cli_steps``) says each durable step once done (every
rename, every fsync of a file) and waits there; the test kills it with SIGKILL as soon as it
says so. Then the next start settles the interrupted restore (``recover_interrupted_restore``,
or the window's ``check_database``) and the data must be either the database as it was or the
restored backup — never an empty database — and nothing moved aside may be lost.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from faults.faultkit import (
    Zygote,
    add_contacts,
    checkpoint,
    dump,
    flip_page,
    integrity,
    read_lines,
    verified_backups_intact,
)
from sqlalchemy import Engine

from sarah.db import write_session
from sarah.services.backups.create import create_backup
from sarah.services.backups.journal import (
    database_traces,
    journal_path,
    recover_interrupted_restore,
)
from sarah.services.backups.startup import check_database

pytestmark = pytest.mark.slow

SIDES = ("", "-wal", "-shm")


def _live_contacts(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db.as_posix()}?mode=ro", uri=True)
    try:
        return int(
            conn.execute("SELECT count(*) FROM contacts WHERE deleted_at IS NULL").fetchone()[0]
        )
    finally:
        conn.close()


def _write_and_die(db: Path) -> None:
    """Commit a change, then die without closing: the change stays in the -wal (with its -shm)."""
    import subprocess
    import sys

    code = (
        "import os, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('PRAGMA wal_autocheckpoint=0')\n"
        "c.execute(\"UPDATE sites SET name = name || ' (écrit juste avant la panne)'\")\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(db)], check=True)


class Scene:
    """The database files before the restore, put back before each run."""

    def __init__(self, db: Path, keep: Path) -> None:
        self.db, self.keep = db, keep
        keep.mkdir()
        self.files = {}
        for suffix in SIDES:
            live = db.with_name(db.name + suffix)
            if live.exists():
                self.files[suffix] = live.read_bytes()
                shutil.copyfile(live, keep / (db.name + suffix))

    def reset(self, folder: Path, backup: Path) -> None:
        for entry in self.db.parent.iterdir():
            if entry.name.startswith(self.db.name) and entry.is_file():
                entry.unlink()
        for suffix in self.files:
            shutil.copyfile(
                self.keep / (self.db.name + suffix), self.db.with_name(self.db.name + suffix)
            )
        for extra in folder.glob("*"):
            if extra.name not in (backup.name, backup.with_suffix(".json").name):
                extra.unlink()


def _aside_set(db: Path) -> dict[str, Path]:
    """The files moved aside, by side: '' for the database, '-wal', '-shm'."""
    found: dict[str, Path] = {}
    for p in db.parent.glob(f"{db.name}.avant-restauration-*"):
        suffix = next((s for s in ("-wal", "-shm") if p.name.endswith(s)), "")
        found[suffix] = p
    return found


# The scene of the first test: 40 contacts written, one deleted; its backup holds the first 25.
LIVE_CONTACTS, BACKUP_CONTACTS = 39, 25


def _finished_or_undone(
    db_path: Path, scene: Scene, said: str | None, step: str, backup_dump: object, sound: bool
) -> str:
    """After a kill and the next start: the backup in place with the replaced files kept aside
    ("terminée"), or the database exactly as it was ("annulée"); never anything in between."""
    assert not journal_path(db_path).exists()
    assert not list(db_path.parent.glob(f"{db_path.name}.restauration.*.partial"))
    assert db_path.exists(), f"step {step}: no database left"
    asides = _aside_set(db_path)
    if asides:
        assert dump(db_path) == backup_dump, step
        assert _live_contacts(db_path) == BACKUP_CONTACTS
        for suffix, content in scene.files.items():
            assert asides[suffix].read_bytes() == content, (step, suffix)
        assert said is not None and "terminée" in said
    else:
        for suffix, content in scene.files.items():
            assert db_path.with_name(db_path.name + suffix).read_bytes() == content
        if sound:
            assert _live_contacts(db_path) == LIVE_CONTACTS
        assert said is None or "annulée" in said
    if sound or asides:
        assert integrity(db_path) == ([], [])
    # What is left beside the database shows that one lived here.
    assert set(asides.values()) <= set(database_traces(db_path))
    return "terminée" if asides else "annulée"


@pytest.mark.parametrize("current", ["saine", "abîmée avec son -wal"])
def test_a_restore_killed_at_any_step_is_finished_or_undone_never_an_empty_database(
    engine: Engine, db_path: Path, basedir: Path, tmp_path: Path, current: str
) -> None:
    folder = basedir / "data" / "sauvegardes"  # the default folder: `sarah backup restore` uses it
    add_contacts(engine, 25)
    backup = create_backup(db_path, folder, "manuelle").path
    backup_dump = dump(backup)
    add_contacts(engine, 15, site_name="Fontaine d'Ouche")
    with write_session(engine) as s:  # one deleted contact: counted nowhere
        from sqlalchemy import text

        s.execute(text("UPDATE contacts SET deleted_at = '2020-01-01 00:00:00' WHERE rowid = 1"))
    engine.dispose()
    assert _live_contacts(db_path) == LIVE_CONTACTS and _live_contacts(backup) == BACKUP_CONTACTS
    if current != "saine":
        checkpoint(db_path)
        _write_and_die(db_path)
        flip_page(db_path)  # damaged: the restore moves it aside byte for byte, with its -wal
    scene = Scene(db_path, tmp_path / "avant")
    argv = ["--db", str(db_path), "backup", "restore", str(backup)]

    zygote = Zygote(basedir)
    try:
        # A whole run first: the list of its steps.
        scene.reset(folder, backup)
        zygote.run("cli_steps", tmp_path / "measure.txt", argv=argv)
        steps = [line for line in read_lines(tmp_path / "measure.txt") if line.startswith("STEP")]
        assert read_lines(tmp_path / "measure.txt")[-1] == "DONE 0"
        assert any("replace sarah.sqlite sarah.sqlite.avant-restauration" in s for s in steps)
        assert dump(db_path) == backup_dump

        outcomes: set[str] = set()
        live_file_was_gone = 0
        for n in range(1, len(steps) + 1):
            scene.reset(folder, backup)
            out = tmp_path / f"restore-{n}.txt"
            lines = zygote.kill_at_step("cli_steps", out, n, argv=argv)
            assert not [line for line in lines if line.startswith(("DONE", "ERROR"))], lines
            live_file_was_gone += not db_path.exists()
            # The next start: a command (the lead's open_database calls this first) or the window.
            if n % 2:
                said = recover_interrupted_restore(db_path)
            else:
                said = check_database(db_path, folder).recovered
            outcomes.add(
                _finished_or_undone(
                    db_path, scene, said, steps[n - 1], backup_dump, current == "saine"
                )
            )
            verified_backups_intact(folder)  # every finished backup matches its manifest
    finally:
        zygote.close()
    assert outcomes == {"terminée", "annulée"}
    assert live_file_was_gone >= 1  # some kills fell between "moved aside" and "put in place"


def test_a_recovery_killed_half_way_is_completed_by_the_next_start(
    engine: Engine, db_path: Path, basedir: Path, tmp_path: Path
) -> None:
    """Kill the restore right after the live file was moved aside, then kill the recovery at
    each of its own steps: the start after that still ends with the backup in place."""
    folder = basedir / "data" / "sauvegardes"
    add_contacts(engine, 12)
    backup = create_backup(db_path, folder, "manuelle").path
    backup_dump = dump(backup)
    add_contacts(engine, 5)
    engine.dispose()
    checkpoint(db_path)
    _write_and_die(db_path)  # a -wal and a -shm to move aside as well
    flip_page(db_path)
    scene = Scene(db_path, tmp_path / "avant")
    argv = ["--db", str(db_path), "backup", "restore", str(backup)]
    zygote = Zygote(basedir)
    try:
        scene.reset(folder, backup)
        zygote.run("cli_steps", tmp_path / "measure.txt", argv=argv)
        moved_at = next(
            int(line.split()[1])
            for line in read_lines(tmp_path / "measure.txt")
            if line.startswith("STEP") and " replace sarah.sqlite sarah.sqlite.avant-" in line
        )
        # How many steps a recovery takes from there.
        scene.reset(folder, backup)
        zygote.kill_at_step("cli_steps", tmp_path / "kill.txt", moved_at, argv=argv)
        zygote.run("recover_steps", tmp_path / "recover.txt", db=db_path)
        recovery_steps = [s for s in read_lines(tmp_path / "recover.txt") if s.startswith("STEP")]
        assert len(recovery_steps) >= 3, recovery_steps  # -wal, -shm moved, copy put in place
        for n in range(1, len(recovery_steps) + 1):
            scene.reset(folder, backup)
            zygote.kill_at_step("cli_steps", tmp_path / f"kill-{n}.txt", moved_at, argv=argv)
            assert not db_path.exists()
            zygote.kill_at_step("recover_steps", tmp_path / f"recover-{n}.txt", n, db=db_path)
            said = recover_interrupted_restore(db_path)
            assert said is not None and "terminée" in said, (n, said)
            assert dump(db_path) == backup_dump
            asides = _aside_set(db_path)
            for suffix, content in scene.files.items():
                assert asides[suffix].read_bytes() == content, (n, suffix)
            assert not journal_path(db_path).exists()
    finally:
        zygote.close()
