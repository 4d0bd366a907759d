"""Month breakdown, comparison with one year earlier, ratios and drill-down (real SQLite)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from fractions import Fraction

import pytest
from sqlalchemy import Engine

from sarah.errors import InvalidInput
from sarah.reports.comparison import ComparedValue, compare_reports
from sarah.reports.months import MonthCell
from sarah.reports.ratios import format_decimal, ratios
from sarah.reports.tables import TOTAL, PeopleCounts, Period, Report, ServiceCount, SiteTables
from sarah.services.catalogue import list_services, rename_service, retire_service
from sarah.services.contacts import ContactDraft, delete_contact, log_contact
from sarah.services.sites import ensure_site
from sarah.services.statistics.drilldown import CellRef, contacts_behind
from sarah.services.statistics.months import month_breakdown
from sarah.services.statistics.tables import semester_tables
from sarah.services.visitors import create_visitor
from sarah.vocabulary import AGE_GROUPS, CHANNELS, SEXES

FO, GR = "Fontaine d'Ouche", "Grésilles"
S1_2019 = Period.semester("2019-S1")


@dataclass
class World:
    engine: Engine
    codes: list[str]
    renamed_code: str
    retired_code: str


@pytest.fixture
def world(engine: Engine) -> World:
    return build_world(engine)


def build_world(engine: Engine) -> World:
    """Two sites, a small history in 2018 and a first semester 2019 with every tricky case."""
    fo, gr = ensure_site(engine, FO), ensure_site(engine, GR)
    services = list_services(engine)
    x, y, z = services[0], services[5], services[14]

    def person(last: str, first: str, sex: str | None, born: date | None):
        return create_visitor(
            engine, last_name=last, first_name=first, sex=sex, birth_date=born, site_id=fo.id
        ).id

    lea = person("Martin", "Léa", "F", date(1995, 1, 1))
    marc = person("Bernard", "Marc", "H", date(1993, 3, 15))  # 26 on 15/03/2019
    nadia = person("Haddad", "Nadia", "F", None)  # birth date unknown
    camille = person("Petit", "Camille", None, date(1970, 6, 1))  # sex not given
    rene = person("Roux", "René", "H", date(1960, 2, 2))  # came in 2018 already

    def log(site, day, visitor=None, services=(), channel="physique", hour=10):
        return log_contact(
            engine,
            ContactDraft(
                site_id=site.id,
                channel=channel,
                local_date=day,
                local_time=time(hour),
                visitor_id=visitor,
                service_ids=[s.id for s in services],
            ),
        ).id

    # 2018: history and the period one year earlier
    log(fo, date(2018, 2, 5), rene, [x, y])
    log(fo, date(2018, 3, 6), rene, [y])
    log(gr, date(2018, 4, 9), lea, [x], channel="telephone")
    log(fo, date(2018, 11, 20), camille, [z])
    # First semester 2019
    log(fo, date(2019, 1, 1), lea, [x, z])  # first day of the period
    log(fo, date(2019, 1, 14), lea, [x])
    log(fo, date(2019, 1, 15), rene, [z])
    log(fo, date(2019, 2, 11), marc, [x, z], hour=9)
    log(fo, date(2019, 2, 11), marc, [], channel="telephone", hour=15)
    log(fo, date(2019, 2, 20), nadia, [z])
    log(fo, date(2019, 3, 4), camille, [])
    log(gr, date(2019, 4, 2), marc, [x])  # adult by then: first contact at Grésilles
    log(gr, date(2019, 4, 3), None, [z], channel="telephone")  # anonymous
    log(gr, date(2019, 5, 6), rene, [x])  # new at Grésilles, known at Fontaine d'Ouche
    gone = log(gr, date(2019, 1, 7), nadia, [x])
    delete_contact(engine, gone)  # Nadia's first contact at Grésilles is therefore in June
    log(gr, date(2019, 6, 30), nadia, [z], channel="telephone")  # last day of the period
    log(gr, date(2019, 7, 1), lea, [x])  # the day after: outside
    log(fo, date(2018, 12, 31), lea, [x])  # the day before: outside

    # The catalogue changes after 2018: x renamed, y retired (it was used in 2018 only).
    rename_service(engine, x.id, "Actualisation France Travail")
    retire_service(engine, y.id)
    return World(engine, [s.code for s in services], x.code, y.code)


def _cells(report: Report):
    """Every number of the four tables with its drill-down reference."""
    columns = [*((name, report.by_site[name]) for name in report.sites), (None, report.total)]
    for site, t in columns:
        for channel in CHANNELS:
            yield CellRef("contacts", site, channel), t.contacts[channel]
        yield CellRef("contacts", site, "total"), t.contacts_total
        for s in t.services:
            yield CellRef("services", site, s.code), s.count
        yield CellRef("services", site, "not_given"), t.not_given_services
        for table in ("persons", "new_persons"):
            people: PeopleCounts = getattr(t, table)
            for age in AGE_GROUPS:
                for sex in SEXES:
                    yield CellRef(table, site, age, sex), people.cells[age][sex]
                yield CellRef(table, site, age), people.group_total(age)
            yield CellRef(table, site, "total"), people.total


def test_drill_down_lists_exactly_the_contacts_behind_every_number(world: World) -> None:
    report = semester_tables(world.engine, S1_2019)
    checked = 0
    for cell, value in _cells(report):
        found = contacts_behind(world.engine, S1_2019, None, cell)
        assert found.count == value, cell
        assert len(found.lines) == value
        checked += 1
    assert checked > 100


def test_drill_down_lines_carry_date_site_visitor_and_services(world: World) -> None:
    found = contacts_behind(world.engine, S1_2019, None, CellRef("persons", None, "jeunes", "H"))
    # Marc is young on his first 2019 contact (11/02), at Fontaine d'Ouche, before his birthday.
    assert [(line.visitor, line.local_date, line.site) for line in found.lines] == [
        ("BERNARD Marc", date(2019, 2, 11), FO)
    ]
    assert found.lines[0].services == (
        "Actualisation France Travail",
        list_services(world.engine)[14].label,
    )
    assert found.lines[0].local_time == time(9)  # the morning visit, not the afternoon call
    adults_gr = contacts_behind(world.engine, S1_2019, None, CellRef("persons", GR, "adultes"))
    assert {line.visitor for line in adults_gr.lines} == {"BERNARD Marc", "ROUX René"}
    anonymous = contacts_behind(world.engine, S1_2019, [GR], CellRef("contacts", GR, "telephone"))
    assert [line.visitor for line in anonymous.lines] == ["Anonyme", "HADDAD Nadia"]
    assert "Grésilles" in anonymous.title and "1er semestre 2019" in anonymous.title


def test_new_people_drill_down_uses_first_contact_ever(world: World) -> None:
    new_fo = contacts_behind(world.engine, S1_2019, None, CellRef("new_persons", FO))
    # René and Camille came to Fontaine d'Ouche in 2018; Léa came on 31/12/2018.
    assert {line.visitor for line in new_fo.lines} == {"BERNARD Marc", "HADDAD Nadia"}
    new_gr = contacts_behind(world.engine, S1_2019, None, CellRef("new_persons", GR))
    # Nadia's deleted January contact does not count: her first one is the 30/06 call.
    assert {(line.visitor, line.local_date) for line in new_gr.lines} == {
        ("BERNARD Marc", date(2019, 4, 2)),
        ("ROUX René", date(2019, 5, 6)),
        ("HADDAD Nadia", date(2019, 6, 30)),
    }
    new_total = contacts_behind(world.engine, S1_2019, None, CellRef("new_persons", None))
    assert {line.visitor for line in new_total.lines} == {"BERNARD Marc", "HADDAD Nadia"}


def test_drill_down_limit_keeps_the_true_count(world: World) -> None:
    found = contacts_behind(world.engine, S1_2019, None, CellRef("contacts"), limit=3)
    assert found.count == 11 and len(found.lines) == 3 and found.truncated


def test_drill_down_refuses_a_site_outside_the_selection(world: World) -> None:
    with pytest.raises(InvalidInput, match="sélection"):
        contacts_behind(world.engine, S1_2019, [FO], CellRef("contacts", GR))
    with pytest.raises(InvalidInput, match="Mois"):
        CellRef("months_contacts", FO)


def test_month_breakdown_counts_contacts_and_people_per_month(world: World) -> None:
    months = month_breakdown(world.engine, S1_2019, today=date(2026, 1, 1))
    assert [m.label for m in months.months] == [
        "janvier 2019",
        "février 2019",
        "mars 2019",
        "avril 2019",
        "mai 2019",
        "juin 2019",
    ]
    jan, feb = months.months[0], months.months[1]
    assert (jan.by_site[FO].contacts, jan.by_site[FO].people) == (3, 2)
    assert (feb.by_site[FO].contacts, feb.by_site[FO].people) == (3, 2)  # Marc twice, Nadia
    assert (jan.by_site[GR].contacts, jan.by_site[GR].people) == (0, 0)  # deleted contact
    april = months.months[3]
    assert (april.by_site[GR].contacts, april.by_site[GR].people) == (2, 1)  # one anonymous
    assert (april.total.contacts, april.total.people) == (2, 1)

    report = semester_tables(world.engine, S1_2019)
    for name in report.sites:
        assert sum(m.by_site[name].contacts for m in months.months) == (
            report.by_site[name].contacts_total
        )
        assert months.period_by_site[name].people == report.by_site[name].persons.total
    assert months.period_total.people == report.total.persons.total  # Marc and René once
    assert months.period_total.contacts == report.total.contacts_total


def test_month_breakdown_reads_the_same_from_contacts_and_from_daily_sums(world: World) -> None:
    for period in (S1_2019, Period(date(2018, 2, 1), date(2019, 6, 30))):
        direct = month_breakdown(world.engine, period, method="direct")
        derived = month_breakdown(world.engine, period, method="derived")
        assert direct == derived
    assert direct.period_total.contacts == 16  # 5 in 2018 (from February), 11 in 2019


def test_month_drill_down_matches_the_month_cells(world: World) -> None:
    months = month_breakdown(world.engine, S1_2019)
    for m in months.months:
        for site in [*months.sites, None]:
            cell = m.total if site is None else m.by_site[site]
            c = contacts_behind(
                world.engine, S1_2019, None, CellRef("months_contacts", site, month=m.start)
            )
            p = contacts_behind(
                world.engine, S1_2019, None, CellRef("months_people", site, month=m.start)
            )
            assert (c.count, p.count) == (cell.contacts, cell.people), (m.label, site)


def test_a_quiet_month_is_flagged(engine: Engine) -> None:
    site = ensure_site(engine, FO)
    days = [date(2019, 1, d) for d in (3, 4, 7, 8)] + [date(2019, 2, d) for d in (4, 5, 6, 7)]
    days += [date(2019, 3, d) for d in (4, 5, 6)] + [date(2019, 4, 1)]
    for day in days:
        log_contact(engine, ContactDraft(site.id, "physique", day, time(10)))
    months = month_breakdown(engine, Period(date(2019, 1, 1), date(2019, 4, 30)))
    assert [m.by_site[FO].low for m in months.months] == [False, False, False, True]
    assert [(s, m.key) for s, m in months.low_months] == [(FO, "2019-04")]
    # A month still running is judged on the days elapsed so far.
    partial = month_breakdown(
        engine, Period(date(2019, 1, 1), date(2019, 4, 30)), today=date(2019, 4, 2)
    )
    assert not partial.months[-1].by_site[FO].low


def test_partial_month_of_a_custom_period_is_labelled(world: World) -> None:
    months = month_breakdown(world.engine, Period(date(2019, 1, 10), date(2019, 2, 15)))
    assert [m.label for m in months.months] == [
        "janvier 2019 (du 10 au 31)",
        "février 2019 (du 1 au 15)",
    ]
    assert months.months[0].by_site[FO].contacts == 2


def test_comparison_lines_up_renamed_and_retired_services_by_code(world: World) -> None:
    current = semester_tables(world.engine, S1_2019)
    previous = semester_tables(world.engine, S1_2019.shifted_years(-1))
    comparison = compare_reports(current, previous)
    assert comparison.previous == Period.semester("2018-S1")

    renamed = comparison.row("services", world.renamed_code)
    assert renamed.label == "Actualisation France Travail"
    assert renamed.values[TOTAL] == ComparedValue(2, 5)
    assert renamed.values[TOTAL].change_text == "+150 %"
    assert renamed.values[GR] == ComparedValue(1, 2)

    retired = comparison.row("services", world.retired_code)
    assert retired.values[FO] == ComparedValue(2, 0)
    assert retired.values[FO].change_text == "−100 %"
    assert "retiré" in retired.note
    codes = [r.key for r in comparison.rows if r.section == "services"]
    assert codes.index(world.retired_code) == world.codes.index(world.retired_code)
    assert codes[-2:] == ["not_given", "total"]

    contacts = comparison.row("contacts", "total")
    assert contacts.values[FO] == ComparedValue(2, 7)
    assert contacts.values[GR].change_text == "+300 %"
    assert comparison.row("persons", "total").values[TOTAL] == ComparedValue(2, 5)
    assert comparison.row("contacts", "anonymous").values[GR] == ComparedValue(0, 1)
    assert comparison.row("contacts", "anonymous").values[GR].change_text == "nouveau"
    assert comparison.row("persons", "NR").values[FO] == ComparedValue(0, 1)


def _tables(services: list[ServiceCount]) -> SiteTables:
    return SiteTables(
        contacts={"physique": 4, "telephone": 1},
        services=services,
        not_given_services=0,
        persons=PeopleCounts(),
        new_persons=PeopleCounts(),
        anonymous_contacts=0,
    )


def test_comparison_shows_the_old_label_when_two_reports_disagree() -> None:
    old = [ServiceCount("ACTU", "Actualisation Pôle Emploi", 3), ServiceCount("CV", "CV", 1)]
    new = [ServiceCount("CV", "CV", 2), ServiceCount("ACTU", "Actualisation France Travail", 6)]
    previous = Report(Period.semester("2018-S1"), [FO], {FO: _tables(old)}, _tables(old))
    current = Report(Period.semester("2019-S1"), [FO], {FO: _tables(new)}, _tables(new))
    comparison = compare_reports(current, previous)
    rows = [r for r in comparison.rows if r.section == "services"]
    assert [r.key for r in rows] == ["CV", "ACTU", "not_given", "total"]
    actu = comparison.row("services", "ACTU")
    assert actu.label == "Actualisation France Travail"
    assert actu.note == "ancien libellé : « Actualisation Pôle Emploi »"
    assert actu.values[FO].change_text == "+100 %"
    assert comparison.row("contacts", "total").values[FO].change_text == "0 %"


def test_change_rounds_half_up() -> None:
    assert ComparedValue(200, 201).change_text == "+1 %"  # +0.5 %
    assert ComparedValue(200, 199).change_text == "−1 %"
    assert ComparedValue(3, 2).change_text == "−33 %"
    assert ComparedValue(0, 0).change_text == "—"


def test_ratios_per_site_and_total(world: World) -> None:
    report = semester_tables(world.engine, S1_2019)
    by_key = {r.key: r for r in ratios(report)}
    gr = report.by_site[GR]
    assert by_key["services_per_contact"].values[GR] == Fraction(
        gr.services_total - gr.not_given_services, gr.contacts_total
    )
    # Contacts per person leaves the anonymous call out: 3 named contacts, 3 people.
    assert by_key["contacts_per_person"].values[GR] == 1
    assert by_key["contacts_per_person"].text(FO) == "1,40"
    assert by_key["phone_share"].values[GR] == Fraction(1, 2)
    assert by_key["phone_share"].text(GR) == "50 %"
    assert by_key["new_share"].values[GR] == 1
    assert by_key["young_share"].values[TOTAL] == Fraction(2, 5)  # Léa, Marc of 5 people
    empty = Report(S1_2019, [FO], {FO: _tables([])}, _tables([]))
    assert ratios(empty)[1].text(FO) == "—"


def test_format_decimal_rounds_half_up() -> None:
    assert format_decimal(Fraction(1, 8)) == "0,13"
    assert format_decimal(Fraction(5, 2)) == "2,50"
    assert format_decimal(Fraction(2, 3), 1) == "0,7"


@pytest.mark.postgres
def test_months_and_drill_down_run_on_postgresql(pg_engine: Engine) -> None:
    build_world(pg_engine)
    months = month_breakdown(pg_engine, S1_2019, today=date(2026, 1, 1))
    april = months.months[3]
    assert (april.by_site[GR].contacts, april.by_site[GR].people) == (2, 1)
    assert months.period_total == MonthCell(11, 5)
    young_men = contacts_behind(pg_engine, S1_2019, None, CellRef("persons", None, "jeunes", "H"))
    assert [line.visitor for line in young_men.lines] == ["BERNARD Marc"]
    new_gr = contacts_behind(pg_engine, S1_2019, None, CellRef("new_persons", GR))
    assert new_gr.count == 3
    none = contacts_behind(pg_engine, S1_2019, None, CellRef("services", FO, "not_given"))
    assert [line.visitor for line in none.lines] == ["BERNARD Marc", "PETIT Camille"]
    report = semester_tables(pg_engine, S1_2019)
    assert report.total.contacts_total == 11
