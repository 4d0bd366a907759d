"""Contact import from a spreadsheet (``sarah contacts import``), as docs/spec/interfaces.md says.

1. Read and check every row (:mod:`.read`, :mod:`.parse`). Any bad row: the import
   is refused with every problem listed, and nothing is written.
2. In ONE write transaction: recognise rows already imported (``Contact.import_key``, a fingerprint
   of the row's normalised content and of its rank among identical rows), match people to those
   already in the database (same folded last name, first name and birth date), create the missing
   sites and people, bring matched people's sex up to date when the file is more recent, and
   insert the contacts and their services with bulk Core statements, 25,000 rows at a time.
   Nothing is visible to anyone until COMMIT, and a failure anywhere rolls everything back.

The ``*_steps`` functions are generators yielding ``(done, total, message)`` for a progress bar
(total 0 = unknown) and returning the :class:`ImportResult`; closing one part-way rolls back.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, select

from sarah.db import read_session, write_session
from sarah.errors import InvalidInput
from sarah.models import Service
from sarah.services.audit.actor import current_actor
from sarah.services.audit.log import record
from sarah.services.backups.create import backup_before
from sarah.services.backups.record import BackupInfo
from sarah.services.imports.layout import (
    Catalogue,
    CatalogueService,
    Layout,
    build_layout,
    header_score,
)
from sarah.services.imports.parse import RowChecker
from sarah.services.imports.parsed import ParsedImport
from sarah.services.imports.read import open_sheet
from sarah.services.imports.result import ImportResult
from sarah.services.imports.write import PROGRESS_EVERY, Progress, Writer
from sarah.services.server.retry import IMPORT_LOCK_KEY, one_at_a_time, retry_steps_on_conflict

T = TypeVar("T")
Period = tuple[date, date]


def run_steps(steps: Generator[Progress, None, T]) -> T:
    """Drive a ``*_steps`` generator to the end and return its result."""
    while True:
        try:
            next(steps)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]


def load_catalogue(engine: Engine) -> Catalogue:
    """The services a file may name: every service not deleted, retired ones included (old data)."""
    with read_session(engine) as s:
        rows = s.execute(
            select(Service.id, Service.code, Service.label)
            .where(Service.deleted_at.is_(None))
            .order_by(Service.position)
        ).all()
    return Catalogue([CatalogueService(r.id, r.code, r.label) for r in rows])


# --- reading and checking -------------------------------------------------------------------------


def check_file_steps(engine: Engine, path: Path) -> Generator[Progress, None, ParsedImport]:
    """Read and check every row of ``path``; :class:`ImportRejected` lists every problem."""
    path = Path(path)
    catalogue = load_catalogue(engine)
    with open_sheet(path, header_score(catalogue)) as sheet:
        layout = build_layout(
            sheet.headers, catalogue, source=path.name, header_line=sheet.header_line
        )
        checker = RowChecker(catalogue, source=path.name)
        checker.header_line = sheet.header_line
        message = f"Lecture de {path.name}…"
        for count, (line, cells) in enumerate(sheet.rows, start=1):
            checker.add(layout, line, cells)
            if count % PROGRESS_EVERY == 0:
                done, total = sheet.progress()
                yield done, total, message
        parsed = checker.finish()
        parsed.description = sheet.description
    if not len(parsed):
        raise InvalidInput(
            f"Le fichier {path.name} ne contient aucune ligne de contact (seulement l'en-tête)."
        )
    return parsed


def check_file(engine: Engine, path: Path) -> ParsedImport:
    return run_steps(check_file_steps(engine, path))


def check_rows_steps(
    engine: Engine, rows: Iterable[Mapping[str, Any]], *, source_name: str
) -> Generator[Progress, None, ParsedImport]:
    """The same checks over rows already read: mappings from column name to cell value."""
    catalogue = load_catalogue(engine)
    checker = RowChecker(catalogue, source=source_name)
    layouts: dict[tuple[str, ...], Layout] = {}
    for line, row in enumerate(rows, start=1):
        keys = tuple(row)
        layout = layouts.get(keys)
        if layout is None:
            layout = layouts[keys] = build_layout(list(keys), catalogue, source=source_name)
        checker.add(layout, line, list(row.values()))
        if line % PROGRESS_EVERY == 0:
            yield line, 0, "Vérification des lignes…"
    parsed = checker.finish()
    parsed.description = "lignes fournies par programme"
    return parsed


# --- public entry points ---------------------------------------------------------------------------


@dataclass
class ImportRun:
    """What an import did so far, kept by the caller: the verified backup once made, the result
    once committed. An import cancelled too late (its COMMIT had already begun) did happen, and
    the window must still report it."""

    result: ImportResult | None = None
    backup: BackupInfo | None = None


def import_file_steps(
    engine: Engine,
    path: Path,
    *,
    dry_run: bool = False,
    before_write: Callable[[], object] | None = None,
    run: ImportRun | None = None,
) -> Generator[Progress, None, ImportResult]:
    """Import a .csv or .xlsx file, all or nothing. Once the whole file is known to be good, and
    unless it is a dry run, the verified backup is made (its failure stops the import) and
    ``before_write`` runs, just before the write transaction."""
    parsed = yield from check_file_steps(engine, path)
    return (
        yield from import_checked_steps(
            engine, parsed, dry_run=dry_run, before_write=before_write, run=run
        )
    )


def import_file(
    engine: Engine,
    path: Path,
    *,
    dry_run: bool = False,
    before_write: Callable[[], object] | None = None,
) -> ImportResult:
    return run_steps(import_file_steps(engine, path, dry_run=dry_run, before_write=before_write))


def preview_file_steps(
    engine: Engine, path: Path
) -> Generator[Progress, None, tuple[ParsedImport, ImportResult, Period | None]]:
    """Read and check every row, then count what the import would do (nothing written).
    Also returns the first and last day of the file's contacts."""
    parsed = yield from check_file_steps(engine, path)
    preview = yield from apply_steps(engine, parsed, dry_run=True)
    days = parsed.days
    period = (date.fromordinal(min(days)), date.fromordinal(max(days))) if len(days) else None
    return parsed, preview, period


