"""Hostile or damaged CSV files: over-long fields and lines, files too large, thousands of bad
rows, DOS encoding, bytes that cannot be in a name. Each gets a French message with its line
(and column where there is one), a bounded length, exit code 2 and nothing written."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from helpers.import_files import HEADER, SAMPLE_ROWS, counts, stored_contacts, write_csv
from sqlalchemy import Engine

from sarah.cli import main
from sarah.errors import InvalidInput
from sarah.services.imports import read as import_read
from sarah.services.imports.problems import ImportRejected
from sarah.services.imports.run import import_file

MB = 1024 * 1024
GOOD = ["02/01/2019", "09:30", "Grésilles", "physique", "Dupont", "Léa", "F", "", ""]


def _run(capsys: pytest.CaptureFixture[str], db: Path, path: Path) -> tuple[int, str, str]:
    code = main(["--db", str(db), "contacts", "import", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def _refused_by_cli(
    capsys: pytest.CaptureFixture[str], engine: Engine, db: Path, path: Path
) -> str:
    before = counts(engine)
    code, out, err = _run(capsys, db, path)
    assert code == 2 and out == ""
    assert err.startswith("Erreur : ") and "Traceback" not in err
    assert counts(engine) == before
    return err


def _text_file(path: Path, header: str, *lines: str) -> Path:
    path.write_text(header + "\n" + "".join(line + "\n" for line in lines), encoding="utf-8")
    return path


HEAD = ";".join(HEADER)


def test_field_over_128_kib_on_the_second_line(
    capsys: pytest.CaptureFixture[str], engine: Engine, db_target: str, tmp_path: Path
) -> None:
    # Used to be a _csv.Error traceback: the header search read it with the csv module.
    path = _text_file(
        tmp_path / "long.csv", HEAD, '02/01/2019;09:30;Grésilles;P;"' + "x" * 200_000 + '";Léa;;;'
    )
    err = _refused_by_cli(capsys, engine, db_target, path)
    assert "sa ligne 2 fait plus de 131\u202f072 caractères" in err
    assert len(err) < 1000


def test_quote_never_closed_in_the_first_lines(
    capsys: pytest.CaptureFixture[str], engine: Engine, db_target: str, tmp_path: Path
) -> None:
    # A quoted cell spanning 300 lines of 1,000 characters: over the csv module's cell limit.
    path = _text_file(
        tmp_path / "guillemet.csv",
        HEAD,
        '02/01/2019;09:30;Grésilles;P;"' + ("x" * 1000 + "\n") * 300 + '";Léa;;;',
    )
    err = _refused_by_cli(capsys, engine, db_target, path)
    assert "à partir de la ligne 2, une cellule dépasse 131\u202f072 caractères" in err
    assert "guillemet" in err and "field larger" not in err


def test_quote_never_closed_further_down_names_its_line(
    capsys: pytest.CaptureFixture[str], engine: Engine, db_target: str, tmp_path: Path
) -> None:
    rows = (
        [";".join(GOOD)] * 40
        + ['02/01/2019;09:30;"Grésilles;P;Dupont;Léa;;;']
        + [";".join(GOOD)] * 200
    )
    path = tmp_path / "loin.csv"
    path.write_text(HEAD + "\n" + "\n".join(rows) + ("\n" + "y" * 1000) * 200, encoding="utf-8")
    err = _refused_by_cli(capsys, engine, db_target, path)
    assert "à partir de la ligne 42, une cellule dépasse" in err


def test_file_without_line_breaks_is_not_read_whole(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "une-ligne.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(HEAD + "\n")
        for _ in range(16):
            fh.write("z" * MB)
    tracemalloc.start()
    try:
        with pytest.raises(InvalidInput, match="sa ligne 2 fait plus de 131\u202f072 caractères"):
            import_file(engine, path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * MB


def test_cell_over_32767_characters_is_named_with_line_and_column(
    engine: Engine, tmp_path: Path
) -> None:
    rows = [GOOD, GOOD, ["02/01/2019", "09:30", "Grésilles", "P", "Dupont", "L" * 40_000]]
    before = counts(engine)
    with pytest.raises(ImportRejected) as info:
        import_file(engine, write_csv(tmp_path / "cellule.csv", rows))
    (problem,) = info.value.problems
    assert (problem.line, problem.column, problem.value) == (4, "prenom", "L" * 79 + "…")
    assert "40\u202f000 caractères ; un tableur en permet 32\u202f767 au plus" in problem.reason
    assert counts(engine) == before


def test_file_over_512_mib_is_refused_before_it_is_read(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "enorme.csv"
    with open(path, "wb") as fh:  # sparse: nothing written past the header
        fh.write(HEAD.encode() + b"\n")
        fh.truncate(600 * MB)
    with pytest.raises(InvalidInput) as info:
        import_file(engine, path)
    assert str(info.value).startswith(
        "Le fichier enorme.csv fait 600 Mo : SARAH importe des fichiers CSV de 512 Mo au plus."
    )


def test_rows_past_the_limit_are_refused(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_read, "MAX_ROWS", 50)  # 1,048,576 rows would take a while
    path = write_csv(tmp_path / "lignes.csv", [GOOD] * 50)  # 51 lines with the header
    with pytest.raises(InvalidInput, match="il a plus de 50 lignes, la limite d'un tableur"):
        import_file(engine, path)
    assert counts(engine)["contacts"] == 0
    assert import_file(engine, write_csv(tmp_path / "ok.csv", [GOOD] * 49)).contacts_added == 49


def test_twenty_thousand_bad_rows_give_a_bounded_message(
    capsys: pytest.CaptureFixture[str], engine: Engine, db_target: str, tmp_path: Path
) -> None:
    # Used to print 1 MB. Now: the first 100 problems, then how many others there are.
    bad = ["02/01/2019", "09:30", "Grésilles", "pigeon voyageur " + "x" * 300, "Roux", "Ana"]
    path = write_csv(tmp_path / "faux.csv", [bad] * 20_000)
    err = _refused_by_cli(capsys, engine, db_target, path)
    assert len(err) < 20_000
    lines = err.splitlines()
    assert lines[0].startswith(
        "Erreur : Le fichier faux.csv n'a pas été importé (20\u202f000 lignes"
    )
    assert lines[1].startswith("  - ligne 2, colonne « canal » : canal inconnu")
    assert lines[1].endswith("(valeur « pigeon voyageur " + "x" * 63 + "… »)")
    # As many of the first problems as fit in 16,000 characters (100 at most), then a count.
    listed = len(lines) - 2
    assert 50 < listed <= 100
    assert lines[listed].startswith(f"  - ligne {listed + 1}, colonne « canal »")
    assert lines[-1] == f"  - … et {20_000 - listed:,} autres problèmes".replace(",", "\u202f")


def test_dos_file_is_recognised_and_names_are_stored_right(
    capsys: pytest.CaptureFixture[str], engine: Engine, db_target: str, tmp_path: Path
) -> None:
    # A DOS (code page 850) file used to be read as Windows-1252: "FRAN€OIS", "H‚lŠne".
    rows = [
        ["02/01/2019", "09:30", "Grésilles", "P", "FRANÇOIS", "Hélène", "F", "", ""],
        ["03/01/2019", "10:00", "Fontaine d'Ouche", "T", "Noël", "Cécile", "F", "", ""],
    ]
    path = write_csv(tmp_path / "dos.csv", rows, encoding="cp850")
    assert "Ç".encode("cp850") == b"\x80" and b"\x80" in path.read_bytes()
    code, out, _ = _run(capsys, db_target, path)
    assert code == 0
    assert "(CSV DOS, page de code 850, séparateur « ; »)" in out
    names = {(c[4], c[5], c[2]) for c in stored_contacts(engine)}
    assert names == {("FRANÇOIS", "Hélène", "Grésilles"), ("Noël", "Cécile", "Fontaine d'Ouche")}


def test_windows_1252_file_stays_windows_1252(engine: Engine, tmp_path: Path) -> None:
    rows = [
        ["02/01/2019", "09:30", "Grésilles", "P", "Lefèvre", "Françoise", "F", "", ""],
        ["03/01/2019", "10:00", "Fontaine d’Ouche", "T", "Benoît", "Zoé", "F", "", ""],
    ]
    path = write_csv(tmp_path / "excel.csv", rows, encoding="cp1252")
    result = import_file(engine, path)
    assert result.file_format == "CSV Windows-1252, séparateur « ; »"
    names = {(c[4], c[5], c[2]) for c in stored_contacts(engine)}
    assert names == {
        ("Lefèvre", "Françoise", "Grésilles"),
        ("Benoît", "Zoé", "Fontaine d’Ouche"),
    }


@pytest.mark.parametrize(
    ("column", "value", "code"),
    [
        ("nom", "Du\x00pont", "U+0000"),
        ("site", "Gré\x1bsilles", "U+001B"),
        ("prenom", "L\ufffda", "U+FFFD"),
    ],
)
def test_a_byte_that_cannot_be_in_a_name_is_refused_with_line_and_column(
    engine: Engine, tmp_path: Path, column: str, value: str, code: str
) -> None:
    # Past the first 64 KB, where binary files are recognised: the byte reaches a cell.
    rows = [GOOD] * 2000
    bad = list(GOOD)
    bad[HEADER.index(column)] = value
    path = write_csv(tmp_path / "octet.csv", [*rows, bad])
    assert path.stat().st_size > 64 * 1024
    before = counts(engine)
    with pytest.raises(ImportRejected) as info:
        import_file(engine, path)
    (problem,) = info.value.problems
    assert (problem.line, problem.column) == (2002, column)
    assert f"caractère invalide ({code})" in problem.reason
    assert "\x00" not in str(info.value) and "\x1b" not in str(info.value)
    assert counts(engine) == before


def test_sample_still_imports(engine: Engine, tmp_path: Path) -> None:
    assert import_file(engine, write_csv(tmp_path / "ok.csv", SAMPLE_ROWS)).contacts_added == 4
