"""Small fixed cases of the merge rules, one per bug the convergence property test found."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from sarah.services.database import open_database
from sarah.services.sites import ensure_site, list_sites
from sarah.services.sync.container import TABLES
from sarah.services.sync.export import export_package
from sarah.services.sync.keys import NetworkKey, install_key
from sarah.services.sync.receive import import_package
from sarah.services.visitors import create_visitor, update_visitor


def installation(path: Path, key: NetworkKey, home: str) -> Engine:
    engine = open_database(path)
    install_key(engine, key)
    ensure_site(engine, home)
    return engine


def rows_of(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every travelling row but the sites' (their last write here is local bookkeeping)."""
    with sqlite3.connect(db) as conn:
        return {
            t.name: sorted(conn.execute(f"SELECT * FROM {t.name}").fetchall(), key=repr)
            for t in TABLES
            if t.name != "sites"
        }


def test_two_imports_through_one_engine_both_merge(tmp_path: Path) -> None:
    # The merge's temp tables outlived its COMMIT on the pooled connection: the second import
    # through the same engine failed with "table site_map already exists".
    key = NetworkKey.generate()
    a = installation(tmp_path / "a.sqlite", key, "Grésilles")
    b = installation(tmp_path / "b.sqlite", key, "Chenôve")
    try:
        package = export_package(a, tmp_path / "a.sarahsync", name="Grésilles").path
        assert import_package(b, package).counts.new["sites"] == 1
        again = import_package(b, package)
        assert sum(again.counts.new.values()) + sum(again.counts.updated.values()) == 0
    finally:
        a.dispose()
        b.dispose()


def test_the_catalogue_each_installation_was_born_with_ends_the_same_everywhere(
    tmp_path: Path,
) -> None:
    # Migration 0001 writes the catalogue at each installation with that moment's timestamps
    # and no version: every copy had the same version (0, none), so each installation kept its
    # own and their rows never became the same. Now the older copy wins.
    key = NetworkKey.generate()
    a = installation(tmp_path / "a.sqlite", key, "Grésilles")
    b = installation(tmp_path / "b.sqlite", key, "Chenôve")
    # B was born an hour later (said outright rather than waited for: timestamps are to the
    # second, and two installations made in the same second would carry the same ones).
    conn = sqlite3.connect(tmp_path / "b.sqlite")
    with conn:
        conn.execute(
            "UPDATE services SET created_at = datetime(created_at, '+1 hour'), "
            "updated_at = datetime(updated_at, '+1 hour')"
        )
    conn.close()
    try:
        assert (
            rows_of(tmp_path / "a.sqlite")["services"] != rows_of(tmp_path / "b.sqlite")["services"]
        )
        from_a = export_package(a, tmp_path / "a.sarahsync", name="Grésilles").path
        from_b = export_package(b, tmp_path / "b.sarahsync", name="Chenôve").path
        import_package(a, from_b)
        import_package(b, from_a)
        assert rows_of(tmp_path / "a.sqlite") == rows_of(tmp_path / "b.sqlite")
        for package in (from_a, from_b):  # and nothing moves any more
            for engine in (a, b):
                again = import_package(engine, package)
                assert sum(again.counts.new.values()) + sum(again.counts.updated.values()) == 0
    finally:
        a.dispose()
        b.dispose()


def test_a_package_imported_twice_reports_no_change_made_on_both_sides(tmp_path: Path) -> None:
    # What was seen of a writer was read from the rows held: once B changed A's row, A's
    # change looked unseen, and every later import of A's old package reported a change made
    # on both sides. What was ever received of each writer is kept now (sync_seen).
    key = NetworkKey.generate()
    a = installation(tmp_path / "a.sqlite", key, "Grésilles")
    b = installation(tmp_path / "b.sqlite", key, "Chenôve")
    try:
        person = create_visitor(a, last_name="Martin", site_id=list_sites(a)[0].id)
        package = export_package(a, tmp_path / "a.sarahsync", name="Grésilles").path
        import_package(b, package)
        chenove = next(s.id for s in list_sites(b) if s.name == "Chenôve")
        # Changed at B after B had A's version: not a change made on both sides.
        update_visitor(
            b,
            person.id,
            last_name="Martin",
            first_name="Léa",
            sex=None,
            birth_date=None,
            site_id=chenove,
        )
        again = import_package(b, package)
        assert again.changed == 0
        assert again.counts.both_sides == 0
    finally:
        a.dispose()
        b.dispose()


