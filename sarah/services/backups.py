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
import sqlite3
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from sarah import paths
from sarah.db import sqlite_path
from sarah.errors import DatabaseDamaged, DatabaseLocked, DiskFull, UserError
from sarah.services.restore_journal import (
    ASIDE_MARK,
    database_traces,
    incoming_path,
    journal_path,
    plan_moves,
    recover_interrupted_restore,
    remove_journal,
    undo_restore,
    write_journal,
)
from sarah.services.sqlite_files import (
    HOST,
    PARTIAL_SUFFIX,
    check_copy,
    connect_ro,
    count_table,
    fsync_dir,
    fsync_file,
    integrity_problems,
    live_contacts,
    sha256_file,
    table_counts,
    table_names,
    temp_is_stale,
    temp_name,
)
from sarah.settings import load_settings

__all__ = [  # names other modules import from here
    "ASIDE_MARK", "HOST", "BackupInfo", "BackupState", "RestoreResult", "backup_before",
    "backup_if_changed", "backup_state", "check_backups", "clean_temporary_files",
    "create_backup", "create_backup_steps", "database_traces", "describe_age", "fsync_dir",
    "human_size", "list_backups", "recover_interrupted_restore", "restore_backup",
    "rotate_backups", "sha256_file", "state_text", "temp_is_stale", "temp_name",
]

log = logging.getLogger(__name__)

MANIFEST_FORMAT = 1
KEEP_ALL_HOURS = 48
KEEP_DAILY = 14
KEEP_WEEKLY = 8
KEEP_MONTHLY = 12
# A backup dated later than now by more than this was made while the PC clock was wrong.
FUTURE_TOLERANCE = timedelta(minutes=10)
# The Sauvegardes screen reads again, in the background, the backups not read for this long.
RECHECK_HOURS = 24
# The backup folder's size limit when none is set: this many times the newest backup, at least
# AUTO_LIMIT_MIN_BYTES.
AUTO_LIMIT_FACTOR = 10
AUTO_LIMIT_MIN_BYTES = 1024**3

# Reasons, as they appear in file names.
REASON_MANUAL = "manuelle"
REASON_STARTUP = "demarrage"
REASON_PERIODIC = "automatique"
REASON_EXIT = "fermeture"

NAME_RE = re.compile(r"^(?P<reason>[a-z0-9]+(?:-[a-z0-9]+)*?)-(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?\.sqlite$")
SLUG_RE = re.compile(r"[^a-z0-9]+")

Progress = Generator[tuple[int, int, str], None, "BackupInfo"]

# Former private names, kept for the modules and tests that use them.
_connect_ro = connect_ro
_table_names = table_names
_live_contacts = live_contacts


@dataclass(frozen=True)
class BackupInfo:
    """One backup file as the Sauvegardes screen and ``sarah backup list`` show it."""

    path: Path
    created_at: datetime  # local time, naive (as in the file name)
    size: int
    reason: str
    verified: bool  # manifest present, integrity ok, same size, content not found changed
    contacts: int | None  # contacts not deleted (deleted_at IS NULL), None when unknown
    counts: dict[str, int] = field(default_factory=dict)
    fingerprint: str | None = None
    sha256: str | None = None
    has_manifest: bool = True
    checked_at: datetime | None = None  # when its content last matched its sha256
    problem: str | None = None  # why it is no longer verified (changed since it was made)
    future_seen_at: datetime | None = None  # first seen dated in the future (PC clock wrong)

    def is_future(self, now: datetime) -> bool:
        return self.created_at > now + FUTURE_TOLERANCE

    def effective_date(self, now: datetime) -> datetime:
        """The date rotation and "newest" use: a backup dated in the future (made while the PC
        clock was wrong) counts from the moment SARAH first saw it so."""
        if self.is_future(now):
            return self.future_seen_at or now
        return self.created_at


