"""The journal of a restore, so that a restore killed at any step is finished or undone.

A restore replaces the live file by a copy of a backup in three kinds of renames: the live
file, then its ``-wal``/``-shm``/``-journal``, are moved aside
(``<base>.avant-restauration-AAAAMMJJ-HHMMSS[-wal|-shm]``), then the verified copy
(``<base>.restauration.<poste>-<pid>.partial``) takes the live file's name. Before the first
rename, :func:`write_journal` writes ``<base>.restauration-en-cours.json`` (atomically, fsynced)
naming every file of every step; it is removed once the restored file passed its check.

At the next start :func:`recover_interrupted_restore` reads what is on the disk:

- the live file was not moved yet: the restore is undone (the copy is removed, anything
  already moved goes back) and the base is as it was;
- the live file was moved aside: the restore is finished (the remaining moves are done, the
  copy is checked again and put in place); if the copy fails its check, it is undone instead.

Each decision is made again from the files alone, so a recovery killed half-way is finished by
the next one. A file moved aside is never deleted.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sarah.errors import DatabaseLocked
from sarah.services.backups.files import (
    HOST,
    PARTIAL_SUFFIX,
    check_copy,
    count_table,
    file_age_hours,
    fsync_dir,
    pid_alive,
    temp_is_stale,
    temp_name,
)
from sarah.vocabulary import count_text

JOURNAL_FORMAT = 1
JOURNAL_SUFFIX = ".restauration-en-cours.json"
INCOMING_MARK = ".restauration"
ASIDE_MARK = "avant-restauration"
# A journal of this PC whose process number is alive but older than this belongs to a process
# that died long ago (its number was reused): a restore takes minutes, not hours.
LIVE_JOURNAL_HOURS = 1
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")

# Journals this process is writing right now (a restore running in a worker thread).
_ACTIVE: set[Path] = set()


def journal_path(db: Path) -> Path:
    return db.with_name(db.name + JOURNAL_SUFFIX)


def incoming_path(db: Path) -> Path:
    """Where this process copies the backup before it replaces the live file."""
    return temp_name(db.with_name(db.name + INCOMING_MARK))


def aside_name(db: Path, stamp: str, suffix: str = "") -> Path:
    """A free name for a file moved aside (never one that exists)."""
    candidate = db.with_name(f"{db.name}.{ASIDE_MARK}-{stamp}{suffix}")
    n = 2
    while candidate.exists():
        candidate = db.with_name(f"{db.name}.{ASIDE_MARK}-{stamp}-{n}{suffix}")
        n += 1
    return candidate


@dataclass(frozen=True)
class Journal:
    db: Path
    backup: str
    incoming: Path
    moves: list[tuple[Path, Path]]  # (live name, aside name), the live file first
    counts: dict[str, int]
    contacts: int | None
    host: str
    pid: int
    path: Path
    readable: bool = True

    @property
    def main_aside(self) -> Path | None:
        return next((aside for live, aside in self.moves if live == self.db), None)


def plan_moves(db: Path, stamp: str) -> list[tuple[Path, Path]]:
    """The live file first, then its side files (those that exist), all under one free stem so
    that the ``-wal`` moved aside stays the ``-wal`` of its own file."""
    base = aside_name(db, stamp)
    while any(base.with_name(base.name + s).exists() for s in SIDE_SUFFIXES):
        base = base.with_name(base.name + "-b")
    moves: list[tuple[Path, Path]] = []
    for suffix in ("", *SIDE_SUFFIXES):
        live = db.with_name(db.name + suffix)
        if live.exists():
            moves.append((live, base.with_name(base.name + suffix)))
    return moves


def write_journal(
    db: Path,
    backup: Path,
    incoming: Path,
    moves: list[tuple[Path, Path]],
    counts: dict[str, int],
    contacts: int | None,
) -> Path:
    """Write the journal durably before the first rename; returns its path."""
    path = journal_path(db)
    data = {
        "format": JOURNAL_FORMAT,
        "started_at": datetime.now().isoformat(timespec="seconds"),
        "host": HOST,
        "pid": os.getpid(),
        "database": db.name,
        "backup": str(backup),
        "incoming": incoming.name,
        "moves": [[live.name, aside.name] for live, aside in moves],
        "counts": counts,
        "contacts": contacts,
    }
    tmp = temp_name(path)
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)
    _ACTIVE.add(path)
    return path


def remove_journal(path: Path) -> None:
    path.unlink(missing_ok=True)
    fsync_dir(path.parent)
    _ACTIVE.discard(path)


def read_journal(db: Path) -> Journal | None:
    path = journal_path(db)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        raw = None
    if not isinstance(raw, dict) or not isinstance(raw.get("moves"), list):
        # Unreadable: written atomically, so only a damaged disk gives this. Keep everything.
        return Journal(db, "?", db, [], {}, None, "?", 0, path, readable=False)
    folder = db.parent
    counts = count_table(raw.get("counts"))
    contacts = raw.get("contacts")
    return Journal(
        db=db,
        backup=str(raw.get("backup") or "?"),
        incoming=folder / str(raw.get("incoming") or ""),
        moves=[(folder / str(a), folder / str(b)) for a, b in raw["moves"]],
        counts=counts,
        contacts=contacts if isinstance(contacts, int) else None,
        host=str(raw.get("host") or ""),
        pid=int(raw.get("pid") or 0),
        path=path,
    )


def journal_is_live(journal: Journal) -> bool:
    """The restore that wrote the journal is still running (in another process or thread)."""
    if journal.path in _ACTIVE:
        return True
    if journal.host != HOST or journal.pid == os.getpid():
        return False
    age = file_age_hours(journal.path)
    return pid_alive(journal.pid) and age is not None and age < LIVE_JOURNAL_HOURS


def _move(src: Path, dst: Path) -> None:
    if src.exists() and not dst.exists():
        os.replace(src, dst)


def _finish(journal: Journal) -> str | None:
    """Roll forward; None when the copy is not fit to be put in place (then undo)."""
    db = journal.db
    replaced = db.exists() and not journal.incoming.exists()
    if not replaced:
        if not journal.incoming.exists():
            return None  # nothing to put in place
        for live, aside in journal.moves:
            _move(live, aside)
        problems, counts, _contacts = check_copy(journal.incoming)
        if problems or (journal.counts and counts != journal.counts):
            return None
        if db.exists():
            # Something created a file here meanwhile: set it aside too, never delete it.
            os.replace(db, aside_name(db, datetime.now().strftime("%Y%m%d-%H%M%S")))
        os.replace(journal.incoming, db)
        fsync_dir(db.parent)
    problems, _counts, contacts = check_copy(db)
    if problems:
        return None
    remove_journal(journal.path)
    main = journal.main_aside
    kept = f" L'ancienne base est conservée sous {main.name}." if main is not None else ""
    return (
        f"Une restauration interrompue a été terminée : la sauvegarde {Path(journal.backup).name} "
        f"est en place ({count_text(contacts)} contacts).{kept}"
    )


def _set_aside_refused_copy(db: Path) -> list[Path]:
    """The restored copy in place failed its check: it and any side file made next to it are
    moved aside (never deleted: a side file could hold a write made since)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    base = db.with_name(f"{db.name}.restauration-refusee-{stamp}")
    kept = []
    for suffix in ("", *SIDE_SUFFIXES):
        live = db.with_name(db.name + suffix)
        if live.exists():
            target = base.with_name(base.name + suffix)
            os.replace(live, target)
            kept.append(target)
    return kept


