"""each person's first day of each semester at each site, with their age, sex and newness
(stat_semester_people), kept on PostgreSQL

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03

Tables 3 and 4 of a semester group the period's people: on a network of 10,000,000 contacts,
630,000 person-day rows of ``stat_visits`` grouped into 240,000 (person, site) pairs, each joined
to its profile and first day: seconds on PostgreSQL, where a coordinator waits for one. This
table keeps that grouping done: one row per (semester, site, person) with the person's first day
of the semester there, the age in whole years on that day, the sex, and whether that semester
holds the person's first day ever at the site. A semester's site rows are then a grouping of its
rows; its total row a grouping of the same rows by person (the youngest age is the first
day's: age only goes up), with "new" looked up only for people new at every site they visited.

Each row is a function of ``stat_visits``, ``stat_firsts``, ``stat_persons`` and, for an
erased identity, the age its contact kept (``contacts.age_years``). So it is recomputed, key by
key, whenever one of those changes, inside the same statement, by statement-level triggers:

- a ``stat_visits`` row added or removed: that (semester, site, person);
- a ``stat_firsts`` row added, changed or removed: the semesters of its old and new first day
  (only they change their newness);
- a profile's sex or birth day changed: every row of the person;
- a contact's kept age written or changed, for a person without a birth day: that contact's
  (semester, site, person).

The total row of every site together (the network's, the one a supervisor reads) has its own
table, ``stat_semester_network_people``: one row per (semester, person) with the first day of
the semester at any site, its age, the sex, and whether the person's first day ever anywhere is
in that semester. Its rows are recomputed from the person's rows above, for the same keys, and
for every semester of the person when a first day changes (the first day ever anywhere may then
move to another site's first day, in any semester).

The recomputation (``stat_semester_people_refresh``) reads the current state and upserts only
what differs, so that a key recomputed twice (a first visit changes both ``stat_visits`` and
``stat_firsts``) costs a look-up, not a write. On PostgreSQL ``stat_visits``' triggers run in
name order: ``stat_firsts_…`` (0008) before ``stat_semester_people_…``, so the first day ever
is already right when a visit's row is recomputed; the contacts' triggers hold the clock row
already (0007), so these take no lock of their own first.

SQLite gets the tables, empty: its derived path is fast enough without them
(docs/benchmarks.md) and the statistics read them on PostgreSQL only.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As in migrations 0007 and 0008: plans kept per session must stay on the indexes.
_PLAN_SETTINGS = (
    "SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off SET jit = off"
)

# A semester as the integer YYYYH (20191: 1 January-30 June 2019), from a day YYYYMMDD, and its
# first and last days back.
HELPERS = (
    """CREATE FUNCTION stat_semester(day integer) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS 'SELECT day / 10000 * 10 + CASE WHEN day % 10000 < 701 THEN 1 ELSE 2 END'""",
    """CREATE FUNCTION stat_semester_first_day(semester integer) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS 'SELECT semester / 10 * 10000 + CASE WHEN semester % 10 = 1 THEN 101 ELSE 701 END'""",
    """CREATE FUNCTION stat_semester_last_day(semester integer) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS 'SELECT semester / 10 * 10000 + CASE WHEN semester % 10 = 1 THEN 630 ELSE 1231 END'""",
)

# The table's rows for a set of (semester, site_id, person_no, first_day) rows ``f``: the age
# from the birth day, or for an erased identity the age its contact of that day kept (NULL:
# unknown); the sex of the current profile; new when the first day ever there is this semester.
_COLUMNS = "semester, site_id, person_no, first_day, age_years, sex, is_new"
_ROWS = """SELECT f.semester, f.site_id, f.person_no, f.first_day,
           CASE WHEN p.birth_day IS NOT NULL THEN (f.first_day - p.birth_day) / 10000
                ELSE (SELECT min(c.age_years) FROM contacts c
                      WHERE c.visitor_id = p.visitor_id AND c.site_id = f.site_id
                        AND c.local_date = to_date(f.first_day::text, 'YYYYMMDD')
                        AND c.deleted_at IS NULL) END,
           p.sex, stat_semester(s.first_day) = f.semester
    FROM {source} f
    JOIN stat_persons p ON p.no = f.person_no
    JOIN stat_firsts s ON s.person_no = f.person_no AND s.site_id = f.site_id"""

# The first filling (and the rebuild's, sarah.services.statistics.upkeep).
FILL = f"""INSERT INTO stat_semester_people ({_COLUMNS})
    {
    _ROWS.format(
        source="(SELECT stat_semester(day) AS semester, site_id, person_no, min(day) AS first_day "
        "FROM stat_visits WHERE n > 0 GROUP BY 1, 2, 3)"
    )
}"""

# The network's rows for a set of (semester, person_no) keys ``k`` (a person's rows above: the
# earliest first day, the youngest age, the one sex); new when the first day ever at any site
# is in the semester. (Inside a statement that removes a person's last visits at a site, their
# other semesters there are recomputed just after the first day's row goes: meanwhile "no first
# day left" reads as not new, and the rows go with the visits' own trigger.)
_NETWORK_COLUMNS = "semester, person_no, first_day, age_years, sex, is_new"
_NETWORK_ROWS = """SELECT g.semester, g.person_no, g.first_day, g.age_years, g.sex,
           coalesce(stat_semester((SELECT min(s.first_day) FROM stat_firsts s
                                   WHERE s.person_no = g.person_no)) = g.semester, false)
    FROM (SELECT t.semester, t.person_no, min(t.first_day) AS first_day,
                 min(t.age_years) AS age_years, max(t.sex) AS sex
          FROM stat_semester_people t{keys}
          GROUP BY t.semester, t.person_no) g"""
NETWORK_FILL = f"""INSERT INTO stat_semester_network_people ({_NETWORK_COLUMNS})
    {_NETWORK_ROWS.format(keys="")}"""

REFRESH_SIGNATURE = "stat_semester_people_refresh(integer[], uuid[], integer[], boolean)"
REFRESH = f"""CREATE FUNCTION stat_semester_people_refresh(
        semesters integer[], sites uuid[], persons integer[], every_semester boolean)
    RETURNS void LANGUAGE plpgsql {_PLAN_SETTINGS} AS $fn$
