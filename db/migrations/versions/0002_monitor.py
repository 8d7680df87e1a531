"""The monitor's tables: alerts (an outbox), per-channel deliveries, monitor state; and the
claim's watch moment, so a sweep reads only the claims it has work for.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    # Plain ALTER TABLE (SQLite 3.35+ adds and drops columns in place): a batch copy of the
    # claim table would trip the foreign keys that point at it.
    op.add_column("claim", sa.Column("watch_at", MOMENT, nullable=True))
    op.create_index("ix_claim_watch_at", "claim", ["watch_at"])
    # Every claim with a deadline is looked at by the first sweep after the upgrade: the
    # earliest moment there is (the models' LOOK_NOW), written as the backend stores it.
    look_now = datetime(1970, 1, 1, tzinfo=UTC)
    if op.get_bind().dialect.name == "sqlite":
        look_now = look_now.replace(tzinfo=None)  # SQLite keeps UTC moments naive
    claim = sa.table("claim", sa.column("watch_at", MOMENT), sa.column("due_at", MOMENT))
    op.execute(claim.update().where(claim.c.due_at.is_not(None)).values(watch_at=look_now))
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("due_at", MOMENT, nullable=False),
        sa.Column("days_before", sa.Integer(), nullable=False),
        sa.Column("fires_at", MOMENT, nullable=False),
        sa.Column("flagged_at", MOMENT, nullable=False),
        sa.Column("delivered_at", MOMENT, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", MOMENT, nullable=True),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], name="fk_alert_claim_id_claim"),
        sa.PrimaryKeyConstraint("id", name="pk_alert"),
        sa.UniqueConstraint(
            "claim_id", "kind", "due_at", "days_before",
            name="uq_alert_claim_id_kind_due_at_days_before",
        ),
    )
    op.create_index("ix_alert_claim_id", "alert", ["claim_id"])
    op.create_index("ix_alert_next_attempt_at", "alert", ["next_attempt_at"])
    op.create_table(
        "delivery",
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("delivered_at", MOMENT, nullable=False),
        sa.ForeignKeyConstraint(["alert_id"], ["alert.id"], name="fk_delivery_alert_id_alert"),
        sa.PrimaryKeyConstraint("alert_id", "channel", name="pk_delivery"),
    )
    op.create_table(
        "monitor_state",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("name", name="pk_monitor_state"),
    )


def downgrade() -> None:
    op.drop_table("monitor_state")
    op.drop_table("delivery")
    op.drop_index("ix_alert_next_attempt_at", table_name="alert")
    op.drop_index("ix_alert_claim_id", table_name="alert")
    op.drop_table("alert")
    op.drop_index("ix_claim_watch_at", table_name="claim")
    op.drop_column("claim", "watch_at")
