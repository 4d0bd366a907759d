"""The retention purge and the erasure on request, from backup to backup.

Order of work (docs/rgpd.md), each step leaving the database whole if the next one fails:

1. a verified backup, so that a purge gone wrong loses nothing (none: nothing is erased);
2. the erasure, in short transactions of ``BATCH`` people each, every one with its audit
   entry: a desk saving a contact meanwhile waits for one batch at most, never for the purge;
3. the erased text is wiped from the file's bytes: SQLite's ``secure_delete`` (on for every
   connection, sarah.db) zeroes what the updates freed, a checkpoint writes the WAL back into
   the file and truncates it;
4. a fresh verified backup, then every backup (and every copy set aside by a restore) that
   still holds an erased identity is removed: never before the fresh one is verified, so the
   folder is never left without a backup.
"""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from sarah.db import read_connection, sqlite_path, translate_errors, write_session
from sarah.errors import InvalidInput
from sarah.schema import audit_log, visitors
from sarah.services.audit.actor import current_actor
from sarah.services.audit.log import record
from sarah.services.audit.retention import months_before
from sarah.services.backups.create import create_backup_or_abort
from sarah.services.backups.files import connect_ro
from sarah.services.backups.journal import ASIDE_MARK, SIDE_SUFFIXES, read_journal
from sarah.services.backups.listing import list_backups
from sarah.services.backups.record import BackupInfo, configured_backup_folder, manifest_path
from sarah.services.privacy.erase import Erased, due_for_erasure, erase_in, erased_ids
from sarah.settings import Settings
from sarah.vocabulary import count_of

CHECKPOINT_ATTEMPTS = 5  # each waits the busy timeout for readers to let go
BATCH = 100  # people per transaction: about a tenth of a second on a 1,000,000-contact base
Progress = Callable[[int, int], None]  # (people erased so far, people due)
ShouldStop = Callable[[], bool]  # asked between batches: the window is closing
ERASING = ("retention_purge", "erase")


@dataclass(frozen=True)
class PrivacyOutcome:
    """What a purge (or an erasure on request) did, or with ``dry_run`` would do."""

    reason: str  # "retention" or "request"
    dry_run: bool
    due: int  # people whose identity is (or was) due for erasure
    erased: int = 0  # people erased now
    records: int = 0  # their records, with those merged into them
    contacts: int = 0  # contacts given the age the person had that day
    cutoff: date | None = None  # retention: last contact before this day
    backup: Path | None = None  # the fresh verified backup made after the erasure
    replaced: list[Path] = field(default_factory=list)  # backups removed: they held identities
    stopped: bool = False  # stopped between two batches (the rest is erased at the next run)

    def words(self) -> str:
        """A French summary for the command line and the window."""
        if self.reason == "retention":
            head = (
                f"Durée de conservation : dernier contact avant le {self.cutoff:%d/%m/%Y}."
                if self.cutoff
                else "Durée de conservation."
            )
            if self.dry_run:
                return f"{head} {_people(self.due)} à effacer (simulation : rien n'a été modifié)."
            if not self.erased and self.backup is None:
                return f"{head} Aucune identité à effacer."
            if not self.erased:
                lines = [f"{head} Aucune nouvelle identité à effacer."]
            else:
                lines = [
                    f"{head} {count_of(self.erased, 'identité effacée', 'identités effacées')} "
                    f"({count_of(self.contacts, 'contact gardé', 'contacts gardés')} sans "
                    "identité : les tableaux restent identiques)."
                ]
            if self.stopped:
                lines.append(
                    "Purge interrompue par la fermeture : "
                    f"{count_of(self.due - self.erased, 'identité restante', 'identités restantes')}"
                    ", effacée(s) à la prochaine ouverture."
                )
        else:
            lines = ["Identité effacée à la demande de la personne ; ses contacts restent comptés."]
        if self.backup is not None:
            lines.append(f"Nouvelle sauvegarde vérifiée : {self.backup.name}.")
        if self.replaced:
            n = len(self.replaced)
            lines.append(
                f"{count_of(n, 'ancienne sauvegarde', 'anciennes sauvegardes')} qui "
                f"{'contenait' if n == 1 else 'contenaient'} ces identités "
                f"{'a été supprimée' if n == 1 else 'ont été supprimées'}, remplacée"
                f"{'' if n == 1 else 's'} par celle-ci."
            )
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        return {
            "reason": self.reason,
            "dry_run": self.dry_run,
            "cutoff": self.cutoff.isoformat() if self.cutoff else None,
            "due": self.due,
            "erased": self.erased,
            "records": self.records,
            "contacts": self.contacts,
            "backup": str(self.backup) if self.backup else None,
            "backups_replaced": [str(p) for p in self.replaced],
            "stopped": self.stopped,
        }


