"""One test (or more) per rule of docs/spec/statistics.md, on a real SQLite database.

Every rule is checked both ways the engine can compute (``direct`` aggregation of the contacts,
``derived`` sums kept by triggers), so a trigger that misses a case shows up here.
"""

from __future__ import annotations

import uuid
from datetime import date, time

import pytest
from sqlalchemy import Engine, text

from sarah.db import write_session
from sarah.errors import InvalidInput
from sarah.reports.tables import Period, Report
from sarah.services.catalogue import list_services, retire_service
from sarah.services.contacts import (
    ContactDraft,
    delete_contact,
    log_contact,
    restore_contact,
    update_contact,
)
from sarah.services.sites import ensure_site, resolve_sites
from sarah.services.statistics.tables import report_for_sites, semester_tables
from sarah.services.statistics.upkeep import rebuild_statistics, statistics_drift
from sarah.services.visitors import create_visitor, merge_visitors, update_visitor

S1 = Period(date(2019, 1, 1), date(2019, 6, 30))
FDO, GRE = "Fontaine d'Ouche", "Grésilles"


class World:
    """A small history typed through the same services as the desk."""

    def __init__(self, engine: Engine, method: str) -> None:
        self.engine = engine
        self.method = method
        self.site_ids: dict[str, uuid.UUID] = {}
        self.services = {s.code: s for s in list_services(engine)}

    def site(self, name: str) -> uuid.UUID:
        if name not in self.site_ids:
            self.site_ids[name] = ensure_site(self.engine, name).id
        return self.site_ids[name]

    def person(self, name: str, sex: str | None = "F", born: date | None = None) -> uuid.UUID:
        return create_visitor(self.engine, last_name=name, sex=sex, birth_date=born).id

    def draft(
        self,
        site: str,
        day: date,
        who: uuid.UUID | None = None,
        channel: str = "physique",
        services: tuple[str, ...] = ("participer_rdv",),
    ) -> ContactDraft:
        return ContactDraft(
            site_id=self.site(site),
            channel=channel,
            local_date=day,
            local_time=time(10, 0),
            visitor_id=who,
            service_ids=[self.services[c].id for c in services],
        )

    def contact(self, site: str, day: date, who: uuid.UUID | None = None, **kw) -> uuid.UUID:  # type: ignore[no-untyped-def]
        return log_contact(self.engine, self.draft(site, day, who, **kw)).id

    def report(
        self, period: Period = S1, sites: list[str] | None = None, limit: int = 26
    ) -> Report:
        chosen = resolve_sites(self.engine, sites)
        report = report_for_sites(
            self.engine, period, chosen, young_age_limit=limit, method=self.method
        )  # type: ignore[arg-type]
        assert all(c.passed for c in report.checks()), [c for c in report.checks() if not c.passed]
        return report


@pytest.fixture(params=["direct", "derived"])
def world(engine: Engine, request: pytest.FixtureRequest) -> World:
    w = World(engine, request.param)
    w.site(FDO)
    w.site(GRE)
    return w


def persons(report: Report, row: str | None = None, table: str = "persons") -> dict:
    tables = report.total if row is None else report.by_site[row]
    return getattr(tables, table).to_json()


# --- inputs: period and sites ---------------------------------------------------------------


def test_contacts_by_channel_with_total_column(world: World) -> None:
    world.contact(FDO, date(2019, 2, 1), channel="physique")
    world.contact(FDO, date(2019, 2, 1), channel="telephone")
    world.contact(FDO, date(2019, 2, 4), channel="telephone")
    world.contact(GRE, date(2019, 3, 1), channel="physique")
    r = world.report()
    assert r.by_site[FDO].contacts == {"physique": 1, "telephone": 2}
    assert r.by_site[GRE].contacts == {"physique": 1, "telephone": 0}
    assert r.total.contacts == {"physique": 2, "telephone": 2}
    assert r.to_json()["total"]["contacts"]["total"] == 4


