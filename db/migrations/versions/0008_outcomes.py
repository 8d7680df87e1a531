"""The day a verdict's outcome happened (a promise kept late is kept, N days late) and why a
broken promise broke.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("verdict", sa.Column("happened_on", sa.Date(), nullable=True))
    op.add_column("verdict", sa.Column("cause", sa.String(), nullable=True))


def downgrade() -> None:
    op.drop_column("verdict", "cause")
    op.drop_column("verdict", "happened_on")
