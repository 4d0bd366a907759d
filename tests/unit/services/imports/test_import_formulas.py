"""Values that a spreadsheet would read as formulas (=, +, -, @ first): kept as typed, as text,
and listed as warnings (line, column) in the dry run and the import's summary. They do not stop
the import."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.import_files import counts, write_csv
from sqlalchemy import Engine, select

from sarah.cli import main
from sarah.db import read_session
from sarah.models import Contact, Site, Visitor
from sarah.services.imports.result import summary_lines
from sarah.services.imports.run import import_file
from sarah.services.imports.text import looks_like_formula

HEADER = ["date", "heure", "site", "canal", "nom", "prenom", "agent"]
LINK = '=HYPERLINK("http://evil.example/x","Cliquez")'
CMD = "+cmd|' /C calc'!A0"
ROWS = [
    ["02/01/2019", "09:00", LINK, "P", "Dupont", "Jean", "Awa"],
    ["02/01/2019", "09:30", "Grésilles", "P", CMD, "@SUM(1+1)", "Awa"],
    ["02/01/2019", "10:00", "Grésilles", "T", "-Marie", "Léa", "-2+3"],
    ["02/01/2019", "10:30", "Grésilles", "T", "Martin-Roux", "-", "+33"],
    ["02/01/2019", "11:00", "Grésilles", "P", "\t=1+1", "Ana", ""],
]


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


EXPECTED = [
    "Attention : 6 valeurs commencent par =, +, - ou @ comme une formule de tableur ; elles "
    "sont gardées telles quelles, comme du texte. Vérifiez-les dans le fichier :",
    f"  - ligne 2, colonne « site » : commence par « = », comme une formule de tableur "
    f"(valeur « {LINK} »)",
    f"  - ligne 3, colonne « nom » : commence par « + », comme une formule de tableur "
    f"(valeur « {CMD} »)",
    "  - ligne 3, colonne « prenom » : commence par « @ », comme une formule de tableur "
    "(valeur « @SUM(1+1) »)",
    "  - ligne 4, colonne « nom » : commence par « - », comme une formule de tableur "
    "(valeur « -Marie »)",
    "  - ligne 4, colonne « agent » : commence par « - », comme une formule de tableur "
    "(valeur « -2+3 »)",
    "  - ligne 6, colonne « nom » : commence par « = », comme une formule de tableur "
    "(valeur « =1+1 »)",
]


def test_dry_run_lists_each_formula_with_line_and_column_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], engine: Engine, db_target: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "formules.csv", ROWS, header=HEADER)
    before = counts(engine)
    code, out, err = _run(capsys, "--db", db_target, "contacts", "import", str(path), "--dry-run")
    assert code == 0 and err == ""
    assert "5 contacts seraient importés" in out
    lines = out.splitlines()
    assert lines[-len(EXPECTED) :] == EXPECTED
    assert counts(engine) == before


def test_import_keeps_the_values_as_typed_and_says_so(
    capsys: pytest.CaptureFixture[str], engine: Engine, db_target: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "formules.csv", ROWS, header=HEADER)
    code, out, _ = _run(capsys, "--db", db_target, "contacts", "import", str(path))
    assert code == 0
    assert "5 contacts importés" in out and out.splitlines()[-len(EXPECTED) :] == EXPECTED
    with read_session(engine) as s:
        names = {(r.last_name, r.first_name) for r in s.scalars(select(Visitor))}
        sites = set(s.scalars(select(Site.name)))
        agents = set(s.scalars(select(Contact.agent)))
    assert names == {
        ("Dupont", "Jean"),
        (CMD, "@SUM(1+1)"),
        ("-Marie", "Léa"),
        ("Martin-Roux", "-"),
        ("=1+1", "Ana"),
    }
    assert LINK in sites
    assert agents == {"Awa", "-2+3", "+33", None}


def test_many_formulas_list_the_first_hundred_and_count_the_rest(
    engine: Engine, tmp_path: Path
) -> None:
    rows = [
        ["02/01/2019", f"{9 + i // 60:02d}:{i % 60:02d}", "A", "P", "=X", f"P{i}", ""]
        for i in range(150)
    ]
    result = import_file(engine, write_csv(tmp_path / "f.csv", rows, header=HEADER), dry_run=True)
    assert result.warnings_total == 150
    lines = summary_lines(result)
    assert lines[-2].startswith("  - ligne 101, colonne « nom »")
    assert lines[-1] == "  … et 50 autres"


@pytest.mark.parametrize(
    ("text", "formula"),
    [
        ("=1+1", True),
        ("@SUM(1+1)", True),
        ("+cmd|' /C calc'!A0", True),
        ("-Marie", True),  # no one is named so; a spreadsheet shows #NOM?
        ("-2+3", True),
        ("+33 6 12 34 56 78", True),  # a spreadsheet computes it
        ("=", True),
        ("-", False),  # a lone sign: "unknown", text for every spreadsheet
        ("--", False),
        ("-12", False),  # a plain number is not a formula
        ("+33", False),
        ("Marie-Claire", False),
        ("O'Neil", False),
        ("", False),
    ],
)
def test_what_looks_like_a_formula(text: str, formula: bool) -> None:
    assert looks_like_formula(text) is formula
