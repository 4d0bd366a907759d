"""The one entry point: parse arguments, then run a command or open the window.

Each sub-command lives in ``sarah/commands/<name>.py`` with ``register(subparsers)``; its
parser sets ``func`` to a callable taking the parsed arguments and returning an exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from sarah import __version__, paths
from sarah.errors import UserError

COMMAND_MODULES: tuple[str, ...] = ("backup", "demo", "contacts", "report")  # each helper module adds its name here

EXIT_USER_ERROR = 2


class FrenchArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USER_ERROR, f"{self.prog} : erreur : {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = FrenchArgumentParser(
        prog="sarah",
        description="SARAH : suivi des contacts et des services des Points Relais.",
    )
    parser.add_argument("--version", action="version", version=f"sarah {__version__}")
    parser.add_argument(
        "--db",
        metavar="TARGET",
        help="fichier SQLite ou URL SQLAlchemy (défaut : la base du dossier de données)",
    )
    parser.add_argument(
        "--basedir",
        metavar="DOSSIER",
        help="dossier unique pour données, réglages, journaux et sauvegardes (tests, essais)",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="vérification d'une installation : base neuve, classeur Excel, puis quitter",
    )
    sub = parser.add_subparsers(
        dest="command", metavar="COMMANDE", parser_class=FrenchArgumentParser
    )
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"sarah.commands.{name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.basedir:
        paths.set_basedir(args.basedir)
    try:
        if args.smoke:
            from sarah.commands.smoke import run_smoke

            return run_smoke(args)
        if args.command is None:
            from sarah.ui.app import run_app

            return run_app(args)
        if not hasattr(args, "func"):
            parser.parse_args([*(argv or sys.argv[1:]), "--help"])
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("Interrompu : rien n'a été enregistré pour l'opération en cours.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
