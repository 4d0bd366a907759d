"""Shared helpers for the backup and start-up tests: fill a database, damage a file."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, time
from pathlib import Path

from sqlalchemy import Engine

from sarah.services.catalogue import list_services
from sarah.services.contacts import ContactDraft, log_contact
from sarah.services.sites import ensure_site
from sarah.services.visitors import create_visitor


def add_contacts(engine: Engine, n: int, site_name: str = "Grésilles") -> list[str]:
    """``n`` contacts (one visitor, two services each), returns their ids as text."""
    site = ensure_site(engine, site_name)
    services = list_services(engine)
    visitor = create_visitor(engine, last_name="Martin", first_name="Zoé", sex="F", site_id=site.id)
    ids = []
    for i in range(n):
        saved = log_contact(
            engine,
            ContactDraft(
                site_id=site.id,
                channel="physique" if i % 3 else "telephone",
                local_date=date(2019, 1, 1 + i % 28),
                local_time=time(9, i % 60),
                visitor_id=visitor.id,
                service_ids=[services[0].id, services[1].id],
            ),
        )
        ids.append(saved.id.hex)
    return ids


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, sorted: two files with the same dump hold the same data."""
    conn = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        conn.close()


def checkpoint(path: Path) -> None:
    """Fold the -wal into the main file so that byte-level damage hits real pages."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def root_page(path: Path, table: str) -> tuple[int, int]:
    conn = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name=?", (table,)
        ).fetchone()[0]
    finally:
        conn.close()
    return int(root), int(page_size)


def flip_page(path: Path, table: str = "contacts") -> None:
    """Overwrite the b-tree header of a table's root page with garbage (a bad sector)."""
    root, page_size = root_page(path, table)
    offset = (root - 1) * page_size
    with open(path, "r+b") as fh:
        fh.seek(offset)
        fh.write(bytes([0xA5]) * 64)


def truncate(path: Path) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.truncate(size // 2 + 100)


def garble_header(path: Path) -> None:
    with open(path, "r+b") as fh:
        fh.write(b"This is not SQLite at all!")


@contextlib.contextmanager
def hold_write_lock(db: Path) -> Iterator[None]:
    """Another process holding the write lock (BEGIN IMMEDIATE) until the block ends."""
    code = (
        "import sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('BEGIN IMMEDIATE')\n"
        "print('locked', flush=True)\n"
        "sys.stdin.readline()\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", code, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        assert holder.stdout is not None and holder.stdin is not None
        try:
            assert holder.stdout.readline().strip() == "locked"
            yield
        finally:
            holder.stdin.write("\n")
            holder.stdin.flush()
            holder.wait(timeout=30)
