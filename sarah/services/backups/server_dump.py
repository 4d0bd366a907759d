"""Verified copies of a PostgreSQL database made with pg_dump, from a desk.

A copy is made like the SQLite backups, so that a file with a final name is always a good one:

1. in one read-only REPEATABLE READ transaction, SARAH notes its tables and live contacts and
   exports the snapshot; ``pg_dump --format=custom --snapshot=…`` copies exactly that state into
   ``<name>.dump.<poste>-<pid>.partial`` (the password reaches pg_dump through the PGPASSWORD
   variable of the child process only, never its command line);
2. the copy is fsynced, then read back with ``pg_restore --list``: its table of contents must
   hold every table SARAH has, with its data;
3. its manifest (``<name>.dump.json``: date, reason, server, tables, contacts, sha256) is written,
   then the copy is renamed ``<reason>-AAAAMMJJ-HHMMSS.dump`` and the folder fsynced.

A crash leaves at worst a ``*.partial`` file, removed by the next clean-up of the folder
(:func:`sarah.services.backups.listing.clean_temporary_files`). Restoring a copy is the server
administrator's work, with pg_restore on the server (:func:`restore_commands`).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
from collections.abc import Generator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import URL

from sarah import paths
from sarah.db import create_db_engine, translate_errors
from sarah.errors import UserError
from sarah.services.backups.create import SLUG_RE, backup_errors
from sarah.services.backups.files import fsync_dir, fsync_file, sha256_file, temp_name
from sarah.services.backups.record import REASON_MANUAL, folder_reachable
from sarah.services.backups.server_tools import NO_WINDOW, DumpTools, dump_tools

DUMP_SUFFIX = ".dump"
DUMP_FORMAT = 1
REASON_MIGRATION = "avant-migration"
DUMP_NAME_RE = re.compile(
    r"^(?P<reason>[a-z0-9]+(?:-[a-z0-9]+)*?)-(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?\.dump$"
)
# One line of ``pg_restore --list``: "215; 0 16385 TABLE DATA public contacts sarah".
TOC_RE = re.compile(
    r"^\d+;\s+\d+\s+\d+\s+(?P<kind>TABLE DATA|TABLE)\s+(?P<schema>\S+)\s+(?P<name>\S+)"
)

DumpProgress = Generator[tuple[int, int, str], None, "DumpInfo"]


@dataclass(frozen=True)
class DumpInfo:
    """One pg_dump copy as the Sauvegardes screen and ``sarah backup list`` show it."""

    path: Path
    created_at: datetime
    size: int
    reason: str
    server: str  # user@host:port/base, never a password
    tables: int
    contacts: int | None
    schema: str | None  # SARAH's schema revision in the copy
    verified: bool
    problem: str | None = None


def server_label(url: URL) -> str:
    """``sarah@serveur:5432/sarah``: the server and database, never the password."""
    user = f"{url.username}@" if url.username else ""
    port = f":{url.port}" if url.port else ""
    return f"{user}{url.host or 'localhost'}{port}/{url.database or ''}"


def libpq_url(url: URL) -> str:
    """The connection string pg_dump is given: the URL without its password (which goes
    through PGPASSWORD) and with libpq's scheme; TLS settings (sslmode…) are kept."""
    bare = URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )  # (URL.set(password=None) would keep the password)
    return bare.render_as_string(hide_password=False)


def child_environment(url: URL) -> dict[str, str]:
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return env


def manifest_of(dump: Path) -> Path:
    return dump.with_name(dump.name + ".json")


def _final_name(folder: Path, reason: str, when: datetime) -> Path:
    slug = SLUG_RE.sub("-", reason.lower()).strip("-") or REASON_MANUAL
    stem = f"{slug}-{when:%Y%m%d-%H%M%S}"
    candidate, n = folder / f"{stem}{DUMP_SUFFIX}", 2
    while candidate.exists() or manifest_of(candidate).exists():
        candidate, n = folder / f"{stem}-{n}{DUMP_SUFFIX}", n + 1
    return candidate


