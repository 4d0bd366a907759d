"""Opening the database for a command or the window: the one sequence every entry point runs.

Refuse an unsafe location (network share, cloud folder), a folder, an uncreatable path; finish
or undo an interrupted restore and never create an empty database where traces of one remain;
check the whole file once per change; refuse another program's file or a newer SARAH's schema;
open a read-only medium read-only; then back the file up and upgrade its schema when it is
older. ``sarah.db`` keeps the engine, sessions, errors and the plain ``upgrade_schema``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from sarah.checked_files import file_state, known_sound, remember_sound
from sarah.db import (
    create_db_engine,
    current_revision,
    has_user_tables,
    head_revision,
    quick_check_file,
    refuse_newer_schema,
    sqlite_file,
    sqlite_path,
    upgrade_schema,
)
from sarah.dbfile import ReadOnlyDatabase, is_writable, refuse_foreign_file, refuse_unusable_path
from sarah.errors import DatabaseDamaged, UserError
from sarah.services.backups.journal import database_traces, recover_interrupted_restore
from sarah.services.backups.location import refuse_unsafe_location
from sarah.services.sync.container import clean_scratch_folder

log = logging.getLogger(__name__)


class DatabaseMissing(UserError):
    """The database file is gone but traces of it remain: nothing is created in its place."""


def migrate_to_head(engine: Engine, backup_dir: Path | None = None) -> Path | None:
    """Bring the schema to the newest version; back the file up first when the schema changes.

    The backup is a verified one (sarah.services.backups) in ``backup_dir``, by default the
    backup folder of the settings; if it cannot be made, nothing is migrated. On PostgreSQL it
    is a verified pg_dump copy taken by the first desk under a lock on the server, or, without
    pg_dump, a refusal saying what to do (sarah.services.backups.server_migration). Returns the path of
    the backup taken, if any. The upgrade itself is one transaction: all or nothing. A schema
    from a newer SARAH is refused before anything is written. Reading the revision takes no
    write lock: an up-to-date database is not written at all.
    """
    head = head_revision()
    current = current_revision(engine)
    refuse_newer_schema(engine, current)
    path = sqlite_path(engine)
    if current == head:
        # A file made before the mark existed gets it at its next migration (dbfile recognises
        # it meanwhile): an up-to-date database is never written just for opening it.
        return None
    from sarah.services.backups.create import create_backup_or_abort
    from sarah.services.backups.record import configured_backup_folder
    from sarah.services.backups.rotation import rotate_quietly

    copy: Path | None = None
    if engine.dialect.name == "postgresql" and has_user_tables(engine):
        from sarah.services.backups.server_migration import dump_then_migrate

        # Under a lock on the server: a verified pg_dump copy first, or a clear refusal.
        return dump_then_migrate(
            engine,
            backup_dir or configured_backup_folder(),
            lambda: current_revision(engine),
            head,
            lambda: upgrade_schema(engine),
        )
    if path is not None and has_user_tables(engine):
        folder = backup_dir or configured_backup_folder()
        copy = create_backup_or_abort(
            path,
            folder,
            "avant-migration",
            "Mise à jour de la base annulée : la sauvegarde qui doit la précéder a échoué. ",
        ).path
        rotate_quietly(folder)
    upgrade_schema(engine)
    return copy


def _open_read_only(target: str | os.PathLike[str] | None, path: Path) -> Engine:
    """A sound database that cannot be written here: readable at the current schema only."""
    engine = create_db_engine(target, read_only=True)
    try:
        current = current_revision(engine)
        refuse_newer_schema(engine, current)
        if current != head_revision():
            raise ReadOnlyDatabase(
                f"La base {path} est en lecture seule et d'une version plus ancienne de SARAH : "
                "elle doit être mise à jour avant d'être lue, ce qui demande d'y écrire. "
                "Copiez-la sur un disque où vous pouvez écrire, puis ouvrez la copie."
            )
    except BaseException:
        engine.dispose()
        raise
    return engine


def _finish_interrupted_restore(path: Path, on_notice: Callable[[str], None] | None) -> None:
    """A restore cut short (a crash, a kill) is finished or undone before the file is opened;
    and where the file is missing but traces of it remain, no empty database is created."""
    done = recover_interrupted_restore(path)
    if done:
        log.warning("%s", done)
        if on_notice is not None:
            on_notice(done)
    if path.exists() and path.stat().st_size > 0:
        return
    traces = database_traces(path)
    if traces:
        names = ", ".join(p.name for p in traces[:5]) + (" …" if len(traces) > 5 else "")
        raise DatabaseMissing(
            f"La base {path} est absente, mais des fichiers montrent qu'elle existait "
            f"({names}). SARAH ne crée pas de base vide à sa place : remettez le fichier, ou "
            "restaurez la dernière sauvegarde vérifiée ('sarah backup restore' ou la fenêtre "
            "Sauvegardes). Rien n'a été modifié."
        )


def open_database(
    target: str | os.PathLike[str] | None,
    *,
    migrate: bool = True,
    check: bool = True,
    on_notice: Callable[[str], None] | None = None,
) -> Engine:
    """The engine every command uses: location refused if unsafe, integrity checked, migrated.

    Refused unchanged, each with its own French message: an unsafe location, a folder, a new file
    where none can be created, another program's SQLite file, a damaged file, a schema from a
    newer SARAH. A sound file that cannot be written here opens read-only. What was done to
    recover from an interrupted restore is passed to ``on_notice`` (and logged).
    """
    path = sqlite_file(target)
    # Rows in clear that a killed sync import left in the private scratch folder go first.
    clean_scratch_folder()
    if path is not None:
        refuse_unsafe_location(path)  # before any folder or file is created
        refuse_unusable_path(path)
        _finish_interrupted_restore(path, on_notice)
        if check and path.exists() and path.stat().st_size > 0 and not known_sound(path):
            state = file_state(path)
            problems = quick_check_file(path)
            if not problems:
                remember_sound(path, state)
            else:
                raise DatabaseDamaged(
                    f"Le fichier de données {path} est endommagé (détail technique : "
                    f"{problems[0][:100]}). Il n'a pas été modifié. Restaurez la dernière "
                    "sauvegarde vérifiée avec 'sarah backup restore' ou depuis la fenêtre "
                    "Sauvegardes."
                )
        refuse_foreign_file(path)
        if path.exists() and not is_writable(path):
            return _open_read_only(target, path)
    engine = create_db_engine(target)
    if migrate:
        try:
            migrate_to_head(engine)
        except BaseException:
            engine.dispose()
            raise
    return engine