def test_first_and_last_day_count_the_days_around_do_not(world: World) -> None:
    for day in (date(2018, 12, 31), date(2019, 1, 1), date(2019, 6, 30), date(2019, 7, 1)):
        world.contact(FDO, day)
    r = world.report()
    assert r.by_site[FDO].contacts_total == 2
    assert r.by_site[FDO].service_count("participer_rdv") == 2


def test_a_subset_of_sites(world: World) -> None:
    world.site("Chenôve")
    for site in (FDO, GRE, "Chenôve"):
        world.contact(site, date(2019, 2, 1), world.person(site))
    r = world.report(sites=["chenôve", FDO])  # any case; display order kept
    assert r.sites == [FDO, "Chenôve"]
    assert r.total.contacts_total == 2
    assert r.total.persons.total == 2
    assert list(r.to_json()["by_site"]) == [FDO, "Chenôve"]


def test_no_site_named_means_every_site_in_display_order(world: World) -> None:
    assert semester_tables(world.engine, S1).sites == [FDO, GRE]


def test_unknown_site_is_refused_with_the_known_ones(world: World) -> None:
    with pytest.raises(
        InvalidInput, match="Site inconnu : Dijon Nord.*Fontaine d'Ouche, Grésilles"
    ):
        semester_tables(world.engine, S1, ["Dijon Nord"])


def test_a_period_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(InvalidInput, match="avant"):
        Period(date(2019, 6, 30), date(2019, 1, 1))


def test_deleted_contacts_count_nowhere_and_come_back_when_restored(world: World) -> None:
    who = world.person("Martin")
    kept = world.contact(FDO, date(2019, 2, 1), who, channel="telephone")
    gone = world.contact(FDO, date(2019, 2, 2), world.person("Petit"))
    delete_contact(world.engine, gone)
    r = world.report()
    assert r.by_site[FDO].contacts_total == 1
    assert r.by_site[FDO].service_count("participer_rdv") == 1
    assert r.total.persons.total == 1
    restore_contact(world.engine, gone)
    assert world.report().total.persons.total == 2
    delete_contact(world.engine, kept)
    assert world.report().total.contacts == {"physique": 1, "telephone": 0}


# --- table 2: services --------------------------------------------------------------------------


def test_services_once_per_contact_and_contacts_without_service(world: World) -> None:
    world.contact(FDO, date(2019, 2, 1), services=("cv_lm", "cv_lm", "participer_rdv"))
    world.contact(FDO, date(2019, 2, 1), services=())
    world.contact(GRE, date(2019, 2, 1), services=())
    r = world.report()
    fdo = r.to_json()["by_site"][FDO]["services"]
    assert fdo["Créer ou mettre à jour des outils de prospection (CV / LM)"] == 1
    assert fdo["Participer à un RDV"] == 1
    assert fdo["Non renseigné"] == 1
    assert fdo["total"] == 3
    assert r.total.not_given_services == 2
    assert r.total.services_total == 4


def test_every_live_service_is_listed_in_catalogue_order_even_at_zero(world: World) -> None:
    r = world.report()
    labels = [s.label for s in list_services(world.engine, include_retired=False)]
    assert [label for _code, label in r.service_rows] == labels
    assert len(labels) == 20
    assert list(r.to_json()["total"]["services"])[-2:] == ["Non renseigné", "total"]


def test_a_retired_service_is_listed_only_when_delivered(world: World) -> None:
    cv = world.services["cv_lm"]
    retire_service(world.engine, cv.id)
    assert "cv_lm" not in [code for code, _ in world.report().service_rows]
    world.contact(GRE, date(2019, 5, 1), services=("cv_lm",))
    r = world.report()
    assert "cv_lm" in [code for code, _ in r.service_rows]
    assert r.by_site[FDO].service_count("cv_lm") == 0  # same rows in every column
    assert r.by_site[GRE].service_count("cv_lm") == 1
    assert next(s for s in r.total.services if s.code == "cv_lm").retired
    # Outside the period where it was used, it disappears again.
    assert "cv_lm" not in [c for c, _ in world.report(Period.semester("2019-S2")).service_rows]


