"""Roles on the command line: with accounts, each command runs only for an account whose role
has its permission (``--compte``, the password from SARAH_MOT_DE_PASSE or the terminal); a
refusal is a French message, exit 2, and nothing done. Without accounts, all runs as before."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select, text

from sarah.cli import build_parser, command_words, main
from sarah.commands import COMMAND_PERMISSIONS, command_permission
from sarah.schema import accounts, audit_log
from sarah.services.accounts import passwords
from sarah.services.accounts.roles import PERMISSIONS
from sarah.services.accounts.store import add_account
from sarah.services.audit import actor
from sarah.services.backups.record import configured_backup_folder
from sarah.services.database import open_database

PASSWORDS = {
    "Amina": "Bonjour-2026x",  # admin
    "Chloé": "Coordination-2026",  # coordinateur
    "Bruno": "Accueil-Dijon-26",  # agent
}
ROLE_OF = {"Amina": "admin", "Chloé": "coordinateur", "Bruno": "agent"}
BELOW = {"coordinateur": "Bruno", "admin": "Chloé"}  # an account one role short
AT = {"coordinateur": "Chloé", "admin": "Amina"}


@pytest.fixture(autouse=True)
def cheap_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024))
    monkeypatch.setattr(passwords, "_decoy", [])
    monkeypatch.delenv("SARAH_COMPTE", raising=False)
    monkeypatch.delenv("SARAH_MOT_DE_PASSE", raising=False)
    yield
    actor._actor = None


@pytest.fixture
def plain_db(tmp_path: Path) -> Path:
    path = tmp_path / "sarah.sqlite"
    open_database(path).dispose()
    return path


@pytest.fixture
def db(plain_db: Path) -> Path:
    engine = open_database(plain_db)
    try:
        for name, role in ROLE_OF.items():
            add_account(engine, name, role, PASSWORDS[name])
    finally:
        engine.dispose()
    return plain_db


def run_as(
    db: Path, monkeypatch: pytest.MonkeyPatch, name: str | None, *words: str, stdin: str = ""
) -> int:
    if name is not None:
        monkeypatch.setenv("SARAH_MOT_DE_PASSE", PASSWORDS[name])
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    account = ["--compte", name] if name is not None else []
    return main(["--db", str(db), *account, *words])


def state(db: Path) -> dict[str, object]:
    """What a command could have done: every table's rows (audit entries other than logins,
    accounts without their login stamps) and the backup folder's files."""
    engine = open_database(db)
    try:
        with engine.connect() as conn:
            tables = [
                row[0]
                for row in conn.execute(
                    text(
                        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                    )
                )
            ]
            counts = {
                t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()
                for t in tables
                if t not in ("audit_log", "accounts")
            }
            acts = conn.execute(
                select(audit_log.c.action, audit_log.c.target).where(
                    audit_log.c.action.not_in(("login", "login_failed"))
                )
            ).all()
            kept = conn.execute(
                select(accounts.c.name, accounts.c.role, accounts.c.disabled_at)
            ).all()
    finally:
        engine.dispose()
    folder = configured_backup_folder()
    files = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    return {"counts": counts, "audit": acts, "accounts": sorted(kept), "backups": files}


def spreadsheet(tmp_path: Path) -> Path:
    path = tmp_path / "contacts.csv"
    path.write_text("date;site;canal\n", encoding="utf-8")
    return path


# (the words of the command, the role needed)
COMMANDS: list[tuple[tuple[str, ...], str]] = [
    (("report", "--semester", "2019-S1"), "coordinateur"),
    (("demo",), "coordinateur"),
    (("sync", "status"), "coordinateur"),
    (("backup", "create"), "coordinateur"),
    (("backup", "list"), "coordinateur"),
    (("contacts", "import", "@csv"), "coordinateur"),
    (("backup", "restore", "absente.sqlite"), "admin"),
    (("accounts", "list"), "admin"),
    (("accounts", "disable", "Bruno"), "admin"),
    (("accounts", "add", "Denis", "--role", "agent", "--password-stdin"), "admin"),
    (("audit", "list"), "admin"),
    (("audit", "purge"), "admin"),
]


def _words(words: tuple[str, ...], tmp_path: Path) -> list[str]:
    return [str(spreadsheet(tmp_path)) if w == "@csv" else w for w in words]


@pytest.mark.parametrize(("words", "role"), COMMANDS, ids=[" ".join(c[0]) for c in COMMANDS])
def test_a_role_lacking_the_permission_is_refused_and_nothing_is_done(
    db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    words: tuple[str, ...],
    role: str,
) -> None:
    before = state(db)
    code = run_as(
        db, monkeypatch, BELOW[role], *_words(words, tmp_path), stdin="Accueil-Dijon-2027\n"
    )
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == "" and "Traceback" not in captured.err
    expected = (
        "aux administrateurs" if role == "admin" else "aux coordinateurs et aux administrateurs"
    )
    assert captured.err == f"Erreur : Action réservée {expected} : votre compte ne le permet pas.\n"
    assert state(db) == before


@pytest.mark.parametrize(("words", "role"), COMMANDS, ids=[" ".join(c[0]) for c in COMMANDS])
def test_a_role_having_the_permission_runs_the_command(
    db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    words: tuple[str, ...],
    role: str,
) -> None:
    code = run_as(db, monkeypatch, AT[role], *_words(words, tmp_path), stdin="Accueil-Dijon-2027\n")
    captured = capsys.readouterr()
    assert "réservée" not in captured.err and "Traceback" not in captured.err
    # The command itself ran: done (0), or its own objection to the file it was given.
    assert code == 0 or ("restore" in words or "import" in words), captured.err


