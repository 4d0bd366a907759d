"""Funder profiles: tables 3 and 4 by age bands (FSE+), on a real database.

A small history typed through the desk's services, each person born so that they fall on a
band edge on the day that counts, with the counts written by hand below; then the demonstration
semester, whose FSE+ tables are recomputed here in plain Python from the raw contacts and birth
dates, and whose bands add up to the engine's table 3 and 4.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from sarah.db import read_connection, write_session
from sarah.errors import InvalidInput
from sarah.reports.age_bands import AgeBandTables, parse_profile
from sarah.reports.tables import Period, Report
from sarah.schema import contacts, sites, visitors
from sarah.services.contacts import ContactDraft, delete_contact, log_contact
from sarah.services.database import open_database
from sarah.services.privacy.erase import erase_in
from sarah.services.sites import ensure_site
from sarah.services.statistics.age_bands import age_band_tables
from sarah.services.statistics.tables import semester_tables
from sarah.services.visitors import create_visitor

S1 = Period.semester("2019-S1")
FDO, GRE = "Fontaine d'Ouche", "Grésilles"
U18, A18, A30, A55 = "Moins de 18 ans", "18–29 ans", "30–54 ans", "55 ans et plus"


def row(**bands: dict[str, int]) -> dict[str, Any]:
    """A row as the JSON writes it, from the non-empty bands given by hand:
    row(u18={"F": 2}, nr={"NR": 1})."""
    names = {"u18": U18, "a18": A18, "a30": A30, "a55": A55, "nr": "NR"}
    out: dict[str, Any] = {}
    for short, label in names.items():
        cells = {"F": 0, "H": 0, "NR": 0, **bands.get(short, {})}
        out[label] = {**cells, "total": sum(cells.values())}
    out["total"] = sum(v["total"] for v in out.values())
    return out


# --- a small history on the band edges ------------------------------------------------------


class History:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.site_ids = {name: ensure_site(engine, name).id for name in (FDO, GRE)}

    def person(self, name: str, sex: str | None, born: date | None) -> uuid.UUID:
        return create_visitor(self.engine, last_name=name, sex=sex, birth_date=born).id

    def visit(self, who: uuid.UUID | None, site: str, day: date) -> uuid.UUID:
        draft = ContactDraft(self.site_ids[site], "physique", day, time(10), visitor_id=who)
        return log_contact(self.engine, draft).id


@pytest.fixture
def history(engine: Engine) -> History:
    h = History(engine)
    march15 = date(2019, 3, 15)
    # 17 the day before the 18th birthday; 18 on it, and the day after. A later contact at 18
    # does not move the first one.
    before18 = h.person("Avant", "F", date(2001, 3, 16))
    h.visit(before18, FDO, march15)
    h.visit(before18, FDO, date(2019, 3, 20))
    h.visit(h.person("Anniversaire", "H", date(2001, 3, 15)), FDO, march15)
    h.visit(h.person("Après", "F", date(2001, 3, 14)), FDO, march15)
    # 29 / 30 at Grésilles, the day before and after the 30th birthday.
    h.visit(h.person("Vingt-neuf", "H", date(1989, 5, 11)), GRE, date(2019, 5, 10))
    h.visit(h.person("Trente", "F", date(1989, 5, 9)), GRE, date(2019, 5, 10))
    # 54 (seen in 2017 already: not new) / 55.
    fifty_four = h.person("Cinquante-quatre", "H", date(1964, 2, 2))
    h.visit(fifty_four, FDO, date(2017, 6, 1))
    h.visit(fifty_four, FDO, date(2019, 2, 1))
    h.visit(h.person("Cinquante-cinq", "F", date(1964, 1, 31)), FDO, date(2019, 2, 1))
    # No birth date, no sex.
    h.visit(h.person("Inconnu", None, None), GRE, date(2019, 4, 2))
    # Erased identity: 17 at the first contact, 18 at the second; the ages kept decide.
    erased = h.person("Effacée", "F", date(2001, 1, 20))
    h.visit(erased, FDO, date(2019, 1, 19))
    h.visit(erased, FDO, date(2019, 2, 5))
    with write_session(engine) as s:
        erase_in(s.connection(), [erased])
    # Two sites: 29 at Grésilles on 10 June, 30 at Fontaine d'Ouche on 20 June; once in the
    # total row, aged on the first of both (29).
    both = h.person("Deux-sites", "H", date(1989, 6, 15))
    h.visit(both, GRE, date(2019, 6, 10))
    h.visit(both, FDO, date(2019, 6, 20))
    # Came to Fontaine d'Ouche in 2018, to Grésilles in 2019: new there, not in the total.
    former = h.person("Ancien", "H", date(1950, 1, 1))
    h.visit(former, FDO, date(2018, 11, 5))
    h.visit(former, GRE, date(2019, 4, 1))
    # A deleted contact at 17 does not count; the live one at 18 does.
    deleted = h.person("Supprimé", "F", date(2001, 2, 1))
    delete_contact(engine, h.visit(deleted, FDO, date(2019, 1, 5)))
    h.visit(deleted, FDO, date(2019, 3, 1))
    # Outside the period, and an anonymous contact: in no table.
    outside = h.person("Dehors", "F", date(1990, 1, 1))
    h.visit(outside, FDO, date(2018, 12, 31))
    h.visit(outside, FDO, date(2019, 7, 1))
    h.visit(None, FDO, date(2019, 2, 1))
    return h


def test_each_person_falls_in_the_band_of_their_age_at_the_first_contact(
    history: History,
) -> None:
    with read_connection(history.engine) as conn:
        erased = conn.execute(
            select(visitors.c.birth_date, contacts.c.age_years)
            .join(contacts, contacts.c.visitor_id == visitors.c.id)
            .where(visitors.c.erased_at.is_not(None))
            .order_by(contacts.c.local_date)
        ).all()
    assert [tuple(r) for r in erased] == [(None, 17), (None, 18)]  # only the ages are left
    found = age_band_tables(history.engine, S1).to_json()
    assert found["profile"] == "fse" and found["name"] == "FSE+"
    assert found["bands"] == [U18, A18, A30, A55]
    persons = found["persons"]
    assert persons["by_site"][FDO] == row(
        u18={"F": 2}, a18={"F": 2, "H": 1}, a30={"H": 2}, a55={"F": 1}
    )
    assert persons["by_site"][GRE] == row(a18={"H": 2}, a30={"F": 1}, a55={"H": 1}, nr={"NR": 1})
    # 12 people, not 13: the one seen at both sites counts once, in the band of 10 June.
    assert persons["total"] == row(
        u18={"F": 2}, a18={"F": 2, "H": 3}, a30={"F": 1, "H": 1}, a55={"F": 1, "H": 1}, nr={"NR": 1}
    )
    assert persons["total"]["total"] == 12


def test_new_people_by_band_at_each_site_and_in_the_total(history: History) -> None:
    new = age_band_tables(history.engine, S1).to_json()["new_persons"]
    # Fontaine d'Ouche: the 54-year-old came in 2017 already.
    assert new["by_site"][FDO] == row(
        u18={"F": 2}, a18={"F": 2, "H": 1}, a30={"H": 1}, a55={"F": 1}
    )
    # Grésilles: everyone is new there, the one seen at Fontaine d'Ouche in 2018 too.
    assert new["by_site"][GRE] == row(a18={"H": 2}, a30={"F": 1}, a55={"H": 1}, nr={"NR": 1})
    # The total: neither the 54-year-old nor the one seen at Fontaine d'Ouche in 2018.
    assert new["total"] == row(
        u18={"F": 2}, a18={"F": 2, "H": 3}, a30={"F": 1}, a55={"F": 1}, nr={"NR": 1}
    )


def test_one_site_alone_has_its_own_total_row(history: History) -> None:
    found = age_band_tables(history.engine, S1, [GRE]).to_json()
    gresilles = row(a18={"H": 2}, a30={"F": 1}, a55={"H": 1}, nr={"NR": 1})
    assert found["persons"] == {"by_site": {GRE: gresilles}, "total": gresilles}
    # Fontaine d'Ouche is not selected: its 2018 visit no longer makes anyone old here.
    assert found["new_persons"]["total"] == gresilles


def test_another_period_moves_the_contact_that_counts(history: History) -> None:
    spring = Period(date(2019, 3, 16), date(2019, 6, 30))
    found = age_band_tables(history.engine, spring, [FDO]).to_json()
    # The one 17 on 15 March is 18 on 20 March, her first contact of this period, and was
    # seen before it; the 30-year-old of 20 June is new; everyone else came before 16 March.
    assert found["persons"]["by_site"][FDO] == row(a18={"F": 1}, a30={"H": 1})
    assert found["new_persons"]["by_site"][FDO] == row(a30={"H": 1})


def test_bands_add_up_to_tables_3_and_4(history: History) -> None:
    bands = age_band_tables(history.engine, S1)
    assert_bands_add_up(bands, semester_tables(history.engine, S1))


def test_bands_at_the_mission_locale_threshold_are_jeunes_and_adultes(history: History) -> None:
    """The same engine with bands 0-25 and 26+ gives table 3 cell by cell."""
    mission_locale = parse_profile("0-25,26+")
    bands = age_band_tables(history.engine, S1, profile=mission_locale)
    report = semester_tables(history.engine, S1)
    for name in [FDO, GRE, None]:
        for key, people in (
            ("persons", bands.total if name is None else bands.by_site[name]),
            ("new_persons", bands.new_total if name is None else bands.new_by_site[name]),
        ):
            table3 = getattr(report.total if name is None else report.by_site[name], key)
            assert people.cells["Moins de 26 ans"] == table3.cells["jeunes"]
            assert people.cells["26 ans et plus"] == table3.cells["adultes"]
            assert people.cells["NR"] == table3.cells["NR"]


def test_an_unknown_site_is_refused_in_french(history: History) -> None:
    with pytest.raises(InvalidInput, match="Site inconnu : Dijon Nord"):
        age_band_tables(history.engine, S1, ["Dijon Nord"])


def test_an_empty_database_gives_empty_tables(engine: Engine) -> None:
    ensure_site(engine, FDO)
    found = age_band_tables(engine, S1)
    assert found.to_json()["persons"] == {"by_site": {FDO: row()}, "total": row()}
    assert [g.rows[-1].values[-1] for g in found.grids()] == [0, 0]


def assert_bands_add_up(bands: AgeBandTables, report: Report) -> None:
    """Every row of both tables has table 3's (4's) people, and the same women, men and
    unknown sex."""
    assert bands.sites == report.sites
    rows = [(bands.by_site[n], bands.new_by_site[n]) for n in bands.sites]
    rows.append((bands.total, bands.new_total))
    for (name, tables), mine in zip(report.people_rows, rows, strict=True):
        for people, expected in zip(mine, (tables.persons, tables.new_persons), strict=True):
            assert people.total == expected.total, name
            for sex in ("F", "H", "NR"):
                by_sex = sum(people.cells[b][sex] for b in people.bands)
                assert by_sex == sum(expected.cells[a][sex] for a in expected.cells), (name, sex)


# --- the demonstration semester, recomputed by hand -----------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The demonstration data set (SQLite: loading it on a server takes a minute; the query
    is the same on both, and the small history above runs on both)."""
    from sarah.services.demo.loader import load_demo

    engine = open_database(Path(tmp_path_factory.mktemp("demo")) / "demo.sqlite")
    load_demo(engine)
    yield engine
    engine.dispose()


