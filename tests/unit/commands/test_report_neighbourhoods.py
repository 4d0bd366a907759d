"""`sarah report --with neighbourhoods`: the people by neighbourhood of residence in the JSON
and the workbook, and a clear refusal where the network keeps no list."""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from sarah.cli import main
from sarah.services.contacts import ContactDraft, log_contact
from sarah.services.neighbourhoods.listing import add_neighbourhood, set_visitor_neighbourhood
from sarah.services.sites import ensure_site
from sarah.services.visitors import create_visitor


def people(engine: Engine) -> None:
    """Three people at Fontaine d'Ouche in 2019-S1: one from the QPV, one outside, one unknown."""
    site = ensure_site(engine, "Fontaine d'Ouche")
    for name in ("Qpv", "Dehors", "Inconnu"):
        vid = create_visitor(engine, last_name=name).id
        log_contact(engine, ContactDraft(site.id, "physique", date(2019, 2, 4), time(9), vid))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_without_a_list_the_table_is_refused_in_french(
    engine: Engine, db_target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    people(engine)
    engine.dispose()
    code, out, err = run(
        capsys, "--db", db_target, "report", "--semester", "2019-S1", "--with", "neighbourhoods"
    )
    assert code == 2 and out == ""
    assert "Aucun quartier de résidence n'est suivi dans ce réseau" in err
    assert "Traceback" not in err


def test_the_json_and_the_workbook_have_the_table(
    engine: Engine, db_target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    people(engine)
    qpv = add_neighbourhood(engine, "Fontaine d'Ouche").id
    from sarah.services.neighbourhoods.listing import list_neighbourhoods

    outside = next(n.id for n in list_neighbourhoods(engine) if not n.priority)
    from sqlalchemy import select

    from sarah.db import read_connection
    from sarah.schema import visitors

    with read_connection(engine) as conn:
        ids = dict(conn.execute(select(visitors.c.last_name, visitors.c.id)).all())
    set_visitor_neighbourhood(engine, ids["Qpv"], qpv)
    set_visitor_neighbourhood(engine, ids["Dehors"], outside)
    engine.dispose()
    code, out, err = run(
        capsys, "--db", db_target, "report", "--semester", "2019-S1", "--with", "neighbourhoods"
    )
    assert code == 0, err
    found = json.loads(out)["neighbourhoods"]
    assert [n["label"] for n in found["neighbourhoods"]] == ["Fontaine d'Ouche", "Hors QPV"]
    assert found["total"] == {
        "by_neighbourhood": {qpv.hex: 1, outside.hex: 1},
        "not_given": 1,
        "priority": 1,
        "priority_share": 0.5,
        "total": 3,
    }
    book = tmp_path / "quartiers.xlsx"
    code, _out, err = run(
        capsys,
        "--db",
        db_target,
        "report",
        "--semester",
        "2019-S1",
        "--with",
        "neighbourhoods",
        "--format",
        "xlsx",
        "--output",
        str(book),
    )
    assert code == 0, err
    cells = [
        str(c.value)
        for ws in load_workbook(book).worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    ]
    assert "Personnes concernées par quartier de résidence" in " ".join(cells)
    assert "Ensemble des QPV" in cells and "% en QPV" in cells
    assert any("50 % des personnes dont le quartier est connu" in c for c in cells)
