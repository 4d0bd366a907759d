"""`sarah sync export`: everything this installation holds, in one package (docs/sync.md).

A package holds every travelling row, its own and those received, so that any one package is
enough on its own: nobody needs to know what the other side already has. The rows are read in
one snapshot (a read transaction: the desk goes on writing meanwhile), copied into a container
by SQLite itself (from a PostgreSQL server: by sqlite3, in batches), and sealed with the
network key.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from sarah import __version__
from sarah.db import BUSY_TIMEOUT_MS, head_revision, sqlite_path, translate_errors, write_session
from sarah.services.audit.actor import current_actor
from sarah.services.audit.log import record
from sarah.services.sync.container import FORMAT as CONTAINER_FORMAT
from sarah.services.sync.container import (
    TABLES,
    column_list,
    create_tables,
    scratch_file,
    write_manifest,
)
from sarah.services.sync.errors import NoKey
from sarah.services.sync.keys import installed_key
from sarah.services.sync.package import write_package
from sarah.services.sync.server_rows import copy_rows_out, hex_id


@dataclass(frozen=True)
class ExportResult:
    path: Path
    installation: str
    sites: list[dict[str, object]]  # name, contacts (live), of every site the package holds
    rows: int
    size: int


def no_key_here(package: Path | None = None) -> NoKey:
    about = (
        f"le paquet {package.name} ne peut pas être lu"
        if package
        else "aucun paquet ne peut être écrit ni lu"
    )
    return NoKey(
        f"Cette installation n'a pas de clé de réseau : {about}. "
        "À la coordination : sarah sync key create --output cle-reseau.txt ; sur chaque poste : "
        "sarah sync key import cle-reseau.txt."
    )


def _manifest(conn: sqlite3.Connection, name: str) -> dict[str, object]:
    """What the package says of itself (read in the export's snapshot)."""
    me, clock = conn.execute("SELECT id, clock FROM main.installation").fetchone()
    seen = conn.execute("SELECT writer, top FROM main.sync_seen").fetchall()
    return manifest_of(conn, name, str(me), int(clock), seen)


def manifest_of(
    conn: sqlite3.Connection,
    name: str,
    me: str,
    clock: int,
    seen: list[tuple[str, int]],
) -> dict[str, object]:
    """The manifest of the container attached to ``conn`` as ``pkg``: its counts, sites and
    writers, with who writes it (``me``: its id as stored on SQLite, 32 hex digits), its clock
    and what it ever received of each writer (``seen``, sync_seen), read in the same snapshot
    as the rows."""
    tables: dict[str, dict[str, int]] = {}
    for t in TABLES:
        revision = "revision" if "revision" in t.c else "0"
        rows, total = conn.execute(
            f"SELECT count(*), coalesce(sum({revision}), 0) FROM pkg.{t.name}"
        ).fetchone()
        tables[t.name] = {"rows": int(rows), "revision_sum": int(total)}
    per_site = {
        sid: (int(n), int(top or 0))
        for sid, n, top in conn.execute(
            "SELECT site_id, sum(deleted_at IS NULL), max(revision) FROM pkg.contacts "
            "GROUP BY site_id"
        )
    }
    sites = [
        {
            "id": sid,
            "name": sname,
            "deleted": deleted is not None,
            "contacts": per_site.get(sid, (0, 0))[0],  # live ones
            "highest_revision": per_site.get(sid, (0, 0))[1],  # of its contacts, tombstones too
        }
        for sid, sname, deleted in conn.execute(
            "SELECT id, name, deleted_at FROM pkg.sites ORDER BY name"
        )
    ]
    highest: dict[str, int] = {}
    for t in TABLES:
        if "changed_by" not in t.c:
            continue
        query = f"SELECT changed_by, max(revision) FROM pkg.{t.name} GROUP BY changed_by"
        for by, top in conn.execute(query):
            key = by or ""
            highest[key] = max(highest.get(key, 0), int(top))
    # What was ever received of each writer counts too: a writer's change replaced here since
    # (by a newer one) is still a change this installation has seen.
    for by, top in seen:
        highest[str(by)] = max(highest.get(str(by), 0), int(top))
    return {
        "format": CONTAINER_FORMAT,
        "schema": head_revision(),
        "program": __version__,
        "installation": {"id": me, "name": name, "clock": int(clock)},
        "exported_at": datetime.now().replace(microsecond=0).isoformat(),
        "tables": tables,
        "sites": sites,
        "highest": highest,
    }


def fill_container(db: Path, container: Path, name: str) -> dict[str, object]:
    """Copy every travelling row of ``db`` into ``container``, in one snapshot; the manifest."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("ATTACH DATABASE ? AS pkg", (str(container),))
        conn.execute("PRAGMA pkg.journal_mode=OFF")  # a scratch file: nothing to roll back to
        conn.execute("PRAGMA pkg.synchronous=OFF")
        create_tables(conn, "pkg")
        conn.execute("BEGIN")  # one snapshot of main for every table
        for table in TABLES:
            cols = column_list(table)
            conn.execute(
                f"INSERT INTO pkg.{table.name} ({cols}) SELECT {cols} FROM main.{table.name}"
            )
        manifest = _manifest(conn, name)
        write_manifest(conn, "pkg", manifest)
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE pkg")
    finally:
        conn.close()
    return manifest


def fill_container_from_server(engine: Engine, container: Path, name: str) -> dict[str, object]:
    """:func:`fill_container` for a PostgreSQL installation: the rows read in one snapshot (a
    read-only REPEATABLE READ transaction: the desks go on writing meanwhile), written into the
    container by sqlite3 in bounded batches, values as SQLite stores them (server_rows)."""
    snapshot = engine.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    with snapshot.connect() as conn, conn.begin():
        me, clock = conn.exec_driver_sql("SELECT id, clock FROM installation").one()
        seen = [
            (hex_id(writer), int(top))
            for writer, top in conn.exec_driver_sql("SELECT writer, top FROM sync_seen")
        ]
        copy_rows_out(conn, container)
    sq = sqlite3.connect(":memory:", isolation_level=None)
    try:
        sq.execute("ATTACH DATABASE ? AS pkg", (str(container),))
        manifest = manifest_of(sq, name, hex_id(me), int(clock), seen)
        write_manifest(sq, "pkg", manifest)
        sq.execute("DETACH DATABASE pkg")
    finally:
        sq.close()
    return manifest


def export_package(engine: Engine, output: Path, *, name: str) -> ExportResult:
    """Write this installation's package to ``output`` (replaced atomically; nothing left
    behind on failure). ``name`` says who sends it (the home site, or the coordination)."""
    db = sqlite_path(engine)
    key = installed_key(engine)
    if key is None:
        raise no_key_here()
    with scratch_file(".sqlite") as container, translate_errors():
        if db is None:
            manifest = fill_container_from_server(engine, container, name)
        else:
            manifest = fill_container(db, container, name)
        write_package(container, output, key)
    tables = manifest["tables"]
    assert isinstance(tables, dict)
    sites = manifest["sites"]
    assert isinstance(sites, list)
    rows = sum(int(t["rows"]) for t in tables.values())
    with write_session(engine) as session:  # after the file is written: only a sent one is logged
        record(session, current_actor(), "sync_export", output.name, {"sender": name, "rows": rows})
    return ExportResult(
        path=output,
        installation=name,
        sites=[{"name": s["name"], "contacts": s["contacts"]} for s in sites if not s["deleted"]],
        rows=rows,
        size=output.stat().st_size,
    )
