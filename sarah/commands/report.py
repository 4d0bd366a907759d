"""`sarah report`: the four tables of a period, as JSON, CSV, an Excel workbook or the activity
report's section in Word (docx: the tables and the sentences written from them); with
``--with`` the screen's other tables, with ``--published`` a closed period's figures as
published."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sarah import __version__
from sarah.commands import database
from sarah.errors import InvalidInput
from sarah.exports.meta import ExportMeta
from sarah.reports.tables import Period
from sarah.settings import load_settings

if TYPE_CHECKING:
    from sarah.reports.figures import Figures

FORMATS = ("json", "csv", "xlsx", "docx")


def parse_day(text: str, option: str) -> date:
    """'2019-01-31' or '31/01/2019'; a French message naming the option otherwise."""
    value = text.strip()
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)
    french = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    elif french:
        day, month, year = (int(g) for g in french.groups())
    else:
        raise InvalidInput(
            f"Date illisible pour {option} : « {text} ». Écrivez-la AAAA-MM-JJ, "
            "par exemple 2019-01-31."
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidInput(
            f"Date impossible pour {option} : « {text} » n'existe pas dans le calendrier."
        ) from None


def period_from(args: argparse.Namespace) -> Period:
    if args.semester and (args.start or args.end):
        raise InvalidInput(
            "Choisissez soit --semester, soit --from et --to, pas les deux à la fois."
        )
    if args.semester:
        return Period.semester(args.semester)
    if not args.start or not args.end:
        missing = "--from" if not args.start else "--to"
        raise InvalidInput(
            f"Période incomplète : {missing} manque. Donnez --from AAAA-MM-JJ et "
            "--to AAAA-MM-JJ, ou --semester 2019-S1."
        )
    start, end = parse_day(args.start, "--from"), parse_day(args.end, "--to")
    if end < start:
        raise InvalidInput(
            f"Période impossible : --to ({end:%d/%m/%Y}) est avant --from ({start:%d/%m/%Y})."
        )
    return Period(start, end)


def extras_from(text: str | None) -> tuple[str, ...]:
    """``--with months,comparison,ratios`` as a tuple, each word checked."""
    from sarah.services.statistics.report_figures import EXTRAS

    if not text:
        return ()
    words = tuple(w.strip().lower() for w in text.split(",") if w.strip())
    unknown = [w for w in words if w not in EXTRAS]
    if unknown:
        raise InvalidInput(
            f"--with : « {', '.join(unknown)} » inconnu ; possibles : {', '.join(EXTRAS)} "
            "(séparés par des virgules)."
        )
    return words


def run(args: argparse.Namespace) -> int:
    # Everything the user typed is checked before the database is opened.
    fmt = (args.format or "json").lower()
    if fmt not in FORMATS:
        raise InvalidInput(f"Format « {args.format} » inconnu : {', '.join(FORMATS)}.")
    period = period_from(args)
    extras = extras_from(args.extras)
    mask_small = bool(getattr(args, "mask_small", False))
    if mask_small and fmt == "docx":
        raise InvalidInput(
            "--masquer-petits-effectifs vaut pour les formats csv et xlsx : la section du "
            "rapport d'activité (docx) écrit des phrases avec les nombres exacts, pour les "
            "financeurs."
        )
    if mask_small and fmt == "json":
        raise InvalidInput(
            "--masquer-petits-effectifs vaut pour les formats csv et xlsx, faits pour être lus "
            "et publiés : le JSON est lu par des programmes et garde les nombres exacts. "
            "Ajoutez --format csv ou --format xlsx."
        )
    if fmt != "json" and not args.output:
        raise InvalidInput(
            f"Le format {fmt} s'écrit dans un fichier : ajoutez --output rapport.{fmt}."
        )

    from sarah.services.statistics.report_figures import report_figures

    settings = load_settings()
    engine = database(args)
    try:
        figures = report_figures(
            engine,
            period,
            args.site or None,
            young_age_limit=settings.young_age_limit,
            extras=extras,
            published=args.published,
            profile=args.profile,
        )
    finally:
        engine.dispose()
    report = figures.report

    if fmt == "json":
        text = json.dumps(figures.to_json("ratios" in extras), ensure_ascii=False, indent=2)
        if not args.output:
            try:
                sys.stdout.write(text + "\n")
                sys.stdout.flush()
            except BrokenPipeError:
                # Read by `head` or a script that stopped early: not an error of ours.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
        from sarah.exports.files import write_text_atomically

        path = write_text_atomically(args.output, text + "\n")
    else:
        from sarah.services.audit.actor import signed_in_account

        meta = ExportMeta(
            # Who is named on the file: the agent name of the settings, else the account
            # signed in; never the operating system's user ("root" on a shared desk says
            # nothing of a person).
            produced_by=settings.agent_name or signed_in_account() or "",
            generated_at=datetime.now().replace(microsecond=0),
            program_version=__version__,
            figures=figures.figures_text,
        )
        path = _write_file(fmt, figures, extras, args.output, meta, mask_small)
    masked = " ; effectifs de 1 à 4 masqués (« < 5 »)" if mask_small else ""
    shown = " ; chiffres tels que publiés" if figures.as_published else ""
    sites = ", ".join(report.sites) or "aucun site"
    print(f"Rapport écrit : {path} ({period.label}, {sites}{masked}{shown}).")
    return 0


def _write_file(
    fmt: str,
    figures: Figures,
    extras: tuple[str, ...],
    output: str,
    meta: ExportMeta,
    mask_small: bool,
) -> Path:
    report = figures.report
    if fmt == "docx":
        from sarah.exports.docx_report import write_report_docx

        return write_report_docx(report, output, meta, figures.extra_tables)
    if fmt == "csv":
        from sarah.exports.csv_analysis import comparison_rows, months_rows, ratios_rows
        from sarah.exports.csv_report import write_report_csv

        extra = []
        if figures.months is not None:
            extra.append(months_rows(figures.months, mask_small=mask_small))
        if figures.comparison is not None:
            extra.append(comparison_rows(figures.comparison, mask_small=mask_small))
        if "ratios" in extras:
            extra.append(ratios_rows(report, figures.ratios, mask_small=mask_small))
        if figures.completeness is not None and not mask_small:
            from sarah.exports.completeness_sheet import completeness_csv_rows

            extra.append(completeness_csv_rows(figures.completeness))
        return write_report_csv(
            report,
            output,
            meta,
            mask_small=mask_small,
            extra=extra,
            extra_tables=figures.extra_tables,
        )
    from sarah.exports.files import save_workbook
    from sarah.exports.xlsx_analysis import add_analysis_sheets
    from sarah.exports.xlsx_report import build_report_workbook

    wb = build_report_workbook(
        report, meta, mask_small=mask_small, extra_tables=figures.extra_tables
    )
    if extras:
        add_analysis_sheets(
            wb,
            report,
            meta,
            months=figures.months,
            comparison=figures.comparison,
            ratio_rows=figures.ratios if "ratios" in extras else None,
            charts=figures.months is not None,
            mask_small=mask_small,
        )
    if figures.completeness is not None and not mask_small:
        from sarah.exports.completeness_sheet import write_completeness_sheet

        write_completeness_sheet(wb, figures.completeness)
    return save_workbook(wb, output)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "report",
        help="les quatre tableaux d'une période (JSON, CSV ou Excel)",
        description=(
            "Calcule les quatre tableaux (contacts, services, personnes concernées, publics "
            "nouvellement accueillis) pour une période et des Points Relais. Sans --output, "
            "le JSON est écrit sur la sortie standard."
        ),
    )
    parser.add_argument("--from", dest="start", metavar="AAAA-MM-JJ", help="premier jour inclus")
    parser.add_argument("--to", dest="end", metavar="AAAA-MM-JJ", help="dernier jour inclus")
    parser.add_argument(
        "--semester", metavar="AAAA-S1|S2", help="un semestre, à la place de --from et --to"
    )
    parser.add_argument(
        "--site",
        action="append",
        metavar="NOM",
        help="un Point Relais (à répéter ; par défaut tous)",
    )
    parser.add_argument(
        "--format",
        default="json",
        metavar="json|csv|xlsx|docx",
        help="défaut : json ; docx : la section du rapport d'activité (tableaux et phrases)",
    )
    parser.add_argument("--output", metavar="FICHIER", help="fichier à écrire")
    parser.add_argument(
        "--with",
        dest="extras",
        metavar="months,comparison,ratios,completeness,neighbourhoods",
        help="les autres tableaux de l'écran : mois, comparaison avec l'année précédente, "
        "ratios, complétude des saisies, personnes par quartier de résidence",
    )
    parser.add_argument(
        "--profile",
        metavar="fse|TRANCHES",
        help="tableaux 3 et 4 par tranche d'âge d'un financeur : fse (FSE+ : moins de 18 ans, "
        "18-29, 30-54, 55 et plus) ou des tranches comme 0-17,18-25,26-44,45+",
    )
    parser.add_argument(
        "--published",
        action="store_true",
        help="les chiffres tels que publiés à la clôture de la période (sarah period close)",
    )
    parser.add_argument(
        "--masquer-petits-effectifs",
        dest="mask_small",
        action="store_true",
        help="csv et xlsx : les effectifs de 1 à 4 écrits « < 5 » (publication hors financeurs)",
    )
    parser.set_defaults(func=run)
