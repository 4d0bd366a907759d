"""Schema migrations: one head, upgrade from empty, models equal the schema, down and up again."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from sarah.db import (
    alembic_config,
    create_db_engine,
    current_revision,
    head_revision,
)
from sarah.models import Base
from sarah.services.database import open_database


def test_single_head() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1


def test_upgrade_from_empty_creates_catalogue(db_path: Path) -> None:
    engine = open_database(db_path)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        labels = conn.execute(text("SELECT label FROM services ORDER BY position")).scalars().all()
    assert len(labels) == 20
    assert labels[0] == "Actualisation Pôle Emploi"
    assert labels[-1] == "Utiliser son espace emploi"


def test_models_match_migrated_schema(db_path: Path) -> None:
    engine = open_database(db_path)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_downgrade_then_upgrade(db_path: Path) -> None:
    engine = open_database(db_path)
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    assert current_revision(engine) == head_revision()


def test_every_step_goes_down_and_up(db_path: Path) -> None:
    """Walk the history one revision at a time, so a broken downgrade is found."""
    engine = create_db_engine(db_path)
    script = ScriptDirectory.from_config(alembic_config())
    revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
    for rev in revisions:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), rev)
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "-1")
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), rev)
    assert current_revision(engine) == head_revision()


def test_schema_change_copies_the_file_first(db_path: Path, basedir: Path) -> None:
    engine = create_db_engine(db_path)
    with engine.begin() as conn:  # a SARAH file of the first released schema, with data
        command.upgrade(alembic_config(conn), "0001")
        conn.execute(text("CREATE TABLE keepme (x INTEGER)"))
        conn.execute(text("INSERT INTO keepme VALUES (42)"))
    engine.dispose()
    open_database(db_path)
    copies = list((basedir / "data" / "sauvegardes").glob("avant-migration-*.sqlite"))
    assert len(copies) == 1
    copy = create_db_engine(copies[0], read_only=True)
    with copy.connect() as conn:
        assert conn.execute(text("SELECT x FROM keepme")).scalar_one() == 42
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0001"


def test_up_to_date_database_is_not_copied(db_path: Path, basedir: Path) -> None:
    open_database(db_path).dispose()
    open_database(db_path).dispose()
    assert not list((basedir / "data" / "sauvegardes").glob("avant-migration-*"))


def test_the_revisions_read_without_alembic_are_alembics() -> None:
    from sarah.db import known_revisions

    script = ScriptDirectory.from_config(alembic_config())
    assert head_revision() == script.get_current_head()
    assert known_revisions() == {r.revision for r in script.walk_revisions()}


def test_an_up_to_date_report_does_not_import_alembic(db_path: Path) -> None:
    import subprocess
    import sys

    open_database(db_path).dispose()
    code = (
        "import sys\n"
        "from sarah.cli import main\n"
        f"main(['--db', {str(db_path)!r}, 'report', '--semester', '2019-S1'])\n"
        "print('alembic' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stderr.strip().splitlines()[-1] == "False"
