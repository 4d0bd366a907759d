"""The URL forms a user types for a PostgreSQL server all reach the one driver SARAH ships."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from sarah.db import database_url

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize(
    "typed",
    [
        "postgresql://sarah@serveur:5432/sarah",
        "postgres://sarah@serveur:5432/sarah",
        "postgresql+psycopg://sarah@serveur:5432/sarah",
        "postgresql+psycopg2://sarah@serveur:5432/sarah",
        "PostgreSQL://sarah@serveur:5432/sarah",
    ],
)
def test_every_form_of_a_server_url_uses_psycopg_3(typed: str) -> None:
    url = make_url(database_url(typed))
    assert (url.drivername, url.username, url.host, url.port, url.database) == (
        "postgresql+psycopg",
        "sarah",
        "serveur",
        5432,
        "sarah",
    )


def test_the_documented_command_runs_the_demo_on_the_server(tmp_path, capsys) -> None:
    """`sarah --db postgresql://postgres@127.0.0.1:5432/x demo`, the form the docs show."""
    from sarah.cli import main

    name = f"sarah_url_{uuid.uuid4().hex[:10]}"
    admin = create_engine(
        "postgresql://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server here: said, not hidden
        pytest.skip(f"PostgreSQL unavailable: {exc}")
    try:
        assert main(["--db", f"postgresql://postgres@127.0.0.1:5432/{name}", "demo"]) == 0
        check = create_engine(f"postgresql://postgres@127.0.0.1:5432/{name}")
        with check.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM contacts")).scalar_one() > 100
        check.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
