"""Engine factory, connection settings, schema migrations and database errors a user can act on.

Data-safety settings (see docs/fiabilite.md): on every SQLite connection WAL on a local disk,
synchronous=FULL, foreign keys on, a busy timeout, trusted_schema off, secure_delete on; writes
start with ``BEGIN IMMEDIATE`` so that a locked database is detected before anything is typed
into it, reads with a plain deferred ``BEGIN``.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import getpass
import logging
import os
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.exc import DBAPIError

from sarah import paths
from sarah.dbfile import (
    SARAH_APPLICATION_ID,
    DatabaseTooNew,
    ReadOnlyDatabase,
    readonly_uri,
    too_new_message,
)
from sarah.errors import DatabaseDamaged, DatabaseLocked, DiskFull, ServerUnreachable, UserError

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

    from sarah.server_probe import Server

BUSY_TIMEOUT_MS = 5000

log = logging.getLogger(__name__)


SQLITE_PRAGMAS = (
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=FULL",
    "PRAGMA trusted_schema=OFF",
    "PRAGMA secure_delete=ON",
)


# Every way of naming a PostgreSQL server maps to the one driver SARAH ships (psycopg 3):
# the form users type (postgresql://), the libpq one (postgres://) and a driver-named one.
POSTGRES_SCHEMES = ("postgres", "postgresql", "postgresql+psycopg", "postgresql+psycopg2")
POSTGRES_DRIVER = "postgresql+psycopg"


def database_url(target: str | os.PathLike[str] | None) -> str:
    """A SQLite file path or an SQLAlchemy URL; None means the default database."""
    if target is None:
        return f"sqlite:///{paths.default_database()}"
    text = os.fspath(target)
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser().resolve()}"
    scheme, rest = text.split("://", 1)
    if scheme.lower() in POSTGRES_SCHEMES:
        return f"{POSTGRES_DRIVER}://{rest}"
    return text


def sqlite_file(target: str | os.PathLike[str] | None) -> Path | None:
    """The SQLite file a path or URL names, None for a server database or an in-memory one."""
    url = make_url(database_url(target))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def sqlite_path(engine: Engine) -> Path | None:
    """The file behind a SQLite engine, None for other databases or in-memory ones."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:":
        return None
    if database.startswith("file:"):  # a read-only engine's URI: file:/path?mode=ro…
        return Path(database[len("file:") :].split("?", 1)[0])
    return Path(database)


def create_db_engine(target: str | os.PathLike[str] | None, *, read_only: bool = False) -> Engine:
    """An engine with the project's connection settings. Does not touch the schema."""
    url = make_url(database_url(target))
    if url.get_backend_name() != "sqlite":
        return _server_engine(url)

    path = Path(url.database) if url.database else None
    if path is not None and not read_only:
        with translate_errors():
            path.parent.mkdir(parents=True, exist_ok=True)
    connect_args: dict[str, object] = {
        "timeout": BUSY_TIMEOUT_MS / 1000,
        "check_same_thread": False,
    }
    if read_only and path is not None:
        # mode=ro: opening a damaged file to look at it must never write to it (and immutable
        # on a read-only medium, where SQLite could not create the -shm file).
        url = url.set(database=readonly_uri(path), query={"uri": "true"})
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


# A server that does not answer is told within this delay (libpq waits forever by default).
CONNECT_TIMEOUT_S = 5


def _server_engine(url: URL) -> Engine:
    """A PostgreSQL engine whose failures a user can act on arrive as ServerUnreachable or
    ServerRefused naming the host, port, database and user (see sarah.server_probe)."""
    connect_args: dict[str, object] = {}
    if "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
    engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    event.listen(engine, "handle_error", _on_server_error)
    event.listen(engine, "begin", lambda conn: conn.info.pop(COMMITTING, None))
    event.listen(engine, "commit", lambda conn: conn.info.__setitem__(COMMITTING, True))
    return engine


COMMITTING = "sarah_committing"  # set at COMMIT, cleared at BEGIN (see _on_server_error)


def server_of(url: URL) -> Server:
    """Where a PostgreSQL URL points, with libpq's defaults for what it leaves out."""
    from sarah.server_probe import Server

    user = url.username or getpass.getuser()
    query = {k: v if isinstance(v, str) else v[-1] for k, v in url.query.items()}
    return Server(
        host=url.host or query.get("host") or "/var/run/postgresql",
        port=url.port or int(query.get("port") or 5432),
        database=url.database or user,
        user=user,
        password=url.password if isinstance(url.password, str) else None,
        sslmode=query.get("sslmode", "prefer"),
    )


def server_error(url: URL, exc: BaseException) -> UserError | None:
    """The French message for a server's failure: sorted by its SQLSTATE, or, for a failed or
    lost connection (which has none), by a probe of the network and the server."""
    import psycopg

    from sarah import server_probe

    server = server_of(url)
    sqlstate = getattr(exc, "sqlstate", None)
    if isinstance(sqlstate, str):
        return server_probe.error_for_sqlstate(server, sqlstate)
    if not isinstance(exc, psycopg.OperationalError):
        return None
    timeout = float(url.query.get("connect_timeout") or CONNECT_TIMEOUT_S)  # type: ignore[arg-type]
    found = server_probe.probe(server, timeout)
    log.info("PostgreSQL connection failed; the probe found %s %s", found.outcome, found.sqlstate)
    return server_probe.error_for_probe(server, found, timeout)


