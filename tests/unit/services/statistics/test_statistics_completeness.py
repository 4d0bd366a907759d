"""Completeness of the entries (docs/statistiques.md, « Complétude des saisies »), on a real
database on both engines: March 2019 at two Points Relais typed through the desk's services,
with days left out, a closed day, contacts without service, profiles lacking a birth date or
a sex, an erased identity, a merge, late and imported entries. Every expected value is counted
by hand from the scenario below; the demonstration semester is checked too.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import Engine, update

from sarah.db import write_session
from sarah.errors import InvalidInput
from sarah.models import ClosedDay, Contact
from sarah.reports.completeness import Completeness
from sarah.reports.tables import Period
from sarah.services.catalogue import list_services
from sarah.services.contacts import ContactDraft, delete_contact, log_contact
from sarah.services.database import open_database
from sarah.services.desk.days import mark_closed_day
from sarah.services.imports.run import import_rows
from sarah.services.privacy.erase import erase_in
from sarah.services.sites import ensure_site
from sarah.services.statistics.completeness import period_completeness
from sarah.services.statistics.tables import semester_tables
from sarah.services.visitors import create_visitor, merge_visitors

FO, GR = "Fontaine d'Ouche", "Grésilles"
MARCH = Period.month(2019, 3)
TODAY = date(2026, 12, 3)


def march(day: int) -> date:
    return date(2019, 3, day)


class Desk:
    """Contacts typed at the desk; each is entered on its own day at 17:00 unless ``typed_on``
    says a later day (the desk stamps the real now: the test sets the moment it needs)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sites = {name: ensure_site(engine, name).id for name in (FO, GR)}
        self.rdv = next(s.id for s in list_services(engine) if s.code == "participer_rdv")

    def person(self, last: str, sex: str | None, born: date | None) -> uuid.UUID:
        return create_visitor(self.engine, last_name=last, sex=sex, birth_date=born).id

    def contact(
        self,
        site: str,
        day: date,
        who: uuid.UUID | None,
        *,
        service: bool = True,
        typed_on: date | None = None,
    ) -> uuid.UUID:
        draft = ContactDraft(
            site_id=self.sites[site],
            channel="physique" if who else "telephone",
            local_date=day,
            local_time=time(10, 0),
            visitor_id=who,
            service_ids=[self.rdv] if service else [],
        )
        contact_id = log_contact(self.engine, draft).id
        typed = datetime.combine(typed_on or day, time(17, 0))
        with write_session(self.engine) as s:
            s.execute(update(Contact).where(Contact.id == contact_id).values(entered_at=typed))
        return contact_id


def build_march(engine: Engine) -> None:
    """The scenario every expected value below is counted from.

    Grésilles, March 2019 (21 weekdays, no public holiday):
    - Alice (F, 1990) every weekday but 12, 13, 14 (nothing typed) and 22 (closed, noted);
      14 March was noted closed, then that note was withdrawn: a gap again;
      also on Saturday 16 March; her 18 March visit was typed on 20 March (late);
      a contact of hers on 12 March was deleted;
    - 5 March an anonymous call, and 6 March Bruno (H, no birth date): both without service;
      Bruno again 25 March, typed on 1 April (late);
    - Chris (no sex) 7 March; Denise (F, 1950) 8 March, identity erased since (her contact
      kept her age); Emma typed twice on 11 March, once without birth date, merged;
      Felix (neither sex nor birth date) 15 March;
    - Hugo (H, 1980) 27 and 28 March from a spreadsheet import.
    Fontaine d'Ouche: Alice and Bruno on 4 March (Bruno typed on 5 March, late), Gina (F,
    2001) on 5 March without service; nothing else.
    """
    desk = Desk(engine)
    alice = desk.person("Alice", "F", date(1990, 5, 2))
    bruno = desk.person("Bruno", "H", None)
    chris = desk.person("Chris", None, date(1985, 1, 10))
    denise = desk.person("Denise", "F", date(1950, 2, 3))
    emma = desk.person("Emma", "F", None)
    emma_again = desk.person("Emma", "F", date(1995, 7, 7))
    felix = desk.person("Felix", None, None)
    gina = desk.person("Gina", "F", date(2001, 9, 9))

    weekdays = [1, 4, 5, 6, 7, 8, 11, 15, 18, 19, 20, 21, 25, 26, 27, 28, 29]
    for day in weekdays:
        desk.contact(GR, march(day), alice, typed_on=march(20) if day == 18 else None)
    desk.contact(GR, march(16), alice)
    delete_contact(engine, desk.contact(GR, march(12), alice, service=False))
    desk.contact(GR, march(5), None, service=False)
    desk.contact(GR, march(6), bruno, service=False)
    desk.contact(GR, march(25), bruno, typed_on=date(2019, 4, 1))
    desk.contact(GR, march(7), chris)
    desk.contact(GR, march(8), denise)
    desk.contact(GR, march(11), emma)
    desk.contact(GR, march(11), emma_again)
    desk.contact(GR, march(15), felix)
    merge_visitors(engine, emma, emma_again)  # the survivor takes the birth date it lacked
    with write_session(engine) as s:
        erase_in(s.connection(), [denise])
    gresilles = desk.sites[GR]
    mark_closed_day(engine, gresilles, march(22))
    mark_closed_day(engine, gresilles, march(14))
    with write_session(engine) as s:
        s.execute(
            update(ClosedDay)
            .where(ClosedDay.site_id == gresilles, ClosedDay.day == march(14))
            .values(deleted_at=datetime(2019, 3, 15, 9, 0))
        )
    hugo = {"site": GR, "canal": "physique", "nom": "Gomez", "prenom": "Hugo", "sexe": "H"}
    import_rows(
        engine,
        [
            {
                **hugo,
                "date": march(d),
                "date_naissance": date(1980, 1, 1),
                "services": "Participer à un RDV",
            }
            for d in (27, 28)
        ],
        source_name="mars-ressaisi.csv",
    )
    desk.contact(FO, march(4), alice)
    desk.contact(FO, march(4), bruno, typed_on=march(5))
    desk.contact(FO, march(5), gina, service=False)


