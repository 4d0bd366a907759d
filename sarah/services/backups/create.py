"""Verified backups of the SQLite database: how one is made.

A backup is made in four steps, so that a file with a final name is always a good one:

1. SQLite's online backup API copies the live database, inside one read transaction whose
   row counts are noted (other windows may go on saving meanwhile: WAL readers do not block);
2. the copy (``*.partial``) is switched to an ordinary rollback journal, flushed and fsynced;
3. it is verified: ``PRAGMA integrity_check`` must say ``ok`` and every table must hold the row
   count noted in step 1; its manifest (``*.json``: date, reason, counts, sha256) is written;
4. only then is it renamed to ``<reason>-AAAAMMJJ-HHMMSS.sqlite`` and the folder fsynced.

A crash at any point leaves at worst a ``*.partial`` file, removed at the next start
(:func:`sarah.services.backups.listing.clean_temporary_files`).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import sqlite3
from collections.abc import Generator, Iterator
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from sarah import paths
from sarah.db import sqlite_path
from sarah.errors import DatabaseDamaged, DatabaseLocked, DiskFull, UserError
from sarah.services.backups.files import (
    connect_ro,
    fsync_dir,
    fsync_file,
    integrity_problems,
    live_contacts,
    sha256_file,
    table_counts,
    table_names,
    temp_name,
)
from sarah.services.backups.listing import (
    clean_temporary_files,
    last_verified_backup,
)
from sarah.services.backups.record import (
    MANIFEST_FORMAT,
    REASON_MANUAL,
    REASON_PERIODIC,
    BackupInfo,
    configured_backup_folder,
    database_fingerprint,
    fingerprint,
    folder_reachable,
    manifest_path,
)
from sarah.services.backups.rotation import (
    rotate_quietly,
)

SLUG_RE = re.compile(r"[^a-z0-9]+")

Progress = Generator[tuple[int, int, str], None, "BackupInfo"]


def _slug(reason: str) -> str:
    slug = SLUG_RE.sub("-", reason.lower()).strip("-")
    return slug or REASON_MANUAL


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(exc).lower()
    return "database or disk is full" in text or "no space left" in text


@contextlib.contextmanager
def backup_errors(folder: Path, what: str) -> Iterator[None]:
    """Failures while writing into the backup folder, in French."""
    try:
        yield
    except UserError:
        raise
    except (OSError, sqlite3.Error) as exc:
        if is_disk_full(exc):
            raise DiskFull(
                f"{what} impossible : le disque du dossier {folder} est plein. "
                "Rien n'a été modifié et les sauvegardes précédentes sont intactes. "
                "Libérez de la place ou choisissez un autre dossier de sauvegarde."
            ) from exc
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            raise DatabaseLocked(
                f"{what} impossible : la base est occupée par un autre programme. Réessayez."
            ) from exc
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UserError(
            f"{what} impossible dans le dossier {folder} : {reason}. "
            "Les sauvegardes précédentes sont intactes."
        ) from exc


def _ready_folder(folder: Path) -> Path:
    """The folder to write into. Only the default folder is created: a chosen folder that is
    missing is a USB key or a network folder that is not there, never silently replaced."""
    if folder == paths.default_backup_dir() or folder.resolve() == paths.default_backup_dir():
        folder.mkdir(parents=True, exist_ok=True)
    if not folder_reachable(folder):
        raise UserError(
            f"Le dossier de sauvegarde {folder} est inaccessible (clé USB débranchée, partage "
            "réseau absent ou droits insuffisants). Branchez-le ou choisissez un autre dossier "
            "dans l'écran Sauvegardes. Les données, elles, sont intactes."
        )
    return folder


def _final_name(folder: Path, reason: str, when: datetime) -> Path:
    stem = f"{_slug(reason)}-{when:%Y%m%d-%H%M%S}"
    candidate = folder / f"{stem}.sqlite"
    n = 2
    while candidate.exists() or manifest_path(candidate).exists():
        candidate = folder / f"{stem}-{n}.sqlite"
        n += 1
    return candidate


def _copy_snapshot(db: Path, partial: Path) -> tuple[dict[str, int], str]:
    """Step 1: SQLite's online backup of ``db`` into ``partial``, inside one read transaction
    whose row counts and fingerprint are returned with it."""
    try:
        src = connect_ro(db)
    except sqlite3.Error as exc:
        raise UserError(f"Impossible de lire la base {db} : {exc}.") from exc
    try:
        src.execute("BEGIN")  # one snapshot for the copy and the counts
        try:
            counts = table_counts(src)
            stamp = fingerprint(src, counts)
            dst = sqlite3.connect(partial, isolation_level=None)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")  # a backup is one single file
            finally:
                dst.close()
        finally:
            src.execute("COMMIT")
    except sqlite3.DatabaseError as exc:
        if is_disk_full(exc) or "locked" in str(exc).lower():
            raise
        if "not a database" in str(exc) or "malformed" in str(exc):
            raise DatabaseDamaged(
                f"La base {db} est endommagée : elle ne peut pas être sauvegardée ({exc}). "
                "Restaurez la dernière sauvegarde vérifiée."
            ) from exc
        raise
    finally:
        src.close()
    return counts, stamp


def _verified_contacts(partial: Path, counts: dict[str, int]) -> int | None:
    """Step 2: the copy must pass ``integrity_check`` and hold the rows counted in the live base;
    returns its live contacts."""
    check = connect_ro(partial)
    try:
        problems = integrity_problems(check)
        copied = table_counts(check) if not problems else {}
        contacts = live_contacts(check)
    finally:
        check.close()
    if problems or copied != counts:
        detail = problems[:3] or [
            f"{t} : {counts.get(t)} lignes dans la base, {copied.get(t)} dans la copie"
            for t in sorted(set(counts) | set(copied))
            if counts.get(t) != copied.get(t)
        ]
        raise UserError(
            "La copie de sauvegarde n'a pas passé la vérification : elle a été écartée. "
            "Les sauvegardes précédentes sont intactes.",
            detail,
        )
    return contacts


def _write_manifest(manifest: Path, data: dict[str, object]) -> None:
    """Step 3: the manifest, written beside under a temporary name, fsynced, then renamed."""
    tmp_manifest = temp_name(manifest)
    with open(tmp_manifest, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp_manifest, manifest)


def _discard_unfinished(partial: Path, manifest: Path, final: Path) -> None:
    """After a failure: the temporary files go, and the manifest too unless its backup is in
    place under its final name."""
    for leftover in (partial, temp_name(manifest)):
        with contextlib.suppress(OSError):
            leftover.unlink(missing_ok=True)
    if not final.exists():
        with contextlib.suppress(OSError):
            manifest.unlink(missing_ok=True)


def create_backup_steps(
    db: Path, folder: Path, reason: str = REASON_MANUAL, *, now: datetime | None = None
) -> Progress:
    """Generator form of :func:`create_backup` for the window's worker: yields progress."""
    db = Path(db)
    if not db.exists():
        raise UserError(f"Pas de base de données à sauvegarder : {db} n'existe pas.")
    folder = _ready_folder(Path(folder))
    clean_temporary_files(folder)  # what killed backups left here (never a live one's files)
    when = now or datetime.now()
    final = _final_name(folder, reason, when)
    partial = temp_name(final)
    manifest = manifest_path(final)
    total = 4
    try:
        with backup_errors(folder, "Sauvegarde"):
            yield 0, total, "Copie de la base…"
            counts, stamp = _copy_snapshot(db, partial)
            fsync_file(partial)

            yield 1, total, "Vérification de la copie…"
            contacts = _verified_contacts(partial, counts)

            yield 2, total, "Empreinte de la copie…"
            size = partial.stat().st_size
            digest = sha256_file(partial)
            _write_manifest(
                manifest,
                {
                    "format": MANIFEST_FORMAT,
                    "created_at": when.isoformat(timespec="seconds"),
                    "reason": _slug(reason),
                    "source": str(db),
                    "size": size,
                    "sha256": digest,
                    "integrity": "ok",
                    "checked_at": datetime.now().isoformat(timespec="seconds"),
                    "counts": counts,
                    "contacts": contacts,
                    "fingerprint": stamp,
                    "sqlite_version": sqlite3.sqlite_version,
                },
            )

            yield 3, total, "Mise en place…"
            os.replace(partial, final)
            fsync_dir(folder)
    except BaseException:
        _discard_unfinished(partial, manifest, final)
        raise
    yield total, total, "Sauvegarde vérifiée."
    return BackupInfo(
        path=final,
        created_at=when.replace(microsecond=0),
        size=size,
        reason=_slug(reason),
        verified=True,
        contacts=contacts,
        counts=counts,
        fingerprint=stamp,
        sha256=digest,
        checked_at=datetime.now().replace(microsecond=0),
    )