def test_changing_a_contacts_services_moves_the_counts(world: World) -> None:
    cid = world.contact(FDO, date(2019, 2, 1), services=("cv_lm",))
    update_contact(world.engine, cid, world.draft(GRE, date(2019, 3, 1), services=()))
    r = world.report()
    assert r.by_site[FDO].contacts_total == 0
    assert r.by_site[FDO].service_count("cv_lm") == 0
    assert r.by_site[GRE].not_given_services == 1
    update_contact(world.engine, cid, world.draft(GRE, date(2019, 3, 1), services=("info_emploi",)))
    r = world.report()
    assert r.by_site[GRE].not_given_services == 0
    assert r.by_site[GRE].service_count("info_emploi") == 1


# --- table 3: people concerned ------------------------------------------------------------------


def test_a_person_seen_at_two_sites_counts_once_in_the_total(world: World) -> None:
    lea = world.person("Léa", "F", date(1990, 1, 1))
    world.contact(FDO, date(2019, 1, 10), lea)
    world.contact(FDO, date(2019, 2, 10), lea)
    world.contact(GRE, date(2019, 3, 10), lea)
    world.contact(GRE, date(2019, 3, 11), world.person("Paul", "H", date(1990, 1, 1)))
    r = world.report()
    assert r.by_site[FDO].persons.total == 1
    assert r.by_site[GRE].persons.total == 2
    assert r.total.persons.total == 2
    assert r.people_seen_at_several_sites
    assert any("plusieurs Points Relais" in note for note in r.notes())


def test_the_26th_birthday_inside_the_period(world: World) -> None:
    """Age group from the first contact of the period in each row."""
    born = date(1993, 3, 15)  # 26 on 15 March 2019
    nina = world.person("Nina", "F", born)
    world.contact(FDO, date(2019, 3, 14), nina)  # 25: jeune at Fontaine d'Ouche
    world.contact(GRE, date(2019, 3, 15), nina)  # 26: adulte at Grésilles
    world.contact(FDO, date(2019, 4, 1), nina)  # later contacts change nothing
    r = world.report()
    assert persons(r, FDO)["jeunes"]["F"] == 1 and persons(r, FDO)["adultes"]["total"] == 0
    assert persons(r, GRE)["adultes"]["F"] == 1 and persons(r, GRE)["jeunes"]["total"] == 0
    assert persons(r)["jeunes"]["F"] == 1 and persons(r)["adultes"]["total"] == 0
    # A period starting after the birthday: adult everywhere.
    later = world.report(Period(date(2019, 3, 15), date(2019, 6, 30)))
    assert persons(later)["adultes"]["F"] == 1


def test_born_on_29_february_is_a_year_older_on_1_march(world: World) -> None:
    born = date(1992, 2, 29)  # 26 in 2018, a common year
    a, b = world.person("A", "H", born), world.person("B", "H", born)
    world.contact(FDO, date(2018, 2, 28), a)
    world.contact(FDO, date(2018, 3, 1), b)
    r = world.report(Period.semester("2018-S1"))
    assert persons(r, FDO)["jeunes"]["H"] == 1
    assert persons(r, FDO)["adultes"]["H"] == 1


def test_age_limit_is_a_setting(world: World) -> None:
    world.contact(FDO, date(2019, 2, 1), world.person("X", "F", date(1990, 6, 1)))  # 28
    assert persons(world.report())["adultes"]["F"] == 1
    assert persons(world.report(limit=30))["jeunes"]["F"] == 1


def test_unknown_sex_or_birth_date_go_to_not_given_cells(world: World) -> None:
    world.contact(FDO, date(2019, 2, 1), world.person("NoSex", None, date(2000, 1, 1)))
    world.contact(FDO, date(2019, 2, 1), world.person("NoBirth", "H", None))
    world.contact(FDO, date(2019, 2, 1), world.person("Nothing", None, None))
    p = persons(world.report(), FDO)
    assert p["jeunes"] == {"F": 0, "H": 0, "NR": 1, "total": 1}
    assert p["NR"] == {"F": 0, "H": 1, "NR": 1, "total": 2}
    assert p["total"] == 3


