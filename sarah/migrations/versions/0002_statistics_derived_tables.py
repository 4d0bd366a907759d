"""statistics derived tables, kept up to date by SQLite triggers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

Four tables of sums over live contacts (see sarah/models/statistics.py), filled from the
existing contacts, then maintained by triggers inside every write transaction, whatever code
path writes: desk, import, sync, merge, deletion. On PostgreSQL the report aggregates the
contacts directly: the tables are created but no trigger fills them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _day(expr: str) -> str:
    """A date column as the integer YYYYMMDD (NULL stays NULL)."""
    return f"CAST(strftime('%Y%m%d', {expr}) AS INTEGER)"


def _contact_part(row: str, sign: int) -> str:
    """Add (sign +1) or remove (sign -1) what contact ``row`` (NEW or OLD) counts, when live."""
    live = f"{row}.deleted_at IS NULL"
    day = _day(f"{row}.local_date")
    s = "" if sign > 0 else "-"
    out = f"""
    INSERT INTO stat_days (site_id, day, physique, telephone, anonymous, no_service)
    SELECT {row}.site_id, {day}, {s}({row}.channel = 'physique'), {s}({row}.channel = 'telephone'),
           {s}({row}.visitor_id IS NULL),
           {s}(NOT EXISTS (SELECT 1 FROM contact_services WHERE contact_id = {row}.id))
    WHERE {live}
    ON CONFLICT (site_id, day) DO UPDATE SET
        physique = physique + excluded.physique,
        telephone = telephone + excluded.telephone,
        anonymous = anonymous + excluded.anonymous,
        no_service = no_service + excluded.no_service;
    INSERT INTO stat_day_services (site_id, day, service_id, n)
    SELECT {row}.site_id, {day}, service_id, {sign} FROM contact_services
    WHERE contact_id = {row}.id AND {live}
    ON CONFLICT (site_id, day, service_id) DO UPDATE SET n = n + excluded.n;
    INSERT INTO stat_visits (site_id, day, person_no, n)
    SELECT {row}.site_id, {day}, p.no, {sign} FROM stat_persons p
    WHERE p.visitor_id = {row}.visitor_id AND {live}
    ON CONFLICT (site_id, day, person_no) DO UPDATE SET n = n + excluded.n;"""
    if sign < 0:
        out += f"""
    DELETE FROM stat_visits WHERE n <= 0 AND site_id = {row}.site_id AND day = {day}
        AND person_no = (SELECT no FROM stat_persons WHERE visitor_id = {row}.visitor_id);"""
    return out


def _service_added(row: str, *, check_contact_changed: bool = False) -> str:
    contact = f"""(SELECT c.site_id, {_day("c.local_date")} FROM contacts c
        WHERE c.id = {row}.contact_id AND c.deleted_at IS NULL)"""
    moved = " AND OLD.contact_id IS NOT NEW.contact_id" if check_contact_changed else ""
    return f"""
    INSERT INTO stat_day_services (site_id, day, service_id, n)
    SELECT c.site_id, {_day("c.local_date")}, {row}.service_id, 1 FROM contacts c
    WHERE c.id = {row}.contact_id AND c.deleted_at IS NULL
    ON CONFLICT (site_id, day, service_id) DO UPDATE SET n = n + 1;
    UPDATE stat_days SET no_service = no_service - 1
    WHERE (site_id, day) = {contact}
        AND (SELECT count(*) FROM contact_services WHERE contact_id = {row}.contact_id) = 1{moved};"""


def _service_removed(row: str, *, check_contact_changed: bool = False) -> str:
    contact = f"""(SELECT c.site_id, {_day("c.local_date")} FROM contacts c
        WHERE c.id = {row}.contact_id AND c.deleted_at IS NULL)"""
    moved = " AND OLD.contact_id IS NOT NEW.contact_id" if check_contact_changed else ""
    return f"""
    UPDATE stat_day_services SET n = n - 1
    WHERE (site_id, day) = {contact} AND service_id = {row}.service_id;
    UPDATE stat_days SET no_service = no_service + 1
    WHERE (site_id, day) = {contact}
        AND NOT EXISTS (SELECT 1 FROM contact_services WHERE contact_id = {row}.contact_id){moved};"""


TRIGGERS = {
    "stat_visitors_insert": f"""AFTER INSERT ON visitors BEGIN
    INSERT INTO stat_persons (visitor_id, sex, birth_day)
    VALUES (NEW.id, NEW.sex, {_day("NEW.birth_date")})
    ON CONFLICT (visitor_id) DO UPDATE SET sex = excluded.sex, birth_day = excluded.birth_day;
