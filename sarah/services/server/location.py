"""Where the data lives: a file on this PC or a database on a PostgreSQL server.

:func:`server_fields` reads a server URL back into the fields the window shows;
:func:`where_data_lives` is the status bar's line ("Données : fichier …" / "Données : serveur
sarah@serveur:5432/sarah (chiffré)"); :func:`inspect_server` says what a connection test found.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from sarah.db import (
    POSTGRES_DRIVER,
    create_db_engine,
    database_url,
    head_revision,
    known_revisions,
    sqlite_file,
    sqlite_path,
    translate_errors,
)
from sarah.services.server.keychain import (
    DEFAULT_PORT,
    ServerFields,
    stored_password,
    url_password,
    with_password,
)


def is_server(target: str | None) -> bool:
    """True for a PostgreSQL URL (any of the forms ``sarah.db`` accepts)."""
    if not target or "://" not in target:
        return False
    try:
        return make_url(database_url(target)).drivername == POSTGRES_DRIVER
    except ArgumentError:
        return False


def server_fields(target: str) -> ServerFields | None:
    """The fields of a server URL (its password aside), None for a file or an unreadable URL."""
    if not is_server(target):
        return None
    url = make_url(database_url(target))
    mode = url.query.get("sslmode")
    return ServerFields(
        host=url.host or "localhost",
        database=url.database or "",
        user=url.username or "",
        port=url.port or DEFAULT_PORT,
        sslmode=mode if isinstance(mode, str) else None,
    )


def with_kept_password(target: str | None, password: str | None = None) -> str | None:
    """What to connect to: a server's URL with its password (the one given, else the one
    written in the URL, else the keychain's); a file or None as it is. For the window and the
    commands, whose settings keep a server's URL without its password."""
    fields = server_fields(target) if target else None
    if target is None or fields is None:
        return target
    return with_password(target, password or url_password(target) or stored_password(fields))


def connection_encrypted(engine: Engine) -> bool | None:
    """Whether the engine's connection to its server is encrypted (TLS in use), asked of the
    connection itself; None for a SQLite file."""
    if engine.dialect.name != "postgresql":
        return None
    with translate_errors(), engine.connect() as conn:
        dbapi = conn.connection.dbapi_connection
        pgconn = getattr(dbapi, "pgconn", None)
        return bool(getattr(pgconn, "ssl_in_use", False))


def where_data_lives(engine: Engine, encrypted: bool | None = None) -> str:
    """The status bar's line. ``encrypted`` is what the connection says (see
    :func:`connection_encrypted`); None: judged from the URL's sslmode alone."""
    path = sqlite_path(engine)
    if path is not None:
        return f"Données : fichier {path}"
    if engine.dialect.name == "sqlite":
        return "Données : en mémoire (rien n'est gardé)"
    fields = server_fields(engine.url.render_as_string(hide_password=True))
    if fields is None:
        return f"Données : {engine.url.render_as_string(hide_password=True)}"
    if encrypted is None:
        encrypted = fields.encrypted
    return f"Données : serveur {fields.label} ({'chiffré' if encrypted else 'non chiffré'})"


def describe_target(target: str | None) -> str:
    """A file's path or a server's ``user@host:port/base``, for a message."""
    fields = server_fields(target) if target else None
    if fields is not None:
        return fields.label
    path = sqlite_file(target)
    return str(path) if path is not None else str(target)


@dataclass(frozen=True)
class ServerCheck:
    """What a connection test found on the server's database."""

    revision: str | None  # SARAH's schema revision, None on an empty database
    foreign: bool  # tables, but not SARAH's
    newer: bool  # a schema from a newer SARAH
    current: bool  # at this SARAH's schema
    encrypted: bool


def inspect_server(url: str) -> ServerCheck:
    """Connect once and read the schema revision. Raises what the connection raises: a
    :class:`~sarah.errors.ServerUnreachable` or :class:`~sarah.errors.ServerRefused` for what
    a user can wait for or correct (``sarah.db``'s server engine sorts them)."""
    engine = create_db_engine(url)
    try:
        with translate_errors(), engine.connect() as conn:
            pgconn = getattr(conn.connection.dbapi_connection, "pgconn", None)
            encrypted = bool(getattr(pgconn, "ssl_in_use", False))
            tables = set(inspect(conn).get_table_names())
            revision = None
            if "alembic_version" in tables:
                revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    finally:
        engine.dispose()
    foreign = bool(tables - {"alembic_version"}) and revision is None
    newer = revision is not None and revision not in known_revisions()
    return ServerCheck(revision, foreign, newer, revision == head_revision(), encrypted)


def check_words(check: ServerCheck) -> str:
    """The verdict of a connection test, in French."""
    if check.foreign:
        return (
            "Connexion réussie, mais cette base contient d'autres tables que celles de SARAH : "
            "choisissez une base vide ou une base SARAH."
        )
    if check.revision is None:
        return "Connexion réussie : base vide, elle sera préparée."
    if check.newer:
        return (
            f"Connexion réussie, mais la base vient d'une version plus récente de SARAH "
            f"(schéma {check.revision}) : mettez SARAH à jour sur ce poste."
        )
    if check.current:
        return f"Connexion réussie : base SARAH version {check.revision}."
    return (
        f"Connexion réussie : base SARAH version {check.revision}, elle sera mise à jour "
        f"(version {head_revision()})."
    )
