"""published periods: a semester's figures kept as published, with who and when

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

A coordinator closes a semester once its tables are published (``sarah period close``). Entries
into it stay possible (a late paper sheet, a site's sync package, a merge); the figures as
published stay too, so that the statistics screen and the exports can say what moved since.

- ``published_periods``: the period's days, the sites closed (ids, display order), the figures
  as published (the report's JSON of interfaces.md and its month breakdown), who closed it and
  when, and who reopened it and when (a reopened period keeps its row: a later closing adds one);
- ``published_contacts``: one row per contact counted at closing with a fingerprint of what the
  tables read of it, so that contacts added, changed and deleted since are listed exactly.

Both are local to an installation (not in sync packages), like the accounts and the audit log.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "published_periods",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("site_ids", sa.Text(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("published_by", sa.String(120), nullable=False),
        sa.Column("reopened_at", sa.DateTime(), nullable=True),
        sa.Column("reopened_by", sa.String(120), nullable=True),
    )
    op.create_index(
        "ix_published_periods_first_day", "published_periods", ["first_day", "last_day"]
    )
    op.create_table(
        "published_contacts",
        sa.Column(
            "period_id",
            sa.Uuid(),
            sa.ForeignKey(
                "published_periods.id",
                name="fk_published_contacts_period_id_published_periods",
                ondelete="CASCADE",
            ),
            primary_key=True,
        ),
        sa.Column("contact_id", sa.Uuid(), primary_key=True),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("fingerprint", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("published_contacts")
    op.drop_index("ix_published_periods_first_day", table_name="published_periods")
    op.drop_table("published_periods")