END""",
    "stat_visitors_update": f"""AFTER UPDATE OF sex, birth_date ON visitors BEGIN
    UPDATE stat_persons SET sex = NEW.sex, birth_day = {_day("NEW.birth_date")}
    WHERE visitor_id = NEW.id;
END""",
    "stat_visitors_delete": """AFTER DELETE ON visitors BEGIN
    DELETE FROM stat_persons WHERE visitor_id = OLD.id;
END""",
    "stat_contacts_insert": f"""AFTER INSERT ON contacts BEGIN{_contact_part("NEW", 1)}
END""",
    "stat_contacts_update": f"""AFTER UPDATE OF site_id, local_date, channel, visitor_id, deleted_at
ON contacts BEGIN{_contact_part("OLD", -1)}{_contact_part("NEW", 1)}
END""",
    # BEFORE: the contact's services are still there (SQLite deletes them by cascade after the
    # contact row is gone, when the triggers below no longer find a live contact).
    "stat_contacts_delete": f"""BEFORE DELETE ON contacts BEGIN{_contact_part("OLD", -1)}
END""",
    "stat_contact_services_insert": f"""AFTER INSERT ON contact_services BEGIN{_service_added("NEW")}
END""",
    "stat_contact_services_delete": f"""AFTER DELETE ON contact_services BEGIN{_service_removed("OLD")}
END""",
    "stat_contact_services_update": f"""AFTER UPDATE ON contact_services BEGIN{
        _service_removed("OLD", check_contact_changed=True)
    }{_service_added("NEW", check_contact_changed=True)}
END""",
}

BACKFILL = (
    f"""INSERT INTO stat_persons (visitor_id, sex, birth_day)
    SELECT id, sex, {_day("birth_date")} FROM visitors""",
    f"""INSERT INTO stat_days (site_id, day, physique, telephone, anonymous, no_service)
    SELECT c.site_id, {_day("c.local_date")}, sum(c.channel = 'physique'),
           sum(c.channel = 'telephone'), sum(c.visitor_id IS NULL),
           sum(NOT EXISTS (SELECT 1 FROM contact_services cs WHERE cs.contact_id = c.id))
    FROM contacts c WHERE c.deleted_at IS NULL GROUP BY 1, 2""",
    f"""INSERT INTO stat_day_services (site_id, day, service_id, n)
    SELECT c.site_id, {_day("c.local_date")}, cs.service_id, count(*)
    FROM contacts c JOIN contact_services cs ON cs.contact_id = c.id
    WHERE c.deleted_at IS NULL GROUP BY 1, 2, 3""",
    f"""INSERT INTO stat_visits (site_id, day, person_no, n)
    SELECT c.site_id, {_day("c.local_date")}, p.no, count(*)
    FROM contacts c JOIN stat_persons p ON p.visitor_id = c.visitor_id
    WHERE c.deleted_at IS NULL GROUP BY 1, 2, 3""",
)


def upgrade() -> None:
    op.create_table(
        "stat_day_services",
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("site_id", "day", "service_id", name=op.f("pk_stat_day_services")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "stat_days",
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("physique", sa.Integer(), nullable=False),
        sa.Column("telephone", sa.Integer(), nullable=False),
        sa.Column("anonymous", sa.Integer(), nullable=False),
        sa.Column("no_service", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("site_id", "day", name=op.f("pk_stat_days")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "stat_persons",
        sa.Column("no", sa.Integer(), nullable=False),
        sa.Column("visitor_id", sa.Uuid(), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=True),
        sa.Column("birth_day", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("no", name=op.f("pk_stat_persons")),
        sa.UniqueConstraint("visitor_id", name=op.f("uq_stat_persons_visitor_id")),
    )
    op.create_table(
        "stat_visits",
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("person_no", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("site_id", "day", "person_no", name=op.f("pk_stat_visits")),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_stat_visits_person_day", "stat_visits", ["person_no", "day", "site_id"], unique=False
    )
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in BACKFILL:
        op.execute(statement)
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_stat_visits_person_day", table_name="stat_visits")
    op.drop_table("stat_visits")
    op.drop_table("stat_persons")
    op.drop_table("stat_days")
    op.drop_table("stat_day_services")
