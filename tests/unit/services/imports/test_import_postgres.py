"""The same import on PostgreSQL (typed values, no statistics triggers): skipped without a server."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.import_files import SAMPLE_EXPECTED, SAMPLE_ROWS, counts, stored_contacts, write_csv
from sqlalchemy import Engine

from sarah.services.imports.run import import_file


@pytest.mark.postgres
def test_import_and_reimport_on_postgresql(pg_engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", SAMPLE_ROWS)
    dry = import_file(pg_engine, path, dry_run=True)
    assert counts(pg_engine)["contacts"] == 0
    result = import_file(pg_engine, path)
    assert (dry.contacts_added, result.contacts_added, result.visitors_created) == (4, 4, 3)
    assert stored_contacts(pg_engine) == sorted(SAMPLE_EXPECTED, key=repr)
    again = import_file(pg_engine, path)
    assert (again.contacts_added, again.skipped_existing) == (0, 4)
    assert counts(pg_engine)["contacts"] == 4