def _people(n: int) -> str:
    return count_of(n, "personne")


def retention_cutoff(settings: Settings, today: date | None = None) -> date:
    """People whose last contact is before this day are due (the retention setting, months)."""
    months = settings.retention_months
    if not 1 <= months <= 1200:
        raise InvalidInput(
            f"Durée de conservation impossible : {months} mois (réglage retention_months)."
        )
    return months_before(today or date.today(), months)


def _erase_batches(
    engine: Engine,
    ids: Sequence[uuid.UUID],
    action: str,
    target: str | None,
    details: dict[str, Any],
    progress: Progress | None,
    should_stop: ShouldStop | None = None,
) -> Erased:
    persons = records = aged = traces = 0
    for start in range(0, len(ids), BATCH):
        if should_stop is not None and should_stop():
            break
        batch = ids[start : start + BATCH]
        with write_session(engine) as session:
            done = erase_in(session.connection(), batch)
            record(
                session,
                current_actor(),
                action,
                target,
                {
                    **details,
                    "persons": done.persons,
                    "records": done.records,
                    "contacts": done.contacts,
                },
            )
        persons += done.persons
        records += done.records
        aged += done.contacts
        traces += done.traces
        if progress is not None:
            progress(persons, len(ids))
    return Erased(persons, records, aged, traces)


def purge_expired(
    engine: Engine,
    settings: Settings,
    *,
    dry_run: bool = False,
    today: date | None = None,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
) -> PrivacyOutcome:
    """Erase the identity of everyone whose last contact is older than the retention period.

    ``should_stop`` is asked between batches: what was erased stays erased, and the backups
    are then replaced by the next run (as after any erasure whose replacement did not happen:
    a sync import with the backup folder away, a purge interrupted)."""
    cutoff = retention_cutoff(settings, today)
    with read_connection(engine) as conn:
        due = due_for_erasure(conn, cutoff)
        pending = replacement_pending(conn)
    if dry_run or not (due or pending):
        return PrivacyOutcome("retention", dry_run, len(due), cutoff=cutoff)
    if due:
        _backup(engine, settings, "avant-purge", "la purge")
    done = _erase_batches(
        engine,
        due,
        "retention_purge",
        None,
        {"cutoff": cutoff.isoformat()},
        progress,
        should_stop,
    )
    stopped = done.persons < len(due)
    backup, replaced = (None, []) if stopped else _after_erasure(engine, settings)
    return PrivacyOutcome(
        "retention",
        False,
        len(due),
        done.persons,
        done.records,
        done.contacts,
        cutoff,
        backup,
        replaced,
        stopped,
    )


def replacement_pending(conn: Connection) -> bool:
    """Whether an erasure was written since the backups were last replaced."""

    def newest(actions: Sequence[str]) -> int:
        found = conn.execute(
            select(func.max(audit_log.c.seq)).where(audit_log.c.action.in_(actions))
        ).scalar()
        return int(found or 0)

    return newest(ERASING) > newest(("backups_replaced",))


def erase_on_request(engine: Engine, settings: Settings, visitor_id: uuid.UUID) -> PrivacyOutcome:
    """Erase one person's identity because they asked for it (right to erasure)."""
    with read_connection(engine) as conn:
        row = conn.execute(
            select(visitors.c.erased_at, visitors.c.merged_into_id).where(
                visitors.c.id == visitor_id
            )
        ).one_or_none()
    if row is None:
        raise InvalidInput(f"Aucune personne n'a l'identifiant {visitor_id}.")
    if row.erased_at is not None:
        raise InvalidInput(
            f"L'identité de cette personne a déjà été effacée le {row.erased_at:%d/%m/%Y}."
        )
    if row.merged_into_id is not None:
        raise InvalidInput(
            "Cette fiche a été fusionnée dans une autre : effacez la fiche qui l'a absorbée "
            f"({row.merged_into_id}), ce qui efface aussi celle-ci."
        )
    _backup(engine, settings, "avant-effacement", "l'effacement")
    done = _erase_batches(
        engine, [visitor_id], "erase", str(visitor_id), {"reason": "request"}, None
    )
    backup, replaced = _after_erasure(engine, settings)
    return PrivacyOutcome(
        "request", False, 1, done.persons, done.records, done.contacts, None, backup, replaced
    )


