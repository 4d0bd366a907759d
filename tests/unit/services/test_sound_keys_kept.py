"""Every path that writes names keeps what the tolerant search reads (issue 13): a spreadsheet
import, the demonstration, and an erasure, which empties it with the names."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from helpers.import_files import ACTU, write_csv
from sqlalchemy import Engine, select

from sarah.db import read_connection
from sarah.schema import visitors
from sarah.services.database import open_database
from sarah.services.demo.loader import load_demo
from sarah.services.desk.search import search_visitors
from sarah.services.imports.run import import_file
from sarah.services.privacy.purge import erase_on_request
from sarah.services.visitors import create_visitor
from sarah.settings import Settings

TODAY = date(2025, 3, 14)
DERIVED = (visitors.c.sound_key, visitors.c.last_sound, visitors.c.first_sound)


def _approximate(engine: Engine, typed: str) -> list[str]:
    return [h.display_name for h in search_visitors(engine, typed, today=TODAY) if h.approximate]


def test_people_of_a_spreadsheet_are_found_with_a_typo(engine: Engine, tmp_path: Path) -> None:
    rows = [
        ["03/02/2025", "10:00", "Grésilles", "physique", "N'Diaye", "Aïssatou", "F", "", ACTU],
        ["03/02/2025", "11:00", "Grésilles", "physique", "Mohammed", "Ali", "H", "", ACTU],
    ]
    import_file(engine, write_csv(tmp_path / "fevrier.csv", rows))
    assert _approximate(engine, "ndiaye aissatu") == ["N'DIAYE Aïssatou"]
    assert _approximate(engine, "muhamad") == ["MOHAMMED Ali"]


def test_people_of_the_demonstration_are_found_with_a_typo(db_path: Path) -> None:
    engine = open_database(db_path)  # on SQLite, as the demonstration's own tests
    load_demo(engine)
    with read_connection(engine) as conn:
        last, first = conn.execute(
            select(visitors.c.last_name, visitors.c.first_name)
            .where(visitors.c.deleted_at.is_(None), visitors.c.erased_at.is_(None))
            .order_by(visitors.c.id)
            .limit(1)
        ).one()
    typo = (last[0] + last[2] + last[1] + last[3:]).lower()  # two letters swapped
    found = search_visitors(engine, f"{typo} {first}", today=TODAY)
    engine.dispose()
    assert any(h.approximate and (h.last_name, h.first_name) == (last, first) for h in found)


def _erase(engine: Engine, tmp_path: Path, visitor_id: object) -> None:
    folder = tmp_path / "sauvegardes"
    folder.mkdir(exist_ok=True)
    erase_on_request(engine, Settings(backup_dir=str(folder)), visitor_id)  # type: ignore[arg-type]


def test_an_erased_identity_leaves_nothing_to_find(engine: Engine, tmp_path: Path) -> None:
    gone = create_visitor(engine, last_name="Diallo", first_name="Mamadou")
    kept = create_visitor(engine, last_name="Dialo", first_name="Fatou")
    _erase(engine, tmp_path, gone.id)
    assert _approximate(engine, "dyallo") == ["DIALO Fatou"]
    with read_connection(engine) as conn:
        derived = dict(
            conn.execute(select(visitors.c.id, visitors.c.last_sound)).all()  # type: ignore[arg-type]
        )
        erased = conn.execute(select(*DERIVED).where(visitors.c.id == gone.id)).one()
    assert tuple(erased) == ("", "", "")
    assert derived[kept.id] != ""


@pytest.mark.sqlite_only("reads the SQLite file's bytes")
def test_the_erased_letters_leave_the_file(engine: Engine, tmp_path: Path, db_path: Path) -> None:
    gone = create_visitor(engine, last_name="Zorglubescu", first_name="Anatole")
    create_visitor(engine, last_name="Martin", first_name="Paul")
    _erase(engine, tmp_path, gone.id)
    engine.dispose()
    blob = db_path.read_bytes()
    assert b"zorglubescu" not in blob and b"anatole" not in blob
    assert b"martin" in blob