def _ready_folder(folder: Path) -> Path:
    """As for SQLite backups: only the default folder is created, a chosen one must be there."""
    if folder == paths.default_backup_dir() or folder.resolve() == paths.default_backup_dir():
        folder.mkdir(parents=True, exist_ok=True)
    if not folder_reachable(folder):
        raise UserError(
            f"Le dossier de sauvegarde {folder} est inaccessible (clé USB débranchée, partage "
            "réseau absent ou droits insuffisants). Branchez-le ou choisissez un autre dossier. "
            "Les données du serveur, elles, sont intactes."
        )
    return folder


@dataclass(frozen=True)
class _Snapshot:
    name: str
    schema: str
    tables: tuple[str, ...]
    contacts: int | None
    revision: str | None


def _note_snapshot(conn: Connection) -> _Snapshot:
    """Inside the copy's transaction: what the copy must hold."""
    name = str(conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one())
    schema = str(conn.exec_driver_sql("SELECT current_schema()").scalar_one())
    tables = tuple(
        str(t)
        for t in conn.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        ).scalars()
    )
    contacts = revision = None
    if "contacts" in tables:
        contacts = int(
            conn.exec_driver_sql(
                "SELECT count(*) FROM contacts WHERE deleted_at IS NULL"
            ).scalar_one()
        )
    if "alembic_version" in tables:
        revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    return _Snapshot(name, schema, tables, contacts, revision)


def _run(command: list[str], url: URL, what: str) -> str:
    """Run a client tool; its failure is a French message with the tool's last lines."""
    try:
        done = subprocess.run(
            command,
            env=child_environment(url),
            capture_output=True,
            text=True,
            encoding="utf-8",  # the database's names, whatever the desk's code page
            errors="replace",
            creationflags=NO_WINDOW,
            check=False,
        )
    except OSError as exc:
        raise UserError(
            f"{what} impossible : {command[0]} ne se lance pas ({exc.strerror})."
        ) from exc
    if done.returncode != 0:
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        raise UserError(
            f"{what} impossible : {Path(command[0]).name} s'est arrêté (code "
            f"{done.returncode}). Rien n'a été modifié sur le serveur ; les copies précédentes "
            "sont intactes.",
            [line[:200] for line in lines[-3:]],
        )
    return done.stdout


def _dump(tools: DumpTools, url: URL, snapshot: _Snapshot, partial: Path) -> None:
    _run(
        [
            str(tools.pg_dump),
            "--format=custom",
            "--no-password",  # never a question on a terminal nobody watches
            f"--snapshot={snapshot.name}",
            f"--file={partial}",
            f"--dbname={libpq_url(url)}",
        ],
        url,
        "Copie pg_dump",
    )


def _verify(tools: DumpTools, url: URL, snapshot: _Snapshot, partial: Path) -> None:
    """The copy's table of contents must list every table of SARAH, and its data."""
    listing = _run([str(tools.pg_restore), "--list", str(partial)], url, "Vérification de la copie")
    found: dict[str, set[str]] = {"TABLE": set(), "TABLE DATA": set()}
    for line in listing.splitlines():
        match = TOC_RE.match(line)
        if match and match["schema"] == snapshot.schema:
            found[match["kind"]].add(match["name"])
    missing = [
        t for t in snapshot.tables if t not in found["TABLE"] or t not in found["TABLE DATA"]
    ]
    if missing or not snapshot.tables:
        raise UserError(
            "La copie pg_dump n'a pas passé la vérification : elle a été écartée. Les copies "
            "précédentes sont intactes.",
            [f"table absente de la copie : {t}" for t in missing[:5]]
            or ["aucune table de SARAH dans la base"],
        )


def _write_manifest(manifest: Path, data: dict[str, object]) -> None:
    tmp = temp_name(manifest)
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, manifest)


