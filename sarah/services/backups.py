"""Verified backups of the SQLite database: create, list, rotate, restore, and their state.

A backup is made in four steps, so that a file with a final name is always a good one:

1. SQLite's online backup API copies the live database, inside one read transaction whose
   row counts are noted (other windows may go on saving meanwhile: WAL readers do not block);
2. the copy (``*.partial``) is switched to an ordinary rollback journal, flushed and fsynced;
3. it is verified: ``PRAGMA integrity_check`` must say ``ok`` and every table must hold the row
   count noted in step 1; its manifest (``*.json``: date, reason, counts, sha256) is written;
4. only then is it renamed to ``<reason>-AAAAMMJJ-HHMMSS.sqlite`` and the folder fsynced.

A crash at any point leaves at worst a ``*.partial`` file, removed at the next start
(:func:`clean_temporary_files`). Rotation keeps everything of the last 48 hours, then the newest
backup of each of the last 14 days, 8 weeks and 12 months, and never deletes the newest verified
backup. Restoring takes a backup of the current file first, moves the current file and its
``-wal``/``-shm`` aside (never deletes them), copies the backup in and verifies it.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import hashlib
import json
import logging
import os
import re
import socket
import sqlite3
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from sarah import paths
from sarah.db import BUSY_TIMEOUT_MS, sqlite_path
from sarah.errors import DatabaseDamaged, DatabaseLocked, DiskFull, UserError
from sarah.settings import load_settings

log = logging.getLogger(__name__)

MANIFEST_FORMAT = 1
PARTIAL_SUFFIX = ".partial"
OTHER_HOST_TEMP_HOURS = 24
KEEP_ALL_HOURS = 48
KEEP_DAILY = 14
KEEP_WEEKLY = 8
KEEP_MONTHLY = 12
ASIDE_MARK = "avant-restauration"

# Reasons, as they appear in file names.
REASON_MANUAL = "manuelle"
REASON_STARTUP = "demarrage"
REASON_PERIODIC = "automatique"
REASON_EXIT = "fermeture"

NAME_RE = re.compile(r"^(?P<reason>[a-z0-9]+(?:-[a-z0-9]+)*?)-(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?\.sqlite$")
SLUG_RE = re.compile(r"[^a-z0-9]+")
TEMP_RE = re.compile(r"^(?P<base>.+)\.(?P<host>[A-Za-z0-9_]+)-(?P<pid>\d+)\.partial$")
HOST = re.sub(r"[^A-Za-z0-9_]", "_", socket.gethostname()) or "poste"

Progress = Generator[tuple[int, int, str], None, "BackupInfo"]


@dataclass(frozen=True)
class BackupInfo:
    """One backup file as the Sauvegardes screen and ``sarah backup list`` show it."""

    path: Path
    created_at: datetime  # local time, naive (as in the file name)
    size: int
    reason: str
    verified: bool  # manifest present, integrity ok, size unchanged since
    contacts: int | None  # live (not deleted) contacts, None when unknown
    counts: dict[str, int] = field(default_factory=dict)
    fingerprint: str | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class BackupState:
    """What the status bar says about backups."""

    folder: Path
    reachable: bool
    last_verified: BackupInfo | None
    now: datetime
    warning_hours: int = 24

    @property
    def age(self) -> timedelta | None:
        return None if self.last_verified is None else self.now - self.last_verified.created_at

    @property
    def warning(self) -> bool:
        age = self.age
        return (
            not self.reachable
            or age is None
            or age > timedelta(hours=self.warning_hours)
        )

    @property
    def message(self) -> str:
        if self.last_verified is None:
            text = "Aucune sauvegarde vérifiée"
        else:
            text = f"Dernière sauvegarde vérifiée : {describe_age(self.age or timedelta())}"
        if not self.reachable:
            text += f" — dossier de sauvegarde inaccessible ({self.folder})"
        elif self.warning:
            text += " — faites une sauvegarde"
        return text


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    database: Path
    safety_backup: BackupInfo | None  # the backup of the current file taken first
    moved_aside: list[Path]  # the previous file and its -wal/-shm, kept
    counts: dict[str, int]


# --- small helpers -------------------------------------------------------------------------------


def describe_age(age: timedelta) -> str:
    """'à l'instant', 'il y a 12 min', 'il y a 3 h', 'il y a 2 jours'."""
    seconds = max(0, int(age.total_seconds()))
    if seconds < 60:
        return "à l'instant"
    minutes = seconds // 60
    if minutes < 60:
        return f"il y a {minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"il y a {hours} h"
    days = hours // 24
    return f"il y a {days} jours"


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("octets", "Ko", "Mo", "Go"):
        if value < 1024 or unit == "Go":
            text = f"{value:.0f}" if unit == "octets" else f"{value:.1f}".replace(".", ",")
            return f"{text} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def _slug(reason: str) -> str:
    slug = SLUG_RE.sub("-", reason.lower()).strip("-")
    return slug or REASON_MANUAL


