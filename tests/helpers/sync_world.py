"""Three installations of one network and the one database that holds everything.

Every operation goes through SARAH's services at one installation (its own file, its own base
folder, as on its own PC) and, under the ids that database gave, in the reference database D.
An installation only acts on what it holds. What each one has heard of is kept as the set of
operations its packages carried (``known``): in ``causal`` mode an operation is only made where
every earlier operation on the same rows is known, which is when "the greater version wins"
must give what D, where the operations were made one after the other, holds.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path

from sqlalchemy import Engine, select

from sarah import paths, schema
from sarah.db import read_connection
from sarah.errors import UserError
from sarah.reports.tables import Period
from sarah.services.catalogue import (
    add_service,
    list_services,
    move_service,
    rename_service,
    retire_service,
)
from sarah.services.contacts import ContactDraft, delete_contact, log_contact, update_contact
from sarah.services.database import open_database
from sarah.services.desk.days import mark_closed_day
from sarah.services.sites import ensure_site, list_sites
from sarah.services.statistics.tables import semester_tables
from sarah.services.statistics.upkeep import statistics_drift
from sarah.services.sync.container import TABLES
from sarah.services.sync.export import export_package
from sarah.services.sync.keys import NetworkKey, install_key
from sarah.services.sync.receive import ImportResult, import_package
from sarah.services.visitor_merges import unmerge_visitors
from sarah.services.visitors import create_visitor as create_visitor_service
from sarah.services.visitors import merge_visitors, update_visitor

HOMES = {"A": "Fontaine d'Ouche", "B": "Grésilles", "C": "Chenôve"}
# Few days, in two semesters, so that contacts meet at period edges and first contacts move.
DAYS = (
    date(2025, 9, 15),
    date(2025, 12, 31),
    date(2026, 1, 2),
    date(2026, 3, 10),
    date(2026, 6, 30),
)
PERIODS = (Period.semester("2025-S2"), Period.semester("2026-S1"), Period(DAYS[0], DAYS[-1]))
BIRTHS = (None, date(1990, 5, 1), date(2001, 3, 10), date(1955, 11, 30))
FIRST_NAMES = ("Léa", "Jean", "Aïcha")
# Columns of travelling rows written without a new version, and so allowed to differ between
# installations: none (a site's ``last_revision`` is no longer written at each change).
LOCAL_ONLY: dict[str, tuple[str, ...]] = {}
LABELS = ("Atelier numérique", "Permanence CAF", "Café des parents")


@dataclass
class Package:
    path: Path
    sender: str
    known: frozenset[int]


@dataclass
class World:
    root: Path
    causal: bool
    engines: dict[str, Engine] = field(default_factory=dict)
    d: Engine | None = None
    home: dict[str, uuid.UUID] = field(default_factory=dict)  # installation -> its site id
    d_sites: dict[str, uuid.UUID] = field(default_factory=dict)  # site name -> id in D
    to_d: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)  # a row's id -> id in D
    twins: set[uuid.UUID] = field(default_factory=set)  # D ids of people recorded twice
    known: dict[str, set[int]] = field(default_factory=dict)
    touched: dict[object, set[int]] = field(default_factory=dict)  # row key -> operations
    packages: list[Package] = field(default_factory=list)
    imports: list[ImportResult] = field(default_factory=list)
    log: list[str] = field(default_factory=list)  # what was done, for a failing example
    serial: int = 0

    # --- setting up ------------------------------------------------------------------------

    @classmethod
    def create(cls, root: Path, *, causal: bool, servers: dict[str, Engine] | None = None) -> World:
        """``servers``: installations that are a PostgreSQL database (an engine migrated to
        head) instead of their own SQLite file."""
        world = cls(root, causal)
        key = NetworkKey.generate()
        for name, site in HOMES.items():
            world.at(name)
            engine = world.engines[name] = (servers or {}).get(name) or open_database(
                root / f"{name}.sqlite"
            )
            install_key(engine, key)
            world.home[name] = ensure_site(engine, site).id
            world.known[name] = set()
        world.at("D")
        world.d = open_database(root / "D.sqlite")
        for site in sorted(HOMES.values()):  # the order the installations' sites end in
            world.d_sites[site] = ensure_site(world.d, site).id
        for name in HOMES:
            world.to_d[world.home[name]] = world.d_sites[HOMES[name]]
        for s in list_services(world.d):  # the catalogue of migration 0001: the same ids
            world.to_d[s.id] = s.id
        return world

    def close(self) -> None:
        for engine in [*self.engines.values(), self.d]:
            if engine is not None and engine.dialect.name == "sqlite":  # servers: their fixture's
                engine.dispose()
        paths.set_basedir(None)

    def at(self, name: str) -> None:
        """Work as the PC of ``name`` does: its own data, backup and scratch folders."""
        paths.set_basedir(self.root / f"home-{name}")

    # --- knowledge -------------------------------------------------------------------------

    def allowed(self, name: str, keys: list[object]) -> bool:
        """In causal mode: every earlier operation on these rows is known at ``name``."""
        if not self.causal:
            return True
        return all(self.touched.get(k, set()) <= self.known[name] for k in keys)

    def record(self, name: str, keys: list[object], what: str) -> None:
        op = self.serial = self.serial + 1
        self.known[name].add(op)
        for k in keys:
            self.touched.setdefault(k, set()).add(op)
        self.log.append(f"{op} {name}: {what}")

    # --- reading an installation -----------------------------------------------------------

    def in_order_made(self, ids: list) -> list:
        """Rows in the order the history made them (never by their random ids: hypothesis must
        draw the same choices again when it replays an example)."""
        rank = {k: i for i, k in enumerate(self.to_d)}
        return sorted(ids, key=lambda row: rank[row[0] if isinstance(row, tuple) else row])

    def visitors(self, name: str) -> list[uuid.UUID]:
        engine = self.engines[name]
        v = schema.visitors
        with read_connection(engine) as conn:
            rows = conn.execute(
                select(v.c.id)
                .where(v.c.deleted_at.is_(None), v.c.merged_into_id.is_(None))
                .order_by(v.c.id)
            ).scalars()
            return self.in_order_made([i for i in rows if i in self.to_d])

    def contacts(self, name: str) -> list[tuple[uuid.UUID, uuid.UUID | None]]:
        c = schema.contacts
        with read_connection(self.engines[name]) as conn:
            rows = conn.execute(
                select(c.c.id, c.c.visitor_id)
                .where(c.c.deleted_at.is_(None), c.c.site_id == self.home[name])
                .order_by(c.c.id)
            ).all()
        return self.in_order_made([(i, v) for i, v in rows if i in self.to_d])

    def services(self, name: str) -> list[tuple[uuid.UUID, str, bool]]:
        return [
            (s.id, s.label, s.retired)
            for s in list_services(self.engines[name])
            if s.id in self.to_d
        ]

    def merges(self, name: str) -> list[tuple[uuid.UUID, uuid.UUID, uuid.UUID]]:
        m = schema.visitor_merges
        with read_connection(self.engines[name]) as conn:
            rows = conn.execute(
                select(m.c.id, m.c.survivor_id, m.c.absorbed_id)
                .where(m.c.deleted_at.is_(None))
                .order_by(m.c.id)
            ).all()
        return self.in_order_made([(i, s, a) for i, s, a in rows if i in self.to_d])

    # --- operations ------------------------------------------------------------------------

    def both(
        self, name: str, here: Callable[[Engine], object], there: Callable[[Engine], object]
    ) -> object:
        """Do it at ``name``, then in D; a refusal at ``name`` is made nowhere."""
        self.at(name)
        result = here(self.engines[name])
        self.in_d(there)
        return result

    def in_d(self, there: Callable[[Engine], object]) -> None:
        """Made in D too, in causal mode only (elsewhere D would refuse what it cannot hold)."""
        if self.causal:
            self.at("D")
            assert self.d is not None
            there(self.d)

    def create_visitor(self, name: str, first: str, sex: str | None, born: date | None) -> None:
        last = f"Nom{self.serial + 1}"  # never the same person by chance

        def here(e: Engine) -> uuid.UUID:
            return create_visitor_service(
                e,
                last_name=last,
                first_name=first,
                sex=sex,
                birth_date=born,
                site_id=self.home[name],
            ).id

        created: list[uuid.UUID] = []

        def there(e: Engine) -> None:
            created.append(
                create_visitor_service(
                    e, last_name=last, first_name=first, sex=sex, birth_date=born
                ).id
            )

        vid = self.both(name, here, there)
        assert isinstance(vid, uuid.UUID)
        self.to_d[vid] = created[0] if created else vid
        self.record(name, [vid, ("group", vid)], f"new visitor {last} {first} {sex} {born}")

    def create_twin(self, name: str, pick: int) -> bool:
        """The same person (names and birth date) recorded at ``name`` without knowing that
        another installation has a record of them; D, holding everything, has the one record."""
        held = set(self.visitors(name))
        v = schema.visitors
        candidates = []
        for other in self.engines:
            if other == name:
                continue
            with read_connection(self.engines[other]) as conn:
                for row in conn.execute(
                    select(v.c.id, v.c.last_name, v.c.first_name, v.c.sex, v.c.birth_date)
                    .where(v.c.deleted_at.is_(None), v.c.birth_date.is_not(None))
                    .order_by(v.c.id)
                ):
                    if row.id not in held and row.id in self.to_d:
                        candidates.append(tuple(row))
        if not candidates:
            return False
        candidates = self.in_order_made(list(dict.fromkeys(candidates)))
        vid, last, first, sex, born = candidates[pick % len(candidates)]
        self.at(name)
        twin = create_visitor_service(
            self.engines[name],
            last_name=last,
            first_name=first,
            sex=sex,
            birth_date=born,
            site_id=self.home[name],
        ).id
        self.to_d[twin] = self.to_d[vid]
        self.twins.add(self.to_d[vid])
        self.record(name, [twin, ("group", twin)], f"twin {twin} of {vid} ({last})")
        return True

    def add_site(self, name: str, site: str) -> None:
        """A site created at ``name`` (maybe at another installation too, unawares)."""
        self.at(name)
        sid = ensure_site(self.engines[name], site).id
        self.to_d[sid] = sid
        if self.causal:
            self.at("D")
            assert self.d is not None
            self.to_d[sid] = self.d_sites[site] = ensure_site(self.d, site).id
        self.record(name, [], f"site {site} ({sid})")

    def sites(self, name: str) -> list[uuid.UUID]:
        """The live sites ``name`` holds."""
        return self.in_order_made(
            [s.id for s in list_sites(self.engines[name]) if s.id in self.to_d]
        )

    def draft(
        self,
        name: str,
        day: date,
        channel: str,
        visitor: uuid.UUID | None,
        services: list[uuid.UUID],
        d: bool,
        site: uuid.UUID | None = None,
    ) -> ContactDraft:
        m = self.to_d if d else {}
        where = site or self.home[name]
        return ContactDraft(
            site_id=m.get(where, where),
            channel=channel,
            local_date=day,
            local_time=time(10),
            visitor_id=m.get(visitor, visitor) if visitor else None,
            service_ids=[m.get(s, s) for s in services],
        )

    def log_contact(
        self,
        name: str,
        day: date,
        channel: str,
        visitor: uuid.UUID | None,
        services: list[uuid.UUID],
        site: uuid.UUID | None = None,
    ) -> bool:
        keys: list[object] = [("group", visitor)] if visitor else []
        if not self.allowed(name, keys):
            return False
        created: list[uuid.UUID] = []
        cid = self.both(
            name,
            lambda e: (
                log_contact(e, self.draft(name, day, channel, visitor, services, False, site)).id
            ),
            lambda e: created.append(
                log_contact(e, self.draft(name, day, channel, visitor, services, True, site)).id
            ),
        )
        assert isinstance(cid, uuid.UUID)
        self.to_d[cid] = created[0] if created else cid
        self.record(
            name, [cid, *keys], f"contact {cid} {day} {channel} visitor={visitor} site={site}"
        )
        return True

    def update_contact(
        self,
        name: str,
        contact: tuple[uuid.UUID, uuid.UUID | None],
        day: date,
        channel: str,
        visitor: uuid.UUID | None,
        services: list[uuid.UUID],
    ) -> bool:
        cid, before = contact
        keys: list[object] = [
            cid,
            *([("group", before)] if before else []),
            *([("group", visitor)] if visitor else []),
        ]
        if not self.allowed(name, keys):
            return False
        self.both(
            name,
            lambda e: update_contact(
                e, cid, self.draft(name, day, channel, visitor, services, False)
            ),
            lambda e: update_contact(
                e, self.to_d[cid], self.draft(name, day, channel, visitor, services, True)
            ),
        )
        self.record(name, keys, f"edit contact {cid} {day} {channel} visitor={visitor}")
        return True

    def delete_contact(self, name: str, contact: tuple[uuid.UUID, uuid.UUID | None]) -> bool:
        cid, visitor = contact
        keys: list[object] = [cid, *([("group", visitor)] if visitor else [])]
        if not self.allowed(name, keys):
            return False
        self.both(
            name, lambda e: delete_contact(e, cid), lambda e: delete_contact(e, self.to_d[cid])
        )
        self.record(name, keys, f"delete contact {cid}")
        return True

    def update_visitor(
        self, name: str, vid: uuid.UUID, first: str, sex: str | None, born: date | None
    ) -> bool:
        if not self.allowed(name, [vid]) or (self.causal and self.to_d[vid] in self.twins):
            return False
        with read_connection(self.engines[name]) as conn:
            last = conn.execute(
                select(schema.visitors.c.last_name).where(schema.visitors.c.id == vid)
            ).scalar_one()
        self.both(
            name,
            lambda e: update_visitor(
                e,
                vid,
                last_name=last,
                first_name=first,
                sex=sex,
                birth_date=born,
                site_id=self.home[name],
            ),
            lambda e: update_visitor(
                e,
                self.to_d[vid],
                last_name=last,
                first_name=first,
                sex=sex,
                birth_date=born,
                site_id=self.d_sites[HOMES[name]],
            ),
        )
        self.record(name, [vid], f"edit visitor {vid} {first} {sex} {born}")
        return True

    def merge_visitors(self, name: str, survivor: uuid.UUID, absorbed: uuid.UUID) -> bool:
        keys: list[object] = [survivor, absorbed, ("group", survivor), ("group", absorbed)]
        same_in_d = self.to_d[survivor] == self.to_d[absorbed]
        if same_in_d or not self.allowed(name, keys):
            return False
        if self.causal and {self.to_d[survivor], self.to_d[absorbed]} & self.twins:
            return False
        self.both(
            name,
            lambda e: merge_visitors(e, survivor, absorbed, site_id=self.home[name]),
            lambda e: merge_visitors(
                e, self.to_d[survivor], self.to_d[absorbed], site_id=self.d_sites[HOMES[name]]
            ),
        )
        mid = _merge_of(self.engines[name], absorbed)
        there = _merge_of(self.d, self.to_d[absorbed]) if self.causal else mid
        assert mid is not None and there is not None
        self.to_d[mid] = there
        self.record(name, [*keys, mid], f"merge {absorbed} into {survivor} (trace {mid})")
        return True

    def unmerge(self, name: str, merge: tuple[uuid.UUID, uuid.UUID, uuid.UUID]) -> bool:
        mid, survivor, absorbed = merge
        keys: list[object] = [mid, survivor, absorbed, ("group", survivor), ("group", absorbed)]
        if not self.allowed(name, keys):
            return False
        try:
            self.at(name)
            unmerge_visitors(self.engines[name], mid, site_id=self.home[name])
        except UserError:
            return False  # blocked here (merged again since): made nowhere
        self.in_d(lambda e: unmerge_visitors(e, self.to_d[mid], site_id=self.d_sites[HOMES[name]]))
        self.record(name, keys, f"unmerge {mid}")
        return True

    def add_service(self, name: str, label: str) -> bool:
        if not self.allowed(name, [("label", label)]):
            return False
        try:
            self.at(name)
            sid = add_service(self.engines[name], label, site_id=self.home[name]).id
        except UserError:
            return False  # the label is taken here
        self.to_d[sid] = sid
        self.in_d(
            lambda e: self.to_d.update(
                {sid: add_service(e, label, site_id=self.d_sites[HOMES[name]]).id}
            )
        )
        self.record(name, [sid, ("label", label)], f"add service {label} ({sid})")
        return True

    def rename_service(self, name: str, service: tuple[uuid.UUID, str, bool], label: str) -> bool:
        sid, old, _retired = service
        keys: list[object] = [sid, ("label", old), ("label", label)]
        if not self.allowed(name, keys):
            return False
        try:
            self.at(name)
            rename_service(self.engines[name], sid, label, site_id=self.home[name])
        except UserError:
            return False
        self.in_d(
            lambda e: rename_service(e, self.to_d[sid], label, site_id=self.d_sites[HOMES[name]])
        )
        self.record(name, keys, f"rename service {old} -> {label}")
        return True

    def retire_service(self, name: str, service: tuple[uuid.UUID, str, bool]) -> bool:
        sid, label, retired = service
        if not self.allowed(name, [sid]):
            return False
        self.both(
            name,
            lambda e: retire_service(e, sid, not retired, site_id=self.home[name]),
            lambda e: retire_service(
                e, self.to_d[sid], not retired, site_id=self.d_sites[HOMES[name]]
            ),
        )
        self.record(name, [sid], f"{'bring back' if retired else 'retire'} service {label}")
        return True

    def move_service(self, name: str, service: tuple[uuid.UUID, str, bool], step: int) -> bool:
        sid, label, _retired = service
        keys: list[object] = [("catalogue order",), *(s for s, _l, _r in self.services(name))]
        if not self.allowed(name, keys):
            return False
        self.both(
            name,
            lambda e: move_service(e, sid, step, site_id=self.home[name]),
            lambda e: move_service(e, self.to_d[sid], step, site_id=self.d_sites[HOMES[name]]),
        )
        self.record(name, keys, f"move service {label} by {step}")
        return True

    def close_day(self, name: str, site: str, day: date) -> bool:
        """``site`` closed on ``day``, marked at ``name`` (a coordination marks other sites':
        two installations may mark the same day, each with a row of its own)."""
        here = {s.name: s.id for s in list_sites(self.engines[name])}
        keys: list[object] = [("closed", site, day)]
        if site not in here or not self.allowed(name, keys):
            return False
        self.both(
            name,
            lambda e: mark_closed_day(e, here[site], day),
            lambda e: mark_closed_day(e, self.d_sites[site], day),
        )
        self.record(name, keys, f"closed day {site} {day}")
        return True

    # --- exchanges -------------------------------------------------------------------------

    def export(self, name: str) -> Package:
        self.at(name)
        path = self.root / f"paquet-{len(self.packages):03}-{name}.sarahsync"
        export_package(self.engines[name], path, name=HOMES[name])
        package = Package(path, name, frozenset(self.known[name]))
        self.packages.append(package)
        self.log.append(f"export {name} -> {path.name}")
        return package

    def receive(self, name: str, package: Package) -> ImportResult:
        self.at(name)
        result = import_package(self.engines[name], package.path)
        self.known[name] |= package.known
        self.imports.append(result)
        self.log.append(f"import {package.path.name} at {name}: changed {result.changed}")
        return result

    def full_exchange(self) -> None:
        """Every installation imports a fresh package of every other one, twice round."""
        for _round in range(2):
            fresh = {name: self.export(name) for name in self.engines}
            for name in self.engines:
                for other, package in fresh.items():
                    if other != name:
                        self.receive(name, package)

    # --- what is compared ------------------------------------------------------------------

    def rows(self, name: str) -> dict[str, list[tuple]]:
        """Every travelling row, as stored, but for the columns each installation keeps for itself."""
        return rows_of(self.root / f"{name}.sqlite")

    def reports(self, engine: Engine) -> list[dict]:
        return [semester_tables(engine, p).to_json() for p in PERIODS]

    def drift(self, engine: Engine) -> list[str]:
        return statistics_drift(engine)


def rows_of(db: Path, *, local_too: bool = False) -> dict[str, list[tuple]]:
    """Every travelling row of ``db`` (with ``local_too``, every column of it)."""
    out = {}
    with sqlite3.connect(db) as conn:
        for t in TABLES:
            local = () if local_too else LOCAL_ONLY.get(t.name, ())
            cols = [c.name for c in t.c if c.name not in local]
            rows = conn.execute(f"SELECT {', '.join(cols)} FROM {t.name}").fetchall()
            out[t.name] = sorted(rows, key=repr)
    return out


def _merge_of(engine: Engine | None, absorbed: uuid.UUID) -> uuid.UUID | None:
    """The live trace of the merge that absorbed ``absorbed``."""
    m = schema.visitor_merges
    assert engine is not None
    with read_connection(engine) as conn:
        found = conn.execute(
            select(m.c.id).where(m.c.absorbed_id == absorbed, m.c.deleted_at.is_(None))
        ).scalar()
    return uuid.UUID(str(found)) if found is not None else None


def typed_rows(engine: Engine) -> dict[str, list[tuple]]:
    """Every travelling row of any installation, SQLite file or PostgreSQL server, as SARAH
    reads it (ids, dates and times as Python values): what two engines can be compared by."""
    out = {}
    with read_connection(engine) as conn:
        for t in TABLES:
            local = LOCAL_ONLY.get(t.name, ())
            cols = [c for c in t.c if c.name not in local]
            out[t.name] = sorted((tuple(r) for r in conn.execute(select(*cols))), key=repr)
    return out
