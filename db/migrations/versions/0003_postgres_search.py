"""Full-text search on PostgreSQL: one row per claim with an indexed tsvector.

SQLite has had its FTS5 table since 0001; this gives PostgreSQL the same index-backed search
(``tsvector`` generated from the accent-folded text, with a GIN index) and fills it for the
claims already there. Nothing changes on SQLite.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel import Session

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute(
        "CREATE TABLE claim_fts ("
        " rowid INTEGER PRIMARY KEY REFERENCES claim (id) ON DELETE CASCADE,"
        " body TEXT NOT NULL,"
        " document TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED)"
    )
    op.execute("CREATE INDEX ix_claim_fts_document ON claim_fts USING GIN (document)")
    # Claims written before this revision: index them with the code that keeps the table.
    from claimtrack.records import search

    session = Session(bind=bind)
    for (claim_id,) in bind.execute(sa.text("SELECT id FROM claim ORDER BY id")):
        search.reindex(session, claim_id)
    session.flush()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE IF EXISTS claim_fts")
