"""What a database file is, judged before SARAH opens it for writing.

A file given to SARAH may be new, SARAH's own, a damaged one, one written by a newer SARAH, or
some other program's SQLite file (or no database at all). Only the first two may be opened for
writing: a foreign file is refused unchanged rather than given SARAH's tables, and a file from a
newer version is refused before anything (a backup included) is written. SARAH marks its files
with ``PRAGMA application_id`` (bytes 68–71 of the header); files made before that mark existed
are recognised by their ``alembic_version`` table and their contacts table.

A file on a read-only medium or in a read-only folder is sound: it opens read-only (reports
work), and writing to it says "lecture seule", never "endommagé".
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sarah.errors import UserError

SQLITE_MAGIC = b"SQLite format 3\x00"
# "SARH" in ASCII: the mark SARAH writes into the header of every database it creates.
SARAH_APPLICATION_ID = 0x53415248
# Tables whose presence (with alembic_version) marks a SARAH file made before the mark existed.
SARAH_CORE_TABLES = frozenset({"sites", "visitors", "contacts"})


class DatabaseIsAFolder(UserError):
    """--db names a folder."""


class ForeignDatabase(UserError):
    """A SQLite file that another program made."""


class DatabaseTooNew(UserError):
    """The schema was written by a newer SARAH."""


class ReadOnlyDatabase(UserError):
    """The file cannot be written here (read-only medium, folder or file)."""


def read_header(path: Path) -> bytes:
    """The first 100 bytes of the file (fewer when it is shorter)."""
    with open(path, "rb") as fh:
        return fh.read(100)


def application_id(header: bytes) -> int:
    return int.from_bytes(header[68:72], "big") if len(header) >= 72 else 0


def is_writable(path: Path) -> bool:
    """Whether SARAH may write the database file and its -wal/-shm next to it."""
    folder = path.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        return False
    return not path.exists() or os.access(path, os.W_OK)


def readonly_uri(path: Path) -> str:
    """A URI that opens ``path`` without ever writing to it, even on a read-only medium.

    In a folder SARAH cannot write, SQLite cannot create the -shm file a WAL database needs;
    ``immutable=1`` tells it nobody writes the file, true on such a medium. When a -wal is
    left there (a desk that crashed), its pages are needed, so plain read-only mode is used.
    """
    uri = f"file:{path.as_posix()}?mode=ro"
    wal = path.with_name(path.name + "-wal")
    if not is_writable(path) and not wal.exists():
        uri += "&immutable=1"
    return uri


def table_names(path: Path) -> set[str]:
    conn = sqlite3.connect(readonly_uri(path), uri=True)
    try:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    finally:
        conn.close()
    return {str(r[0]) for r in rows}


def refuse_unusable_path(path: Path) -> None:
    """A folder, or a new file where none can be created: a French message, nothing created."""
    if path.is_dir():
        raise DatabaseIsAFolder(
            f"{path} est un dossier, pas un fichier de base de données. "
            "Indiquez le fichier (par exemple …/sarah.sqlite)."
        )
    if path.exists():
        return
    folder = path.parent
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise ReadOnlyDatabase(
            f"Impossible de créer la base {path} : le dossier {existing} est en lecture seule "
            "ou inaccessible. Choisissez un dossier où vous pouvez écrire."
        )


def refuse_foreign_file(path: Path) -> None:
    """Refuse, unchanged, a non-empty SQLite file that is not SARAH's.

    Files that are not SQLite at all are left to the integrity check (a SARAH file whose header
    was overwritten is damaged, and the restore advice is the right one).
    """
    if not path.is_file() or path.stat().st_size == 0:
        return
    header = read_header(path)
    if not header.startswith(SQLITE_MAGIC):
        return
    app_id = application_id(header)
    if app_id == SARAH_APPLICATION_ID:
        return
    if app_id != 0:
        raise ForeignDatabase(
            f"{path} n'est pas une base SARAH : c'est le fichier d'un autre programme "
            f"(identifiant {app_id:#010x}). Il n'a pas été modifié."
        )
    try:
        tables = table_names(path)
    except sqlite3.Error:
        return  # unreadable: the integrity check says what is wrong
    if not tables or {"alembic_version", *SARAH_CORE_TABLES} <= tables:
        return  # an empty file, or a SARAH file made before the mark existed
    shown = ", ".join(sorted(tables)[:5]) + (" …" if len(tables) > 5 else "")
    raise ForeignDatabase(
        f"{path} n'est pas une base SARAH : elle contient d'autres tables ({shown}). "
        "Elle n'a pas été modifiée. Indiquez le fichier de SARAH ou un nouveau nom de fichier."
    )


def too_new_message(path_or_url: str, revision: str) -> str:
    return (
        f"La base {path_or_url} a été écrite par une version plus récente de SARAH "
        f"(schéma « {revision[:40]} », inconnu de cette version). Mettez SARAH à jour sur ce "
        "poste pour l'ouvrir ; le fichier n'a pas été modifié."
    )
