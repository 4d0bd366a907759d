"""Backup, restore and start-up check times on the 1,000,000-contact database.

    .venv/bin/python benchmarks/bench_backup.py

Uses benchmarks/dataset.py ``ensure_million_db()`` (built once through the import path) and
works on a copy, so the cached database is never changed. Writes the "backup" section of
docs/benchmarks.md.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._report import write_section  # noqa: E402
from benchmarks.dataset import ensure_million_db  # noqa: E402
from sarah.db import quick_check_file  # noqa: E402
from sarah.services.backups.create import create_backup_steps  # noqa: E402
from sarah.services.backups.listing import list_backups  # noqa: E402
from sarah.services.backups.restore import restore_backup  # noqa: E402
from sarah.services.backups.startup import check_database  # noqa: E402

MB = 1024 * 1024


def _timed_backup(db: Path, folder: Path) -> tuple[float, dict[str, float], object]:
    """Total time and the time of each phase (copy, verification, fingerprint, rename)."""
    phases: dict[str, float] = {}
    steps = create_backup_steps(db, folder, "manuelle")
    started = last = time.perf_counter()
    label = "start"
    try:
        while True:
            _done, _total, text = next(steps)
            now = time.perf_counter()
            phases[label] = now - last
            label, last = text, now
    except StopIteration as stop:
        phases[label] = time.perf_counter() - last
        return time.perf_counter() - started, phases, stop.value


def main() -> None:
    source = ensure_million_db()
    with tempfile.TemporaryDirectory(prefix="bench-backup-") as tmp:
        work = Path(tmp)
        db = work / "sarah.sqlite"
        shutil.copy(source, db)
        folder = work / "sauvegardes"
        folder.mkdir()
        db_size = db.stat().st_size

        started = time.perf_counter()
        problems = quick_check_file(db)
        quick = time.perf_counter() - started
        assert problems == [], problems

        started = time.perf_counter()
        report = check_database(db, folder)
        startup = time.perf_counter() - started
        assert not report.damaged

        total, phases, info = _timed_backup(db, folder)
        started = time.perf_counter()
        listed = list_backups(folder)
        listing = time.perf_counter() - started

        started = time.perf_counter()
        result = restore_backup(db, info.path, folder=folder)  # type: ignore[attr-defined]
        restore = time.perf_counter() - started
        assert result.counts == info.counts  # type: ignore[attr-defined]

    copy_s = phases.get("Copie de la base…", 0.0)
    verify_s = phases.get("Vérification de la copie…", 0.0)
    digest_s = phases.get("Empreinte de la copie…", 0.0)
    contacts = info.contacts  # type: ignore[attr-defined]
    body = f"""Database: {contacts:,} live contacts, {db_size / MB:,.0f} MB (benchmarks/dataset.py).

| what | time |
|---|---|
| start-up check (`quick_check`, read-only) | {quick:.2f} s |
| whole start-up check (`check_database`: clean-up, header, quick_check, backup list) | {startup:.2f} s |
| verified backup, total | {total:.1f} s |
| — copy with the online backup API | {copy_s:.1f} s |
| — verification: `integrity_check` + row counts of every table | {verify_s:.1f} s |
| — sha256 of the copy + manifest | {digest_s:.1f} s |
| backup file size | {info.size / MB:,.0f} MB |
| listing the backup folder ({len(listed)} backup) | {listing * 1000:.0f} ms |
| restore (verify the backup, safety backup of the current file, copy, verify, swap) | {restore:.1f} s |

The start-up check of a file this size runs before the window opens only when it is at most
256 MB; a bigger file opens read-only at once and is checked in the background (the window is
usable within 2 s), writing being allowed when the check has passed. Automatic backups run off
the GUI thread; during one, saving at the desk goes on (WAL: readers do not block the writer).
"""
    write_section("backup", "Backups and start-up check", body)
    print(body)


if __name__ == "__main__":
    main()