@dataclass(frozen=True)
class BackupState:
    """What the status bar and the Sauvegardes screen say about backups."""

    folder: Path
    reachable: bool
    last_verified: BackupInfo | None  # newest verified backup with a believable date
    now: datetime
    warning_hours: int = 24
    future: tuple[BackupInfo, ...] = ()  # verified backups dated in the future
    total_size: int = 0  # backup files and manifests in the folder
    limit: int = 0  # the size rotation keeps the folder under

    @property
    def age(self) -> timedelta | None:
        return None if self.last_verified is None else self.now - self.last_verified.created_at

    @property
    def clock_notice(self) -> str | None:
        """The PC clock was (or is) wrong: said while the newest such backup is recent."""
        recent = [
            b for b in self.future
            if b.future_seen_at is None
            or self.now - b.future_seen_at <= timedelta(hours=KEEP_ALL_HOURS)
        ]
        if not recent and (self.last_verified is not None or not self.future):
            return None
        latest = max(b.created_at for b in self.future)
        n = len(self.future)
        what = "sauvegarde est datée" if n == 1 else f"{n} sauvegardes sont datées"
        return (
            f"{'une ' if n == 1 else ''}{what} du {latest:%d/%m/%Y à %H:%M}, dans le futur : "
            f"l'horloge de ce PC (qui indique maintenant le {self.now:%d/%m/%Y à %H:%M}) est ou a été "
            "fausse. Vérifiez la date et l'heure de Windows."
        )

    @property
    def warning(self) -> bool:
        age = self.age
        return (
            not self.reachable
            or age is None
            or age > timedelta(hours=self.warning_hours)
            or self.clock_notice is not None
        )

    @property
    def message(self) -> str:
        if self.last_verified is None:
            text = "Aucune sauvegarde vérifiée"
        else:
            text = f"Dernière sauvegarde vérifiée : {describe_age(self.age or timedelta())}"
        if not self.reachable:
            text += f" — dossier de sauvegarde inaccessible ({self.folder})"
        elif self.clock_notice is not None:
            latest = max(b.created_at for b in self.future)
            text += f" — une sauvegarde est datée du {latest:%d/%m/%Y}, dans le futur : vérifiez l'horloge du PC"
        elif self.warning:
            text += " — faites une sauvegarde"
        return text

    @property
    def size_text(self) -> str:
        """« 264,0 Mo sur 1,0 Go au plus »: shown on the screen and by ``sarah backup list``."""
        return f"{human_size(self.total_size)} sur {human_size(self.limit)} au plus"


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    database: Path
    safety_backup: BackupInfo | None  # the backup of the current file taken first
    moved_aside: list[Path]  # the previous file and its -wal/-shm, kept
    counts: dict[str, int]  # rows per table of the restored file
    contacts: int | None = None  # contacts not deleted, as every screen counts them
    recovered: str | None = None  # what was done first about an earlier interrupted restore


# --- small helpers -------------------------------------------------------------------------------


def describe_age(age: timedelta) -> str:
    """'à l'instant', 'il y a 12 min', 'il y a 3 h', 'il y a 2 jours': the one wording of a
    backup's age, used by the status bar and the Sauvegardes screen alike."""
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


def state_text(b: BackupInfo, now: datetime | None = None) -> str:
    """The « État » of a backup, in the list of the screen and of ``sarah backup list``."""
    now = now or datetime.now()
    if not b.has_manifest:
        text = "NON vérifiée (pas de manifeste)"
    elif b.problem:
        text = f"ABÎMÉE ({b.problem})"
    elif not b.verified:
        text = "NON vérifiée"
    else:
        text = f"vérifiée le {(b.checked_at or b.created_at):%d/%m/%Y %H:%M}"
    if b.is_future(now):
        text += ", datée dans le futur"
    return text


def _slug(reason: str) -> str:
    slug = SLUG_RE.sub("-", reason.lower()).strip("-")
    return slug or REASON_MANUAL


def manifest_path(backup: Path) -> Path:
    return backup.with_suffix(".json")


