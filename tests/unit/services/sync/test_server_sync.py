"""A PostgreSQL installation in a network of SQLite sites (issue 12, item 8): packages go both
ways, the data ends the same everywhere, erasures travel to and from the server, re-importing
changes nothing, and a hostile package is refused on the server as on a site."""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from helpers.sync_world import BIRTHS, DAYS, HOMES, LABELS, Package, World, typed_rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select
from test_convergence import run_history  # the random histories (every kind of operation)

from sarah.db import read_connection
from sarah.schema import audit_log, contacts, sync_peers, visitors
from sarah.services.database import open_database
from sarah.services.privacy.purge import erase_on_request
from sarah.services.sync.errors import SyncRefused
from sarah.services.sync.export import export_package
from sarah.services.sync.keys import NetworkKey, install_key, installed_key
from sarah.services.sync.package import read_package, write_package
from sarah.services.sync.receive import import_package
from sarah.services.sync.words import import_lines
from sarah.settings import load_settings

pytestmark = pytest.mark.postgres

SERVER = "B"  # Grésilles' installation is the network's PostgreSQL database
POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432"  # the pg_engine fixture's


@pytest.fixture
def world(tmp_path: Path, pg_engine: Engine) -> Iterator[World]:
    w = World.create(tmp_path, causal=False, servers={SERVER: pg_engine})
    yield w
    w.close()


def a_little_of_everything(world: World) -> None:
    """At each installation: people, contacts with services, a closed day, a merge; the same
    new site created at the server and at a site; a person recorded at two sites; edits and a
    deletion made after a first exchange."""
    for name, first in zip(HOMES, ("Léa", "Jean", "Aïcha"), strict=True):
        world.create_visitor(name, first, "F", BIRTHS[1])
        world.create_visitor(name, first, "H", None)
        services = [s for s, _label, _retired in world.services(name)][:2]
        world.log_contact(name, DAYS[1], "physique", world.visitors(name)[0], services)
        world.log_contact(name, DAYS[3], "telephone", None, services[:1])
        world.close_day(name, HOMES[name], DAYS[2])
        world.close_day(name, HOMES["A"], DAYS[3])  # the same day, marked at each installation
    world.merge_visitors(SERVER, *world.visitors(SERVER))
    for name in ("A", SERVER):
        world.add_site(name, "Quetigny")
        world.log_contact(name, DAYS[4], "physique", None, [], site=world.sites(name)[-1])
    world.add_service("C", LABELS[0])
    world.receive(SERVER, world.export("A"))
    assert world.create_twin("C", 0)  # A's first person, recorded at C unawares
    contact = world.contacts(SERVER)[0]
    world.update_contact(SERVER, contact, DAYS[0], "telephone", contact[1], [])
    world.delete_contact("A", world.contacts("A")[-1])


def assert_same_data(world: World) -> None:
    rows = {name: typed_rows(e) for name, e in world.engines.items()}
    for name in ("A", "C"):
        for table, held in rows[name].items():
            assert held == rows[SERVER][table], (table, name, "\n".join(world.log))
    reports = {name: world.reports(e) for name, e in world.engines.items()}
    assert reports["A"] == reports[SERVER] == reports["C"]
    # The statistics tables of every installation, the server's triggers included, stay exact.
    assert all(world.drift(e) == [] for e in world.engines.values())


def test_sites_and_a_server_exchange_both_ways_and_hold_the_same_data(world: World) -> None:
    a_little_of_everything(world)
    world.full_exchange()
    assert_same_data(world)
    merged_here = [r for r in world.imports if r.people_made_one]
    assert merged_here  # the person recorded at A and at C is one person
    server = world.engines[SERVER]
    with read_connection(server) as conn:
        live = conn.execute(
            select(func.count()).select_from(contacts).where(contacts.c.deleted_at.is_(None))
        ).scalar_one()
        heard = set(conn.execute(select(sync_peers.c.name)).scalars())
    assert live == 3 * 2 + 2 - 1  # two at each installation, two at Quetigny, one deleted
    assert heard == {HOMES["A"], HOMES["C"]}
    site_of_two = [s for s in world.reports(server)[2]["sites"] if s.startswith("Quetigny")]
    assert site_of_two == ["Quetigny"]  # created at A and at the server: one site


