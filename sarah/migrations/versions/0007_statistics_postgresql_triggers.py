"""statistics derived tables on PostgreSQL, kept up to date by plpgsql triggers

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

Migration 0002 created the four tables of sums (sarah/models/statistics.py) everywhere but filled
and maintained them on SQLite only. This revision does the same on PostgreSQL: the tables are
filled from the existing rows, then kept exact inside every write transaction, whatever code
path writes (desk, import, sync merge, visitor merge and unmerge, deletion, erasure, purge).

How, and why so:

- statement-level AFTER triggers with transition tables on ``visitors``, ``contacts`` and
  ``contact_services``: a statement that writes 1,000 rows runs each trigger's few set-based
  statements once, not 1,000 times, so a bulk import stays fast. (PostgreSQL allows one event
  per trigger with transition tables: one trigger per event.)
- a row-level BEFORE DELETE trigger on ``contacts``: ``contact_services`` rows go by ON DELETE
  CASCADE, which runs after the contact is gone; before the delete, the contact's services are
  still there to be subtracted (the same reason as SQLite's BEFORE DELETE trigger). The cascaded
  deletes then find no live contact and change nothing. Contacts are never deleted by SARAH
  itself (deletion sets ``deleted_at``), so this path is rare.
- every change is a signed delta summed per key, then one ``INSERT ... ON CONFLICT DO UPDATE``
  per table, rows in key order: upserts are atomic under concurrency (no read-then-write), and
  two transactions take the row locks of a table in the same order. Every trigger touches
  ``stat_days`` first (even with a zero delta), then ``stat_day_services``, then
  ``stat_visits``; desks of different sites never share a row (every key starts with the site).
- before any of that, the trigger takes the installation's clock row, the lock every write
  transaction of SARAH takes anyway (``next_revision``): it is then always a transaction's first
  lock among those the sums need, and no two transactions can wait for each other (a desk
  holding the clock and waiting for a day's row, an edit holding that row and waiting for the
  clock). Writes were already one at a time on that row; they stay so, no more.
- ``stat_visits`` rows that fall to zero are deleted (people are counted as rows).
- PostgreSQL's differences from SQLite: booleans are cast (``(x)::int``, no ``sum(x = y)``),
  ``IS DISTINCT FROM`` instead of ``IS NOT``, the day as ``to_char(d, 'YYYYMMDD')::int``.

On SQLite this revision does nothing (migration 0002's triggers already do the work).
Downgrade drops the triggers and functions and empties the tables (the 0006 state).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def day(expr: str) -> str:
    """A date as the integer YYYYMMDD (NULL stays NULL), on PostgreSQL."""
    return f"to_char({expr}, 'YYYYMMDD')::integer"


# --- contacts ------------------------------------------------------------------------------

# The fields the sums depend on; any other column may change without effect.
_COUNTED = "{r}.site_id, {r}.local_date, {r}.channel, {r}.visitor_id, {r}.deleted_at IS NULL"


def _side(r: str, sign: int) -> str:
    """What contact ``r`` adds (sign 1) or removes (sign -1): the columns the sums read."""
    return (
        f"{r}.id AS id, {r}.site_id AS site_id, {day(f'{r}.local_date')} AS day, "
        f"{r}.channel AS channel, {r}.visitor_id AS visitor_id, {sign} AS sign"
    )


def _contact_moves(event: str) -> str:
    """The moves of one event, one row per (contact, sign), from the transition tables (or
    OLD for the row-level delete)."""
    if event == "INSERT":
        return f"SELECT {_side('n', 1)} FROM new_rows n WHERE n.deleted_at IS NULL"
    if event == "DELETE":
        return f"SELECT {_side('OLD', -1)} WHERE OLD.deleted_at IS NULL"
    changed = (
        "FROM old_rows o JOIN new_rows n ON n.id = o.id "
        f"WHERE ({_COUNTED.format(r='o')}) IS DISTINCT FROM ({_COUNTED.format(r='n')})"
    )
    return (
        f"SELECT {_side('o', -1)} {changed} AND o.deleted_at IS NULL "
        f"UNION ALL SELECT {_side('n', 1)} {changed} AND n.deleted_at IS NULL"
    )


def _contacts_body(event: str) -> str:
    moves = f"WITH m AS MATERIALIZED ({_contact_moves(event)})"
    body = f"""
    {moves}
    INSERT INTO stat_days AS t (site_id, day, physique, telephone, anonymous, no_service)
    SELECT m.site_id, m.day,
           sum(m.sign * (m.channel = 'physique')::integer),
           sum(m.sign * (m.channel = 'telephone')::integer),
           sum(m.sign * (m.visitor_id IS NULL)::integer),
           sum(m.sign * (NOT EXISTS (
               SELECT 1 FROM contact_services cs WHERE cs.contact_id = m.id))::integer)
    FROM m GROUP BY m.site_id, m.day ORDER BY m.site_id, m.day
    ON CONFLICT (site_id, day) DO UPDATE SET
        physique = t.physique + excluded.physique,
        telephone = t.telephone + excluded.telephone,
        anonymous = t.anonymous + excluded.anonymous,
        no_service = t.no_service + excluded.no_service;
    {moves}
    INSERT INTO stat_day_services AS t (site_id, day, service_id, n)
    SELECT m.site_id, m.day, cs.service_id, sum(m.sign)
    FROM m JOIN contact_services cs ON cs.contact_id = m.id
    GROUP BY m.site_id, m.day, cs.service_id ORDER BY m.site_id, m.day, cs.service_id
    ON CONFLICT (site_id, day, service_id) DO UPDATE SET n = t.n + excluded.n;
    {moves}
    INSERT INTO stat_visits AS t (site_id, day, person_no, n)
    SELECT m.site_id, m.day, p.no, sum(m.sign)
    FROM m JOIN stat_persons p ON p.visitor_id = m.visitor_id
    GROUP BY m.site_id, m.day, p.no ORDER BY m.site_id, m.day, p.no
    ON CONFLICT (site_id, day, person_no) DO UPDATE SET n = t.n + excluded.n;"""
    if event != "INSERT":
        body += f"""
    {moves}
    DELETE FROM stat_visits t USING m JOIN stat_persons p ON p.visitor_id = m.visitor_id
    WHERE m.sign < 0 AND t.site_id = m.site_id AND t.day = m.day AND t.person_no = p.no
        AND t.n <= 0;"""
    return body


# --- contact_services ----------------------------------------------------------------------


def _service_moves(event: str) -> str:
    new = "SELECT contact_id, service_id, 1 AS sign FROM new_rows"
    old = "SELECT contact_id, service_id, -1 AS sign FROM old_rows"
    return {"INSERT": new, "DELETE": old, "UPDATE": f"{old} UNION ALL {new}"}[event]


def _services_body(event: str) -> str:
    # Per live contact: its services now, and how many this statement added (negative:
    # removed); it was without any service before when now - delta = 0.
    moves = f"""WITH m AS MATERIALIZED ({_service_moves(event)}),
    lc AS MATERIALIZED (
        SELECT m.contact_id, m.service_id, m.sign, c.site_id, {day("c.local_date")} AS day
        FROM m JOIN contacts c ON c.id = m.contact_id AND c.deleted_at IS NULL)"""
    return f"""
    {moves},
    per_contact AS (
        SELECT lc.contact_id, lc.site_id, lc.day, sum(lc.sign) AS delta,
               (SELECT count(*) FROM contact_services x WHERE x.contact_id = lc.contact_id)
                   AS now_n
        FROM lc GROUP BY lc.contact_id, lc.site_id, lc.day)
    INSERT INTO stat_days AS t (site_id, day, physique, telephone, anonymous, no_service)
    SELECT site_id, day, 0, 0, 0,
           sum((now_n = 0)::integer - (now_n - delta = 0)::integer)
    FROM per_contact GROUP BY site_id, day ORDER BY site_id, day
    ON CONFLICT (site_id, day) DO UPDATE SET no_service = t.no_service + excluded.no_service;
    {moves}
    INSERT INTO stat_day_services AS t (site_id, day, service_id, n)
    SELECT site_id, day, service_id, sum(sign) FROM lc
    GROUP BY site_id, day, service_id ORDER BY site_id, day, service_id
    ON CONFLICT (site_id, day, service_id) DO UPDATE SET n = t.n + excluded.n;"""


# --- visitors ------------------------------------------------------------------------------


def _visitors_body(event: str) -> str:
    if event == "INSERT":
        return f"""
    INSERT INTO stat_persons (visitor_id, sex, birth_day)
    SELECT id, sex, {day("birth_date")} FROM new_rows ORDER BY id
    ON CONFLICT (visitor_id) DO UPDATE SET sex = excluded.sex, birth_day = excluded.birth_day;"""
    if event == "DELETE":
        return """
    DELETE FROM stat_persons p USING old_rows o WHERE p.visitor_id = o.id;"""
    return f"""
    UPDATE stat_persons p SET sex = n.sex, birth_day = {day("n.birth_date")}
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE p.visitor_id = n.id AND (n.sex, n.birth_date) IS DISTINCT FROM (o.sex, o.birth_date);"""


# --- the triggers --------------------------------------------------------------------------

_REFERENCING = {
    "INSERT": "REFERENCING NEW TABLE AS new_rows",
    "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "REFERENCING OLD TABLE AS old_rows",
}
_BODIES = {
    "visitors": _visitors_body,
    "contacts": _contacts_body,
    "contact_services": _services_body,
}


def _statement_triggers() -> list[tuple[str, str, str]]:
    """(name, table, function body) of every statement-level trigger."""
    out = []
    for table, body in _BODIES.items():
        for event in ("INSERT", "UPDATE", "DELETE"):
            if table == "contacts" and event == "DELETE":
                continue  # row-level, before the cascade (see the module's note)
            out.append((f"stat_{table}_{event.lower()}", table, body(event)))
    return out


# A function's plans are made once per session and kept, often while a table is still empty (the
# first contacts of a load): a plan that scans contact_services whole would then be kept while
# the table grows, and a large import would slow down quadratically. The statements below all
# look rows up by key; these settings keep them on the indexes whatever the statistics say.
# No JIT: it compiles at every execution (not kept with the plan), and the costs these settings
# give a scan would make it compile a one-row look-up at every desk save (20 ms each).
_PLAN_SETTINGS = (
    "SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off SET jit = off"
)


# Every write transaction of SARAH takes the installation's clock row (next_revision), some
# before writing rows (a new contact), some after (an edit flushes the contact first). With the
# sums' rows locked in between, a desk holding the clock and waiting for a (site, day) row, and
# an edit holding that row and waiting for the clock, would deadlock. So the triggers take the
# clock row first: its lock is always the first of a transaction that changes the sums, and the
# transaction's own next_revision later finds it already held.
_CLOCK_FIRST = """
    PERFORM 1 FROM installation FOR NO KEY UPDATE;"""


def _function(name: str, body: str, returned: str) -> str:
    return f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql {_PLAN_SETTINGS} AS $fn$
BEGIN{_CLOCK_FIRST}{body}
    RETURN {returned};
END
$fn$"""