def manifest_path(backup: Path) -> Path:
    return backup.with_suffix(".json")


def temp_name(final: Path) -> Path:
    """The temporary name of a file being written: says which process on which PC writes it,
    so that the clean-up at start-up never removes the work of a backup still running."""
    return final.with_name(f"{final.name}.{HOST}-{os.getpid()}{PARTIAL_SUFFIX}")


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill(pid, 0) would end the process on Windows
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        try:
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        finally:
            kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def temp_is_stale(path: Path) -> bool:
    """A temporary file whose writer is gone (crash, power cut, killed)."""
    match = TEMP_RE.match(path.name)
    if match is None:
        return True
    if match["host"] == HOST:
        return not _pid_alive(int(match["pid"]))
    try:
        age = time.time() - path.stat().st_mtime
    except OSError:
        return False
    return age > OTHER_HOST_TEMP_HOURS * 3600


def fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX only; Windows has no directory handles for this)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _connect_ro(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(
        f"file:{path.as_posix()}?mode=ro", uri=True, isolation_level=None,
        timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False,
    )
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return conn


def _table_names(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return [r[0] for r in rows]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows per table (the verification compares these between source and copy)."""
    return {
        t: int(conn.execute(f"SELECT count(*) FROM {_quote(t)}").fetchone()[0])
        for t in _table_names(conn)
    }


def _live_contacts(conn: sqlite3.Connection) -> int | None:
    try:
        row = conn.execute("SELECT count(*) FROM contacts WHERE deleted_at IS NULL").fetchone()
    except sqlite3.Error:
        return None
    return int(row[0])


def fingerprint(conn: sqlite3.Connection, counts: dict[str, int] | None = None) -> str:
    """Changes whenever something is saved: row counts, site revision counters, catalogue edits."""
    counts = table_counts(conn) if counts is None else counts
    parts = [f"{t}={n}" for t, n in sorted(counts.items())]
    for sql in (
        "SELECT coalesce(sum(last_revision), 0) FROM sites",
        "SELECT coalesce(max(updated_at), '') FROM sites",
        "SELECT coalesce(max(updated_at), '') FROM services",
    ):
        try:
            parts.append(str(conn.execute(sql).fetchone()[0]))
        except sqlite3.Error:
            parts.append("-")
    return hashlib.sha256(";".join(parts).encode()).hexdigest()[:32]


def database_fingerprint(db: Path) -> str | None:
    """The fingerprint of a database file, None when it cannot be read."""
    try:
        conn = _connect_ro(db)
        try:
            conn.execute("BEGIN")
            value = fingerprint(conn)
            conn.execute("COMMIT")
            return value
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def integrity_problems(conn: sqlite3.Connection, *, quick: bool = False) -> list[str]:
    pragma = "quick_check" if quick else "integrity_check"
    try:
        rows = conn.execute(f"PRAGMA {pragma}").fetchall()
    except sqlite3.Error as exc:
        return [str(exc)]
    lines = [line.strip() for r in rows if r[0] != "ok" for line in str(r[0]).splitlines()]
    return [line for line in lines if line and not line.startswith("*** in database")]


def _is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(exc).lower()
    return "database or disk is full" in text or "no space left" in text


@contextlib.contextmanager
def _backup_errors(folder: Path, what: str) -> Iterator[None]:
    """Failures while writing into the backup folder, in French."""
    try:
        yield
    except UserError:
        raise
    except (OSError, sqlite3.Error) as exc:
        if _is_disk_full(exc):
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


# --- the backup folder ---------------------------------------------------------------------------


def configured_backup_folder() -> Path:
    """The folder chosen in the settings, the default one otherwise."""
    return load_settings().backup_path()


def folder_reachable(folder: Path) -> bool:
    """The folder exists (a USB key that is not plugged in is unreachable) and accepts files."""
    try:
        if not folder.is_dir():
            return False
        return os.access(folder, os.W_OK | os.X_OK)
    except OSError:
        return False


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


# --- create --------------------------------------------------------------------------------------


def create_backup_steps(
    db: Path, folder: Path, reason: str = REASON_MANUAL, *, now: datetime | None = None
) -> Progress:
    """Generator form of :func:`create_backup` for the window's worker: yields progress."""
    db = Path(db)
    if not db.exists():
        raise UserError(f"Pas de base de données à sauvegarder : {db} n'existe pas.")
    folder = _ready_folder(Path(folder))
    when = now or datetime.now()
    final = _final_name(folder, reason, when)
    partial = temp_name(final)
    manifest = manifest_path(final)
    total = 4
    try:
        with _backup_errors(folder, "Sauvegarde"):
            yield 0, total, "Copie de la base…"
            try:
                src = _connect_ro(db)
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
                if _is_disk_full(exc) or "locked" in str(exc).lower():
                    raise
                if "not a database" in str(exc) or "malformed" in str(exc):
                    raise DatabaseDamaged(
                        f"La base {db} est endommagée : elle ne peut pas être sauvegardée ({exc}). "
                        "Restaurez la dernière sauvegarde vérifiée."
                    ) from exc
                raise
            finally:
                src.close()
            fsync_file(partial)

            yield 1, total, "Vérification de la copie…"
            check = _connect_ro(partial)
            try:
                problems = integrity_problems(check)
                copied = table_counts(check) if not problems else {}
                contacts = _live_contacts(check)
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

            yield 2, total, "Empreinte de la copie…"
            size = partial.stat().st_size
            digest = sha256_file(partial)
            data = {
                "format": MANIFEST_FORMAT,
                "created_at": when.isoformat(timespec="seconds"),
                "reason": _slug(reason),
                "source": str(db),
                "size": size,
                "sha256": digest,
                "integrity": "ok",
                "counts": counts,
                "contacts": contacts,
                "fingerprint": stamp,
                "sqlite_version": sqlite3.sqlite_version,
            }
            tmp_manifest = temp_name(manifest)
            with open(tmp_manifest, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False, indent=2)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp_manifest, manifest)

            yield 3, total, "Mise en place…"
            os.replace(partial, final)
            fsync_dir(folder)
    except BaseException:
        for leftover in (partial, temp_name(manifest)):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
        if not final.exists():
            with contextlib.suppress(OSError):
                manifest.unlink(missing_ok=True)
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
    )


