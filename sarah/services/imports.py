"""Contact import from a spreadsheet (``sarah contacts import``), as in interfaces.md.

1. Read and check every row (sarah.services.import_read / import_parse). Any bad row: the import
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

import contextlib
import os
import uuid
from array import array
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, and_, bindparam, column, func, insert, select, table, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from sarah.db import read_session, write_session
from sarah.errors import InvalidInput
from sarah.models import Contact, Service, Site, Visitor, contact_services
from sarah.services.import_indexes import rebuilt_indexes
from sarah.services.import_limits import MAX_LISTED
from sarah.services.import_parse import (
    CHANNELS,
    Catalogue,
    CatalogueService,
    ImportRejected,
    Layout,
    ParsedImport,
    Problem,
    RowChecker,
    build_layout,
    header_score,
)
from sarah.services.import_read import open_sheet
from sarah.services.import_stats import BulkStatistics, DayServiceSums, DaySums, bulk_statistics
from sarah.services.revisions import next_revision
from sarah.services.sites import ensure_site_in
from sarah.services.text import fold

__all__ = [
    "ImportRejected",
    "ImportResult",
    "Problem",
    "check_file",
    "import_file",
    "import_file_steps",
    "import_rows",
    "import_rows_steps",
]

CHUNK = 25_000  # rows inserted per statement batch (all inside the one transaction)
LOOKUP_CHUNK = 5_000  # values per IN (...) lookup
PROGRESS_EVERY = 10_000

Progress = tuple[int, int, str]
T = TypeVar("T")
_TIMES = [time(m // 60, m % 60) for m in range(24 * 60)]


class _IncreasingUuid4s:
    """Random version-4 UUIDs (16 bytes each), handed out in increasing order, ``count`` in all.

    The ids are drawn as if ``count`` independent random UUIDs were made and then sorted, without
    holding them all: how many fall under each of the 65,536 two-byte prefixes is drawn first
    (from ``count`` random prefixes), then each prefix's ids are made and sorted when reached.
    """

    def __init__(self, count: int) -> None:
        prefixes = array("H")
        prefixes.frombytes(os.urandom(2 * count))
        self._per_prefix = Counter(prefixes)
        self._prefixes = iter(sorted(self._per_prefix))
        self._pending: list[bytes] = []

    def take(self, count: int) -> list[bytes]:
        """The next ``count`` ids, in increasing order."""
        out: list[bytes] = []
        while len(out) < count:
            if not self._pending:
                prefix = next(self._prefixes)
                self._pending = _uuid4s_under(prefix, self._per_prefix[prefix])
                self._pending.reverse()
            out.append(self._pending.pop())
        return out


def _uuid4s_under(prefix: int, count: int) -> list[bytes]:
    """``count`` random version-4 UUIDs starting with the two bytes ``prefix``, sorted."""
    raw = bytearray(os.urandom(16 * count))
    raw[0::16] = bytes((prefix >> 8,)) * count
    raw[1::16] = bytes((prefix & 0xFF,)) * count
    raw[6::16] = bytes((b & 0x0F) | 0x40 for b in raw[6::16])  # version 4
    raw[8::16] = bytes((b & 0x3F) | 0x80 for b in raw[8::16])  # RFC 4122 variant
    return sorted(bytes(raw[j : j + 16]) for j in range(0, 16 * count, 16))


@dataclass(frozen=True)
class ImportResult:
    """What an import did (or, for a dry run, would do)."""

    source_name: str
    dry_run: bool
    rows_read: int
    contacts_added: int
    skipped_existing: int
    visitors_created: int
    visitors_updated: int
    visitors_matched: int
    sites_created: int
    new_sites: tuple[str, ...] = ()
    per_site: dict[str, int] = field(default_factory=dict)  # contacts added per site
    ignored_columns: tuple[str, ...] = ()
    file_format: str = ""
    # Values kept as text that a spreadsheet would read as formulas: the first ones, and how
    # many in all. They do not stop the import; the summary lists them.
    warnings: tuple[Problem, ...] = ()
    warnings_total: int = 0


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


def import_file_steps(
    engine: Engine,
    path: Path,
    *,
    dry_run: bool = False,
    before_write: Callable[[], object] | None = None,
) -> Generator[Progress, None, ImportResult]:
    """Import a .csv or .xlsx file, all or nothing. ``before_write`` runs once the whole file
    is known to be good, just before the write transaction (the forced backup)."""
    parsed = yield from check_file_steps(engine, path)
    return (yield from apply_steps(engine, parsed, dry_run=dry_run, before_write=before_write))


def import_file(
    engine: Engine,
    path: Path,
    *,
    dry_run: bool = False,
    before_write: Callable[[], object] | None = None,
) -> ImportResult:
    return run_steps(import_file_steps(engine, path, dry_run=dry_run, before_write=before_write))


def import_rows_steps(
    engine: Engine,
    rows: Iterable[Mapping[str, Any]],
    *,
    source_name: str,
    dry_run: bool = False,
    before_write: Callable[[], object] | None = None,
) -> Generator[Progress, None, ImportResult]:
    parsed = yield from check_rows_steps(engine, rows, source_name=source_name)
    return (yield from apply_steps(engine, parsed, dry_run=dry_run, before_write=before_write))


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
    identity rule and all-or-nothing as a file; rows are numbered from 1 in error messages."""
    return run_steps(
        import_rows_steps(
            engine, rows, source_name=source_name, dry_run=dry_run, before_write=before_write
        )
    )


