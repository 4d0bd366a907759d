"""Versions for sync (docs/sync.md): every change takes the installation's next clock value and
names this installation, whichever way it was written (a desk save, an import, a merge)."""

from __future__ import annotations

import shutil
import uuid
from datetime import date, time
from pathlib import Path

from sqlalchemy import Engine, text

from sarah.services.catalogue import add_service
from sarah.services.contacts import ContactDraft, delete_contact, log_contact
from sarah.services.database import open_database
from sarah.services.imports.run import import_file
from sarah.services.sites import ensure_site
from sarah.services.visitors import create_visitor, merge_visitors

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "databases"


def _me(engine: Engine) -> uuid.UUID:
    with engine.connect() as conn:
        # str(): SQLite gives the 32 hex digits, PostgreSQL a uuid.UUID
        return uuid.UUID(str(conn.execute(text("SELECT id FROM installation")).scalar_one()))


def _clock(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT clock FROM installation")).scalar_one())


def _versions(engine: Engine, table: str) -> set[tuple[int, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(text(f"SELECT revision, changed_by FROM {table}")).all()
    return {(int(r), None if c is None else uuid.UUID(str(c)).hex) for r, c in rows}


def test_each_change_takes_the_next_clock_value_and_names_this_installation(
    engine: Engine,
) -> None:
    me = _me(engine).hex
    site = ensure_site(engine, "Grésilles")
    person = create_visitor(engine, last_name="Durand", first_name="Léa", site_id=site.id)
    first = _clock(engine)
    saved = log_contact(engine, ContactDraft(site.id, "physique", date(2019, 1, 7), time(10)))
    assert _clock(engine) == first + 1
    assert _versions(engine, "contacts") == {(first + 1, me)}
    delete_contact(engine, saved.id)
    assert _versions(engine, "contacts") == {(first + 2, me)}  # the tombstone is a new version
    assert _versions(engine, "visitors") == {(first, me)}
    assert person.id is not None


def test_bulk_writes_name_this_installation_too(engine: Engine, tmp_path: Path) -> None:
    me = _me(engine).hex
    csv = tmp_path / "c.csv"
    csv.write_text(
        "date;heure;site;canal;nom;prenom;sexe;date_naissance;services\n"
        "07/01/2019;10:00;Grésilles;physique;Durand;Léa;F;01/02/1990;\n"
        "08/01/2019;11:00;Grésilles;telephone;Durand;Lea;F;;\n",
        encoding="utf-8",
    )
    import_file(engine, csv)
    assert {c for _r, c in _versions(engine, "contacts")} == {me}
    assert {c for _r, c in _versions(engine, "visitors")} == {me}
    with engine.connect() as conn:
        kept, twin = conn.execute(text("SELECT id FROM visitors ORDER BY first_name")).scalars()
    site = ensure_site(engine, "Grésilles")
    before = _clock(engine)
    merge_visitors(engine, uuid.UUID(str(kept)), uuid.UUID(str(twin)), site_id=site.id)
    moved = _versions(engine, "contacts")
    assert (before + 1, me) in moved  # the contact moved onto the kept record is a new version
    assert {c for _r, c in moved} == {me}


def test_a_change_without_a_site_still_takes_a_new_version(engine: Engine) -> None:
    before = _clock(engine)
    add_service(engine, "Atelier numérique")  # a coordinator's catalogue edit: no site
    with engine.connect() as conn:
        revision = conn.execute(
            text("SELECT revision FROM services WHERE label = 'Atelier numérique'")
        ).scalar_one()
    assert revision == before + 1 == _clock(engine)


def test_the_clock_starts_past_every_revision_already_stored(tmp_path: Path) -> None:
    copy = tmp_path / "old.sqlite"
    shutil.copy(FIXTURES / "schema-0003.sqlite", copy)
    engine = open_database(copy)
    try:
        highest = max(
            r for table in ("sites", "contacts", "visitors") for r, _c in _versions(engine, table)
        )
        assert _clock(engine) >= highest
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM installation")).scalar_one() == 1
            # Rows written before versions existed name no installation.
            assert conn.execute(text("SELECT count(changed_by) FROM contacts")).scalar_one() == 0
    finally:
        engine.dispose()
