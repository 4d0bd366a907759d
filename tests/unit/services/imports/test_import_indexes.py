"""A large first import rebuilds two person-ordered indexes instead of filling them row by row:
the schema afterwards is exactly the one before, and a cancelled import leaves it untouched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers.import_files import counts, write_csv
from sqlalchemy import Engine, event, text
from test_import_stats import _history, _rows

from sarah.db import read_session
from sarah.services.imports import indexes as import_indexes
from sarah.services.imports import stats as import_stats
from sarah.services.imports import write as import_write
from sarah.services.imports.run import import_file, import_file_steps
from sarah.services.statistics.upkeep import statistics_drift

pytestmark = pytest.mark.sqlite_only(
    "a large first import rebuilds SQLite's indexes (their SQL read from sqlite_master)"
)


def _schema(engine: Engine) -> list[tuple[str, str, str]]:
    with read_session(engine) as s:
        return sorted(
            (r.type, r.name, r.sql)
            for r in s.execute(text("SELECT type, name, sql FROM sqlite_master"))
        )


def _statements(engine: Engine, run: Any) -> list[str]:
    seen: list[str] = []

    def on_execute(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
    return seen


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every import counts as large (the bulk paths run on a few hundred rows)."""
    monkeypatch.setattr(import_indexes, "REBUILD_MIN_ROWS", 0)
    monkeypatch.setattr(import_stats, "BULK_MIN_ROWS", 0)


@pytest.mark.usefixtures("large")
def test_first_import_rebuilds_the_indexes_and_keeps_the_schema(
    engine: Engine, tmp_path: Path
) -> None:
    _history(engine)
    schema = _schema(engine)
    statements = _statements(
        engine, lambda: import_file(engine, write_csv(tmp_path / "a.csv", _rows(300)))
    )
    assert any(s.startswith('DROP INDEX "ix_contacts_visitor_site_date"') for s in statements)
    assert _schema(engine) == schema
    assert counts(engine)["contacts"] == 4 + 300
    assert statistics_drift(engine) == []
    with read_session(engine) as s:
        plan = s.execute(
            text(
                "EXPLAIN QUERY PLAN SELECT local_date FROM contacts "
                "WHERE visitor_id = :v AND site_id = :s"
            ),
            {"v": "0" * 32, "s": "0" * 32},
        ).all()
    assert "ix_contacts_visitor_site_date" in " ".join(str(r[-1]) for r in plan)


@pytest.mark.usefixtures("large")
def test_import_smaller_than_the_database_fills_the_indexes_as_usual(
    engine: Engine, tmp_path: Path
) -> None:
    import_file(engine, write_csv(tmp_path / "a.csv", _rows(300)))
    schema = _schema(engine)
    statements = _statements(
        engine, lambda: import_file(engine, write_csv(tmp_path / "b.csv", _rows(500)))
    )  # 200 new rows into a database of 300
    assert not any(s.startswith("DROP INDEX") for s in statements)
    assert counts(engine)["contacts"] == 500
    assert _schema(engine) == schema
    assert statistics_drift(engine) == []


@pytest.mark.usefixtures("large")
def test_cancelled_import_keeps_the_indexes(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_write, "CHUNK", 50)
    _history(engine)
    schema, before = _schema(engine), counts(engine)
    steps = import_file_steps(engine, write_csv(tmp_path / "c.csv", _rows(300)))
    for _done, _total, message in steps:
        if message.startswith("Enregistrement"):
            break
    steps.close()  # what the window's Cancel button does
    assert counts(engine) == before
    assert _schema(engine) == schema
    assert statistics_drift(engine) == []
