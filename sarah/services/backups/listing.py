"""The backups of a folder: listed newest first, read again, and what crashes left there."""

from __future__ import annotations

import contextlib
import glob
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from sarah.services.backups.files import (
    PARTIAL_SUFFIX,
    sha256_file,
    temp_is_stale,
)
from sarah.services.backups.journal import (
    journal_path,
)
from sarah.services.backups.record import (
    NAME_RE,
    BackupInfo,
    configured_backup_folder,
    read_backup,
    update_manifest,
)

# The Sauvegardes screen reads again, in the background, the backups not read for this long.
RECHECK_HOURS = 24


def newest_first(backups: list[BackupInfo], now: datetime) -> list[BackupInfo]:
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
    return newest_first(found, now or datetime.now())


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
        if ours or (
            name.endswith(PARTIAL_SUFFIX) and NAME_RE.match(name.split(".sqlite")[0] + ".sqlite")
        ):
            with contextlib.suppress(OSError):
                total += entry.stat().st_size
    return total


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
        update_manifest(b.path, checked_at=now.isoformat())
        return replace(b, checked_at=now)
    update_manifest(b.path, damaged=DAMAGED_CONTENT)
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
            if (
                f != folders[0]
                and db is not None
                and not entry.name.startswith(Path(db).name + ".")
            ):
                stale = False  # beside the database, only its own temporary files
            if not stale and f == folders[0] and entry.suffix == ".json":
                backup = entry.with_suffix(".sqlite")
                stale = (
                    NAME_RE.match(backup.name) is not None
                    and not backup.exists()
                    and all(
                        temp_is_stale(p) for p in f.glob(glob.escape(backup.name) + ".*.partial")
                    )
                )
            if stale:
                with contextlib.suppress(OSError):
                    entry.unlink()
                    removed.append(entry)
    return removed
