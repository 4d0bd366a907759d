"""The second counts behind "Totaux vérifiés": each way of computing the tables recounts its
totals in the database, files each recount under the total it checks, and a table that
disagrees with its recount fails the check.

Comparing the two ways through ``to_json()`` leaves the recounts out; these tests read them.
"""

from __future__ import annotations

import uuid
from datetime import date, time

import pytest
from sqlalchemy import Engine

from sarah.reports.tables import Period, Report
from sarah.services.catalogue import list_services
from sarah.services.contacts import ContactDraft, delete_contact, log_contact
from sarah.services.sites import ensure_site, resolve_sites
from sarah.services.statistics.sql import Method
from sarah.services.statistics.tables import report_for_sites
from sarah.services.visitors import create_visitor

FDO, GRE = "Fontaine d'Ouche", "Grésilles"
# Not a semester: on PostgreSQL a semester's people come from a table of their own, which
# keeps no recount (see test_a_derived_semester_on_postgresql_claims_no_recount).
JAN_MAY = Period(date(2019, 1, 1), date(2019, 5, 31))

CONTACTS_CHECK = "Contacts : dans chaque colonne"
SERVICES_CHECK = "Services : dans chaque colonne"
PERSONS_CHECK = "Personnes concernées : dans chaque ligne"


@pytest.fixture
def history(engine: Engine) -> Engine:
    """Fontaine d'Ouche: Léa, then Paul twice (one more contact of his deleted): 3 contacts,
    2 physical and 1 by phone, 4 services. Grésilles: Léa by phone with no service and an
    anonymous visitor: 2 contacts, 2 services (one "Non renseigné"), 1 person. Léa came to
    both sites: 2 people in all. One contact in July, outside the period."""
    svc = {s.code: s.id for s in list_services(engine)}
    fdo, gre = ensure_site(engine, FDO).id, ensure_site(engine, GRE).id
    lea = create_visitor(engine, last_name="Léa", sex="F", birth_date=date(1990, 1, 1)).id
    paul = create_visitor(engine, last_name="Paul", sex="H", birth_date=date(1990, 1, 1)).id

    def contact(
        site: uuid.UUID, day: date, who: uuid.UUID | None, channel: str, *codes: str
    ) -> uuid.UUID:
        draft = ContactDraft(site, channel, day, time(10), who, [svc[c] for c in codes])
        return log_contact(engine, draft).id

    contact(fdo, date(2019, 1, 10), lea, "physique", "cv_lm", "info_emploi")
    contact(fdo, date(2019, 2, 1), paul, "telephone", "participer_rdv")
    delete_contact(engine, contact(fdo, date(2019, 5, 5), paul, "physique", "cv_lm"))
    contact(fdo, date(2019, 5, 6), paul, "physique", "cv_lm")
    contact(fdo, date(2019, 7, 1), lea, "physique", "cv_lm")
    contact(gre, date(2019, 3, 10), lea, "telephone")
    contact(gre, date(2019, 4, 1), None, "physique", "demander_rdv")
    return engine


def report(engine: Engine, method: Method, period: Period = JAN_MAY) -> Report:
    chosen = resolve_sites(engine, None)
    return report_for_sites(engine, period, chosen, method=method)


def recounts(r: Report) -> dict[str, dict[str, int]]:
    return {FDO: r.by_site[FDO].controls, GRE: r.by_site[GRE].controls, "total": r.total.controls}


def failed(r: Report) -> dict[str, str]:
    """The start of each failing check's sentence -> the columns it names."""
    return {c.label.split(" : ")[0]: c.detail for c in r.checks() if not c.passed}


def test_the_direct_way_recounts_contacts_services_and_people(history: Engine) -> None:
    r = report(history, "direct")
    assert r.by_site[FDO].contacts == {"physique": 2, "telephone": 1}
    assert recounts(r) == {
        FDO: {"contacts": 3, "services": 4, "persons": 2},
        GRE: {"contacts": 2, "services": 2, "persons": 1},
        "total": {"contacts": 5, "services": 6, "persons": 2},
    }
    checks = r.checks()
    assert all(c.passed for c in checks)
    recounted = [c.label.split(" : ")[0] for c in checks if "dans la base" in c.label]
    assert recounted == ["Contacts", "Services", "Personnes concernées"]


def test_the_derived_way_recounts_contacts_and_people(history: Engine) -> None:
    """The per-day sums keep no second count of the services: the sentence claims none."""
    r = report(history, "derived")
    assert recounts(r) == {
        FDO: {"contacts": 3, "persons": 2},
        GRE: {"contacts": 2, "persons": 1},
        "total": {"contacts": 5, "persons": 2},
    }
    checks = r.checks()
    assert all(c.passed for c in checks)
    recounted = [c.label.split(" : ")[0] for c in checks if "dans la base" in c.label]
    assert recounted == ["Contacts", "Personnes concernées"]


def test_a_derived_semester_on_postgresql_claims_no_recount(
    history: Engine, engine_kind: str
) -> None:
    r = report(history, "derived", Period.semester("2019-S1"))
    if engine_kind == "postgresql":
        assert recounts(r) == {FDO: {}, GRE: {}, "total": {}}
        assert not any("dans la base" in c.label for c in r.checks())
    else:
        assert recounts(r)["total"] == {"contacts": 5, "persons": 2}


@pytest.mark.parametrize("method", ["direct", "derived"])
def test_a_wrong_contacts_count_is_caught_by_the_recount(history: Engine, method: Method) -> None:
    """One physical contact too many at Fontaine d'Ouche, in its column and in the total: the
    sums still add up, only the recount can tell."""
    r = report(history, method)
    r.by_site[FDO].contacts["physique"] += 1
    r.total.contacts["physique"] += 1
    assert failed(r) == {"Contacts": "écart : Fontaine d'Ouche, total"}


@pytest.mark.parametrize("method", ["direct", "derived"])
def test_a_wrong_people_count_is_caught_by_the_recount(history: Engine, method: Method) -> None:
    r = report(history, method)
    r.by_site[GRE].persons.cells["adultes"]["H"] += 1
    r.total.persons.cells["adultes"]["H"] += 1
    assert failed(r) == {"Personnes concernées": "écart : Grésilles, total"}


def test_a_wrong_services_count_is_caught_by_the_direct_recount(history: Engine) -> None:
    r = report(history, "direct")
    r.by_site[GRE].not_given_services += 1
    r.total.not_given_services += 1
    assert failed(r) == {"Services": "écart : Grésilles, total"}
