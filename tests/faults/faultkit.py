"""Shared helpers for the backup and start-up tests: fill a database, damage a file."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from datetime import time as clock
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
                local_time=clock(9, i % 60),
                visitor_id=visitor.id,
                service_ids=[services[0].id, services[1].id],
            ),
        )
        ids.append(saved.id.hex)
    return ids


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, sorted: two files with the same dump hold the same data.

    The ``installation`` row is left out: it is who writes, not what was written (a restored
    file takes a new identity, docs/sync.md); so is the ``audit_log``: it says what was done to
    the file (a restore writes its entry in the restored file). Tests of either read them."""
    conn = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT IN ('installation', 'audit_log')"
            )
        ]
        return {
            t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables
        }
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
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name=?", (table,)).fetchone()[
            0
        ]
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


ZYGOTE = Path(__file__).with_name("zygote.py")


class Zygote:
    """Drives tests/faults/zygote.py: start workers, kill them with SIGKILL."""

    def __init__(self, basedir: Path) -> None:
        self.basedir = basedir
        env = dict(os.environ)
        env["PYTHONPATH"] = (
            str(ZYGOTE.parent.parent.parent) + os.pathsep + env.get("PYTHONPATH", "")
        )
        self.proc = subprocess.Popen(
            [sys.executable, str(ZYGOTE)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.runs = 0

    def start(self, op: str, out: Path, **req: object) -> int:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        payload = {"op": op, "out": str(out), "basedir": str(self.basedir), **req}
        self.proc.stdin.write(json.dumps({k: _plain(v) for k, v in payload.items()}) + "\n")
        self.proc.stdin.flush()
        reply = self.proc.stdout.readline().split()
        assert reply and reply[0] == "PID", reply
        self.runs += 1
        return int(reply[1])

    def run(self, op: str, out: Path, timeout: float = 120, **req: object) -> float:
        """Run to the end; returns how long it took (to spread the kill points over)."""
        began = time.perf_counter()
        pid = self.start(op, out, **req)
        wait_gone(pid, timeout)
        took = time.perf_counter() - began
        lines = read_lines(out)
        assert lines and lines[-1].startswith("DONE"), lines[-3:]
        return took

    def kill_after(self, op: str, out: Path, delay: float, **req: object) -> list[str]:
        """Start ``op``, SIGKILL it ``delay`` seconds later; returns what it acknowledged."""
        pid = self.start(op, out, **req)
        time.sleep(delay)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        wait_gone(pid, 60)
        lines = read_lines(out)
        errors = [line for line in lines if line.startswith("ERROR")]
        assert not errors, errors
        return lines

    def kill_when(
        self,
        op: str,
        out: Path,
        said: Callable[[list[str]], bool],
        timeout: float = 120,
        **req: object,
    ) -> list[str]:
        """Start ``op``, SIGKILL it as soon as what it wrote satisfies ``said``.

        The kill point is chosen by what the child says it did, never by wall time, so the run
        is the same on a busy machine as on an idle one."""
        pid = self.start(op, out, **req)
        deadline = time.monotonic() + timeout
        while not said(read_lines(out)):
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                raise AssertionError(f"{op}: not said after {timeout} s: {read_lines(out)[-3:]}")
            time.sleep(0.001)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        wait_gone(pid, 60)
        lines = read_lines(out)
        errors = [line for line in lines if line.startswith("ERROR")]
        assert not errors, errors
        return lines

    def kill_at_step(self, op: str, out: Path, step: int, **req: object) -> list[str]:
        """Start ``op`` told to stop at ``step`` (see ``cli_steps`` in zygote.py), wait until it
        says it is there, SIGKILL it; returns what it said."""

        def there(lines: list[str]) -> bool:
            ended = [line for line in lines if line.startswith(("DONE", "ERROR"))]
            assert not ended, f"ended before step {step}: {lines[-3:]}"
            return any(line.startswith(f"STEP {step} ") for line in lines)

        return self.kill_when(op, out, there, stop_at=step, **req)

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self.proc.wait(timeout=30)


def _plain(value: object) -> object:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def wait_gone(pid: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            raise AssertionError(f"worker {pid} still running after {timeout} s")
        time.sleep(0.005)


def read_lines(out: Path) -> list[str]:
    """Complete lines only: a kill in the middle of a write leaves no acknowledgement."""
    if not out.exists():
        return []
    text = out.read_text(encoding="utf-8", errors="replace")
    return text.split("\n")[:-1]


def kill_delays(duration: float, points: int, after: int = 5) -> list[float]:
    """``points`` kill times spread evenly over the measured duration, then ``after`` more
    between 1.2 and 2 times it, so that some runs also get to the end on a busy machine."""
    during = [duration * (i + 0.5) / points for i in range(points)]
    late = [duration * (1.2 + 0.8 * i / max(1, after - 1)) for i in range(after)]
    return during + late


def integrity(path: Path) -> tuple[list[str], list[tuple[object, ...]]]:
    """(integrity_check problems, foreign_key_check rows) of a database file."""
    conn = sqlite3.connect(path)
    try:
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
        orphans = conn.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        conn.close()
    return problems, orphans


def verified_backups_intact(folder: Path) -> list[Path]:
    """Every backup with a final name matches its manifest (sha256) and passes integrity."""
    import hashlib

    found = []
    for backup in sorted(folder.glob("*.sqlite")):
        manifest = json.loads(backup.with_suffix(".json").read_text(encoding="utf-8"))
        digest = hashlib.sha256(backup.read_bytes()).hexdigest()
        assert digest == manifest["sha256"], backup
        conn = sqlite3.connect(f"file:{backup.as_posix()}?mode=ro", uri=True)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            conn.close()
        found.append(backup)
    return found
