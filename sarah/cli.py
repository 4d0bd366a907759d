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

COMMAND_MODULES: tuple[str, ...] = (
    "backup",
    "demo",
    "contacts",
    "report",
    "sync",
    "accounts",
    "audit",
    "privacy",
    "period",
)  # each helper module adds its name here

EXIT_USER_ERROR = 2

# argparse's own words, in French: it looks each one up through its module-level ``_``.
ARGPARSE_FRENCH = {
    "usage: ": "utilisation : ",
    "positional arguments": "commandes et arguments",
    "options": "options",
    "show this help message and exit": "affiche cette aide et quitte",
    "show program's version number and exit": "affiche la version et quitte",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "choix impossible : %(value)r (possibles : %(choices)s)"
    ),
    "the following arguments are required: %s": "il manque : %s",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "not allowed with argument %s": "impossible avec l'argument %s",
    "expected one argument": "une valeur est attendue",
    "expected at most one argument": "une valeur au plus est attendue",
    "expected at least one argument": "au moins une valeur est attendue",
    "ambiguous option: %(option)s could match %(matches)s": (
        "option ambiguë : %(option)s peut désigner %(matches)s"
    ),
    "invalid %(type)s value: %(value)r": "valeur %(value)r invalide (%(type)s attendu)",
    "one of the arguments %s is required": "l'un des arguments %s est obligatoire",
    "ignored explicit argument %r": "argument %r ignoré",
}


def _french(message: str) -> str:
    return ARGPARSE_FRENCH.get(message, message)


def _french_plural(singular: str, plural: str, n: int) -> str:
    if plural == "expected %s arguments":
        return "%s valeurs attendues"
    return singular if n == 1 else plural


argparse._ = _french  # type: ignore[attr-defined]
argparse.ngettext = _french_plural  # type: ignore[attr-defined]


class FrenchArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USER_ERROR, f"{self.prog} : erreur : {message}\n")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with ``only``, just that sub-command is registered ("" for none)."""
    parser = FrenchArgumentParser(
        prog="sarah",
        description="SARAH : suivi des contacts et des services des Points Relais.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"sarah {__version__}",
        help="affiche la version et quitte",
    )
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
        "--compte",
        metavar="NOM",
        help="le compte qui agit, quand la base a des comptes (ou la variable SARAH_COMPTE ; "
        "mot de passe : SARAH_MOT_DE_PASSE, sinon demandé)",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="vérification d'une installation : base neuve, classeur Excel, puis quitter",
    )
    sub = parser.add_subparsers(
        dest="command", metavar="COMMANDE", parser_class=FrenchArgumentParser
    )
    for name in COMMAND_MODULES if only is None else tuple(filter(None, (only,))):
        module = importlib.import_module(f"sarah.commands.{name}")
        module.register(sub)
    return parser


GLOBAL_OPTIONS_WITH_VALUE = ("--db", "--basedir", "--compte")


def first_word_index(argv: Sequence[str]) -> int | None:
    """Where the first word is that is neither an option nor the value of a global option."""
    skip = False
    for index, word in enumerate(argv):
        if skip:
            skip = False
        elif word in GLOBAL_OPTIONS_WITH_VALUE:
            skip = True
        elif not word.startswith("-"):
            return index
    return None


def first_word(argv: Sequence[str]) -> str | None:
    """The first word that is neither an option nor the value of a global option."""
    index = first_word_index(argv)
    return None if index is None else argv[index]


def _sub_commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def command_words(parser: argparse.ArgumentParser, argv: Sequence[str]) -> tuple[str, ...]:
    """The chosen command and sub-commands ("backup", "restore"), found by walking the parsers
    over the words typed: the first word each level knows is the one argparse took."""
    start = first_word_index(argv)
    if start is None:
        return ()
    path: list[str] = []
    rest = list(argv[start:])
    choices = _sub_commands(parser)
    while choices:
        index = next((i for i, word in enumerate(rest) if word in choices), None)
        if index is None:
            break
        word = rest[index]
        path.append(word)
        choices = _sub_commands(choices[word])
        rest = rest[index + 1 :]
    return tuple(path)


def commands_needed(argv: Sequence[str]) -> str | None:
    """Which command module to import: only the chosen one, so that a command starts at once;
    "" for none (the window, ``--version``, ``--smoke``); None for all of them (``--help`` or a
    mistyped name: argparse then lists them or says which name is unknown)."""
    word = first_word(argv)
    if word in COMMAND_MODULES:
        return word
    if word is None and not any(w in ("-h", "--help") for w in argv):
        return ""
    return None


def _options(parser: argparse.ArgumentParser) -> tuple[set[str], set[str]]:
    """Every option string of the parser and its sub-parsers, and those that take a value."""
    every: set[str] = set()
    valued: set[str] = set()
    for action in parser._actions:
        every.update(action.option_strings)
        if action.option_strings and action.nargs != 0:
            valued.update(action.option_strings)
    for sub in _sub_commands(parser).values():
        sub_every, sub_valued = _options(sub)
        every |= sub_every
        valued |= sub_valued
    return every, valued


def glue_dashed_values(parser: argparse.ArgumentParser, words: Sequence[str]) -> list[str]:
    """``--site -Nord`` as ``--site=-Nord``: argparse takes any word that starts with "-" for
    an option, so a site (or a name searched) whose name starts with a hyphen could not be
    given. A word after an option that takes a value is that value unless it is an option."""
    every, valued = _options(parser)
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        following = words[i + 1] if i + 1 < len(words) else None
        if (
            word in valued
            and following is not None
            and following.startswith("-")
            and following not in every
            and following.split("=", 1)[0] not in every
            and following != "--"
        ):
            out.append(f"{word}={following}")
            i += 2
            continue
        out.append(word)
        i += 1
    return out


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(only=commands_needed(words))
    words = glue_dashed_values(parser, words)
    args = parser.parse_args(words)
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
            parser.parse_args([*words, "--help"])
        return run_command(args, command_words(parser, words))
    except UserError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("Interrompu : rien n'a été enregistré pour l'opération en cours.", file=sys.stderr)
        return 130


def run_command(args: argparse.Namespace, words: tuple[str, ...]) -> int:
    """Run the command, as the acting account when the database has accounts."""
    from sarah.commands import acting_account, command_permission

    permission = command_permission(words)
    if permission is None:
        return int(args.func(args) or 0)
    with acting_account(args, permission):
        return int(args.func(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
