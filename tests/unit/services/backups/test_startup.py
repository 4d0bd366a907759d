"""Start-up check: damage is found before any write, the damaged file is kept byte for byte."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from faults.faultkit import add_contacts, checkpoint, flip_page, garble_header, truncate

from sarah.cli import main
from sarah.errors import DatabaseDamaged
from sarah.services.backups.create import create_backup
from sarah.services.backups.listing import list_backups
from sarah.services.backups.startup import check_database, header_problem, startup_backup
from sarah.services.database import open_database


def _truncate_on_page_boundary(path: Path) -> None:
    with open(path, "r+b") as fh:
        fh.truncate((path.stat().st_size // 4096 // 2) * 4096)


DAMAGES: dict[str, Callable[[Path], None]] = {
    "page abîmée": flip_page,
    "fichier tronqué": truncate,
    "tronqué sur une page": _truncate_on_page_boundary,
    "en-tête illisible": garble_header,
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    f = tmp_path / "sauvegardes"
    f.mkdir()
    return f


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "sarah.sqlite"
    engine = open_database(path, migrate=True)
    add_contacts(engine, 300)
    engine.dispose()
    checkpoint(path)
    return path


@pytest.fixture
def filled(template: Path, db_path: Path) -> Path:
    """A database with enough contacts to span many pages, closed and checkpointed."""
    shutil.copyfile(template, db_path)
    return db_path


def test_a_sound_database_passes_and_gets_its_start_up_backup(filled: Path, folder: Path) -> None:
    report = check_database(filled, folder)
    assert not report.damaged and not report.read_only and report.exists
    info = startup_backup(report)
    assert info is not None and info.reason == "demarrage" and info.contacts == 300
    assert [b.path for b in list_backups(folder)] == [info.path]


def test_a_new_installation_has_nothing_to_check(tmp_path: Path, folder: Path) -> None:
    report = check_database(tmp_path / "neuve.sqlite", folder)
    assert not report.exists and not report.damaged
    assert startup_backup(report) is None


@pytest.mark.parametrize("damage", list(DAMAGES), ids=list(DAMAGES))
def test_damage_is_detected_and_the_file_left_untouched(
    filled: Path, folder: Path, damage: str
) -> None:
    good = create_backup(filled, folder)
    DAMAGES[damage](filled)
    before = filled.read_bytes()
    report = check_database(filled, folder)
    assert report.damaged and report.read_only
    assert report.last_verified is not None and report.last_verified.path == good.path
    assert "endommagé" in report.message and "lecture seule" in report.message
    assert "300 contacts" in report.message
    assert filled.read_bytes() == before
    assert startup_backup(report) is None  # nothing is read from a damaged file
    with pytest.raises(DatabaseDamaged):
        open_database(filled)
    assert filled.read_bytes() == before


def test_damaged_database_without_any_backup_says_where_it_looked(
    filled: Path, folder: Path
) -> None:
    garble_header(filled)
    report = check_database(filled, folder)
    assert report.last_verified is None and str(folder) in report.message


@pytest.mark.parametrize("damage", list(DAMAGES), ids=list(DAMAGES))
def test_commands_refuse_a_damaged_database_without_modifying_it(
    filled: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    DAMAGES[damage](filled)
    before = filled.read_bytes()
    assert main(["--db", str(filled), "backup", "create"]) == 2
    err = capsys.readouterr().err
    assert "endommagé" in err and "sarah backup restore" in err and "Traceback" not in err
    assert filled.read_bytes() == before
    with pytest.raises(DatabaseDamaged):
        open_database(filled)
    assert filled.read_bytes() == before


def test_temporary_files_left_by_a_crash_are_cleaned_at_start(filled: Path, folder: Path) -> None:
    leftover = folder / "automatique-20260101-080000.sqlite.partial"
    leftover.write_bytes(b"half a copy")
    interrupted = filled.with_name(filled.name + ".restauration.partial")
    interrupted.write_bytes(b"half a restore")
    report = check_database(filled, folder)
    # The copy of a restore killed before it moved anything goes with the interrupted restore.
    assert leftover in report.cleaned and report.recovered is None
    assert not leftover.exists() and not interrupted.exists() and filled.exists()


def test_header_check_accepts_a_sound_file(filled: Path) -> None:
    assert header_problem(filled) is None


# --- the window's decision before opening (plan_startup, no Qt) ---------------------------------


def test_a_file_of_ordinary_size_is_checked_before_it_opens(filled: Path) -> None:
    from sarah.services.backups.startup import Opening, plan_startup

    plan = plan_startup(str(filled))
    assert plan.path == filled and plan.opening is Opening.CHECK_FIRST


def test_a_big_sound_file_at_the_current_schema_opens_read_only_now_untouched(
    filled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sarah.services.backups import startup as service_startup

    monkeypatch.setattr(service_startup, "BIG_FILE_BYTES", 0)
    before = filled.read_bytes()
    plan = service_startup.plan_startup(str(filled))
    assert plan.path == filled and plan.opening is service_startup.Opening.READ_ONLY_NOW
    assert filled.read_bytes() == before


def test_a_big_file_with_a_bad_header_an_older_schema_or_a_restore_journal_is_checked_first(
    filled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from sarah.services.backups import startup as service_startup
    from sarah.services.backups.journal import journal_path

    monkeypatch.setattr(service_startup, "BIG_FILE_BYTES", 0)
    journal = journal_path(filled)
    journal.write_text("{}", encoding="utf-8")
    assert service_startup.plan_startup(str(filled)).opening is service_startup.Opening.CHECK_FIRST
    journal.unlink()

    conn = sqlite3.connect(filled)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '0001'")
    conn.close()
    assert service_startup.plan_startup(str(filled)).opening is service_startup.Opening.CHECK_FIRST

    garble_header(filled)
    assert service_startup.plan_startup(str(filled)).opening is service_startup.Opening.CHECK_FIRST


def test_a_server_database_is_opened_as_every_command_opens_it() -> None:
    from sarah.services.backups.startup import Opening, plan_startup

    plan = plan_startup("postgresql://sarah@serveur/sarah")
    assert plan.path is None and plan.opening is Opening.AS_IS
