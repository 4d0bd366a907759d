"""accounts (who may open the window, with which role) and the audit log (who did what)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

Both are local to an installation: they do not travel in sync packages (an agent logs in at
their own desk; each installation keeps the log of what was done there). docs/securite.md says
what accounts protect against and what they do not.

- ``accounts``: a login name (also the agent name written on contacts), a role (``agent``,
  ``coordinateur``, ``admin``), an argon2id password hash (never the password), when it was
  disabled, the failed attempts and until when logging in waits;
- ``audit_log``: append-only entries (who, when, what, on which record or file), each chained to
  the previous one by a SHA-256 hash so that an entry removed or edited is found;
- ``installation.audit_seq`` / ``audit_hash``: the newest entry, written with it, so that
  entries removed from the end of the log are found too.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("disabled_at", sa.DateTime(), nullable=True),
        sa.Column("failed_attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(), nullable=False, server_default=sa.func.current_timestamp()
        ),
        sa.CheckConstraint("role IN ('agent', 'coordinateur', 'admin')", name="role"),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.Text(), nullable=True),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.add_column("installation", sa.Column("audit_seq", sa.Integer(), nullable=True))
    op.add_column("installation", sa.Column("audit_hash", sa.String(64), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE installation DROP COLUMN audit_hash")
    op.execute("ALTER TABLE installation DROP COLUMN audit_seq")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("accounts")
