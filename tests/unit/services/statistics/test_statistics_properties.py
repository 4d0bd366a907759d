"""Random small histories: the engine equals a hand computation of docs/spec/statistics.md, the
invariants hold, and neither the order the data was entered in nor the way of computing changes
anything."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from helpers.pg_databases import PostgresUnavailable, create_test_database, drop_test_database
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete, insert, update

from sarah.db import write_session
from sarah.models import Contact, Visitor, contact_services
from sarah.reports.tables import Period, Report
from sarah.services.catalogue import list_services
from sarah.services.database import open_database
from sarah.services.sites import SiteInfo, ensure_site, resolve_sites
from sarah.services.statistics.tables import report_for_sites
from sarah.services.statistics.upkeep import statistics_drift
from sarah.services.visitors import age_group
from sarah.vocabulary import AGE_GROUPS, SEXES

# Few days, so that coincidences happen: period edges, birthdays, same-day contacts.
DAYS = sorted(
    {
        date(2018, 2, 28),
        date(2018, 3, 1),
        date(2018, 6, 30),
        date(2018, 7, 1),
        date(2018, 12, 31),
        date(2019, 1, 1),
        date(2019, 1, 2),
        date(2019, 3, 14),
        date(2019, 3, 15),
        date(2019, 6, 30),
        date(2019, 7, 1),
    }
)
SITE_NAMES = ("Fontaine d'Ouche", "Grésilles", "Chenôve")


@dataclass(frozen=True)
class Person:
    id: uuid.UUID
    sex: str | None
    born: date | None


@dataclass(frozen=True)
class Row:
    id: uuid.UUID
    site: int
    day: date
    channel: str
    person: int | None  # index into the people, None = anonymous
    services: frozenset[int]  # indexes into the catalogue
    deleted: bool


def years_before(day: date, years: int, shift: int) -> date:
    return day.replace(year=day.year - years) + timedelta(days=shift)


# Birth dates on, just before and just after a 26th birthday falling on a contact day; 29 Feb.
births = st.one_of(
    st.none(),
    st.just(date(1992, 2, 29)),
    st.builds(years_before, st.sampled_from(DAYS), st.just(26), st.sampled_from([-1, 0, 1])),
    st.dates(date(1950, 1, 1), date(2004, 1, 1)),
)
people = st.lists(
    st.builds(
        Person,
        id=st.uuids(version=4),
        sex=st.sampled_from(["F", "H", None]),
        born=births,
    ),
    min_size=2,
    max_size=6,
    unique_by=lambda p: p.id,
)


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[Person], list[Row], Period, list[int]]:
    persons = draw(people)
    rows = draw(
        st.lists(
            st.builds(
                Row,
                id=st.uuids(version=4),
                site=st.integers(0, len(SITE_NAMES) - 1),
                day=st.sampled_from(DAYS),
                channel=st.sampled_from(["physique", "telephone"]),
                person=st.sampled_from([*range(len(persons)), None]),
                services=st.frozensets(st.integers(0, 4), max_size=3),
                deleted=st.integers(0, 3).map(lambda n: n == 0),
            ),
            min_size=4,
            max_size=30,
            unique_by=lambda r: r.id,
        )
    )
    # Mostly usual periods (with history before them), sometimes any two of the days.
    start, end = draw(
        st.one_of(
            st.sampled_from(
                [
                    (date(2019, 1, 1), date(2019, 6, 30)),
                    (date(2018, 7, 1), date(2018, 12, 31)),
                    (date(2018, 3, 1), date(2019, 3, 14)),
                    (date(2019, 1, 2), date(2019, 7, 1)),
                    (date(2019, 3, 15), date(2019, 3, 15)),
                ]
            ),
            st.lists(st.sampled_from(DAYS), min_size=2, max_size=2).map(sorted),
        )
    )
    every_site = list(range(len(SITE_NAMES)))
    sites = draw(
        st.one_of(
            st.just(every_site),
            st.lists(st.sampled_from(every_site), min_size=1, max_size=2, unique=True),
        )
    )
    return persons, rows, Period(start, end), sorted(sites)


# --- the hand computation ---------------------------------------------------------------------


def reference(
    persons: list[Person], rows: list[Row], period: Period, sites: list[int], labels: list[str]
) -> dict:
    """The four tables straight from the words of docs/spec/statistics.md."""
    live = [r for r in rows if not r.deleted]
    part = [r for r in live if r.site in sites and period.start <= r.day <= period.end]

    def people_table(row_sites: list[int]) -> tuple[dict, dict]:
        seen = [r for r in part if r.site in row_sites and r.person is not None]
        table = {a: {s: 0 for s in SEXES} for a in AGE_GROUPS}
        new = {a: {s: 0 for s in SEXES} for a in AGE_GROUPS}
        for who in {r.person for r in seen}:
            assert who is not None
            p = persons[who]
            first = min(r.day for r in seen if r.person == who)
            cell = (age_group(p.born, first), p.sex or "NR")
            table[cell[0]][cell[1]] += 1
            ever = min(r.day for r in live if r.person == who and r.site in row_sites)
            if period.start <= ever:
                new[cell[0]][cell[1]] += 1

        def shape(t: dict) -> dict:
            out = {a: {**t[a], "total": sum(t[a].values())} for a in AGE_GROUPS}
            out["total"] = sum(sum(t[a].values()) for a in AGE_GROUPS)
            return out

        return shape(table), shape(new)

    def column(col_sites: list[int], row_sites: list[int]) -> dict:
        mine = [r for r in part if r.site in col_sites]
        contacts = {c: sum(1 for r in mine if r.channel == c) for c in ("physique", "telephone")}
        services = {
            label: sum(1 for r in mine if i in r.services) for i, label in enumerate(labels)
        }
        services["Non renseigné"] = sum(1 for r in mine if not r.services)
        services["total"] = sum(services.values())
        table3, table4 = people_table(row_sites)
        return {
            "contacts": {**contacts, "total": len(mine)},
            "services": services,
            "persons": table3,
            "new_persons": table4,
            "anonymous_contacts": sum(1 for r in mine if r.person is None),
        }

    return {
        "by_site": {SITE_NAMES[s]: column([s], [s]) for s in sites},
        "total": column(sites, sites),
    }


# --- the database -----------------------------------------------------------------------------


@dataclass
class Bench:
    engine: Engine
    sites: list[SiteInfo]
    service_ids: list[uuid.UUID]
    labels: list[str]


def _bench(engine: Engine) -> Bench:
    for name in SITE_NAMES:
        ensure_site(engine, name)
    catalogue = list_services(engine)[:5]
    return Bench(
        engine,
        resolve_sites(engine, None),
        [s.id for s in catalogue],
        [s.label for s in catalogue],
    )


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bench]:
    engine = open_database(Path(tmp_path_factory.mktemp("props")) / "props.sqlite")
    yield _bench(engine)
    engine.dispose()


@pytest.fixture(scope="module")
def pg_bench() -> Iterator[Bench]:
    """The same bench on a PostgreSQL database of its own (semesters read stat_semester_people
    there, kept by the triggers of migration 0009)."""
    try:
        url = create_test_database()
    except PostgresUnavailable as exc:
        pytest.skip(str(exc))
    engine = open_database(url)
    try:
        yield _bench(engine)
    finally:
        engine.dispose()
        drop_test_database(url)


def load(bench: Bench, persons: list[Person], rows: list[Row], order: random.Random) -> None:
    """Empty the database, then enter the history in the order given (as writers would)."""
    with write_session(bench.engine) as s:
        s.execute(delete(contact_services))
        s.execute(delete(Contact))
        s.execute(delete(Visitor))
    people_rows = [
        {"id": p.id, "last_name": f"P{i}", "sex": p.sex, "birth_date": p.born}
        for i, p in enumerate(persons)
    ]
    order.shuffle(people_rows)
    shuffled = list(rows)
    order.shuffle(shuffled)
    with write_session(bench.engine) as s:
        s.execute(insert(Visitor), people_rows)
        for r in shuffled:
            s.execute(
                insert(Contact).values(
                    id=r.id,
                    site_id=bench.sites[r.site].id,
                    local_date=r.day,
                    local_time=time(9),
                    entered_at=datetime(2019, 7, 1),
                    channel=r.channel,
                    visitor_id=persons[r.person].id if r.person is not None else None,
                )
            )
            links = [{"contact_id": r.id, "service_id": bench.service_ids[i]} for i in r.services]
            if links:
                s.execute(insert(contact_services), links)
        for r in shuffled:  # deleted afterwards, as the desk does
            if r.deleted:
                s.execute(
                    update(Contact)
                    .where(Contact.id == r.id)
                    .values(deleted_at=datetime(2019, 8, 1))
                )


def only_catalogue_rows(report_json: dict, labels: list[str]) -> dict:
    """The reference knows five services; the 15 others must be zero in the report."""
    for column in [*report_json["by_site"].values(), report_json["total"]]:
        services = column["services"]
        extra = {
            k: v
            for k, v in services.items()
            if k not in labels and k not in ("Non renseigné", "total")
        }
        assert set(extra.values()) <= {0}
        column["services"] = {k: v for k, v in services.items() if k not in extra}
    return report_json


def invariants(report: Report) -> None:
    assert all(check.passed for check in report.checks()), report.checks()
    sites = list(report.by_site.values())
    t3 = report.total.persons
    assert t3.total <= sum(t.persons.total for t in sites)
    if not report.people_seen_at_several_sites:
        assert t3.total == sum(t.persons.total for t in sites)
    for tables in [*sites, report.total]:
        assert tables.new_persons.fits_within(tables.persons)
        for people in (tables.persons, tables.new_persons):
            shares = [people.group_share(a) for a in AGE_GROUPS]
            if people.total:
                assert sum(s for s in shares if s is not None) == 1


def _matches_the_definitions(
    bench: Bench, history: tuple[list[Person], list[Row], Period, list[int]], seed: int
) -> None:
    persons, rows, period, site_indexes = history
    chosen = [bench.sites[i] for i in site_indexes]
    expected = reference(persons, rows, period, site_indexes, bench.labels)

    reports = []
    for attempt in range(2):  # the same history entered in two different orders
        load(bench, persons, rows, random.Random(seed + attempt))
        assert statistics_drift(bench.engine) == []
        for method in ("direct", "derived"):
            report = report_for_sites(bench.engine, period, chosen, method=method)
            invariants(report)
            reports.append(report.to_json())
    assert all(r == reports[0] for r in reports[1:])
    got = only_catalogue_rows(reports[0], bench.labels)
    assert got["sites"] == [SITE_NAMES[i] for i in site_indexes]
    assert got["by_site"] == expected["by_site"]
    assert got["total"] == expected["total"]


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=histories(), seed=st.integers(0, 2**16))
def test_engine_matches_the_definitions_whatever_the_order(
    bench: Bench, history: tuple[list[Person], list[Row], Period, list[int]], seed: int
) -> None:
    _matches_the_definitions(bench, history, seed)


# Fewer examples: each costs PostgreSQL round trips, and the kinds of write are tested one by
# one in test_statistics_postgres_triggers.py.
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=histories(), seed=st.integers(0, 2**16))
def test_postgresql_matches_the_definitions_whatever_the_order(
    pg_bench: Bench, history: tuple[list[Person], list[Row], Period, list[int]], seed: int
) -> None:
    _matches_the_definitions(pg_bench, history, seed)


def test_no_one_at_two_sites_means_the_total_row_is_the_sum(bench: Bench) -> None:
    persons = [Person(uuid.uuid4(), "F", date(1990, 1, 1)) for _ in range(3)]
    rows = [
        Row(uuid.uuid4(), i, date(2019, 2, 1), "physique", i, frozenset(), False) for i in range(3)
    ]
    load(bench, persons, rows, random.Random(1))
    report = report_for_sites(bench.engine, Period.semester("2019-S1"), bench.sites)
    assert not report.people_seen_at_several_sites
    assert report.total.persons.total == 3 == sum(t.persons.total for t in report.by_site.values())
