"""The role of docs/serveur.md (section 2), created for real on the local server exactly as the
guide writes it: no superuser, owner of its database and schema; SARAH migrates, loads the
demo, makes and verifies a pg_dump copy and reads the server's archiving state with it."""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from server_kit import admin_engine, count_contacts, revision_of
from sqlalchemy import create_engine

from sarah.cli import main
from sarah.db import head_revision

pytestmark = pytest.mark.postgres

GUIDE = Path(__file__).resolve().parents[4] / "docs" / "serveur.md"
RECIPE = re.compile(r"<!-- recette-role[^>]*-->\s*```sql\n(?P<sql>.*?)```", re.S)
PSQL = shutil.which("psql")


def recipe(name: str) -> str:
    """The guide's SQL, with its role and database named ``name`` instead of ``sarah``."""
    found = RECIPE.search(GUIDE.read_text(encoding="utf-8"))
    assert found is not None, "docs/serveur.md has lost its role recipe"
    return re.sub(r"\bsarah\b", name, found["sql"])


@pytest.fixture
def role_database(tmp_path: Path) -> Iterator[str]:
    """The role and its database made by the guide's recipe through psql; dropped afterwards."""
    if PSQL is None:
        pytest.skip("psql absent de cette machine")
    admin = admin_engine()
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except Exception as exc:
        pytest.skip(f"PostgreSQL indisponible sur 127.0.0.1:5432 : {exc}")
    name = f"sarah_role_{uuid.uuid4().hex[:8]}"
    script = tmp_path / "recette.sql"
    script.write_text(recipe(name), encoding="utf-8")
    try:
        subprocess.run(
            [PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-U", "postgres"]
            + ["-d", "postgres", "-f", str(script)],
            check=True,
            capture_output=True,
            text=True,
        )
        yield name
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{name}"')
        admin.dispose()


def test_the_guides_role_runs_sarah_without_any_superuser_right(
    role_database: str, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    name = role_database
    url = f"postgresql://{name}@127.0.0.1:5432/{name}"

    assert main(["--db", url, "demo"]) == 0  # the migrations from empty, then the demo
    assert revision_of(url) == head_revision() and count_contacts(url) > 1000

    check = create_engine(url)
    try:
        with check.connect() as conn:
            rights = conn.exec_driver_sql(
                "SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles "
                "WHERE rolname = current_user"
            ).one()
            owners = set(
                conn.exec_driver_sql(
                    "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"
                ).scalars()
            )
            public_may_connect = conn.exec_driver_sql(
                "SELECT has_database_privilege('public', current_database(), 'CONNECT')"
            ).scalar_one()
    finally:
        check.dispose()
    assert tuple(rights) == (False, False, False)
    assert owners == {name}
    assert public_may_connect is False

    folder = tmp_path / "copies"
    folder.mkdir()
    capsys.readouterr()
    assert main(["--db", url, "backup", "create", "--dossier", str(folder)]) == 0
    assert "Copie pg_dump vérifiée" in capsys.readouterr().out
    assert main(["--db", url, "backup", "list", "--dossier", str(folder)]) == 0
    listing = capsys.readouterr().out
    # What this plain role may read of the server's archiving is said, not "non visibles".
    assert "Pas d'archivage continu sur le serveur" in listing
    assert "vérifiée (pg_restore --list)" in listing
