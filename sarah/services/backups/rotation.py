"""Rotation: which backups are kept (:func:`plan_rotation`, pure) and deleting the others.

Rotation keeps everything of the last 48 hours, then the newest backup of each of the last 14
days, 8 weeks and 12 months, and never deletes the newest verified backup.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from sarah.services.backups.listing import (
    clean_temporary_files,
    list_backups,
    newest_first,
)
from sarah.services.backups.record import (
    BackupInfo,
    configured_backup_folder,
    manifest_path,
    update_manifest,
)
from sarah.settings import load_settings

log = logging.getLogger(__name__)


KEEP_ALL_HOURS = 48
KEEP_DAILY = 14
KEEP_WEEKLY = 8
KEEP_MONTHLY = 12

# The backup folder's size limit when none is set: this many times the newest backup, at least
# AUTO_LIMIT_MIN_BYTES.
AUTO_LIMIT_FACTOR = 10
AUTO_LIMIT_MIN_BYTES = 1024**3


def size_limit(backups: list[BackupInfo], setting_mb: int | None = None) -> int:
    """The size rotation keeps the folder under: the setting, else ten times the newest backup
    (at least 1 Go): room for the 48 hours and the daily copies of a growing database."""
    if setting_mb is None:
        setting_mb = load_settings().backup_folder_limit_mb
    if setting_mb:
        return int(setting_mb) * 1024 * 1024
    newest = max((b.size for b in backups[:1]), default=0)
    return max(AUTO_LIMIT_MIN_BYTES, AUTO_LIMIT_FACTOR * newest)


# How the newest verified backup of each calendar period is picked, and how many periods back.
BUCKETS: tuple[tuple[Callable[[datetime], object], int], ...] = (
    (lambda d: d.date(), KEEP_DAILY),
    (lambda d: tuple(d.isocalendar())[:2], KEEP_WEEKLY),
    (lambda d: (d.year, d.month), KEEP_MONTHLY),
)


def _newest_of_each_period(
    ordered: list[BackupInfo], now: datetime, period_of: Callable[[datetime], object], count: int
) -> set[Path]:
    """The newest verified backup of each of the last ``count`` periods that have one."""
    seen: list[object] = []
    kept: set[Path] = set()
    for b in ordered:
        if not b.verified:
            continue
        period = period_of(b.effective_date(now))
        if period in seen:
            continue
        if len(seen) >= count:
            break
        seen.append(period)
        kept.add(b.path)
    return kept


def _trimmed_to_limit(
    ordered: list[BackupInfo], keep: set[Path], untouchable: set[Path], limit: int
) -> set[Path]:
    """``keep`` without its oldest deletable backups while their total is over ``limit``."""
    keep = set(keep)
    total = sum(b.size for b in ordered if b.path in keep)
    for b in reversed(ordered):
        if total <= limit:
            break
        if b.path in keep and b.path not in untouchable:
            keep.discard(b.path)
            total -= b.size
    return keep


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
    ordered = newest_first(backups, now)
    untouchable: set[Path] = {b.path for b in ordered if not b.has_manifest}
    keep: set[Path] = {
        b.path for b in ordered if now - b.effective_date(now) <= timedelta(hours=KEEP_ALL_HOURS)
    }
    for period_of, count in BUCKETS:
        keep |= _newest_of_each_period(ordered, now, period_of, count)
    newest_verified = next((b for b in ordered if b.verified), None)
    if newest_verified is not None:
        untouchable.add(newest_verified.path)
    keep |= untouchable
    if limit is not None:
        keep = _trimmed_to_limit(ordered, keep, untouchable, limit)
    return [b for b in ordered if b.path not in keep]


def _note_future_backups(backups: list[BackupInfo], now: datetime) -> list[BackupInfo]:
    """Write down when each backup dated in the future was first seen (rotation counts its age
    from then: its real date is unknown)."""
    noted = []
    for b in backups:
        if b.is_future(now) and b.has_manifest and b.future_seen_at is None:
            seen = now.replace(microsecond=0)
            update_manifest(b.path, future_seen_at=seen.isoformat())
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
