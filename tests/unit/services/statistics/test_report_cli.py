"""`sarah report` from the command line: each format, each kind of bad input."""

from __future__ import annotations

import csv
import json
from datetime import date, time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from sarah.cli import main
from sarah.reports.tables import Period
from sarah.services.catalogue import list_services
from sarah.services.contacts import ContactDraft, log_contact
from sarah.services.sites import ensure_site
from sarah.services.statistics.tables import semester_tables
from sarah.services.visitors import create_visitor


@pytest.fixture
def db(engine: Engine, db_target: str) -> str:
    """Two sites, a few contacts in the first half of 2019, one before."""
    fdo, gre = ensure_site(engine, "Fontaine d'Ouche"), ensure_site(engine, "Grésilles")
    rdv = next(s for s in list_services(engine) if s.code == "participer_rdv")
    lea = create_visitor(engine, last_name="Léa", sex="F", birth_date=date(2000, 5, 1)).id
    for site, day, who in [
        (fdo, date(2018, 12, 3), lea),
        (fdo, date(2019, 1, 7), lea),
        (gre, date(2019, 6, 28), lea),
        (gre, date(2019, 3, 1), None),
    ]:
        log_contact(engine, ContactDraft(site.id, "physique", day, time(9), who, [rdv.id]))
    engine.dispose()
    return db_target


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_on_stdout(db: Path, engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", str(db), "report", "--semester", "2019-S1")
    assert code == 0, err
    assert "Grésilles" in out  # accents as they are, not \u00e9
    data = json.loads(out)
    assert data == semester_tables(engine, Period.semester("2019-S1")).to_json()
    assert data["total"]["contacts"]["total"] == 3
    assert data["total"]["persons"]["total"] == 1
    assert data["by_site"]["Grésilles"]["anonymous_contacts"] == 1
    assert out.startswith('{\n  "period"')  # indented


def test_from_to_and_sites(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "--db", str(db), "report", "--from", "2019-01-01", "--to", "31/03/2019",
        "--site", "Grésilles",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["sites"] == ["Grésilles"]
    assert data["period"] == {"start": "2019-01-01", "end": "2019-03-31"}
    assert data["total"]["contacts"]["total"] == 1
    code, out, _ = run(
        capsys, "--db", str(db), "report", "--semester", "2019-S1",
        "--site", "Grésilles", "--site", "Fontaine d'Ouche",
    )  # fmt: skip
    assert json.loads(out)["sites"] == ["Fontaine d'Ouche", "Grésilles"]


def test_xlsx_file(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "rapport.xlsx"
    code, out, err = run(
        capsys, "--db", str(db), "report", "--semester", "2019-S1",
        "--format", "xlsx", "--output", str(target),
    )  # fmt: skip
    assert code == 0, err
    assert "Rapport écrit" in out
    wb = load_workbook(target)
    assert wb.sheetnames[0] == "Informations"
    assert wb["Contacts"]["D6"].value == 3


def test_csv_file(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "rapport.csv"
    code, _, err = run(
        capsys, "--db", str(db), "report", "--semester", "2019-S1",
        "--format", "csv", "--output", str(target),
    )  # fmt: skip
    assert code == 0, err
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(target.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert ["NOMBRE TOTAL DES CONTACTS", "1", "2", "3"] in rows


def test_json_file(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "rapport.json"
    code, _, _ = run(
        capsys, "--db", str(db), "report", "--semester", "2019-S1", "--output", str(target)
    )
    assert code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["total"]["contacts"]["total"] == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2019-02-30", "--to", "2019-06-30"], "Date impossible pour --from"),
        (["--from", "2019-01-01", "--to", "fin juin"], "Date illisible pour --to"),
        (["--from", "2019-06-30", "--to", "2019-01-01"], "est avant --from"),
        (["--from", "2019-01-01"], "--to manque"),
        (["--semester", "2019-S3"], "Semestre « 2019-S3 » illisible"),
        (["--semester", "2019-S1", "--from", "2019-01-01"], "pas les deux"),
        (["--semester", "2019-S1", "--site", "Dijon Nord"], "Site inconnu : Dijon Nord"),
        (["--semester", "2019-S1", "--format", "pdf"], "Format « pdf » inconnu"),
        (["--semester", "2019-S1", "--format", "xlsx"], "ajoutez --output"),
        (["--semester", "2019-S1", "--format", "csv"], "ajoutez --output"),
    ],
)
def test_bad_input_french_message_exit_2(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, "--db", str(db), "report", *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err and out == ""


def test_an_unwritable_output_writes_nothing(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "absent" / "rapport.xlsx"
    code, _, err = run(
        capsys, "--db", str(db), "report", "--semester", "2019-S1",
        "--format", "xlsx", "--output", str(target),
    )  # fmt: skip
    assert code == 2 and "n'existe pas" in err
    assert not target.parent.exists()