def _drain(steps: Progress) -> BackupInfo:
    while True:
        try:
            next(steps)
        except StopIteration as stop:
            info: BackupInfo = stop.value
            return info


def create_backup(
    db: Path, folder: Path | None = None, reason: str = REASON_MANUAL, *, now: datetime | None = None
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
        conn = _connect_ro(db)
        try:
            return bool(set(_table_names(conn)) - {"alembic_version"})
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


# --- list and rotate -----------------------------------------------------------------------------


def _read_manifest(path: Path) -> dict[str, object] | None:
    try:
        data = json.loads(manifest_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def read_backup(path: Path) -> BackupInfo | None:
    """What is known of one backup file (None when the name is not one of ours)."""
    match = NAME_RE.match(path.name)
    if not match:
        return None
    try:
        size = path.stat().st_size
    except OSError:
        return None
    created = datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S")
    data = _read_manifest(path)
    if data is None:
        return BackupInfo(path, created, size, match["reason"], False, None)
    counts_raw = data.get("counts")
    counts = (
        {str(k): int(v) for k, v in counts_raw.items() if isinstance(v, int)}
        if isinstance(counts_raw, dict)
        else {}
    )
    contacts = data.get("contacts")
    verified = data.get("integrity") == "ok" and data.get("size") == size
    return BackupInfo(
        path=path,
        created_at=created,
        size=size,
        reason=str(data.get("reason") or match["reason"]),
        verified=verified,
        contacts=contacts if isinstance(contacts, int) else None,
        counts=counts,
        fingerprint=str(data["fingerprint"]) if data.get("fingerprint") else None,
        sha256=str(data["sha256"]) if data.get("sha256") else None,
    )


def list_backups(folder: Path | None = None) -> list[BackupInfo]:
    """Backups in the folder, newest first. An unreachable folder lists nothing."""
    folder = Path(folder) if folder else configured_backup_folder()
    if not folder.is_dir():
        return []
    found: list[BackupInfo] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    for entry in entries:
        if entry.suffix == ".sqlite" and entry.is_file():
            info = read_backup(entry)
            if info is not None:
                found.append(info)
    found.sort(key=lambda b: (b.created_at, b.path.name), reverse=True)
    return found


def last_verified_backup(folder: Path | None = None) -> BackupInfo | None:
    return next((b for b in list_backups(folder) if b.verified), None)


def plan_rotation(backups: list[BackupInfo], now: datetime) -> list[BackupInfo]:
    """The backups rotation would delete (the others are kept)."""
    newest_first = sorted(backups, key=lambda b: (b.created_at, b.path.name), reverse=True)
    keep: set[Path] = set()
    for b in newest_first:
        if now - b.created_at <= timedelta(hours=KEEP_ALL_HOURS):
            keep.add(b.path)
    for bucket_of, limit in (
        (lambda d: d.date(), KEEP_DAILY),
        (lambda d: tuple(d.isocalendar())[:2], KEEP_WEEKLY),
        (lambda d: (d.year, d.month), KEEP_MONTHLY),
    ):
        seen: list[object] = []
        for b in newest_first:
            if not b.verified:
                continue
            bucket = bucket_of(b.created_at)
            if bucket in seen:
                continue
            if len(seen) >= limit:
                break
            seen.append(bucket)
            keep.add(b.path)
    newest_verified = next((b for b in newest_first if b.verified), None)
    if newest_verified is not None:
        keep.add(newest_verified.path)
    return [b for b in newest_first if b.path not in keep]


def rotate_backups(folder: Path | None = None, *, now: datetime | None = None) -> list[Path]:
    """Delete the backups the rotation does not keep; returns the deleted files."""
    folder = Path(folder) if folder else configured_backup_folder()
    deleted: list[Path] = []
    for b in plan_rotation(list_backups(folder), now or datetime.now()):
        b.path.unlink(missing_ok=True)
        manifest_path(b.path).unlink(missing_ok=True)
        deleted.append(b.path)
    return deleted


def rotate_quietly(folder: Path) -> list[Path]:
    """Rotation after a backup: a failure to delete an old file must not hide a good backup."""
    try:
        return rotate_backups(folder)
    except OSError:
        log.warning("backup rotation failed in %s", folder, exc_info=True)
        return []


# --- automatic backups ---------------------------------------------------------------------------


def backup_if_changed(
    db: Path, folder: Path | None = None, reason: str = REASON_PERIODIC
) -> BackupInfo | None:
    """A backup when something was saved since the newest verified one; None when unchanged."""
    folder = Path(folder) if folder else configured_backup_folder()
    current = database_fingerprint(db)
    last = last_verified_backup(folder)
    if last is not None and current is not None and last.fingerprint == current:
        return None
    info = create_backup(db, folder, reason)
    rotate_quietly(folder)
    return info


def backup_state(
    folder: Path | None = None, *, now: datetime | None = None, warning_hours: int | None = None
) -> BackupState:
    settings = load_settings()
    folder = Path(folder) if folder else settings.backup_path()
    return BackupState(
        folder=folder,
        reachable=folder_reachable(folder),
        last_verified=last_verified_backup(folder),
        now=now or datetime.now(),
        warning_hours=warning_hours if warning_hours is not None else settings.backup_warning_hours,
    )


# --- temporary files -----------------------------------------------------------------------------


def clean_temporary_files(folder: Path | None = None, db: Path | None = None) -> list[Path]:
    """Remove what a crash left behind: ``*.partial`` copies whose writer is gone, and
    manifests whose backup never got its final name. Files being written by a running
    process (another SARAH window's backup) are left alone."""
    removed: list[Path] = []
    folders = [Path(folder) if folder else configured_backup_folder()]
    if db is not None:
        folders.append(Path(db).parent)
    for f in folders:
        if not f.is_dir():
            continue
        try:
            entries = list(f.iterdir())
        except OSError:
            continue
        for entry in entries:
            stale = entry.name.endswith(PARTIAL_SUFFIX) and temp_is_stale(entry)
            if not stale and f == folders[0] and entry.suffix == ".json":
                backup = entry.with_suffix(".sqlite")
                stale = (
                    NAME_RE.match(backup.name) is not None
                    and not backup.exists()
                    and all(temp_is_stale(p) for p in f.glob(glob.escape(backup.name) + ".*.partial"))
                )
            if stale:
                with contextlib.suppress(OSError):
                    entry.unlink()
                    removed.append(entry)
    return removed


# --- restore -------------------------------------------------------------------------------------


def verify_backup_file(path: Path) -> BackupInfo:
    """Check a backup before restoring it: integrity and, when it has one, its manifest."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"Fichier de sauvegarde introuvable : {path}.")
    info = read_backup(path) or BackupInfo(
        path, datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0),
        path.stat().st_size, "importee", False, None,
    )
    if info.sha256 and sha256_file(path) != info.sha256:
        raise DatabaseDamaged(
            f"La sauvegarde {path.name} a été modifiée ou abîmée depuis sa création "
            "(empreinte différente). Choisissez une autre sauvegarde."
        )
    try:
        conn = _connect_ro(path)
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
    return info if info.counts else BackupInfo(
        info.path, info.created_at, info.size, info.reason, info.verified, info.contacts, counts
    )


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
        conn = _connect_ro(db)
        try:
            return not integrity_problems(conn, quick=True)
        finally:
            conn.close()
    except sqlite3.Error:
        return False


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
    deleted; the restored file is verified in place.
    """
    db, backup = Path(db), Path(backup)
    folder = Path(folder) if folder else configured_backup_folder()
    when = now or datetime.now()
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
    incoming = temp_name(db.with_name(db.name + ".restauration"))
    moved: list[Path] = []
    with _backup_errors(db.parent, "Restauration"):
        try:
            src = _connect_ro(backup)
            try:
                dst = sqlite3.connect(incoming, isolation_level=None)
                try:
                    src.backup(dst)
                    dst.execute("PRAGMA journal_mode=DELETE")
                finally:
                    dst.close()
            finally:
                src.close()
            fsync_file(incoming)
            check = _connect_ro(incoming)
            try:
                # The backup itself passed integrity_check above; for its fresh copy, the
                # structure check and the row counts catch a bad write.
                problems = integrity_problems(check, quick=True)
                counts = table_counts(check) if not problems else {}
            finally:
                check.close()
            expected = info.counts
            if problems or counts != expected:
                raise UserError(
                    "La copie de la sauvegarde n'a pas passé la vérification : rien n'a été "
                    "remplacé.",
                    problems[:3],
                )
        except BaseException:
            incoming.unlink(missing_ok=True)
            raise
        stamp = f"{ASIDE_MARK}-{when:%Y%m%d-%H%M%S}"
        for suffix in ("", "-wal", "-shm", "-journal"):
            current = db.with_name(db.name + suffix)
            if current.exists():
                aside = db.with_name(f"{db.name}.{stamp}{suffix}")
                n = 2
                while aside.exists():
                    aside = db.with_name(f"{db.name}.{stamp}-{n}{suffix}")
                    n += 1
                os.replace(current, aside)
                moved.append(aside)
        os.replace(incoming, db)
        fsync_dir(db.parent)
    # The restored file must open cleanly in place: no stale -wal beside it (moved above), and
    # being in rollback-journal mode, this read-only look creates no -wal/-shm either.
    conn = _connect_ro(db)
    try:
        problems = integrity_problems(conn, quick=True)
    finally:
        conn.close()
    if problems:
        raise DatabaseDamaged(
            f"La base restaurée ne passe pas la vérification ({problems[0]}). "
            f"L'ancienne base est conservée : {moved[0] if moved else 'aucune'}."
        )
    return RestoreResult(backup, db, safety, moved, counts)


def moved_aside_files(db: Path) -> list[Path]:
    """Files a restore put aside beside the database (kept until the user removes them)."""
    db = Path(db)
    if not db.parent.is_dir():
        return []
    return sorted(p for p in db.parent.glob(f"{db.name}.{ASIDE_MARK}-*"))
