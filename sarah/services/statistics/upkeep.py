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
_EMPTY = (
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
POSTGRESQL_REBUILD_STATEMENTS = (*_EMPTY, *POSTGRESQL_FILLS.values())

# What stat_firsts should hold, from the contacts themselves (the drift check's reference).
_FIRSTS_FROM_CONTACTS = """SELECT p.no, c.site_id, min({day}) FROM contacts c
    JOIN stat_persons p ON p.visitor_id = c.visitor_id
    WHERE c.deleted_at IS NULL GROUP BY 1, 2"""


def rebuild_statements(dialect: str) -> tuple[str, ...]:
    """The statements that empty then refill the derived tables (the DELETEs first, then the
    INSERT ... SELECT of stat_persons, stat_days, stat_day_services, stat_visits, stat_firsts)."""
    if dialect == "postgresql":
        return POSTGRESQL_REBUILD_STATEMENTS
    return REBUILD_STATEMENTS


def _kept(engine: Engine) -> bool:
    """Whether this database keeps the derived tables (SQLite, PostgreSQL from 0007)."""
    return engine.dialect.name in ("sqlite", "postgresql")


def rebuild_statistics(engine: Engine) -> None:
    """Recompute the derived tables from the contacts, in one transaction.

    On PostgreSQL the written tables are locked first (writers wait, readers go on): a desk's
    trigger cannot add to a row between the emptying and the filling; and stat_firsts' triggers
    are off for the transaction (its last statement fills it in one pass, instead of the
    triggers reading millions of rows of stat_visits twice).
    """
    if not _kept(engine):
        return
    with write_session(engine) as session:
        if engine.dialect.name == "postgresql":
            session.execute(
                text("LOCK TABLE visitors, contacts, contact_services IN SHARE ROW EXCLUSIVE MODE")
            )
            session.execute(text("ALTER TABLE stat_visits DISABLE TRIGGER USER"))
        for statement in rebuild_statements(engine.dialect.name):
            session.execute(text(statement))
        if engine.dialect.name == "postgresql":
            session.execute(text("ALTER TABLE stat_visits ENABLE TRIGGER USER"))


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