BEGIN
    IF semesters IS NULL THEN
        RETURN;
    END IF;
    WITH k AS MATERIALIZED (
        SELECT DISTINCT semester, site_id, person_no
        FROM unnest(semesters, sites, persons) AS k(semester, site_id, person_no)),
    fresh AS MATERIALIZED (
        SELECT k.semester, k.site_id, k.person_no,
               (SELECT min(v.day) FROM stat_visits v
                WHERE v.person_no = k.person_no AND v.site_id = k.site_id AND v.n > 0
                  AND v.day BETWEEN stat_semester_first_day(k.semester)
                                AND stat_semester_last_day(k.semester)) AS first_day
        FROM k),
    gone AS (
        DELETE FROM stat_semester_people t USING fresh
        WHERE t.semester = fresh.semester AND t.site_id = fresh.site_id
            AND t.person_no = fresh.person_no AND fresh.first_day IS NULL)
    INSERT INTO stat_semester_people AS t ({_COLUMNS})
    {_ROWS.format(source="(SELECT * FROM fresh WHERE first_day IS NOT NULL)")}
    ORDER BY 1, 2, 3
    ON CONFLICT (semester, site_id, person_no) DO UPDATE SET
        first_day = excluded.first_day, age_years = excluded.age_years, sex = excluded.sex,
        is_new = excluded.is_new
    WHERE (t.first_day, t.age_years, t.sex, t.is_new)
        IS DISTINCT FROM (excluded.first_day, excluded.age_years, excluded.sex, excluded.is_new);
    WITH k AS MATERIALIZED (
        SELECT semester, person_no FROM unnest(semesters, persons) AS k(semester, person_no)
        UNION
        SELECT t.semester, t.person_no FROM stat_semester_people t
        WHERE every_semester AND t.person_no = ANY(persons)),
    fresh AS MATERIALIZED ({
    _NETWORK_ROWS.format(keys=" JOIN k ON t.semester = k.semester AND t.person_no = k.person_no")
}),
    gone AS (
        DELETE FROM stat_semester_network_people t USING k
        WHERE t.semester = k.semester AND t.person_no = k.person_no
            AND NOT EXISTS (SELECT 1 FROM fresh
                            WHERE fresh.semester = k.semester AND fresh.person_no = k.person_no))
    INSERT INTO stat_semester_network_people AS t ({_NETWORK_COLUMNS})
    SELECT * FROM fresh ORDER BY 1, 2
    ON CONFLICT (semester, person_no) DO UPDATE SET
        first_day = excluded.first_day, age_years = excluded.age_years, sex = excluded.sex,
        is_new = excluded.is_new
    WHERE (t.first_day, t.age_years, t.sex, t.is_new)
        IS DISTINCT FROM (excluded.first_day, excluded.age_years, excluded.sex, excluded.is_new);
