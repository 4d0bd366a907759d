"""`sarah sync import` on a PostgreSQL installation (docs/sync.md, "On a PostgreSQL server").

The package is opened and checked as on SQLite, SQLite-side: the envelope, the container and
the shape of every id, before anything reaches the server. Then one transaction on the server:
the container's tables copied into TEMP tables, this installation's row locked (every versioned
write moves its clock first, so the desks' saves wait for the merge and the merge for them,
without deadlock), the plan, the shape and references of every row it would write
(SQLite-side, as on a site), the merge (server_merge, server_identity), the sender remembered,
the audit entry; COMMIT, or ROLLBACK for a dry run. A value the server cannot hold or a row
that contradicts another (SQLSTATE classes 22 and 23) refuses the whole package, as SQLite's
integrity errors do: nothing is written.

A server has no SQLite backups: none is taken before the merge and none replaced after an
erasure; the server's own backups (pg_dump, docs/serveur.md) hold an erased identity until
they are renewed, which the import says.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Connection, Engine

from sarah import schema
from sarah.db import translate_errors
from sarah.services.audit.actor import current_actor
from sarah.services.audit.log import record
from sarah.services.sync.merge import VERSIONED, MergeCounts
from sarah.services.sync.server_identity import make_people_one
from sarah.services.sync.server_merge import apply_merge, plan_merge
from sarah.services.sync.server_rows import BATCH_ROWS, load_into_temp_tables
from sarah.services.sync.validate import InvalidContent, check_ids, check_rows

DATA_EXCEPTION = "22"  # SQLSTATE classes: a value the server cannot hold
INTEGRITY_VIOLATION = "23"  # a row that contradicts another (key, reference, uniqueness)


@dataclass(frozen=True)
class ServerMerge:
    counts: MergeCounts
    people_made_one: int


def check_container_ids(container: Path, package: Path) -> None:
    """validate.check_ids on the container, before the server reads any of it."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("ATTACH DATABASE ? AS pkg", (f"file:{container.as_posix()}?mode=ro",))
        check_ids(conn, package)
    finally:
        conn.close()


def check_winners(pg: Any, container: Path, package: Path) -> None:
    """validate.check_rows, SQLite-side, over the rows the plan would write (as on a site:
    rows already held at their version are never written, so they need no look). The plan's
    ``won_<table>`` ids are copied from the server into the checking connection."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("ATTACH DATABASE ? AS pkg", (f"file:{container.as_posix()}?mode=ro",))
        for table in VERSIONED:
            conn.execute(f"CREATE TEMP TABLE won_{table.name} (id TEXT PRIMARY KEY)")
            insert = f"INSERT INTO temp.won_{table.name} (id) VALUES (?)"
            with pg.cursor() as cursor:
                cursor.execute(f"SELECT replace(id::text, '-', '') FROM won_{table.name}")
                while rows := cursor.fetchmany(BATCH_ROWS):
                    conn.executemany(insert, rows)
        check_rows(conn, package)
    finally:
        conn.close()


def sender_id(manifest: dict[str, object], package: Path) -> uuid.UUID:
    """The sending installation's id; a package whose manifest names none is not SARAH's."""
    who = manifest["installation"]
    try:
        assert isinstance(who, dict)
        return uuid.UUID(str(who.get("id")))
    except (AssertionError, ValueError):
        raise InvalidContent(
            f"Le paquet {package.name} s'ouvre avec la clé du réseau mais ne contient pas ce "
            "qu'écrit SARAH (installation d'origine illisible). Il n'a pas été importé ; rien "
            "n'a été modifié."
        ) from None


def _incoherent(package: Path) -> InvalidContent:
    return InvalidContent(
        f"Le paquet {package.name} est incohérent avec cette installation (des lignes renvoient "
        "à des fiches absentes, deux fiches différentes portent le même code, ou une valeur ne "
        "tient pas dans la base du serveur). Il n'a pas été importé ; rien n'a été modifié."
    )


@contextmanager
def _refused_as_incoherent(package: Path) -> Iterator[None]:
    try:
        yield
    except psycopg.Error as exc:
        if (exc.sqlstate or "")[:2] in (DATA_EXCEPTION, INTEGRITY_VIOLATION):
            raise _incoherent(package) from None
        raise


def _when(text: object) -> datetime:
    """The sender's wall-clock time of writing, to the second; now when it cannot be read."""
    try:
        return datetime.fromisoformat(str(text)).replace(microsecond=0, tzinfo=None)
    except ValueError:
        return datetime.now().replace(microsecond=0)


