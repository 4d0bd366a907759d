"""What can be seen from a desk of the server's own backups: continuous archiving of the WAL.

Read with the rights SARAH's role has (no superuser): ``archive_mode``, ``archive_command`` and
``archive_library`` where the server shows them, and the ``pg_stat_archiver`` view (the last WAL
file archived and when, the failures). A base backup schedule (pgBackRest, Barman, a snapshot of
the disk) cannot be seen from here: what is seen is said, what is not is said too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from sarah.db import translate_errors
from sarah.services.backups.status import describe_age

# SQLSTATE classes meaning "this role may not read that": insufficient_privilege, and
# undefined_object for a view or setting this server does not have.
NOT_VISIBLE = ("42501", "42704", "42P01")
# Archiving that has not archived for this long while the server writes is worth a warning.
STALE_ARCHIVE = timedelta(hours=24)


@dataclass(frozen=True)
class ArchiverFacts:
    """The raw facts, each None where this role could not read it."""

    archive_mode: str | None  # off, on, always
    archive_command: str | None  # "" when unset; None when not visible
    archived_count: int | None = None
    last_archived_wal: str | None = None
    last_archived_age: timedelta | None = None
    failed_count: int | None = None
    last_failed_age: timedelta | None = None


@dataclass(frozen=True)
class ServerBackupState:
    facts: ArchiverFacts
    message: str
    warning: bool  # nothing protects the data but this desk's copies, or archiving fails


def _sqlstate(exc: DBAPIError) -> str | None:
    return getattr(exc.orig, "sqlstate", None)


def _setting(conn: Connection, name: str) -> str | None:
    """A setting as this role sees it; None when the server keeps it from this role."""
    try:
        with conn.begin_nested():
            return str(conn.exec_driver_sql(f"SHOW {name}").scalar_one())
    except DBAPIError as exc:
        if _sqlstate(exc) in NOT_VISIBLE:
            return None
        raise


def _archiver(conn: Connection) -> tuple[object, ...] | None:
    try:
        with conn.begin_nested():
            row = conn.exec_driver_sql(
                "SELECT archived_count, last_archived_wal, now() - last_archived_time, "
                "failed_count, now() - last_failed_time FROM pg_stat_archiver"
            ).one()
    except DBAPIError as exc:
        if _sqlstate(exc) in NOT_VISIBLE:
            return None
        raise
    return tuple(row)


def read_archiver_facts(engine: Engine) -> ArchiverFacts:
    with translate_errors(), engine.connect() as conn, conn.begin():
        mode = _setting(conn, "archive_mode")
        command = _setting(conn, "archive_command")
        library = _setting(conn, "archive_library")  # PostgreSQL 15 and later
        if command in (None, "", "(disabled)") and library:
            command = f"bibliothèque {library}"
        row = _archiver(conn)
    if row is None:
        return ArchiverFacts(mode, command)
    count, wal, age, failed, failed_age = row
    return ArchiverFacts(
        archive_mode=mode,
        archive_command=command,
        archived_count=int(count) if isinstance(count, int) else None,
        last_archived_wal=str(wal) if wal else None,
        last_archived_age=age if isinstance(age, timedelta) else None,
        failed_count=int(failed) if isinstance(failed, int) else None,
        last_failed_age=failed_age if isinstance(failed_age, timedelta) else None,
    )


def describe_server_backups(f: ArchiverFacts) -> ServerBackupState:
    """The facts in French: one sentence, and whether it is a warning."""
    if f.archive_mode is None:
        return ServerBackupState(
            f, "Sauvegardes du serveur : non visibles avec les droits de ce poste.", False
        )
    if f.archive_mode == "off":
        return ServerBackupState(
            f,
            "Pas d'archivage continu sur le serveur : seules les copies pg_dump protègent les "
            "données (et les sauvegardes que l'administrateur fait par ailleurs).",
            True,
        )
    if f.archive_command in ("", "(disabled)"):
        return ServerBackupState(
            f,
            "Archivage continu activé sur le serveur mais sans commande d'archivage : aucun "
            "fichier n'est archivé.",
            True,
        )
    failed = f.last_failed_age
    if failed is not None and (f.last_archived_age is None or failed < f.last_archived_age):
        return ServerBackupState(
            f,
            f"Archivage continu en échec : dernier échec {describe_age(failed)}"
            f"{_last_archived(f)} ({f.failed_count} échecs en tout).",
            True,
        )
    if f.last_archived_age is None:
        seen = "" if f.archived_count is not None else " (état non visible avec ces droits)"
        return ServerBackupState(
            f, f"Archivage continu activé, aucun fichier archivé pour l'instant{seen}.", False
        )
    return ServerBackupState(
        f,
        f"Archivage continu actif, dernier fichier archivé {describe_age(f.last_archived_age)}.",
        f.last_archived_age > STALE_ARCHIVE,
    )


def _last_archived(f: ArchiverFacts) -> str:
    if f.last_archived_age is None:
        return ", aucun fichier archivé"
    return f", dernier fichier archivé {describe_age(f.last_archived_age)}"


def server_backup_state(engine: Engine) -> ServerBackupState:
    """What the server says of its own backups, in French (raises UserError when the server
    cannot be reached at all)."""
    return describe_server_backups(read_archiver_facts(engine))
