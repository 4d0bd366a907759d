"""Small helpers over SQLite files shared by backups and restores: read-only connections, row
counts, integrity checks, durable renames, and the temporary names of files being written.

A temporary file's name says which process on which PC writes it
(``<final>.<poste>-<pid>.partial``), so that a clean-up never removes the work of a backup or a
restore still running in another window.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import sqlite3
import time
from pathlib import Path

from sarah.db import BUSY_TIMEOUT_MS, problem_lines, sqlite_words

PARTIAL_SUFFIX = ".partial"
# A file being written is touched continuously (copy) or for at most a few minutes (the
# verification of a large file reads it without writing): an older one has no live writer even
# when its process number was given to another program since.
STALE_TEMP_HOURS = 24
TEMP_RE = re.compile(r"^(?P<base>.+)\.(?P<host>[A-Za-z0-9_]+)-(?P<pid>\d+)\.partial$")
HOST = re.sub(r"[^A-Za-z0-9_]", "_", socket.gethostname()) or "poste"


def temp_name(final: Path) -> Path:
    """The temporary name of ``final`` while this process writes it."""
    return final.with_name(f"{final.name}.{HOST}-{os.getpid()}{PARTIAL_SUFFIX}")


def pid_alive(pid: int) -> bool:
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


def file_age_hours(path: Path) -> float | None:
    try:
        return (time.time() - path.stat().st_mtime) / 3600
    except OSError:
        return None


def temp_is_stale(path: Path) -> bool:
    """A temporary file whose writer is gone (crash, power cut, killed).

    Written on this PC: its process has ended, or the file was not touched for
    :data:`STALE_TEMP_HOURS` (the process number was reused). Written on another PC (a shared
    backup folder): not touched for :data:`STALE_TEMP_HOURS`.
    """
    match = TEMP_RE.match(path.name)
    if match is None:
        return True
    age = file_age_hours(path)
    if age is None:
        return False  # already gone or unreadable: nothing to do
    if age > STALE_TEMP_HOURS:
        return True
    return match["host"] == HOST and not pid_alive(int(match["pid"]))


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


def connect_ro(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(
        f"file:{path.as_posix()}?mode=ro",
        uri=True,
        isolation_level=None,
        timeout=BUSY_TIMEOUT_MS / 1000,
        check_same_thread=False,
    )
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return conn


def table_names(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return [r[0] for r in rows]


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows per table (the verification compares these between source and copy)."""
    return {
        t: int(conn.execute(f"SELECT count(*) FROM {quote(t)}").fetchone()[0])
        for t in table_names(conn)
    }


def count_table(raw: object) -> dict[str, int]:
    """Row counts as a manifest or a journal stored them (read back from JSON): whatever is not
    a table name with a whole number is left out."""
    if not isinstance(raw, dict):
        return {}
    return {str(k): int(v) for k, v in raw.items() if isinstance(v, int)}


def live_contacts(conn: sqlite3.Connection) -> int | None:
    """The number of contacts SARAH shows everywhere: those not deleted (``deleted_at IS NULL``)."""
    try:
        row = conn.execute("SELECT count(*) FROM contacts WHERE deleted_at IS NULL").fetchone()
    except sqlite3.Error:
        return None
    return int(row[0])


def integrity_problems(conn: sqlite3.Connection, *, quick: bool = False) -> list[str]:
    pragma = "quick_check" if quick else "integrity_check"
    try:
        rows = conn.execute(f"PRAGMA {pragma}").fetchall()
    except sqlite3.Error as exc:
        return [sqlite_words(exc)]
    return problem_lines(rows)


def check_copy(path: Path) -> tuple[list[str], dict[str, int], int | None]:
    """(quick_check problems, row counts, live contacts) of a copy just written."""
    try:
        conn = connect_ro(path)
        try:
            problems = integrity_problems(conn, quick=True)
            if problems:
                return problems, {}, None
            return [], table_counts(conn), live_contacts(conn)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return [str(exc)], {}, None
