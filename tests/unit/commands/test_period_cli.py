"""`sarah period close|list|reopen` and `sarah report --published|--with`, from the command line,
and the export details a coordinator reads: each table's note under it, the checks and
definitions in the CSV, a one-site total column, who is named as the producer."""

from __future__ import annotations

import csv
import json
from datetime import date, time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from sarah.cli import main
from sarah.services.accounts.store import add_account
from sarah.services.catalogue import list_services
from sarah.services.contacts import ContactDraft, log_contact
from sarah.services.sites import ensure_site
from sarah.services.visitors import create_visitor


@pytest.fixture
def db(engine: Engine, db_target: str) -> str:
    """Léa comes for the first time to both sites in the first half of 2019; Jean once, to
    Grésilles; a site named with a leading hyphen has one call."""
    fdo, gre = ensure_site(engine, "Fontaine d'Ouche"), ensure_site(engine, "Grésilles")
    nord = ensure_site(engine, "-Nord")
    rdv = next(s for s in list_services(engine) if s.code == "participer_rdv")
    lea = create_visitor(engine, last_name="Martin", sex="F", birth_date=date(2000, 5, 1)).id
    jean = create_visitor(engine, last_name="Diallo", sex="H", birth_date=date(1970, 1, 2)).id
    for site, day, who in [
        (fdo, date(2019, 1, 7), lea),
        (gre, date(2019, 2, 4), lea),
        (gre, date(2019, 3, 1), jean),
    ]:
        log_contact(engine, ContactDraft(site.id, "physique", day, time(9), who, [rdv.id]))
    log_contact(engine, ContactDraft(nord.id, "telephone", date(2019, 4, 2), time(10)))
    engine.dispose()
    return db_target


