"""`sarah accounts ...`: who may open the window, and with which role.

``accounts add NAME --role agent|coordinateur|admin [--password-stdin]``, ``accounts list
[--format json]`` and ``accounts disable NAME``. Without ``--password-stdin`` the password is
asked twice on the terminal, never echoed; it is never printed or logged.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from sarah.commands import accounts_exist, database, database_target
from sarah.errors import InvalidInput

if TYPE_CHECKING:
    from sarah.services.accounts.store import Account

FORMATS = ("texte", "json")


def password_from_stdin() -> str:
    """The first line of stdin, without its line end (spaces are part of the password)."""
    line = sys.stdin.readline()
    password = line.removesuffix("\n").removesuffix("\r")
    if not password:
        raise InvalidInput("Aucun mot de passe reçu sur l'entrée standard.")
    return password


def password_from_terminal(name: str) -> str:
    """Asked twice on a terminal; refused when there is none (a script must use
    --password-stdin rather than have the password on its command line)."""
    if not sys.stdin.isatty():
        raise InvalidInput(
            "Pas de terminal pour demander le mot de passe : utilisez --password-stdin."
        )
    first = getpass.getpass("Mot de passe : ")
    from sarah.services.accounts.passwords import check_password

    check_password(name, first)  # say what is missing before asking for it again
    if getpass.getpass("Le même, encore une fois : ") != first:
        raise InvalidInput("Les deux mots de passe tapés diffèrent : rien n'a été créé.")
    return first


def run_add(args: argparse.Namespace) -> int:
    from sarah.services.accounts.passwords import check_password
    from sarah.services.accounts.store import ADMIN, FIRST_MUST_BE_ADMIN, account_name, add_account

    name = account_name(args.name)  # a bad name is refused before any password is asked
    if args.role != ADMIN and accounts_exist(database_target(args)) is False:
        raise InvalidInput(FIRST_MUST_BE_ADMIN)
    password = password_from_stdin() if args.password_stdin else password_from_terminal(name)
    check_password(name, password)  # before the database opens
    engine = database(args)
    try:
        account = add_account(engine, args.name, args.role, password, first_must_be_admin=True)
    finally:
        engine.dispose()
    print(f"Compte « {account.name} » créé, rôle {account.role}.")
    return 0


def run_disable(args: argparse.Namespace) -> int:
    from sarah.services.accounts.store import disable_account

    engine = database(args)
    try:
        changed = disable_account(engine, args.name)
    finally:
        engine.dispose()
    name = args.name.strip()
    print(
        f"Compte « {name} » désactivé : il ne peut plus ouvrir SARAH."
        if changed
        else f"Le compte « {name} » était déjà désactivé : rien n'a changé."
    )
    return 0


def _stamp(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


def account_json(account: Account) -> dict[str, object]:
    return {
        "name": account.name,
        "role": account.role,
        "active": account.active,
        "disabled_at": _stamp(account.disabled_at),
        "failed_attempts": account.failed_attempts,
        "locked_until": _stamp(account.locked_until),
        "last_login_at": _stamp(account.last_login_at),
        "created_at": _stamp(account.created_at),
    }


def _french_moment(moment: datetime) -> str:
    return f"{moment:%d/%m/%Y %H:%M}"


def account_line(account: Account) -> str:
    state = (
        "actif"
        if account.disabled_at is None
        else f"désactivé le {_french_moment(account.disabled_at)}"
    )
    last = (
        "jamais connecté"
        if account.last_login_at is None
        else f"dernière connexion {_french_moment(account.last_login_at)}"
    )
    return f"{account.name} — {account.role}, {state}, {last}"


def run_list(args: argparse.Namespace) -> int:
    from sarah.services.accounts.store import list_accounts

    engine = database(args)
    try:
        found = list_accounts(engine)
    finally:
        engine.dispose()
    if args.format == "json":
        print(json.dumps([account_json(a) for a in found], ensure_ascii=False))
    elif found:
        print("\n".join(account_line(a) for a in found))
    else:
        print("Aucun compte.")
    return 0


ACTIONS: dict[str, Callable[[argparse.Namespace], int]] = {
    "add": run_add,
    "list": run_list,
    "disable": run_disable,
}


def run(args: argparse.Namespace) -> int:
    return ACTIONS[args.accounts_action](args)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from sarah.services.accounts.store import ROLES

    parser = subparsers.add_parser(
        "accounts", help="comptes : qui peut ouvrir SARAH, avec quel rôle"
    )
    actions = parser.add_subparsers(dest="accounts_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="crée un compte")
    add.add_argument("name", metavar="NOM", help="nom du compte (aussi le nom d'agent)")
    add.add_argument("--role", choices=ROLES, required=True, help="agent, coordinateur ou admin")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="lit le mot de passe sur la première ligne de l'entrée standard (scripts)",
    )
    listing = actions.add_parser("list", help="liste les comptes (jamais les mots de passe)")
    listing.add_argument(
        "--format", choices=FORMATS, default="texte", help="json : une liste JSON (défaut : texte)"
    )
    disable = actions.add_parser("disable", help="désactive un compte")
    disable.add_argument("name", metavar="NOM", help="nom du compte")
    parser.set_defaults(func=run)
