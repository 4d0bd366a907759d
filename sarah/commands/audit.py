"""`sarah audit ...`: the audit log (who did what), read and purged from the command line.

``audit list [--from AAAA-MM-JJ] [--to AAAA-MM-JJ] [--action A]... [--actor NOM]... [--format
json]`` prints the entries and, at the end, the verdict of the hash chain over the whole log
(whatever the filters). ``audit purge [--months N]``
removes the entries older than the retention period and records itself, under the OS user's
name.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sarah.commands import database
from sarah.errors import InvalidInput
from sarah.vocabulary import count_of

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from sarah.services.audit.listing import AuditEntry, AuditFilter

FORMATS = ("texte", "json")


def _day(text: str | None, option: str) -> date | None:
    from sarah.commands.report import parse_day

    return None if text is None else parse_day(text, option)


def _span(args: argparse.Namespace) -> tuple[date | None, date | None]:
    start, end = _day(args.start, "--from"), _day(args.end, "--to")
    if start and end and end < start:
        raise InvalidInput(
            f"Période impossible : --to ({end:%d/%m/%Y}) est avant --from ({start:%d/%m/%Y})."
        )
    return start, end


def _actions(words: list[str] | None) -> frozenset[str]:
    """The action codes asked for: a code (``login``) or its French words (« connexion »)."""
    from sarah.services.audit.actions import ACTION_LABELS

    by_words = {label.casefold(): code for code, label in ACTION_LABELS.items()}
    found: set[str] = set()
    for word in words or []:
        code = (
            word.strip() if word.strip() in ACTION_LABELS else by_words.get(word.strip().casefold())
        )
        if code is None:
            known = ", ".join(ACTION_LABELS)
            raise InvalidInput(f"Action inconnue : « {word} ». Actions possibles : {known}.")
        found.add(code)
    return frozenset(found)


def _filter(engine: Engine, args: argparse.Namespace, actions: frozenset[str]) -> AuditFilter:
    from sarah.services.audit.listing import AuditFilter, actors_named

    actors: set[str] = set()
    for name in args.actor or []:
        # Case and accents aside; a name nobody bears selects nothing (not everything).
        actors |= actors_named(engine, name) or {name}
    start, end = _span(args)
    return AuditFilter(start, end, frozenset(actors), actions)


def entry_json(entry: AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "action": entry.action,
        "label": entry.label,
        "target": entry.target,
        "details": entry.details,
    }


def entry_line(entry: AuditEntry) -> str:
    words = [f"n° {entry.seq}", f"{entry.at:%d/%m/%Y %H:%M:%S}", entry.actor, entry.label]
    if entry.target:
        words.append(entry.target)
    if entry.details:
        words.append(json.dumps(entry.details, ensure_ascii=False, sort_keys=True))
    return " — ".join(words)


def run_list(args: argparse.Namespace) -> int:
    from sarah.services.audit.chain import verify_chain
    from sarah.services.audit.listing import list_entries

    _span(args)  # checked before the database is opened
    actions = _actions(args.action)
    engine = database(args)
    try:
        entries = list_entries(engine, wanted=_filter(engine, args, actions))
        check = verify_chain(engine)
    finally:
        engine.dispose()
    if args.format == "json":
        chain = {"intact": check.intact, "broken_at": check.broken_at, "message": check.message}
        listed = {"entries": [entry_json(e) for e in entries], "chain": chain}
        print(json.dumps(listed, ensure_ascii=False))
    else:
        nothing = "ces filtres" if args.action or args.actor else "cette période"
        lines = [entry_line(e) for e in entries] or [f"Aucune entrée pour {nothing}."]
        print("\n".join([*lines, f"Vérification : {check.message}."]))
    return 0


def run_purge(args: argparse.Namespace) -> int:
    from sarah.services.audit.log import os_user_name
    from sarah.services.audit.retention import purge_audit

    if args.months < 1:
        raise InvalidInput(f"Durée impossible : --months {args.months} (au moins 1 mois).")
    engine = database(args)
    try:
        result = purge_audit(engine, datetime.now(), actor=os_user_name(), months=args.months)
    finally:
        engine.dispose()
    if args.format == "json":
        before = result.cutoff.date().isoformat()
        print(json.dumps({"removed": result.removed, "before": before, "seq": result.seq}))
    elif result.removed:
        print(
            f"Journal : {count_of(result.removed, 'entrée')} d'avant le "
            f"{result.cutoff:%d/%m/%Y} retirée{'s' if result.removed > 1 else ''} ; la purge "
            f"est elle-même inscrite (entrée n° {result.seq})."
        )
    else:
        print(f"Aucune entrée antérieure au {result.cutoff:%d/%m/%Y} : rien n'a été retiré.")
    return 0


ACTIONS: dict[str, Callable[[argparse.Namespace], int]] = {"list": run_list, "purge": run_purge}


def run(args: argparse.Namespace) -> int:
    return ACTIONS[args.audit_action](args)


def _add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="texte",
        help="json : un objet JSON sur la sortie standard (défaut : texte)",
    )


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from sarah.services.audit.retention import RETENTION_MONTHS

    parser = subparsers.add_parser(
        "audit",
        help="le journal des actions (qui a fait quoi, quand)",
        description="Le journal des actions, chaîné par empreintes : toute entrée modifiée ou "
        "supprimée est signalée.",
    )
    parser.set_defaults(func=run)
    actions = parser.add_subparsers(dest="audit_action", metavar="ACTION", required=True)
    list_help = "les entrées du journal, puis la vérification de la chaîne"
    listed = actions.add_parser("list", help=list_help, description=list_help)
    listed.add_argument("--from", dest="start", metavar="AAAA-MM-JJ", help="premier jour inclus")
    listed.add_argument("--to", dest="end", metavar="AAAA-MM-JJ", help="dernier jour inclus")
    listed.add_argument(
        "--action",
        action="append",
        metavar="A",
        help="seulement cette action (login, merge… ou ses mots : « connexion ») ; répétable",
    )
    listed.add_argument(
        "--actor",
        action="append",
        metavar="NOM",
        help="seulement les entrées de ce nom (sans tenir compte des majuscules) ; répétable",
    )
    _add_format(listed)
    purge_help = "retirer les entrées plus anciennes que la durée de conservation"
    purge = actions.add_parser("purge", help=purge_help, description=purge_help)
    purge.add_argument(
        "--months",
        type=int,
        default=RETENTION_MONTHS,
        metavar="N",
        help=f"durée de conservation en mois (défaut : {RETENTION_MONTHS})",
    )
    _add_format(purge)
