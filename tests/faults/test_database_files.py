"""Files SARAH is handed: locked, from a newer SARAH, another program's, read-only, a folder.

Each gets its own French message and exit code 2, and is left byte for byte as it was; a report
needs no write lock and works on a read-only medium.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from faults.faultkit import add_contacts, hold_write_lock
from sqlalchemy import Engine

from sarah import db as sarah_db
from sarah.cli import main
from sarah.dbfile import SARAH_APPLICATION_ID, DatabaseTooNew, ForeignDatabase
from sarah.errors import DatabaseLocked
from sarah.services.database import open_database

REPORT = ["report", "--from", "2019-01-01", "--to", "2030-12-31", "--format", "json"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def contacts_in_report(out: str) -> int:
    report = json.loads(out)
    return int(report["total"]["contacts"]["total"])


@pytest.fixture
def filled(engine: Engine, db_path: Path) -> Path:
    add_contacts(engine, 12)
    engine.dispose()
    return db_path


def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "janvier.csv"
    path.write_text(
        "date;heure;site;canal;nom;prenom;sexe;date_naissance;services\n"
        "02/01/2019;09:30;Grésilles;physique;Dupont;Léa;F;01/02/1990;Demander un RDV\n",
        encoding="utf-8",
    )
    return path


# --- 12. a lock held by another program ----------------------------------------------------------


def test_a_report_reads_while_another_program_holds_the_write_lock(
    filled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with hold_write_lock(filled):
        code, out, err = run(capsys, "--db", str(filled), *REPORT)
    assert (code, err) == (0, "")
    assert contacts_in_report(out) == 12


def test_a_backup_is_made_while_another_program_holds_the_write_lock(
    filled: Path, capsys: pytest.CaptureFixture[str], basedir: Path
) -> None:
    with hold_write_lock(filled):
        code, out, err = run(capsys, "--db", str(filled), "backup", "create")
    assert code == 0 and "Traceback" not in err
    assert any(name.endswith(".sqlite") for name in files_under(basedir))


def test_an_import_waits_then_says_the_database_is_busy(
    filled: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sarah_db, "BUSY_TIMEOUT_MS", 200)
    before = digest(filled)
    with hold_write_lock(filled):
        code, _out, err = run(
            capsys, "--db", str(filled), "contacts", "import", str(csv_file(tmp_path))
        )
    assert code == 2
    assert "occupée par un autre programme" in err and "Traceback" not in err
    assert digest(filled) == before


def test_the_window_opens_while_another_program_holds_the_write_lock(filled: Path) -> None:
    from sarah.ui.backup.startup import open_checked_database

    with hold_write_lock(filled):
        opened = open_checked_database(str(filled))
        assert opened is not None
        try:
            from sarah.services.sites import list_sites

            assert [s.name for s in list_sites(opened.engine)] == ["Grésilles"]
        finally:
            opened.engine.dispose()


def test_a_lock_is_sorted_by_sqlite_code_at_the_service_level(
    filled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sarah_db, "BUSY_TIMEOUT_MS", 200)
    engine = open_database(filled)
    try:
        with hold_write_lock(filled), pytest.raises(DatabaseLocked):
            add_contacts(engine, 1)
    finally:
        engine.dispose()


# --- 14. a database from a newer SARAH -----------------------------------------------------------


def make_newer(path: Path) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.close()


@pytest.mark.parametrize(
    "command",
    [
        REPORT,
        ["backup", "create"],
        ["demo"],
        ["contacts", "import", "CSV"],
    ],
    ids=["report", "backup-create", "demo", "import"],
)
def test_a_database_from_a_newer_sarah_is_refused_and_nothing_is_written(
    filled: Path,
    tmp_path: Path,
    basedir: Path,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    make_newer(filled)
    before, backups = digest(filled), files_under(basedir)
    args = [str(csv_file(tmp_path)) if a == "CSV" else a for a in command]
    for _attempt in range(2):
        code, _out, err = run(capsys, "--db", str(filled), *args)
        assert code == 2, err
        assert "version plus récente de SARAH" in err and "Mettez SARAH à jour" in err
        assert "9999_future" in err and "Traceback" not in err
    assert digest(filled) == before
    assert files_under(basedir) == backups  # no backup written at any attempt


def test_open_database_raises_the_too_new_error(filled: Path) -> None:
    make_newer(filled)
    with pytest.raises(DatabaseTooNew):
        open_database(filled)


# --- 15. another program's SQLite file -----------------------------------------------------------


def foreign_file(path: Path, app_id: int = 0) -> Path:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
        conn.execute("INSERT INTO invoices (amount) VALUES (12.5)")
        if app_id:
            conn.execute(f"PRAGMA application_id={app_id}")
    conn.close()
    return path


def test_another_programs_file_is_refused_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = foreign_file(tmp_path / "factures.sqlite")
    before = digest(path)
    for command in (REPORT, ["demo"], ["backup", "create"]):
        code, _out, err = run(capsys, "--db", str(path), *command)
        assert code == 2 and "n'est pas une base SARAH" in err and "invoices" in err
    assert digest(path) == before
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert tables == {"invoices"}


def test_a_file_marked_by_another_program_is_refused(tmp_path: Path) -> None:
    path = foreign_file(tmp_path / "autre.sqlite", app_id=0x0F0F0F0F)
    with pytest.raises(ForeignDatabase) as caught:
        open_database(path)
    assert "autre programme" in str(caught.value)


def test_sarah_marks_its_own_files_and_opens_an_empty_one(tmp_path: Path) -> None:
    empty = tmp_path / "vide.sqlite"
    sqlite3.connect(empty).close()  # a zero-byte file
    engine = open_database(empty)
    engine.dispose()
    conn = sqlite3.connect(empty)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == SARAH_APPLICATION_ID
    conn.close()


def test_a_sarah_file_from_before_the_mark_still_opens(filled: Path) -> None:
    conn = sqlite3.connect(filled)
    conn.execute("PRAGMA application_id=0")
    conn.close()
    engine = open_database(filled)
    try:
        from sarah.services.sites import list_sites

        assert [s.name for s in list_sites(engine)] == ["Grésilles"]
    finally:
        engine.dispose()


# --- 16. read-only places, folders, what SQLite says ---------------------------------------------


@pytest.fixture
def read_only_medium(tmp_path: Path) -> Iterator[Path]:
    """A real file system mounted read-only (a write-protected USB key, a CD)."""
    mount_point = tmp_path / "cle"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def remount_read_only(mount_point: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True)


def test_a_sound_database_on_a_read_only_medium_reports_and_refuses_writes_plainly(
    filled: Path,
    read_only_medium: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    on_key = read_only_medium / "sarah.sqlite"
    on_key.write_bytes(filled.read_bytes())
    remount_read_only(read_only_medium)

    code, out, err = run(capsys, "--db", str(on_key), *REPORT)
    assert (code, err) == (0, "")
    assert contacts_in_report(out) == 12

    code, _out, err = run(
        capsys, "--db", str(on_key), "contacts", "import", str(csv_file(tmp_path))
    )
    assert code == 2 and "lecture seule" in err
    assert "endommagé" not in err and "Traceback" not in err


def test_a_new_database_in_a_read_only_folder_is_a_plain_message(
    read_only_medium: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    remount_read_only(read_only_medium)
    code, _out, err = run(capsys, "--db", str(read_only_medium / "neuf" / "sarah.sqlite"), *REPORT)
    assert code == 2 and "Impossible de créer la base" in err and "lecture seule" in err
    assert "Traceback" not in err
    assert list(read_only_medium.iterdir()) == []


def test_a_folder_given_as_the_database_is_named_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(capsys, "--db", str(tmp_path), *REPORT)
    assert code == 2 and "est un dossier" in err
    assert "endommagé" not in err and "disk I/O" not in err


def test_a_file_that_is_not_sqlite_is_described_in_french(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"Ceci n'est pas une base de donnees. " * 200)
    code, _out, err = run(capsys, "--db", str(path), *REPORT)
    assert code == 2 and "endommagé" in err
    assert "ce n'est pas un fichier de base de données SQLite" in err
    assert "file is not a database" not in err


def sqlite_failure(code: int, text: str) -> sqlite3.OperationalError:
    exc = sqlite3.OperationalError(text)
    exc.sqlite_errorcode = code  # what the sqlite3 module sets on every error it raises
    return exc


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (sarah_db.SQLITE_BUSY, "occupée"),
        (sarah_db.SQLITE_LOCKED, "occupée"),
        (sarah_db.SQLITE_FULL, "disque est plein"),
        (sarah_db.SQLITE_READONLY, "lecture seule"),
        (sarah_db.SQLITE_CANTOPEN, "Impossible d'ouvrir"),
        (sarah_db.SQLITE_IOERR, "Erreur d'écriture sur le disque"),
        (sarah_db.SQLITE_CORRUPT, "endommagé"),
        (sarah_db.SQLITE_NOTADB, "endommagé"),
        (sarah_db.SQLITE_IOERR | (13 << 8), "Erreur d'écriture sur le disque"),  # IOERR_FSYNC
        (sarah_db.SQLITE_BUSY | (2 << 8), "occupée"),  # BUSY_SNAPSHOT
    ],
)
def test_failures_are_sorted_by_sqlite_code_not_by_text(code: int, words: str) -> None:
    # A text that names another failure: only the code may decide.
    error = sarah_db.user_error_for(sqlite_failure(code, "database or disk is full, or locked"))
    assert error is not None and words in str(error)


def test_an_unknown_sqlite_code_is_a_bug_not_a_user_error() -> None:
    assert sarah_db.user_error_for(sqlite_failure(1, "database is locked")) is None


def test_the_window_opens_a_database_on_a_read_only_medium_in_read_only_mode(
    qtbot,
    filled: Path,
    read_only_medium: Path,  # type: ignore[no-untyped-def]
) -> None:
    import argparse

    from PySide6.QtCore import QThreadPool

    from sarah.settings import Settings, save_settings
    from sarah.ui.app import build_main_window

    on_key = read_only_medium / "sarah.sqlite"
    on_key.write_bytes(filled.read_bytes())
    remount_read_only(read_only_medium)
    save_settings(Settings(home_site="Grésilles", agent_name="Nadia B."))
    window, code = build_main_window(argparse.Namespace(db=str(on_key)))
    assert window is not None and code == 0
    qtbot.addWidget(window)
    try:
        assert window.ctx.read_only
        assert "lecture seule" in window.windowTitle()
    finally:
        window.close()
        QThreadPool.globalInstance().waitForDone(30_000)
        window.ctx.engine.dispose()


# --- 13. the next command after an interrupted restore ------------------------------------------


def _restore_scene(folder: Path) -> tuple[Path, Path]:
    """A base of 15 contacts and a verified backup of it when it held 12."""
    from sarah.services.backups.create import create_backup

    (folder / "sauvegardes").mkdir(parents=True)
    db = folder / "sarah.sqlite"
    engine = open_database(db)
    add_contacts(engine, 12)
    backup = create_backup(db, folder / "sauvegardes", "manuelle").path
    add_contacts(engine, 3)
    engine.dispose()
    return db, backup


@pytest.mark.allow_log("Une restauration interrompue")
def test_a_report_after_a_restore_killed_with_the_file_moved_aside_never_reads_an_empty_base(
    basedir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from faults.faultkit import Zygote, read_lines

    zygote = Zygote(basedir)
    try:
        db, backup = _restore_scene(tmp_path / "mesure")
        argv = ["--db", str(db), "backup", "restore", str(backup)]
        zygote.run("cli_steps", tmp_path / "steps.txt", argv=argv)
        steps = [s for s in read_lines(tmp_path / "steps.txt") if s.startswith("STEP")]
        moved = next(
            i
            for i, s in enumerate(steps, 1)
            if "replace sarah.sqlite sarah.sqlite.avant-restauration" in s
        )
        db, backup = _restore_scene(tmp_path / "essai")
        # Killed just after the live file was moved aside, before the backup is put in place.
        argv = ["--db", str(db), "backup", "restore", str(backup)]
        zygote.kill_at_step("cli_steps", tmp_path / "kill.txt", moved + 1, argv=argv)
    finally:
        zygote.close()
    assert not db.exists()  # the moment the issue describes
    code, out, err = run(capsys, "--db", str(db), *REPORT)
    assert code == 0, err
    assert contacts_in_report(out) in (12, 15)  # the restored backup or the base as it was
    assert "restauration" in err  # the command says what it finished or undid


def test_no_empty_database_is_created_where_one_was_moved_aside(
    filled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    aside = filled.with_name(filled.name + ".avant-restauration-20261201-101500")
    filled.rename(aside)
    code, _out, err = run(capsys, "--db", str(filled), *REPORT)
    assert code == 2 and "est absente" in err and aside.name in err
    assert not filled.exists()


def test_no_empty_database_is_created_beside_a_lone_wal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "sarah.sqlite"
    db.with_name("sarah.sqlite-wal").write_bytes(b"\0" * 4096)
    code, _out, err = run(capsys, "--db", str(db), *REPORT)
    assert code == 2 and "sarah.sqlite-wal" in err
    assert not db.exists()
