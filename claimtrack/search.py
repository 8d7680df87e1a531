"""Full-text search over what a claim holds: its words, quotes, verdict notes, names and tags.

On SQLite an FTS5 table (one row per claim, rowid = claim id) is kept in step by the
application inside each change's transaction, so it can never lag behind a commit. It folds
accents ("Etats" finds "États") and matches word prefixes ("retir" finds "retirent").
"""

from __future__ import annotations

import re

from sqlalchemy import Column, Integer, MetaData, Table, Text, delete, insert, or_, select
from sqlmodel import Session, col

from claimtrack.errors import BadInput
from claimtrack.models import Claim, ClaimActor, ClaimSource, ClaimTag, Source, Verdict

# Not part of the models' metadata: the database keeps this table, the migrations create it.
claim_fts = Table(
    "claim_fts",
    MetaData(),
    Column("rowid", Integer, primary_key=True),
    Column("body", Text),
    Column("rank", Text),
)


def _words(query: str) -> list[str]:
    words = re.findall(r"\w+", query)
    if not words:
        raise BadInput("query", f"'{query}' has no word to search for; e.g. claimtrack search Irak")
    return words


def document(session: Session, claim_id: int) -> str:
    """Everything searchable about one claim, as one text."""
    claim = session.get(Claim, claim_id)
    if claim is None:
        return ""
    parts = [claim.text, claim.translation, claim.context, claim.criteria]
    parts += [
        link.actor.name
        for link in session.exec(
            select(ClaimActor).where(ClaimActor.claim_id == claim_id)
        ).scalars()
    ]
    parts += session.exec(select(ClaimTag.tag).where(ClaimTag.claim_id == claim_id)).scalars()
    parts += session.exec(
        select(ClaimSource.quote).where(ClaimSource.claim_id == claim_id)
    ).scalars()
    parts += session.exec(
        select(Source.title).join(ClaimSource).where(ClaimSource.claim_id == claim_id)
    ).scalars()
    parts += session.exec(select(Verdict.note).where(Verdict.claim_id == claim_id)).scalars()
    return "\n".join(p for p in parts if p)


def reindex(session: Session, claim_id: int | None) -> None:
    """Bring the claim's search row up to date, in the caller's transaction."""
    if claim_id is None or session.get_bind().dialect.name != "sqlite":
        return
    session.execute(delete(claim_fts).where(claim_fts.c.rowid == claim_id))
    session.execute(insert(claim_fts).values(rowid=claim_id, body=document(session, claim_id)))


def matching_ids(session: Session, query: str, *, limit: int = 50) -> list[int]:
    """Ids of matching claims, best match first (every word must appear, as a word prefix)."""
    words = _words(query)
    if session.get_bind().dialect.name == "sqlite":
        expression = " ".join('"' + word.replace('"', "") + '"*' for word in words)
        found = session.execute(
            select(claim_fts.c.rowid)
            .where(claim_fts.c.body.op("MATCH")(expression))
            .order_by(claim_fts.c.rank)
            .limit(limit)
        )
        return [row[0] for row in found]
    # Other databases: a plain scan for now (each word somewhere in the claim's own texts).
    query_ = select(Claim.id)
    for word in words:
        pattern = f"%{word}%"
        query_ = query_.where(
            or_(
                col(Claim.text).ilike(pattern),
                col(Claim.translation).ilike(pattern),
                col(Claim.id).in_(
                    select(ClaimSource.claim_id).where(col(ClaimSource.quote).ilike(pattern))
                ),
                col(Claim.id).in_(select(Verdict.claim_id).where(col(Verdict.note).ilike(pattern))),
            )
        )
    return [row[0] for row in session.execute(query_.order_by(Claim.id).limit(limit))]
