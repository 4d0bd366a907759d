"""The drift check of the derived statistics: each sum that differs from the contacts is named
in a line the maintenance screen and the log show (the table, what is missing or in excess,
the row), and a rebuild leaves none.
"""

from __future__ import annotations

import uuid
from datetime import date, time

import pytest
from sqlalchemy import Engine, insert, text

from sarah.db import write_session
from sarah.schema import stat_persons
from sarah.services.catalogue import list_services
from sarah.services.contacts import ContactDraft, log_contact
from sarah.services.sites import ensure_site
from sarah.services.statistics.upkeep import rebuild_statistics, statistics_drift
from sarah.services.visitors import create_visitor


class OneVisit:
    """Léa (born 1 January 1990) came once to Fontaine d'Ouche, on 3 January 2019, for a CV."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.cv = next(s.id for s in list_services(engine) if s.code == "cv_lm")
        self.site = ensure_site(engine, "Fontaine d'Ouche").id
        self.lea = create_visitor(engine, last_name="Léa", sex="F", birth_date=date(1990, 1, 1)).id
        draft = ContactDraft(self.site, "physique", date(2019, 1, 3), time(10), self.lea, [self.cv])
        log_contact(engine, draft)

    def key(self, value: uuid.UUID) -> str:
        """An id as the check's raw SQL reads it back (SQLite stores 32 hex digits)."""
        return value.hex if self.engine.dialect.name == "sqlite" else str(value)

    def tamper(self, *statements: str) -> None:
        with write_session(self.engine) as s:
            for statement in statements:
                s.execute(text(statement))


@pytest.fixture
def visit(engine: Engine) -> OneVisit:
    world = OneVisit(engine)
    assert statistics_drift(engine) == []
    return world


def test_a_wrong_day_sum_is_named_with_both_rows(visit: OneVisit) -> None:
    visit.tamper("UPDATE stat_days SET physique = physique + 5")
    site = visit.key(visit.site)
    assert statistics_drift(visit.engine) == [
        f"stat_days: manque ('{site}', 20190103, 1, 0, 0, 0)",
        f"stat_days: en trop ('{site}', 20190103, 6, 0, 0, 0)",
    ]
    rebuild_statistics(visit.engine)
    assert statistics_drift(visit.engine) == []


def test_a_wrong_service_sum_is_named(visit: OneVisit) -> None:
    visit.tamper("UPDATE stat_day_services SET n = 2")
    site, cv = visit.key(visit.site), visit.key(visit.cv)
    assert statistics_drift(visit.engine) == [
        f"stat_day_services: manque ('{site}', 20190103, '{cv}', 1)",
        f"stat_day_services: en trop ('{site}', 20190103, '{cv}', 2)",
    ]


def test_a_profile_out_of_date_is_named_with_both_values(visit: OneVisit) -> None:
    visit.tamper("UPDATE stat_persons SET sex = 'H', birth_day = 19910101")
    lea = visit.key(visit.lea)
    assert statistics_drift(visit.engine) == [
        f"stat_persons: {lea} ('H', 19910101) != ('F', 19900101)",
    ]


def test_a_person_left_behind_is_named(visit: OneVisit) -> None:
    ghost = uuid.uuid4()
    with write_session(visit.engine) as s:
        s.execute(insert(stat_persons).values(visitor_id=ghost, sex="H", birth_day=None))
    assert statistics_drift(visit.engine) == [f"stat_persons: en trop {visit.key(ghost)}"]


def test_a_lost_visit_is_named_in_each_table_that_misses_it(visit: OneVisit) -> None:
    # Deleting the visit takes the person's first day at the site with it (stat_firsts follows
    # stat_visits; on PostgreSQL the semester rows too, and the fresh ones are built from both).
    visit.tamper("DELETE FROM stat_visits")
    site = visit.key(visit.site)
    assert statistics_drift(visit.engine) == [
        f"stat_visits: manque ('{site}', 20190103, 1, 1)",
        f"stat_firsts: manque (1, '{site}', 20190103)",
    ]


@pytest.mark.postgres
def test_a_wrong_semester_row_is_named_on_postgresql(pg_engine: Engine) -> None:
    """PostgreSQL keeps each person's semester rows for tables 3 and 4 (SQLite: none)."""
    visit = OneVisit(pg_engine)
    site = visit.key(visit.site)
    visit.tamper("UPDATE stat_semester_network_people SET is_new = false")
    assert statistics_drift(pg_engine) == [
        "stat_semester_network_people: manque (20191, 1, 20190103, 29, 'F', True)",
        "stat_semester_network_people: en trop (20191, 1, 20190103, 29, 'F', False)",
    ]
    visit.tamper("UPDATE stat_semester_network_people SET is_new = true")
    assert statistics_drift(pg_engine) == []
    # The network's fresh rows are built from the kept site rows: a wrong age there shows in
    # both tables.
    visit.tamper("UPDATE stat_semester_people SET age_years = 25")
    assert statistics_drift(pg_engine) == [
        f"stat_semester_people: manque (20191, '{site}', 1, 20190103, 29, 'F', True)",
        f"stat_semester_people: en trop (20191, '{site}', 1, 20190103, 25, 'F', True)",
        "stat_semester_network_people: manque (20191, 1, 20190103, 25, 'F', True)",
        "stat_semester_network_people: en trop (20191, 1, 20190103, 29, 'F', True)",
    ]
