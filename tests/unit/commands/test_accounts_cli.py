"""`sarah accounts add|list|disable` on a real SQLite database; exit 2 for every user error.

The first account is the admin "Amina" (the first must be an admin); once it exists, the
commands act as Amina (SARAH_COMPTE, SARAH_MOT_DE_PASSE: tests/unit/commands/test_command_roles.py
checks the roles)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from sarah.cli import main
from sarah.services.accounts import passwords
from sarah.services.accounts.store import authenticate
from sarah.services.audit import actor
from sarah.services.database import open_database

GOOD = "Bonjour-2026x"


@pytest.fixture(autouse=True)
def cheap_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024))


@pytest.fixture(autouse=True)
def acting_as_amina(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SARAH_COMPTE", "Amina")
    monkeypatch.setenv("SARAH_MOT_DE_PASSE", GOOD)
    yield
    actor._actor = None


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "sarah.sqlite"
    open_database(path).dispose()
    return path


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def sarah(db: Path, *words: str) -> int:
    return main(["--db", str(db), "accounts", *words])


def add(
    db: Path, monkeypatch: pytest.MonkeyPatch, name: str, role: str, password: str = GOOD
) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return sarah(db, "add", name, "--role", role, "--password-stdin")


def user_error(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    assert captured.err.startswith("Erreur : ")
    return captured.err


def listed(db: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    capsys.readouterr()
    assert sarah(db, "list", "--format", "json") == 0
    found: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return found


def test_add_from_stdin_then_list_and_log_in(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert add(db, monkeypatch, " Amina ", "admin") == 0
    captured = capsys.readouterr()
    assert captured.out == "Compte « Amina » créé, rôle admin.\n"
    assert GOOD not in captured.out + captured.err
    [account] = listed(db, capsys)
    assert account["name"] == "Amina" and account["role"] == "admin" and account["active"]
    assert "password_hash" not in account and GOOD not in json.dumps(account)
    engine = open_database(db)
    try:
        assert authenticate(engine, "amina", GOOD).name == "Amina"
    finally:
        engine.dispose()


def test_list_as_text(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sarah(db, "list") == 0
    assert capsys.readouterr().out == "Aucun compte.\n"
    add(db, monkeypatch, "Amina", "admin")
    add(db, monkeypatch, "Bruno", "agent")
    capsys.readouterr()
    assert sarah(db, "list") == 0
    amina, bruno = capsys.readouterr().out.splitlines()
    assert amina.startswith("Amina — admin, actif, dernière connexion ")  # to act, as admin
    assert bruno == "Bruno — agent, actif, jamais connecté"


def test_asked_twice_on_a_terminal(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    typed = iter([GOOD, GOOD])
    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(typed))
    assert sarah(db, "add", "Amina", "--role", "admin") == 0
    assert [a["role"] for a in listed(db, capsys)] == ["admin"]


def test_two_different_passwords_on_the_terminal_create_nothing(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    typed = iter([GOOD, GOOD + "!"])
    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(typed))
    assert sarah(db, "add", "Amina", "--role", "admin") == 2
    assert "diffèrent" in user_error(capsys)
    assert listed(db, capsys) == []


def test_without_a_terminal_the_password_must_come_from_stdin(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(GOOD + "\n"))
    assert sarah(db, "add", "Amina", "--role", "admin") == 2
    assert "--password-stdin" in user_error(capsys)


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [
        ("Amina", "court", "Mot de passe trop faible"),
        ("Amina", "", "Aucun mot de passe reçu"),
        ("Amina", "Amina-2026-xyz", "ne doit pas contenir le nom du compte"),
        ("  ", GOOD, "Le nom du compte est vide"),
    ],
)
def test_refused_passwords_and_names(
    db: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    password: str,
    message: str,
) -> None:
    assert add(db, monkeypatch, name, "admin", password) == 2
    err = user_error(capsys)
    assert message in err
    assert not password or password not in err
    assert listed(db, capsys) == []


def test_a_name_taken_whatever_its_case(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add(db, monkeypatch, "Amina", "admin")
    capsys.readouterr()
    assert add(db, monkeypatch, "AMINA", "agent") == 2
    assert "existe déjà" in user_error(capsys)


def test_an_unknown_role_is_refused_by_the_parser(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        add(db, monkeypatch, "Amina", "stagiaire")
    assert stopped.value.code == 2
    assert "choix impossible" in capsys.readouterr().err


def test_disable(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add(db, monkeypatch, "Amina", "admin")
    add(db, monkeypatch, "Bruno", "agent")
    capsys.readouterr()
    assert sarah(db, "disable", "bruno") == 0
    assert "désactivé" in capsys.readouterr().out
    assert sarah(db, "disable", "Bruno") == 0
    assert "déjà désactivé" in capsys.readouterr().out
    assert sarah(db, "disable", "Amina") == 2
    assert "dernier administrateur actif" in user_error(capsys)
    assert sarah(db, "disable", "Personne") == 2
    assert "Aucun compte" in user_error(capsys)
    states = {a["name"]: a["active"] for a in listed(db, capsys)}
    assert states == {"Amina": True, "Bruno": False}


def test_the_first_account_must_be_an_admin(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert add(db, monkeypatch, "Bruno", "agent") == 2
    assert "le premier doit être un administrateur" in user_error(capsys)
    assert listed(db, capsys) == []
    assert add(db, monkeypatch, "Amina", "admin") == 0
    assert add(db, monkeypatch, "Bruno", "agent") == 0
