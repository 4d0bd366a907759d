"""Before a PostgreSQL database is migrated: a verified pg_dump copy by one desk, or a refusal
that says what to do; ``sarah backup migrate --sans-sauvegarde`` on the server's own backups."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from server_kit import count_contacts, previous_revision, restore_into_new_database, revision_of

from sarah.cli import main
from sarah.db import head_revision
from sarah.services.backups.server_migration import MigrationNeedsBackup
from sarah.services.database import migrate_to_head, open_database

pytestmark = pytest.mark.postgres


def test_the_first_opening_by_a_newer_sarah_copies_the_database_then_migrates(
    old_server_url: str, make_database: Callable[[], str], tmp_path: Path
) -> None:
    folder = tmp_path / "copies"
    folder.mkdir()
    engine = open_database(old_server_url, migrate=False)
    try:
        copy = migrate_to_head(engine, folder)
    finally:
        engine.dispose()

    assert revision_of(old_server_url) == head_revision()
    assert copy is not None and copy.name.startswith("avant-migration-") and copy.suffix == ".dump"
    manifest = json.loads(copy.with_name(copy.name + ".json").read_text(encoding="utf-8"))
    assert manifest["schema"] == previous_revision() and manifest["contacts"] == 3
    # The copy is the database as it was before: the older schema, the same contacts.
    restored = restore_into_new_database(copy, make_database)
    assert revision_of(restored) == previous_revision()
    assert count_contacts(restored) == 3


def test_without_pg_dump_the_migration_is_refused_and_nothing_changes(
    old_server_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SARAH_PG_DUMP", str(tmp_path / "absent"))
    with pytest.raises(MigrationNeedsBackup) as caught:
        open_database(old_server_url).dispose()
    text = caught.value.message
    assert "doit être mise à jour" in text and "Rien n'a été modifié" in text
    assert "--sans-sauvegarde" in text and "SARAH_MIGRATION_SANS_SAUVEGARDE=1" in text
    assert revision_of(old_server_url) == previous_revision()

    # Any command says the same, exit 2, no traceback.
    code = main(["--db", old_server_url, "report", "--semester", "2019-S1"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and "pg_dump" in err
    assert revision_of(old_server_url) == previous_revision()


@pytest.mark.allow_log("without a pg_dump copy")
def test_sans_sauvegarde_migrates_on_the_strength_of_the_server_backups(
    old_server_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SARAH_PG_DUMP", str(tmp_path / "absent"))
    folder = tmp_path / "copies"
    folder.mkdir()

    code = main(
        ["--db", old_server_url, "backup", "migrate", "--sans-sauvegarde", "--dossier", str(folder)]
    )

    out = capsys.readouterr().out
    assert code == 0, out
    assert f"schéma {previous_revision()} → {head_revision()}" in out
    assert "Aucune copie faite par SARAH (--sans-sauvegarde)" in out
    assert revision_of(old_server_url) == head_revision()
    assert count_contacts(old_server_url) == 3
    assert list(folder.iterdir()) == []


def test_backup_migrate_with_pg_dump_says_where_the_copy_is(
    old_server_url: str, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "copies"
    folder.mkdir()
    assert main(["--db", old_server_url, "backup", "migrate", "--dossier", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "Copie vérifiée faite avant la mise à jour" in out and "avant-migration-" in out
    assert main(["--db", old_server_url, "backup", "migrate", "--dossier", str(folder)]) == 0
    assert "rien à faire" in capsys.readouterr().out
    assert len([p for p in folder.iterdir() if p.suffix == ".dump"]) == 1


def test_a_desk_of_an_older_sarah_refuses_a_newer_schema_and_writes_nothing(
    server_url: str, tmp_path: Path
) -> None:
    from sqlalchemy import create_engine

    from sarah.dbfile import DatabaseTooNew

    newer = create_engine(server_url)
    with newer.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0099_de_demain'")
    newer.dispose()
    folder = tmp_path / "copies"
    folder.mkdir()
    engine = open_database(server_url, migrate=False)
    try:
        with pytest.raises(DatabaseTooNew) as caught:
            migrate_to_head(engine, folder)
    finally:
        engine.dispose()
    assert "version plus récente de SARAH" in caught.value.message
    assert "0099_de_demain" in caught.value.message
    assert revision_of(server_url) == "0099_de_demain" and list(folder.iterdir()) == []


CHILD = """
import sys
from pathlib import Path
from sarah.services.database import migrate_to_head, open_database

engine = open_database(sys.argv[1], migrate=False)
print("prêt", flush=True)
sys.stdin.readline()  # every desk starts together
copy = migrate_to_head(engine, Path(sys.argv[2]))
print("copie" if copy else "rien", flush=True)
engine.dispose()
"""


def test_desks_opening_together_make_one_copy_and_one_migration(
    old_server_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "copies"
    folder.mkdir()
    desks = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, old_server_url, str(folder)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    for desk in desks:
        assert desk.stdout is not None and desk.stdout.readline().strip() == "prêt"
    for desk in desks:
        assert desk.stdin is not None
        desk.stdin.write("go\n")
        desk.stdin.flush()
    said = []
    for desk in desks:
        out, err = desk.communicate(timeout=120)
        assert desk.returncode == 0, err
        said.append(out.strip())

    assert sorted(said) == ["copie", "rien", "rien"]
    assert len([p for p in folder.iterdir() if p.suffix == ".dump"]) == 1
    assert revision_of(old_server_url) == head_revision()