def years_on(born: date, day: date) -> int:
    before_birthday = (day.month, day.day) < (born.month, born.day)
    return day.year - born.year - before_birthday


FSE_EDGES = ((0, 17, U18), (18, 29, A18), (30, 54, A30), (55, 200, A55))


def fse_band(born: date | None, kept: int | None, day: date) -> str:
    age = kept if born is None else years_on(born, day)
    if age is None:
        return "NR"
    return next(label for low, high, label in FSE_EDGES if low <= age <= high)


def fse_by_hand(engine: Engine, period: Period) -> dict[str, Any]:
    """The ``age_bands`` JSON from the raw rows: each person's first contact of the period per
    site (and at any site), their age that day from the birth date, new when no earlier
    live contact exists there."""
    with read_connection(engine) as conn:
        names = dict(conn.execute(select(sites.c.id, sites.c.name)).all())
        people = {
            r.id: (r.birth_date, r.sex)
            for r in conn.execute(select(visitors.c.id, visitors.c.birth_date, visitors.c.sex))
        }
        rows = conn.execute(
            select(contacts.c.site_id, contacts.c.local_date, contacts.c.visitor_id,
                   contacts.c.age_years)
            .where(contacts.c.deleted_at.is_(None), contacts.c.visitor_id.is_not(None))
        ).all()  # fmt: skip
    first: dict[tuple[str | None, uuid.UUID], tuple[date, int | None]] = {}
    ever: dict[tuple[str | None, uuid.UUID], date] = {}
    for site_id, day, who, kept in rows:
        for key in ((names[site_id], who), (None, who)):
            ever[key] = min(ever.get(key, day), day)
            if period.start <= day <= period.end and (key not in first or day < first[key][0]):
                first[key] = (day, kept)
    tables: dict[str, dict[str | None, dict[str, Any]]] = {"persons": {}, "new_persons": {}}
    for (site, who), (day, kept) in first.items():
        born, sex = people[who]
        band, sex = fse_band(born, kept, day), sex or "NR"
        new = ever[(site, who)] >= period.start
        for table in ("persons", "new_persons")[: 2 if new else 1]:
            cells = tables[table].setdefault(site, {}).setdefault(band, {})
            cells[sex] = cells.get(sex, 0) + 1
    return tables


def test_the_demo_semester_recomputed_by_hand(demo: Engine) -> None:
    found = age_band_tables(demo, S1)
    by_hand = fse_by_hand(demo, S1)
    assert found.sites == [FDO, GRE]
    for table, by_site, total in (
        ("persons", found.by_site, found.total),
        ("new_persons", found.new_by_site, found.new_total),
    ):
        for site, counts in [*by_site.items(), (None, total)]:
            expected = by_hand[table].get(site, {})
            got = {
                band: {sex: n for sex, n in cells.items() if n}
                for band, cells in counts.cells.items()
                if any(cells.values())
            }
            assert got == expected, (table, site)
    # The reference semester's people (2019 activity report): 1828, 493 of them new.
    assert (found.total.total, found.new_total.total) == (1828, 493)
    assert (found.by_site[FDO].total, found.by_site[GRE].total) == (1030, 798)


def test_the_demo_bands_add_up_to_tables_3_and_4(demo: Engine) -> None:
    assert_bands_add_up(age_band_tables(demo, S1), semester_tables(demo, S1))