ROW_DELETE_TRIGGER = "stat_contacts_delete"

# Same sums as migration 0002's first filling, PostgreSQL's way.
BACKFILL = (
    "DELETE FROM stat_visits",
    "DELETE FROM stat_day_services",
    "DELETE FROM stat_days",
    "DELETE FROM stat_persons",
    f"""INSERT INTO stat_persons (visitor_id, sex, birth_day)
    SELECT id, sex, {day("birth_date")} FROM visitors ORDER BY id""",
    f"""INSERT INTO stat_days (site_id, day, physique, telephone, anonymous, no_service)
    SELECT c.site_id, {day("c.local_date")}, count(*) FILTER (WHERE c.channel = 'physique'),
           count(*) FILTER (WHERE c.channel = 'telephone'),
           count(*) FILTER (WHERE c.visitor_id IS NULL),
           count(*) FILTER (WHERE NOT EXISTS (
               SELECT 1 FROM contact_services cs WHERE cs.contact_id = c.id))
    FROM contacts c WHERE c.deleted_at IS NULL GROUP BY 1, 2""",
    f"""INSERT INTO stat_day_services (site_id, day, service_id, n)
    SELECT c.site_id, {day("c.local_date")}, cs.service_id, count(*)
    FROM contacts c JOIN contact_services cs ON cs.contact_id = c.id
    WHERE c.deleted_at IS NULL GROUP BY 1, 2, 3""",
    f"""INSERT INTO stat_visits (site_id, day, person_no, n)
    SELECT c.site_id, {day("c.local_date")}, p.no, count(*)
    FROM contacts c JOIN stat_persons p ON p.visitor_id = c.visitor_id
    WHERE c.deleted_at IS NULL GROUP BY 1, 2, 3""",
)


