"""Loading the demo data set into an empty database, in one transaction, and its summary."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from sarah.db import read_session, write_session
from sarah.errors import InvalidInput
from sarah.models import ClosedDay, Contact, Service, Visitor, VisitorMerge, contact_services
from sarah.services.demo.builder import build_demo
from sarah.services.demo.calendar import AGENTS
from sarah.services.demo.data import DemoContact, DemoData
from sarah.services.demo.reference import REFERENCE_END, REFERENCE_START, SERVICE_CODES, SITE_NAMES
from sarah.services.imports.stats import DayServiceSums, DaySums, bulk_statistics
from sarah.services.name_matching import derived_columns
from sarah.services.revisions import next_revision, this_installation
from sarah.services.sites import ensure_site_in
from sarah.services.text import fold, search_key
from sarah.vocabulary import count_text


@dataclass(frozen=True)
class DemoSummary:
    sites: list[str]
    people: int
    contacts: int
    services: int
    first_day: date
    last_day: date
    reference_contacts: int
    reference_people: int


def _agent(site: int, day: date) -> str:
    return [name for since, name in AGENTS[site] if since <= day][-1]


BATCH = 5000


def _batch_sums(
    contacts: list[DemoContact], site_ids: list[uuid.UUID], service_ids: dict[str, uuid.UUID]
) -> tuple[DaySums, DayServiceSums]:
    """What the row-by-row statistics triggers would add for these contacts (live ones only)."""
    days: DaySums = {}
    day_services: DayServiceSums = {}
    for c in contacts:
        if c.deleted_at is not None:
            continue
        site, day = site_ids[c.site].hex, int(c.local_date.strftime("%Y%m%d"))
        sums = days.setdefault((site, day), [0, 0, 0, 0])
        sums[0 if c.channel == "physique" else 1] += 1
        if c.person is None:
            sums[2] += 1
        if not c.services:
            sums[3] += 1
        for code in set(c.services):
            key = (site, day, service_ids[code].hex)
            day_services[key] = day_services.get(key, 0) + 1
    return days, day_services


def _chunks(
    rows: Sequence[Mapping[str, object]],
) -> Iterator[Sequence[Mapping[str, object]]]:
    for i in range(0, len(rows), BATCH):
        yield rows[i : i + BATCH]


def _strip_accents(text: str) -> str:
    folded = fold(text)
    return folded[:1].upper() + folded[1:]


def _refuse_unless_ready(s: Session) -> dict[str, uuid.UUID]:
    """The catalogue's service ids by code; refuses a database that already holds contacts."""
    existing = s.scalar(select(func.count()).select_from(Contact)) or 0
    if existing:
        raise InvalidInput(
            f"Cette base contient déjà {count_text(existing)} contact(s) : les données de "
            "démonstration sont faites pour une base vide et n'y ont pas été ajoutées. "
            "Utilisez une nouvelle base, par exemple : sarah --db demo.sqlite demo"
        )
    service_ids = dict(
        s.execute(select(Service.code, Service.id).where(Service.deleted_at.is_(None))).all()
    )
    missing = [code for code in SERVICE_CODES if code not in service_ids]
    if missing:
        raise InvalidInput(
            "Le catalogue de services ne contient plus les services de référence "
            f"({', '.join(missing)}) : les données de démonstration ne peuvent pas être chargées."
        )
    return service_ids


Revisions = list[int]  # each demo site's revision for this load, by site index


def _demo_sites(s: Session) -> tuple[list[uuid.UUID], Revisions]:
    """The two Points Relais (created when missing), in the report's order, with the revision
    this load writes for each."""
    sites = [ensure_site_in(s, name) for name in SITE_NAMES]
    site_ids = [site.id for site in sites]
    revision = [next_revision(s) for _site in site_ids]
    if sites[0].position > sites[1].position:
        # A site created earlier (first start of the desk) must not upset the report's order.
        sites[0].position, sites[1].position = sites[1].position, sites[0].position
        for site, rev in zip(sites, revision, strict=True):
            site.revision = rev
    return site_ids, revision


