"""Command-line sub-commands; each module has ``register(subparsers)``.

When the database has accounts, a command needing a permission (:data:`COMMAND_PERMISSIONS`)
runs only for an account whose role has it: ``--compte NOM`` (or ``SARAH_COMPTE``), its password
from ``SARAH_MOT_DE_PASSE`` or asked on the terminal. Without accounts, everything runs as before.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine

from sarah.services.database import open_database
from sarah.settings import load_settings

ACCOUNT_ENV = "SARAH_COMPTE"
PASSWORD_ENV = "SARAH_MOT_DE_PASSE"

# What each command needs, by its words; the longest match wins. Every command a parser
# registers must match one (a test walks the parsers), so a new command is never left open.
COMMAND_PERMISSIONS: dict[tuple[str, ...], str] = {
    ("contacts",): "import",
    ("contacts", "import"): "import",
    ("report",): "statistics",
    ("demo",): "demo",
    ("sync",): "sync",
    ("backup", "create"): "backup",
    ("backup", "list"): "backup",
    ("backup", "migrate"): "backup",
    ("backup", "restore"): "restore",
    ("accounts",): "accounts",
    ("audit", "list"): "audit",
    ("audit", "purge"): "purge",
    ("privacy", "purge"): "purge",
    ("privacy", "person", "export"): "person_export",
    ("privacy", "person", "erase"): "erase",
    ("period", "close"): "close_period",
    ("period", "list"): "statistics",
    ("period", "reopen"): "reopen_period",
}
STRICTEST = "erase"  # the words of a command not in the table (a mistake): admins only


def command_permission(words: tuple[str, ...]) -> str | None:
    """The permission the command named by ``words`` needs; None for no command (the window,
    ``--smoke``). A command with no entry of its own takes its longest listed prefix's, else
    the strictest: forgetting an entry must never open a command to everyone."""
    if not words:
        return None
    for length in range(len(words), 0, -1):
        found = COMMAND_PERMISSIONS.get(words[:length])
        if found is not None:
            return found
    return STRICTEST


def database_target(args: argparse.Namespace) -> str | None:
    """``--db`` when given, else the database chosen in this installation's settings (the one the
    window opens), else None for the default file in the data folder. A server's URL gets the
    password the window keeps in the OS keychain (the settings never hold it)."""
    target = getattr(args, "db", None) or load_settings().database
    if target is None or "://" not in target or target.startswith("sqlite"):
        return target  # a file: the keychain is not even imported (a command stays quick)
    from sarah.services.server.location import with_kept_password

    return with_kept_password(target)


def database(args: argparse.Namespace) -> Engine:
    """The database the command works on, checked and migrated. What SARAH did to recover
    from an interrupted restore is said on stderr."""
    return open_database(database_target(args), on_notice=_say)


def _say(text: str) -> None:
    print(text, file=sys.stderr)


@contextmanager
def acting_account(args: argparse.Namespace, permission: str) -> Iterator[None]:
    """Run the command as the account of ``--compte`` when the database has accounts; refused
    (:class:`~sarah.services.accounts.roles.Forbidden`, a UserError) before anything is done when
    none is given, its password is wrong, or its role lacks ``permission``. Meanwhile the audit
    log names the OS user and the account."""
    if not accounts_exist(database_target(args)):
        # No accounts, or a file too damaged to read them: the command's own opening refuses a
        # damaged file, except a restore, which is its remedy (and whoever can damage the file
        # can read it anyway: docs/securite.md). Nothing more is imported: a command stays quick.
        yield
        return
    from sarah.services.audit import actor

    previous = actor._actor, actor._account
    try:
        sign_in_for_command(args, permission)
        yield
    finally:
        actor._actor, actor._account = previous  # a later command in this process acts on its own


def account_name_given(args: argparse.Namespace) -> str:
    return (getattr(args, "compte", None) or os.environ.get(ACCOUNT_ENV) or "").strip()


def account_password(name: str) -> str:
    """From ``SARAH_MOT_DE_PASSE``, else asked on the terminal, never echoed."""
    from sarah.errors import InvalidInput

    password = os.environ.get(PASSWORD_ENV)
    if password:
        return password
    if not sys.stdin.isatty():
        raise InvalidInput(
            f"Pas de terminal pour demander le mot de passe du compte « {name} » : donnez-le "
            f"dans la variable d'environnement {PASSWORD_ENV}. Rien n'a été fait."
        )
    return getpass.getpass(f"Mot de passe du compte « {name} » : ")


def accounts_exist(target: str | None) -> bool | None:
    """Whether the database has accounts, read without writing anything (a damaged file must
    stay untouched); None when it cannot be read."""
    from sqlalchemy import func, inspect, select
    from sqlalchemy.exc import SQLAlchemyError

    from sarah.db import create_db_engine, sqlite_file
    from sarah.schema import accounts

    path = sqlite_file(target)
    if path is not None and (not path.is_file() or path.stat().st_size == 0):
        return False  # a new database: nothing to protect yet
    try:
        engine = create_db_engine(target, read_only=path is not None)
    except SQLAlchemyError:
        return None
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table(accounts.name):
                return False  # a schema older than accounts
            return bool(conn.execute(select(func.count()).select_from(accounts)).scalar_one())
    except SQLAlchemyError:
        return None
    finally:
        engine.dispose()


def sign_in_for_command(args: argparse.Namespace, permission: str) -> None:
    """Authenticate the account named (its waits apply, a failure is audited), check its role,
    and name it in the audit log from now on."""
    from sarah.errors import DatabaseDamaged
    from sarah.services.accounts.roles import Forbidden, require, who_may
    from sarah.services.accounts.store import authenticate
    from sarah.services.audit.actor import set_actor
    from sarah.services.audit.log import os_user_name

    name = account_name_given(args)
    if not name:
        raise Forbidden(
            "Cette base a des comptes : indiquez le vôtre avec --compte NOM (ou la variable "
            f"d'environnement {ACCOUNT_ENV}). Cette commande est réservée {who_may(permission)}. "
            "Rien n'a été fait."
        )
    password = account_password(name)
    try:
        engine = database(args)
    except DatabaseDamaged:
        if permission == "restore":
            return
        raise
    try:
        account = authenticate(engine, name, password)  # its waits apply, a failure is audited
    finally:
        engine.dispose()
    require(account.role, permission)
    set_actor(f"{os_user_name()} (compte {account.name})", account=account.name)
