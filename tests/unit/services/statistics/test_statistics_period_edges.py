"""A person whose first visit ever falls on a period's first day is new in that period; one who
came the day before is not. Every way of computing tables 3 and 4 draws that line: the direct
aggregation, the derived sums, and on PostgreSQL a semester's own table, for all the sites and
for some of them.
"""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import Engine

from sarah.reports.tables import Period, Report
from sarah.services.catalogue import list_services
from sarah.services.contacts import ContactDraft, log_contact
from sarah.services.sites import ensure_site, resolve_sites
from sarah.services.statistics.sql import Method
from sarah.services.statistics.tables import report_for_sites
from sarah.services.visitors import create_visitor

FDO, GRE, CHE = "Fontaine d'Ouche", "Grésilles", "Chenôve"
FIRST_DAY = date(2019, 1, 1)


@pytest.fixture
def history(engine: Engine) -> Engine:
    """Anne comes to Fontaine d'Ouche for the first time on 1 January 2019, then to Grésilles;
    Bruno came to Fontaine d'Ouche on 31 December 2018 and again on 1 January. Nobody comes
    to Chenôve (a third site, so that two sites are "some of them")."""
    rdv = next(s.id for s in list_services(engine) if s.code == "participer_rdv")
    fdo, gre = ensure_site(engine, FDO).id, ensure_site(engine, GRE).id
    ensure_site(engine, CHE)
    anne = create_visitor(engine, last_name="Anne", sex="F", birth_date=date(1980, 5, 5)).id
    bruno = create_visitor(engine, last_name="Bruno", sex="H", birth_date=date(1980, 5, 5)).id
    for site, day, who in (
        (fdo, FIRST_DAY, anne),
        (gre, date(2019, 2, 1), anne),
        (fdo, date(2018, 12, 31), bruno),
        (fdo, FIRST_DAY, bruno),
    ):
        log_contact(engine, ContactDraft(site, "physique", day, time(9), who, [rdv]))
    return engine


def report(engine: Engine, period: Period, method: Method, sites: list[str] | None) -> Report:
    chosen = resolve_sites(engine, sites)
    return report_for_sites(engine, period, chosen, method=method)


@pytest.mark.parametrize("sites", [None, [FDO, GRE]], ids=["every site", "two of three"])
@pytest.mark.parametrize(
    "period",
    [Period.semester("2019-S1"), Period.quarter(2019, 1)],
    ids=["semester", "quarter"],
)
@pytest.mark.parametrize("method", ["direct", "derived"])
def test_a_first_visit_on_the_first_day_is_new(
    history: Engine, method: Method, period: Period, sites: list[str] | None
) -> None:
    r = report(history, period, method, sites)
    fdo = r.by_site[FDO]
    assert fdo.contacts_total == 2  # both came on the first day; 31 December is outside
    assert fdo.persons.cells["adultes"] == {"F": 1, "H": 1, "NR": 0}
    assert fdo.new_persons.cells["adultes"] == {"F": 1, "H": 0, "NR": 0}  # Anne, not Bruno
    assert r.by_site[GRE].new_persons.cells["adultes"] == {"F": 1, "H": 0, "NR": 0}
    assert r.total.persons.cells["adultes"] == {"F": 1, "H": 1, "NR": 0}
    assert r.total.new_persons.cells["adultes"] == {"F": 1, "H": 0, "NR": 0}


@pytest.mark.parametrize("method", ["direct", "derived"])
def test_a_period_starting_the_day_after_a_first_visit(history: Engine, method: Method) -> None:
    """From 2 January, Anne's 1 January visit is history: she is new at Grésilles only."""
    r = report(history, Period(date(2019, 1, 2), date(2019, 3, 31)), method, None)
    assert r.by_site[GRE].new_persons.total == 1
    assert r.total.persons.total == 1
    assert r.total.new_persons.total == 0
