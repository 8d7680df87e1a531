"""Readings given by hand, and terms of office.

- claim.deadline_read_by: "reader" (the deadline reader read the phrase) or "hand" (a
  person gave the date, for a phrase the reader refuses or reads otherwise); every deadline
  recorded before this revision was read by the reader;
- actor.term_start / term_end: a claimant's term of office, to which "by the end of this
  Parliament" and "on day one" are read.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE, as in 0002 and 0004: a batch copy of claim would trip the foreign keys.
    op.add_column("claim", sa.Column("deadline_read_by", sa.String(), nullable=True))
    op.add_column("actor", sa.Column("term_start", sa.Date(), nullable=True))
    op.add_column("actor", sa.Column("term_end", sa.Date(), nullable=True))
    claim = sa.table(
        "claim", sa.column("deadline_text", sa.String), sa.column("deadline_read_by", sa.String)
    )
    op.execute(
        claim.update().where(claim.c.deadline_text.is_not(None)).values(deadline_read_by="reader")
    )


def downgrade() -> None:
    op.drop_column("actor", "term_end")
    op.drop_column("actor", "term_start")
    op.drop_column("claim", "deadline_read_by")
