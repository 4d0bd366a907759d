"""Shared fixtures: every test gets its own base folder and a database built by migrations."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


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
    from sarah.db import open_database

    eng = open_database(db_path)
    yield eng
    eng.dispose()