def _on_server_error(ctx: ExceptionContext) -> BaseException | None:
    if ctx.is_pre_ping or ctx.engine is None:  # a stale pooled connection: the pool reconnects
        return None
    found = server_error(ctx.engine.url, ctx.original_exception)
    conn = ctx.connection
    if isinstance(found, ServerUnreachable) and conn is not None and conn.info.get(COMMITTING):
        from sarah.server_probe import commit_answer_lost

        return commit_answer_lost(server_of(ctx.engine.url))
    return found


def reader(engine: Engine) -> Engine:
    """The same engine, but its transactions start deferred (reports must not block the desk)."""
    if engine.dialect.name != "sqlite":
        return engine
    return engine.execution_options(sqlite_begin="DEFERRED")


# The ORM is imported by the first session, not by this module: a command that only reads sums
# (read_connection) never pays for it.


@contextlib.contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One write transaction: committed when the block ends, rolled back on any error."""
    from sqlalchemy.orm import Session

    with translate_errors(), Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


@contextlib.contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    from sqlalchemy.orm import Session

    with translate_errors(), Session(reader(engine)) as session, session.begin():
        yield session


@contextlib.contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """A read transaction in SQLAlchemy Core (deferred on SQLite, like :func:`read_session`)."""
    with translate_errors(), reader(engine).connect() as conn, conn.begin():
        yield conn


# --- errors a user can act on -------------------------------------------------------------------


# SQLite's primary result codes (extended codes carry them in their low byte).
SQLITE_PERM = 3
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26

LOCKED_MESSAGE = (
    "La base de données est occupée par un autre programme ou une autre fenêtre SARAH. "
    "Rien n'a été enregistré : fermez l'autre programme puis réessayez."
)
DAMAGED_MESSAGE = (
    "Le fichier de données est endommagé. Il n'a pas été modifié ; "
    "restaurez la dernière sauvegarde vérifiée (menu Sauvegardes ou 'sarah backup restore')."
)
READ_ONLY_MESSAGE = (
    "La base de données est en lecture seule (support protégé en écriture, dossier ou fichier "
    "sans droit d'écriture) : rien n'a été enregistré. Les tableaux restent consultables ; pour "
    "saisir, copiez la base sur un disque où vous pouvez écrire ou vérifiez les droits du dossier."
)
DISK_FULL_MESSAGE = (
    "Le disque est plein : rien n'a été enregistré. Libérez de la place puis réessayez."
)

# What SQLite's codes mean, in words for a "détail technique" (never SQLite's English).
SQLITE_CODE_WORDS = {
    SQLITE_PERM: "accès refusé",
    SQLITE_BUSY: "base occupée par un autre programme",
    SQLITE_LOCKED: "base occupée par un autre programme",
    SQLITE_READONLY: "base en lecture seule",
    SQLITE_IOERR: "erreur de lecture ou d'écriture sur le disque",
    SQLITE_CORRUPT: "structure interne du fichier abîmée",
    SQLITE_FULL: "disque plein",
    SQLITE_CANTOPEN: "fichier impossible à ouvrir",
    SQLITE_NOTADB: "ce n'est pas un fichier de base de données SQLite",
}


def sqlite_code(exc: BaseException) -> int | None:
    """SQLite's primary result code behind an exception, None when there is none."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    code = getattr(orig, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def sqlite_words(exc: BaseException) -> str:
    """A French phrase for a SQLite failure, for the technical detail of a message."""
    code = sqlite_code(exc)
    if code in SQLITE_CODE_WORDS:
        return SQLITE_CODE_WORDS[code]
    return f"erreur SQLite {code}" if code is not None else "erreur SQLite"


IO_ERROR_MESSAGE = (
    "Erreur d'écriture sur le disque : rien n'a été enregistré. "
    "Vérifiez le disque ou la clé, puis réessayez."
)
CANT_OPEN_MESSAGE = (
    "Impossible d'ouvrir la base de données : dossier absent, inaccessible ou en "
    "lecture seule. Vérifiez le chemin et les droits du dossier."
)

# The problem a user can act on behind each SQLite code (the others are bugs).
_ERROR_FOR_CODE: dict[int, tuple[type[UserError], str]] = {
    SQLITE_BUSY: (DatabaseLocked, LOCKED_MESSAGE),
    SQLITE_LOCKED: (DatabaseLocked, LOCKED_MESSAGE),
    SQLITE_FULL: (DiskFull, DISK_FULL_MESSAGE),
    SQLITE_CORRUPT: (DatabaseDamaged, DAMAGED_MESSAGE),
    SQLITE_NOTADB: (DatabaseDamaged, DAMAGED_MESSAGE),
    SQLITE_READONLY: (ReadOnlyDatabase, READ_ONLY_MESSAGE),
    SQLITE_IOERR: (UserError, IO_ERROR_MESSAGE),
    SQLITE_CANTOPEN: (UserError, CANT_OPEN_MESSAGE),
    SQLITE_PERM: (UserError, CANT_OPEN_MESSAGE),
}


