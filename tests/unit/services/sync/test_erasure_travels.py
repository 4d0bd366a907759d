"""An erasure travels: the installations that receive it erase too, age their own contacts of
the person, keep every table, and replace their backups that held the identity."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from helpers.sync_world import HOMES, World, rows_of
from sqlalchemy import Engine, select

from sarah.db import read_connection
from sarah.schema import audit_log, contacts, visitors
from sarah.services.backups.create import create_backup
from sarah.services.backups.listing import list_backups
from sarah.services.privacy.purge import erase_on_request
from sarah.settings import load_settings


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = World.create(tmp_path, causal=False)
    yield w
    w.close()


def erasures(engine: Engine) -> list[dict[str, object]]:
    """The details of the audit log's erasure entries."""
    with read_connection(engine) as conn:
        rows = conn.execute(select(audit_log.c.details).where(audit_log.c.action == "erase"))
        return [json.loads(d) for d in rows.scalars()]


def person_named(world: World, name: str, last: str) -> object:
    with read_connection(world.engines[name]) as conn:
        return conn.execute(select(visitors.c.id).where(visitors.c.last_name == last)).scalar_one()


def test_an_erasure_at_one_site_is_made_everywhere_and_no_table_moves(world: World) -> None:
    world.create_visitor("A", "Léa", "F", date(2000, 3, 1))  # 25, then 26 on 1 March 2026
    world.create_visitor("A", "Jean", "H", date(1980, 1, 1))
    lea, jean = world.visitors("A")
    world.log_contact("A", date(2025, 9, 15), "physique", lea, [])
    world.log_contact("A", date(2026, 3, 10), "physique", jean, [])
    world.full_exchange()
    # B sees Léa at its own desk before it hears of the erasure.
    world.log_contact("B", date(2026, 1, 2), "telephone", lea, [])
    world.log_contact("B", date(2026, 6, 30), "physique", lea, [])
    stale = world.export("A")  # a package of A from before the erasure
    world.full_exchange()
    before = {name: world.reports(e) for name, e in world.engines.items()}
    for name in world.engines:
        world.at(name)
        folder = load_settings().backup_path()
        folder.mkdir(parents=True, exist_ok=True)
        create_backup(world.root / f"{name}.sqlite", folder, "manuelle")
    world.log_contact("B", date(2026, 6, 30), "telephone", lea, [])  # not yet at A
    before_b = world.reports(world.engines["B"])

    world.at("A")
    erase_on_request(world.engines["A"], load_settings(), lea)
    package = world.export("A")
    result = world.receive("B", package)
    assert result.counts.erased == 1
    assert erasures(world.engines["B"]) == [{"persons": 1, "reason": "sync", "sender": HOMES["A"]}]
    assert result.backups_replaced and result.fresh_backup is not None
    # B erased Léa too; its contacts A never had kept their age; nothing B counts moved.
    with read_connection(world.engines["B"]) as conn:
        row = conn.execute(select(visitors).where(visitors.c.id == lea)).one()
        ages = conn.execute(
            select(contacts.c.local_date, contacts.c.age_years).where(contacts.c.visitor_id == lea)
        ).all()
    assert (row.last_name, row.first_name, row.birth_date) == ("", "", None)
    assert row.sex == "F"
    assert sorted(ages) == [
        (date(2025, 9, 15), 25),
        (date(2026, 1, 2), 25),
        (date(2026, 6, 30), 26),
        (date(2026, 6, 30), 26),
    ]
    assert world.reports(world.engines["B"]) == before_b
    # The name is gone from B's file and from every backup B keeps.
    b_files = [world.root / "B.sqlite", *load_settings().backup_path().iterdir()]
    name = b"Nom1"  # Léa's last name (World names people in the order they were made)
    assert all(name not in f.read_bytes() for f in b_files if f.is_file())
    kept = [b.path for b in list_backups()]
    assert result.fresh_backup in kept
    assert not [p for p in kept if p.name.startswith("manuelle")]  # it held Léa: replaced
    assert all(not p.exists() for p in result.backups_replaced)

    # A package of before the erasure brings nothing of Léa back.
    world.receive("B", stale)
    with read_connection(world.engines["B"]) as conn:
        assert (
            conn.execute(select(visitors.c.last_name).where(visitors.c.id == lea)).scalar_one()
            == ""
        )
    # Everyone converges on the same rows, and the same tables as before the erasure.
    world.full_exchange()
    rows = {n: rows_of(world.root / f"{n}.sqlite") for n in world.engines}
    assert rows["A"] == rows["B"] == rows["C"]
    after = {name: world.reports(e) for name, e in world.engines.items()}
    assert after["A"] == after["B"] == after["C"] == before_b
    assert all(world.drift(e) == [] for e in world.engines.values())
    # Jean, who was not erased, is untouched everywhere.
    assert person_named(world, "C", "Nom2") == jean
    assert before["A"] == before["C"]  # (the tables every installation had before)


def test_a_package_of_a_sarah_not_yet_updated_is_read(world: World, tmp_path: Path) -> None:
    """A site still on the version before erasures (schema 0005): its package lacks the two
    columns; it is read as "nothing erased", not refused."""
    import json
    import sqlite3

    from sarah.services.sync.keys import installed_key
    from sarah.services.sync.package import read_package, write_package

    world.create_visitor("A", "Léa", "F", date(2000, 3, 1))
    (lea,) = world.visitors("A")
    world.log_contact("A", date(2025, 9, 15), "physique", lea, [])
    package = world.export("A")
    key = installed_key(world.engines["A"])
    assert key is not None
    container = tmp_path / "old.sqlite"
    read_package(package.path, key, container)
    with sqlite3.connect(container) as conn:
        conn.execute("ALTER TABLE visitors DROP COLUMN erased_at")
        conn.execute("ALTER TABLE contacts DROP COLUMN age_years")
        manifest = json.loads(conn.execute("SELECT json FROM manifest").fetchone()[0])
        conn.execute("UPDATE manifest SET json = ?", (json.dumps({**manifest, "schema": "0005"}),))
    old = tmp_path / "ancien.sarahsync"
    write_package(container, old, key)
    world.at("B")
    from sarah.services.sync.receive import import_package

    result = import_package(world.engines["B"], old)
    assert result.counts.new["visitors"] == 1 and result.counts.erased == 0
    with read_connection(world.engines["B"]) as conn:
        assert conn.execute(
            select(visitors.c.last_name, visitors.c.erased_at).where(visitors.c.id == lea)
        ).one() == ("Nom1", None)
