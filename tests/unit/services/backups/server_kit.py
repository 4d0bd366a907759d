"""Helpers for the tests of a PostgreSQL server's backups (the fixtures are in conftest.py)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, create_engine

SERVER = "postgresql://postgres@127.0.0.1:5432"
PG_DUMP = shutil.which("pg_dump")
PG_RESTORE = shutil.which("pg_restore")


def admin_engine() -> Engine:
    return create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")


def previous_revision() -> str:
    from sarah.db import head_revision, revision_graph

    down = revision_graph()[head_revision()]
    assert down is not None
    return down


def revision_of(url: str) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    finally:
        engine.dispose()


def count_contacts(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.exec_driver_sql("SELECT count(*) FROM contacts").scalar_one())
    finally:
        engine.dispose()


def restore_into_new_database(dump: Path, make_database: Callable[[], str]) -> str:
    """What the administrator does (docs/serveur.md): pg_restore into a new database."""
    assert PG_RESTORE is not None
    name = make_database()
    subprocess.run(
        [PG_RESTORE, "--dbname", name, "--no-owner", "--exit-on-error", str(dump)],
        env={**os.environ, "PGHOST": "127.0.0.1", "PGUSER": "postgres"},
        check=True,
        capture_output=True,
    )
    return f"{SERVER}/{name}"


def script(folder: Path, name: str, body: str) -> Path:
    """An executable shell script ``folder/name``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path
