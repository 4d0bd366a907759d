"""Before a PostgreSQL database is migrated: a verified pg_dump copy, or a clear refusal.

The first desk to open a database older than its SARAH takes a lock on the server (a session
advisory lock, in a key space of its own: the migration's transaction lock in ``sarah.db`` is
another), copies the database, then migrates; the desks that open it meanwhile wait for that
lock, then find the schema current and neither copy nor migrate. A desk with no usable pg_dump
refuses to migrate, unless the administrator confirmed that the server's own backups protect
the data (``--sans-sauvegarde`` on ``sarah backup migrate``, or ``SARAH_MIGRATION_SANS_SAUVEGARDE=1``
in the environment of the window or of a command).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import Engine

from sarah.db import translate_errors
from sarah.errors import UserError
from sarah.services.backups.server_dump import REASON_MIGRATION, drain, dump_server_steps
from sarah.services.backups.server_tools import DumpUnavailable, dump_tools

log = logging.getLogger(__name__)

NO_DUMP_ENV = "SARAH_MIGRATION_SANS_SAUVEGARDE"
NO_DUMP_FLAG = "--sans-sauvegarde"
YES = ("1", "oui", "o", "yes", "y", "true", "vrai")
# pg_advisory_lock(int4, int4): "SARA" and 2; a key space apart from the single-bigint locks.
LOCK_KEYS = (0x53415241, 2)


class MigrationNeedsBackup(UserError):
    """The schema must be upgraded, and no copy of the database can be made first."""


def without_dump_confirmed() -> bool:
    """The administrator said the server's own backups protect the data (no copy first)."""
    return os.environ.get(NO_DUMP_ENV, "").strip().lower() in YES


@contextlib.contextmanager
def migration_turn(engine: Engine) -> Iterator[None]:
    """One desk at a time copies and migrates a database; the others wait here."""
    with translate_errors(), engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")  # no transaction held open
        conn.exec_driver_sql("SELECT pg_advisory_lock(%s, %s)", LOCK_KEYS)
        try:
            yield
        finally:
            conn.exec_driver_sql("SELECT pg_advisory_unlock(%s, %s)", LOCK_KEYS)


def refusal(engine: Engine, exc: DumpUnavailable, current: str | None, head: str) -> str:
    from sarah.services.backups.server_dump import server_label

    return (
        f"La base {server_label(engine.url)} doit être mise à jour pour cette version de SARAH "
        f"(schéma {current} → {head}), et SARAH en fait d'abord une copie avec pg_dump. Or "
        f"{exc.reason}. Rien n'a été modifié. Au choix : {exc.remedy[0].lower()}{exc.remedy[1:]} ; "
        "ou faites la mise à jour depuis le serveur lui-même, où ces outils sont installés "
        "(« sarah --db … backup migrate ») ; ou, si l'administrateur du serveur confirme que "
        "ses propres sauvegardes sont en place et récentes, mettez à jour sans copie : "
        f"« sarah --db … backup migrate {NO_DUMP_FLAG} » (ou la variable d'environnement "
        f"{NO_DUMP_ENV}=1 pour la fenêtre). Voir docs/serveur.md, « Mettre SARAH à jour »."
    )


def dump_then_migrate(
    engine: Engine,
    folder: Path,
    current_of: Callable[[], str | None],
    head: str,
    upgrade: Callable[[], None],
) -> Path | None:
    """Under the migration turn: read the revision again (another desk may have migrated),
    copy the database, then ``upgrade``. Returns the copy made, if any."""
    with migration_turn(engine):
        current = current_of()
        if current == head:
            return None  # another desk did it while this one waited
        if without_dump_confirmed():
            log.warning(
                "migration of %s without a pg_dump copy: the server's own backups were "
                "confirmed (%s)",
                engine.url.render_as_string(hide_password=True),
                NO_DUMP_ENV,
            )
            upgrade()
            return None
        try:
            tools = dump_tools(engine)
        except DumpUnavailable as exc:
            raise MigrationNeedsBackup(refusal(engine, exc, current, head)) from exc
        try:
            copy = drain(dump_server_steps(engine, folder, REASON_MIGRATION, tools=tools)).path
        except UserError as exc:
            raise type(exc)(
                "Mise à jour de la base annulée : la copie pg_dump qui doit la précéder a "
                "échoué. " + exc.message,
                exc.details,
            ) from exc
        upgrade()
        return copy
