"""The rows of a package on a PostgreSQL installation: out of the server into a container, and
from a container into the server's temporary tables (docs/sync.md, "On a PostgreSQL server").

The package format does not change with the engine: a container holds every value as
SQLite holds it (ids as 32 hex digits, dates and times as ISO text, booleans as 0/1). PostgreSQL writes that text itself (``to_char``, casts in C),
so Python only moves strings in bounded batches; the other way, ``COPY`` hands the container's
values to the server, which parses them into its own types (a value it cannot hold is refused
by its SQLSTATE, never written).
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Column, Connection, Date, DateTime, Engine, Table, Time, Uuid

from sarah.services.sync.container import TABLES, columns, create_tables

BATCH_ROWS = 5_000  # rows per fetch and per executemany: memory stays small at any size


def sqlite_text(column: Column[Any], alias: str = "") -> str:
    """A PostgreSQL expression giving ``column``'s value as SQLAlchemy stores it on SQLite."""
    name = f'{alias}"{column.name}"'
    kind = column.type
    if isinstance(kind, Uuid):
        return f"replace({name}::text, '-', '')"
    if isinstance(kind, DateTime):
        # As SQLite holds them: CURRENT_TIMESTAMP's defaults to the second, SQLAlchemy's
        # values with their microseconds (a zero fraction is dropped: the row's text then
        # matches the one its SQLite sites hold, which the derived merges hash).
        return (
            f"to_char({name}, 'YYYY-MM-DD HH24:MI:SS') || CASE WHEN "
            f"mod(extract(microseconds FROM {name})::integer, 1000000) = 0 THEN '' "
            f"ELSE to_char({name}, '.US') END"
        )
    if isinstance(kind, Date):
        return f"to_char({name}, 'YYYY-MM-DD')"
    if isinstance(kind, Time):
        return f"to_char({name}, 'HH24:MI:SS.US')"
    if isinstance(kind, Boolean):
        return f"{name}::int"
    return name


def select_as_sqlite(table: Table) -> str:
    """Every column of ``table`` as the container holds it, in the container's order."""
    exprs = ", ".join(sqlite_text(table.c[name]) for name in columns(table))
    return f"SELECT {exprs} FROM {table.name}"


def hex_id(value: object) -> str:
    """An id as SQLite stores it (32 hex digits), from PostgreSQL's uuid or any text form."""
    return value.hex if isinstance(value, uuid.UUID) else uuid.UUID(str(value)).hex


def copy_rows_out(conn: Connection, container: Path) -> None:
    """Every travelling row ``conn`` sees (the caller's snapshot) into the container's tables,
    created here. The container is a scratch file: no journal, no sync."""
    pg: Any = conn.connection.driver_connection  # psycopg's, in the caller's transaction
    assert pg is not None
    out = sqlite3.connect(container, isolation_level=None)
    try:
        out.execute("PRAGMA journal_mode=OFF")
        out.execute("PRAGMA synchronous=OFF")
        create_tables(out, "main")
        out.execute("BEGIN")
        for table in TABLES:
            cols = columns(table)
            insert = (
                f"INSERT INTO {table.name} ({', '.join(cols)}) "
                f"VALUES ({', '.join('?' for _ in cols)})"
            )
            with pg.cursor(name=f"sarah_sync_{table.name}") as cursor:  # on the server side
                cursor.itersize = BATCH_ROWS
                cursor.execute(select_as_sqlite(table))
                while rows := cursor.fetchmany(BATCH_ROWS):
                    out.executemany(insert, rows)
        out.execute("COMMIT")
    finally:
        out.close()


def _container_rows(path: Path, table: Table) -> Iterator[list[tuple[object, ...]]]:
    conn = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    try:
        cursor = conn.execute(f"SELECT {', '.join(columns(table))} FROM {table.name}")
        while rows := cursor.fetchmany(BATCH_ROWS):
            yield rows
    finally:
        conn.close()


def load_into_temp_tables(pg: Any, container: Path, tables: tuple[Table, ...] = TABLES) -> None:
    """The container's tables as TEMP tables ``pkg_<table>`` of the server's types (dropped at
    the end of the caller's transaction), by COPY, indexed and analysed for the merge's joins.

    ``pg`` is the psycopg connection inside the merge's transaction. The temp tables carry the
    columns' types and lengths but no constraint: a value the server cannot hold (a day that
    does not exist, a name too long for its column) fails the COPY with a data exception."""
    for table in tables:
        cols = ", ".join(f'"{c}"' for c in columns(table))
        pg.execute(
            f"CREATE TEMP TABLE pkg_{table.name} ON COMMIT DROP AS "
            f"SELECT {cols} FROM {table.name} WITH NO DATA"
        )
        with pg.cursor() as cursor:
            with cursor.copy(f"COPY pkg_{table.name} ({cols}) FROM STDIN") as copy:
                for rows in _container_rows(container, table):
                    for row in rows:
                        copy.write_row(row)
        key = "contact_id" if table.name == "contact_services" else "id"
        pg.execute(f"CREATE INDEX ON pkg_{table.name} ({key})")
        pg.execute(f"ANALYZE pkg_{table.name}")


def engine_is_server(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"
