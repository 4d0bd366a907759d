"""merge trace keeps what an undo needs: the contacts moved and the surviving record before

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

A merge used to record only how many contacts it moved and the absorbed record's profile.
Undoing it ("Annuler la fusion") must give back exactly the contacts that belonged to the
absorbed record, and take back from the surviving record what the merge filled in (sex, birth
date). So the trace now also holds:

- ``moved_contact_ids``: JSON list of the ids of the contacts moved onto the surviving record;
- ``survivor_profile``: JSON snapshot of the surviving record just before the merge.

Merges recorded before this revision keep NULL in both: which contacts they moved is not known
(a contact's revision can have changed since), so they cannot be undone from the person's page;
a backup from before the merge can still be restored.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("visitor_merges") as batch:
        batch.add_column(sa.Column("moved_contact_ids", sa.Text(), nullable=True))
        batch.add_column(sa.Column("survivor_profile", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("visitor_merges") as batch:
        batch.drop_column("survivor_profile")
        batch.drop_column("moved_contact_ids")
