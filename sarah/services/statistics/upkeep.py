"""Upkeep of the derived statistics tables: rebuild them, and list where they drift from the
contacts."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import (
    Engine,
    text,
)

from sarah.db import read_session, write_session
from sarah.services.statistics.sql import prepare_read

# --- upkeep of the derived tables ------------------------------------------------------------


def _day_sql(expr: str) -> str:
    return f"CAST(strftime('%Y%m%d', {expr}) AS INTEGER)"


# Same statements as migrations 0002 and 0008's first filling. stat_firsts is emptied first and
# filled last, from stat_visits: while its triggers are on (a rebuild on SQLite), the rows they
# add as stat_visits fills are already the right ones, and the last statement adds none.
FIRSTS_FILL = """INSERT INTO stat_firsts (person_no, site_id, first_day)
    SELECT person_no, site_id, min(day) FROM stat_visits WHERE true GROUP BY person_no, site_id
    ON CONFLICT (person_no, site_id) DO NOTHING"""
# PostgreSQL (migration 0009): each person's first day of each semester at each site, with the
# age, sex and newness tables 3 and 4 count, then the same at any site (the network's total
# row); filled last, from the tables above.
SEMESTER_PEOPLE_ROWS = """SELECT f.semester, f.site_id, f.person_no, f.first_day,
           CASE WHEN p.birth_day IS NOT NULL THEN (f.first_day - p.birth_day) / 10000
                ELSE (SELECT min(c.age_years) FROM contacts c
                      WHERE c.visitor_id = p.visitor_id AND c.site_id = f.site_id
                        AND c.local_date = to_date(f.first_day::text, 'YYYYMMDD')
                        AND c.deleted_at IS NULL) END,
           p.sex, stat_semester(s.first_day) = f.semester
    FROM (SELECT stat_semester(day) AS semester, site_id, person_no, min(day) AS first_day
          FROM stat_visits WHERE n > 0 GROUP BY 1, 2, 3) f
    JOIN stat_persons p ON p.no = f.person_no
    JOIN stat_firsts s ON s.person_no = f.person_no AND s.site_id = f.site_id"""
SEMESTER_PEOPLE_FILL = f"""INSERT INTO stat_semester_people
    (semester, site_id, person_no, first_day, age_years, sex, is_new)
    {SEMESTER_PEOPLE_ROWS}"""
SEMESTER_NETWORK_ROWS = """SELECT g.semester, g.person_no, g.first_day, g.age_years, g.sex,
           coalesce(stat_semester((SELECT min(s.first_day) FROM stat_firsts s
                                   WHERE s.person_no = g.person_no)) = g.semester, false)
    FROM (SELECT t.semester, t.person_no, min(t.first_day) AS first_day,
                 min(t.age_years) AS age_years, max(t.sex) AS sex
          FROM stat_semester_people t GROUP BY t.semester, t.person_no) g"""
SEMESTER_NETWORK_FILL = f"""INSERT INTO stat_semester_network_people
    (semester, person_no, first_day, age_years, sex, is_new)
    {SEMESTER_NETWORK_ROWS}"""
_EMPTY = (
    "DELETE FROM stat_semester_network_people",
    "DELETE FROM stat_semester_people",
    "DELETE FROM stat_firsts",
    "DELETE FROM stat_visits",
    "DELETE FROM stat_day_services",
    "DELETE FROM stat_days",
    "DELETE FROM stat_persons",
)


def _fills(day: Any, persons: str, days: str) -> dict[str, str]:
    """The INSERT ... SELECT of each table, in filling order (``day``: date -> YYYYMMDD)."""
    return {
        "stat_persons": f"""INSERT INTO stat_persons (visitor_id, sex, birth_day)
    SELECT id, sex, {day("birth_date")} FROM visitors{persons}""",
        "stat_days": f"""INSERT INTO stat_days (site_id, day, physique, telephone, anonymous, no_service)
    SELECT c.site_id, {day("c.local_date")}, {days}
    FROM contacts c WHERE c.deleted_at IS NULL GROUP BY 1, 2""",
        "stat_day_services": f"""INSERT INTO stat_day_services (site_id, day, service_id, n)
    SELECT c.site_id, {day("c.local_date")}, cs.service_id, count(*)
    FROM contacts c JOIN contact_services cs ON cs.contact_id = c.id
    WHERE c.deleted_at IS NULL GROUP BY 1, 2, 3""",
        "stat_visits": f"""INSERT INTO stat_visits (site_id, day, person_no, n)
    SELECT c.site_id, {day("c.local_date")}, p.no, count(*)
    FROM contacts c JOIN stat_persons p ON p.visitor_id = c.visitor_id
    WHERE c.deleted_at IS NULL GROUP BY 1, 2, 3""",
        "stat_firsts": FIRSTS_FILL,
    }


def _pg_day(expr: str) -> str:
    return f"to_char({expr}, 'YYYYMMDD')::integer"


SQLITE_FILLS = _fills(
    _day_sql,
    "",
    """sum(c.channel = 'physique'),
           sum(c.channel = 'telephone'), sum(c.visitor_id IS NULL),
           sum(NOT EXISTS (SELECT 1 FROM contact_services cs WHERE cs.contact_id = c.id))""",
)
# PostgreSQL (migration 0007): booleans counted with FILTER, people numbered in id order.
POSTGRESQL_FILLS = _fills(
    _pg_day,
    " ORDER BY id",
    """count(*) FILTER (WHERE c.channel = 'physique'),
           count(*) FILTER (WHERE c.channel = 'telephone'),
           count(*) FILTER (WHERE c.visitor_id IS NULL),
           count(*) FILTER (WHERE NOT EXISTS (
               SELECT 1 FROM contact_services cs WHERE cs.contact_id = c.id))""",
)
REBUILD_STATEMENTS = (*_EMPTY, *SQLITE_FILLS.values())
POSTGRESQL_REBUILD_STATEMENTS = (
    *_EMPTY,
    *POSTGRESQL_FILLS.values(),
    SEMESTER_PEOPLE_FILL,
    SEMESTER_NETWORK_FILL,
)
# The tables whose own triggers a PostgreSQL rebuild turns off: each is filled in one pass.
_REFILLED_WITHOUT_TRIGGERS = ("stat_visits", "stat_firsts", "stat_persons")

# What stat_firsts should hold, from the contacts themselves (the drift check's reference).
_FIRSTS_FROM_CONTACTS = """SELECT p.no, c.site_id, min({day}) FROM contacts c
    JOIN stat_persons p ON p.visitor_id = c.visitor_id
    WHERE c.deleted_at IS NULL GROUP BY 1, 2"""


def rebuild_statements(dialect: str) -> tuple[str, ...]:
    """The statements that empty then refill the derived tables (the DELETEs first, then the
    INSERT ... SELECT of stat_persons, stat_days, stat_day_services, stat_visits, stat_firsts,
    and on PostgreSQL stat_semester_people and stat_semester_network_people)."""
    if dialect == "postgresql":
        return POSTGRESQL_REBUILD_STATEMENTS
    return REBUILD_STATEMENTS


def _kept(engine: Engine) -> bool:
    """Whether this database keeps the derived tables (SQLite, PostgreSQL from 0007)."""
    return engine.dialect.name in ("sqlite", "postgresql")


def rebuild_statistics(engine: Engine) -> None:
    """Recompute the derived tables from the contacts, in one transaction.

    On PostgreSQL the written tables are locked first (writers wait, readers go on): a desk's
    trigger cannot add to a row between the emptying and the filling; and the triggers of the
    derived tables themselves are off for the transaction (stat_firsts and stat_semester_people
    are filled in one pass each, instead of triggers recomputing millions of keys).
    """
    if not _kept(engine):
        return
    with write_session(engine) as session:
        if engine.dialect.name == "postgresql":
            session.execute(
                text("LOCK TABLE visitors, contacts, contact_services IN SHARE ROW EXCLUSIVE MODE")
            )
            for table in _REFILLED_WITHOUT_TRIGGERS:
                session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        for statement in rebuild_statements(engine.dialect.name):
            session.execute(text(statement))
        if engine.dialect.name == "postgresql":
            for table in _REFILLED_WITHOUT_TRIGGERS:
                session.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))


def statistics_drift(engine: Engine) -> list[str]:
    """Differences between the derived tables and a fresh computation (empty when right).

    Compares the non-zero sums only: a row whose count fell back to zero means nothing.
    """
    if not _kept(engine):
        return []
    dialect = engine.dialect.name
    fills = POSTGRESQL_FILLS if dialect == "postgresql" else SQLITE_FILLS
    day = _pg_day if dialect == "postgresql" else _day_sql
    fresh = {  # table -> (query, index of the first count column)
        "stat_days": (fills["stat_days"].split("\n", 1)[1], 2),
        "stat_day_services": (fills["stat_day_services"].split("\n", 1)[1], 3),
        "stat_visits": (fills["stat_visits"].split("\n", 1)[1], 3),
        "stat_firsts": (_FIRSTS_FROM_CONTACTS.format(day=day("c.local_date")), 2),
    }
    if dialect == "postgresql":  # from the tables above, themselves compared to the contacts
        fresh["stat_semester_people"] = (SEMESTER_PEOPLE_ROWS, 3)
        fresh["stat_semester_network_people"] = (SEMESTER_NETWORK_ROWS, 2)
    birth = day("v.birth_date")
    problems: list[str] = []
    with read_session(engine) as session:
        prepare_read(session)  # PostgreSQL: one snapshot for every query below
        persons = session.execute(
            text(f"""SELECT v.id, v.sex, {birth}, p.sex, p.birth_day
            FROM visitors v LEFT JOIN stat_persons p ON p.visitor_id = v.id""")
        ).all()
        for vid, sex, birth, p_sex, p_birth in persons:
            if (sex, birth) != (p_sex, p_birth):
                problems.append(f"stat_persons: {vid} {(p_sex, p_birth)} != {(sex, birth)}")
        stray = session.execute(
            text("""SELECT p.visitor_id FROM stat_persons p
            WHERE NOT EXISTS (SELECT 1 FROM visitors v WHERE v.id = p.visitor_id)""")
        ).scalars()
        problems.extend(f"stat_persons: en trop {vid}" for vid in stray)
        for table, (query, counts) in fresh.items():  # the SELECTs of the fillings
            expected = {_key(r) for r in session.execute(text(query)) if any(r[counts:])}
            stored = {
                _key(r) for r in session.execute(text(f"SELECT * FROM {table}")) if any(r[counts:])
            }
            for row in sorted(expected - stored, key=str):
                problems.append(f"{table}: manque {row}")
            for row in sorted(stored - expected, key=str):
                problems.append(f"{table}: en trop {row}")
    return problems


def _key(row: Any) -> tuple[Any, ...]:
    return tuple(str(v) if isinstance(v, uuid.UUID) else v for v in row)