def test_sex_and_age_come_from_the_current_profile(world: World) -> None:
    who = world.person("Camille", None, None)
    world.contact(FDO, date(2019, 2, 1), who)
    assert persons(world.report())["NR"]["NR"] == 1
    update_visitor(
        world.engine, who, last_name="Camille", first_name="", sex="F", birth_date=date(2001, 1, 1)
    )
    assert persons(world.report())["jeunes"]["F"] == 1


def test_anonymous_contacts_count_in_contacts_and_services_only(world: World) -> None:
    world.contact(GRE, date(2019, 2, 1), None, channel="telephone", services=("demander_rdv",))
    world.contact(GRE, date(2019, 2, 2), world.person("Known"))
    r = world.report()
    assert r.by_site[GRE].contacts_total == 2
    assert r.by_site[GRE].service_count("demander_rdv") == 1
    assert r.by_site[GRE].persons.total == 1
    assert r.by_site[GRE].anonymous_contacts == 1
    assert r.to_json()["total"]["anonymous_contacts"] == 1
    assert any("1 contact(s) anonyme(s)" in note for note in r.notes())


# --- table 4: new people --------------------------------------------------------------------------


def test_new_means_first_contact_ever_at_that_site(world: World) -> None:
    old, new = (
        world.person("Old", "F", date(1980, 1, 1)),
        world.person("New", "H", date(1980, 1, 1)),
    )
    world.contact(FDO, date(2017, 5, 1), old)  # history long before the period
    world.contact(FDO, date(2019, 2, 1), old)
    world.contact(GRE, date(2019, 2, 1), old)  # first time at Grésilles
    world.contact(FDO, date(2019, 2, 1), new)
    world.contact(FDO, date(2019, 9, 1), world.person("Later"))  # after the period
    r = world.report()
    assert persons(r, FDO, "new_persons")["adultes"] == {"F": 0, "H": 1, "NR": 0, "total": 1}
    assert persons(r, GRE, "new_persons")["adultes"]["F"] == 1
    # Total row: first contact ever at ANY selected site; "old" came to Fontaine d'Ouche before.
    assert persons(r, None, "new_persons")["adultes"] == {"F": 0, "H": 1, "NR": 0, "total": 1}
    # Without Fontaine d'Ouche in the selection, "old" is new in the Grésilles-only total.
    only_gre = world.report(sites=[GRE])
    assert persons(only_gre, None, "new_persons")["total"] == 1


def test_age_group_of_new_people_comes_from_their_first_contact(world: World) -> None:
    nina = world.person("Nina", "F", date(1993, 3, 15))
    world.contact(FDO, date(2019, 3, 1), nina)
    world.contact(FDO, date(2019, 5, 1), nina)
    r = world.report()
    assert persons(r, FDO, "new_persons")["jeunes"]["F"] == 1


def test_a_deleted_first_contact_is_not_a_first_contact(world: World) -> None:
    who = world.person("Back", "H", date(1970, 1, 1))
    early = world.contact(FDO, date(2018, 11, 5), who)
    world.contact(FDO, date(2019, 2, 1), who)
    assert world.report().total.new_persons.total == 0
    delete_contact(world.engine, early)
    assert world.report().total.new_persons.total == 1
    restore_contact(world.engine, early)
    assert world.report().total.new_persons.total == 0


def test_newness_follows_the_first_day_as_earlier_contacts_go_and_move(world: World) -> None:
    who = world.person("Moves", "F", date(1970, 1, 1))
    twins = [world.contact(FDO, date(2018, 11, 5), who) for _ in range(2)]  # same first day
    december = world.contact(FDO, date(2018, 12, 3), who)
    world.contact(FDO, date(2019, 2, 1), who)
    delete_contact(world.engine, twins[0])
    assert world.report().by_site[FDO].new_persons.total == 0  # the other one is still there
    delete_contact(world.engine, twins[1])
    assert world.report().by_site[FDO].new_persons.total == 0  # December is now her first day
    update_contact(world.engine, december, world.draft(FDO, date(2019, 3, 4), who))
    assert world.report().by_site[FDO].new_persons.total == 1  # nothing before the period left
    update_contact(world.engine, december, world.draft(GRE, date(2018, 12, 3), who))
    r = world.report()
    assert r.by_site[FDO].new_persons.total == 1  # she came before, but to Grésilles
    assert r.total.new_persons.total == 0  # and the total row counts both sites
    assert world.report(sites=[FDO]).total.new_persons.total == 1
    assert statistics_drift(world.engine) == []