def test_a_site_made_one_is_counted_once(tmp_path: Path) -> None:
    # Every later import of a package holding the site made one (under its first name, or
    # renamed) counted it again: "1 site made one" on every exchange after.
    key = NetworkKey.generate()
    a = installation(tmp_path / "a.sqlite", key, "Grésilles")
    b = installation(tmp_path / "b.sqlite", key, "Chenôve")
    try:
        for engine in (a, b):
            ensure_site(engine, "Quetigny")  # created at both, unawares
        old_b = export_package(b, tmp_path / "b-old.sarahsync", name="Chenôve").path
        assert import_package(a, old_b).counts.sites_made_one == 1
        from_a = export_package(a, tmp_path / "a.sarahsync", name="Grésilles").path
        import_package(b, from_a)  # 1, or 0 when B's site is the one kept (the other comes dead)
        new_b = export_package(b, tmp_path / "b.sarahsync", name="Chenôve").path
        for engine, package in ((a, old_b), (a, new_b), (b, from_a), (b, old_b)):
            assert import_package(engine, package).counts.sites_made_one == 0
        assert [s.name for s in list_sites(a)] == [s.name for s in list_sites(b)]
    finally:
        a.dispose()
        b.dispose()


def test_an_edit_made_at_two_places_is_reported_on_both_sides(tmp_path: Path) -> None:
    key = NetworkKey.generate()
    a = installation(tmp_path / "a.sqlite", key, "Grésilles")
    b = installation(tmp_path / "b.sqlite", key, "Chenôve")
    try:
        person = create_visitor(a, last_name="Martin", site_id=list_sites(a)[0].id)
        import_package(b, export_package(a, tmp_path / "a0.sarahsync", name="Grésilles").path)
        for engine, first in ((a, "Léa"), (b, "Jean")):  # each unaware of the other's
            site = next(s.id for s in list_sites(engine) if s.name in ("Grésilles", "Chenôve"))
            update_visitor(
                engine,
                person.id,
                last_name="Martin",
                first_name=first,
                sex=None,
                birth_date=None,
                site_id=site,
            )
        from_a = export_package(a, tmp_path / "a.sarahsync", name="Grésilles").path
        from_b = export_package(b, tmp_path / "b.sarahsync", name="Chenôve").path
        assert import_package(a, from_b).counts.both_sides == 1
        assert import_package(b, from_a).counts.both_sides == 1
        assert import_package(a, from_b).counts.both_sides == 0  # said once
    finally:
        a.dispose()
        b.dispose()


def test_an_edit_made_after_seeing_the_other_is_not_reported_on_both_sides(
    tmp_path: Path,
) -> None:
    key = NetworkKey.generate()
    a = installation(tmp_path / "a.sqlite", key, "Grésilles")
    b = installation(tmp_path / "b.sqlite", key, "Chenôve")
    try:
        person = create_visitor(a, last_name="Martin", site_id=list_sites(a)[0].id)
        import_package(b, export_package(a, tmp_path / "a.sarahsync", name="Grésilles").path)
        chenove = next(s.id for s in list_sites(b) if s.name == "Chenôve")
        update_visitor(
            b,
            person.id,
            last_name="Martin",
            first_name="Léa",
            sex=None,
            birth_date=None,
            site_id=chenove,
        )  # B had A's version: B's edit follows it
        back = import_package(a, export_package(b, tmp_path / "b.sarahsync", name="Chenôve").path)
        assert back.counts.updated["visitors"] == 1
        assert back.counts.both_sides == 0
    finally:
        a.dispose()
        b.dispose()


def test_one_person_made_one_at_two_installations_is_no_change_on_both_sides(
    tmp_path: Path,
) -> None:
    key = NetworkKey.generate()
    a = installation(tmp_path / "a.sqlite", key, "Grésilles")
    c = installation(tmp_path / "c.sqlite", key, "Chenôve")
    try:
        for engine in (a, c):  # the same person, at each site, unawares
            create_visitor(
                engine,
                last_name="Martin",
                first_name="Léa",
                birth_date=date(1990, 5, 1),
                site_id=list_sites(engine)[0].id,
            )
        from_a = export_package(a, tmp_path / "a0.sarahsync", name="Grésilles").path
        from_c = export_package(c, tmp_path / "c0.sarahsync", name="Chenôve").path
        assert import_package(a, from_c).people_made_one == 1
        assert import_package(c, from_a).people_made_one == 1
        back = import_package(a, export_package(c, tmp_path / "c.sarahsync", name="Chenôve").path)
        assert back.counts.both_sides == 0
        assert back.changed == 0
    finally:
        a.dispose()
        c.dispose()
