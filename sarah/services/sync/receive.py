"""`sarah sync import`: check a package whole, back up, merge it in one transaction.

Order of work: the envelope is authenticated and decrypted into a private scratch file, the
container is checked (tables, manifest, every value's shape); only then a verified backup is
taken and the rows are merged, all or nothing (docs/sync.md). ``dry_run`` stops after the plan:
it says what would change and writes nothing. On a PostgreSQL installation the merge is the
server's (server_receive).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from sarah.db import BUSY_TIMEOUT_MS, sqlite_path, translate_errors
from sarah.errors import UserError
from sarah.services.audit.actor import current_actor
from sarah.services.audit.log import record_sqlite
from sarah.services.backups.create import backup_before
from sarah.services.privacy.purge import replace_backups_after_erasure
from sarah.services.sync.bulk import bulk_merge, is_bulk
from sarah.services.sync.container import scratch_file
from sarah.services.sync.export import no_key_here
from sarah.services.sync.identity import make_people_one
from sarah.services.sync.keys import NetworkKey, installed_key
from sarah.services.sync.merge import MergeCounts, apply_merge, plan_merge
from sarah.services.sync.package import read_package
from sarah.services.sync.server_receive import merge_on_server
from sarah.services.sync.validate import InvalidContent, check_container, check_rows


@dataclass(frozen=True)
class ImportResult:
    package: Path
    sender: str
    exported_at: str
    dry_run: bool
    counts: MergeCounts
    people_made_one: int = 0  # records of one person at two sites, now one
    sites: list[dict[str, object]] = field(default_factory=list)
    backup: Path | None = None
    # Erasures the package brought (docs/rgpd.md): the backups that held those identities,
    # replaced by a fresh verified one.
    backups_replaced: list[Path] = field(default_factory=list)
    fresh_backup: Path | None = None
    replacement_postponed: str | None = None  # why the backups could not be replaced now
    # A PostgreSQL installation: no SQLite backup is taken or replaced, the server's own are.
    on_server: bool = False

    @property
    def changed(self) -> int:
        return sum(self.counts.new.values()) + sum(self.counts.updated.values())


@contextlib.contextmanager
def _attached(engine: Engine, container: Path) -> Iterator[sqlite3.Connection]:
    """A connection of the engine's pool (its PRAGMAs: foreign keys, WAL, secure delete) with
    the container attached as ``pkg``, in autocommit until the caller begins."""
    fairy = engine.raw_connection()
    try:
        conn = fairy.driver_connection
        assert isinstance(conn, sqlite3.Connection)
        level = conn.isolation_level
        conn.isolation_level = None
        try:
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            conn.execute("ATTACH DATABASE ? AS pkg", (f"file:{container.as_posix()}?mode=ro",))
            try:
                yield conn
            finally:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                conn.execute("DETACH DATABASE pkg")
        finally:
            conn.isolation_level = level
    finally:
        fairy.close()


def _remember_sender(conn: sqlite3.Connection, manifest: dict[str, object]) -> None:
    who = manifest["installation"]
    assert isinstance(who, dict)
    conn.execute(
        "INSERT INTO main.sync_peers (installation_id, name, exported_at, received_at, clock, "
        "manifest) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(installation_id) DO UPDATE SET "
        "name = excluded.name, exported_at = excluded.exported_at, "
        "received_at = excluded.received_at, clock = excluded.clock, "
        "manifest = excluded.manifest WHERE excluded.exported_at >= sync_peers.exported_at",
        (
            str(who.get("id")),
            str(who.get("name") or "?"),
            str(manifest.get("exported_at", "")).replace("T", " "),
            datetime.now().replace(microsecond=0).isoformat(" "),
            int(who.get("clock") or 0),
            json.dumps({k: manifest[k] for k in ("sites", "tables", "program", "schema")}),
        ),
    )


def _plan(
    engine: Engine, container: Path, manifest: dict[str, object], package: Path
) -> MergeCounts:
    """What merging would change (temp tables only: nothing here is written), once every row
    it would write has been checked. The merge itself, in its write transaction, can only write
    fewer of them: the rows held here only ever get newer meanwhile."""
    with _attached(engine, container) as conn, translate_errors():
        conn.execute("BEGIN")
        try:
            counts = plan_merge(conn, _highest(manifest), _me(conn))
        except sqlite3.IntegrityError:  # one id twice in a table of the package
            raise _incoherent(package) from None
        check_rows(conn, package)
        return counts


def _highest(manifest: dict[str, object]) -> dict[str, int]:
    highest = manifest["highest"]
    assert isinstance(highest, dict)
    return {str(k): int(v) for k, v in highest.items()}


def _me(conn: sqlite3.Connection) -> str:
    return str(conn.execute("SELECT id FROM main.installation").fetchone()[0])


def _incoherent(package: Path) -> InvalidContent:
    return InvalidContent(
        f"Le paquet {package.name} est incohérent avec cette installation (des lignes renvoient "
        "à des fiches absentes, ou deux fiches différentes portent le même code). Il n'a pas été "
        "importé ; rien n'a été modifié."
    )


@dataclass(frozen=True)
class _Merged:
    counts: MergeCounts
    people_made_one: int


def _record_received(
    conn: sqlite3.Connection,
    package: Path,
    manifest: dict[str, object],
    counts: MergeCounts,
    people: int,
) -> None:
    """The audit entry of a merge, in its transaction: the package's file, sender and counts."""
    who = manifest["installation"]
    details = {
        "sender": str(who.get("name")) if isinstance(who, dict) else "?",
        "new": sum(counts.new.values()),
        "updated": sum(counts.updated.values()),
        "people_made_one": people,
    }
    record_sqlite(conn, current_actor(), "sync_import", package.name, details)
    if counts.erased:  # erased here too: an erasure like the others (its backups are replaced)
        record_sqlite(
            conn,
            current_actor(),
            "erase",
            package.name,
            {"reason": "sync", "sender": details["sender"], "persons": counts.erased},
        )


