"""each person's first day at each site, kept from stat_visits (stat_firsts)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

Tables 3 and 4 ask, for every person of the period at every site, whether that person came
before the period (at that site; at any selected site for the total row). Until now the answer
was a search of the person's earlier visits in ``stat_visits``: on a network of 10,000,000
contacts, half a million searches of a 9,000,000-row index for one semester. ``stat_firsts``
keeps the answer: one row per (person, site) with the smallest day of that person's
``stat_visits`` rows there, so that "new in the period" becomes ``first_day >= start``.

It is a function of ``stat_visits`` alone, so it is kept by triggers on ``stat_visits``, whatever
wrote that table (the contacts' triggers, the bulk import's batches, a rebuild):

- a row added: the first day becomes the smaller of the two;
- a row removed that was the first day: the first day is looked up again among the person's
  remaining rows there (``ix_stat_visits_person_day``), and the row goes when none is left.

``stat_visits`` rows are only ever inserted (upserted by key) and deleted; their keys are never
updated, so no update trigger is needed (``statistics_drift`` would show it).

SQLite: row-level triggers. PostgreSQL: statement-level triggers with transition tables, with the
plan settings of migration 0007; they run inside the contacts' triggers, which already hold the
installation's clock row, so they take no lock of their own before their rows. Both fill the
table from the existing ``stat_visits`` first, the tables locked on PostgreSQL.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKFILL = """INSERT INTO stat_firsts (person_no, site_id, first_day)
    SELECT person_no, site_id, min(day) FROM stat_visits GROUP BY person_no, site_id"""

# --- SQLite ----------------------------------------------------------------------------------

_SQLITE_SAME_PAIR = "person_no = OLD.person_no AND site_id = OLD.site_id"

SQLITE_TRIGGERS = {
    "stat_firsts_on_visit_insert": """AFTER INSERT ON stat_visits BEGIN
    INSERT INTO stat_firsts (person_no, site_id, first_day)
    VALUES (NEW.person_no, NEW.site_id, NEW.day)
    ON CONFLICT (person_no, site_id) DO UPDATE SET first_day = excluded.first_day
    WHERE excluded.first_day < first_day;
END""",
    "stat_firsts_on_visit_delete": f"""AFTER DELETE ON stat_visits
WHEN OLD.day = (SELECT first_day FROM stat_firsts WHERE {_SQLITE_SAME_PAIR}) BEGIN
    DELETE FROM stat_firsts WHERE {_SQLITE_SAME_PAIR};
    INSERT INTO stat_firsts (person_no, site_id, first_day)
    SELECT OLD.person_no, OLD.site_id, min(day) FROM stat_visits WHERE {_SQLITE_SAME_PAIR}
    HAVING min(day) IS NOT NULL;
END""",
}

# --- PostgreSQL ------------------------------------------------------------------------------

# As in migration 0007 (its note says why): plans kept per session must stay on the indexes.
_PLAN_SETTINGS = (
    "SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off SET jit = off"
)

_POSTGRESQL_BODIES = {
    "stat_firsts_on_visit_insert": """
    INSERT INTO stat_firsts AS t (person_no, site_id, first_day)
    SELECT person_no, site_id, min(day) FROM new_rows
    GROUP BY person_no, site_id ORDER BY person_no, site_id
    ON CONFLICT (person_no, site_id) DO UPDATE SET first_day = excluded.first_day
    WHERE excluded.first_day < t.first_day;""",
    # The pairs that lost their first day, and their first day now (NULL: no visit left).
    "stat_firsts_on_visit_delete": """
    WITH lost AS MATERIALIZED (
        SELECT DISTINCT o.person_no, o.site_id FROM old_rows o
        JOIN stat_firsts f ON f.person_no = o.person_no AND f.site_id = o.site_id
            AND f.first_day = o.day),
    fresh AS MATERIALIZED (
        SELECT l.person_no, l.site_id,
               (SELECT min(v.day) FROM stat_visits v
                WHERE v.person_no = l.person_no AND v.site_id = l.site_id) AS first_day
        FROM lost l),
    emptied AS (
        DELETE FROM stat_firsts f USING fresh
        WHERE f.person_no = fresh.person_no AND f.site_id = fresh.site_id AND fresh.first_day IS NULL)
    UPDATE stat_firsts f SET first_day = fresh.first_day FROM fresh
    WHERE f.person_no = fresh.person_no AND f.site_id = fresh.site_id
        AND fresh.first_day IS NOT NULL;""",
}
_POSTGRESQL_EVENTS = {
    "stat_firsts_on_visit_insert": ("INSERT", "REFERENCING NEW TABLE AS new_rows"),
    "stat_firsts_on_visit_delete": ("DELETE", "REFERENCING OLD TABLE AS old_rows"),
}


def trigger_statements() -> list[str]:
    """PostgreSQL's functions and triggers, in creation order (also used by the benchmark)."""
    out = []
    for name, body in _POSTGRESQL_BODIES.items():
        event, referencing = _POSTGRESQL_EVENTS[name]
        out.append(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql {_PLAN_SETTINGS} AS $fn$\n"
            f"BEGIN{body}\n    RETURN NULL;\nEND\n$fn$"
        )
        out.append(
            f"CREATE TRIGGER {name} AFTER {event} ON stat_visits {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
    return out


def upgrade() -> None:
    op.create_table(
        "stat_firsts",
        sa.Column("person_no", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("first_day", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("person_no", "site_id", name=op.f("pk_stat_firsts")),
        sqlite_with_rowid=False,
    )
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        # No writer may add a visit between the filling and the triggers.
        op.execute(
            "LOCK TABLE visitors, contacts, contact_services, stat_visits "
            "IN SHARE ROW EXCLUSIVE MODE"
        )
    op.execute(BACKFILL)
    if dialect == "postgresql":
        for statement in trigger_statements():
            op.execute(statement)
    elif dialect == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for name in SQLITE_TRIGGERS:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON stat_visits")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
        elif dialect == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("stat_firsts")
