"""`sarah demo`: load the demonstration data set into an empty database."""

from __future__ import annotations

import argparse
import shlex

from sarah.commands import database
from sarah.services.demo.loader import load_demo, summary_lines


def run(args: argparse.Namespace) -> int:
    engine = database(args)
    try:
        summary = load_demo(engine)
    finally:
        engine.dispose()
    for line in summary_lines(summary):
        print(line)
    target = f"--db {shlex.quote(args.db)} " if args.db else ""
    print(f"Pour voir les tableaux : sarah {target}report --semester 2019-S1")
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="charge les données de démonstration (reproduit le 1er semestre 2019)",
        description=(
            "Charge dans une base vide deux Points Relais fictifs, Fontaine d'Ouche et "
            "Grésilles, avec leurs contacts de 2017 à novembre 2019. Le rapport du 1er "
            "semestre 2019 reproduit exactement les tableaux du rapport d'activité 2019. "
            "Refusé si la base contient déjà des contacts."
        ),
    )
    parser.set_defaults(func=run)
