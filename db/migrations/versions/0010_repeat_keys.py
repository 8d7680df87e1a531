"""Repeat alerts keyed by the minutes since the first flag instead of their count, so that
channels with their own ``repeat`` share one alert where their intervals meet.

A repeat flagged before this revision has ``days_before = -count``; its moment is the first
flag's (the ``due`` alert of the same claim, deadline and reopening) plus ``count``
intervals, so the minutes since then are read from the two rows' ``fires_at``, and the
repeat is not flagged again under its new key.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

alert = sa.table(
    "alert",
    sa.column("id", sa.Integer()),
    sa.column("claim_id", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("due_at", sa.DateTime()),
    sa.column("days_before", sa.Integer()),
    sa.column("reopening", sa.Integer()),
    sa.column("fires_at", sa.DateTime()),
)


def upgrade() -> None:
    bind = op.get_bind()
    repeat, due = alert.alias("repeat"), alert.alias("due")
    rows = bind.execute(
        sa.select(repeat.c.id, repeat.c.claim_id, repeat.c.due_at, repeat.c.reopening)
        .add_columns(repeat.c.fires_at, due.c.fires_at)
        .join(
            due,
            sa.and_(
                due.c.claim_id == repeat.c.claim_id,
                due.c.due_at == repeat.c.due_at,
                due.c.reopening == repeat.c.reopening,
                due.c.kind == "due",
            ),
        )
        .where(repeat.c.kind == "repeat")
        .order_by(repeat.c.id)
    ).all()
    taken: set[tuple] = set()
    for alert_id, claim_id, due_at, reopening, repeat_at, first_at in rows:
        minutes = round((repeat_at - first_at) / timedelta(minutes=1))
        key = (claim_id, due_at, reopening, minutes)
        if minutes < 1 or key in taken:
            continue  # not a repeat one can place (or its key is used): left as it was
        taken.add(key)
        bind.execute(sa.update(alert).where(alert.c.id == alert_id).values(days_before=-minutes))


def downgrade() -> None:
    """The counts cannot be recovered without the interval: repeats keep their minutes."""