def _merge(
    engine: Engine,
    container: Path,
    manifest: dict[str, object],
    package: Path,
    *,
    apply: bool,
    keep: bool,
) -> _Merged:
    """Merge in one transaction, then make one person of records of one person at two sites.
    Without ``apply``, only note that the sender was heard from; without ``keep``, roll it all
    back (an exact preview: the dry run)."""
    with _attached(engine, container) as conn, translate_errors():
        me = _me(conn)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("PRAGMA defer_foreign_keys = ON")
        counts = plan_merge(conn, _highest(manifest), me)
        people = 0
        if apply:
            with bulk_merge(conn, is_bulk(conn)):
                try:
                    apply_merge(conn, counts)
                except sqlite3.IntegrityError:
                    raise _incoherent(package) from None
                people = make_people_one(conn)
        who = manifest["installation"]
        if isinstance(who, dict) and who.get("id") != me:
            _remember_sender(conn, manifest)
        if apply and keep:
            _record_received(conn, package, manifest, counts, people)
        if not keep:
            conn.execute("ROLLBACK")
            return _Merged(counts, people)
        try:
            conn.execute("COMMIT")
        except sqlite3.IntegrityError:
            conn.execute("ROLLBACK")
            raise _incoherent(package) from None
    return _Merged(counts, people)


def _import_on_server(
    engine: Engine, package: Path, key: NetworkKey, dry_run: bool
) -> ImportResult:
    """A PostgreSQL installation: the container checked SQLite-side, then one server
    transaction (server_receive). No SQLite backup before or after: the server's own backups."""
    with scratch_file(".sqlite") as container:
        read_package(package, key, container)
        manifest = check_container(container, package)
        merged = merge_on_server(engine, container, manifest, package, keep=not dry_run)
    who, sites = manifest["installation"], manifest["sites"]
    return ImportResult(
        package=package,
        sender=str(who.get("name")) if isinstance(who, dict) else "?",
        exported_at=str(manifest.get("exported_at", "")),
        dry_run=dry_run,
        counts=merged.counts,
        people_made_one=merged.people_made_one,
        sites=[s for s in sites if isinstance(s, dict)] if isinstance(sites, list) else [],
        on_server=True,
    )


def import_package(engine: Engine, package: Path, *, dry_run: bool = False) -> ImportResult:
    """Merge ``package`` into this installation (or, with ``dry_run``, say what it would do)."""
    key = installed_key(engine)
    if key is None:
        raise no_key_here(package)
    if sqlite_path(engine) is None:
        return _import_on_server(engine, package, key, dry_run)
    with scratch_file(".sqlite") as container:
        read_package(package, key, container)
        manifest = check_container(container, package)
        counts = _plan(engine, container, manifest, package)
        changes = sum(counts.new.values()) + sum(counts.updated.values())
        merged, backup = _Merged(counts, 0), None
        if dry_run:
            if changes:  # the exact outcome, people made one included, then rolled back
                merged = _merge(engine, container, manifest, package, apply=True, keep=False)
        else:
            # A package that brings nothing new only says when its sender was last heard of:
            # no backup is spent on it.
            backup = backup_before(engine, "synchronisation") if changes else None
            merged = _merge(engine, container, manifest, package, apply=changes > 0, keep=True)
    fresh: Path | None = None
    replaced: list[Path] = []
    postponed = None
    if not dry_run and merged.counts.erased:
        try:
            fresh, replaced = replace_backups_after_erasure(engine)
        except UserError as exc:  # the import itself is done: the next daily purge replaces
            postponed = exc.message
    who = manifest["installation"]
    sites = manifest["sites"]
    return ImportResult(
        package=package,
        sender=str(who.get("name")) if isinstance(who, dict) else "?",
        exported_at=str(manifest.get("exported_at", "")),
        dry_run=dry_run,
        counts=merged.counts,
        people_made_one=merged.people_made_one,
        sites=[s for s in sites if isinstance(s, dict)] if isinstance(sites, list) else [],
        backup=backup.path if backup else None,
        backups_replaced=replaced,
        fresh_backup=fresh,
        replacement_postponed=postponed,
    )
