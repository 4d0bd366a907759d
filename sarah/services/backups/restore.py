"""Restoring a backup: verified first, a backup of the current file taken, the current file
and its ``-wal``/``-shm`` moved aside (never deleted), the copy put in place and verified, every
rename named beforehand in the journal (:mod:`sarah.services.backups.journal`)."""

from __future__ import annotations

import glob
import os
import sqlite3
import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sarah.errors import DatabaseDamaged, DatabaseLocked, UserError
from sarah.services.audit.actor import current_actor
from sarah.services.audit.log import record_sqlite
from sarah.services.backups.create import (
    backup_errors,
    create_backup_or_abort,
)
from sarah.services.backups.files import (
    check_copy,
    connect_ro,
    fsync_dir,
    fsync_file,
    integrity_problems,
    sha256_file,
    table_counts,
)
from sarah.services.backups.journal import (
    ASIDE_MARK,
    incoming_path,
    plan_moves,
    recover_interrupted_restore,
    remove_journal,
    undo_restore,
    write_journal,
)
from sarah.services.backups.listing import (
    DAMAGED_CONTENT,
)
from sarah.services.backups.record import (
    BackupInfo,
    configured_backup_folder,
    read_backup,
    update_manifest,
)


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    database: Path
    safety_backup: BackupInfo | None  # the backup of the current file taken first
    moved_aside: list[Path]  # the previous file and its -wal/-shm, kept
    counts: dict[str, int]  # rows per table of the restored file
    contacts: int | None = None  # contacts not deleted, as every screen counts them
    recovered: str | None = None  # what was done first about an earlier interrupted restore


