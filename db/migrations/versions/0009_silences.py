"""Silences: alerts about a claimant's, a tag's or one claim's deadlines held until a moment.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "silence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claimant", sa.String(), nullable=True),
        sa.Column("tag", sa.String(), nullable=True),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.Column("until", MOMENT, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("actor", sa.String(), nullable=True),
        sa.Column("lifted_at", MOMENT, nullable=True),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name="fk_silence_claim_id_claim"),
        sa.PrimaryKeyConstraint("id", name="pk_silence"),
    )
    op.create_index("ix_silence_until", "silence", ["until"])


def downgrade() -> None:
    op.drop_index("ix_silence_until", table_name="silence")
    op.drop_table("silence")