def trigger_statements() -> list[str]:
    """The functions and triggers, in creation order (also used by the benchmark's builder)."""
    out = []
    for name, table, body in _statement_triggers():
        event = name.rsplit("_", 1)[1].upper()
        out.append(_function(name, body, "NULL"))
        out.append(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} {_REFERENCING[event]} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
    out.append(_function(ROW_DELETE_TRIGGER, _contacts_body("DELETE"), "OLD"))
    out.append(
        f"CREATE TRIGGER {ROW_DELETE_TRIGGER} BEFORE DELETE ON contacts "
        f"FOR EACH ROW EXECUTE FUNCTION {ROW_DELETE_TRIGGER}()"
    )
    return out


def trigger_names() -> list[tuple[str, str]]:
    """(trigger = function name, table) of every trigger this revision creates."""
    return [(name, table) for name, table, _body in _statement_triggers()] + [
        (ROW_DELETE_TRIGGER, "contacts")
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # No writer may slip between the filling and the triggers: take the tables first.
    op.execute("LOCK TABLE visitors, contacts, contact_services IN SHARE ROW EXCLUSIVE MODE")
    for statement in BACKFILL:
        op.execute(statement)
    for statement in trigger_statements():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, table in trigger_names():
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    for statement in BACKFILL[:4]:
        op.execute(statement)
