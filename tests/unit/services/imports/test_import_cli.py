"""``sarah contacts import``: exit codes, French summary, errors on stderr without a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.import_files import SAMPLE_ROWS, counts, write_csv
from sqlalchemy import Engine

from sarah.cli import main
from sarah.services.backups.listing import list_backups
from sarah.services.database import open_database


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_prints_a_french_summary(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "x.sqlite"
    path = write_csv(tmp_path / "janvier.csv", SAMPLE_ROWS)
    code, out, err = _run(capsys, "--db", str(db), "contacts", "import", str(path))
    assert code == 0 and err == ""
    assert "Import de janvier.csv (CSV UTF-8, séparateur « ; ») terminé." in out
    assert (
        "4 contacts importés, 3 nouvelles personnes, 2 nouveaux sites : Grésilles, "
        "Fontaine d'Ouche." in out
    )
    assert "Grésilles" in out and "Contacts par site" in out
    engine = open_database(db)
    try:
        assert counts(engine)["contacts"] == 4
    finally:
        engine.dispose()


def test_second_import_says_nothing_was_added(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "x.sqlite"
    path = write_csv(tmp_path / "janvier.csv", SAMPLE_ROWS)
    assert _run(capsys, "--db", str(db), "contacts", "import", str(path))[0] == 0
    longer = write_csv(
        tmp_path / "janvier-bis.csv",
        [*SAMPLE_ROWS, ["05/01/2019", "", "Grésilles", "P", "Roux", "Ana", "", "", ""]],
    )
    code, out, _ = _run(capsys, "--db", str(db), "contacts", "import", str(longer))
    assert code == 0
    assert "1 contact importé (4 déjà présents ignorés), 1 nouvelle personne." in out
    code, out, _ = _run(capsys, "--db", str(db), "contacts", "import", str(longer))
    assert (
        code == 0
        and "Aucun contact importé : les 5 lignes du fichier ont déjà été importées." in out
    )


def test_dry_run_announces_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], engine: Engine, db_target: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "janvier.csv", SAMPLE_ROWS)
    before = counts(engine)
    code, out, _ = _run(capsys, "--db", db_target, "contacts", "import", str(path), "--dry-run")
    assert code == 0
    assert "Simulation sur janvier.csv" in out and "rien n'a été enregistré" in out
    assert "4 contacts seraient importés, 3 nouvelles personnes" in out
    assert counts(engine) == before


def test_bad_rows_exit_2_with_every_problem_and_no_traceback(
    capsys: pytest.CaptureFixture[str], engine: Engine, db_target: str, tmp_path: Path
) -> None:
    rows = [list(r) for r in SAMPLE_ROWS]
    rows[1][0] = "31/02/2019"
    rows[3][3] = "courrier"
    path = write_csv(tmp_path / "faux.csv", rows)
    before = counts(engine)
    code, out, err = _run(capsys, "--db", db_target, "contacts", "import", str(path))
    assert code == 2 and out == ""
    assert err.startswith("Erreur : Le fichier faux.csv n'a pas été importé (2 lignes en erreur")
    assert "ligne 3, colonne « date » : date impossible" in err
    assert "ligne 5, colonne « canal » : canal inconnu" in err and "« courrier »" in err
    assert "Traceback" not in err
    assert counts(engine) == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("vide.csv", b"", "est vide"),
        ("scan.xlsx", b"%PDF-1.4\n", "c'est un document PDF"),
        ("photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(200), "c'est une image"),
        ("tableau.ods", b"PK\x03\x04", "Format de fichier non pris en charge (.ods)"),
        (
            "manque.csv",
            b"date;site;nom;prenom\n02/01/2019;A;B;C\n",
            "colonne obligatoire absente : « canal »",
        ),
    ],
)
def test_bad_files_exit_2(
    capsys: pytest.CaptureFixture[str],
    db_target: str,
    tmp_path: Path,
    name: str,
    content: bytes,
    message: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = _run(capsys, "--db", db_target, "contacts", "import", str(path))
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


def test_missing_file_does_not_create_the_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "jamais.sqlite"
    code, _, err = _run(capsys, "--db", str(db), "contacts", "import", str(tmp_path / "absent.csv"))
    assert code == 2 and "Fichier introuvable" in err
    assert not db.exists()


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], db_target: str) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--db", db_target, "contacts", "import"])
    assert info.value.code == 2
    assert "FICHIER" in capsys.readouterr().err
    assert main(["--db", db_target, "contacts"]) == 2
    assert "import" in capsys.readouterr().err


@pytest.mark.sqlite_only("the backup before an import is a verified copy of the SQLite file")
def test_a_backup_is_taken_before_writing_only(
    capsys: pytest.CaptureFixture[str], engine: Engine, db_target: str, tmp_path: Path
) -> None:
    good = write_csv(tmp_path / "janvier.csv", SAMPLE_ROWS)
    bad = write_csv(tmp_path / "faux.csv", [["31/02/2019", "", "X", "P", "A", "B", "", "", ""]])
    assert _run(capsys, "--db", db_target, "contacts", "import", str(bad))[0] == 2
    assert _run(capsys, "--db", db_target, "contacts", "import", str(good), "--dry-run")[0] == 0
    assert not [b for b in list_backups() if "import" in b.reason]
    assert _run(capsys, "--db", db_target, "contacts", "import", str(good))[0] == 0
    assert [b for b in list_backups() if "import" in b.reason]
