"""Fixtures for the backups of a PostgreSQL server: databases of their own on the local server
(127.0.0.1:5432, trust auth), dropped afterwards, and stand-ins for PostgreSQL's client tools
(small scripts in front of the real ones) to see what SARAH gives them."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from server_kit import PG_DUMP, PG_RESTORE, SERVER, admin_engine, previous_revision
from sqlalchemy import text


@pytest.fixture
def make_database() -> Iterator[Callable[[], str]]:
    """Fresh empty databases on the local server; each is dropped after the test."""
    made: list[str] = []
    admin = admin_engine()
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except Exception as exc:
        pytest.skip(f"PostgreSQL indisponible sur 127.0.0.1:5432 : {exc}")

    def make() -> str:
        name = f"sarah_bk_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return name

    yield make
    with admin.connect() as conn:
        for name in made:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def server_url(make_database: Callable[[], str]) -> str:
    """A database at the newest schema, as every command opens it."""
    from sarah.services.database import open_database

    url = f"{SERVER}/{make_database()}"
    open_database(url).dispose()
    return url


@pytest.fixture
def old_server_url(server_url: str) -> str:
    """A database a desk of the previous SARAH wrote: 3 contacts, the schema one step older."""
    from alembic import command
    from faults.faultkit import add_contacts

    from sarah.db import alembic_config, create_db_engine

    engine = create_db_engine(server_url)
    try:
        add_contacts(engine, 3)
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), previous_revision())
    finally:
        engine.dispose()
    return server_url


@pytest.fixture
def tools_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder SARAH_PG_DUMP points at; the test puts its stand-ins there."""
    if PG_DUMP is None or PG_RESTORE is None:
        pytest.skip("pg_dump et pg_restore absents de cette machine")
    folder = tmp_path / "outils"
    folder.mkdir()
    monkeypatch.setenv("SARAH_PG_DUMP", str(folder))
    return folder


@pytest.fixture(autouse=True)
def no_confirmation(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test inherits ``--sans-sauvegarde`` from another (the option sets the variable)."""
    monkeypatch.setenv("SARAH_MIGRATION_SANS_SAUVEGARDE", "")
