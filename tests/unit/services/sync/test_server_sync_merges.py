"""A merge of two records undone while a contact typed elsewhere follows it (docs/sync.md, merge
rule 7), on three SQLite sites and with Grésilles' installation on a PostgreSQL server.

test_server_sync's random histories once ended with a contact on one person at Chenôve and on
another at the server, both rows at the same version, for good: the installations that had
moved the contact onto the record kept did so without a version, and once the merge was undone
the others kept it on the record given back. That history (a merge, its undo at the server, the
same merge at Fontaine d'Ouche), a shorter one, and the same with an automatic merge of one
person recorded at two sites, made deterministic.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.sync_world import BIRTHS, DAYS, World
from sqlalchemy import select
from test_server_sync import SERVER, assert_same_data

from sarah.db import read_connection
from sarah.schema import contacts, visitor_merges
from sarah.services.visitor_merges import unmerge_visitors


@pytest.fixture
def world(engine_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[World]:
    """``[postgresql]``: Grésilles' installation (B) is a PostgreSQL database."""
    servers = {SERVER: request.getfixturevalue("pg_engine")} if engine_kind != "sqlite" else {}
    w = World.create(tmp_path, causal=False, servers=servers)
    yield w
    w.close()


def _two_records_everywhere(world: World) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """Léa and Jean recorded at Fontaine d'Ouche (A), Jean with a contact there, known to all."""
    world.create_visitor("A", "Léa", "F", BIRTHS[1])
    world.create_visitor("A", "Jean", "H", None)
    lea, jean = world.visitors("A")
    assert world.log_contact("A", DAYS[0], "physique", jean, [])
    (first,) = world.contacts("A")
    package = world.export("A")
    world.receive(SERVER, package)
    world.receive("C", package)
    return lea, jean, first[0]


def _contact_typed_at_chenove(world: World, who: uuid.UUID) -> uuid.UUID:
    assert world.log_contact("C", DAYS[1], "telephone", who, [])
    (typed,) = [cid for cid, _who in world.contacts("C")]
    return typed


def _person_of(world: World, contact: uuid.UUID) -> dict[str, uuid.UUID]:
    """The record ``contact`` is on, at each installation that holds it."""
    out = {}
    for name, engine in world.engines.items():
        with read_connection(engine) as conn:
            found = conn.execute(
                select(contacts.c.visitor_id).where(contacts.c.id == contact)
            ).scalar()
        if found is not None:
            out[name] = uuid.UUID(str(found))
    return out


def test_a_merge_undone_where_a_contact_had_followed_it_ends_the_same_everywhere(
    world: World,
) -> None:
    """The server merges Jean into Léa, then receives a contact Chenôve typed on Jean meanwhile
    (it follows to Léa), then undoes the merge; Chenôve never knew of the merge."""
    lea, jean, first = _two_records_everywhere(world)
    assert world.merge_visitors(SERVER, lea, jean)
    typed = _contact_typed_at_chenove(world, jean)
    world.receive(SERVER, world.export("C"))
    assert _person_of(world, typed)[SERVER] == lea  # on the record kept, as rule 7 says
    (merge,) = world.merges(SERVER)
    assert world.unmerge(SERVER, merge)
    world.full_exchange()
    assert_same_data(world)
    # The undo gives back exactly the contacts the merge moved: Jean's first contact. The one
    # that followed the merge later stays with Léa, as at the server right after the undo,
    # and now at every installation.
    assert set(_person_of(world, first).values()) == {jean}
    assert set(_person_of(world, typed).values()) == {lea}
    assert world.visitors("C") == [lea, jean]


def test_the_same_merge_made_again_at_a_site_unaware_of_the_undo_ends_the_same_everywhere(
    world: World,
) -> None:
    """The server merges Jean into Léa and undoes it; Fontaine d'Ouche, unaware of both, makes
    the same merge. Chenôve types a contact on Jean, sends it to the server, then hears of
    Fontaine d'Ouche's merge (the contact follows to Léa there) before the undo reaches it."""
    lea, jean, _first = _two_records_everywhere(world)
    assert world.merge_visitors(SERVER, lea, jean)
    (merge,) = world.merges(SERVER)
    assert world.unmerge(SERVER, merge)
    assert world.merge_visitors("A", lea, jean)
    typed = _contact_typed_at_chenove(world, jean)
    world.receive(SERVER, world.export("C"))  # on Jean at the server: his record is back there
    world.receive("C", world.export("A"))  # at Chenôve, Jean merged into Léa: it follows her
    assert _person_of(world, typed) == {SERVER: jean, "C": lea}
    world.full_exchange()
    assert_same_data(world)
    # The undo, made later than Fontaine d'Ouche's merge (its version is greater), keeps Jean's
    # record; the contact that followed Léa at Chenôve stays on her everywhere.
    assert world.visitors(SERVER) == [lea, jean]
    assert set(_person_of(world, typed).values()) == {lea}


def test_an_automatic_merge_undone_where_a_site_made_it_with_more_contacts_ends_the_same(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Léa recorded at Fontaine d'Ouche and at Chenôve (the greater id, so the one merged
    away): the server makes her one before Chenôve's contact of her reaches it, then undoes it;
    Fontaine d'Ouche makes her one with that contact (it follows to the record kept)."""
    world.create_visitor("A", "Léa", "F", BIRTHS[1])
    (kept,) = world.visitors("A")
    with monkeypatch.context() as greatest_id:
        greatest_id.setattr(uuid, "uuid4", lambda: uuid.UUID(int=2**128 - 1))
        assert world.create_twin("C", 0)
    (twin,) = world.visitors("C")
    before_the_contact = world.export("C")
    typed = _contact_typed_at_chenove(world, twin)
    world.receive(SERVER, world.export("A"))
    assert world.receive(SERVER, before_the_contact).people_made_one == 1
    with read_connection(world.engines[SERVER]) as conn:
        (trace,) = conn.execute(select(visitor_merges.c.id)).scalars()
    world.at(SERVER)
    unmerge_visitors(world.engines[SERVER], uuid.UUID(str(trace)), site_id=world.home[SERVER])
    late = world.export("C")
    world.receive(SERVER, late)  # Léa is two people there: the contact stays on Chenôve's
    assert world.receive("A", late).people_made_one == 1
    assert _person_of(world, typed) == {"A": kept, SERVER: twin, "C": twin}
    world.full_exchange()
    assert_same_data(world)
    assert set(_person_of(world, typed).values()) == {kept}
