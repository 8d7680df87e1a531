"""The first schema: claims, actors, sources and quotes, verdicts, history, full-text index.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "actor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=True),
        sa.Column("role", sa.String(), nullable=True),
        sa.Column("affiliation", sa.String(), nullable=True),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_actor"),
        sa.UniqueConstraint("name", name="uq_actor_name"),
    )
    op.create_table(
        "claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(), nullable=False),
        sa.Column("translation", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("stated_on", sa.Date(), nullable=True),
        sa.Column("context", sa.Text(), nullable=True),
        sa.Column("criteria", sa.Text(), nullable=True),
        sa.Column("deadline_text", sa.String(), nullable=True),
        sa.Column("deadline_kind", sa.String(), nullable=True),
        sa.Column("deadline_date", sa.Date(), nullable=True),
        sa.Column("deadline_precision", sa.String(), nullable=True),
        sa.Column("due_at", MOMENT, nullable=True),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("updated_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_claim"),
        sa.UniqueConstraint("uuid", name="uq_claim_uuid"),
    )
    op.create_index("ix_claim_due_at", "claim", ["due_at"])
    op.create_table(
        "source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("url", sa.String(), nullable=True),
        sa.Column("title", sa.String(), nullable=True),
        sa.Column("publisher", sa.String(), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("retrieved_on", sa.Date(), nullable=True),
        sa.Column("archive_url", sa.String(), nullable=True),
        sa.Column("language", sa.String(), nullable=True),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_source"),
        sa.UniqueConstraint("url", name="uq_source_url"),
        sa.UniqueConstraint("uuid", name="uq_source_uuid"),
    )
    op.create_table(
        "claim_actor",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["actor.id"], name="fk_claim_actor_actor_id_actor"),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name="fk_claim_actor_claim_id_claim"),
        sa.PrimaryKeyConstraint("claim_id", "actor_id", name="pk_claim_actor"),
    )
    op.create_index("ix_claim_actor_actor_id", "claim_actor", ["actor_id"])
    op.create_table(
        "claim_tag",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name="fk_claim_tag_claim_id_claim"),
        sa.PrimaryKeyConstraint("claim_id", "tag", name="pk_claim_tag"),
    )
    op.create_index("ix_claim_tag_tag", "claim_tag", ["tag"])
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("at", MOMENT, nullable=False),
        sa.Column("actor", sa.String(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name="fk_event_claim_id_claim"),
        sa.PrimaryKeyConstraint("id", name="pk_event"),
    )
    op.create_index("ix_event_claim_id", "event", ["claim_id"])
    op.create_table(
        "verdict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", MOMENT, nullable=False),
        sa.Column("reviewer", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name="fk_verdict_claim_id_claim"),
        sa.PrimaryKeyConstraint("id", name="pk_verdict"),
    )
    op.create_index("ix_verdict_claim_id", "verdict", ["claim_id"])
    op.create_table(
        "claim_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("verdict_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name="fk_claim_source_claim_id_claim"),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name="fk_claim_source_source_id_source"
        ),
        sa.ForeignKeyConstraint(
            ["verdict_id"], ["verdict.id"], name="fk_claim_source_verdict_id_verdict"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_claim_source"),
    )
    op.create_index("ix_claim_source_claim_id", "claim_source", ["claim_id"])
    op.create_index("ix_claim_source_source_id", "claim_source", ["source_id"])
    op.create_index("ix_claim_source_verdict_id", "claim_source", ["verdict_id"])
    if op.get_bind().dialect.name == "sqlite":
        # One row per claim (rowid = claim id): its text, translation, quotes, notes, names.
        op.execute(
            "CREATE VIRTUAL TABLE claim_fts USING fts5("
            "body, tokenize = 'unicode61 remove_diacritics 2')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS claim_fts")
    for table in ("claim_source", "verdict", "event", "claim_tag", "claim_actor", "source"):
        op.drop_table(table)
    op.drop_index("ix_claim_due_at", table_name="claim")
    op.drop_table("claim")
    op.drop_table("actor")