def _discard(partial: Path, manifest: Path, final: Path) -> None:
    for leftover in (partial, temp_name(manifest)):
        with contextlib.suppress(OSError):
            leftover.unlink(missing_ok=True)
    if not final.exists():
        with contextlib.suppress(OSError):
            manifest.unlink(missing_ok=True)


def _engine_for(target: Engine | str | URL) -> tuple[Engine, bool]:
    if isinstance(target, Engine):
        return target, False
    shown = target.render_as_string(hide_password=False) if isinstance(target, URL) else target
    return create_db_engine(shown), True


def dump_server_steps(
    target: Engine | str | URL,
    folder: Path,
    reason: str = REASON_MANUAL,
    *,
    now: datetime | None = None,
    tools: DumpTools | None = None,
) -> DumpProgress:
    """Generator form of :func:`dump_server` for the window's worker: yields progress."""
    engine, own = _engine_for(target)
    try:
        if engine.dialect.name != "postgresql":
            raise UserError("Une copie pg_dump ne concerne qu'une base sur un serveur PostgreSQL.")
        tools = tools or dump_tools(engine)  # DumpUnavailable says what is missing, in French
        folder = _ready_folder(Path(folder))
        return (yield from _dump_steps(engine, tools, folder, reason, now or datetime.now()))
    finally:
        if own:
            engine.dispose()


def _dump_steps(
    engine: Engine, tools: DumpTools, folder: Path, reason: str, when: datetime
) -> DumpProgress:
    url = engine.url
    final = _final_name(folder, reason, when)
    partial, manifest = temp_name(final), manifest_of(final)
    total = 4
    try:
        with backup_errors(folder, "Copie pg_dump"):
            yield 0, total, "Copie de la base du serveur (pg_dump)…"
            with translate_errors(), engine.connect() as conn:
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
                with conn.begin():
                    conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                    snapshot = _note_snapshot(conn)
                    _dump(tools, url, snapshot, partial)  # while the snapshot is held
            fsync_file(partial)
            yield 1, total, "Vérification de la copie (pg_restore --list)…"
            _verify(tools, url, snapshot, partial)
            yield 2, total, "Empreinte de la copie…"
            size, digest = partial.stat().st_size, sha256_file(partial)
            _write_manifest(
                manifest,
                {
                    "format": DUMP_FORMAT,
                    "kind": "pg_dump",
                    "created_at": when.isoformat(timespec="seconds"),
                    "reason": _reason_of(final),
                    "server": server_label(url),
                    "server_version": tools.server_major,
                    "pg_dump_version": tools.major,
                    "schema": snapshot.revision,
                    "size": size,
                    "sha256": digest,
                    "tables": list(snapshot.tables),
                    "contacts": snapshot.contacts,
                    "checked_at": datetime.now().isoformat(timespec="seconds"),
                },
            )
            yield 3, total, "Mise en place…"
            os.replace(partial, final)
            fsync_dir(folder)
    except BaseException:
        _discard(partial, manifest, final)
        raise
    yield total, total, "Copie pg_dump vérifiée."
    return DumpInfo(
        path=final,
        created_at=when.replace(microsecond=0),
        size=size,
        reason=_reason_of(final),
        server=server_label(url),
        tables=len(snapshot.tables),
        contacts=snapshot.contacts,
        schema=snapshot.revision,
        verified=True,
    )


def _reason_of(dump: Path) -> str:
    match = DUMP_NAME_RE.match(dump.name)
    return match["reason"] if match else REASON_MANUAL


def drain(steps: DumpProgress) -> DumpInfo:
    while True:
        try:
            next(steps)
        except StopIteration as stop:
            info: DumpInfo = stop.value
            return info


def dump_server(
    target: Engine | str | URL,
    folder: Path,
    reason: str = REASON_MANUAL,
    *,
    now: datetime | None = None,
) -> Path:
    """A verified pg_dump copy of the server database in ``folder``; returns its path."""
    return drain(dump_server_steps(target, folder, reason, now=now)).path
