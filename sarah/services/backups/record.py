"""One backup file: its name, its manifest, its fingerprint, and the backup folder."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sarah.services.backups.files import (
    connect_ro,
    count_table,
    table_counts,
    temp_name,
)
from sarah.settings import load_settings

log = logging.getLogger(__name__)


MANIFEST_FORMAT = 1

# A backup dated later than now by more than this was made while the PC clock was wrong.
FUTURE_TOLERANCE = timedelta(minutes=10)

# Reasons, as they appear in file names.
REASON_MANUAL = "manuelle"
REASON_STARTUP = "demarrage"
REASON_PERIODIC = "automatique"
REASON_EXIT = "fermeture"
NAME_RE = re.compile(
    r"^(?P<reason>[a-z0-9]+(?:-[a-z0-9]+)*?)-(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?\.sqlite$"
)


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


def manifest_path(backup: Path) -> Path:
    return backup.with_suffix(".json")


def fingerprint(conn: sqlite3.Connection, counts: dict[str, int] | None = None) -> str:
    """Changes whenever something is saved: the rows of each table, the installation's version
    clock (every change advances it, docs/sync.md) and what sync imports received of each
    writer, catalogue edits, the schema version.

    Cheap (counts read the smallest index) and the same in every process, unlike
    ``PRAGMA data_version`` (per connection) or the header's change counter (not kept up to
    date in WAL mode)."""
    counts = table_counts(conn) if counts is None else counts
    parts = [f"{t}={n}" for t, n in sorted(counts.items())]
    for sql in (
        "SELECT coalesce(sum(last_revision), 0) FROM sites",  # schemas before 0004
        "SELECT clock FROM installation",
        "SELECT coalesce(sum(top), 0) FROM sync_seen",
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


def read_manifest(path: Path) -> dict[str, object] | None:
    try:
        data = json.loads(manifest_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def update_manifest(backup: Path, **changes: object) -> bool:
    """Add facts learnt later (last read, damage found, clock) to a manifest, atomically.
    False when the folder does not accept it (read-only key): the facts are then not kept."""
    data = read_manifest(backup)
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
    data = read_manifest(path)
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
