"""`sarah privacy ...`: data protection from the command line (docs/rgpd.md).

``privacy purge [--dry-run] [--format json]`` applies the retention rule now (it also runs by
itself). ``privacy person export (--id UUID | --search TEXT) --output FILE [--format pdf|json]``
writes everything held about one person (right of access); the format defaults to the file's
extension. ``privacy person erase --id UUID [--yes]`` erases one person's identity on request
(right to erasure), after a question on a terminal unless ``--yes``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from sarah.commands import database
from sarah.errors import UserError

REPORT_FORMATS = ("texte", "json")
YES = ("o", "oui", "y", "yes")


def _print_outcome(args: argparse.Namespace, outcome: object) -> None:
    if args.format == "json":
        print(json.dumps(outcome.as_json(), ensure_ascii=False))  # type: ignore[attr-defined]
    else:
        print(outcome.words())  # type: ignore[attr-defined]


def run_purge(args: argparse.Namespace) -> int:
    from sarah.services.privacy.purge import purge_expired
    from sarah.settings import load_settings

    engine = database(args)
    try:
        outcome = purge_expired(engine, load_settings(), dry_run=args.dry_run)
    finally:
        engine.dispose()
    _print_outcome(args, outcome)
    return 0


def run_export(args: argparse.Namespace) -> int:
    from sarah.services.privacy.person_export import PersonData, export_person, format_for
    from sarah.services.privacy.person_find import find_person, parse_person_id
    from sarah.settings import load_settings

    output = Path(args.output).expanduser()
    fmt = format_for(output, args.format)  # checked before the database is opened
    wanted = parse_person_id(args.id) if args.id else None
    retention = load_settings().retention_months

    def pdf(data: PersonData) -> bytes:
        from sarah.ui.visitors.person_pdf import person_pdf  # Qt only for a PDF

        return person_pdf(data, retention_months=retention)

    engine = database(args)
    try:
        person = wanted if wanted is not None else find_person(engine, args.search)
        done = export_person(engine, person, output, fmt, pdf=pdf)
    finally:
        engine.dispose()
    print(
        f"Données de la personne {done.person_id} écrites dans {done.path} "
        f"({fmt.upper()}, {done.contacts} contact{'s' if done.contacts > 1 else ''})."
    )
    return 0


def _confirmed(summary: str) -> bool:
    """Ask on the terminal; True only for an explicit yes."""
    if not sys.stdin.isatty():
        raise UserError(
            "Effacement non fait : aucune question ne peut être posée ici (pas de terminal). "
            "Relancez avec --yes pour confirmer l'effacement."
        )
    try:
        answer = input(
            f"Effacer définitivement l'identité de {summary} ? "
            "Nom, prénom et date de naissance seront effacés, ici et sur les autres sites "
            "après synchronisation ; les contacts restent comptés sans nom. [oui/non] "
        )
    except EOFError:
        return False
    return answer.strip().lower() in YES


def run_erase(args: argparse.Namespace) -> int:
    from sarah.services.privacy.person_find import parse_person_id, person_summary
    from sarah.services.privacy.purge import erase_on_request
    from sarah.settings import load_settings

    person = parse_person_id(args.id)
    engine = database(args)
    try:
        summary = person_summary(engine, person)
        if not args.yes and not _confirmed(summary):
            print("Effacement abandonné : rien n'a été changé.", file=sys.stderr)
            return 1
        outcome = erase_on_request(engine, load_settings(), person)
    finally:
        engine.dispose()
    _print_outcome(args, outcome)
    return 0


ACTIONS: dict[tuple[str, ...], Callable[[argparse.Namespace], int]] = {
    ("purge",): run_purge,
    ("person", "export"): run_export,
    ("person", "erase"): run_erase,
}


def run(args: argparse.Namespace) -> int:
    words = (args.privacy_action,) + (
        (args.person_action,) if args.privacy_action == "person" else ()
    )
    return ACTIONS[words](args)


def _report_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=REPORT_FORMATS,
        default="texte",
        help="json : un objet JSON sur la sortie standard (défaut : texte)",
    )


def _check_search(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("donnez des lettres du nom ou une date de naissance")
    return text


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "privacy",
        help="protection des données : purge de conservation, droits d'accès et d'effacement",
        description="Protection des données personnelles (RGPD) : la purge des identités après "
        "la durée de conservation, l'export de tout ce qui concerne une personne, "
        "l'effacement de son identité à sa demande.",
    )
    parser.set_defaults(func=run)
    actions = parser.add_subparsers(dest="privacy_action", metavar="ACTION", required=True)

    purge_help = "effacer maintenant les identités dont la durée de conservation est passée"
    purge = actions.add_parser("purge", help=purge_help, description=purge_help)
    purge.add_argument(
        "--dry-run", action="store_true", help="dire ce qui serait effacé, sans rien effacer"
    )
    _report_format(purge)

    person_help = "les droits d'une personne : l'export de ses données, l'effacement"
    person = actions.add_parser("person", help=person_help, description=person_help)
    on_person = person.add_subparsers(dest="person_action", metavar="ACTION", required=True)

    export_help = "tout ce que SARAH détient sur une personne, en PDF ou en JSON (droit d'accès)"
    export = on_person.add_parser("export", help=export_help, description=export_help)
    which = export.add_mutually_exclusive_group(required=True)
    which.add_argument("--id", metavar="UUID", help="l'identifiant de la personne")
    which.add_argument(
        "--search",
        metavar="TEXTE",
        type=_check_search,
        help="lettres du nom et du prénom, ou date de naissance JJ/MM/AAAA (une seule personne)",
    )
    export.add_argument("--output", required=True, metavar="FICHIER", help="fichier à écrire")
    export.add_argument(
        "--format",
        choices=("pdf", "json"),
        default=None,
        help="pdf ou json (défaut : d'après l'extension du fichier)",
    )

    erase_help = "effacer l'identité d'une personne à sa demande (droit à l'effacement)"
    erase = on_person.add_parser("erase", help=erase_help, description=erase_help)
    erase.add_argument("--id", required=True, metavar="UUID", help="l'identifiant de la personne")
    erase.add_argument("--yes", action="store_true", help="ne pas poser la question")
    _report_format(erase)
