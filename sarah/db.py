"""Engine factory, connection settings, schema migrations and database errors a user can act on.

Data-safety settings (see docs/fiabilite.md): on every SQLite connection WAL on a local disk,
synchronous=FULL, foreign keys on, a busy timeout, trusted_schema off, secure_delete on; writes
start with ``BEGIN IMMEDIATE`` so that a locked database is detected before anything is typed
into it, reads with a plain deferred ``BEGIN``.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from sarah import paths
from sarah.errors import DatabaseDamaged, DatabaseLocked, DiskFull, UserError

BUSY_TIMEOUT_MS = 5000

SQLITE_PRAGMAS = (
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=FULL",
    "PRAGMA trusted_schema=OFF",
    "PRAGMA secure_delete=ON",
)


def database_url(target: str | os.PathLike[str] | None) -> str:
    """A SQLite file path or an SQLAlchemy URL; None means the default database."""
    if target is None:
        return f"sqlite:///{paths.default_database()}"
    text = os.fspath(target)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def sqlite_path(engine: Engine) -> Path | None:
    """The file behind a SQLite engine, None for other databases or in-memory ones."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:":
        return None
    return Path(database)


def create_db_engine(target: str | os.PathLike[str] | None, *, read_only: bool = False) -> Engine:
    """An engine with the project's connection settings. Does not touch the schema."""
    url = make_url(database_url(target))
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)

    path = Path(url.database) if url.database else None
    if path is not None and not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    connect_args: dict[str, object] = {
        "timeout": BUSY_TIMEOUT_MS / 1000,
        "check_same_thread": False,
    }
    if read_only and path is not None:
        # mode=ro: opening a damaged file to look at it must never write to it.
        url = url.set(database=f"file:{path.as_posix()}?mode=ro", query={"uri": "true"})
    engine = create_engine(url, connect_args=connect_args)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy emit BEGIN itself (pysqlite's own transaction handling is unreliable).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        for pragma in SQLITE_PRAGMAS:
            cur.execute(pragma)
        if not read_only:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: object) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")  # type: ignore[attr-defined]
        conn.exec_driver_sql("BEGIN" if read_only else f"BEGIN {mode}")  # type: ignore[attr-defined]

    return engine


def reader(engine: Engine) -> Engine:
    """The same engine, but its transactions start deferred (reports must not block the desk)."""
    if engine.dialect.name != "sqlite":
        return engine
    return engine.execution_options(sqlite_begin="DEFERRED")


@contextlib.contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One write transaction: committed when the block ends, rolled back on any error."""
    with translate_errors(), Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


@contextlib.contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    with translate_errors(), Session(reader(engine)) as session, session.begin():
        yield session


# --- errors a user can act on -------------------------------------------------------------------


def user_error_for(exc: BaseException) -> UserError | None:
    """The French message for a database failure the user can act on, None for a bug."""
    if isinstance(exc, UserError):
        return exc
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    text = str(orig).lower()
    if "database is locked" in text or "database table is locked" in text or "busy" in text:
        return DatabaseLocked(
            "La base de données est occupée par un autre programme ou une autre fenêtre SARAH. "
            "Rien n'a été enregistré : fermez l'autre programme puis réessayez."
        )
    if "database or disk is full" in text or "no space left" in text or "disk full" in text:
        return DiskFull(
            "Le disque est plein : rien n'a été enregistré. Libérez de la place puis réessayez."
        )
    if "file is not a database" in text or "malformed" in text or "corrupt" in text:
        return DatabaseDamaged(
            "Le fichier de données est endommagé. Il n'a pas été modifié ; "
            "restaurez la dernière sauvegarde vérifiée (menu Sauvegardes ou 'sarah backup restore')."
        )
    if "readonly database" in text or "read-only" in text:
        return UserError(
            "La base de données est en lecture seule : rien n'a été enregistré. "
            "Vérifiez les droits sur le dossier des données."
        )
    if "disk i/o error" in text:
        return UserError(
            "Erreur d'écriture sur le disque : rien n'a été enregistré. "
            "Vérifiez le disque ou la clé, puis réessayez."
        )
    if "unable to open database" in text:
        return UserError("Impossible d'ouvrir la base de données : dossier absent ou inaccessible.")
    if isinstance(exc, OSError) and exc.errno == 28:
        return DiskFull("Le disque est plein : l'opération a été annulée, rien n'a été modifié.")
    return None


@contextlib.contextmanager
def translate_errors() -> Iterator[None]:
    """Turn database failures a user can act on into :class:`UserError`, re-raise bugs."""
    try:
        yield
    except UserError:
        raise
    except (DBAPIError, sqlite3.Error, OSError) as exc:
        user = user_error_for(exc)
        if user is None:
            raise
        raise user from exc


# --- integrity and migrations --------------------------------------------------------------------


def quick_check_file(path: Path) -> list[str]:
    """SQLite's quick_check on a file, read-only: empty when sound, else the problems found."""
    try:
        conn = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return [str(exc)]
    return _problem_lines(rows)


