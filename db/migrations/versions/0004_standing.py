"""Each claim's standing: the verdict that decides its status and the day of its latest
check, kept on the claim row and indexed, so that counting claims by status and listing
them by status read an index instead of every claim's verdicts (bench/run.py: at a million
claims the count went from about 1.2 s to tens of milliseconds). An index on the day a
verdict was checked serves the report's "verdicts lately".

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

INTERIM = ("in_progress", "stalled")


def upgrade() -> None:
    # Plain ALTER TABLE, as in 0002: a batch copy of claim would trip the foreign keys.
    op.add_column("claim", sa.Column("verdict", sa.String(), nullable=True))
    op.add_column("claim", sa.Column("last_checked_on", sa.Date(), nullable=True))
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

    # The rules of status.standing, as they stood at this revision: the latest final
    # verdict, else the latest verdict; and the latest day checked.
    op.execute(
        claim.update()
        .where(sa.exists().where(mine))
        .values(
            verdict=sa.func.coalesce(latest(verdict.c.verdict.not_in(INTERIM)), latest()),
            last_checked_on=sa.select(sa.func.max(verdict.c.checked_on))
            .where(mine)
            .scalar_subquery(),
        )
    )
    op.create_index("ix_claim_verdict_due_at", "claim", ["verdict", "due_at"])
    op.create_index("ix_claim_last_checked_on", "claim", ["last_checked_on"])
    op.create_index("ix_verdict_checked_on", "verdict", ["checked_on"])


def downgrade() -> None:
    op.drop_index("ix_verdict_checked_on", table_name="verdict")
    op.drop_index("ix_claim_last_checked_on", table_name="claim")
    op.drop_index("ix_claim_verdict_due_at", table_name="claim")
    op.drop_column("claim", "last_checked_on")
    op.drop_column("claim", "verdict")
