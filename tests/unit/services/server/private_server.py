"""A private PostgreSQL server with password authentication, for the failures the shared test
server (trust auth) cannot show: a wrong password, no password, too many connections.

Built with the server's own initdb and pg_ctl, run as the ``postgres`` system user (initdb
refuses root), on a free loopback port; skipped with the reason where that cannot be done.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PASSWORD = "sesame-du-test"
ROLE = "sarah_desk"


def free_port() -> int:
    """A loopback port nothing listens on (bound once by the system, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class PrivateServer:
    port: int
    role: str
    password: str
    pg_ctl: tuple[str, ...]  # pg_ctl on this server's data folder, as postgres

    def url(self, *, password: str | None = None, database: str = "postgres") -> str:
        secret = f":{password}" if password is not None else ""
        return f"postgresql://{self.role}{secret}@127.0.0.1:{self.port}/{database}"


def _server_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return found[-1].parent if found else None


@contextlib.contextmanager
def private_server() -> Iterator[PrivateServer]:
    bindir = _server_bin()
    if bindir is None or os.geteuid() != 0:
        pytest.skip("a private PostgreSQL server needs initdb and root (to run it as postgres)")
    try:
        owner = pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("no postgres system user to run a private PostgreSQL server")
    # Not under pytest's own temporary folder: only root may enter it, and the server runs
    # as postgres.
    root = Path(tempfile.mkdtemp(prefix="sarah-pgpassword-"))
    pwfile = root / "pw"
    pwfile.write_text(PASSWORD + "\n", encoding="utf-8")
    for path in (root, pwfile):
        os.chown(path, owner.pw_uid, owner.pw_gid)
    data, port = root / "data", free_port()
    as_postgres = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [*as_postgres, str(bindir / "initdb"), "-D", str(data), "-U", ROLE, "-N"]
        + ["--auth=scram-sha-256", f"--pwfile={pwfile}"],
        check=True,
        capture_output=True,
    )
    options = (
        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c max_connections=4 -c superuser_reserved_connections=0"
    )
    start = [*as_postgres, str(bindir / "pg_ctl"), "-D", str(data), "-w", "-o", options]
    subprocess.run([*start, "-l", str(root / "log"), "start"], check=True, capture_output=True)
    try:
        pg_ctl = (*as_postgres, str(bindir / "pg_ctl"), "-D", str(data))
        yield PrivateServer(port=port, role=ROLE, password=PASSWORD, pg_ctl=pg_ctl)
    finally:
        stop = [*as_postgres, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
        subprocess.run(stop, check=False, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