def fingerprint(conn: sqlite3.Connection, counts: dict[str, int] | None = None) -> str:
    """Changes whenever something is saved: the rows of each table, the site counters (every
    write transaction bumps its site's ``last_revision``), catalogue edits, the schema version.

    Cheap (counts read the smallest index) and the same in every process, unlike
    ``PRAGMA data_version`` (per connection) or the header's change counter (not kept up to
    date in WAL mode)."""
    counts = table_counts(conn) if counts is None else counts
    parts = [f"{t}={n}" for t, n in sorted(counts.items())]
    for sql in (
        "SELECT coalesce(sum(last_revision), 0) FROM sites",
        "SELECT coalesce(max(updated_at), '') FROM sites",
        "SELECT coalesce(max(updated_at), '') FROM services",
        "SELECT coalesce(max(version_num), '') FROM alembic_version",
    ):
        try:
            parts.append(str(conn.execute(sql).fetchone()[0]))
        except sqlite3.Error:
            parts.append("-")
    return hashlib.sha256(";".join(parts).encode()).hexdigest()[:32]


def database_fingerprint(db: Path) -> str | None:
    """The fingerprint of a database file, None when it cannot be read."""
    try:
        conn = connect_ro(db)
        try:
            conn.execute("BEGIN")
            value = fingerprint(conn)
            conn.execute("COMMIT")
            return value
        finally:
            conn.close()
    except sqlite3.Error:
        return None


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
    clean_temporary_files(folder)  # what killed backups left here (never a live one's files)
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
                "checked_at": datetime.now().isoformat(timespec="seconds"),
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


# --- list, check and rotate ----------------------------------------------------------------------


def _read_manifest(path: Path) -> dict[str, object] | None:
    try:
        data = json.loads(manifest_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _update_manifest(backup: Path, **changes: object) -> bool:
    """Add facts learnt later (last read, damage found, clock) to a manifest, atomically.
    False when the folder does not accept it (read-only key): the facts are then not kept."""
    data = _read_manifest(backup)
    if data is None:
        return False
    data.update(changes)
    target = manifest_path(backup)
    tmp = temp_name(target)
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=2)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError:
        log.warning("could not update the manifest of %s", backup, exc_info=True)
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        return False
    return True


def _date(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=None)
    except ValueError:
        return None


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
        return BackupInfo(path, created, size, match["reason"], False, None, has_manifest=False)
    counts = count_table(data.get("counts"))
    contacts = data.get("contacts")
    problem = str(data["damaged"]) if data.get("damaged") else None
    if problem is None and data.get("size") != size:
        problem = "taille changée depuis sa création"
    if problem is None and data.get("integrity") != "ok":
        problem = "vérification échouée à sa création"
    return BackupInfo(
        path=path,
        created_at=created,
        size=size,
        reason=str(data.get("reason") or match["reason"]),
        verified=problem is None,
        contacts=contacts if isinstance(contacts, int) else None,
        counts=counts,
        fingerprint=str(data["fingerprint"]) if data.get("fingerprint") else None,
        sha256=str(data["sha256"]) if data.get("sha256") else None,
        checked_at=_date(data.get("checked_at")) or _date(data.get("created_at")) or created,
        problem=problem,
        future_seen_at=_date(data.get("future_seen_at")),
    )


def _newest_first(backups: list[BackupInfo], now: datetime) -> list[BackupInfo]:
    return sorted(backups, key=lambda b: (b.effective_date(now), b.path.name), reverse=True)


def list_backups(folder: Path | None = None, *, now: datetime | None = None) -> list[BackupInfo]:
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
    return _newest_first(found, now or datetime.now())


def last_verified_backup(
    folder: Path | None = None, *, now: datetime | None = None
) -> BackupInfo | None:
    """The newest verified backup (one dated in the future counts from when it was first seen)."""
    return next((b for b in list_backups(folder, now=now) if b.verified), None)