def _backup(engine: Engine, settings: Settings, reason: str, what: str) -> BackupInfo | None:
    db = sqlite_path(engine)
    if db is None:
        return None  # PostgreSQL: the server's own backups (issue 12, docs/rgpd.md)
    return create_backup_or_abort(
        db,
        settings.backup_path(),
        reason,
        f"Sauvegarde de sécurité avant {what} impossible : rien n'a été effacé. ",
    )


def wipe_freed_bytes(engine: Engine) -> bool:
    """Write the WAL back into the file and truncate it: the pages the erasure rewrote (their
    freed parts zeroed by secure_delete) replace the old ones in the file itself. False when a
    reader kept the checkpoint from finishing (the next one will: SQLite retries at each)."""
    if sqlite_path(engine) is None:
        return True
    fairy = engine.raw_connection()
    try:
        conn = fairy.driver_connection
        assert isinstance(conn, sqlite3.Connection)
        level = conn.isolation_level
        conn.isolation_level = None  # a checkpoint cannot run inside a transaction
        try:
            with translate_errors():
                for _attempt in range(CHECKPOINT_ATTEMPTS):
                    busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                    if not busy:
                        return True
        finally:
            conn.isolation_level = level
    finally:
        fairy.close()
    return False


def _after_erasure(engine: Engine, settings: Settings) -> tuple[Path | None, list[Path]]:
    return replace_backups_after_erasure(engine, settings.backup_path())


def replace_backups_after_erasure(
    engine: Engine, folder: Path | None = None
) -> tuple[Path | None, list[Path]]:
    """Wipe, back up afresh (verified), then remove the backups of ``folder`` (the configured
    one by default) and the copies set aside by a restore that still hold an erased identity.
    Returns the fresh backup and the files removed; (None, []) on PostgreSQL."""
    db = sqlite_path(engine)
    if db is None:
        return None, []
    folder = folder or configured_backup_folder()
    wipe_freed_bytes(engine)
    fresh = create_backup_or_abort(
        db,
        folder,
        "apres-effacement",
        "Les identités sont effacées de la base, mais la sauvegarde qui devait remplacer les "
        "anciennes n'a pas pu être faite : les anciennes sauvegardes sont gardées. ",
    )
    if fresh is None:
        return None, []
    with read_connection(engine) as conn:
        ids = erased_ids(conn)
    files = {
        b.path: [b.path, manifest_path(b.path)]
        for b in list_backups(folder)
        if b.path != fresh.path
    }
    files |= {
        p: [p, *(p.with_name(p.name + s) for s in SIDE_SUFFIXES)] for p in set_aside_copies(db)
    }
    removed: list[Path] = []
    for path, parts in files.items():
        if not holds_identity(path, ids):
            continue
        with contextlib.suppress(OSError):
            for part in parts:
                part.unlink(missing_ok=True)
            removed.append(path)
    # Written even when nothing had to go: it says the replacement after the erasures is done.
    with write_session(engine) as session:
        record(
            session,
            current_actor(),
            "backups_replaced",
            fresh.path.name,
            {"removed": [p.name for p in removed]},
        )
    wipe_freed_bytes(engine)
    return fresh.path, removed


def set_aside_copies(db: Path) -> list[Path]:
    """The copies a restore set aside beside the database (``<db>.avant-restauration-…``),
    unless a restore is under way (its journal still needs them)."""
    if read_journal(db) is not None:
        return []
    return sorted(
        p
        for p in db.parent.glob(f"{db.name}.{ASIDE_MARK}-*")
        if not any(p.name.endswith(s) for s in SIDE_SUFFIXES)
    )


def holds_identity(path: Path, ids: Sequence[str]) -> bool:
    """Whether the SQLite file ``path`` still names or dates one of the records ``ids``
    (erased here). A file that cannot be read as such is left alone (not ours to judge)."""
    if not ids:
        return False
    try:
        conn = connect_ro(path)
    except (sqlite3.Error, OSError):
        return False
    try:
        conn.execute("CREATE TEMP TABLE erased (id TEXT PRIMARY KEY)")
        conn.executemany("INSERT OR IGNORE INTO temp.erased VALUES (?)", ((i,) for i in ids))
        found = conn.execute(
            "SELECT 1 FROM visitors v JOIN temp.erased e ON e.id = v.id "
            "WHERE v.last_name <> '' OR v.first_name <> '' OR v.birth_date IS NOT NULL LIMIT 1"
        ).fetchone()
        return found is not None
    except sqlite3.Error:
        return False
    finally:
        conn.close()