def _visitor_rows(
    data: DemoData, site_ids: list[uuid.UUID], revision: Revisions
) -> list[dict[str, object]]:
    """The people, then the records merged into them (tombstoned, ``merged_into_id`` set)."""
    first_seen: dict[uuid.UUID, datetime] = {}
    for c in data.contacts:
        if c.person is not None and c.person.id not in first_seen:
            first_seen[c.person.id] = c.entered_at
    visitor_rows: list[dict[str, object]] = [
        {
            "id": p.id,
            "last_name": p.last_name,
            "first_name": p.first_name,
            "sex": p.sex,
            "birth_date": p.birth_date,
            "search_key": search_key(p.last_name, p.first_name),
            **derived_columns(p.last_name, p.first_name),
            "merged_into_id": None,
            "origin_site_id": site_ids[p.home],
            "revision": revision[p.home],
            "created_at": first_seen[p.id],
            "updated_at": first_seen[p.id],
            "deleted_at": None,
        }
        for p in data.people
    ]
    for m in data.merges:
        first = _strip_accents(m.absorbed_first_name)
        visitor_rows.append(
            {
                "id": m.absorbed_id,
                "last_name": m.survivor.last_name,
                "first_name": first,
                "sex": m.survivor.sex,
                "birth_date": None,
                "search_key": search_key(m.survivor.last_name, first),
                **derived_columns(m.survivor.last_name, first),
                "merged_into_id": m.survivor.id,
                "origin_site_id": site_ids[m.contact.site],
                "revision": revision[m.contact.site],
                "created_at": m.contact.entered_at,
                "updated_at": m.merged_at,
                "deleted_at": m.merged_at,
            }
        )
    return visitor_rows


def _insert_contacts(
    s: Session,
    data: DemoData,
    site_ids: list[uuid.UUID],
    revision: Revisions,
    service_ids: dict[str, uuid.UUID],
) -> None:
    """The contacts and their services, by batches, with the statistics sums of each batch."""
    contact_rows = [
        {
            "id": c.id,
            "site_id": site_ids[c.site],
            "local_date": c.local_date,
            "local_time": c.local_time,
            "entered_at": c.entered_at,
            "channel": c.channel,
            "visitor_id": c.person.id if c.person is not None else None,
            "agent": _agent(c.site, c.local_date),
            "import_key": None,
            "origin_site_id": site_ids[c.site],
            "revision": revision[c.site],
            "created_at": c.entered_at,
            "updated_at": c.deleted_at or c.entered_at,
            "deleted_at": c.deleted_at,
        }
        for c in data.contacts
    ]
    # The statistics sums are added per batch, as a large import does (sarah.services.
    # import_stats), rather than by the row-by-row triggers.
    with bulk_statistics(s.connection(), len(contact_rows)) as sums:
        for start in range(0, len(contact_rows), BATCH):
            batch = contact_rows[start : start + BATCH]
            s.execute(insert(Contact.__table__), _changed_here(batch, this_installation(s)))
            pair_rows = [
                {"contact_id": c.id, "service_id": service_ids[code]}
                for c in data.contacts[start : start + BATCH]
                for code in c.services
            ]
            if pair_rows:
                s.execute(insert(contact_services), pair_rows)
            sums.add_batch(
                *_batch_sums(data.contacts[start : start + BATCH], site_ids, service_ids)
            )


def _merge_rows(
    data: DemoData, site_ids: list[uuid.UUID], revision: Revisions
) -> list[dict[str, object]]:
    """The trace of each merge, with what "Annuler la fusion" needs."""
    return [
        {
            "id": m.id,
            "survivor_id": m.survivor.id,
            "absorbed_id": m.absorbed_id,
            "merged_at": m.merged_at,
            "moved_contacts": 1,
            "absorbed_profile": json.dumps(
                {
                    "last_name": m.survivor.last_name,
                    "first_name": _strip_accents(m.absorbed_first_name),
                    "sex": m.survivor.sex,
                    "birth_date": None,
                },
                ensure_ascii=False,
            ),
            "agent": _agent(m.contact.site, m.merged_at.date()),
            # What "Annuler la fusion" needs: the contact moved, the survivor before.
            "moved_contact_ids": json.dumps([str(m.contact.id)]),
            "survivor_profile": json.dumps(
                {
                    "last_name": m.survivor.last_name,
                    "first_name": m.survivor.first_name,
                    "sex": m.survivor.sex,
                    "birth_date": m.survivor.birth_date.isoformat()
                    if m.survivor.birth_date
                    else None,
                },
                ensure_ascii=False,
            ),
            "origin_site_id": site_ids[m.contact.site],
            "revision": revision[m.contact.site],
            "created_at": m.merged_at,
            "updated_at": m.merged_at,
            "deleted_at": None,
        }
        for m in data.merges
    ]


