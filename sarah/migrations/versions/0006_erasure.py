"""erasure of identities (retention purge, right to erasure): visitors.erased_at, contacts.age_years

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

docs/rgpd.md: a person whose last contact is older than the retention period, or who asks for
it, has their identity erased. The row stays (its id, its sex, its contacts) so that every table
of every past period stays identical:

- ``visitors.erased_at``: when the identity was erased (names "", birth date NULL);
- ``contacts.age_years``: the age in whole years the person had on the contact's date, written
  at erasure, from which the age group (or a funder's age band) of any period is read.

Both travel in sync packages, like the rest of their rows.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("visitors", sa.Column("erased_at", sa.DateTime(), nullable=True))
    op.add_column("contacts", sa.Column("age_years", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE contacts DROP COLUMN age_years")
    op.execute("ALTER TABLE visitors DROP COLUMN erased_at")
