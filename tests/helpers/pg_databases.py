"""Fresh PostgreSQL databases for tests, cheap enough to give one to every test.

The migrations run once, into a template database named after the head revision and a hash of
the migration scripts (a changed script gives a new name, so a new template); each test then
gets ``CREATE DATABASE … TEMPLATE …`` (a few tens of milliseconds where migrating costs a
quarter of a second) and the database is dropped afterwards ``WITH (FORCE)``.

Several pytest processes may share the server: the template is built under an exclusive
advisory lock (one process migrates, the others wait and reuse it) and each copy is made under
the shared one, so that a process replacing a stale template never drops one being copied.
Whether the server answers is asked once per process, with a short connection timeout: without
a server every PostgreSQL test is skipped with the same visible reason, at once.
"""

from __future__ import annotations

import functools
import hashlib
import os
import queue
import threading
import uuid

from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.exc import DBAPIError

# The CI machine's server; SARAH_TEST_POSTGRES names another one (or a closed port, to see the
# PostgreSQL half skipped).
POSTGRES_SERVER = os.environ.get("SARAH_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
SERVER_SHOWN = make_url(f"{POSTGRES_SERVER}/postgres").render_as_string(hide_password=True)
SERVER_SHOWN = SERVER_SHOWN.split("@")[-1].rsplit("/", 1)[0]
CONNECT_TIMEOUT_S = 3
TEMPLATE_PREFIX = "sarah_tpl_"
TEST_PREFIX = "sarah_test_"
# pg_advisory_lock keys: the template's build (exclusive) and its copies (shared).
TEMPLATE_LOCK = 0x5A4A_0013
# SQLSTATE 3D000 invalid_catalog_name: the template vanished (replaced by another process).
INVALID_CATALOG_NAME = "3D000"


class PostgresUnavailable(Exception):
    """No server answers: the reason every PostgreSQL test is skipped with."""


@functools.cache
def admin_engine() -> Engine:
    """AUTOCOMMIT on the server's ``postgres`` database: CREATE and DROP DATABASE."""
    return create_engine(
        f"{POSTGRES_SERVER}/postgres".replace("postgresql://", "postgresql+psycopg://"),
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
        pool_size=1,
    )


@functools.cache
def server_problem() -> str | None:
    """None when the server answers, else why not (asked once per process)."""
    try:
        with admin_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        first = str(getattr(exc, "orig", exc)).strip().splitlines()
        return f"PostgreSQL indisponible sur {SERVER_SHOWN}: {first[0] if first else exc!r}"
    return None


def migrations_fingerprint() -> str:
    """The head revision and a hash of every migration script: the template's name."""
    from sarah import paths
    from sarah.db import head_revision

    digest = hashlib.sha256()
    root = paths.migrations_dir()
    for script in sorted(root.rglob("*.py")):
        if "__pycache__" in script.parts:
            continue
        digest.update(script.relative_to(root).as_posix().encode())
        digest.update(script.read_bytes())
    head = "".join(c if c.isalnum() else "_" for c in head_revision().lower())
    return f"{TEMPLATE_PREFIX}{head[:30]}_{digest.hexdigest()[:12]}"


def _exists(conn: object, name: str) -> bool | None:
    """None: no such database; else whether it is complete (marked as a template)."""
    row = conn.execute(  # type: ignore[attr-defined]
        text("SELECT datistemplate FROM pg_database WHERE datname = :n"), {"n": name}
    ).first()
    return None if row is None else bool(row[0])


def _drop_template(conn: object, name: str) -> None:
    conn.execute(text(f'ALTER DATABASE "{name}" WITH IS_TEMPLATE false'))  # type: ignore[attr-defined]
    conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))  # type: ignore[attr-defined]


def _build_template(conn: object, name: str) -> None:
    """Migrate a new database to head, then mark it a template: marked means complete."""
    from sarah.services.database import open_database

    stale = conn.execute(  # type: ignore[attr-defined]
        text("SELECT datname FROM pg_database WHERE datname LIKE :p AND datname <> :n"),
        {"p": f"{TEMPLATE_PREFIX}%", "n": name},
    ).scalars()
    for old in list(stale):
        _drop_template(conn, old)
    if _exists(conn, name) is not None:  # a build that a killed process left half done
        _drop_template(conn, name)
    conn.execute(text(f'CREATE DATABASE "{name}"'))  # type: ignore[attr-defined]
    engine = open_database(f"{POSTGRES_SERVER}/{name}")
    engine.dispose()
    conn.execute(text(f'ALTER DATABASE "{name}" WITH IS_TEMPLATE true'))  # type: ignore[attr-defined]


_BUILD_FAILURE: list[BaseException] = []


@functools.cache
def template_name() -> str:
    """The migrated template for this checkout's migrations, built if no process has yet.

    A build that fails (a migration broken on PostgreSQL) fails every test with its error,
    without a build per test."""
    if _BUILD_FAILURE:
        raise RuntimeError("the PostgreSQL template could not be built") from _BUILD_FAILURE[0]
    name = migrations_fingerprint()
    with admin_engine().connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": TEMPLATE_LOCK})
        try:
            if not _exists(conn, name):
                _build_template(conn, name)
        except Exception as exc:
            _BUILD_FAILURE.append(exc)
            raise
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": TEMPLATE_LOCK})
    return name


def _copy_template(name: str) -> None:
    template = template_name()  # before the shared lock: building it takes the exclusive one
    with admin_engine().connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock_shared(:k)"), {"k": TEMPLATE_LOCK})
        try:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        finally:
            conn.execute(text("SELECT pg_advisory_unlock_shared(:k)"), {"k": TEMPLATE_LOCK})


def create_test_database() -> str:
    """A new database migrated to head (a copy of the template); returns its URL."""
    problem = server_problem()
    if problem is not None:
        raise PostgresUnavailable(problem)
    name = f"{TEST_PREFIX}{uuid.uuid4().hex[:12]}"
    try:
        _copy_template(name)
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) != INVALID_CATALOG_NAME:
            raise
        template_name.cache_clear()  # another process replaced it: build ours again
        _copy_template(name)
    return f"{POSTGRES_SERVER}/{name}"


def _drop(name: str) -> None:
    with admin_engine().connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


class _Dropper:
    """Drops the finished tests' databases on a thread of its own: a DROP DATABASE waits for a
    checkpoint (seconds on a server busy writing), which no test needs to wait for."""

    def __init__(self) -> None:
        self.queue: queue.Queue[str | None] = queue.Queue()
        self.failures: list[str] = []
        self.thread: threading.Thread | None = None

    def put(self, name: str) -> None:
        if self.thread is None:
            self.thread = threading.Thread(target=self._run, name="pg-drop", daemon=True)
            self.thread.start()
        self.queue.put(name)

    def _run(self) -> None:
        while (name := self.queue.get()) is not None:
            try:
                _drop(name)
            except Exception as exc:
                self.failures.append(f"{name}: {exc}")

    def finish(self) -> list[str]:
        """Wait for every drop asked so far; the databases that could not be dropped."""
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
            self.thread = None
        return self.failures


_DROPPER = _Dropper()


def drop_test_database(url: str) -> None:
    """Drop a test's database (soon, on the dropping thread): whatever connections remain."""
    _DROPPER.put(url.rsplit("/", 1)[1])


def finish_drops() -> list[str]:
    """At the end of the session: every test database dropped; those that could not be."""
    return _DROPPER.finish()
