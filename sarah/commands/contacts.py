"""``sarah contacts import FICHIER [--dry-run]``: contacts from a .csv or .xlsx file, all or nothing."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Generator
from pathlib import Path

from sarah.commands import database
from sarah.errors import InvalidInput
from sarah.services.imports.result import ImportResult, summary_lines
from sarah.services.imports.run import import_file_steps


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "contacts",
        help="contacts : import depuis un tableur",
        description="Contacts enregistrés ailleurs (feuilles de pointage, autres outils).",
    )
    actions = parser.add_subparsers(
        dest="contacts_command", metavar="ACTION", parser_class=type(parser)
    )
    imp = actions.add_parser(
        "import",
        help="importe des contacts depuis un fichier .csv ou .xlsx (tout ou rien)",
        description=(
            "Importe un contact par ligne depuis un fichier .csv (UTF-8 ou Windows-1252, "
            "séparateur ; , ou tabulation) ou .xlsx. Colonnes : date, heure, site, canal, nom, "
            "prenom, sexe, date_naissance, visiteur, services (ou une colonne par service, "
            "cochée x, 1 ou oui). Si une seule ligne est fausse, rien n'est importé et chaque "
            "erreur est indiquée. Importer deux fois le même fichier n'ajoute rien."
        ),
    )
    imp.add_argument("file", metavar="FICHIER", help="fichier .csv ou .xlsx")
    imp.add_argument(
        "--dry-run",
        action="store_true",
        help="vérifie le fichier et indique ce qui serait importé, sans rien enregistrer",
    )
    imp.set_defaults(func=run_import)

    def no_action(_args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return 2

    parser.set_defaults(func=no_action)


def _drive(steps: Generator[tuple[int, int, str], None, ImportResult]) -> ImportResult:
    """Run the import, showing progress on a terminal (never in a pipe or a log)."""
    show = sys.stderr.isatty()
    shown = False
    try:
        while True:
            done, total, message = next(steps)
            if show:
                percent = f" {100 * done // total} %" if total else ""
                print(f"\r{message}{percent}\033[K", end="", file=sys.stderr, flush=True)
                shown = True
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
    finally:
        if shown:
            print("\r\033[K", end="", file=sys.stderr, flush=True)


def run_import(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser()
    if not path.exists():
        raise InvalidInput(f"Fichier introuvable : {path}.")
    if not path.is_file():
        raise InvalidInput(f"{path} n'est pas un fichier.")
    engine = database(args)
    try:
        result = _drive(import_file_steps(engine, path, dry_run=args.dry_run))
    finally:
        engine.dispose()
    print("\n".join(summary_lines(result)))
    return 0
