"""`sarah sync ...`: exchanges between the installations of a network.

For now ``sync key create --output KEYFILE`` and ``sync key import KEYFILE``. Each action is
one entry of :data:`ACTIONS`, keyed by its words (``("key", "create")``); ``run`` dispatches.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sarah.commands import database

FORMATS = ("texte", "json")


def _say(args: argparse.Namespace, key_id: str, changed: bool, text: str) -> None:
    if args.format == "json":
        print(json.dumps({"key_id": key_id, "changed": changed}))
    else:
        print(text)


def run_key_create(args: argparse.Namespace) -> int:
    from sarah.services.sync.keys import create_network_key

    engine = database(args)
    try:
        key = create_network_key(engine, Path(args.output).expanduser(), date.today())
    finally:
        engine.dispose()
    _say(
        args,
        key.id,
        True,
        f"Clé du réseau {key.id} créée, installée ici et écrite dans {args.output}.\n"
        "Portez ce fichier aux autres installations du réseau (sarah sync key import FICHIER) "
        "et gardez-le en lieu sûr : qui a ce fichier peut lire les paquets du réseau.",
    )
    return 0


def run_key_import(args: argparse.Namespace) -> int:
    from sarah.services.sync.keys import install_key, read_key_file

    key = read_key_file(Path(args.file).expanduser())  # a bad file is refused before the base opens
    engine = database(args)
    try:
        changed = install_key(engine, key)
    finally:
        engine.dispose()
    text = (
        f"Clé du réseau {key.id} installée : cette installation fait maintenant partie du réseau."
        if changed
        else f"La clé du réseau {key.id} était déjà installée ici : rien n'a changé."
    )
    _say(args, key.id, changed, text)
    return 0


ACTIONS: dict[tuple[str, ...], Callable[[argparse.Namespace], int]] = {
    ("key", "create"): run_key_create,
    ("key", "import"): run_key_import,
}


def run(args: argparse.Namespace) -> int:
    words = (args.sync_action, *filter(None, (getattr(args, "key_action", None),)))
    return ACTIONS[words](args)


def _add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="texte",
        help="json : un objet JSON sur la sortie standard (défaut : texte)",
    )


def _register_key(actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    key = actions.add_parser(
        "key",
        help="la clé du réseau : la créer une fois, l'importer sur les autres installations",
        description="La clé du réseau chiffre et authentifie les paquets de synchronisation.",
    )
    key_actions = key.add_subparsers(dest="key_action", metavar="ACTION", required=True)
    create_help = (
        "créer la clé d'un nouveau réseau, l'installer ici et l'écrire dans FICHIER "
        "(une seule fois par réseau)"
    )
    create = key_actions.add_parser("create", help=create_help, description=create_help)
    create.add_argument("--output", required=True, metavar="FICHIER", help="le fichier de clé")
    _add_format(create)
    import_help = "installer ici la clé du réseau lue dans FICHIER"
    imported = key_actions.add_parser("import", help=import_help, description=import_help)
    imported.add_argument("file", metavar="FICHIER", help="le fichier de clé du réseau")
    _add_format(imported)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "sync",
        help="synchronisation entre les installations d'un réseau",
        description="Synchronisation entre les installations d'un réseau (paquets chiffrés).",
    )
    parser.set_defaults(func=run)
    actions = parser.add_subparsers(dest="sync_action", metavar="ACTION", required=True)
    _register_key(actions)
