"""PostgreSQL's client tools on this desk: where pg_dump and pg_restore are, and whether they
can copy the server SARAH uses.

pg_dump cannot copy a server newer than itself (its major version must be at least the
server's): that is checked here first, so that the desk says it plainly in French rather than
letting pg_dump fail in English. The tools are looked for in ``SARAH_PG_DUMP`` (the path of
pg_dump, or of the folder holding it: a Windows desk where PostgreSQL's installer did not touch
the PATH), then on the PATH, then in PostgreSQL's usual Windows folders.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from sarah.db import translate_errors
from sarah.errors import UserError

PG_DUMP_ENV = "SARAH_PG_DUMP"
VERSION_RE = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")
WINDOWS_FOLDERS = (r"C:\Program Files\PostgreSQL", r"C:\Program Files (x86)\PostgreSQL")
# A window's worker, a scheduled task: no console window flashes on Windows.
NO_WINDOW = getattr(subprocess, "CREATE_NO_WINDOW", 0)

TOOLS_REMEDY = (
    "Installez sur ce poste les outils clients de PostgreSQL {major} ou plus récents "
    "(Debian/Ubuntu : paquet postgresql-client-{major} ; Windows : l'installateur de PostgreSQL, "
    "composant « Command Line Tools » seul), ou indiquez où est pg_dump avec la variable "
    f"d'environnement {PG_DUMP_ENV}"
)


class DumpUnavailable(UserError):
    """pg_dump (or pg_restore, which verifies its copies) is missing here or too old for the
    server: this desk cannot copy the database; the server's own backups must protect it."""

    def __init__(self, reason: str, server_major: int | None) -> None:
        self.reason = reason
        self.remedy = TOOLS_REMEDY.format(major=server_major or "du serveur")
        super().__init__(
            f"Copie pg_dump impossible depuis ce poste : {reason}. {self.remedy}. En attendant, "
            "seules les sauvegardes du serveur lui-même protègent les données "
            "(voir docs/serveur.md)."
        )


@dataclass(frozen=True)
class DumpTools:
    pg_dump: Path
    pg_restore: Path
    major: int  # pg_dump's major version
    server_major: int


def executable(name: str) -> str:
    return f"{name}.exe" if os.name == "nt" else name


def _windows_candidates(name: str) -> list[Path]:
    """PostgreSQL's installer puts each version in its own folder: the newest first."""
    found: list[tuple[int, Path]] = []
    for root in WINDOWS_FOLDERS:
        base = Path(root)
        if not base.is_dir():
            continue
        for sub in base.iterdir():
            candidate = sub / "bin" / executable(name)
            if sub.name.split(".")[0].isdigit() and candidate.is_file():
                found.append((int(sub.name.split(".")[0]), candidate))
    return [p for _major, p in sorted(found, reverse=True)]


def configured_tool(name: str) -> Path | None:
    """The tool ``SARAH_PG_DUMP`` points at (pg_dump itself, or the folder of the tools);
    None when the variable is not set. pg_restore is the one beside pg_dump."""
    configured = os.environ.get(PG_DUMP_ENV, "").strip().strip('"')
    if not configured:
        return None
    given = Path(configured).expanduser()
    if given.is_dir():
        return given / executable(name)
    return given if name == "pg_dump" else given.with_name(executable(name))


def find_tool(name: str) -> Path | None:
    """Where ``name`` (pg_dump, pg_restore) is on this desk, None when nowhere."""
    configured = configured_tool(name)
    if configured is not None:
        return configured if configured.is_file() else None
    on_path = shutil.which(name)
    if on_path:
        return Path(on_path)
    if os.name == "nt":
        candidates = _windows_candidates(name)
        return candidates[0] if candidates else None
    return None


def tool_major(tool: Path) -> int | None:
    """The major version a tool reports (``pg_dump (PostgreSQL) 15.4`` → 15), None when it
    does not run or says something else."""
    try:
        done = subprocess.run(
            [str(tool), "--version"],
            capture_output=True,
            text=True,
            timeout=30,
            creationflags=NO_WINDOW,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    match = VERSION_RE.search(done.stdout)
    return int(match.group(1)) if match and done.returncode == 0 else None


def server_major(engine: Engine) -> int:
    """The server's major version, from ``server_version_num`` (150004 → 15)."""
    with translate_errors(), engine.connect() as conn:
        number = int(conn.exec_driver_sql("SHOW server_version_num").scalar_one())
    return number // 10000


def _missing(name: str) -> str:
    configured = os.environ.get(PG_DUMP_ENV, "").strip()
    if configured:
        return f"{name} est introuvable à l'endroit indiqué par {PG_DUMP_ENV} ({configured})"
    return f"{name} est introuvable sur ce poste"


def dump_tools(engine: Engine) -> DumpTools:
    """pg_dump and pg_restore able to copy this server; :class:`DumpUnavailable` otherwise."""
    needed = server_major(engine)
    pg_dump = find_tool("pg_dump")
    if pg_dump is None:
        raise DumpUnavailable(_missing("pg_dump"), needed)
    major = tool_major(pg_dump)
    if major is None:
        raise DumpUnavailable(f"{pg_dump} ne répond pas comme pg_dump", needed)
    if major < needed:
        raise DumpUnavailable(
            f"pg_dump {major} ({pg_dump}) est plus ancien que le serveur (PostgreSQL {needed}) "
            "et ne sait pas en faire une copie",
            needed,
        )
    beside = pg_dump.with_name(executable("pg_restore"))
    pg_restore = beside if beside.is_file() else find_tool("pg_restore")
    if pg_restore is None or (tool_major(pg_restore) or 0) < major:
        raise DumpUnavailable(
            f"pg_restore {major} ou plus récent, qui vérifie chaque copie, est introuvable "
            f"à côté de {pg_dump}",
            needed,
        )
    return DumpTools(pg_dump, pg_restore, major, needed)
