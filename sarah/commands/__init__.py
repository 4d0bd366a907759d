"""Command-line sub-commands; each module has ``register(subparsers)``."""

from __future__ import annotations

import argparse

from sqlalchemy import Engine

from sarah.db import open_database
from sarah.settings import load_settings


def database_target(args: argparse.Namespace) -> str | None:
    """``--db`` when given, else the database chosen in this installation's settings (the one the
    window opens), else None for the default file in the data folder."""
    return getattr(args, "db", None) or load_settings().database


def database(args: argparse.Namespace) -> Engine:
    """The database the command works on, checked and migrated."""
    return open_database(database_target(args))