# --- writing ---------------------------------------------------------------------------------------


def apply_steps(
    engine: Engine,
    parsed: ParsedImport,
    *,
    dry_run: bool = False,
    before_write: Callable[[], object] | None = None,
) -> Generator[Progress, None, ImportResult]:
    """Write checked rows in one transaction (or, for a dry run, only count what would be)."""
    if not dry_run and before_write is not None and len(parsed):
        before_write()
    session_scope = read_session(engine) if dry_run else write_session(engine)
    with session_scope as s:
        return (yield from _Writer(s, parsed, dry_run).run())


LARGE_IMPORT = 10_000  # rows from which the import's connection gets a larger page cache
PAGE_CACHE_KIB = 32 * 1024


@contextlib.contextmanager
def _larger_page_cache(session: Session, rows: int) -> Iterator[None]:
    """SQLite's page cache (2 MiB by default) raised to 32 MiB while a large import writes:
    the indexes it fills are then read from memory far more often (about 10 % faster)."""
    if rows < LARGE_IMPORT or session.get_bind().dialect.name != "sqlite":
        yield
        return
    conn = session.connection()
    before = int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())
    conn.exec_driver_sql(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")
    try:
        yield
    finally:
        # A cache size not put back costs only memory: it must never hide the real error.
        with contextlib.suppress(DBAPIError):
            conn.exec_driver_sql(f"PRAGMA cache_size={before}")


@dataclass
class _Match:
    id: uuid.UUID
    sex: str | None
    created_at: datetime | None


class _Writer:
    def __init__(self, session: Session, parsed: ParsedImport, dry_run: bool) -> None:
        self.s = session
        self.p = parsed
        self.dry_run = dry_run
        self.n = len(parsed)
        self.skipped = bytearray(self.n)
        self.site_added = [0] * len(parsed.site_names)
        self.site_ids: list[uuid.UUID | None] = [None] * len(parsed.site_names)
        self.site_revisions = [0] * len(parsed.site_names)
        self.new_sites: list[str] = []
        self.site_names = list(parsed.site_names)  # as spelled in the database when known
        persons = len(parsed.persons)
        self.person_row = array("i", [-1]) * persons  # latest row of the person to be added
        self.person_ids: list[uuid.UUID | None] = [None] * persons
        self.matched: dict[int, _Match] = {}
        self.updates: dict[int, str] = {}  # person -> new sex

    def run(self) -> Generator[Progress, None, ImportResult]:
        yield 0, self.n, "Recherche des lignes déjà importées…"
        yield from self._find_imported()
        self._tally()
        yield 0, self.n, "Recherche des personnes déjà connues…"
        self._resolve_sites()
        self._match_people()
        self._decide_updates()
        created = sum(1 for p, r in enumerate(self.person_row) if r >= 0 and p not in self.matched)
        added = self.n - sum(self.skipped)
        if not self.dry_run:
            self._check_catalogue()
            with _larger_page_cache(self.s, added):
                self._write_people()
                conn = self.s.connection()
                with rebuilt_indexes(conn, added), bulk_statistics(conn, added) as bulk:
                    yield from self._write_contacts(bulk)
        return ImportResult(
            source_name=self.p.source,
            dry_run=self.dry_run,
            rows_read=self.n,
            contacts_added=added,
            skipped_existing=self.n - added,
            visitors_created=created,
            visitors_updated=len(self.updates),
            visitors_matched=len(self.matched),
            sites_created=len(self.new_sites),
            new_sites=tuple(self.new_sites),
            per_site={
                name: count
                for name, count in zip(self.site_names, self.site_added, strict=True)
                if count
            },
            ignored_columns=tuple(self.p.ignored_columns),
            file_format=self.p.description,
            warnings=tuple(self.p.warnings),
            warnings_total=self.p.warnings_total,
        )

    # -- rows already imported --

    def _find_imported(self) -> Generator[Progress, None, None]:
        any_key = self.s.scalar(select(Contact.id).where(Contact.import_key.is_not(None)).limit(1))
        if any_key is None:
            return
        # One statement, the keys passed at each execution: a statement built around each list
        # of keys would keep every list alive in SQLAlchemy's caches (100 MB per million rows).
        stmt = select(Contact.import_key).where(
            Contact.import_key.in_(bindparam("keys", expanding=True))
        )
        conn = self.s.connection()
        for start in range(0, self.n, LOOKUP_CHUNK):
            stop = min(self.n, start + LOOKUP_CHUNK)
            keys = [self.p.import_key(i) for i in range(start, stop)]
            found = set(conn.execute(stmt, {"keys": keys}).scalars())
            if found:
                for i, key in enumerate(keys, start=start):
                    if key in found:
                        self.skipped[i] = 1
            if stop % PROGRESS_EVERY < LOOKUP_CHUNK:
                yield stop, self.n, "Recherche des lignes déjà importées…"

    def _tally(self) -> None:
        """Contacts per site, and each person's latest row among the rows to add."""
        p, skipped = self.p, self.skipped
        group_person, groups, sites = p.group_person, p.groups, p.sites
        latest = [-1] * len(p.persons)
        person_row = self.person_row
        for i in range(self.n):
            if skipped[i]:
                continue
            self.site_added[sites[i]] += 1
            person = group_person[groups[i]]
            rank = p.rank(i)
            if rank > latest[person]:
                latest[person] = rank
                person_row[person] = i

    # -- sites --

    def _resolve_sites(self) -> None:
        existing = self.s.execute(
            select(Site.id, Site.name, Site.deleted_at).order_by(Site.position, Site.name)
        ).all()
        by_name = {r.name: r for r in existing}
        by_fold: dict[str, Any] = {}
        for r in sorted(existing, key=lambda r: r.deleted_at is not None):
            by_fold.setdefault(fold(r.name), r)
        for index, name in enumerate(self.p.site_names):
            if not self.site_added[index]:
                continue
            row = by_name.get(name) or by_fold.get(self.p.site_folds[index])
            if row is not None:
                self.site_names[index] = row.name
                if self.dry_run:
                    continue
                site = ensure_site_in(self.s, row.name)  # brings a deleted site back
            else:
                self.new_sites.append(name)
                if self.dry_run:
                    continue
                site = ensure_site_in(self.s, name)
            self.site_ids[index] = site.id
            self.site_revisions[index] = next_revision(self.s, site.id)

    # -- people --

    def _match_people(self) -> None:
        """Persons of the file already in the database: same folded names and birth date."""
        persons = self.p.persons
        wanted = {persons[i].search_key for i, r in enumerate(self.person_row) if r >= 0}
        if not wanted:
            return
        live = and_(Visitor.deleted_at.is_(None), Visitor.merged_into_id.is_(None))
        if self.s.scalar(select(Visitor.id).where(live).limit(1)) is None:
            return
        found: dict[tuple[str, date | None], _Match] = {}
        keys = sorted(wanted)
        stmt = select(
            Visitor.id, Visitor.search_key, Visitor.birth_date, Visitor.sex, Visitor.created_at
        ).where(live, Visitor.search_key.in_(bindparam("keys", expanding=True)))
        for start in range(0, len(keys), LOOKUP_CHUNK):
            rows = self.s.execute(stmt, {"keys": keys[start : start + LOOKUP_CHUNK]}).all()
            for r in rows:
                k = (r.search_key, r.birth_date)
                old = found.get(k)
                # Two records of one person already: the older one (the other is a duplicate
                # to merge on the Personnes screen).
                if old is None or (r.created_at, str(r.id)) < (old.created_at, str(old.id)):
                    found[k] = _Match(r.id, r.sex, r.created_at)
        for i, row in enumerate(self.person_row):
            if row >= 0:
                person = persons[i]
                match = found.get((person.search_key, person.birth_date))
                if match is not None:
                    self.matched[i] = match
                    self.person_ids[i] = match.id

    def _decide_updates(self) -> None:
        """The file's sex wins when it fills a blank or comes from a contact at least as recent as
        the person's latest contact in the database (the latest row wins)."""
        candidates = {
            i: m
            for i, m in self.matched.items()
            if self.p.persons[i].sex and self.p.persons[i].sex != m.sex
        }
        if not candidates:
            return
        latest: dict[uuid.UUID, int] = {}
        ids = [m.id for m in candidates.values() if m.sex is not None]
        stmt = select(Contact.visitor_id, Contact.local_date, Contact.local_time).where(
            Contact.deleted_at.is_(None), Contact.visitor_id.in_(bindparam("ids", expanding=True))
        )
        for start in range(0, len(ids), LOOKUP_CHUNK):
            rows = self.s.execute(stmt, {"ids": ids[start : start + LOOKUP_CHUNK]}).all()
            for r in rows:
                stamp = (
                    r.local_date.toordinal() * 1440 + r.local_time.hour * 60 + r.local_time.minute
                )
                if stamp > latest.get(r.visitor_id, -1):
                    latest[r.visitor_id] = stamp
        for i, m in candidates.items():
            person = self.p.persons[i]
            if m.sex is None or (person.sex_rank >> 32) >= latest.get(m.id, -1):
                self.updates[i] = person.sex  # type: ignore[assignment]

    # -- writes --

    def _check_catalogue(self) -> None:
        used = {si for combo in self.p.combo_services for si in combo}
        ids = [self.p.catalogue.services[si].id for si in used]
        if not ids:
            return
        live = self.s.scalar(
            select(func.count())
            .select_from(Service)
            .where(Service.id.in_(ids), Service.deleted_at.is_(None))
        )
        if live != len(ids):
            raise InvalidInput(
                "Le catalogue des services a changé pendant l'import : rien n'a été enregistré, "
                "recommencez l'import."
            )

    def _person_site(self, person: int) -> int:
        return self.p.sites[self.person_row[person]]

    def _write_people(self) -> None:
        visitors = Visitor.__table__
        batch: list[dict[str, Any]] = []
        for i, r in enumerate(self.person_row):
            if r < 0 or i in self.matched:
                continue
            person = self.p.persons[i]
            site = self._person_site(i)
            vid = uuid.uuid4()
            self.person_ids[i] = vid
            batch.append(
                {
                    "id": vid,
                    "last_name": person.last_name,
                    "first_name": person.first_name,
                    "sex": person.sex,
                    "birth_date": person.birth_date,
                    "search_key": person.search_key,
                    "origin_site_id": self.site_ids[site],
                    "revision": self.site_revisions[site],
                }
            )
            if len(batch) >= CHUNK:
                self.s.execute(insert(visitors), batch)
                batch = []
        if batch:
            self.s.execute(insert(visitors), batch)
        if self.updates:
            stmt = (
                update(visitors)
                .where(visitors.c.id == bindparam("b_id"))
                .values(sex=bindparam("b_sex"), revision=bindparam("b_revision"))
            )
            self.s.execute(
                stmt,
                [
                    {
                        "b_id": self.person_ids[i],
                        "b_sex": sex,
                        "b_revision": self.site_revisions[self._person_site(i)],
                    }
                    for i, sex in self.updates.items()
                ],
            )

    def _rows_by_day(self) -> array[int]:
        """The rows to add, day after day (file order within a day), in a compact array: a
        sorted list of a million row numbers would hold 36 MB of Python integers."""
        by_day: dict[int, array[int]] = {}
        days, skipped = self.p.days, self.skipped
        for i in range(self.n):
            if not skipped[i]:
                rows = by_day.get(days[i])
                if rows is None:
                    rows = by_day[days[i]] = array("i")
                rows.append(i)
        order = array("i")
        for day in sorted(by_day):
            order.extend(by_day.pop(day))
        return order

    def _write_contacts(self, bulk: BulkStatistics) -> Generator[Progress, None, None]:
        p = self.p
        fmt = _Formats(self.s.connection().dialect)
        entered_at = fmt.datetime(datetime.now().replace(microsecond=0))
        days: dict[int, object] = {}
        day_numbers: dict[int, int] = {}
        sums_wanted = bulk.active
        times = [fmt.time(t) for t in _TIMES]
        service_ids = [fmt.id(s.id) for s in p.catalogue.services]
        site_ids = [fmt.id(i) if i is not None else None for i in self.site_ids]
        person_ids = [fmt.id(i) if i is not None else None for i in self.person_ids]
        # Per-day sums are only kept on SQLite, where ids are stored as their 32 hex digits.
        sum_sites = [i.hex if i is not None else "" for i in self.site_ids]
        sum_services = [s.id.hex for s in p.catalogue.services]
        agents = p.agent_names
        group_person, revisions = p.group_person, self.site_revisions
        # Every row to add in date order, given random ids in increasing order, batch after
        # batch: the id, import key (date first), site-date and service indexes, and the
        # statistics sums, then grow at their end instead of at random pages all over
        # indexes larger than the page cache. The ids stay random version-4 UUIDs.
        order = self._rows_by_day()
        new_ids = _IncreasingUuid4s(len(order))
        already = self.n - len(order)
        added = 0
        for start in range(0, len(order), CHUNK):
            contacts: list[dict[str, Any]] = []
            links: list[dict[str, Any]] = []
            rows = sorted((p.import_key(i), i) for i in order[start : start + CHUNK])
            day_sums: DaySums = {}
            day_service_sums: DayServiceSums = {}
            ids = fmt.ids(new_ids.take(len(rows)))
            for (import_key, i), cid in zip(rows, ids, strict=True):
                site = p.sites[i]
                ordinal = p.days[i]
                day = days.get(ordinal)
                if day is None:
                    day = days[ordinal] = fmt.date(date.fromordinal(ordinal))
                    day_numbers[ordinal] = int(date.fromordinal(ordinal).strftime("%Y%m%d"))
                a = p.agents[i]
                combo = p.combo_services[p.combos[i]]
                if sums_wanted:
                    number = day_numbers[ordinal]
                    sums = day_sums.get((sum_sites[site], number))
                    if sums is None:
                        sums = day_sums[(sum_sites[site], number)] = [0, 0, 0, 0]
                    sums[p.channels[i]] += 1
                    if not combo:
                        sums[3] += 1
                    for si in combo:
                        key = (sum_sites[site], number, sum_services[si])
                        day_service_sums[key] = day_service_sums.get(key, 0) + 1
                contacts.append(
                    {
                        "id": cid,
                        "site_id": site_ids[site],
                        "local_date": day,
                        "local_time": times[p.minutes[i]],
                        "entered_at": entered_at,
                        "channel": CHANNELS[p.channels[i]],
                        "visitor_id": person_ids[group_person[p.groups[i]]],
                        "agent": agents[a] if a >= 0 else None,
                        "import_key": import_key,
                        "origin_site_id": site_ids[site],
                        "revision": revisions[site],
                    }
                )
                for si in combo:
                    links.append({"contact_id": cid, "service_id": service_ids[si]})
            if contacts:
                fmt.insert_contacts(self.s, contacts)
                added += len(contacts)
            if links:
                fmt.insert_links(self.s, links)
            bulk.add_batch(day_sums, day_service_sums)
            del contacts, links
            yield already + added, self.n, f"Enregistrement des contacts ({added} ajoutés)…"


_CONTACT_KEYS = (
    "id",
    "site_id",
    "local_date",
    "local_time",
    "entered_at",
    "channel",
    "visitor_id",
    "agent",
    "import_key",
    "origin_site_id",
    "revision",
)
_LINK_KEYS = ("contact_id", "service_id")


class _Formats:
    """How contact rows are handed to the database.

    On SQLite, values come already in the form SQLAlchemy stores them (each type's own bind
    processor, applied once per distinct date or time; ids as 32 hex digits) and each batch goes
    to the driver's ``executemany`` as a list of dicts, with the SQL of a Core ``insert()``
    compiled once: no per-value work is left in Python, which halves its share of a large
    import. Elsewhere (PostgreSQL) the typed Core insert is executed with the same dicts.
    """

    def __init__(self, dialect: Any) -> None:
        typed = Contact.__table__
        self.raw = dialect.name == "sqlite"
        if not self.raw:
            return
        named = type(dialect)(paramstyle="named")

        def insert_sql(target: Any, keys: tuple[str, ...]) -> str:
            plain = table(target.name, *(column(k) for k in keys))
            return str(insert(plain).compile(dialect=named, column_keys=list(keys)))

        self._contacts_sql = insert_sql(typed, _CONTACT_KEYS)
        self._links_sql = insert_sql(contact_services, _LINK_KEYS)

        def processor(name: str) -> Callable[[Any], Any]:
            kind = typed.c[name].type
            return kind.dialect_impl(dialect).bind_processor(dialect) or (lambda v: v)

        self._date = processor("local_date")
        self._time = processor("local_time")
        self._datetime = processor("entered_at")

    def insert_contacts(self, session: Session, rows: list[dict[str, Any]]) -> None:
        if self.raw:
            session.connection().exec_driver_sql(self._contacts_sql, rows)
        else:
            session.execute(insert(Contact.__table__), rows)

    def insert_links(self, session: Session, rows: list[dict[str, Any]]) -> None:
        if self.raw:
            session.connection().exec_driver_sql(self._links_sql, rows)
        else:
            session.execute(insert(contact_services), rows)

    def id(self, value: uuid.UUID) -> object:
        return value.hex if self.raw else value

    def date(self, value: date) -> object:
        return self._date(value) if self.raw else value

    def time(self, value: time) -> object:
        return self._time(value) if self.raw else value

    def datetime(self, value: datetime) -> object:
        return self._datetime(value) if self.raw else value

    def ids(self, ids: list[bytes]) -> list[Any]:
        return [b.hex() for b in ids] if self.raw else [uuid.UUID(bytes=b) for b in ids]


# --- summary --------------------------------------------------------------------------------------


def _n(count: int) -> str:
    return f"{count:,}".replace(",", " ")


def _plural(count: int, one: str, many: str) -> str:
    return f"{_n(count)} {one if count == 1 else many}"


def summary_lines(result: ImportResult) -> list[str]:
    """What an import did, in French, for the command line and the window."""
    r = result
    lines: list[str] = []
    head = f"{r.source_name} ({r.file_format})" if r.file_format else r.source_name
    if r.dry_run:
        lines.append(f"Simulation sur {head} : rien n'a été enregistré.")
    else:
        lines.append(f"Import de {head} terminé.")
    if not r.contacts_added:
        lines.append(
            f"Aucun contact {'à importer' if r.dry_run else 'importé'} : "
            + (
                f"les {_n(r.skipped_existing)} lignes du fichier ont déjà été importées."
                if r.skipped_existing > 1
                else "la ligne du fichier a déjà été importée."
            )
        )
    else:
        verb = "seraient importés" if r.dry_run else "importés"
        if r.contacts_added == 1:
            verb = "serait importé" if r.dry_run else "importé"
        parts = [f"{_plural(r.contacts_added, 'contact', 'contacts')} {verb}"]
        if r.skipped_existing:
            parts[0] += (
                f" ({_n(r.skipped_existing)} déjà présent"
                f"{'s' if r.skipped_existing > 1 else ''} ignoré{'s' if r.skipped_existing > 1 else ''})"
            )
        parts.append(_plural(r.visitors_created, "nouvelle personne", "nouvelles personnes"))
        if r.visitors_matched:
            known = _plural(r.visitors_matched, "personne déjà connue", "personnes déjà connues")
            if r.visitors_updated:
                fiche = _plural(r.visitors_updated, "fiche mise", "fiches mises")
                known += f" ({fiche} à jour)"
            parts.append(known)
        if r.sites_created:
            names = ", ".join(r.new_sites)
            parts.append(f"{_plural(r.sites_created, 'nouveau site', 'nouveaux sites')} : {names}")
        lines.append(", ".join(parts) + ".")
        lines.append("Contacts par site :")
        width = max(len(name) for name in r.per_site)
        for name, count in r.per_site.items():
            lines.append(f"  {name.ljust(width)}  {_n(count).rjust(9)}")
    if r.ignored_columns:
        plural = "s" if len(r.ignored_columns) > 1 else ""
        names = ", ".join(f"« {c} »" for c in r.ignored_columns[:20])
        if len(r.ignored_columns) > 20:
            names += f" et {_n(len(r.ignored_columns) - 20)} autres"
        lines.append(f"Colonne{plural} ignorée{plural} (non reconnue{plural}) : {names}.")
    lines += warning_lines(r)
    return lines


def warning_lines(result: ImportResult) -> list[str]:
    """The values that look like spreadsheet formulas: a sentence, then one line each
    ("  - ligne 3, colonne « nom » : …"), the first MAX_LISTED, then how many others."""
    total = result.warnings_total
    if not total:
        return []
    kept = "gardées" if total > 1 else "gardée"
    lines = [
        f"Attention : {_plural(total, 'valeur commence', 'valeurs commencent')} par =, +, - "
        f"ou @ comme une formule de tableur ; {'elles sont' if total > 1 else 'elle est'} "
        f"{kept} telle{'s' if total > 1 else ''} quelle{'s' if total > 1 else ''}, comme du "
        f"texte. Vérifiez-{'les' if total > 1 else 'la'} dans le fichier :"
    ]
    lines += [f"  - {w}" for w in result.warnings[:MAX_LISTED]]
    rest = total - min(len(result.warnings), MAX_LISTED)
    if rest > 0:
        lines.append(f"  … et {_plural(rest, 'autre', 'autres')}")
    return lines