def user_error_for(exc: BaseException) -> UserError | None:
    """The French message for a database failure the user can act on, None for a bug.

    Sorted by SQLite's result code (qutebrowser's misc/sql.py does the same), never by the text
    of the message, which changes between SQLite versions and languages.
    """
    if isinstance(exc, UserError):
        return exc
    code = sqlite_code(exc)
    if code in _ERROR_FOR_CODE:
        kind, message = _ERROR_FOR_CODE[code]
        return kind(message)
    if isinstance(exc, OSError):
        return _user_error_for_os(exc)
    return None


def _user_error_for_os(exc: OSError) -> UserError | None:
    if exc.errno == errno.ENOSPC:
        return DiskFull("Le disque est plein : l'opération a été annulée, rien n'a été modifié.")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        name = f" ({exc.filename})" if exc.filename else ""
        return ReadOnlyDatabase(
            f"Écriture impossible{name} : support en lecture seule ou droits insuffisants. "
            "Rien n'a été modifié."
        )
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
    """SQLite's quick_check on a file, read-only: empty when sound, else the problems found.

    A file SQLite cannot read at all gives one problem in French ("ce n'est pas un fichier de
    base de données SQLite"); the lines quick_check itself prints are kept as technical detail.
    """
    try:
        conn = sqlite3.connect(readonly_uri(path), uri=True)
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return [sqlite_words(exc)]
    return problem_lines(rows)


def problem_lines(rows: list[tuple[str]]) -> list[str]:
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


REVISION_LINE = re.compile(r"^revision(?:\s*:\s*str)?\s*=\s*[\"']([^\"']+)[\"']", re.M)
DOWN_REVISION_LINE = re.compile(
    r"^down_revision(?:\s*:[^=]+)?\s*=\s*(?:[\"']([^\"']+)[\"']|None)", re.M
)


@functools.cache
def revision_graph() -> dict[str, str | None]:
    """Each schema revision of the migration scripts and the one it follows.

    Read from the scripts' ``revision`` / ``down_revision`` lines rather than through alembic,
    whose import costs more than a whole report: a command learns that the schema is current
    without loading it. A test checks that this agrees with alembic's own reading.
    """
    graph: dict[str, str | None] = {}
    for script in sorted((paths.migrations_dir() / "versions").glob("*.py")):
        text = script.read_text(encoding="utf-8")
        revision, down = REVISION_LINE.search(text), DOWN_REVISION_LINE.search(text)
        if revision is not None and down is not None:
            graph[revision.group(1)] = down.group(1)
    return graph


def head_revision() -> str:
    graph = revision_graph()
    heads = set(graph) - {down for down in graph.values() if down is not None}
    if len(heads) != 1:
        raise RuntimeError(f"the migration scripts have {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


def known_revisions() -> set[str]:
    """Every schema revision this version of SARAH knows how to read or migrate."""
    return set(revision_graph())


def current_revision(engine: Engine) -> str | None:
    """The stored schema revision, read in a deferred transaction: no write lock is taken, so
    a report never waits for (or fails on) another program that is writing."""
    with translate_errors(), reader(engine).connect() as conn:
        return _stored_revision(conn)


def _stored_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def has_user_tables(engine: Engine) -> bool:
    with reader(engine).connect() as conn:
        return bool(set(inspect(conn).get_table_names()) - {"alembic_version"})


def _mark_as_sarah(conn: object) -> None:
    """SARAH's mark in the file header, so that a foreign file is told apart (see dbfile)."""
    conn.exec_driver_sql(f"PRAGMA application_id={SARAH_APPLICATION_ID}")  # type: ignore[attr-defined]


def refuse_newer_schema(engine: Engine, current: str | None) -> None:
    if current is not None and current not in known_revisions():
        shown = str(sqlite_path(engine) or engine.url.render_as_string(hide_password=True))
        raise DatabaseTooNew(too_new_message(shown, current))


# pg_advisory_xact_lock key of SARAH's migrations ("SARAHMIG"); advisory locks are per database.
MIGRATION_LOCK_KEY = 0x5341_5241_484D_4947


def upgrade_schema(engine: Engine) -> None:
    """Upgrade the schema to the newest revision in one transaction (all or nothing) and mark
    a SQLite file as SARAH's. Nothing else: the backup that must come first is the caller's
    (sarah.services.database.open_database).

    On a server, desks that open an older database at the same moment take turns: each
    migration holds a transaction-level advisory lock, and the revision is read again under
    it, so a desk that waited finds the work done (or a newer SARAH's schema, refused)."""
    from alembic import command

    with translate_errors(), engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
            current = _stored_revision(conn)
            refuse_newer_schema(engine, current)
            if current == head_revision():
                log.info("the schema was brought to %s by another desk meanwhile", current)
                return
        command.upgrade(alembic_config(conn), "head")
        if sqlite_path(engine) is not None:
            _mark_as_sarah(conn)
