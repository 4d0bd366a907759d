"""Command-line sub-commands; each module has ``register(subparsers)``."""

from __future__ import annotations

import argparse

from sqlalchemy import Engine

from sarah.db import open_database


def database(args: argparse.Namespace) -> Engine:
    """The database named by ``--db`` (default one otherwise), checked and migrated."""
    return open_database(args.db)