def folder_usage(folder: Path) -> int:
    """Bytes taken by SARAH's files in the backup folder (backups, manifests, copies under way);
    the user's own files there are not counted."""
    total = 0
    try:
        entries = list(folder.iterdir())
    except OSError:
        return 0
    for entry in entries:
        name = entry.name
        ours = NAME_RE.match(name) or NAME_RE.match(name.removesuffix(".json") + ".sqlite")
        if ours or (name.endswith(PARTIAL_SUFFIX) and NAME_RE.match(name.split(".sqlite")[0] + ".sqlite")):
            with contextlib.suppress(OSError):
                total += entry.stat().st_size
    return total


def size_limit(backups: list[BackupInfo], setting_mb: int | None = None) -> int:
    """The size rotation keeps the folder under: the setting, else ten times the newest backup
    (at least 1 Go): room for the 48 hours and the daily copies of a growing database."""
    if setting_mb is None:
        setting_mb = load_settings().backup_folder_limit_mb
    if setting_mb:
        return int(setting_mb) * 1024 * 1024
    newest = max((b.size for b in backups[:1]), default=0)
    return max(AUTO_LIMIT_MIN_BYTES, AUTO_LIMIT_FACTOR * newest)


def plan_rotation(
    backups: list[BackupInfo], now: datetime, limit: int | None = None
) -> list[BackupInfo]:
    """The backups rotation would delete (the others are kept).

    Kept: everything of the last 48 hours; the newest verified backup of each of the last 14
    days, 8 weeks and 12 months; always the newest verified backup; always a file without a
    manifest (SARAH did not make or check it: it is flagged, never deleted behind the user's
    back). A backup dated in the future counts from when it was first seen. Then, while the
    total is over ``limit``, the oldest of the others go first.
    """
    newest_first = _newest_first(backups, now)
    keep: set[Path] = set()
    untouchable: set[Path] = {b.path for b in newest_first if not b.has_manifest}
    for b in newest_first:
        if now - b.effective_date(now) <= timedelta(hours=KEEP_ALL_HOURS):
            keep.add(b.path)
    for bucket_of, count in (
        (lambda d: d.date(), KEEP_DAILY),
        (lambda d: tuple(d.isocalendar())[:2], KEEP_WEEKLY),
        (lambda d: (d.year, d.month), KEEP_MONTHLY),
    ):
        seen: list[object] = []
        for b in newest_first:
            if not b.verified:
                continue
            bucket = bucket_of(b.effective_date(now))
            if bucket in seen:
                continue
            if len(seen) >= count:
                break
            seen.append(bucket)
            keep.add(b.path)
    newest_verified = next((b for b in newest_first if b.verified), None)
    if newest_verified is not None:
        untouchable.add(newest_verified.path)
    keep |= untouchable
    if limit is not None:
        total = sum(b.size for b in newest_first if b.path in keep)
        for b in reversed(newest_first):
            if total <= limit:
                break
            if b.path in keep and b.path not in untouchable:
                keep.discard(b.path)
                total -= b.size
    return [b for b in newest_first if b.path not in keep]


def _note_future_backups(backups: list[BackupInfo], now: datetime) -> list[BackupInfo]:
    """Write down when each backup dated in the future was first seen (rotation counts its age
    from then: its real date is unknown)."""
    noted = []
    for b in backups:
        if b.is_future(now) and b.has_manifest and b.future_seen_at is None:
            seen = now.replace(microsecond=0)
            _update_manifest(b.path, future_seen_at=seen.isoformat())
            b = replace(b, future_seen_at=seen)
        noted.append(b)
    return noted


def rotate_backups(
    folder: Path | None = None, *, now: datetime | None = None, limit: int | None = None
) -> list[Path]:
    """Delete the backups the rotation does not keep; returns the deleted files."""
    folder = Path(folder) if folder else configured_backup_folder()
    now = now or datetime.now()
    clean_temporary_files(folder)
    backups = _note_future_backups(list_backups(folder, now=now), now)
    deleted: list[Path] = []
    for b in plan_rotation(backups, now, size_limit(backups) if limit is None else limit):
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


