"""The rows of a sync package: a SQLite file holding every travelling row and a manifest.

A package's plaintext is a small SQLite database (docs/sync.md): one table per travelling table
of ``sarah.schema`` with the same columns, values exactly as stored, and a ``manifest`` table
holding one JSON text. SQLite copies the rows in and out in C (``INSERT … SELECT`` over an
attached file), which is what makes a year of ten sites a fraction of a second each way, and
the merge one set of SQL statements per table.

The container is written in this installation's private data folder, never beside the package
(a USB key): names and birth dates only leave it encrypted.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Table

from sarah import paths, schema

# In the order rows may be inserted (what a row refers to comes first).
TABLES: tuple[Table, ...] = (
    schema.sites,
    schema.services,
    schema.neighbourhoods,
    schema.visitors,
    schema.visitor_merges,
    schema.contacts,
    schema.contact_services,
    schema.closed_days,
)
FORMAT = 1  # of the container's tables and manifest (the envelope has its own)


def columns(table: Table) -> list[str]:
    """The columns a package carries: derived ones (the names' phonetic keys) are recomputed
    where rows arrive, never carried, so the package format stays as it was."""
    return [c.name for c in table.c if not c.info.get("derived")]


def column_list(table: Table, prefix: str = "") -> str:
    return ", ".join(f"{prefix}{name}" for name in columns(table))


@dataclass(frozen=True)
class Container:
    """A container file on disk and the manifest it holds."""

    path: Path
    manifest: dict[str, object]


def scratch_folder() -> Path:
    """Where containers live while a package is written or read (private, local)."""
    folder = paths.data_dir() / "synchronisation"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextlib.contextmanager
def scratch_file(suffix: str) -> Iterator[Path]:
    """A new file in the scratch folder, removed (with its journal) when the block ends.
    Containers left there by a run that was killed are removed first."""
    clean_scratch_folder()
    handle, name = tempfile.mkstemp(
        prefix=f"conteneur-{os.getpid()}-", suffix=suffix, dir=scratch_folder()
    )
    os.close(handle)
    path = Path(name)
    try:
        yield path
    finally:
        for leftover in (path, path.with_name(path.name + "-journal")):
            leftover.unlink(missing_ok=True)


def create_tables(conn: sqlite3.Connection, alias: str) -> None:
    """The container's tables in the database attached as ``alias`` (no constraint: the rows
    are checked when read, and the installation's own schema holds the rules)."""
    for table in TABLES:
        conn.execute(f"CREATE TABLE {alias}.{table.name} ({column_list(table)})")
    conn.execute(f"CREATE TABLE {alias}.manifest (json TEXT NOT NULL)")


def write_manifest(conn: sqlite3.Connection, alias: str, manifest: dict[str, object]) -> None:
    conn.execute(f"INSERT INTO {alias}.manifest (json) VALUES (?)", (json.dumps(manifest),))


LEFTOVER_SECONDS = 6 * 3600  # older than any export or import still running


def _owner_gone(path: Path) -> bool:
    """Whether the process that made ``path`` (its pid is in the name) has ended. Unknown on
    Windows (signalling a process to ask would interrupt it) or for a name without a pid."""
    if sys.platform == "win32":
        return False
    parts = path.name.split("-")
    if len(parts) < 3 or not parts[1].isdigit():
        return False
    try:
        os.kill(int(parts[1]), 0)
    except ProcessLookupError:
        return True
    except OSError:  # it exists but is not ours to signal: alive
        return False
    return False


def clean_scratch_folder(now: float | None = None) -> list[Path]:
    """Containers left by a run that was killed (they hold names in clear) are removed: those
    whose process has ended, and any older than a run can last; a run still under way (another
    window, a command) keeps its own."""
    folder = paths.data_dir() / "synchronisation"
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    limit = (now if now is not None else time.time()) - LEFTOVER_SECONDS
    for leftover in folder.glob("conteneur-*"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < limit or _owner_gone(leftover):
                leftover.unlink()
                removed.append(leftover)
    return removed
