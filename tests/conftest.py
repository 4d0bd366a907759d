"""Shared fixtures: every test gets its own base folder and a database built by migrations."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from helpers.logfail import fail_on_logged_problems  # noqa: F401 - an autouse fixture

POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432"


@pytest.fixture(autouse=True)
def basedir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point data, config, logs and backups at a temporary folder."""
    from sarah import paths

    base = tmp_path / "sarah-home"
    monkeypatch.setenv("SARAH_BASEDIR", str(base))
    paths.set_basedir(None)
    yield base
    paths.set_basedir(None)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "sarah.sqlite"


@pytest.fixture
def engine(db_path: Path) -> Iterator[Engine]:
    """A fresh SQLite database migrated to head, as every command opens it."""
    from sarah.services.database import open_database

    eng = open_database(db_path)
    yield eng
    eng.dispose()


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """A fresh PostgreSQL database of its own, migrated to head; skipped when no server answers.

    Needs the local server (postgresql://postgres@127.0.0.1:5432, trust auth). The database is
    dropped afterwards, whatever the test did.
    """
    from sqlalchemy import create_engine, text

    from sarah.services.database import open_database

    name = f"sarah_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        pytest.skip(f"PostgreSQL unavailable: {exc}")
    try:
        eng = open_database(f"{POSTGRES_SERVER}/{name}")
        try:
            yield eng
        finally:
            eng.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