@pytest.fixture
def scenario(engine: Engine) -> Completeness:
    build_march(engine)
    return period_completeness(engine, MARCH, today=TODAY)


def days(*numbers: int) -> tuple[date, ...]:
    return tuple(march(d) for d in numbers)


def test_weekdays_without_entries_leave_out_closed_days_not_withdrawn_ones(
    scenario: Completeness,
) -> None:
    gr = scenario.months[0].by_site[GR]
    assert gr.open_days == 20  # 21 weekdays, 22 March closed
    assert gr.missing_days == {GR: days(12, 13, 14)}  # a deleted contact is no entry
    fo = scenario.months[0].by_site[FO]
    assert fo.open_days == 21
    assert fo.missing_days == {
        FO: days(1, 6, 7, 8, 11, 12, 13, 14, 15, 18, 19, 20, 21, 22, 25, 26, 27, 28, 29)
    }


def test_contacts_without_service_as_table_two_counts_them(scenario: Completeness) -> None:
    month = scenario.months[0]
    assert month.by_site[GR].no_service == 2  # the anonymous call, Bruno on 6 March
    assert month.by_site[FO].no_service == 1  # Gina
    assert month.total.no_service == 3


def test_people_lacking_a_birth_date_or_a_sex(scenario: Completeness) -> None:
    gr = scenario.months[0].by_site[GR]
    # Alice, Bruno, Chris, Denise, Emma (one after the merge), Felix, Hugo.
    assert gr.people == 7
    # Bruno and Felix; not Denise (erased, her contact kept her age), not Emma (merged).
    assert gr.no_birth_date == 2
    assert gr.no_sex == 2  # Chris and Felix
    fo = scenario.months[0].by_site[FO]
    assert (fo.people, fo.no_birth_date, fo.no_sex) == (3, 1, 0)  # Alice, Bruno, Gina; Bruno


def test_late_and_imported_entries(scenario: Completeness) -> None:
    gr = scenario.months[0].by_site[GR]
    # 17 weekdays + Saturday of Alice, the call, Bruno twice, Chris, Denise, Emma twice, Felix,
    # Hugo twice; the deleted contact not.
    assert gr.contacts == 28
    assert gr.late == 2  # Alice on 18 March, Bruno on 25 March; Hugo's rows are imported
    assert gr.imported == 2
    assert gr.late_share is not None and gr.late_share * 28 == 2
    assert scenario.months[0].by_site[FO].late == 1


def test_the_network_line_sums_site_days_and_counts_each_person_once(
    scenario: Completeness,
) -> None:
    total = scenario.months[0].total
    assert total.open_days == 41
    assert total.missing_count == 22
    assert (total.contacts, total.no_service, total.late, total.imported) == (31, 3, 3, 2)
    # Alice and Bruno came to both sites: 8 people, Bruno once among those without birth date.
    assert (total.people, total.no_birth_date, total.no_sex) == (8, 2, 2)
    assert scenario.period_total == total  # one month: the period is that month


def test_warnings_name_the_site_the_month_and_the_days(scenario: Completeness) -> None:
    warnings = scenario.warnings()
    assert warnings[0] == (
        "Fontaine d'Ouche, mars 2019 : 19 jours ouvrés sans saisie (01/03, 06/03, 07/03, 08/03, "
        "11/03, 12/03, 13/03, 14/03, 15/03, 18/03, 19/03, 20/03, 21/03, 22/03, 25/03, 26/03, "
        "27/03, 28/03, 29/03) ; 1 contact sans service ; 1 personne sans date de naissance."
    )
    assert warnings[1] == (
        "Grésilles, mars 2019 : 3 jours ouvrés sans saisie (12/03, 13/03, 14/03) ; 2 contacts "
        "sans service ; 2 personnes sans date de naissance ; 2 personnes sans sexe renseigné."
    )
    assert warnings[2] == (
        "Saisies tardives : 3 contacts de la période ont été saisis après le jour du contact "
        "(10 % des contacts)."
    )
    assert len(warnings) == 3


