"""The import service makes its own forced backup: every caller (command, window, a program calling
import_file or import_rows) gets a verified copy of the database as it was before the import."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.import_files import SAMPLE_ROWS, counts, write_csv
from sqlalchemy import Engine

from sarah.errors import UserError
from sarah.services.backups.listing import list_backups
from sarah.services.imports.problems import ImportRejected
from sarah.services.imports.run import import_file, import_rows
from sarah.settings import Settings, save_settings

ROW = {
    "date": "05/02/2019",
    "site": "Grésilles",
    "canal": "physique",
    "nom": "Roux",
    "prenom": "Inès",
}


def _import_backups(folder: Path) -> list[tuple[bool, int | None]]:
    return [(b.verified, b.contacts) for b in list_backups(folder) if b.reason == "avant-import"]


@pytest.mark.sqlite_only("the backup before an import is a verified copy of the SQLite file")
def test_an_import_backs_up_the_database_as_it_was_before(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "sauvegardes"
    folder.mkdir()
    save_settings(Settings(backup_dir=str(folder)))
    import_file(engine, write_csv(tmp_path / "janvier.csv", SAMPLE_ROWS[:3]))
    assert _import_backups(folder) == [(True, 0)]
    import_rows(engine, [ROW], source_name="programme")
    assert sorted(_import_backups(folder)) == [(True, 0), (True, 3)]


def test_no_backup_for_a_dry_run_or_a_refused_file(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "sauvegardes"
    folder.mkdir()
    save_settings(Settings(backup_dir=str(folder)))
    import_file(engine, write_csv(tmp_path / "a.csv", SAMPLE_ROWS), dry_run=True)
    bad = write_csv(tmp_path / "b.csv", [["31/02/2019", "", "X", "P", "A", "B", "", "", ""]])
    with pytest.raises(ImportRejected):
        import_file(engine, bad)
    assert _import_backups(folder) == []


@pytest.mark.sqlite_only("the backup before an import is a verified copy of the SQLite file")
def test_no_backup_no_import(engine: Engine, tmp_path: Path) -> None:
    save_settings(Settings(backup_dir=str(tmp_path / "cle-absente")))
    before = counts(engine)
    with pytest.raises(UserError, match="avant import impossible"):
        import_file(engine, write_csv(tmp_path / "a.csv", SAMPLE_ROWS))
    assert counts(engine) == before