def test_the_account_acting_is_named_in_the_audit_log_with_the_os_user(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "marie")
    assert run_as(db, monkeypatch, "Amina", "accounts", "disable", "Bruno") == 0
    engine = open_database(db)
    try:
        with engine.connect() as conn:
            actors = (
                conn.execute(select(audit_log.c.actor).where(audit_log.c.action == "account"))
                .scalars()
                .all()
            )
    finally:
        engine.dispose()
    assert actors[-1] == "marie (compte Amina)"
    assert actor._actor is None  # the next command in this process acts on its own


def test_without_an_account_the_command_is_refused_saying_how_to_give_one(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = state(db)
    assert run_as(db, monkeypatch, None, "demo") == 2
    err = capsys.readouterr().err
    assert "--compte NOM" in err and "SARAH_COMPTE" in err
    assert "réservée aux coordinateurs et aux administrateurs" in err
    assert state(db) == before


def test_the_account_from_the_environment(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SARAH_COMPTE", "chloé")  # any case
    monkeypatch.setenv("SARAH_MOT_DE_PASSE", PASSWORDS["Chloé"])
    assert main(["--db", str(db), "sync", "status"]) == 0


def test_a_wrong_password_is_refused_and_audited(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SARAH_MOT_DE_PASSE", "pas-le-bon-2026")
    before = state(db)
    assert main(["--db", str(db), "--compte", "Amina", "accounts", "disable", "Bruno"]) == 2
    err = capsys.readouterr().err
    assert err == "Erreur : Nom ou mot de passe incorrect.\n"
    assert "pas-le-bon" not in err
    assert state(db) == before
    engine = open_database(db)
    try:
        with engine.connect() as conn:
            failed = conn.execute(
                select(func.count()).where(audit_log.c.action == "login_failed")
            ).scalar_one()
    finally:
        engine.dispose()
    assert failed == 1


def test_no_terminal_and_no_password_in_the_environment_is_refused(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["--db", str(db), "--compte", "Amina", "audit", "list"]) == 2
    assert "SARAH_MOT_DE_PASSE" in capsys.readouterr().err


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_password_asked_on_the_terminal(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    prompts: list[str] = []
    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr(
        "getpass.getpass", lambda prompt: prompts.append(prompt) or PASSWORDS["Amina"]
    )
    assert main(["--db", str(db), "--compte", "Amina", "audit", "list"]) == 0
    assert prompts == ["Mot de passe du compte « Amina » : "]
    assert "journal intègre" in capsys.readouterr().out


def test_without_accounts_every_command_runs_as_before(
    plain_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for words in (["demo"], ["report", "--semester", "2019-S1"], ["audit", "list"]):
        assert main(["--db", str(plain_db), *words]) == 0, capsys.readouterr().err
    capsys.readouterr()


def test_the_first_account_must_be_an_admin(
    plain_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Bonjour-2026x\n"))
    assert (
        main(
            [
                "--db",
                str(plain_db),
                "accounts",
                "add",
                "Bruno",
                "--role",
                "agent",
                "--password-stdin",
            ]
        )
        == 2
    )
    assert "le premier doit être un administrateur" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("Bonjour-2026x\n"))
    assert (
        main(
            [
                "--db",
                str(plain_db),
                "accounts",
                "add",
                "Amina",
                "--role",
                "admin",
                "--password-stdin",
            ]
        )
        == 0
    )


def _leaves(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        return [prefix]
    return [leaf for name, sub in subs[0].choices.items() for leaf in _leaves(sub, (*prefix, name))]


def test_every_registered_command_has_its_permission_in_the_table() -> None:
    leaves = _leaves(build_parser())
    assert ("backup", "restore") in leaves and ("audit", "purge") in leaves
    for words in leaves:
        matched = [k for k in COMMAND_PERMISSIONS if words[: len(k)] == k]
        assert matched, f"{' '.join(words)} has no permission in COMMAND_PERMISSIONS"
    assert set(COMMAND_PERMISSIONS.values()) <= set(PERMISSIONS)


@pytest.mark.parametrize(
    ("argv", "permission"),
    [
        (["--db", "report", "report", "--semester", "2019-S1"], "statistics"),
        (["--compte", "backup", "backup", "restore", "list"], "restore"),
        (["privacy", "person", "erase", "--id", "x"], "erase"),
        (["privacy", "person", "export", "--search", "Dupont"], "person_export"),
        (["privacy", "purge", "--dry-run"], "purge"),
        (["privacy", "autre"], "erase"),  # unknown words: the strictest
        ([], None),
        (["--smoke"], None),
    ],
)
def test_the_permission_is_found_by_the_command_words(
    argv: list[str], permission: str | None
) -> None:
    from sarah.cli import first_word_index

    parser = build_parser()
    words = command_words(parser, argv)
    if words and words[0] not in {w[0] for w in _leaves(parser)}:
        # a command not registered in this build (privacy, before its module lands)
        start = first_word_index(argv)
        assert start is not None
        words = tuple(w for w in argv[start:] if not w.startswith("-"))[:3]
    assert command_permission(words) == permission