def _problem_lines(rows: list[tuple[str]]) -> list[str]:
    """SQLite reports several problems in one multi-line row: one problem per item."""
    lines = [line.strip() for r in rows if r[0] != "ok" for line in str(r[0]).splitlines()]
    return [line for line in lines if line and not line.startswith("*** in database")]


def quick_check(engine: Engine) -> list[str]:
    path = sqlite_path(engine)
    return quick_check_file(path) if path is not None and path.exists() else []


def alembic_config(connection: object | None = None):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(paths.migrations_dir()))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def copy_sqlite_file(engine: Engine, destination: Path) -> Path:
    """A consistent copy of a live SQLite database through the online backup API, fsynced."""
    source = sqlite_path(engine)
    assert source is not None
    destination.parent.mkdir(parents=True, exist_ok=True)
    tmp = destination.with_name(destination.name + ".partial")
    tmp.unlink(missing_ok=True)
    try:
        src = sqlite3.connect(f"file:{source.as_posix()}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, destination)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return destination


def _has_user_tables(engine: Engine) -> bool:
    return bool(set(inspect(engine).get_table_names()) - {"alembic_version"})


def migrate_to_head(engine: Engine, backup_dir: Path | None = None) -> Path | None:
    """Bring the schema to the newest version; back the file up first when the schema changes.

    The backup is a verified one (sarah.services.backups) in ``backup_dir``, by default the
    backup folder of the settings; if it cannot be made, nothing is migrated. Returns the path of
    the backup taken, if any. The upgrade itself is one transaction: all or nothing.
    """
    from alembic import command

    from sarah.services.backups import (
        configured_backup_folder,
        create_backup_or_abort,
        rotate_quietly,
    )

    head = head_revision()
    current = current_revision(engine)
    if current == head:
        return None
    copy: Path | None = None
    path = sqlite_path(engine)
    if path is not None and _has_user_tables(engine):
        folder = backup_dir or configured_backup_folder()
        copy = create_backup_or_abort(
            path,
            folder,
            "avant-migration",
            "Mise à jour de la base annulée : la sauvegarde qui doit la précéder a échoué. ",
        ).path
        rotate_quietly(folder)
    with translate_errors(), engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    return copy


def open_database(
    target: str | os.PathLike[str] | None, *, migrate: bool = True, check: bool = True
) -> Engine:
    """The engine every command uses: location refused if unsafe, integrity checked, migrated."""
    url = make_url(database_url(target))
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        from sarah.services.safety import refuse_unsafe_location

        refuse_unsafe_location(Path(url.database))  # before any folder or file is created
    engine = create_db_engine(target)
    path = sqlite_path(engine)
    if check and path is not None and path.exists() and path.stat().st_size > 0:
        problems = quick_check_file(path)
        if problems:
            engine.dispose()
            raise DatabaseDamaged(
                f"Le fichier de données {path} est endommagé ({problems[0]}). "
                "Il n'a pas été modifié. Restaurez la dernière sauvegarde vérifiée avec "
                "'sarah backup restore' ou depuis la fenêtre Sauvegardes."
            )
    if migrate:
        try:
            migrate_to_head(engine)
        except BaseException:
            engine.dispose()
            raise
    return engine