def test_a_package_written_by_the_server_opens_on_a_new_site(world: World, tmp_path: Path) -> None:
    a_little_of_everything(world)
    package = world.export(SERVER)
    fresh = open_database(tmp_path / "nouveau.sqlite")
    try:
        key = installed_key(world.engines[SERVER])
        assert key is not None
        install_key(fresh, key)
        world.at("nouveau")
        result = import_package(fresh, package.path)
        assert result.counts.new["contacts"] == len(typed_rows(world.engines[SERVER])["contacts"])
        assert typed_rows(fresh) == typed_rows(world.engines[SERVER])
    finally:
        fresh.dispose()


def test_importing_a_package_again_on_the_server_changes_nothing(world: World) -> None:
    a_little_of_everything(world)
    world.full_exchange()
    server = world.engines[SERVER]
    before = typed_rows(server)
    entries = _audit_count(server)
    for package in world.packages:
        if package.sender == SERVER:
            continue
        again = world.receive(SERVER, package)
        assert again.changed == 0, (package.path.name, again.counts)
        assert again.counts.both_sides == again.counts.duplicates_dropped == 0
        assert again.people_made_one == 0
        assert again.backup is None
    assert typed_rows(server) == before
    assert _audit_count(server) == entries  # nothing merged: no entry either


def _audit_count(engine: Engine) -> int:
    with read_connection(engine) as conn:
        return int(conn.execute(select(func.count()).select_from(audit_log)).scalar_one())


def test_a_dry_run_on_the_server_says_what_would_change_and_writes_nothing(
    world: World,
) -> None:
    a_little_of_everything(world)
    server = world.engines[SERVER]
    before, entries = typed_rows(server), _audit_count(server)
    package = world.export("C")
    world.at(SERVER)
    preview = import_package(server, package.path, dry_run=True)
    assert preview.dry_run and preview.counts.new["contacts"] == 2
    assert typed_rows(server) == before and _audit_count(server) == entries
    done = world.receive(SERVER, package)
    assert done.counts == preview.counts and done.people_made_one == preview.people_made_one
    assert "Paquet importé" in import_lines(done)[0]


def _erasures(engine: Engine) -> list[dict[str, object]]:
    with read_connection(engine) as conn:
        rows = conn.execute(select(audit_log.c.details).where(audit_log.c.action == "erase"))
        return [json.loads(d) for d in rows.scalars()]


def _last_name(engine: Engine, vid: object) -> str:
    with read_connection(engine) as conn:
        return str(
            conn.execute(select(visitors.c.last_name).where(visitors.c.id == vid)).scalar_one()
        )


def test_an_erasure_travels_to_the_server_and_from_it(world: World) -> None:
    world.create_visitor("A", "Léa", "F", date(2000, 3, 1))
    world.create_visitor(SERVER, "Jean", "H", date(1980, 1, 1))
    (lea,), (jean,) = world.visitors("A"), world.visitors(SERVER)
    world.log_contact("A", date(2025, 9, 15), "physique", lea, [])
    world.log_contact(SERVER, date(2026, 3, 10), "physique", jean, [])
    world.full_exchange()
    world.log_contact(SERVER, date(2026, 6, 30), "telephone", lea, [])  # only the server has it
    before = world.reports(world.engines[SERVER])
    server = world.engines[SERVER]

    # Erased at a site: the server erases too, ages its own contact of her, counts the same.
    world.at("A")
    erase_on_request(world.engines["A"], load_settings(), lea)
    result = world.receive(SERVER, world.export("A"))
    assert result.counts.erased == 1 and result.on_server
    assert result.backup is None and result.backups_replaced == []
    assert any("serveur" in line for line in import_lines(result))
    assert _last_name(server, lea) == ""
    with read_connection(server) as conn:
        ages = conn.execute(
            select(contacts.c.local_date, contacts.c.age_years).where(contacts.c.visitor_id == lea)
        ).all()
    assert sorted(ages) == [(date(2025, 9, 15), 25), (date(2026, 6, 30), 26)]
    assert _erasures(server) == [{"persons": 1, "reason": "sync", "sender": HOMES["A"]}]
    assert world.reports(server) == before

    # Erased on the server: the sites erase too.
    world.at(SERVER)
    erase_on_request(server, load_settings(), jean)
    package = world.export(SERVER)
    for name in ("A", "C"):
        assert world.receive(name, package).counts.erased == (1 if name == "A" else 2)
        assert _last_name(world.engines[name], jean) == ""
    world.full_exchange()
    assert_same_data(world)
    assert world.reports(world.engines["C"]) == before


# --- packages refused on the server as on a site ----------------------------------------------


