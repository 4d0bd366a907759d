"""Schema 0003: the merge trace keeps the contacts moved and the survivor before the merge.

A database of schema 0002 holding a merge made by the SARAH of that time migrates keeping the
merge, the records and the contacts; that old merge is still listed on the person's page but
cannot be undone (which contacts it moved was not written down), and the page says why. A
merge made after the migration can be undone. Going down to 0002 and up again keeps every row.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, time
from pathlib import Path

from alembic import command
from sqlalchemy import Engine, text

from sarah.db import (
    alembic_config,
    create_db_engine,
    current_revision,
    head_revision,
)
from sarah.services.contacts import ContactDraft, log_contact
from sarah.services.database import open_database
from sarah.services.statistics.upkeep import statistics_drift
from sarah.services.visitor_history import visitor_history
from sarah.services.visitor_merges import unmerge_visitors
from sarah.services.visitors import create_visitor, merge_visitors


def _legacy_merge(engine: Engine, survivor: uuid.UUID, absorbed: uuid.UUID) -> None:
    """What merge_visitors wrote under schema 0002 (count and absorbed profile only)."""
    now = datetime(2019, 3, 1, 17, 5)
    with engine.begin() as conn:
        params = {"s": survivor.hex, "a": absorbed.hex, "now": now}
        conn.execute(text("UPDATE contacts SET visitor_id = :s WHERE visitor_id = :a"), params)
        conn.execute(
            text("UPDATE visitors SET merged_into_id = :s, deleted_at = :now WHERE id = :a"),
            params,
        )
        conn.execute(
            text(
                "INSERT INTO visitor_merges (id, survivor_id, absorbed_id, merged_at, "
                "moved_contacts, absorbed_profile, agent, revision) "
                "VALUES (:id, :s, :a, :now, 1, :profile, 'Nadia', 0)"
            ),
            {
                **params,
                "id": uuid.uuid4().hex,
                "profile": json.dumps({"last_name": "Durand", "first_name": "Lea"}),
            },
        )


def test_a_merge_made_under_schema_0002_is_kept_and_explained(tmp_path: Path) -> None:
    path = tmp_path / "sarah.sqlite"
    old = create_db_engine(path)
    with old.begin() as conn:
        command.upgrade(alembic_config(conn), "0002")
    # What the SARAH of schema 0002 had written (today's services write today's schema).
    site_id, kept_id, twin_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    with old.begin() as conn:
        conn.execute(
            text("INSERT INTO sites (id, name, position) VALUES (:id, 'Grésilles', 1)"),
            {"id": site_id.hex},
        )
        for vid, first, key in ((kept_id, "Léa", "durand lea"), (twin_id, "Lea", "durand lea")):
            conn.execute(
                text(
                    "INSERT INTO visitors (id, last_name, first_name, search_key, origin_site_id) "
                    "VALUES (:id, 'Durand', :first, :key, :site)"
                ),
                {"id": vid.hex, "first": first, "key": key, "site": site_id.hex},
            )
        for vid, day in ((kept_id, "2019-01-07"), (twin_id, "2019-02-11")):
            conn.execute(
                text(
                    "INSERT INTO contacts (id, site_id, local_date, local_time, entered_at, "
                    "channel, visitor_id, origin_site_id) VALUES (:id, :site, :day, "
                    "'10:00:00.000000', :day || ' 10:00:00.000000', 'physique', :v, :site)"
                ),
                {"id": uuid.uuid4().hex, "site": site_id.hex, "day": day, "v": vid.hex},
            )
    _legacy_merge(old, kept_id, twin_id)
    old.dispose()

    engine = open_database(path)
    try:
        assert current_revision(engine) == head_revision()
        with engine.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT moved_contacts, moved_contact_ids, survivor_profile FROM visitor_merges"
                )
            ).one()
            on_kept = conn.execute(
                text("SELECT count(*) FROM contacts WHERE visitor_id = :k"), {"k": kept_id.hex}
            ).scalar_one()
        assert tuple(row) == (1, None, None) and on_kept == 2
        [trace] = visitor_history(engine, twin_id).merges  # the old id opens the kept record
        assert trace.absorbed_name == "DURAND Lea" and not trace.can_undo
        assert "ne notait pas quels contacts" in (trace.undo_blocker or "")
        assert statistics_drift(engine) == []

        # A merge made now can be undone, on the same migrated file.
        other = create_visitor(engine, last_name="Martin", first_name="Paul", site_id=site_id)
        again = create_visitor(engine, last_name="Martin", first_name="Paul", site_id=site_id)
        log_contact(engine, ContactDraft(site_id, "physique", date(2019, 4, 1), time(9), again.id))
        merge_visitors(engine, other.id, again.id, site_id=site_id)
        [fresh] = visitor_history(engine, other.id).merges
        assert fresh.can_undo
        assert unmerge_visitors(engine, fresh.id, site_id=site_id).contacts_back == 1

        with engine.begin() as conn:  # down to 0002 and up again: no row lost
            command.downgrade(alembic_config(conn), "0002")
        with engine.begin() as conn:
            assert conn.execute(text("SELECT count(*) FROM visitor_merges")).scalar_one() == 2
            command.upgrade(alembic_config(conn), "head")
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
