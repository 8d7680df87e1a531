"""The monitor's index in the order it reads claims: (watch_at, id), so that PostgreSQL takes
each batch of 500 from the index instead of sorting every claim that waits (SQLite keeps
the rowid in every index and read it in order already).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_claim_watch_at", table_name="claim")
    op.create_index("ix_claim_watch_at", "claim", ["watch_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_claim_watch_at", table_name="claim")
    op.create_index("ix_claim_watch_at", "claim", ["watch_at"])