def _rewrite_container(
    package: Path, key: NetworkKey, target: Path, change: Callable[[sqlite3.Connection], None]
) -> Path:
    """A package sealed with the network's key whose rows are not what SARAH writes."""
    container = target.with_suffix(".sqlite")
    read_package(package, key, container)
    with sqlite3.connect(container) as conn:
        change(conn)
    write_package(container, target, key)
    container.unlink()
    return target


def _bytes_changed(package: Path, target: Path, change: Callable[[bytes], bytes]) -> Path:
    target.write_bytes(change(package.read_bytes()))
    return target


def _flip_last(data: bytes) -> bytes:
    return data[:-20] + bytes([data[-20] ^ 1]) + data[-19:]


HOSTILE: dict[str, Callable[[Path, NetworkKey, Path], Path]] = {
    "tampered": lambda p, k, t: _bytes_changed(p, t, _flip_last),
    "truncated": lambda p, k, t: _bytes_changed(p, t, lambda d: d[: len(d) // 2]),
    "trailing_data": lambda p, k, t: _bytes_changed(p, t, lambda d: d + b"\x00" * 8),
    "not_a_package": lambda p, k, t: _bytes_changed(p, t, lambda d: b"PK\x03\x04" + d[4:]),
    "other_network": lambda p, k, t: _other_network(p, k, t),
    "invalid_content": lambda p, k, t: _rewrite_container(
        p, k, t, lambda c: c.execute("UPDATE contacts SET channel = 'pigeon'")
    ),
    "invalid_content (dangling)": lambda p, k, t: _rewrite_container(
        p, k, t, lambda c: c.execute("UPDATE contacts SET visitor_id = 'ab' || substr(id, 3)")
    ),
    "invalid_content (count)": lambda p, k, t: _rewrite_container(
        p, k, t, lambda c: c.execute("DELETE FROM closed_days")
    ),
    "invalid_content (id in capitals)": lambda p, k, t: _rewrite_container(
        p, k, t, lambda c: c.execute("UPDATE visitors SET id = upper(id)")
    ),
    "invalid_content (same id twice)": lambda p, k, t: _rewrite_container(
        p, k, t, _one_contact_twice
    ),
    "newer_schema": lambda p, k, t: _rewrite_container(
        p,
        k,
        t,
        lambda c: c.execute("UPDATE manifest SET json = json_set(json, '$.schema', '9999')"),
    ),
}


def _one_contact_twice(conn: sqlite3.Connection) -> None:
    """The same contact id twice, the manifest's counts made to agree."""
    conn.execute("INSERT INTO contacts SELECT * FROM contacts")
    manifest = json.loads(conn.execute("SELECT json FROM manifest").fetchone()[0])
    manifest["tables"]["contacts"]["rows"] *= 2
    manifest["tables"]["contacts"]["revision_sum"] *= 2
    conn.execute("UPDATE manifest SET json = ?", (json.dumps(manifest),))


def _other_network(package: Path, key: NetworkKey, target: Path) -> Path:
    container = target.with_suffix(".sqlite")
    read_package(package, key, container)
    write_package(container, target, NetworkKey.generate())
    container.unlink()
    return target


def _code(engine: Engine, package: Path) -> str:
    with pytest.raises(SyncRefused) as refusal:
        import_package(engine, package)
    assert package.name in refusal.value.message
    return refusal.value.code


@pytest.mark.parametrize("hostile", sorted(HOSTILE))
def test_a_hostile_package_is_refused_on_the_server_with_the_sites_code(
    world: World, tmp_path: Path, hostile: str
) -> None:
    world.create_visitor("A", "Léa", "F", date(2000, 3, 1))
    world.log_contact("A", DAYS[1], "physique", world.visitors("A")[0], [])
    world.close_day("A", HOMES["A"], DAYS[2])
    key = installed_key(world.engines["A"])
    assert key is not None
    bad = HOSTILE[hostile](world.export("A").path, key, tmp_path / "hostile.sarahsync")
    server, site = world.engines[SERVER], world.engines["C"]
    before, entries = typed_rows(server), _audit_count(server)
    world.at("C")
    on_site = _code(site, bad)
    world.at(SERVER)
    assert _code(server, bad) == on_site == hostile.split(" ")[0]
    assert typed_rows(server) == before and _audit_count(server) == entries
    with read_connection(server) as conn:
        assert conn.execute(select(func.count()).select_from(sync_peers)).scalar_one() == 0


def test_a_value_the_server_cannot_hold_refuses_the_whole_package(
    world: World, tmp_path: Path
) -> None:
    """SQLite keeps any text in a date column; the server refuses a day that does not exist,
    and with it the whole package (nothing written, the code of every other bad content)."""
    world.create_visitor("A", "Léa", "F", date(2000, 3, 1))
    world.log_contact("A", DAYS[1], "physique", world.visitors("A")[0], [])
    key = installed_key(world.engines["A"])
    assert key is not None
    bad = _rewrite_container(
        world.export("A").path,
        key,
        tmp_path / "jour.sarahsync",
        lambda c: c.execute("UPDATE contacts SET local_date = '2019-02-30'"),
    )
    server = world.engines[SERVER]
    before = typed_rows(server)
    world.at(SERVER)
    assert _code(server, bad) == "invalid_content"
    assert typed_rows(server) == before


def test_a_server_without_the_network_key_says_so(pg_engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(SyncRefused) as refusal:
        export_package(pg_engine, tmp_path / "x.sarahsync", name="Coordination")
    assert refusal.value.code == "no_key"


def test_the_exchange_folder_carries_packages_between_a_site_and_the_server(
    world: World, tmp_path: Path
) -> None:
    from sarah.ui.sync.exchange_round import exchange_round

    folder = tmp_path / "echange"
    folder.mkdir()
    world.create_visitor("A", "Léa", "F", date(2000, 3, 1))
    world.log_contact("A", DAYS[1], "physique", world.visitors("A")[0], [])
    world.log_contact(SERVER, DAYS[2], "telephone", None, [])
    rounds = []
    for name in ("A", SERVER, "A"):  # the site deposits, the server takes it and deposits its own
        world.at(name)
        rounds.append(exchange_round(world.engines[name], folder, HOMES[name]))
    senders = [[o.result.sender for o in r.received if o.result] for r in rounds]
    assert senders == [[], [HOMES["A"]], [HOMES[SERVER]]]
    assert all(r.exported is not None for r in rounds)
    assert typed_rows(world.engines["A"]) == typed_rows(world.engines[SERVER])
    assert len(list(folder.glob("*.sarahsync"))) == 2  # one package per installation


def test_the_command_line_on_a_server(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`sarah --db postgresql://… sync export / import`: a package out, a site's package in
    (JSON says it went to a server, with no SQLite backup), a cut package refused, exit 2."""
    from sarah.cli import main

    url = world.engines[SERVER].url.render_as_string(hide_password=False)
    world.log_contact("A", DAYS[1], "physique", None, [])
    site_package = world.export("A")
    world.at(SERVER)
    package = tmp_path / "serveur.sarahsync"
    export = ["--db", url, "sync", "export", "--output", str(package), "--name", HOMES[SERVER]]
    assert main(export) == 0
    assert main(["--db", url, "sync", "import", str(site_package.path), "--format", "json"]) == 0
    said = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert said["new"]["contacts"] == 1 and said["on_server"] and said["backup"] is None
    cut = tmp_path / "coupe.sarahsync"
    cut.write_bytes(package.read_bytes()[:300])
    assert main(["--db", url, "sync", "import", str(cut)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Erreur : ") and "coupe.sarahsync" in err and "Traceback" not in err
    world.at("C")
    assert world.receive("C", Package(package, SERVER, frozenset())).counts.new["sites"] == 1


# --- random histories with a server -----------------------------------------------------------


@contextlib.contextmanager
def server_database() -> Iterator[Engine]:
    """A fresh migrated PostgreSQL database for one hypothesis example (as the pg_engine
    fixture, which is made once per test), dropped afterwards."""
    from sqlalchemy import create_engine, text

    name = f"sarah_sync_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine = open_database(f"{POSTGRES_SERVER}/{name}")
        try:
            yield engine
        finally:
            engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.slow
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_histories_with_a_server_end_with_the_same_data(
    pg_engine: Engine, data: st.DataObject
) -> None:  # pg_engine: skipped where no server answers
    """test_convergence's random histories (every kind of operation, duplicates, stale
    packages, relays), with Grésilles' installation on the server."""
    root = Path(tempfile.mkdtemp(prefix="sarah-sync-server-"))
    try:
        with server_database() as server:
            world = World.create(root, causal=False, servers={SERVER: server})
            try:
                run_history(world, data)
                assert_same_data(world)
            finally:
                world.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)
