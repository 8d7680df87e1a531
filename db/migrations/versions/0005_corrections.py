"""Corrections: retracted verdicts, removed claims, and a "due" flag armed again when a
retraction reopens a claim.

- verdict.retracted_at / retraction_reason: a retracted verdict stays, and stops counting;
- claim.last_retracted_at: before it, statuses are worked out from the verdicts (status_sql);
- claim.reopenings and alert.reopening, in the alert's unique key: a claim whose settling
  verdict is retracted is flagged once more, still exactly once;
- claim.removed_at / removal_reason: a removed claim leaves every list and the monitor;
- an index on the history's kind and moment, for the corrections log.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)
OLD_KEY = ("claim_id", "kind", "due_at", "days_before")
OLD_NAME = "uq_alert_claim_id_kind_due_at_days_before"
NEW_NAME = "uq_alert_claim_id_kind_due_at_days_before_reopening"


def _rekey_alerts(columns: tuple[str, ...], drop: str, create: str) -> None:
    """Swap the alert table's unique key.

    SQLite cannot drop a table constraint: the table is rebuilt (batch mode). It is the
    parent of ``delivery``, and with foreign keys on, SQLite refuses to drop a parent that
    has children, even inside a transaction: the deliveries wait in a plain copy while the
    alert table is rebuilt, then come back. PostgreSQL alters the constraint in place.
    """
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(drop, "alert", type_="unique")
        op.create_unique_constraint(create, "alert", list(columns))
        return
    op.execute("CREATE TABLE _delivery_copy AS SELECT * FROM delivery")
    op.drop_table("delivery")
    with op.batch_alter_table("alert", recreate="always") as batch:
        batch.drop_constraint(drop, type_="unique")
        batch.create_unique_constraint(create, list(columns))
    op.create_table(
        "delivery",
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("delivered_at", MOMENT, nullable=False),
        sa.ForeignKeyConstraint(["alert_id"], ["alert.id"], name="fk_delivery_alert_id_alert"),
        sa.PrimaryKeyConstraint("alert_id", "channel", name="pk_delivery"),
    )
    op.execute(
        "INSERT INTO delivery (alert_id, channel, delivered_at) "
        "SELECT alert_id, channel, delivered_at FROM _delivery_copy"
    )
    op.execute("DROP TABLE _delivery_copy")


def upgrade() -> None:
    # Plain ALTER TABLE for claim and verdict, as in 0002: a batch copy of claim would trip
    # the foreign keys that point at it.
    op.add_column("verdict", sa.Column("retracted_at", MOMENT, nullable=True))
    op.add_column("verdict", sa.Column("retraction_reason", sa.Text(), nullable=True))
    op.add_column("claim", sa.Column("last_retracted_at", MOMENT, nullable=True))
    op.add_column(
        "claim", sa.Column("reopenings", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("claim", sa.Column("removed_at", MOMENT, nullable=True))
    op.add_column("claim", sa.Column("removal_reason", sa.Text(), nullable=True))
    # Partial on SQLite (the models say why): only the few claims retracted or removed.
    for column in ("last_retracted_at", "removed_at"):
        only = sa.text(f"{column} IS NOT NULL")
        op.create_index(f"ix_claim_{column}", "claim", [column], sqlite_where=only)
    op.add_column(
        "alert", sa.Column("reopening", sa.Integer(), nullable=False, server_default="0")
    )
    _rekey_alerts((*OLD_KEY, "reopening"), OLD_NAME, NEW_NAME)
    op.create_index("ix_event_kind_at", "event", ["kind", "at"])


def _restand_as_0004() -> None:
    """The older schema has no retractions: every verdict counts again, so each claim's
    standing is worked out again by the rules of 0004 (the same statement)."""
    claim = sa.table(
        "claim",
        sa.column("id", sa.Integer),
        sa.column("verdict", sa.String),
        sa.column("last_checked_on", sa.Date),
    )
    verdict = sa.table(
        "verdict",
        sa.column("id", sa.Integer),
        sa.column("claim_id", sa.Integer),
        sa.column("verdict", sa.String),
        sa.column("checked_on", sa.Date),
        sa.column("recorded_at", sa.DateTime),
    )
    mine = verdict.c.claim_id == claim.c.id

    def latest(*where: sa.ColumnElement[bool]) -> sa.ScalarSelect[str]:
        order = (verdict.c.checked_on.desc(), verdict.c.recorded_at.desc(), verdict.c.id.desc())
        return (
            sa.select(verdict.c.verdict)
            .where(mine, *where)
            .order_by(*order)
            .limit(1)
            .scalar_subquery()
        )

    op.execute(
        claim.update()
        .where(sa.exists().where(mine))
        .values(
            verdict=sa.func.coalesce(
                latest(verdict.c.verdict.not_in(("in_progress", "stalled"))), latest()
            ),
            last_checked_on=sa.select(sa.func.max(verdict.c.checked_on))
            .where(mine)
            .scalar_subquery(),
        )
    )


def downgrade() -> None:
    # What the older schema cannot say is lost from the tables, not from the history: each
    # retraction and removal stays an entry there. Removed claims are claims again, looked
    # at by the next sweep (0002's rule for a claim with a deadline).
    look_now = datetime(1970, 1, 1, tzinfo=UTC)  # the models' LOOK_NOW, as 0002 writes it
    if op.get_bind().dialect.name == "sqlite":
        look_now = look_now.replace(tzinfo=None)
    claim = sa.table(
        "claim",
        sa.column("watch_at", MOMENT),
        sa.column("due_at", MOMENT),
        sa.column("removed_at", MOMENT),
    )
    op.execute(
        claim.update()
        .where(claim.c.removed_at.is_not(None), claim.c.due_at.is_not(None))
        .values(watch_at=look_now)
    )
    op.drop_index("ix_event_kind_at", table_name="event")
    # The older key cannot hold a claim flagged again after a reopening: those flags, and
    # what each channel took of them, go; their history entries stay.
    op.execute(
        "DELETE FROM delivery WHERE alert_id IN (SELECT id FROM alert WHERE reopening > 0)"
    )
    op.execute("DELETE FROM alert WHERE reopening > 0")
    _rekey_alerts(OLD_KEY, NEW_NAME, OLD_NAME)
    op.drop_column("alert", "reopening")
    op.drop_index("ix_claim_removed_at", table_name="claim")
    op.drop_index("ix_claim_last_retracted_at", table_name="claim")
    for column in ("removal_reason", "removed_at", "reopenings", "last_retracted_at"):
        op.drop_column("claim", column)
    op.drop_column("verdict", "retraction_reason")
    op.drop_column("verdict", "retracted_at")
    _restand_as_0004()
