"""`sarah backup create|list|restore FILE` through the real entry point."""

from __future__ import annotations

from pathlib import Path

import pytest
from faults.faultkit import add_contacts, dump
from sqlalchemy import Engine

from sarah.cli import main
from sarah.services.backups.listing import list_backups
from sarah.settings import Settings, save_settings

pytestmark = pytest.mark.sqlite_only("backup create/list/restore copy the SQLite file")


def test_create_then_list(
    engine: Engine, db_path: Path, basedir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_contacts(engine, 3)
    assert main(["--db", str(db_path), "backup", "create"]) == 0
    out = capsys.readouterr().out
    assert "Sauvegarde vérifiée" in out and "3 contacts" in out
    folder = basedir / "data" / "sauvegardes"
    assert len(list_backups(folder)) == 1
    assert main(["--db", str(db_path), "backup", "list"]) == 0
    listing = capsys.readouterr().out
    assert "vérifiée" in listing and "manuelle-" in listing and "3 contacts" in listing


def test_backup_folder_from_the_settings_or_the_option(
    engine: Engine, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chosen = tmp_path / "cle"
    chosen.mkdir()
    save_settings(Settings(backup_dir=str(chosen)))
    assert main(["--db", str(db_path), "backup", "create"]) == 0
    other = tmp_path / "autre"
    other.mkdir()
    assert main(["--db", str(db_path), "backup", "create", "--dossier", str(other)]) == 0
    assert len(list_backups(chosen)) == 1 and len(list_backups(other)) == 1


def test_restore_without_a_prompt_moves_the_current_file_aside(
    engine: Engine, db_path: Path, basedir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_contacts(engine, 2)
    assert main(["--db", str(db_path), "backup", "create"]) == 0
    backup = list_backups(basedir / "data" / "sauvegardes")[0].path
    expected = dump(backup)
    add_contacts(engine, 4)
    engine.dispose()
    capsys.readouterr()
    assert main(["--db", str(db_path), "backup", "restore", str(backup)]) == 0
    out = capsys.readouterr().out
    assert "Base restaurée" in out and "Mis de côté (non effacé)" in out
    assert dump(db_path) == expected
    aside = sorted(db_path.parent.glob("sarah.sqlite.avant-restauration-*"))
    assert aside and len(dump(aside[0])["contacts"]) == 6


def test_restore_by_name_in_the_backup_folder(
    engine: Engine, db_path: Path, basedir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(db_path), "backup", "create"]) == 0
    name = list_backups(basedir / "data" / "sauvegardes")[0].path.name
    engine.dispose()
    assert main(["--db", str(db_path), "backup", "restore", name]) == 0


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["backup", "restore", "absente.sqlite"], "introuvable"),
        (["backup", "list", "--dossier", "/nulle/part"], "inaccessible"),
        (["backup", "create", "--dossier", "/nulle/part"], "inaccessible"),
    ],
)
def test_mistakes_are_plain_french_with_exit_code_2(
    engine: Engine, db_path: Path, argv: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(db_path), *argv]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_an_action_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["backup"])
    assert stopped.value.code == 2 and "ACTION" in capsys.readouterr().err
