"""Schema 0011: the people already in a database get the keys the tolerant search reads.

A database of schema 0010 (its rows written as the SARAH of that time wrote them) migrates with
each person's phonetic keys made from their names, an erased identity left with none; the
search then forgives at once. Down to 0010 and up again keeps every row. On a SQLite file and
on a PostgreSQL server.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text

from sarah.db import alembic_config, create_db_engine
from sarah.services.database import open_database
from sarah.services.desk.search import search_visitors

DIALLO, BENALI, ERASED = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
# Made by hand from the rules of sarah.services.name_matching: doubled letters as one, vowels
# in three classes (a/e, i, o/u), a silent final e, hyphens and spaces gone.
EXPECTED = {
    DIALLO: ("dilo mamado", "dilo diallo", "mamado mamadou"),
    BENALI: ("banali janpir", "banali benali", "janpir jeanpierre"),
    ERASED: ("", "", ""),
}


def _rows_of_schema_0010(engine: Engine) -> None:
    """What the SARAH of schema 0010 wrote: names and search keys, nothing derived."""
    with engine.begin() as conn:
        for vid, last, first, key, erased in (
            (DIALLO, "Diallo", "Mamadou", "diallo mamadou", None),
            (BENALI, "Ben Ali", "Jean-Pierre", "ben ali jean-pierre", None),
            (ERASED, "", "", "", datetime(2024, 5, 2, 9, 0)),
        ):
            conn.execute(
                text(
                    "INSERT INTO visitors (id, last_name, first_name, search_key, erased_at, "
                    "revision) VALUES (:id, :last, :first, :key, :erased, 0)"
                ),
                {
                    "id": vid if engine.dialect.name == "postgresql" else vid.hex,
                    "last": last,
                    "first": first,
                    "key": key,
                    "erased": erased,
                },
            )


def _derived(engine: Engine) -> dict[uuid.UUID, tuple[str, ...]]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, sound_key, last_sound, first_sound FROM visitors"))
        return {uuid.UUID(str(r[0])): tuple(r[1:]) for r in rows}


def _check_up_down_up(engine: Engine) -> None:
    assert _derived(engine) == EXPECTED
    hits = search_visitors(engine, "dialo mamadu", today=date(2025, 3, 14))
    assert [(h.id, h.approximate) for h in hits] == [(DIALLO, True)]
    assert [h.id for h in search_visitors(engine, "benali jeanpiere")] == [BENALI]
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0010")
    columns = {c["name"] for c in inspect(engine).get_columns("visitors")}
    assert not columns & {"sound_key", "last_sound", "first_sound"}
    with engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM visitors")).scalar_one() == 3
        command.upgrade(alembic_config(conn), "head")
    assert _derived(engine) == EXPECTED


def test_a_file_of_schema_0010_gets_the_keys_of_its_people(tmp_path: Path) -> None:
    path = tmp_path / "sarah.sqlite"
    old = create_db_engine(path)
    with old.begin() as conn:
        command.upgrade(alembic_config(conn), "0010")
    _rows_of_schema_0010(old)
    old.dispose()
    engine = open_database(path)
    try:
        _check_up_down_up(engine)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_a_server_of_schema_0010_gets_the_keys_of_its_people(pg_engine: Engine) -> None:
    with pg_engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0010")
    _rows_of_schema_0010(pg_engine)
    with pg_engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    _check_up_down_up(pg_engine)
