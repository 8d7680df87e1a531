"""Typed links between claims: a later statement that supersedes, contradicts, repeats or is
part of another, with a note and the source that shows it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "claim_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("relation", sa.String(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name="fk_claim_link_claim_id_claim"),
        sa.ForeignKeyConstraint(["other_id"], ["claim.id"], name="fk_claim_link_other_id_claim"),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name="fk_claim_link_source_id_source"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_claim_link"),
        sa.UniqueConstraint(
            "claim_id", "other_id", "relation", name="uq_claim_link_claim_id_other_id_relation"
        ),
    )
    op.create_index("ix_claim_link_claim_id", "claim_link", ["claim_id"])
    op.create_index("ix_claim_link_other_id", "claim_link", ["other_id"])


def downgrade() -> None:
    op.drop_index("ix_claim_link_other_id", table_name="claim_link")
    op.drop_index("ix_claim_link_claim_id", table_name="claim_link")
    op.drop_table("claim_link")
