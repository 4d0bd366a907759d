"""A wrong host, port, database, user or password: every command says what is wrong, in
French, and exits with 2; the window's probe (reach.server_problem) says the same."""

from __future__ import annotations

import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from private_server import PrivateServer, free_port, private_server
from sqlalchemy import create_engine, text

from sarah.cli import main
from sarah.errors import ServerRefused, ServerUnreachable
from sarah.services.server.reach import server_problem, worth_retrying

pytestmark = pytest.mark.postgres

SERVER = "postgresql://postgres@127.0.0.1:5432"

COMMANDS = [
    ["demo"],
    ["report", "--semester", "2019-S1"],
    ["contacts", "import", "{csv}"],
    ["backup", "list"],
    ["sync", "status"],
    ["accounts", "list"],
    ["audit", "list"],
    ["privacy", "purge", "--dry-run"],
]


@pytest.fixture(scope="module")
def server_up() -> None:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=3):
            pass
    except OSError as exc:
        pytest.skip(f"PostgreSQL unavailable on 127.0.0.1:5432: {exc}")


def _run(argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    csv = tmp_path / "contacts.csv"
    csv.write_text("date;site;canal\n", encoding="utf-8")
    code = main([a.replace("{csv}", str(csv)) for a in argv])
    return code, capsys.readouterr().err


def _assert_said(code: int, err: str, *names: str) -> None:
    assert code == 2
    assert err.startswith("Erreur : ")
    assert "Traceback" not in err and "psycopg" not in err and "connection" not in err
    for name in names:
        assert name in err


@pytest.mark.usefixtures("server_up")
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_an_unknown_database_is_named(command, tmp_path, capsys) -> None:
    name = f"sarah_absente_{uuid.uuid4().hex[:8]}"
    code, err = _run(["--db", f"{SERVER}/{name}", *command], tmp_path, capsys)
    _assert_said(code, err, f"La base « {name} » n'existe pas", "127.0.0.1:5432", "postgres")


@pytest.mark.usefixtures("server_up")
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_an_unknown_user_is_named(command, tmp_path, capsys) -> None:
    url = "postgresql://personne_ici@127.0.0.1:5432/postgres"
    code, err = _run(["--db", url, *command], tmp_path, capsys)
    _assert_said(code, err, "refuse l'utilisateur « personne_ici »", "« postgres »")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_closed_port_is_named(command, tmp_path, capsys) -> None:
    port = free_port()
    url = f"postgresql://postgres@127.0.0.1:{port}/sarah"
    code, err = _run(["--db", url, *command], tmp_path, capsys)
    _assert_said(code, err, f"Aucun serveur PostgreSQL n'écoute sur le port {port}", "« sarah »")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_an_unknown_host_is_named(command, tmp_path, capsys) -> None:
    url = "postgresql://postgres:motdepasse@serveur-absent.invalid:5432/sarah"
    code, err = _run(["--db", url, *command], tmp_path, capsys)
    _assert_said(code, err, "« serveur-absent.invalid » est introuvable", "« postgres »")
    assert "motdepasse" not in err


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_wrong_password_is_said_and_never_shown(
    command, tmp_path, capsys, password_server: PrivateServer
) -> None:
    url = password_server.url(password="mauvais-secret")
    code, err = _run(["--db", url, *command], tmp_path, capsys)
    _assert_said(code, err, "refuse le mot de passe", f"« {password_server.role} »")
    assert "mauvais-secret" not in err


def test_a_missing_password_is_said(tmp_path, capsys, password_server: PrivateServer) -> None:
    code, err = _run(["--db", password_server.url(), "demo"], tmp_path, capsys)
    _assert_said(code, err, "demande un mot de passe", f"« {password_server.role} »")


def test_the_right_password_opens_the_database(password_server: PrivateServer) -> None:
    url = password_server.url(password=password_server.password)
    assert server_problem(url) is None


def test_a_real_process_exits_2_without_a_traceback() -> None:
    port = free_port()
    url = f"postgresql://postgres@127.0.0.1:{port}/sarah"
    done = subprocess.run(
        [sys.executable, "-m", "sarah", "--db", url, "report", "--semester", "2019-S1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert f"port {port}" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port where the connection is accepted but nothing is ever said (a hung server)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield int(listener.getsockname()[1])


def test_a_server_that_never_answers_is_given_up_on(silent_server, tmp_path, capsys) -> None:
    url = f"postgresql://postgres@127.0.0.1:{silent_server}/sarah?connect_timeout=2"
    code, err = _run(["--db", url, "demo"], tmp_path, capsys)
    _assert_said(code, err, "Le serveur ne répond pas", f"127.0.0.1:{silent_server}")


@pytest.fixture
def locked_database(server_up) -> Iterator[tuple[str, str]]:
    """A database and a role without the CONNECT right on it."""
    name, role = f"sarah_fermee_{uuid.uuid4().hex[:8]}", f"sarah_sans_droit_{uuid.uuid4().hex[:8]}"
    admin = create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        conn.execute(text(f'REVOKE CONNECT ON DATABASE "{name}" FROM PUBLIC'))
    try:
        yield name, role
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            conn.execute(text(f'DROP ROLE "{role}"'))
        admin.dispose()


def test_missing_rights_are_named(locked_database, tmp_path, capsys) -> None:
    name, role = locked_database
    url = f"postgresql://{role}@127.0.0.1:5432/{name}"
    code, err = _run(["--db", url, "demo"], tmp_path, capsys)
    _assert_said(code, err, f"« {role} » n'a pas les droits", f"« {name} »")
    assert isinstance(server_problem(url), ServerRefused)


def test_too_many_connections_is_worth_retrying(password_server: PrivateServer) -> None:
    url = password_server.url(password=password_server.password)
    full = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    held = []
    try:
        while True:  # take every slot the private server has (max_connections=4)
            try:
                held.append(full.raw_connection())
            except Exception:
                break
        assert len(held) == 4
        problem = server_problem(url)
        assert isinstance(problem, ServerUnreachable)
        assert "nombre maximal de connexions" in problem.message
        assert worth_retrying(problem)
    finally:
        for conn in held:
            conn.close()
        full.dispose()
    assert server_problem(url) is None


def test_the_probe_sorts_each_failure_for_the_window(server_up) -> None:
    assert server_problem(f"{SERVER}/postgres") is None
    assert server_problem("/tmp/fichier.sqlite") is None
    unknown_db = server_problem(f"{SERVER}/sarah_absente_{uuid.uuid4().hex[:8]}")
    assert isinstance(unknown_db, ServerRefused) and not worth_retrying(unknown_db)
    closed = server_problem(f"postgresql://postgres@127.0.0.1:{free_port()}/sarah")
    assert isinstance(closed, ServerUnreachable) and worth_retrying(closed)
    unknown_host = server_problem("postgres://postgres@nulle-part.invalid/sarah")
    assert isinstance(unknown_host, ServerUnreachable)


def test_a_server_shutting_down_is_worth_retrying(tmp_path, capsys) -> None:
    """A smart shutdown waits for the sessions open; meanwhile new ones are turned away."""
    with private_server() as server:
        url = server.url(password=server.password)
        held = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
        conn = held.raw_connection()
        try:
            subprocess.run([*server.pg_ctl, "-m", "smart", "-W", "stop"], check=True)
            problem = server_problem(url)
            assert isinstance(problem, ServerUnreachable) and worth_retrying(problem)
            assert "s'arrête ou redémarre" in problem.message
            code, err = _run(["--db", url, "demo"], tmp_path, capsys)
            _assert_said(code, err, "s'arrête ou redémarre", f"127.0.0.1:{server.port}")
        finally:
            conn.close()
            held.dispose()


def test_a_server_that_stops_between_two_saves_is_said_unreachable() -> None:
    """The engine was working; the server stops; the next save (through the pool's stale
    connection, then a new one) says the server cannot be reached, in French."""
    from sarah.db import create_db_engine, write_session
    from sarah.services.sites import ensure_site

    with private_server() as server:
        engine = create_db_engine(server.url(password=server.password))
        try:
            with write_session(engine) as s:
                s.connection().exec_driver_sql("CREATE TABLE essai (v int)")
            subprocess.run([*server.pg_ctl, "-m", "fast", "-w", "stop"], check=True)
            with pytest.raises(ServerUnreachable) as raised:
                ensure_site(engine, "Bourroches")
            assert f"port {server.port}" in raised.value.message
            assert server.password not in str(raised.value)
        finally:
            engine.dispose()
