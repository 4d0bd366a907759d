"""Command-line sub-commands; each module has ``register(subparsers)``."""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import Engine

from sarah.services.database import open_database
from sarah.settings import load_settings


def database_target(args: argparse.Namespace) -> str | None:
    """``--db`` when given, else the database chosen in this installation's settings (the one the
    window opens), else None for the default file in the data folder."""
    return getattr(args, "db", None) or load_settings().database


def database(args: argparse.Namespace) -> Engine:
    """The database the command works on, checked and migrated. What SARAH did to recover
    from an interrupted restore is said on stderr."""
    return open_database(database_target(args), on_notice=_say)


def _say(text: str) -> None:
    print(text, file=sys.stderr)
