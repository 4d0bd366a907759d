"""Schema 0012: the neighbourhoods' list and columns arrive empty (the feature is off), and the
names holding a letter the folding now makes plain (ı, ø, œ…) get their keys made again, so the
people already recorded are found as typed. Down to 0011 and up again keeps every row. On a
SQLite file and on a PostgreSQL server."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text

from sarah.db import alembic_config, create_db_engine
from sarah.services.database import open_database
from sarah.services.desk.search import search_visitors
from sarah.services.neighbourhoods.listing import list_neighbourhoods, tracking_on

YILDIZ, COEUR, DUPONT = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def _rows_of_schema_0011(engine: Engine) -> None:
    """Keys as the SARAH of schema 0011 folded them: ı and œ left as they are."""
    rows = (
        (YILDIZ, "Yıldız", "Emre", "yıldız emre", "emre"),
        (COEUR, "Cœur", "Lætitia", "cœur lætitia", "lætitia"),
        (DUPONT, "Dupont", "Léa", "dupont lea", "lea"),
    )
    with engine.begin() as conn:
        for vid, last, first, key, first_key in rows:
            conn.execute(
                text(
                    "INSERT INTO visitors (id, last_name, first_name, search_key, first_key, "
                    "revision) VALUES (:id, :last, :first, :key, :first_key, 0)"
                ),
                {
                    "id": vid if engine.dialect.name == "postgresql" else vid.hex,
                    "last": last,
                    "first": first,
                    "key": key,
                    "first_key": first_key,
                },
            )


def _keys(engine: Engine) -> dict[uuid.UUID, tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, search_key, first_key FROM visitors"))
        return {uuid.UUID(str(r[0])): (r[1], r[2]) for r in rows}


def _check(engine: Engine) -> None:
    assert _keys(engine) == {
        YILDIZ: ("yildiz emre", "emre"),
        COEUR: ("coeur laetitia", "laetitia"),
        DUPONT: ("dupont lea", "lea"),
    }
    hits = search_visitors(engine, "yildiz")
    assert [(h.id, h.approximate) for h in hits] == [(YILDIZ, False)]
    assert [h.id for h in search_visitors(engine, "coeur laetitia")] == [COEUR]
    assert not tracking_on(engine) and list_neighbourhoods(engine) == []  # off by default
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0011")
    assert "neighbourhoods" not in inspect(engine).get_table_names()
    assert "neighbourhood_id" not in {c["name"] for c in inspect(engine).get_columns("visitors")}
    with engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM visitors")).scalar_one() == 3
        command.upgrade(alembic_config(conn), "head")
    assert _keys(engine)[YILDIZ] == ("yildiz emre", "emre")


def test_a_file_of_schema_0011_is_folded_again(tmp_path: Path) -> None:
    path = tmp_path / "sarah.sqlite"
    old = create_db_engine(path)
    with old.begin() as conn:
        command.upgrade(alembic_config(conn), "0011")
    _rows_of_schema_0011(old)
    old.dispose()
    engine = open_database(path)
    try:
        _check(engine)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_a_server_of_schema_0011_is_folded_again(pg_engine: Engine) -> None:
    with pg_engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0011")
    _rows_of_schema_0011(pg_engine)
    with pg_engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    _check(pg_engine)
