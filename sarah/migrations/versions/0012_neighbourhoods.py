"""neighbourhoods of residence (a funder's question), and the names' keys folded again

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04

The city's funders ask where the people live: in which of its priority neighbourhoods (QPV), or
outside them. Never an address: a neighbourhood picked from a list the coordinator keeps.

- ``neighbourhoods``: that list (label, priority neighbourhood or not, order, retired, the one
  key that picks it at the desk); a travelling table, like the catalogue;
- ``visitors.neighbourhood_id``: where the person lives (NULL: not given);
- ``contacts.neighbourhood_id``: the person's neighbourhood, written on their contacts when
  their identity is erased, like ``contacts.age_years`` (the tables of past periods stay).

All three travel in sync packages; a package of an older SARAH reads as "no list, not given".

The names' keys (``search_key`` and the columns of migration 0011) are made again for the names
holding a letter outside ASCII: the folding now maps letters Unicode does not decompose
(dotless ı, ł, ø, đ, æ, œ…) to plain ones, so "Yıldız" is found by "yildiz".
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sarah.services.name_matching import DERIVED_COLUMNS, derived_columns
from sarah.services.text import search_key

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000

visitors = sa.table(
    "visitors",
    sa.column("id", sa.Uuid()),
    sa.column("last_name", sa.String()),
    sa.column("first_name", sa.String()),
    sa.column("erased_at", sa.DateTime()),
    sa.column("search_key", sa.String()),
    *(sa.column(name) for name in DERIVED_COLUMNS),
)


def _refold(conn: sa.Connection) -> None:
    """The keys of the names holding a letter outside ASCII, made again where they differ."""
    rows = conn.execute(
        sa.select(
            visitors.c.id,
            visitors.c.last_name,
            visitors.c.first_name,
            visitors.c.search_key,
            *(visitors.c[name] for name in DERIVED_COLUMNS),
        ).where(visitors.c.erased_at.is_(None))
    ).all()
    stmt = (
        sa.update(visitors)
        .where(visitors.c.id == sa.bindparam("b_id"))
        .values(
            search_key=sa.bindparam("b_search_key"),
            **{name: sa.bindparam(f"b_{name}") for name in DERIVED_COLUMNS},
        )
    )
    changed = []
    for vid, last, first, key, *held in rows:
        if (last + first).isascii():
            continue
        made = derived_columns(last, first)
        new_key = search_key(last, first)
        if new_key != key or [made[name] for name in DERIVED_COLUMNS] != list(held):
            changed.append(
                {
                    "b_id": vid,
                    "b_search_key": new_key,
                    **{f"b_{name}": made[name] for name in DERIVED_COLUMNS},
                }
            )
    for start in range(0, len(changed), BATCH):
        conn.execute(stmt, changed[start : start + BATCH])


def upgrade() -> None:
    op.create_table(
        "neighbourhoods",
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("priority", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("retired", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("shortcut", sa.String(length=1), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("revision", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "created_at", sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False
        ),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("origin_site_id", sa.Uuid(), nullable=True),
        sa.Column("changed_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["origin_site_id"], ["sites.id"], name=op.f("fk_neighbourhoods_origin_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_neighbourhoods")),
    )
    for table in ("visitors", "contacts"):
        name = f"fk_{table}_neighbourhood_id_neighbourhoods"
        if op.get_bind().dialect.name == "sqlite":
            # SQLite adds a column's reference inline (no ALTER of constraints), which keeps
            # the table, its indexes and the statistics' triggers as they are.
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN neighbourhood_id CHAR(32) "
                f"CONSTRAINT {name} REFERENCES neighbourhoods (id)"
            )
        else:
            op.add_column(table, sa.Column("neighbourhood_id", sa.Uuid(), nullable=True))
            op.create_foreign_key(name, table, "neighbourhoods", ["neighbourhood_id"], ["id"])
    _refold(op.get_bind())


def downgrade() -> None:
    for table in ("contacts", "visitors"):
        if op.get_bind().dialect.name != "sqlite":
            op.drop_constraint(
                f"fk_{table}_neighbourhood_id_neighbourhoods", table, type_="foreignkey"
            )
        op.execute(f"ALTER TABLE {table} DROP COLUMN neighbourhood_id")
    op.drop_table("neighbourhoods")
