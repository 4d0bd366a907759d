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


# Same statements as migration 0002's first filling.
REBUILD_STATEMENTS = (
    "DELETE FROM stat_visits",
    "DELETE FROM stat_day_services",
    "DELETE FROM stat_days",
    "DELETE FROM stat_persons",
    f"""INSERT INTO stat_persons (visitor_id, sex, birth_day)
    SELECT id, sex, {_day_sql("birth_date")} FROM visitors""",
    f"""INSERT INTO stat_days (site_id, day, physique, telephone, anonymous, no_service)
    SELECT c.site_id, {_day_sql("c.local_date")}, sum(c.channel = 'physique'),
           sum(c.channel = 'telephone'), sum(c.visitor_id IS NULL),
           sum(NOT EXISTS (SELECT 1 FROM contact_services cs WHERE cs.contact_id = c.id))
    FROM contacts c WHERE c.deleted_at IS NULL GROUP BY 1, 2""",
    f"""INSERT INTO stat_day_services (site_id, day, service_id, n)
    SELECT c.site_id, {_day_sql("c.local_date")}, cs.service_id, count(*)
    FROM contacts c JOIN contact_services cs ON cs.contact_id = c.id
    WHERE c.deleted_at IS NULL GROUP BY 1, 2, 3""",
    f"""INSERT INTO stat_visits (site_id, day, person_no, n)
    SELECT c.site_id, {_day_sql("c.local_date")}, p.no, count(*)
    FROM contacts c JOIN stat_persons p ON p.visitor_id = c.visitor_id
    WHERE c.deleted_at IS NULL GROUP BY 1, 2, 3""",
)


def _pg_day(expr: str) -> str:
    return f"to_char({expr}, 'YYYYMMDD')::integer"


# Same statements as migration 0007's first filling (PostgreSQL: booleans counted with FILTER).
POSTGRESQL_REBUILD_STATEMENTS = (
    *REBUILD_STATEMENTS[:4],
    f"""INSERT INTO stat_persons (visitor_id, sex, birth_day)
    SELECT id, sex, {_pg_day("birth_date")} FROM visitors ORDER BY id""",
    f"""INSERT INTO stat_days (site_id, day, physique, telephone, anonymous, no_service)
    SELECT c.site_id, {_pg_day("c.local_date")}, count(*) FILTER (WHERE c.channel = 'physique'),
           count(*) FILTER (WHERE c.channel = 'telephone'),
           count(*) FILTER (WHERE c.visitor_id IS NULL),
           count(*) FILTER (WHERE NOT EXISTS (
               SELECT 1 FROM contact_services cs WHERE cs.contact_id = c.id))
    FROM contacts c WHERE c.deleted_at IS NULL GROUP BY 1, 2""",
    f"""INSERT INTO stat_day_services (site_id, day, service_id, n)
    SELECT c.site_id, {_pg_day("c.local_date")}, cs.service_id, count(*)
    FROM contacts c JOIN contact_services cs ON cs.contact_id = c.id
    WHERE c.deleted_at IS NULL GROUP BY 1, 2, 3""",
    f"""INSERT INTO stat_visits (site_id, day, person_no, n)
    SELECT c.site_id, {_pg_day("c.local_date")}, p.no, count(*)
    FROM contacts c JOIN stat_persons p ON p.visitor_id = c.visitor_id
    WHERE c.deleted_at IS NULL GROUP BY 1, 2, 3""",
)


def rebuild_statements(dialect: str) -> tuple[str, ...]:
    """The statements that empty then refill the derived tables (the four DELETEs first, then
    the INSERT ... SELECT of stat_persons, stat_days, stat_day_services, stat_visits)."""
    if dialect == "postgresql":
        return POSTGRESQL_REBUILD_STATEMENTS
    return REBUILD_STATEMENTS


def _kept(engine: Engine) -> bool:
    """Whether this database keeps the derived tables (SQLite, PostgreSQL from 0007)."""
    return engine.dialect.name in ("sqlite", "postgresql")


def rebuild_statistics(engine: Engine) -> None:
    """Recompute the derived tables from the contacts, in one transaction.

    On PostgreSQL the written tables are locked first (writers wait, readers go on): a desk's
    trigger cannot add to a row between the emptying and the filling.
    """
    if not _kept(engine):
        return
    with write_session(engine) as session:
        if engine.dialect.name == "postgresql":
            session.execute(
                text("LOCK TABLE visitors, contacts, contact_services IN SHARE ROW EXCLUSIVE MODE")
            )
        for statement in rebuild_statements(engine.dialect.name):
            session.execute(text(statement))


def statistics_drift(engine: Engine) -> list[str]:
    """Differences between the derived tables and a fresh computation (empty when right).

    Compares the non-zero sums only: a row whose count fell back to zero means nothing.
    """
    if not _kept(engine):
        return []
    dialect = engine.dialect.name
    statements = rebuild_statements(dialect)
    fresh = {  # table -> (query, index of the first count column)
        "stat_days": (statements[5], 2),
        "stat_day_services": (statements[6], 3),
        "stat_visits": (statements[7], 3),
    }
    birth = (_pg_day if dialect == "postgresql" else _day_sql)("v.birth_date")
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
        for table, (statement, counts) in fresh.items():
            query = statement.split("\n", 1)[1]  # the SELECT of the INSERT ... SELECT
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