END
$fn$"""


def _refresh(keys: str, *, every_semester: bool = False) -> str:
    """Recompute the (semester, site_id, person_no) rows selected by ``keys``, and the network's
    rows of the same (semester, person_no), or of every semester of those people."""
    return f"""
    PERFORM stat_semester_people_refresh(
        array_agg(k.semester), array_agg(k.site_id), array_agg(k.person_no), {every_semester})
    FROM ({keys}) k;"""


_OF_PERSONS = """SELECT t.semester, t.site_id, t.person_no FROM stat_semester_people t
        WHERE t.person_no IN ({persons})"""

# The contacts' kept age matters for people without a birth day only.
_KEPT_AGES = """SELECT stat_semester(to_char(n.local_date, 'YYYYMMDD')::integer) AS semester,
               n.site_id, p.no AS person_no
        FROM new_rows n JOIN stat_persons p ON p.visitor_id = n.visitor_id
        WHERE p.birth_day IS NULL AND n.deleted_at IS NULL AND n.age_years IS NOT NULL{more}"""

# (name, table, event, body)
TRIGGERS = (
    (
        "stat_semester_people_on_visit_insert",
        "stat_visits",
        "INSERT",
        _refresh("SELECT stat_semester(day) AS semester, site_id, person_no FROM new_rows"),
    ),
    (
        "stat_semester_people_on_visit_delete",
        "stat_visits",
        "DELETE",
        _refresh("SELECT stat_semester(day) AS semester, site_id, person_no FROM old_rows"),
    ),
    (
        "stat_semester_people_on_first_insert",
        "stat_firsts",
        "INSERT",
        _refresh(
            "SELECT stat_semester(first_day) AS semester, site_id, person_no FROM new_rows",
            every_semester=True,
        ),
    ),
    (
        "stat_semester_people_on_first_update",
        "stat_firsts",
        "UPDATE",
        _refresh(
            "SELECT stat_semester(first_day) AS semester, site_id, person_no FROM new_rows "
            "UNION ALL "
            "SELECT stat_semester(first_day) AS semester, site_id, person_no FROM old_rows",
            every_semester=True,
        ),
    ),
    (
        "stat_semester_people_on_first_delete",
        "stat_firsts",
        "DELETE",
        _refresh(
            "SELECT stat_semester(first_day) AS semester, site_id, person_no FROM old_rows",
            every_semester=True,
        ),
    ),
    (
        "stat_semester_people_on_person_update",
        "stat_persons",
        "UPDATE",
        _refresh(
            _OF_PERSONS.format(
                persons="SELECT n.no FROM new_rows n JOIN old_rows o ON o.no = n.no "
                "WHERE (n.sex, n.birth_day) IS DISTINCT FROM (o.sex, o.birth_day)"
            )
        ),
    ),
    (
        "stat_semester_people_on_person_delete",
        "stat_persons",
        "DELETE",
        """
    DELETE FROM stat_semester_people t USING old_rows o WHERE t.person_no = o.no;
    DELETE FROM stat_semester_network_people t USING old_rows o WHERE t.person_no = o.no;""",
    ),
    (
        "stat_semester_people_on_contact_insert",
        "contacts",
        "INSERT",
        _refresh(_KEPT_AGES.format(more="")),
    ),
    (
        "stat_semester_people_on_contact_update",
        "contacts",
        "UPDATE",
        _refresh(
            _KEPT_AGES.format(
                more=" AND EXISTS (SELECT 1 FROM old_rows o WHERE o.id = n.id "
                "AND o.age_years IS DISTINCT FROM n.age_years)"
            )
        ),
    ),
)

_REFERENCING = {
    "INSERT": "REFERENCING NEW TABLE AS new_rows",
    "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "REFERENCING OLD TABLE AS old_rows",
}


def trigger_statements() -> list[str]:
    """PostgreSQL's functions and triggers, in creation order (also used by the benchmark)."""
    out = [*HELPERS, REFRESH]
    for name, table, event, body in TRIGGERS:
        out.append(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql {_PLAN_SETTINGS} AS $fn$\n"
            f"BEGIN{body}\n    RETURN NULL;\nEND\n$fn$"
        )
        out.append(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} {_REFERENCING[event]} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
    return out


def trigger_names() -> list[tuple[str, str]]:
    """(trigger = function name, table) of every trigger this revision creates."""
    return [(name, table) for name, table, _event, _body in TRIGGERS]


def upgrade() -> None:
    op.create_table(
        "stat_semester_people",
        sa.Column("semester", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("person_no", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Integer(), nullable=False),
        sa.Column("age_years", sa.Integer(), nullable=True),
        sa.Column("sex", sa.String(length=1), nullable=True),
        sa.Column("is_new", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint(
            "semester", "site_id", "person_no", name=op.f("pk_stat_semester_people")
        ),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_stat_semester_people_person",
        "stat_semester_people",
        ["person_no", "semester", "site_id"],
    )
    op.create_table(
        "stat_semester_network_people",
        sa.Column("semester", sa.Integer(), nullable=False),
        sa.Column("person_no", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Integer(), nullable=False),
        sa.Column("age_years", sa.Integer(), nullable=True),
        sa.Column("sex", sa.String(length=1), nullable=True),
        sa.Column("is_new", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint(
            "semester", "person_no", name=op.f("pk_stat_semester_network_people")
        ),
        sqlite_with_rowid=False,
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    # No writer may add a visit between the filling and the triggers.
    op.execute(
        "LOCK TABLE visitors, contacts, contact_services, stat_visits IN SHARE ROW EXCLUSIVE MODE"
    )
    for statement in HELPERS:
        op.execute(statement)
    op.execute(FILL)
    op.execute(NETWORK_FILL)
    for statement in trigger_statements()[len(HELPERS) :]:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, table in trigger_names():
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
        op.execute(f"DROP FUNCTION IF EXISTS {REFRESH_SIGNATURE}")
        for helper in ("stat_semester", "stat_semester_first_day", "stat_semester_last_day"):
            op.execute(f"DROP FUNCTION IF EXISTS {helper}(integer)")
    op.drop_index("ix_stat_semester_people_person", table_name="stat_semester_people")
    op.drop_table("stat_semester_network_people")
    op.drop_table("stat_semester_people")