def _drain(steps: Progress) -> BackupInfo:
    while True:
        try:
            next(steps)
        except StopIteration as stop:
            info: BackupInfo = stop.value
            return info


def create_backup(
    db: Path,
    folder: Path | None = None,
    reason: str = REASON_MANUAL,
    *,
    now: datetime | None = None,
) -> BackupInfo:
    """A verified backup of ``db`` in ``folder`` (the configured one by default)."""
    return _drain(create_backup_steps(db, folder or configured_backup_folder(), reason, now=now))


def create_backup_or_abort(
    db: Path, folder: Path, reason: str, aborted: str, *, now: datetime | None = None
) -> BackupInfo:
    """:func:`create_backup` that an operation needs first; when it fails, the error (same kind,
    same details) starts with ``aborted``, the sentence saying the operation was not done."""
    try:
        return create_backup(db, folder, reason, now=now)
    except UserError as exc:
        raise type(exc)(aborted + exc.message, exc.details) from exc


def _has_user_tables(db: Path) -> bool:
    try:
        conn = connect_ro(db)
        try:
            return bool(set(table_names(conn)) - {"alembic_version"})
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def backup_before(engine: Engine | Path, reason: str) -> BackupInfo | None:
    """The forced backup before a migration, an import, a restore or a purge.

    ``reason`` is the operation in French ("import", "migration", "purge"…). Raises a
    :class:`UserError` when the backup cannot be made: the caller must then not go on.
    Returns None when there is nothing to protect (not SQLite, new empty file).
    """
    db = engine if isinstance(engine, Path) else sqlite_path(engine)
    if db is None or not db.exists() or db.stat().st_size == 0 or not _has_user_tables(db):
        return None
    folder = configured_backup_folder()
    info = create_backup_or_abort(
        db,
        folder,
        f"avant-{reason}",
        f"Sauvegarde de sécurité avant {reason} impossible, l'opération n'a pas été faite. ",
    )
    rotate_quietly(folder)
    return info


def backup_if_changed(
    db: Path, folder: Path | None = None, reason: str = REASON_PERIODIC
) -> BackupInfo | None:
    """A backup when something was saved since the newest verified one; None when unchanged."""
    folder = Path(folder) if folder else configured_backup_folder()
    current = database_fingerprint(db)
    last = last_verified_backup(folder)
    if last is not None and current is not None and last.fingerprint == current:
        if folder.is_dir():
            clean_temporary_files(folder)
        return None
    info = create_backup(db, folder, reason)
    rotate_quietly(folder)
    return info
