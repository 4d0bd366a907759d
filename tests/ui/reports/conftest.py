"""What every test of the statistics screens shares: no background computation outlives its
test, and the demonstration semester, built once per module and copied for each test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool
from sqlalchemy import Engine

from sarah.services.database import open_database

WAIT = 30_000  # ms; generous for a loaded machine, the signal usually comes in well under 1 s


@pytest.fixture(autouse=True)
def _workers_finish() -> Iterator[None]:
    """No background computation may outlive its test (it would report to a deleted widget)."""
    yield
    QThreadPool.globalInstance().waitForDone(WAIT)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demonstration data set, built once for the module and copied for each test."""
    from sarah.services.demo.loader import load_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    engine = open_database(path)
    load_demo(engine)
    engine.dispose()  # the last connection closing folds the WAL into the file
    yield path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[Engine]:
    copy = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_file, copy)
    engine = open_database(copy)
    yield engine
    engine.dispose()