TITLES = (
    ["Nombre de personnes concernées"],
    ["Publics nouvellement accueillis"],
    ["Définitions"],
    ["Vérifications"],
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_close_list_and_reopen(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", db, "period", "close", "--semester", "2019-S1")
    assert code == 0, err
    assert "Période clôturée. 1er semestre 2019" in out
    assert "4 contacts, 4 services, 2 personnes, 2 nouvelles — clôturée" in out
    code, out, err = run(capsys, "--db", db, "period", "close", "--semester", "2019-S1")
    assert code == 2 and "déjà clôturé" in err and "Traceback" not in err
    code, out, _ = run(capsys, "--db", db, "period", "list", "--format", "json")
    listed = json.loads(out)["periods"]
    assert [(p["label"], p["reopened_at"]) for p in listed] == [("1er semestre 2019", None)]
    assert listed[0]["total"]["contacts"]["total"] == 4
    code, out, err = run(capsys, "--db", db, "period", "reopen", "--semester", "2019-S1")
    assert code == 0, err
    code, out, _ = run(capsys, "--db", db, "period", "list")
    assert "rouverte le" in out
    code, out, err = run(capsys, "--db", db, "period", "close", "--semester", "2019-S3")
    assert code == 2 and "Semestre « 2019-S3 » illisible" in err


def test_report_says_published_and_changes_since(
    db: str, engine: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert run(capsys, "--db", db, "period", "close", "--semester", "2019-S1")[0] == 0
    fdo = ensure_site(engine, "Fontaine d'Ouche")
    log_contact(engine, ContactDraft(fdo.id, "telephone", date(2019, 6, 3), time(14)))
    engine.dispose()

    code, out, _ = run(capsys, "--db", db, "report", "--semester", "2019-S1")
    today = json.loads(out)
    assert today["total"]["contacts"]["total"] == 5
    assert today["figures"] == "current"
    assert today["published"]["total"]["contacts"]["total"] == 4
    assert today["changes_since_published"] == {"added": 1, "changed": 0, "deleted": 0}
    code, out, _ = run(capsys, "--db", db, "report", "--semester", "2019-S1", "--published")
    published = json.loads(out)
    assert published["total"]["contacts"]["total"] == 4 and published["figures"] == "published"
    assert published["by_site"]["Fontaine d'Ouche"]["contacts"]["telephone"] == 0

    target = tmp_path / "publie.csv"
    code, out, err = run(
        capsys,
        "--db",
        db,
        "report",
        "--semester",
        "2019-S1",
        "--published",
        "--format",
        "csv",
        "--output",
        str(target),
    )
    assert code == 0, err and "chiffres tels que publiés" in out
    rows = list(csv.reader(target.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    figures = next(r for r in rows if r[0] == "Chiffres")[1]
    assert figures.startswith("tels que publiés le ")
    book = tmp_path / "aujourdhui.xlsx"
    assert (
        run(
            capsys,
            "--db",
            db,
            "report",
            "--semester",
            "2019-S1",
            "--format",
            "xlsx",
            "--output",
            str(book),
        )[0]
        == 0
    )
    info = load_workbook(book).worksheets[0]
    said = {info.cell(r, 1).value: info.cell(r, 2).value for r in range(1, 20)}
    assert said["Chiffres"].startswith("d'aujourd'hui, différents des chiffres publiés")
    assert "aujourd'hui : 5 (+1)" in said["Chiffres"]


def test_with_months_comparison_and_ratios(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys,
        "--db",
        db,
        "report",
        "--semester",
        "2019-S1",
        "--site",
        "Grésilles",
        "--with",
        "months,comparison,ratios,completeness",
    )
    assert code == 0, err
    data = json.loads(out)
    # Grésilles has entries on two days only: every other weekday of the semester is a gap.
    march = next(m for m in data["completeness"]["months"] if m["start"] == "2019-03-01")
    gaps = march["by_site"]["Grésilles"]["missing_days"]["Grésilles"]
    assert gaps[:2] == ["2019-03-04", "2019-03-05"]
    months = data["months"]["months"]
    assert [m["month"] for m in months][:3] == ["2019-01", "2019-02", "2019-03"]
    assert [m["by_site"]["Grésilles"]["contacts"] for m in months] == [0, 1, 1, 0, 0, 0]
    assert data["months"]["period"]["total"] == {"contacts": 2, "people": 2, "low": False}
    contacts = next(r for r in data["comparison"]["rows"] if r["key"] == "total")
    assert contacts["total"] == {"previous": 0, "current": 2, "change": "nouveau"}
    phone = next(r for r in data["ratios"] if r["key"] == "phone_share")
    assert phone["total"] == {"value": 0.0, "text": "0 %"}
    per_person = next(r for r in data["ratios"] if r["key"] == "contacts_per_person")
    assert per_person["by_site"]["Grésilles"] == {"value": 1.0, "text": "1,00"}
    code, _, err = run(capsys, "--db", db, "report", "--semester", "2019-S1", "--with", "mois")
    assert code == 2 and "« mois » inconnu" in err


def test_csv_notes_sit_under_their_table_and_the_checks_close_the_file(
    db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "r.csv"
    code, _, err = run(
        capsys,
        "--db",
        db,
        "report",
        "--semester",
        "2019-S1",
        "--site",
        "Fontaine d'Ouche",
        "--site",
        "Grésilles",
        "--format",
        "csv",
        "--output",
        str(target),
    )
    assert code == 0, err
    rows = list(csv.reader(target.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    titles = [i for i, r in enumerate(rows) if r in TITLES]
    persons, new, definitions, checks = titles
    notes = [(i, r[1]) for i, r in enumerate(rows) if r and r[0] == "Note"]
    # Léa counts at both sites, once in the total: one of fewer in table 3 and in table 4.
    assert [i for i, _ in notes if persons < i < new] and "(1 de moins)" in notes[0][1]
    assert "plusieurs Points Relais" in notes[0][1]
    assert [i for i, _ in notes if new < i < definitions]
    assert "première venue dans l'un des Points Relais" in notes[1][1]
    assert "(1 de moins)" in notes[1][1]
    assert any(r[0] == "Pourcentages" and "arrondis" in r[1] for r in rows[definitions:checks])
    verdicts = [r[0] for r in rows[checks + 1 :] if r]
    assert verdicts and set(verdicts) == {"vérifié"}


def test_one_site_total_column_and_a_hyphen_site(
    db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "nord.csv"
    code, out, err = run(
        capsys,
        "--db",
        db,
        "report",
        "--semester",
        "2019-S1",
        "--site",
        "-Nord",
        "--format",
        "csv",
        "--output",
        str(target),
    )
    assert code == 0, err
    rows = list(csv.reader(target.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert ["CONTACTS", "'-Nord", "TOTAL du PR"] in rows  # the name kept as text, not a formula
    assert ["Produit par", "non renseigné"] in rows  # never the system's user name


def test_the_signed_in_account_is_named_as_producer(
    db: str,
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_account(engine, "claire", "coordinateur", "un mot de passe long")
    engine.dispose()
    monkeypatch.setenv("SARAH_MOT_DE_PASSE", "un mot de passe long")
    target = tmp_path / "r.csv"
    code, _, err = run(
        capsys,
        "--db",
        db,
        "--compte",
        "claire",
        "report",
        "--semester",
        "2019-S1",
        "--format",
        "csv",
        "--output",
        str(target),
    )
    assert code == 0, err
    assert "Produit par;claire" in target.read_text(encoding="utf-8-sig")


def test_the_word_section_is_written_and_reads_back(
    db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from docx import Document

    target = tmp_path / "section.docx"
    code, out, err = run(
        capsys,
        "--db",
        db,
        "report",
        "--semester",
        "2019-S1",
        "--site",
        "Fontaine d'Ouche",
        "--site",
        "Grésilles",
        "--format",
        "docx",
        "--output",
        str(target),
    )
    assert code == 0, err
    text = [p.text for p in Document(str(target)).paragraphs]
    assert "On dénombre 3 contacts dont 1 à la Fontaine d'Ouche et 2 aux Grésilles." in " ".join(
        text
    )
    code, _, err = run(
        capsys,
        "--db",
        db,
        "report",
        "--semester",
        "2019-S1",
        "--format",
        "docx",
        "--output",
        str(tmp_path / "m.docx"),
        "--masquer-petits-effectifs",
    )
    assert code == 2 and "nombres exacts" in err
    assert not (tmp_path / "m.docx").exists()


def test_the_fse_profile_on_the_command_line(
    db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "--db", db, "report", "--semester", "2019-S1", "--profile", "fse")
    assert code == 0, err
    bands = json.loads(out)["age_bands"]
    assert bands["bands"] == ["Moins de 18 ans", "18–29 ans", "30–54 ans", "55 ans et plus"]
    # Léa (born 1 May 2000) is 18 in January 2019, Jean (2 Jan 1970) is 49: one in each band.
    total = bands["persons"]["total"]
    assert total["18–29 ans"] == {"F": 1, "H": 0, "NR": 0, "total": 1}
    assert total["30–54 ans"] == {"F": 0, "H": 1, "NR": 0, "total": 1}
    assert total["total"] == 2
    book = tmp_path / "fse.xlsx"
    code, _, err = run(
        capsys,
        "--db",
        db,
        "report",
        "--semester",
        "2019-S1",
        "--profile",
        "FSE",
        "--format",
        "xlsx",
        "--output",
        str(book),
    )
    assert code == 0, err
    sheets = load_workbook(book).sheetnames
    assert sheets[-2:] == ["Tranches d'âge", "Nouveaux par tranche d'âge"]
    info = load_workbook(book).worksheets[0]
    verdicts = [info.cell(r, 2).value for r in range(1, 60) if info.cell(r, 1).value == "vérifié"]
    assert (
        "Classeur : relu après écriture, chaque total des 6 tableaux est la somme de ses "
        "parties." in verdicts
    )
    code, _, err = run(
        capsys, "--db", db, "report", "--semester", "2019-S1", "--profile", "0-17,20+"
    )
    assert code == 2 and "sans trou ni chevauchement" in err
