"""pg_dump copies of a PostgreSQL database: made, verified, listed, refused in French when the
tools cannot do it, and put back by the administrator's pg_restore."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from faults.faultkit import add_contacts
from server_kit import (
    PG_DUMP,
    PG_RESTORE,
    count_contacts,
    restore_into_new_database,
    script,
)

from sarah.cli import main
from sarah.db import create_db_engine
from sarah.errors import UserError
from sarah.services.backups.server_dump import dump_server
from sarah.services.backups.server_tools import DumpUnavailable

pytestmark = pytest.mark.postgres


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_backup_create_on_a_server_makes_a_verified_dump_that_restores(
    server_url: str, make_database: Callable[[], str], tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    engine = create_db_engine(server_url)
    add_contacts(engine, 4)
    engine.dispose()
    folder = tmp_path / "copies"
    folder.mkdir()

    assert main(["--db", server_url, "backup", "create", "--dossier", str(folder)]) == 0

    out = capsys.readouterr().out
    assert "Copie pg_dump vérifiée" in out and "4 contacts" in out
    dumps = [p for p in folder.iterdir() if p.suffix == ".dump"]
    assert len(dumps) == 1 and dumps[0].name.startswith("manuelle-")
    manifest = json.loads((folder / (dumps[0].name + ".json")).read_text(encoding="utf-8"))
    assert manifest["contacts"] == 4 and "contacts" in manifest["tables"]
    assert "password" not in json.dumps(manifest)
    restored = restore_into_new_database(dumps[0], make_database)
    assert count_contacts(restored) == 4


def test_backup_list_shows_the_dumps_and_what_the_server_does(
    server_url: str, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "copies"
    folder.mkdir()
    dump_server(server_url, folder, "manuelle")
    capsys.readouterr()

    assert main(["--db", server_url, "backup", "list", "--dossier", str(folder)]) == 0

    out = capsys.readouterr().out
    assert "Copies pg_dump de postgres@127.0.0.1:5432/" in out
    assert "vérifiée (pg_restore --list)" in out and "manuelle" in out
    # The local server archives nothing: said as it is.
    assert "Pas d'archivage continu sur le serveur" in out


def test_restore_on_a_server_says_who_does_it_and_how(
    server_url: str, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "copies"
    folder.mkdir()
    dump = dump_server(server_url, folder, "manuelle")
    capsys.readouterr()

    code = main(["--db", server_url, "backup", "restore", str(dump)])

    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "administrateur du serveur" in err
    assert "pg_restore --dbname=" in err and str(dump) in err
    assert count_contacts(server_url) == 0  # nothing was touched


def test_the_password_reaches_pg_dump_by_its_environment_never_its_command_line(
    server_url: str, tools_folder: Path, tmp_path: Path
) -> None:
    seen = tmp_path / "vu.txt"
    script(
        tools_folder,
        "pg_dump",
        f'echo "ARGS $*" >> "{seen}"\necho "PGPASSWORD=$PGPASSWORD" >> "{seen}"\n'
        f'exec "{PG_DUMP}" "$@"\n',
    )
    script(tools_folder, "pg_restore", f'exec "{PG_RESTORE}" "$@"\n')
    # A TLS setting in the URL (here the one this test server accepts) reaches pg_dump too.
    with_password = (
        server_url.replace("postgres@", "postgres:mot-de-passe-9f3@") + "?sslmode=disable"
    )
    folder = tmp_path / "copies"
    folder.mkdir()

    dump = dump_server(with_password, folder, "manuelle")

    assert dump.exists()
    lines = seen.read_text(encoding="utf-8").splitlines()
    args = [line for line in lines if line.startswith("ARGS ") and "--version" not in line]
    assert args and all("mot-de-passe-9f3" not in line for line in args)
    assert "sslmode=disable" in args[0]
    assert "PGPASSWORD=mot-de-passe-9f3" in lines


def test_an_older_pg_dump_is_refused_in_french_before_anything_is_written(
    server_url: str, tools_folder: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    script(tools_folder, "pg_dump", 'echo "pg_dump (PostgreSQL) 12.4"\n')
    script(tools_folder, "pg_restore", 'echo "pg_restore (PostgreSQL) 12.4"\n')
    folder = tmp_path / "copies"
    folder.mkdir()

    code = main(["--db", server_url, "backup", "create", "--dossier", str(folder)])

    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "pg_dump 12" in err and "plus ancien que le serveur (PostgreSQL 1" in err
    assert "postgresql-client-1" in err and "SARAH_PG_DUMP" in err
    assert _files(folder) == []


def test_pg_dump_missing_where_the_setting_says(
    server_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SARAH_PG_DUMP", str(tmp_path / "nulle-part" / "pg_dump"))
    with pytest.raises(DumpUnavailable) as caught:
        dump_server(server_url, tmp_path, "manuelle")
    assert "introuvable à l'endroit indiqué par SARAH_PG_DUMP" in caught.value.message
    assert "sauvegardes du serveur" in caught.value.message


def test_pg_dump_missing_from_the_desk(
    server_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SARAH_PG_DUMP", raising=False)
    empty = tmp_path / "vide"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(DumpUnavailable) as caught:
        dump_server(server_url, tmp_path, "manuelle")
    assert "pg_dump est introuvable sur ce poste" in caught.value.message


def test_a_dump_whose_contents_lack_a_table_is_discarded(
    server_url: str, tools_folder: Path, tmp_path: Path
) -> None:
    """A copy that pg_restore does not list whole never gets a final name."""
    script(tools_folder, "pg_dump", f'exec "{PG_DUMP}" "$@"\n')
    script(tools_folder, "pg_restore", f'"{PG_RESTORE}" "$@" | grep -v " contacts "\n')
    folder = tmp_path / "copies"
    folder.mkdir()

    with pytest.raises(UserError) as caught:
        dump_server(server_url, folder, "manuelle")

    assert "n'a pas passé la vérification" in caught.value.message
    assert "table absente de la copie : contacts" in caught.value.details
    assert _files(folder) == []


def test_a_pg_dump_that_stops_halfway_leaves_nothing(
    server_url: str, tools_folder: Path, tmp_path: Path
) -> None:
    script(
        tools_folder,
        "pg_dump",
        f'case "$1" in --version) exec "{PG_DUMP}" --version;; esac\n'
        'for a in "$@"; do case "$a" in --file=*) echo moitié > "${a#--file=}";; esac; done\n'
        'echo "pg_dump: error: connection lost" >&2\nexit 1\n',
    )
    script(tools_folder, "pg_restore", f'exec "{PG_RESTORE}" "$@"\n')
    folder = tmp_path / "copies"
    folder.mkdir()

    with pytest.raises(UserError) as caught:
        dump_server(server_url, folder, "manuelle")

    assert "pg_dump s'est arrêté (code 1)" in caught.value.message
    assert caught.value.details == ["pg_dump: error: connection lost"]
    assert _files(folder) == []
