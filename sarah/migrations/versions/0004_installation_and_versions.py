"""an installation identity and versions that order every change made anywhere (sync)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

Sync packages (docs/sync.md) merge rows made at several installations. Each travelling row is a
versioned register; its version is the pair (``revision``, ``changed_by``):

- ``installation``: one row, this installation's identity (``id``, the tie-break of versions
  made at the same count elsewhere), its Lamport ``clock`` (every change takes clock + 1; every
  import moves it past the highest revision received) and the network key once installed;
- ``sync_peers``: what this installation last received from each other one (when its package
  was written and read, its clock then, what it said of itself): the Réseau view and
  ``sync status``; local knowledge, it does not travel;
- ``sync_seen``: per writing installation, the highest revision of its changes ever received
  here (what tells an edit made at two places between exchanges from an old one);
- ``changed_by`` on every travelling table: the installation whose change made the row's current
  version (NULL for rows written before this revision: they sort first, all alike).

The clock starts past every revision already stored, so that the first change made after the
upgrade is newer than any existing row.
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRAVELLING = ("sites", "closed_days", "services", "visitors", "visitor_merges", "contacts")


def upgrade() -> None:
    op.create_table(
        "installation",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("clock", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("network_key", sa.Text(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(), nullable=False, server_default=sa.func.current_timestamp()
        ),
    )
    op.create_table(
        "sync_peers",
        sa.Column("installation_id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("exported_at", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("clock", sa.Integer(), nullable=False),
        sa.Column("manifest", sa.Text(), nullable=False),
    )
    op.create_table(
        "sync_seen",
        sa.Column("writer", sa.Uuid(), primary_key=True),
        sa.Column("top", sa.Integer(), nullable=False),
    )
    for table in TRAVELLING:
        # A plain ADD COLUMN (no batch copy): the statistics triggers on these tables stay.
        op.add_column(table, sa.Column("changed_by", sa.Uuid(), nullable=True))
    clock = " ".join(f"UNION ALL SELECT max(revision) AS r FROM {t}" for t in TRAVELLING)
    highest = f"(SELECT coalesce(max(r), 0) FROM (SELECT max(last_revision) AS r FROM sites {clock}) AS revisions)"
    installation = sa.table("installation", sa.column("id", sa.Uuid()), sa.column("clock"))
    op.execute(installation.insert().values(id=uuid.uuid4(), clock=sa.text(highest)))


def downgrade() -> None:
    for table in reversed(TRAVELLING):
        # ALTER TABLE … DROP COLUMN (SQLite 3.35+, PostgreSQL): no table copy, triggers kept.
        op.execute(f"ALTER TABLE {table} DROP COLUMN changed_by")
    op.drop_table("sync_seen")
    op.drop_table("sync_peers")
    op.drop_table("installation")