DAMAGED_CONTENT = "contenu modifié depuis sa création"


def check_backup(b: BackupInfo) -> BackupInfo:
    """Read a backup whole and compare it with the sha256 of its manifest; the result (date of
    the check, or the damage found) is written into the manifest."""
    if not b.has_manifest or b.sha256 is None or b.problem:
        return b
    try:
        digest = sha256_file(b.path)
    except OSError as exc:
        return replace(b, verified=False, problem=f"illisible : {exc.strerror or exc}")
    now = datetime.now().replace(microsecond=0)
    if digest == b.sha256:
        _update_manifest(b.path, checked_at=now.isoformat())
        return replace(b, checked_at=now)
    _update_manifest(b.path, damaged=DAMAGED_CONTENT)
    return replace(b, verified=False, problem=DAMAGED_CONTENT)


def check_backups(
    folder: Path | None = None, *, older_than_hours: float | None = None
) -> list[BackupInfo]:
    """Read again the backups of the folder (only those not read for ``older_than_hours`` when
    given), newest first; returns the whole list with what was found."""
    now = datetime.now()
    result = []
    for b in list_backups(folder, now=now):
        due = older_than_hours is None or (
            b.checked_at is None or now - b.checked_at > timedelta(hours=older_than_hours)
        )
        result.append(check_backup(b) if due else b)
    return result


# --- automatic backups ---------------------------------------------------------------------------


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


def backup_state(
    folder: Path | None = None, *, now: datetime | None = None, warning_hours: int | None = None
) -> BackupState:
    settings = load_settings()
    folder = Path(folder) if folder else settings.backup_path()
    now = now or datetime.now()
    backups = list_backups(folder, now=now)
    verified = [b for b in backups if b.verified]
    return BackupState(
        folder=folder,
        reachable=folder_reachable(folder),
        last_verified=next((b for b in verified if not b.is_future(now)), None),
        now=now,
        warning_hours=warning_hours if warning_hours is not None else settings.backup_warning_hours,
        future=tuple(b for b in verified if b.is_future(now)),
        total_size=folder_usage(folder) if folder.is_dir() else 0,
        limit=size_limit(backups, settings.backup_folder_limit_mb),
    )


# --- temporary files -----------------------------------------------------------------------------


def clean_temporary_files(folder: Path | None = None, db: Path | None = None) -> list[Path]:
    """Remove what a crash left behind: ``*.partial`` copies whose writer is gone (its process
    ended, or the file was not touched for a day), and manifests whose backup never got its
    final name. Files being written by a running process (another SARAH window's backup) are
    left alone, and so is the copy of a restore that its journal still needs."""
    removed: list[Path] = []
    folders = [Path(folder) if folder else configured_backup_folder()]
    if db is not None and not journal_path(Path(db)).exists():
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
            if f != folders[0] and db is not None and not entry.name.startswith(Path(db).name + "."):
                stale = False  # beside the database, only its own temporary files
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
        path.stat().st_size, "importee", False, None, has_manifest=False,
    )
    if info.sha256 and sha256_file(path) != info.sha256:
        _update_manifest(path, damaged=DAMAGED_CONTENT)
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


def _copy_in(backup: Path, incoming: Path, expected: dict[str, int]) -> int | None:
    """Copy the backup beside the database, fsync, check; returns its live contacts."""
    try:
        src = connect_ro(backup)
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
    journal (:mod:`sarah.services.restore_journal`), so that a restore killed at any step is
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
    with _backup_errors(db.parent, "Restauration"):
        contacts = _copy_in(backup, incoming, info.counts)
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
    return RestoreResult(
        backup, db, safety, [aside for _live, aside in moves], info.counts, contacts, recovered
    )


def moved_aside_files(db: Path) -> list[Path]:
    """Files a restore put aside beside the database (kept until the user removes them)."""
    db = Path(db)
    if not db.parent.is_dir():
        return []
    return sorted(p for p in db.parent.glob(f"{glob.escape(db.name)}.{ASIDE_MARK}-*"))
