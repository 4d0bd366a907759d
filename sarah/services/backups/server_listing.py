"""The pg_dump copies of a backup folder, and how one is put back on the server.

A copy is listed as verified when its manifest is there and its size is the one noted when it
passed ``pg_restore --list``; anything else in the folder named like a copy is listed as not
verified (and never removed by SARAH).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import URL

from sarah.services.backups.server_dump import (
    DUMP_NAME_RE,
    DUMP_SUFFIX,
    DumpInfo,
    manifest_of,
    server_label,
)

RESTORE_DOC = "docs/serveur.md, « Restaurer une copie »"


def _stamp(name: str) -> datetime | None:
    match = DUMP_NAME_RE.match(name)
    if match is None:
        return None
    try:
        return datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S")
    except ValueError:
        return None


def read_dump(path: Path) -> DumpInfo | None:
    """One copy and its manifest; None for a file not named like a copy."""
    created = _stamp(path.name)
    if created is None:
        return None
    try:
        size = path.stat().st_size
    except OSError:
        return None
    match = DUMP_NAME_RE.match(path.name)
    reason = match["reason"] if match else ""
    try:
        data = json.loads(manifest_of(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    if not isinstance(data, dict):
        return DumpInfo(path, created, size, reason, "", 0, None, None, False, "pas de manifeste")
    contacts = data.get("contacts")
    tables = data.get("tables")
    same_size = data.get("size") == size
    return DumpInfo(
        path=path,
        created_at=created,
        size=size,
        reason=reason,
        server=str(data.get("server") or ""),
        tables=len(tables) if isinstance(tables, list) else 0,
        contacts=contacts if isinstance(contacts, int) else None,
        schema=str(data["schema"]) if data.get("schema") else None,
        verified=same_size,
        problem=None if same_size else "taille changée depuis sa vérification",
    )


def list_dumps(folder: Path, server: URL | None = None) -> list[DumpInfo]:
    """The copies in ``folder``, newest first; only those of ``server``'s database when given."""
    try:
        entries = [e for e in folder.iterdir() if e.suffix == DUMP_SUFFIX and e.is_file()]
    except OSError:
        return []
    found = [d for d in (read_dump(e) for e in entries) if d is not None]
    if server is not None:
        label = server_label(server)
        found = [d for d in found if d.server == label]
    return sorted(found, key=lambda d: (d.created_at, d.path.name), reverse=True)


def dump_state_text(d: DumpInfo) -> str:
    if d.problem:
        return f"NON vérifiée ({d.problem})"
    return "vérifiée (pg_restore --list)"


def restore_commands(dump: Path, server: URL) -> list[str]:
    """What the server's administrator types, on the server, to put ``dump`` back: into a new
    database first, checked, then swapped in while no desk is connected."""
    owner = server.username or "sarah"
    base = server.database or "sarah"
    return [
        f"createdb --owner={owner} {base}_restauree",
        f'pg_restore --dbname={base}_restauree --no-owner --role={owner} --exit-on-error "{dump}"',
        f'psql --dbname={base}_restauree -c "SELECT count(*) FROM contacts"',
        f'psql --dbname=postgres -c "ALTER DATABASE {base} RENAME TO {base}_avant_restauration"',
        f'psql --dbname=postgres -c "ALTER DATABASE {base}_restauree RENAME TO {base}"',
    ]


def restore_explanation(server: URL, dump: Path | None = None) -> str:
    """Who restores a copy of the server database, and how: never a desk."""
    shown = dump if dump is not None else Path("COPIE.dump")
    commands = "\n".join(f"  {c}" for c in restore_commands(shown, server))
    return (
        f"La base {server_label(server)} est sur un serveur PostgreSQL : SARAH ne la remplace "
        "pas depuis un poste. La remise en place d'une copie pg_dump est le travail de "
        "l'administrateur du serveur, sur le serveur, pendant qu'aucun poste n'est connecté "
        "(fermez SARAH partout). Dans une base neuve d'abord, vérifiée, puis échangée avec "
        f"l'ancienne, qui est gardée :\n{commands}\nDétails : {RESTORE_DOC}."
    )