def _undo(journal: Journal) -> str:
    db = journal.db
    main = journal.main_aside
    refused: list[Path] = []
    if (main is None or main.exists()) and db.exists() and not journal.incoming.exists():
        refused = _set_aside_refused_copy(db)
    journal.incoming.unlink(missing_ok=True)
    conflicts = [p.name for p in refused]
    for live, aside in reversed(journal.moves):
        if aside.exists() and live.exists():
            conflicts.append(aside.name)
        _move(aside, live)
    fsync_dir(db.parent)
    remove_journal(journal.path)
    text = (
        "Une restauration interrompue a été annulée : la base d'avant la restauration est "
        "remise en place, rien n'est perdu."
        if main is not None
        else "Une restauration interrompue a été annulée (il n'y avait pas de base avant elle)."
    )
    if conflicts:
        text += " Conservés à côté de la base : " + ", ".join(conflicts) + "."
    return text


def recover_interrupted_restore(db_path: Path) -> str | None:
    """Finish or undo a restore that was interrupted; a French sentence saying what was done,
    None when there was nothing to do. Call it before anything opens or creates ``db_path``.

    Raises :class:`DatabaseLocked` when the restore is still running in another process.
    """
    db = Path(db_path)
    journal = read_journal(db)
    if journal is None:
        _remove_stale_incoming(db)
        return None
    if not journal.readable:
        raise DatabaseLocked(
            f"Le journal de restauration {journal.path} est illisible : SARAH ne touche à rien. "
            "Les fichiers de la base sont dans ce dossier (rien n'a été effacé) ; faites appel à "
            "la personne qui s'occupe de l'informatique."
        )
    if journal_is_live(journal):
        raise DatabaseLocked(
            "Une restauration de la base est en cours dans une autre fenêtre ou commande SARAH "
            f"(processus {journal.pid}) : attendez qu'elle se termine, puis réessayez."
        )
    main = journal.main_aside
    moved = main is None or main.exists()
    if moved:
        done = _finish(journal)
        if done is not None:
            return done
    return _undo(journal)


def undo_restore(db: Path) -> str | None:
    """Undo the restore this process was doing (after a failure): the journal says what to put
    back. None when no journal is there (nothing had been moved)."""
    journal = read_journal(db)
    if journal is None:
        return None
    _ACTIVE.discard(journal.path)
    return _undo(journal)


def _remove_stale_incoming(db: Path) -> None:
    """Copies of a restore killed before its journal was written: nothing was moved yet."""
    for partial in list(_incoming_files(db)):
        if temp_is_stale(partial):
            with contextlib.suppress(OSError):
                partial.unlink()


def _incoming_files(db: Path) -> Iterator[Path]:
    prefix = db.name + INCOMING_MARK + "."
    journal_prefix = journal_path(db).name + "."
    if not db.parent.is_dir():
        return
    for entry in db.parent.iterdir():
        if entry.name.endswith(PARTIAL_SUFFIX) and (
            entry.name.startswith(prefix) or entry.name.startswith(journal_prefix)
        ):
            yield entry


def database_traces(db_path: Path) -> list[Path]:
    """Files showing that a database lived at ``db_path``: its ``-wal`` or ``-journal``, files a
    restore moved aside, a restore journal, the copy of a restore under way. When the file itself
    is missing and any of these exist, an empty database must not be created in its place."""
    db = Path(db_path)
    folder = db.parent
    if not folder.is_dir():
        return []
    found = [db.with_name(db.name + s) for s in ("-wal", "-journal")]
    found.append(journal_path(db))
    traces = [p for p in found if p.exists()]
    traces += sorted(folder.glob(f"{glob.escape(db.name)}.{ASIDE_MARK}-*"))
    traces += sorted(folder.glob(f"{glob.escape(db.name)}.restauration-refusee-*"))
    traces += sorted(_incoming_files(db))
    return traces
