"""`sarah report --masquer-petits-effectifs`: counts from 1 to 4 read "< 5" in the CSV and the
workbook, the file says so, 0 stays 0, large counts stay exact; JSON refuses it (exit 2)."""

from __future__ import annotations

import csv
from datetime import date, time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from sarah.cli import main
from sarah.services.catalogue import list_services
from sarah.services.contacts import ContactDraft, log_contact
from sarah.services.sites import ensure_site
from sarah.services.visitors import create_visitor

NOTICE = "Effectifs de 1 à 4 masqués (« < 5 ») pour publication"


@pytest.fixture
def db(engine: Engine, db_target: str) -> str:
    """Grésilles: 6 visits by 6 women (a count kept), 3 calls (a count masked), of which
    2 anonymous; Fontaine d'Ouche: 1 visit by a man."""
    gre, fdo = ensure_site(engine, "Grésilles"), ensure_site(engine, "Fontaine d'Ouche")
    rdv = next(s for s in list_services(engine) if s.code == "participer_rdv")
    for i in range(6):
        who = create_visitor(engine, last_name=f"Femme{i}", sex="F", birth_date=date(1980, 1, 1))
        log_contact(engine, ContactDraft(gre.id, "physique", date(2019, 2, 1 + i), time(9), who.id))
    caller = create_visitor(engine, last_name="Appel", sex="F", birth_date=date(1980, 1, 1))
    log_contact(engine, ContactDraft(gre.id, "telephone", date(2019, 3, 1), time(9), caller.id))
    for day in (2, 3):
        log_contact(engine, ContactDraft(gre.id, "telephone", date(2019, 3, day), time(9)))
    man = create_visitor(engine, last_name="Homme", sex="H", birth_date=date(1970, 1, 1))
    log_contact(
        engine, ContactDraft(fdo.id, "physique", date(2019, 4, 1), time(9), man.id, [rdv.id])
    )
    engine.dispose()
    return db_target


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def report(db: Path, *extra: str) -> list[str]:
    return ["--db", str(db), "report", "--semester", "2019-S1", *extra]


def test_csv_masks_counts_one_to_four_and_says_so(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "publication.csv"
    code, out, err = run(
        capsys,
        *report(db, "--format", "csv", "--output", str(out_file)),
        "--masquer-petits-effectifs",
    )
    assert code == 0, err
    assert "masqués" in out
    rows = list(csv.reader(out_file.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert ["Petits effectifs", NOTICE + "."] in rows
    # Sites in display order: Grésilles (6 visits, 3 calls), Fontaine d'Ouche (1 visit), total.
    assert ["Nombre d'entretiens Physiques", "6", "< 5", "7"] in rows
    assert ["Nombre d'entretiens Téléphoniques", "< 5", "0", "< 5"] in rows
    text = out_file.read_text(encoding="utf-8-sig")
    # The note's counts are masked too: 2 anonymous contacts at Grésilles.
    assert "< 5 contact(s) anonyme(s)" in text and "Grésilles : < 5" in text
    for row in rows:
        for cell in row[1:]:
            assert cell not in ("1", "2", "3", "4"), row
    # The one man of Fontaine d'Ouche: his count and its percentage are masked, 0 stays 0.
    man = next(r for r in rows if r and r[0] == "Fontaine d'Ouche" and len(r) > 10)
    assert man[7:14] == ["0", "0 %", "< 5", "masqué", "< 5", "masqué", "< 5"]


def test_csv_without_the_option_keeps_the_exact_counts(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "financeurs.csv"
    code, _out, err = run(capsys, *report(db, "--format", "csv", "--output", str(out_file)))
    assert code == 0, err
    rows = list(csv.reader(out_file.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert ["Nombre d'entretiens Téléphoniques", "3", "0", "3"] in rows
    assert NOTICE not in out_file.read_text(encoding="utf-8-sig")


def test_workbook_masks_counts_and_says_so_on_every_sheet(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "publication.xlsx"
    code, _out, err = run(
        capsys,
        *report(db, "--format", "xlsx", "--output", str(out_file)),
        "--masquer-petits-effectifs",
    )
    assert code == 0, err
    wb = load_workbook(out_file)
    info = {r[0]: r[1] for r in wb["Informations"].iter_rows(values_only=True) if r[0]}
    assert info["Petits effectifs"] == NOTICE + "."
    assert not any(str(v).startswith("ÉCHEC") for v in info)  # the read-back check passed
    contacts = [r for r in wb["Contacts"].iter_rows(values_only=True)]
    assert ("Nombre d'entretiens Physiques", 6, "< 5", 7) in [r[:4] for r in contacts]
    assert ("Nombre d'entretiens Téléphoniques", "< 5", 0, "< 5") in [r[:4] for r in contacts]
    for name in ("Contacts", "Services", "Personnes concernées", "Nouveaux publics"):
        values = [v for row in wb[name].iter_rows(values_only=True) for v in row]
        assert NOTICE + "." in values, name
        counts = [
            c.value for row in wb[name].iter_rows() for c in row if c.number_format != "0 %"
        ]  # a share of 100 % reads back as the number 1
        assert not [v for v in counts if isinstance(v, int) and 1 <= v <= 4], name
    persons = [r for r in wb["Personnes concernées"].iter_rows(values_only=True)]
    fdo = next(r for r in persons if r[0] == "Fontaine d'Ouche")
    assert "masqué" in fdo  # the share of the one man is masked with his count


def test_json_refuses_the_option_with_a_french_message(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *report(db), "--masquer-petits-effectifs")
    assert code == 2 and out == ""
    assert "JSON" in err and "csv" in err and "Traceback" not in err
    target = tmp_path / "r.json"
    code, _out, err = run(
        capsys,
        *report(db, "--format", "json", "--output", str(target)),
        "--masquer-petits-effectifs",
    )
    assert code == 2 and not target.exists()
