"""Shared fixtures: every test gets its own base folder and a database built by migrations.

The engine tests run on both engines. A test under one of ``BOTH_ENGINES_DIRS`` that takes the
``engine`` fixture (or ``db_target``, the same database as a path or URL for a command line) runs
twice, ``[sqlite]`` on a fresh migrated file and ``[postgresql]`` on a fresh database of the
local server (a copy of a template migrated once: tests/helpers/pg_databases.py); without a
server the ``[postgresql]`` half is skipped with one visible reason. A test about the SQLite file
itself (backups of the file, quick_check, WAL, file faults, read-only media, ATTACH) says so with
``@pytest.mark.sqlite_only("reason")`` and its ``[postgresql]`` half is skipped with that reason.
tests/faults (real processes killed, disks filled: the file's story), tests/ui (the window over
a local file; the window on a server is tested on its own) and tests/migrations (SQLite's batch
migrations and released files) stay on SQLite. ``pg_engine`` is a PostgreSQL database for the
tests that are about the server only.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from helpers.logfail import fail_on_logged_problems  # noqa: F401 - an autouse fixture
from helpers.pg_databases import (
    PostgresUnavailable,
    create_test_database,
    drop_test_database,
    finish_drops,
)

ENGINES = ("sqlite", "postgresql")
BOTH_ENGINES_DIRS = ("tests/unit/",)


def pytest_sessionfinish(session: pytest.Session) -> None:
    left = finish_drops()
    if left:
        session.config.get_terminal_writer().line(
            "PostgreSQL test databases not dropped: " + "; ".join(left[:5]), yellow=True
        )


def _runs_on_both(nodeid: str) -> bool:
    return nodeid.replace("\\", "/").startswith(BOTH_ENGINES_DIRS)


def _sqlite_only_reason(item: pytest.Item) -> str | None:
    mark = item.get_closest_marker("sqlite_only")
    if mark is None:
        return None
    reason = mark.args[0] if mark.args else mark.kwargs.get("reason", "")
    if not isinstance(reason, str) or not reason.strip():
        raise pytest.UsageError(f'{item.nodeid}: sqlite_only needs a reason, e.g. sqlite_only("…")')
    return reason


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine_kind" in metafunc.fixturenames and _runs_on_both(metafunc.definition.nodeid):
        metafunc.parametrize("engine_kind", ENGINES, indirect=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        reason = _sqlite_only_reason(item)
        callspec = getattr(item, "callspec", None)
        if reason and callspec is not None and callspec.params.get("engine_kind") == "postgresql":
            item.add_marker(pytest.mark.skip(reason=f"SQLite seulement : {reason}"))


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
def engine_kind(request: pytest.FixtureRequest) -> str:
    """Which engine the test's database is on: ``sqlite`` unless parametrized (see above)."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def db_target(engine_kind: str, db_path: Path) -> Iterator[str]:
    """The test's database as a command line names it (``--db``): the SQLite file's path, or
    the URL of a fresh migrated PostgreSQL database, dropped afterwards."""
    if engine_kind == "sqlite":
        yield str(db_path)
        return
    try:
        url = create_test_database()
    except PostgresUnavailable as exc:
        pytest.skip(str(exc))
    try:
        yield url
    finally:
        drop_test_database(url)


@pytest.fixture
def engine(db_target: str) -> Iterator[Engine]:
    """A fresh database migrated to head, as every command opens it (``[sqlite]``: a file)."""
    from sarah.services.database import open_database

    eng = open_database(db_target)
    yield eng
    eng.dispose()


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """A fresh PostgreSQL database of its own, migrated to head; skipped when no server answers.

    Needs the local server (postgresql://postgres@127.0.0.1:5432, trust auth). The database is
    a copy of the migrated template, dropped afterwards whatever the test did.
    """
    from sarah.services.database import open_database

    try:
        url = create_test_database()
    except PostgresUnavailable as exc:
        pytest.skip(str(exc))
    try:
        eng = open_database(url)
        try:
            yield eng
        finally:
            eng.dispose()
    finally:
        drop_test_database(url)
