"""`sarah period ...`: closing a published semester, listing closings, reopening one.

``period close --semester 2019-S1`` keeps the semester's four tables and month breakdown of
every site as published (a coordinator's action). ``period list [--format json]`` lists every
closing, reopened ones included. ``period reopen --semester S`` is an admin's action; the
closing stays in the list, marked reopened. All three are audited or read-only.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from sarah.commands import database
from sarah.errors import InvalidInput
from sarah.reports.tables import Period
from sarah.vocabulary import count_text

FORMATS = ("texte", "json")


def _publication_json(p: Any) -> dict[str, Any]:
    return {
        "period": {"start": p.period.start.isoformat(), "end": p.period.end.isoformat()},
        "label": p.period.label,
        "sites": p.sites,
        "published_at": p.published_at.isoformat(),
        "published_by": p.published_by,
        "reopened_at": p.reopened_at.isoformat() if p.reopened_at else None,
        "reopened_by": p.reopened_by,
        "total": p.report.total.to_json(),
    }


def _publication_line(p: Any) -> str:
    t = p.report.total
    state = (
        f"rouverte le {p.reopened_at:%d/%m/%Y} par {p.reopened_by}" if p.reopened_at else "clôturée"
    )
    return (
        f"{p.period.text} : publiée le {p.published_at:%d/%m/%Y à %H:%M} par {p.published_by} "
        f"({', '.join(p.sites)}) — {count_text(t.contacts_total)} contacts, "
        f"{count_text(t.services_total)} services, {count_text(t.persons.total)} personnes, "
        f"{count_text(t.new_persons.total)} nouvelles — {state}"
    )


def run_close(args: argparse.Namespace) -> int:
    from sarah.services.audit.actor import signed_in_account
    from sarah.services.closing.periods import close_period
    from sarah.settings import load_settings

    period = Period.semester(args.semester)
    settings = load_settings()
    engine = database(args)
    try:
        p = close_period(
            engine,
            period,
            young_age_limit=settings.young_age_limit,
            by=settings.agent_name or signed_in_account(),
        )
    finally:
        engine.dispose()
    print(f"Période clôturée. {_publication_line(p)}")
    return 0


def run_reopen(args: argparse.Namespace) -> int:
    from sarah.services.closing.periods import reopen_period

    period = Period.semester(args.semester)
    engine = database(args)
    try:
        p = reopen_period(engine, period)
    finally:
        engine.dispose()
    print(
        f"{period.label} est rouvert : ses chiffres publiés le {p.published_at:%d/%m/%Y} restent "
        "dans la liste des clôtures (period list) mais ne servent plus de référence."
    )
    return 0


def run_list(args: argparse.Namespace) -> int:
    from sarah.services.closing.periods import publications

    fmt = (args.format or "texte").lower()
    if fmt not in FORMATS:
        raise InvalidInput(f"Format « {args.format} » inconnu : texte ou json.")
    engine = database(args)
    try:
        found = publications(engine)
    finally:
        engine.dispose()
    if fmt == "json":
        print(json.dumps({"periods": [_publication_json(p) for p in found]}, ensure_ascii=False))
    elif not found:
        print("Aucune période clôturée.")
    else:
        for p in found:
            print(_publication_line(p))
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "period",
        help="clôturer un semestre publié, lister les clôtures, rouvrir",
        description=(
            "Une fois les tableaux d'un semestre publiés, le coordinateur le clôture : ses "
            "chiffres sont gardés tels que publiés. Les saisies restent possibles ; l'écran des "
            "statistiques et les exports disent alors ce qui a changé depuis."
        ),
    )
    sub = parser.add_subparsers(dest="period_command", metavar="ACTION", required=True)
    close = sub.add_parser("close", help="clôturer un semestre (coordinateur)")
    close.add_argument("--semester", required=True, metavar="AAAA-S1|S2")
    close.set_defaults(func=run_close)
    reopen = sub.add_parser("reopen", help="rouvrir un semestre clôturé (administrateur)")
    reopen.add_argument("--semester", required=True, metavar="AAAA-S1|S2")
    reopen.set_defaults(func=run_reopen)
    listing = sub.add_parser("list", help="les périodes clôturées")
    listing.add_argument("--format", default="texte", metavar="texte|json")
    listing.set_defaults(func=run_list)