def test_the_same_people_and_contacts_as_the_four_tables(engine: Engine) -> None:
    build_march(engine)
    found = period_completeness(engine, MARCH, today=TODAY)
    tables = semester_tables(engine, MARCH)
    for site in (FO, GR):
        gaps, t = found.period_by_site[site], tables.by_site[site]
        assert gaps.contacts == t.contacts_total
        assert gaps.no_service == t.not_given_services
        assert gaps.people == t.persons.total
        assert gaps.no_birth_date == t.persons.group_total("NR")
    assert found.period_total.people == tables.total.persons.total


def test_a_person_seen_in_two_months_counts_once_over_the_period(engine: Engine) -> None:
    desk = Desk(engine)
    nadia = desk.person("Nadia", None, None)
    desk.contact(GR, date(2019, 4, 1), nadia)
    desk.contact(GR, date(2019, 5, 2), nadia)
    found = period_completeness(
        engine, Period(date(2019, 4, 1), date(2019, 5, 31)), [GR], today=TODAY
    )
    assert [m.by_site[GR].no_sex for m in found.months] == [1, 1]
    assert found.period_by_site[GR].no_sex == 1
    assert found.period_by_site[GR].people == 1
    assert found.period_by_site[GR].contacts == 2


def test_public_holidays_and_days_to_come_are_not_gaps(engine: Engine) -> None:
    desk = Desk(engine)
    # April 2019: 22 weekdays, Easter Monday the 22nd.
    for day in (1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 15, 16, 17, 18, 19, 23, 24, 25, 26, 29):
        desk.contact(GR, date(2019, 4, day), None)
    found = period_completeness(engine, Period.month(2019, 4), [GR], today=TODAY)
    assert found.period_by_site[GR].open_days == 21
    assert found.period_by_site[GR].missing_days == {GR: (date(2019, 4, 30),)}
    # Seen on 30 April itself, that day may still be typed: not judged yet.
    today = period_completeness(engine, Period.month(2019, 4), [GR], today=date(2019, 4, 30))
    assert today.period_by_site[GR].open_days == 20
    assert today.complete
    assert today.judged_before == date(2019, 4, 30)


def test_a_site_with_nothing_yet_has_every_weekday_missing(engine: Engine) -> None:
    ensure_site(engine, GR)
    found = period_completeness(engine, Period(date(2019, 3, 4), date(2019, 3, 8)), today=TODAY)
    assert found.months[0].label == "mars 2019 (du 4 au 8)"
    assert found.warnings() == [
        "Grésilles, mars 2019 (du 4 au 8) : aucune saisie sur ses 5 jours ouvrés."
    ]
    assert found.period_total.late_share is None


def test_an_unknown_site_is_refused_in_french(engine: Engine) -> None:
    ensure_site(engine, GR)
    with pytest.raises(InvalidInput, match="Site inconnu : Dijon Nord"):
        period_completeness(engine, MARCH, ["Dijon Nord"])


# --- the demonstration data set ----------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    from sarah.services.demo.loader import load_demo

    engine = open_database(Path(tmp_path_factory.mktemp("demo")) / "demo.sqlite")
    load_demo(engine)
    yield engine
    engine.dispose()


def test_the_reference_semester_of_the_demo_has_no_gap(demo: Engine) -> None:
    found = period_completeness(demo, Period.semester("2019-S1"), today=TODAY)
    assert found.complete
    assert found.warnings() == []
    # 1st half of 2019: 129 weekdays, 6 public holidays on weekdays (1 Jan, Easter Monday,
    # 1 and 8 May, Ascension, Whit Monday); the reference's contacts and people.
    for site, contacts, people in ((FO, 3129, 1030), (GR, 2808, 798)):
        gaps = found.period_by_site[site]
        assert (gaps.open_days, gaps.contacts, gaps.people) == (123, contacts, people)
        assert (gaps.late, gaps.imported) == (0, 0)  # the demo types everything the same day
    assert found.period_total.people == 1828


def test_the_demo_second_semester_shows_the_breakdown_of_november_2019(demo: Engine) -> None:
    found = period_completeness(demo, Period.semester("2019-S2"), today=TODAY)
    november = next(m for m in found.months if m.start.month == 11)
    after = tuple(date(2019, 11, d) for d in (12, 13, 14, 15, 18, 19, 20, 21, 22, 25, 26, 27))
    expected = (*after, date(2019, 11, 28), date(2019, 11, 29))
    # The old program broke down after 8 November; Grésilles was closed (sick leave) until then.
    assert november.by_site[FO].missing_days == {FO: expected}
    assert november.by_site[GR].missing_days == {GR: expected}
    assert november.by_site[GR].open_days == 14
    october = next(m for m in found.months if m.start.month == 10)
    assert october.by_site[GR].open_days == 12  # closed from 17 October: no gap
    assert october.by_site[GR].missing_count == 0
    assert found.period_total.missing_count == 2 * 14 + 2 * 21  # November, then December