def _closed_day_rows(
    data: DemoData, site_ids: list[uuid.UUID], revision: Revisions
) -> list[dict[str, object]]:
    """The days each site was closed, so that the gap alert stays quiet about them."""
    return [
        {
            "id": uuid.uuid4(),
            "site_id": site_ids[site],
            "day": day,
            "reason": reason,
            "origin_site_id": site_ids[site],
            "revision": revision[site],
            "created_at": datetime.combine(day, time(8, 30)),
            "updated_at": datetime.combine(day, time(8, 30)),
            "deleted_at": None,
        }
        for site, days in data.closed_days.items()
        for day, reason in sorted(days.items())
    ]


def _changed_here(rows: Sequence[Mapping[str, object]], me: uuid.UUID) -> list[dict[str, object]]:
    """The rows, as changes made by this installation (their version's tie-break)."""
    return [{**row, "changed_by": me} for row in rows]


def load_demo(engine: Engine, data: DemoData | None = None) -> DemoSummary:
    """Write the demonstration data set into an empty database, in one transaction.

    Refuses (:class:`InvalidInput`) a database that already holds contacts: the demonstration
    is made for a new, empty database, never mixed with real data.
    """
    if data is None:
        with read_session(engine) as s:
            _refuse_unless_ready(s)  # before spending time on building it
        data = build_demo()
    with write_session(engine) as s:
        service_ids = _refuse_unless_ready(s)  # again: the write lock is held from here on
        site_ids, revision = _demo_sites(s)
        me = this_installation(s)
        for chunk in _chunks(_visitor_rows(data, site_ids, revision)):
            s.execute(insert(Visitor.__table__), _changed_here(chunk, me))
        _insert_contacts(s, data, site_ids, revision, service_ids)
        merge_rows = _merge_rows(data, site_ids, revision)
        if merge_rows:
            s.execute(insert(VisitorMerge.__table__), _changed_here(merge_rows, me))
        closed_rows = _closed_day_rows(data, site_ids, revision)
        if closed_rows:
            s.execute(insert(ClosedDay.__table__), _changed_here(closed_rows, me))

    return summarize(data)


def summarize(data: DemoData) -> DemoSummary:
    live = [c for c in data.contacts if c.deleted_at is None]
    ref = [c for c in live if REFERENCE_START <= c.local_date <= REFERENCE_END]
    return DemoSummary(
        sites=list(SITE_NAMES),
        people=len(data.people),
        contacts=len(live),
        services=sum(len(c.services) for c in live),
        first_day=min(c.local_date for c in live),
        last_day=max(c.local_date for c in live),
        reference_contacts=len(ref),
        reference_people=len({c.person.id for c in ref if c.person is not None}),
    )


def summary_lines(summary: DemoSummary) -> list[str]:
    n = count_text
    return [
        "Données de démonstration chargées (personnes et contacts fictifs).",
        f"Points Relais : {' et '.join(summary.sites)}.",
        f"{n(summary.contacts)} contacts du {summary.first_day:%d/%m/%Y} au "
        f"{summary.last_day:%d/%m/%Y}, {n(summary.services)} services délivrés, "
        f"{n(summary.people)} personnes.",
        f"1er semestre 2019 : {n(summary.reference_contacts)} contacts de "
        f"{n(summary.reference_people)} personnes différentes, comme dans le rapport "
        "d'activité 2019.",
    ]
