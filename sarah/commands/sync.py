"""`sarah sync ...`: exchanges between the installations of a network.

``sync export --output FILE``, ``sync import FILE [--dry-run]``, ``sync status``, ``sync key create --output
KEYFILE`` and ``sync key import KEYFILE``. Each action is one entry of :data:`ACTIONS`, keyed by
its words (``("key", "create")``); ``run`` dispatches.
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


def _sender_name(args: argparse.Namespace) -> str:
    from sarah.services.sync.sender import sender_name
    from sarah.settings import load_settings

    return getattr(args, "name", None) or sender_name(load_settings())


def run_export(args: argparse.Namespace) -> int:
    from sarah.services.sync.export import export_package
    from sarah.services.sync.words import export_json, export_lines

    engine = database(args)
    try:
        result = export_package(engine, Path(args.output).expanduser(), name=_sender_name(args))
    finally:
        engine.dispose()
    if args.format == "json":
        print(json.dumps(export_json(result), ensure_ascii=False))
    else:
        print("\n".join(export_lines(result)))
    return 0


def run_import(args: argparse.Namespace) -> int:
    from sarah.errors import InvalidInput
    from sarah.services.sync.receive import import_package
    from sarah.services.sync.words import import_json, import_lines

    path = Path(args.file).expanduser()
    if not path.exists():
        raise InvalidInput(f"Paquet introuvable : {path}.")
    engine = database(args)
    try:
        result = import_package(engine, path, dry_run=args.dry_run)
    finally:
        engine.dispose()
    if args.format == "json":
        print(json.dumps(import_json(result), ensure_ascii=False))
    else:
        print("\n".join(import_lines(result)))
    return 0


def run_status(args: argparse.Namespace) -> int:
    from sarah.services.sync.sender import desk_site
    from sarah.services.sync.status import network_status, status_json, status_lines
    from sarah.settings import load_settings

    engine = database(args)
    try:
        status = network_status(engine, desk_site(load_settings()))
    finally:
        engine.dispose()
    today = date.today()
    if args.format == "json":
        print(json.dumps(status_json(status, today), ensure_ascii=False))
    else:
        print("\n".join(status_lines(status, today)))
    return 0


ACTIONS: dict[tuple[str, ...], Callable[[argparse.Namespace], int]] = {
    ("export",): run_export,
    ("status",): run_status,
    ("import",): run_import,
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
    export_help = "écrire dans FICHIER tout ce que cette installation détient (paquet chiffré)"
    export = actions.add_parser("export", help=export_help, description=export_help)
    export.add_argument("--output", required=True, metavar="FICHIER", help="le paquet à écrire")
    export.add_argument(
        "--name", metavar="NOM", help="qui l'envoie (défaut : le Point Relais de ce poste)"
    )
    _add_format(export)
    import_help = (
        "fusionner le paquet FICHIER dans cette installation (tout ou rien ; l'importer de "
        "nouveau ne change rien)"
    )
    imported = actions.add_parser("import", help=import_help, description=import_help)
    imported.add_argument("file", metavar="FICHIER", help="le paquet reçu")
    imported.add_argument(
        "--dry-run", action="store_true", help="dire ce qui changerait, sans rien enregistrer"
    )
    _add_format(imported)
    status_help = "les sites que cette installation connaît, ce qu'elle en a, quand chacun a écrit"
    status = actions.add_parser("status", help=status_help, description=status_help)
    _add_format(status)
    _register_key(actions)