def verify_backup_file(path: Path) -> BackupInfo:
    """Check a backup before restoring it: integrity and, when it has one, its manifest."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"Fichier de sauvegarde introuvable : {path}.")
    info = read_backup(path) or BackupInfo(
        path,
        datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0),
        path.stat().st_size,
        "importee",
        False,
        None,
        has_manifest=False,
    )
    if info.sha256 and sha256_file(path) != info.sha256:
        update_manifest(path, damaged=DAMAGED_CONTENT)
        raise DatabaseDamaged(
            f"La sauvegarde {path.name} a été modifiée ou abîmée depuis sa création "
            "(empreinte différente). Choisissez une autre sauvegarde."
        )
    try:
        conn = connect_ro(path)
        try:
            problems = integrity_problems(conn)
            counts = table_counts(conn) if not problems else {}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        problems = [str(exc)]
        counts = {}
    if problems:
        raise DatabaseDamaged(
            f"La sauvegarde {path.name} n'est pas une base SARAH valide ou elle est endommagée "
            f"({problems[0]}). Choisissez une autre sauvegarde."
        )
    if "contacts" not in counts:
        raise UserError(f"Le fichier {path.name} n'est pas une sauvegarde SARAH (pas de contacts).")
    if info.counts and counts != info.counts:
        raise DatabaseDamaged(
            f"La sauvegarde {path.name} ne contient plus les lignes notées à sa création. "
            "Choisissez une autre sauvegarde."
        )
    return info if info.counts else replace(info, counts=counts)


def _ensure_not_in_use(db: Path) -> None:
    """Refuse to replace a file another SARAH window or program is writing to."""
    if not db.exists():
        return
    try:
        conn = sqlite3.connect(db, isolation_level=None, timeout=1)
    except sqlite3.Error:
        return
    try:
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            raise DatabaseLocked(
                "La base est ouverte par une autre fenêtre SARAH ou un autre programme : "
                "fermez-le avant de restaurer. Rien n'a été modifié."
            ) from exc
    except sqlite3.DatabaseError:
        pass  # a damaged file: nothing can be using it meaningfully, it is moved aside
    finally:
        conn.close()


def _database_sound(db: Path) -> bool:
    try:
        conn = connect_ro(db)
        try:
            return not integrity_problems(conn, quick=True)
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def _current_clock(db: Path) -> int:
    """The version clock of the database being replaced (0 when it has none or is unreadable)."""
    try:
        conn = connect_ro(db)
        try:
            row = conn.execute("SELECT max(clock) FROM installation").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return 0
    return int(row[0] or 0) if row else 0


def _new_identity(conn: sqlite3.Connection, clock_floor: int) -> None:
    """A restored installation writes as a new one (docs/sync.md): its changes after the restore
    must never carry a version it already gave to a change made before the restore and perhaps
    already sent to other sites. So it takes a new id, and a clock past the one it replaces."""
    if conn.execute("SELECT 1 FROM sqlite_schema WHERE name = 'installation'").fetchone():
        conn.execute(
            "UPDATE installation SET id = ?, clock = max(clock, ?)", (uuid.uuid4().hex, clock_floor)
        )


def _copy_in(
    backup: Path, incoming: Path, expected: dict[str, int], clock_floor: int = 0
) -> int | None:
    """Copy the backup beside the database, fsync, check; returns its live contacts."""
    try:
        src = connect_ro(backup)
        try:
            dst = sqlite3.connect(incoming, isolation_level=None)
            try:
                src.backup(dst)
                _new_identity(dst, clock_floor)
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        fsync_file(incoming)
        # The backup itself passed integrity_check; for its fresh copy, the structure check
        # and the row counts catch a bad write.
        problems, counts, contacts = check_copy(incoming)
        if problems or counts != expected:
            raise UserError(
                "La copie de la sauvegarde n'a pas passé la vérification : rien n'a été remplacé.",
                problems[:3],
            )
    except BaseException:
        incoming.unlink(missing_ok=True)
        raise
    return contacts


def _record_restore(db: Path, backup: Path) -> None:
    """The restore's audit entry, written in the restored file once it is in place (the file
    that was current is replaced, so that is where the log goes on). After the journal is
    removed: the restore's checks compare row counts, which this entry changes. A backup older
    than the audit log has no table to write in (the next start's migration creates it)."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        if conn.execute("SELECT 1 FROM sqlite_schema WHERE name = 'audit_log'").fetchone():
            conn.execute("BEGIN IMMEDIATE")
            record_sqlite(conn, current_actor(), "restore", backup.name)
            conn.execute("COMMIT")
    finally:
        conn.close()  # closing without COMMIT rolls back


def restore_backup(
    db: Path,
    backup: Path,
    *,
    folder: Path | None = None,
    now: datetime | None = None,
) -> RestoreResult:
    """Put ``backup`` in place of ``db``. The caller must have closed its connections first.

    The backup is verified before anything is touched; a sound current file is backed up first
    (reason ``avant-restauration``); the current file and its -wal/-shm are moved aside, never
    deleted; the restored file is verified in place. Every rename is named beforehand in a
    journal (:mod:`sarah.services.backups.journal`), so that a restore killed at any step is
    finished or undone at the next start.
    """
    db, backup = Path(db), Path(backup)
    folder = Path(folder) if folder else configured_backup_folder()
    when = now or datetime.now()
    recovered = recover_interrupted_restore(db)
    info = verify_backup_file(backup)
    if backup.resolve() == db.resolve():
        raise UserError("Ce fichier est la base en service elle-même : choisissez une sauvegarde.")
    sound = db.exists() and db.stat().st_size > 0 and _database_sound(db)
    if sound:
        # Only a sound file is opened for writing here: a damaged one stays byte for byte.
        _ensure_not_in_use(db)

    safety: BackupInfo | None = None
    if sound:
        safety = create_backup_or_abort(
            db,
            folder,
            ASIDE_MARK,
            "Restauration annulée : la sauvegarde de sécurité de la base actuelle a échoué. ",
            now=when,
        )

    db.parent.mkdir(parents=True, exist_ok=True)
    incoming = incoming_path(db)
    with backup_errors(db.parent, "Restauration"):
        floor = _current_clock(db) if sound else 0
        contacts = _copy_in(backup, incoming, info.counts, floor)
        moves = plan_moves(db, f"{when:%Y%m%d-%H%M%S}")
        try:
            journal = write_journal(db, backup, incoming, moves, info.counts, contacts)
        except BaseException:
            incoming.unlink(missing_ok=True)
            raise
        try:
            for live, aside in moves:
                os.replace(live, aside)
            fsync_dir(db.parent)
            os.replace(incoming, db)
            fsync_dir(db.parent)
            # The restored file must open cleanly in place: no stale -wal beside it (moved
            # above), and being in rollback-journal mode, this look creates no -wal/-shm.
            problems, _counts, contacts = check_copy(db)
            if problems:
                raise DatabaseDamaged(
                    f"La base restaurée ne passe pas la vérification ({problems[0]}) : "
                    "l'ancienne base a été remise en place."
                )
        except BaseException:
            undo_restore(db)
            raise
        remove_journal(journal)
        _record_restore(db, backup)
    return RestoreResult(
        backup, db, safety, [aside for _live, aside in moves], info.counts, contacts, recovered
    )


def moved_aside_files(db: Path) -> list[Path]:
    """Files a restore put aside beside the database (kept until the user removes them)."""
    db = Path(db)
    if not db.parent.is_dir():
        return []
    return sorted(p for p in db.parent.glob(f"{glob.escape(db.name)}.{ASIDE_MARK}-*"))
