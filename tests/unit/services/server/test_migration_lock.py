"""Four desks opening one empty PostgreSQL database at the same moment: one migrates, the
others wait for it and find the schema done (issue 12, item 3)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.postgres

SERVER = "postgresql://postgres@127.0.0.1:5432"
DESKS = 4

# Each desk says it is ready, waits for the word to go (all desks are started by then), then
# opens the database as every command does.
DESK = textwrap.dedent(
    """
    import sys
    from sarah.services.database import open_database
    print("prêt", flush=True)
    sys.stdin.readline()
    engine = open_database(sys.argv[1])
    engine.dispose()
    print("ouvert", flush=True)
    """
)


@pytest.fixture
def empty_database() -> Iterator[str]:
    name = f"sarah_vide_{uuid.uuid4().hex[:10]}"
    try:
        admin = create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        pytest.skip(f"PostgreSQL unavailable: {exc}")
    try:
        yield f"{SERVER}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def _alembic_head() -> str:
    """The head as alembic itself reads the scripts (not SARAH's own reading)."""
    from alembic.script import ScriptDirectory

    from sarah.db import alembic_config

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def _catalogue(url: str) -> list[tuple[str, str]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text("SELECT code, label FROM services"))]
    finally:
        engine.dispose()


def test_desks_opening_an_empty_database_together_all_succeed(
    empty_database: str, tmp_path: Path
) -> None:
    env = {**os.environ, "SARAH_BASEDIR": str(tmp_path / "desks")}
    desks = [
        subprocess.Popen(
            [sys.executable, "-c", DESK, empty_database],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(DESKS)
    ]
    try:
        for desk in desks:  # every desk started and waiting
            assert desk.stdout is not None and desk.stdout.readline().strip() == "prêt"
        for desk in desks:  # then all released at once
            assert desk.stdin is not None
            desk.stdin.write("go\n")
            desk.stdin.flush()
        outcomes = [desk.communicate(timeout=300) for desk in desks]
    finally:
        for desk in desks:
            if desk.poll() is None:
                desk.kill()
                desk.wait()
    assert [d.returncode for d in desks] == [0] * DESKS, [
        err.strip().splitlines()[-3:] for _out, err in outcomes
    ]
    assert all(out.strip() == "ouvert" for out, _err in outcomes)
    check = create_engine(empty_database)
    try:
        with check.connect() as conn:
            versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
            assert list(versions) == [_alembic_head()]
    finally:
        check.dispose()
    # The catalogue the first migration inserts is there once, as in a file one desk made.
    from sarah.services.database import open_database

    alone = open_database(tmp_path / "seule.sqlite")
    alone.dispose()
    catalogue = _catalogue(empty_database)
    assert sorted(catalogue) == sorted(_catalogue(f"sqlite:///{tmp_path / 'seule.sqlite'}"))
    assert len(catalogue) == len({code for code, _label in catalogue}) > 0
