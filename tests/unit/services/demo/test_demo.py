"""`sarah demo`: the demonstration data set reproduces the reference semester exactly.

The tables are checked twice: by the statistics engine, and by a plain Python reading of the
definitions of docs/spec/statistics.md over the rows of the database (written here,
independently of the engine), so that the data set and the engine cannot agree on a wrong answer by accident.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, inspect, select, text

from sarah.calendar_fr import french_public_holidays
from sarah.cli import main
from sarah.models import ClosedDay, Contact, Service, Site, Visitor, contact_services
from sarah.reports.tables import Period, round_percent
from sarah.services.database import open_database
from sarah.services.demo.builder import build_demo
from sarah.services.demo.data import DemoData, fingerprint
from sarah.services.demo.loader import load_demo
from sarah.services.demo.reference import SITE_NAMES
from sarah.services.demo.service_mix import PHONE_SHARE
from sarah.services.statistics.tables import semester_tables
from sarah.services.visitors import age_on
from sarah.vocabulary import CHANNELS

FIXTURE = Path(__file__).resolve().parents[3] / "fixtures" / "reference-2019-S1.json"
S1_START, S1_END = date(2019, 1, 1), date(2019, 6, 30)
LIMIT = 26


def reference() -> dict[str, Any]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def without_anonymous(report: dict[str, Any]) -> dict[str, Any]:
    """The report minus the anonymous-contact counts, which the 2019 report does not print."""
    for part in [*report["by_site"].values(), report["total"]]:
        assert part.pop("anonymous_contacts", 0) == 0
    return report


@pytest.fixture(scope="module")
def demo_data() -> DemoData:
    return build_demo()


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory: pytest.TempPathFactory, demo_data: DemoData) -> Iterator[Engine]:
    """One database with the demonstration loaded, shared by the read-only tests below."""
    engine = open_database(tmp_path_factory.mktemp("demo") / "demo.sqlite")
    load_demo(engine, demo_data)
    yield engine
    engine.dispose()


# --- an independent reading of docs/spec/statistics.md ----------------------------------------


def _empty_people() -> dict[str, Any]:
    cells = {g: {"F": 0, "H": 0, "NR": 0, "total": 0} for g in ("jeunes", "adultes", "NR")}
    return {**cells, "total": 0}


def _count(people: dict[str, Any], birth: date | None, sex: str | None, on: date) -> None:
    group = "NR" if birth is None else "jeunes" if age_on(birth, on) < LIMIT else "adultes"
    people[group][sex or "NR"] += 1
    people[group]["total"] += 1
    people["total"] += 1


def tables_by_hand(engine: Engine, start: date, end: date) -> dict[str, Any]:
    """The four tables computed in Python from the rows, rule by rule."""
    with engine.connect() as conn:
        sites = conn.execute(select(Site.id, Site.name).order_by(Site.position)).all()
        catalogue = conn.execute(select(Service.id, Service.label).order_by(Service.position)).all()
        people = {
            r.id: (r.birth_date, r.sex)
            for r in conn.execute(select(Visitor.id, Visitor.birth_date, Visitor.sex))
        }
        rows = conn.execute(
            select(Contact.id, Contact.site_id, Contact.local_date, Contact.channel,
                   Contact.visitor_id).where(Contact.deleted_at.is_(None))
        ).all()  # fmt: skip
        delivered: dict[uuid.UUID, set[uuid.UUID]] = {}
        for contact_id, service_id in conn.execute(select(contact_services)):
            delivered.setdefault(contact_id, set()).add(service_id)

    name_of = dict(sites)
    result: dict[str, Any] = {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "sites": [name for _id, name in sites],
        "by_site": {},
    }
    in_period = [r for r in rows if start <= r.local_date <= end]
    first_ever_at: dict[tuple[uuid.UUID, uuid.UUID], date] = {}
    first_ever: dict[uuid.UUID, date] = {}
    for r in rows:
        if r.visitor_id is None:
            continue
        key = (r.visitor_id, r.site_id)
        first_ever_at[key] = min(first_ever_at.get(key, r.local_date), r.local_date)
        first_ever[r.visitor_id] = min(first_ever.get(r.visitor_id, r.local_date), r.local_date)

    def part(mine: list[Any], site_id: uuid.UUID | None) -> dict[str, Any]:
        """One column: ``site_id`` None is the total column (first contact at any site)."""
        contacts = {c: sum(1 for r in mine if r.channel == c) for c in CHANNELS}
        services = {
            label: sum(1 for r in mine if sid in delivered.get(r.id, ()))
            for sid, label in catalogue
        }
        services["Non renseigné"] = sum(1 for r in mine if not delivered.get(r.id))
        services["total"] = sum(services.values())
        first_in_period: dict[uuid.UUID, date] = {}
        for r in mine:
            if r.visitor_id is not None:
                d = first_in_period.get(r.visitor_id, r.local_date)
                first_in_period[r.visitor_id] = min(d, r.local_date)
        persons, new = _empty_people(), _empty_people()
        for vid, day in first_in_period.items():
            birth, sex = people[vid]
            _count(persons, birth, sex, day)
            ever = first_ever[vid] if site_id is None else first_ever_at[(vid, site_id)]
            if ever >= start:
                _count(new, birth, sex, day)
        return {
            "contacts": {**contacts, "total": sum(contacts.values())},
            "services": services,
            "persons": persons,
            "new_persons": new,
        }

    for site_id, name in sites:
        result["by_site"][name] = part([r for r in in_period if r.site_id == site_id], site_id)
    result["total"] = part(in_period, None)
    assert set(name_of.values()) == set(result["by_site"])
    return result


# --- the reference semester -------------------------------------------------------------------


def test_tables_by_hand_match_the_2019_activity_report(demo_engine: Engine) -> None:
    assert tables_by_hand(demo_engine, S1_START, S1_END) == reference()


def test_engine_reproduces_the_2019_activity_report(demo_engine: Engine) -> None:
    report = semester_tables(demo_engine, Period.semester("2019-S1"))
    assert without_anonymous(report.to_json()) == reference()


def test_gresilles_adult_percentages_are_the_right_ones_not_the_misprint(
    demo_engine: Engine,
) -> None:
    report = semester_tables(demo_engine, Period.semester("2019-S1"))
    adults = report.by_site["Grésilles"].persons
    women, men = adults.sex_share("adultes", "F"), adults.sex_share("adultes", "H")
    assert women is not None and men is not None
    assert (women.numerator, women.denominator) == (249, 457)
    assert (round_percent(women), round_percent(men)) == (54, 46)


def test_command_loads_the_demo_then_the_report_prints_the_reference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "x.sqlite")
    assert main(["--db", db, "demo"]) == 0
    out = capsys.readouterr().out
    assert "Données de démonstration chargées" in out
    assert "5\u202f937 contacts de 1\u202f828 personnes" in out
    assert "report --semester 2019-S1" in out

    assert main(["--db", db, "report", "--semester", "2019-S1"]) == 0
    printed = json.loads(capsys.readouterr().out)
    for name in SITE_NAMES:
        assert printed["by_site"][name]["anonymous_contacts"] == 0
    assert without_anonymous(printed) == reference()

    # The table a coordinator pastes: Grésilles adults 54 % / 46 %, not the misprinted 45 / 55.
    csv_path = tmp_path / "s1.csv"
    args = ["--db", db, "report", "--semester", "2019-S1", "--format", "csv"]
    assert main([*args, "--output", str(csv_path)]) == 0
    lines = csv_path.read_text(encoding="utf-8-sig").splitlines()
    assert "Grésilles;178;52 %;163;48 %;341;43 %;249;54 %;208;46 %;457;57 %;798" in lines


# --- a database that is not empty --------------------------------------------------------------


def test_refuses_a_database_that_already_has_contacts(
    engine: Engine, db_target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from sarah.services.contacts import ContactDraft, log_contact
    from sarah.services.sites import ensure_site

    site = ensure_site(engine, "Chenôve")
    log_contact(engine, ContactDraft(site.id, "physique", date(2024, 3, 4), time(10, 0)))
    assert main(["--db", db_target, "demo"]) == 2
    err = capsys.readouterr().err
    assert "contient déjà 1 contact" in err
    assert "base vide" in err
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Contact)) == 1
        assert conn.scalars(select(Site.name)).all() == ["Chenôve"]
        assert conn.scalar(select(func.count()).select_from(Visitor)) == 0


def test_a_failure_midway_leaves_nothing_behind(engine: Engine, demo_data: DemoData) -> None:
    # The last contact is refused by the database, after thousands of rows were written.
    broken = dataclasses.replace(demo_data.contacts[-1], channel="fax")
    data = dataclasses.replace(demo_data, contacts=[*demo_data.contacts[:-1], broken])
    with engine.connect() as conn:
        clock = conn.scalar(text("SELECT clock FROM installation"))
    with pytest.raises(Exception, match="(?i)constraint"):
        load_demo(engine, data)
    with engine.connect() as conn:
        # What the migrations wrote stays: the schema's version, the catalogue, this
        # installation's identity (its clock untouched: no version was spent).
        for table in inspect(conn).get_table_names():
            if table not in ("alembic_version", "services", "installation"):
                assert conn.scalar(text(f"SELECT count(*) FROM {table}")) == 0, table
        assert conn.scalar(text("SELECT clock FROM installation")) == clock


# --- a plausible data set ------------------------------------------------------------------------


def _contacts(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return conn.execute(
            select(Contact.id, Contact.site_id, Contact.local_date, Contact.local_time,
                   Contact.entered_at, Contact.channel, Contact.visitor_id, Contact.agent,
                   Contact.deleted_at)
        ).all()  # fmt: skip


def test_contacts_fall_on_open_days_within_opening_hours(demo_engine: Engine) -> None:
    with demo_engine.connect() as conn:
        closed = set(conn.execute(select(ClosedDay.site_id, ClosedDay.day)).all())
    holidays = {d for y in (2017, 2018, 2019) for d in french_public_holidays(y)}
    for c in _contacts(demo_engine):
        assert c.local_date.weekday() < 5, c
        assert c.local_date not in holidays, c
        assert (c.site_id, c.local_date) not in closed, c
        assert time(9) <= c.local_time < time(12) or time(13, 30) <= c.local_time < time(17), c
        assert c.agent
        if c.deleted_at is None:
            assert c.entered_at.date() == c.local_date and c.entered_at.time() > c.local_time


def test_realistic_daily_volumes_and_history_around_the_reference(demo_engine: Engine) -> None:
    rows = [c for c in _contacts(demo_engine) if c.deleted_at is None]
    per_day: dict[tuple[uuid.UUID, date], int] = {}
    for c in rows:
        if S1_START <= c.local_date <= S1_END:
            per_day[(c.site_id, c.local_date)] = per_day.get((c.site_id, c.local_date), 0) + 1
    assert len(per_day) == 2 * 123  # every open day of the semester at both sites
    assert 5 <= min(per_day.values()) and max(per_day.values()) <= 50
    years = {c.local_date.year for c in rows}
    assert years == {2017, 2018, 2019}
    assert sum(1 for c in rows if c.local_date < S1_START) > 15000
    after = [c for c in rows if c.local_date > S1_END]
    assert after and max(c.local_date for c in after) == date(2019, 11, 8)
    with demo_engine.connect() as conn:
        gresilles = conn.scalar(select(Site.id).where(Site.name == "Grésilles"))
    # Sick leave at Grésilles from 17 October 2019: nobody at the desk.
    assert not [c for c in after if c.site_id == gresilles and c.local_date >= date(2019, 10, 17)]
    # Some contacts were logged without a name in the second semester (new desk habit).
    assert any(c.visitor_id is None for c in after)
    assert all(c.visitor_id is not None for c in rows if c.local_date <= S1_END)


def test_services_fit_their_channel(demo_engine: Engine) -> None:
    with demo_engine.connect() as conn:
        codes = dict(conn.execute(select(Service.id, Service.code)).all())
        channel = dict(
            conn.execute(
                select(Contact.id, Contact.channel).where(
                    Contact.deleted_at.is_(None), Contact.local_date.between(S1_START, S1_END)
                )
            ).all()
        )
        pairs = conn.execute(select(contact_services)).all()
    by_contact: dict[uuid.UUID, list[str]] = {}
    for contact_id, service_id in pairs:
        if contact_id in channel:
            by_contact.setdefault(contact_id, []).append(codes[service_id])
    assert set(by_contact) == set(channel)  # every contact of the semester recorded a service
    phone = [s for cid, s in by_contact.items() if channel[cid] == "telephone"]
    assert all(code in PHONE_SHARE for services in phone for code in services)
    messages = [cid for cid, s in by_contact.items() if "message_conseiller" in s]
    by_phone = sum(1 for cid in messages if channel[cid] == "telephone")
    assert by_phone > 0.75 * len(messages)
    several = sum(1 for s in by_contact.values() if len(s) > 1)
    assert 0.2 < several / len(by_contact) < 0.4
    assert max(len(s) for s in by_contact.values()) <= 3


def test_people_stay_at_one_site_in_the_reference_semester_and_returning_ones_have_history(
    demo_engine: Engine,
) -> None:
    rows = [c for c in _contacts(demo_engine) if c.deleted_at is None and c.visitor_id]
    sites_in_s1: dict[uuid.UUID, set[uuid.UUID]] = {}
    for c in rows:
        if S1_START <= c.local_date <= S1_END:
            sites_in_s1.setdefault(c.visitor_id, set()).add(c.site_id)
    assert len(sites_in_s1) == 1828
    assert all(len(s) == 1 for s in sites_in_s1.values())
    # Outside the reference semester, a few people do go to both Points Relais.
    both: dict[uuid.UUID, set[uuid.UUID]] = {}
    for c in rows:
        both.setdefault(c.visitor_id, set()).add(c.site_id)
    assert 10 <= sum(1 for s in both.values() if len(s) == 2) <= 40
    with demo_engine.connect() as conn:
        visitors = conn.execute(
            select(Visitor.id, Visitor.first_name, Visitor.last_name, Visitor.sex,
                   Visitor.birth_date, Visitor.deleted_at, Visitor.merged_into_id)
        ).all()  # fmt: skip
    live = [v for v in visitors if v.deleted_at is None]
    assert all(v.sex in ("F", "H") and v.birth_date and v.first_name and v.last_name for v in live)
    assert len({(v.first_name, v.last_name, v.birth_date) for v in live}) == len(live)
    assert len({v.last_name for v in live}) > 100 and len({v.first_name for v in live}) > 150
    merged = [v for v in visitors if v.merged_into_id is not None]
    assert merged and all(v.deleted_at is not None for v in merged)
    # Ages at the first contact ever: from 16 (employment desks) to retirement age.
    first_day: dict[uuid.UUID, date] = {}
    for c in rows:
        first_day[c.visitor_id] = min(first_day.get(c.visitor_id, c.local_date), c.local_date)
    ages = [age_on(v.birth_date, first_day[v.id]) for v in live if v.id in first_day]
    assert min(ages) >= 16 and max(ages) <= 67


def test_some_young_people_turn_26_during_the_semester_and_still_count_as_young(
    demo_engine: Engine,
) -> None:
    rows = [c for c in _contacts(demo_engine) if c.deleted_at is None and c.visitor_id]
    with demo_engine.connect() as conn:
        births = dict(conn.execute(select(Visitor.id, Visitor.birth_date)).all())
    s1: dict[uuid.UUID, list[date]] = {}
    for c in rows:
        if S1_START <= c.local_date <= S1_END:
            s1.setdefault(c.visitor_id, []).append(c.local_date)
    turning = [
        vid
        for vid, days in s1.items()
        if age_on(births[vid], min(days)) == LIMIT - 1 and age_on(births[vid], max(days)) >= LIMIT
    ]
    assert len(turning) >= 2 * 6


def test_deleted_contacts_are_in_the_database_but_count_nowhere(demo_engine: Engine) -> None:
    deleted = [c for c in _contacts(demo_engine) if c.deleted_at is not None]
    assert len(deleted) >= 2 * 9
    # A first visit once typed with last year's date: deleted, so the person is still new.
    assert any(c.local_date.year == 2018 for c in deleted)


def test_the_same_data_set_every_time(demo_data: DemoData) -> None:
    # Another process, with another string hashing seed: nothing may depend on set order.
    code = "from sarah.services.demo.builder import build_demo; from sarah.services.demo.data import fingerprint; print(fingerprint(build_demo()))"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    other = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert other.stdout.strip() == fingerprint(demo_data)


def test_sites_in_display_order(demo_engine: Engine) -> None:
    with demo_engine.connect() as conn:
        names = conn.scalars(select(Site.name).order_by(Site.position)).all()
        clock = conn.scalar(text("SELECT clock FROM installation"))
        rows = conn.scalar(select(func.count()).select_from(Contact).where(Contact.revision == 0))
    assert tuple(names) == SITE_NAMES
    assert clock >= 1 and rows == 0  # the load's rows carry versions of this installation


def test_statistics_sums_are_right_and_their_triggers_back_after_loading(
    demo_engine: Engine,
) -> None:
    from sarah.services.imports.stats import SUSPENDED_TRIGGERS
    from sarah.services.statistics.upkeep import statistics_drift

    assert statistics_drift(demo_engine) == []
    with demo_engine.connect() as conn:
        triggers = conn.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        assert set(SUSPENDED_TRIGGERS) <= set(triggers)


def test_a_site_created_at_first_start_keeps_the_reference_order(
    engine: Engine, demo_data: DemoData
) -> None:
    from sarah.services.sites import ensure_site, list_sites

    ensure_site(engine, "Grésilles")  # the desk's first start, before anything was logged
    load_demo(engine, demo_data)
    assert [s.name for s in list_sites(engine)] == list(SITE_NAMES)
    report = semester_tables(engine, Period.semester("2019-S1"))
    assert without_anonymous(report.to_json()) == reference()
