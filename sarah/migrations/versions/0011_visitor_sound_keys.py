"""visitor sound keys: what the tolerant search, the duplicate checks and the exact search read

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03

"dialo" found nobody while DIALLO existed. Columns derived from the names
(sarah.services.name_matching.derived_columns), each indexed, so that no search reads every
name, at 100,000 people, while the agent types:

- ``visitors.sound_key``: the person's two phonetic codes ("dilo mamado"), on which the
  duplicate checks group people;
- ``visitors.last_sound`` / ``first_sound``: "<code> <letters>" of each name ("dilo diallo"),
  where a typed word finds the names that sound like it or are a typo away (the last name's
  index holds the first name too: two typed words read one index);
- ``visitors.first_key`` and ``compound_name``: the folded first name, and whether a name has
  several words, so that the exact search finds a typed first name by an index range and reads
  the later words of only the people whose names have several (it read every name before).

Derived, they are recomputed wherever names are written or arrive and are not carried by sync
packages. Existing rows are filled here, in batches; erased identities keep "" and false.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sarah.services.name_matching import derived_columns

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXTS = ("sound_key", "last_sound", "first_sound", "first_key")
COLUMNS = (*TEXTS, "compound_name")
INDEXES = {
    "ix_visitors_sound_key": ["sound_key"],
    "ix_visitors_last_sound": ["last_sound", "first_sound"],
    "ix_visitors_first_sound": ["first_sound"],
    "ix_visitors_first_key": ["first_key"],
    "ix_visitors_compound_name": ["compound_name", "search_key"],
}
BATCH = 5000

visitors = sa.table(
    "visitors",
    sa.column("id", sa.Uuid()),
    sa.column("last_name", sa.String()),
    sa.column("first_name", sa.String()),
    sa.column("erased_at", sa.DateTime()),
    *(sa.column(name, sa.String()) for name in TEXTS),
    sa.column("compound_name", sa.Boolean()),
)


def _fill(conn: sa.Connection) -> None:
    rows = conn.execute(
        sa.select(visitors.c.id, visitors.c.last_name, visitors.c.first_name).where(
            visitors.c.erased_at.is_(None)
        )
    ).all()
    stmt = (
        sa.update(visitors)
        .where(visitors.c.id == sa.bindparam("b_id"))
        .values({name: sa.bindparam(f"b_{name}") for name in COLUMNS})
    )
    for start in range(0, len(rows), BATCH):
        batch = []
        for vid, last, first in rows[start : start + BATCH]:
            made = derived_columns(last, first)
            batch.append({"b_id": vid, **{f"b_{name}": made[name] for name in COLUMNS}})
        conn.execute(stmt, batch)


def upgrade() -> None:
    for name in TEXTS:
        op.add_column(
            "visitors", sa.Column(name, sa.String(250), nullable=False, server_default="")
        )
    op.add_column(
        "visitors", sa.Column("compound_name", sa.Boolean(), nullable=False, server_default="0")
    )
    _fill(op.get_bind())
    for name, columns in INDEXES.items():
        op.create_index(name, "visitors", columns)


def downgrade() -> None:
    for name in INDEXES:  # the indexes first: some hold two columns
        op.drop_index(name, table_name="visitors")
    for name in COLUMNS:
        op.execute(f"ALTER TABLE visitors DROP COLUMN {name}")