def import_checked_steps(
    engine: Engine,
    parsed: ParsedImport,
    *,
    dry_run: bool = False,
    before_write: Callable[[], object] | None = None,
    run: ImportRun | None = None,
) -> Generator[Progress, None, ImportResult]:
    """Rows checked before (:func:`preview_file_steps`): the verified backup, then one write
    transaction. ``run`` (when given) gets the backup and the result as soon as they exist."""
    run = run if run is not None else ImportRun()

    def backup_then_hook() -> None:
        run.backup = backup_before(engine, "import")  # forced: no backup, no import
        if before_write is not None:
            before_write()

    if not dry_run:
        yield 0, 0, "Sauvegarde de sécurité avant l'import…"
    result = yield from apply_steps(engine, parsed, dry_run=dry_run, before_write=backup_then_hook)
    run.result = result
    return result


def import_rows_steps(
    engine: Engine,
    rows: Iterable[Mapping[str, Any]],
    *,
    source_name: str,
    dry_run: bool = False,
    before_write: Callable[[], object] | None = None,
) -> Generator[Progress, None, ImportResult]:
    parsed = yield from check_rows_steps(engine, rows, source_name=source_name)
    return (
        yield from import_checked_steps(engine, parsed, dry_run=dry_run, before_write=before_write)
    )


def import_rows(
    engine: Engine,
    rows: Iterable[Mapping[str, Any]],
    *,
    source_name: str,
    dry_run: bool = False,
    before_write: Callable[[], object] | None = None,
) -> ImportResult:
    """Import rows already parsed: each a mapping from column name (as in a file header: date,
    heure, site, canal, nom, prenom, sexe, date_naissance, visiteur, services) to its value
    (text, or date / time objects); ``services`` may also be a list of labels. Same checks,
    identity rule, forced backup and all-or-nothing as a file; rows are numbered from 1 in
    error messages."""
    return run_steps(
        import_rows_steps(
            engine, rows, source_name=source_name, dry_run=dry_run, before_write=before_write
        )
    )


def apply_steps(
    engine: Engine,
    parsed: ParsedImport,
    *,
    dry_run: bool = False,
    before_write: Callable[[], object] | None = None,
) -> Generator[Progress, None, ImportResult]:
    """Write checked rows in one transaction (or, for a dry run, only count what would be);
    no backup here: :func:`import_checked_steps` makes it.

    On a server, imports run one at a time (as SQLite's write transactions do): a file that
    another desk is importing at the same moment is found already imported once its import is
    committed. A transaction that still collides with another desk's is run again."""
    if dry_run:
        with read_session(engine) as s:
            return (yield from Writer(s, parsed, dry_run).run())
    if before_write is not None and len(parsed):
        before_write()

    def write() -> Generator[Progress, None, ImportResult]:
        with write_session(engine) as s:
            one_at_a_time(s, IMPORT_LOCK_KEY)
            result = yield from Writer(s, parsed, dry_run).run()
            record(s, current_actor(), "import", result.source_name, _audited_counts(result))
            return result

    return (yield from retry_steps_on_conflict(write, what="l'import des contacts"))


def _audited_counts(result: ImportResult) -> dict[str, int]:
    """What the import's audit entry says it did (counts only: no name from the file)."""
    return {
        "rows_read": result.rows_read,
        "contacts_added": result.contacts_added,
        "skipped_existing": result.skipped_existing,
        "visitors_created": result.visitors_created,
        "visitors_matched": result.visitors_matched,
        "sites_created": result.sites_created,
    }