def test_merged_records_count_once_with_the_earliest_history(world: World) -> None:
    first = world.person("Dupont", "F", date(1985, 1, 1))
    second = world.person("Dupond", "F", date(1985, 1, 1))  # the same woman, typed twice
    world.contact(FDO, date(2018, 10, 1), first)
    world.contact(FDO, date(2019, 2, 1), second)
    world.contact(GRE, date(2019, 3, 1), first)
    before = world.report()
    assert before.by_site[FDO].persons.total == 1
    assert before.total.persons.total == 2
    assert before.by_site[FDO].new_persons.total == 1  # "second" looks new
    merge_visitors(world.engine, second, first)
    after = world.report()
    assert after.by_site[FDO].persons.total == 1
    assert after.total.persons.total == 1
    assert after.by_site[FDO].new_persons.total == 0  # her first contact was in 2018
    assert after.by_site[GRE].new_persons.total == 1
    assert after.total.new_persons.total == 0


# --- the derived sums stay right ---------------------------------------------------------------


def test_derived_sums_equal_a_fresh_computation_after_every_kind_of_change(engine: Engine) -> None:
    w = World(engine, "derived")
    a, b = w.person("A", "F", date(1990, 1, 1)), w.person("B", None, None)
    c1 = w.contact(FDO, date(2019, 1, 3), a, services=("cv_lm", "info_emploi"))
    c2 = w.contact(GRE, date(2019, 1, 3), b, channel="telephone", services=())
    w.contact(GRE, date(2019, 1, 4), None, services=("demander_rdv",))
    assert statistics_drift(engine) == []
    update_contact(engine, c1, w.draft(GRE, date(2019, 2, 5), b, services=("participer_rdv",)))
    delete_contact(engine, c2)
    merge_visitors(engine, a, b)
    update_visitor(engine, a, last_name="A", first_name="", sex="H", birth_date=None)
    restore_contact(engine, c2)
    assert statistics_drift(engine) == []
    with write_session(engine) as s:  # a hard delete (purge): services go by cascade
        s.execute(text("DELETE FROM contacts WHERE id = :id"), {"id": c1.hex})
    assert statistics_drift(engine) == []
    chosen = resolve_sites(engine, None)
    for period in (S1, Period.year(2019)):
        direct = report_for_sites(engine, period, chosen, method="direct").to_json()
        derived = report_for_sites(engine, period, chosen, method="derived").to_json()
        assert direct == derived


def test_rebuild_repairs_derived_sums(engine: Engine) -> None:
    w = World(engine, "derived")
    w.contact(FDO, date(2019, 1, 3), w.person("A"))
    with write_session(engine) as s:
        s.execute(text("UPDATE stat_days SET physique = physique + 5"))
        s.execute(text("DELETE FROM stat_visits"))
    # One day changed (seen twice), one visit lost, and with it the person's first day there
    # (stat_firsts follows stat_visits).
    assert len(statistics_drift(engine)) == 4
    rebuild_statistics(engine)
    assert statistics_drift(engine) == []
    assert w.report().total.contacts_total == 1


def test_checks_are_computed_not_written(world: World) -> None:
    world.contact(FDO, date(2019, 2, 1), world.person("A"))
    r = world.report()
    assert r.checks() and all(c.passed for c in r.checks())
    r.by_site[FDO].controls["contacts"] = 7  # as if the database had counted otherwise
    failed = [c for c in r.checks() if not c.passed]
    assert len(failed) == 1 and FDO in failed[0].detail
