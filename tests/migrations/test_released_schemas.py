"""Every released schema version opens and migrates without losing a row.

One stored database per released schema lives in tests/fixtures/databases/schema-<rev>.sqlite;
they are collected by glob so that none is forgotten when a migration is added.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from sarah.db import current_revision, head_revision
from sarah.services.database import open_database
from sarah.services.statistics.upkeep import statistics_drift

FIXTURES = sorted((Path(__file__).parent.parent / "fixtures" / "databases").glob("schema-*.sqlite"))


def test_there_is_a_stored_database_for_the_first_schema() -> None:
    assert any(p.name == "schema-0001.sqlite" for p in FIXTURES)


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_stored_database_migrates_to_head_keeping_its_rows(fixture: Path, tmp_path: Path) -> None:
    copy = tmp_path / fixture.name
    shutil.copy(fixture, copy)
    engine = open_database(copy)
    try:
        assert current_revision(engine) == head_revision()
        with engine.connect() as conn:
            contacts = conn.execute(text("SELECT count(*) FROM contacts")).scalar_one()
            links = conn.execute(text("SELECT count(*) FROM contact_services")).scalar_one()
            names = conn.execute(text("SELECT last_name FROM visitors")).scalars().all()
        assert (contacts, links, names) == (2, 3, ["Durand"])
        # The statistics sums (schema 0002) are filled in for rows typed before they existed.
        assert statistics_drift(engine) == []
    finally:
        engine.dispose()
