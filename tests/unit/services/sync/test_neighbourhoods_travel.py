"""Neighbourhoods of residence by sync: the coordinator's list and a person's neighbourhood reach
every site, an erasure that arrives by package keeps the table of the contacts only this side
held, a package of a SARAH not yet updated is read, one naming a neighbourhood it lacks is not."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from helpers.sync_world import World, rows_of
from sqlalchemy import Engine, select

from sarah.db import read_connection
from sarah.reports.tables import Period
from sarah.schema import contacts, visitors
from sarah.services.neighbourhoods.listing import (
    add_neighbourhood,
    list_neighbourhoods,
    set_visitor_neighbourhood,
    tracking_on,
)
from sarah.services.privacy.purge import erase_on_request
from sarah.services.sites import resolve_sites
from sarah.services.statistics.neighbourhoods import neighbourhoods_for_sites
from sarah.services.sync.errors import SyncRefused
from sarah.services.sync.keys import installed_key
from sarah.services.sync.package import read_package, write_package
from sarah.services.sync.receive import import_package
from sarah.services.sync.words import import_lines
from sarah.settings import load_settings

YEAR = Period(date(2025, 7, 1), date(2026, 6, 30))


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = World.create(tmp_path, causal=False)
    yield w
    w.close()


@pytest.fixture(params=["sqlite", "server"])
def any_world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """Three SQLite desks, or B as the network's PostgreSQL database (skipped without one)."""
    servers = {"B": request.getfixturevalue("pg_engine")} if request.param == "server" else None
    w = World.create(tmp_path, causal=False, servers=servers)
    yield w
    w.close()


def by_neighbourhood(engine: Engine) -> dict:
    return neighbourhoods_for_sites(engine, YEAR, resolve_sites(engine, None)).to_json()


def test_the_list_and_the_people_s_neighbourhoods_reach_every_site(world: World) -> None:
    a = world.engines["A"]
    world.at("A")
    qpv = add_neighbourhood(a, "Fontaine d'Ouche").id
    world.create_visitor("A", "Léa", "F", date(2000, 3, 1))
    (lea,) = world.visitors("A")
    set_visitor_neighbourhood(a, lea, qpv)
    world.log_contact("A", date(2025, 9, 15), "physique", lea, [])
    assert not tracking_on(world.engines["B"])  # off by default
    first = world.receive("B", world.export("A"))
    assert "2 quartiers de résidence nouveaux" in " ".join(import_lines(first))
    world.full_exchange()
    for name in ("B", "C"):
        engine = world.engines[name]
        assert tracking_on(engine)
        assert [(n.label, n.priority, n.shortcut) for n in list_neighbourhoods(engine)] == [
            ("Fontaine d'Ouche", True, "1"),
            ("Hors QPV", False, "0"),
        ]
        assert by_neighbourhood(engine) == by_neighbourhood(a)
    assert by_neighbourhood(a)["total"]["by_neighbourhood"][qpv.hex] == 1
    rows = {n: rows_of(world.root / f"{n}.sqlite") for n in world.engines}
    assert rows["A"] == rows["B"] == rows["C"]


