"""On PostgreSQL, the reference semester comes out of both paths as the 2019 activity report
printed it, and a random workload of desk operations leaves the derived sums equal to the
direct path (hypothesis, a bounded number of workloads on one database).

Needs the local server (postgresql://postgres@127.0.0.1:5432, trust auth); skipped without it.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from sarah.reports.tables import Period
from sarah.services.catalogue import list_services
from sarah.services.contacts import (
    ContactDraft,
    delete_contact,
    log_contact,
    restore_contact,
    update_contact,
)
from sarah.services.demo.builder import build_demo
from sarah.services.demo.loader import load_demo
from sarah.services.sites import ensure_site, resolve_sites
from sarah.services.statistics.months import month_breakdown
from sarah.services.statistics.tables import report_for_sites, semester_tables
from sarah.services.statistics.upkeep import statistics_drift
from sarah.services.visitors import create_visitor, update_visitor

pytestmark = pytest.mark.postgres

FIXTURE = Path(__file__).resolve().parents[3] / "fixtures" / "reference-2019-S1.json"


def without_anonymous(report: dict[str, Any]) -> dict[str, Any]:
    """The report minus the anonymous-contact counts, which the 2019 report does not print."""
    for part in [*report["by_site"].values(), report["total"]]:
        assert part.pop("anonymous_contacts", 0) == 0
    return report


def test_the_reference_semester_on_postgresql_by_both_paths(pg_engine: Engine) -> None:
    load_demo(pg_engine, build_demo())
    reference = json.loads(FIXTURE.read_text(encoding="utf-8"))
    period = Period.semester("2019-S1")
    assert without_anonymous(semester_tables(pg_engine, period).to_json()) == reference
    chosen = resolve_sites(pg_engine, None)
    for method in ("derived", "direct"):
        report = report_for_sites(pg_engine, period, chosen, method=method)
        assert without_anonymous(report.to_json()) == reference, method
    names = [s.name for s in chosen]
    assert month_breakdown(pg_engine, period, names, method="derived") == month_breakdown(
        pg_engine, period, names, method="direct"
    )
    assert statistics_drift(pg_engine) == []


# --- a random workload -----------------------------------------------------------------------

SITES = ("Grésilles", "Chenôve", "Talant")
FIRST = date(2018, 12, 20)  # a few contacts before the periods looked at: "new" people vary
PERIODS = (Period.semester("2019-S1"), Period(date(2019, 1, 7), date(2019, 1, 11)))

sites_i = st.integers(0, len(SITES) - 1)
days_i = st.integers(0, 40)
services_i = st.lists(st.integers(0, 5), max_size=3)
log_op = st.tuples(
    st.just("log"),
    sites_i,
    days_i,
    st.sampled_from(["physique", "telephone"]),
    st.one_of(st.none(), st.integers(0, 5)),
    services_i,
)
edit_op = st.tuples(st.just("edit"), st.integers(0, 99), sites_i, days_i, services_i)
delete_op = st.tuples(st.just("delete"), st.integers(0, 99))
restore_op = st.tuples(st.just("restore"), st.integers(0, 99))
profile_op = st.tuples(
    st.just("profile"),
    st.integers(0, 5),
    st.sampled_from(["F", "H", None]),
    st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2001, 12, 31))),
)
workloads = st.lists(
    st.one_of(log_op, log_op, edit_op, delete_op, restore_op, profile_op), max_size=25
)


@dataclass
class World:
    engine: Engine
    sites: list[Any] = field(default_factory=list)
    services: list[uuid.UUID] = field(default_factory=list)
    people: list[uuid.UUID] = field(default_factory=list)
    contacts: list[uuid.UUID] = field(default_factory=list)
    deleted: set[uuid.UUID] = field(default_factory=set)

    def draft(
        self, site: int, day: int, channel: str, who: int | None, svc: list[int]
    ) -> ContactDraft:
        return ContactDraft(
            self.sites[site].id,
            channel,
            FIRST + timedelta(days=day),
            time(10),
            None if who is None else self.people[who],
            tuple(dict.fromkeys(self.services[i] for i in svc)),
        )

    def apply(self, op: tuple[Any, ...]) -> None:
        kind, *args = op
        if kind == "log":
            self.contacts.append(log_contact(self.engine, self.draft(*args)).id)
            return
        if kind == "profile":
            who, sex, born = args
            update_visitor(
                self.engine,
                self.people[who],
                last_name=f"P{who}",
                first_name="",
                sex=sex,
                birth_date=born,
            )
            return
        if not self.contacts:
            return
        contact = self.contacts[args[0] % len(self.contacts)]
        if kind == "edit" and contact not in self.deleted:
            site, day, svc = args[1:]
            update_contact(
                self.engine, contact, self.draft(site, day, "physique", args[0] % 6, svc)
            )
        elif kind == "delete" and contact not in self.deleted:
            delete_contact(self.engine, contact)
            self.deleted.add(contact)
        elif kind == "restore" and contact in self.deleted:
            restore_contact(self.engine, contact)
            self.deleted.discard(contact)


@pytest.fixture
def world(pg_engine: Engine) -> World:
    w = World(pg_engine)
    w.sites = [ensure_site(pg_engine, name) for name in SITES]
    w.services = [s.id for s in list_services(pg_engine)][:6]
    w.people = [
        create_visitor(pg_engine, last_name=f"P{i}", sex="F", birth_date=date(1993 + i, 1, 15)).id
        for i in range(6)
    ]
    return w


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(workload=workloads)
def test_a_random_workload_keeps_derived_equal_to_direct(
    world: World, workload: list[tuple[Any, ...]]
) -> None:
    """The workloads follow one another on the same database: each starts from what the
    previous ones left, so the sums are checked after ever longer histories."""
    for op in workload:
        world.apply(op)
    assert statistics_drift(world.engine) == []
    chosen = resolve_sites(world.engine, None)
    for period in PERIODS:
        for sites in (chosen, chosen[:1], chosen[1:]):
            derived = report_for_sites(world.engine, period, sites, method="derived").to_json()
            direct = report_for_sites(world.engine, period, sites, method="direct").to_json()
            assert derived == direct
    live = len(world.contacts) - len(world.deleted)
    whole = Period(FIRST, FIRST + timedelta(days=40))
    assert sum(semester_tables(world.engine, whole).total.contacts.values()) == live
