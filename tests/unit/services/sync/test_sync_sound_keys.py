"""Names that arrive in a sync package are found by the tolerant search at once: the keys it
reads are made by the receiving installation from the names, never taken from the package
(issue 13), on a site's file as on a PostgreSQL server."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from helpers.sync_world import Package, World
from sqlalchemy import Engine, select

from sarah.db import read_connection
from sarah.schema import visitors
from sarah.services.desk.search import search_visitors
from sarah.services.sync.keys import installed_key
from sarah.services.sync.package import read_package, write_package
from sarah.services.visitors import create_visitor, update_visitor

TODAY = date(2025, 3, 14)
DERIVED = ("sound_key", "last_sound", "first_sound")
RECEIVER = "B"


@pytest.fixture
def world(engine_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[World]:
    """``[postgresql]``: the receiving installation is a PostgreSQL database."""
    servers = {RECEIVER: request.getfixturevalue("pg_engine")} if engine_kind != "sqlite" else {}
    w = World.create(tmp_path, causal=False, servers=servers)
    yield w
    w.close()


def _forged(world: World, package: Package, folder: Path) -> Package:
    """The package with nonsense in whatever it carries of the derived keys (nothing, once
    packages leave them out: the receiver then has only the names to go by, as it should)."""
    key = installed_key(world.engines[package.sender])
    assert key is not None
    container = folder / f"{package.path.stem}.sqlite"
    read_package(package.path, key, container)
    with sqlite3.connect(container) as conn:
        held = {row[1] for row in conn.execute("PRAGMA table_info(visitors)")}
        forged = [c for c in DERIVED if c in held]
        if forged:
            conn.execute(
                f"UPDATE visitors SET {', '.join(f'{c} = ?' for c in forged)}",
                ["zz zz"] * len(forged),
            )
    out = folder / f"{package.path.stem}-faux.sarahsync"
    write_package(container, out, key)
    return Package(out, package.sender, package.known)


def _derived(engine: Engine, visitor_id: object) -> tuple[str, ...]:
    with read_connection(engine) as conn:
        cols = [visitors.c[c] for c in DERIVED]
        return tuple(conn.execute(select(*cols).where(visitors.c.id == visitor_id)).one())


def _found(world: World, typed: str) -> list[tuple[str, bool]]:
    world.at(RECEIVER)
    hits = search_visitors(world.engines[RECEIVER], typed, today=TODAY)
    return [(h.display_name, h.approximate) for h in hits]


def test_names_that_arrive_are_found_tolerantly(world: World, tmp_path: Path) -> None:
    world.at("A")
    sender = world.engines["A"]
    v = create_visitor(sender, last_name="Diallo", first_name="Mamadou", site_id=world.home["A"])
    world.receive(RECEIVER, _forged(world, world.export("A"), tmp_path))
    assert _found(world, "dialo mamadu") == [("DIALLO Mamadou", True)]
    assert _derived(world.engines[RECEIVER], v.id) == _derived(sender, v.id)

    # A name changed at the sender: the receiver's keys follow the new name.
    world.at("A")
    update_visitor(
        sender,
        v.id,
        last_name="Traoré",
        first_name="Mamadou",
        sex=None,
        birth_date=None,
        site_id=world.home["A"],
    )
    world.receive(RECEIVER, _forged(world, world.export("A"), tmp_path))
    assert _found(world, "traoret") == [("TRAORÉ Mamadou", True)]
    assert _found(world, "dialo") == []
    assert _derived(world.engines[RECEIVER], v.id) == _derived(sender, v.id)
