"""Two installations of one network: this window's (``engine``, Grésilles) and another one
(Villeneuve), each with its own SQLite file and the same network key."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from sarah import schema
from sarah.services.contacts import ContactDraft, log_contact
from sarah.services.sites import ensure_site
from sarah.services.sync.export import export_package
from sarah.services.sync.keys import create_network_key, install_key, read_key_file


@pytest.fixture
def key_file(engine: Engine, tmp_path: Path) -> Path:
    """The network key, created at this installation (the coordination's act)."""
    path = tmp_path / "cle-reseau.txt"
    create_network_key(engine, path, date(2026, 12, 1))
    return path


@pytest.fixture
def other(tmp_path: Path, key_file: Path) -> Iterator[Engine]:
    """The Villeneuve installation, in the same network, with two contacts of its own."""
    from sarah.services.database import open_database

    eng = open_database(tmp_path / "villeneuve.sqlite")
    install_key(eng, read_key_file(key_file))
    site = ensure_site(eng, "Villeneuve")
    for hour in (9, 10):
        log_contact(
            eng, ContactDraft(site.id, "physique", date(2026, 11, 30), time(hour), agent="Léa")
        )
    yield eng
    eng.dispose()


@pytest.fixture
def other_package(other: Engine, tmp_path: Path) -> Callable[[str], Path]:
    """Villeneuve's package, written under ``name`` in the tmp folder."""

    def make(name: str = "SARAH-Villeneuve-2026-12-01.sarahsync") -> Path:
        return export_package(other, tmp_path / name, name="Villeneuve").path

    return make


@pytest.fixture
def contacts_of() -> Callable[[Engine], int]:
    """How many contact rows a database holds."""

    def count(engine: Engine) -> int:
        with engine.connect() as conn:
            query = select(func.count()).select_from(schema.contacts)
            return int(conn.execute(query).scalar_one())

    return count
