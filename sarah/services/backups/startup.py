"""The start-up check: is the database file sound before anything is written to it?

Run before the window opens (and by every command through :func:`sarah.services.database.open_database`):

- the location is refused when unsafe (network share, cloud-synced folder);
- a restore that was interrupted is finished or undone (:func:`recover_interrupted_restore`);
- temporary files a crash left behind are removed (``*.partial`` copies in the backup folder,
  a restore killed before it moved anything); the database and its -wal/-shm are never touched;
- SQLite's ``quick_check`` runs on the file opened read-only. On failure the window opens the
  data read-only, keeps the damaged file byte for byte, and offers the newest verified backup.

:func:`plan_startup` is the window's decision before that check: a big file already at the
current schema opens read-only at once and is checked in the background; any other file is
checked first (and a damaged one makes the window ask what to do).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from sarah.db import (
    create_db_engine,
    current_revision,
    head_revision,
    quick_check_file,
    sqlite_file,
)
from sarah.dbfile import SQLITE_MAGIC
from sarah.services.backups.create import backup_if_changed
from sarah.services.backups.journal import journal_path, recover_interrupted_restore
from sarah.services.backups.listing import clean_temporary_files, last_verified_backup
from sarah.services.backups.location import refuse_unsafe_location
from sarah.services.backups.record import REASON_STARTUP, BackupInfo, configured_backup_folder
from sarah.vocabulary import count_text

# A file bigger than this, already at the current schema, opens before its check is done.
BIG_FILE_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class StartupReport:
    database: Path
    backup_folder: Path
    exists: bool
    problems: list[str] = field(default_factory=list)
    cleaned: list[Path] = field(default_factory=list)
    last_verified: BackupInfo | None = None
    recovered: str | None = None  # what was done about an interrupted restore
    seconds: float = 0.0  # how long the check took

    @property
    def damaged(self) -> bool:
        return bool(self.problems)

    @property
    def read_only(self) -> bool:
        """A damaged file is only ever opened read-only (nothing may be written to it)."""
        return self.damaged

    @property
    def message(self) -> str:
        if not self.damaged:
            return "La base de données est saine."
        detail = self.problems[0] if len(self.problems[0]) <= 100 else self.problems[0][:97] + "…"
        more = (
            f" et {len(self.problems) - 1} autre(s) problème(s)" if len(self.problems) > 1 else ""
        )
        lines = [
            f"Le fichier de données {self.database} est endommagé "
            f"(détail technique : {detail}{more}).",
            "Il n'a pas été modifié : il est conservé tel quel, octet pour octet.",
            "SARAH l'ouvre en lecture seule : vous pouvez consulter, mais pas enregistrer.",
        ]
        if self.last_verified is not None:
            when = self.last_verified.created_at
            lines.append(
                f"Dernière sauvegarde vérifiée : {when:%d/%m/%Y à %H:%M}"
                + (
                    f" ({count_text(self.last_verified.contacts)} contacts)."
                    if self.last_verified.contacts is not None
                    else "."
                )
                + " Vous pouvez la restaurer : la base endommagée sera mise de côté, pas effacée."
            )
        else:
            lines.append(
                f"Aucune sauvegarde vérifiée n'a été trouvée dans {self.backup_folder}. "
                "Choisissez un autre dossier de sauvegarde ou un fichier de sauvegarde."
            )
        return "\n".join(lines)


def header_problem(path: Path) -> str | None:
    """A cheap look at the first bytes: is this a SQLite file at all?"""
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        return f"lecture impossible : {exc.strerror or exc}"
    if len(head) < 100 or not head.startswith(SQLITE_MAGIC):
        return "ce n'est pas (ou plus) un fichier SQLite : en-tête illisible"
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    try:
        size = path.stat().st_size
    except OSError as exc:
        return f"lecture impossible : {exc.strerror or exc}"
    if page_size < 512 or page_size & (page_size - 1):
        return "en-tête abîmé (taille de page invalide)"
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return None  # pages may still live in the -wal: quick_check judges
    if head[92:96] != head[24:28]:
        pages = 0  # the page count in the header is not maintained: the file size is used
    if size % page_size:
        return "fichier tronqué (taille qui n'est pas un nombre entier de pages)"
    if pages and size < pages * page_size:
        return f"fichier tronqué ({size} octets au lieu de {pages * page_size})"
    return None


def check_database(path: Path, backup_folder: Path | None = None) -> StartupReport:
    """Check the database file before it is opened for writing. Never writes to it."""
    path = Path(path)
    folder = Path(backup_folder) if backup_folder else configured_backup_folder()
    refuse_unsafe_location(path)
    started = time.perf_counter()
    recovered = recover_interrupted_restore(path)
    cleaned = clean_temporary_files(folder, db=path)
    exists = path.exists()
    problems: list[str] = []
    if exists and path.stat().st_size > 0:
        head = header_problem(path)
        problems = [head] if head else quick_check_file(path)
    last = last_verified_backup(folder)
    return StartupReport(
        database=path,
        backup_folder=folder,
        exists=exists,
        problems=problems,
        cleaned=cleaned,
        last_verified=last,
        recovered=recovered,
        seconds=time.perf_counter() - started,
    )


def startup_backup(report: StartupReport) -> BackupInfo | None:
    """The backup taken at start-up after a good check, only when the data changed since the
    newest verified backup (none for a damaged or new file)."""
    if report.damaged or not report.exists:
        return None
    if not report.database.exists() or report.database.stat().st_size == 0:
        return None
    return backup_if_changed(report.database, report.backup_folder, REASON_STARTUP)


# --- the window's decision before opening ------------------------------------------------------


class Opening(Enum):
    AS_IS = "as-is"  # not a SQLite file (a server database): opened as every command opens it
    READ_ONLY_NOW = "read-only-now"  # big file at the current schema: read-only now, check behind
    CHECK_FIRST = "check-first"  # checked before it opens; a damaged file asks the user


@dataclass(frozen=True)
class StartupPlan:
    path: Path | None  # the SQLite file, None for a server database
    opening: Opening


def _at_head(path: Path) -> bool:
    engine = create_db_engine(path, read_only=True)
    try:
        return current_revision(engine) == head_revision()
    except Exception:
        return False
    finally:
        engine.dispose()


def plan_startup(target: str | os.PathLike[str] | None) -> StartupPlan:
    """How the window opens ``target``. An unsafe location is refused (UserError) first."""
    path = sqlite_file(target)
    if path is None:
        return StartupPlan(None, Opening.AS_IS)
    refuse_unsafe_location(path)
    big = (
        path.exists()
        and path.stat().st_size > BIG_FILE_BYTES
        and not journal_path(path).exists()  # an interrupted restore is settled first
    )
    if big and header_problem(path) is None and _at_head(path):
        return StartupPlan(path, Opening.READ_ONLY_NOW)
    return StartupPlan(path, Opening.CHECK_FIRST)