def test_an_erasure_that_arrives_keeps_the_neighbourhood_of_contacts_only_here(
    any_world: World,
) -> None:
    world = any_world
    a, b = world.engines["A"], world.engines["B"]
    world.at("A")
    qpv = add_neighbourhood(a, "Grésilles").id
    world.create_visitor("A", "Léa", "F", date(2000, 3, 1))
    (lea,) = world.visitors("A")
    set_visitor_neighbourhood(a, lea, qpv)
    world.log_contact("A", date(2025, 9, 15), "physique", lea, [])
    world.full_exchange()
    world.log_contact("B", date(2026, 1, 2), "telephone", lea, [])  # A never hears of it
    before = by_neighbourhood(b)
    assert before["by_site"]["Grésilles"]["by_neighbourhood"][qpv.hex] == 1

    world.at("A")
    erase_on_request(a, load_settings(), lea)
    result = world.receive("B", world.export("A"))
    assert result.counts.erased == 1
    with read_connection(b) as conn:
        person = conn.execute(
            select(visitors.c.neighbourhood_id).where(visitors.c.id == lea)
        ).scalar_one()
        kept = conn.execute(
            select(contacts.c.local_date, contacts.c.neighbourhood_id)
            .where(contacts.c.visitor_id == lea)
            .order_by(contacts.c.local_date)
        ).all()
    assert person is None
    assert [(d, n.hex) for d, n in kept] == [
        (date(2025, 9, 15), qpv.hex),
        (date(2026, 1, 2), qpv.hex),
    ]
    assert by_neighbourhood(b) == before
    world.full_exchange()
    rows = {n: rows_of(world.root / f"{n}.sqlite") for n in ("A", "C")}
    assert rows["A"] == rows["C"]
    assert by_neighbourhood(world.engines["A"]) == by_neighbourhood(b)


def _rewritten(world: World, tmp_path: Path, change: str, schema: str | None = None) -> Path:
    """A's package, its container changed by the SQL ``change`` (and its manifest's schema)."""
    package = world.export("A")
    key = installed_key(world.engines["A"])
    assert key is not None
    container = tmp_path / f"conteneur-{len(list(tmp_path.iterdir()))}.sqlite"
    read_package(package.path, key, container)
    with sqlite3.connect(container) as conn:
        conn.executescript(change)
        if schema is not None:
            manifest = json.loads(conn.execute("SELECT json FROM manifest").fetchone()[0])
            tables = {k: v for k, v in manifest["tables"].items() if k != "neighbourhoods"}
            conn.execute(
                "UPDATE manifest SET json = ?",
                (json.dumps({**manifest, "schema": schema, "tables": tables}),),
            )
    out = tmp_path / f"paquet-{container.stem}.sarahsync"
    write_package(container, out, key)
    return out


def test_a_package_of_a_sarah_before_neighbourhoods_is_read(world: World, tmp_path: Path) -> None:
    world.create_visitor("A", "Léa", "F", date(2000, 3, 1))
    (lea,) = world.visitors("A")
    world.log_contact("A", date(2025, 9, 15), "physique", lea, [])
    old = _rewritten(
        world,
        tmp_path,
        "DROP TABLE neighbourhoods; ALTER TABLE visitors DROP COLUMN neighbourhood_id; "
        "ALTER TABLE contacts DROP COLUMN neighbourhood_id;",
        schema="0011",
    )
    world.at("B")
    result = import_package(world.engines["B"], old)
    assert result.counts.new["visitors"] == 1
    assert result.counts.new["neighbourhoods"] == 0
    with read_connection(world.engines["B"]) as conn:
        assert conn.execute(
            select(visitors.c.last_name, visitors.c.neighbourhood_id).where(visitors.c.id == lea)
        ).one() == ("Nom1", None)


def test_a_person_naming_a_neighbourhood_the_package_lacks_is_refused(
    world: World, tmp_path: Path
) -> None:
    world.at("A")
    qpv = add_neighbourhood(world.engines["A"], "Stalingrad").id
    world.create_visitor("A", "Léa", "F", date(2000, 3, 1))
    (lea,) = world.visitors("A")
    set_visitor_neighbourhood(world.engines["A"], lea, qpv)
    # The rows and the manifest's counts agree: only the reference is wrong.
    bad = _rewritten(world, tmp_path, f"UPDATE visitors SET neighbourhood_id = '{'f' * 32}';")
    world.at("B")
    with pytest.raises(SyncRefused) as refused:
        import_package(world.engines["B"], bad)
    assert refused.value.code == "invalid_content"
    assert "renvoient à des fiches absentes du paquet" in refused.value.message
    with read_connection(world.engines["B"]) as conn:
        assert conn.execute(select(visitors.c.id)).all() == []