def _remember_sender(pg: Any, manifest: dict[str, object], sender: uuid.UUID) -> None:
    who = manifest["installation"]
    assert isinstance(who, dict)
    pg.execute(
        "INSERT INTO sync_peers (installation_id, name, exported_at, received_at, clock, "
        "manifest) VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (installation_id) DO UPDATE SET "
        "name = excluded.name, exported_at = excluded.exported_at, "
        "received_at = excluded.received_at, clock = excluded.clock, "
        "manifest = excluded.manifest WHERE excluded.exported_at >= sync_peers.exported_at",
        (
            sender,
            str(who.get("name") or "?"),
            _when(manifest.get("exported_at", "")),
            datetime.now().replace(microsecond=0),
            int(who.get("clock") or 0),
            json.dumps({k: manifest[k] for k in ("sites", "tables", "program", "schema")}),
        ),
    )


def _record_received(
    conn: Connection, package: Path, manifest: dict[str, object], merged: ServerMerge
) -> None:
    who = manifest["installation"]
    sender = str(who.get("name")) if isinstance(who, dict) else "?"
    counts = merged.counts
    details = {
        "sender": sender,
        "new": sum(counts.new.values()),
        "updated": sum(counts.updated.values()),
        "people_made_one": merged.people_made_one,
    }
    record(conn, current_actor(), "sync_import", package.name, details)
    if counts.erased:
        record(
            conn,
            current_actor(),
            "erase",
            package.name,
            {"reason": "sync", "sender": sender, "persons": counts.erased},
        )


def _highest(manifest: dict[str, object]) -> dict[str, int]:
    highest = manifest["highest"]
    assert isinstance(highest, dict)
    return {str(k): int(v) for k, v in highest.items()}


def merge_on_server(
    engine: Engine,
    container: Path,
    manifest: dict[str, object],
    package: Path,
    *,
    keep: bool,
) -> ServerMerge:
    """Plan and merge in one transaction; committed with ``keep``, else rolled back (the dry
    run's exact preview). A package that brings nothing new only says when its sender was
    last heard of (and what it had seen of each writer)."""
    sender = sender_id(manifest, package)
    check_container_ids(container, package)
    with translate_errors(), engine.connect() as conn:
        with conn.begin() as transaction:
            pg: Any = conn.connection.driver_connection
            assert pg is not None
            with _refused_as_incoherent(package):
                # Before the lock: desks save meanwhile. A contact's services are only read
                # when its version wins (a package that brings nothing never copies them).
                load_into_temp_tables(pg, container, VERSIONED)
                (me,) = pg.execute("SELECT id FROM installation FOR UPDATE").fetchone()
                counts = plan_merge(pg, _highest(manifest), me)
                check_winners(pg, container, package)
                merged = ServerMerge(counts, 0)
                if sum(counts.new.values()) + sum(counts.updated.values()):
                    load_into_temp_tables(pg, container, (schema.contact_services,))
                    apply_merge(pg, counts)
                    merged = ServerMerge(counts, make_people_one(pg))
                    if keep:
                        _record_received(conn, package, manifest, merged)
                if sender != me:
                    _remember_sender(pg, manifest, sender)
            if not keep:
                transaction.rollback()
    return merged
