"""Read the database as document records (claimtrack.formats.document), a thousand claims at a time.

Each table is read with one query per chunk rather than through the ORM's relationships, so
that exporting a hundred thousand claims costs a few hundred queries, and memory holds one
chunk of claims, not the whole database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased, lazyload
from sqlmodel import Session, col

from claimtrack.formats.document import (
    ActorRecord,
    CitationRecord,
    ClaimRecord,
    EventRecord,
    LinkRecord,
    SourceRecord,
    VerdictRecord,
)
from claimtrack.records.claims import deadline_of
from claimtrack.records.models import (
    Actor,
    Claim,
    ClaimActor,
    ClaimLink,
    ClaimSource,
    ClaimTag,
    Event,
    Source,
    Verdict,
)
from claimtrack.records.sql import chunks

CHUNK = 1000


def _actor(a: Actor) -> ActorRecord:
    return ActorRecord(
        a.name, a.kind, a.role, a.affiliation, a.created_at, a.term_start, a.term_end
    )


def _source(s: Source) -> SourceRecord:
    return SourceRecord(
        key=s.uuid,
        uuid=s.uuid,
        url=s.url,
        title=s.title,
        publisher=s.publisher,
        published_on=s.published_on,
        retrieved_on=s.retrieved_on,
        archive_url=s.archive_url,
        language=s.language,
        created_at=s.created_at,
    )


def actors(session: Session) -> list[ActorRecord]:
    return [_actor(a) for a in session.execute(select(Actor).order_by(col(Actor.id))).scalars()]


def sources(session: Session) -> dict[str, SourceRecord]:
    """Every source, keyed by its uuid (the key citations use in an export)."""
    found = session.execute(select(Source).order_by(col(Source.id))).scalars()
    return {s.uuid: _source(s) for s in found}


def one_claim(
    session: Session, claim: Claim
) -> tuple[ClaimRecord, dict[str, SourceRecord], dict[str, ActorRecord]]:
    """One claim as a record, with only the sources and actors it names: what a claim's page
    needs to describe it in an export's terms (its ClaimReview) without reading them all."""
    cited = {link.source.id: link.source for link in claim.source_links}
    (record,) = _records(session, [claim], {i: s.uuid for i, s in cited.items() if i})
    named = {link.actor.name: _actor(link.actor) for link in claim.actor_links}
    return record, {s.uuid: _source(s) for s in cited.values()}, named


def source_keys(session: Session, claim_ids: Sequence[int] | None = None) -> dict[int, str]:
    """Each source's uuid by its id: every source, or those ``claim_ids`` cite (a few claims
    of a large record need not read every source)."""
    query = select(Source.id, Source.uuid)
    if claim_ids is not None:
        cited = select(ClaimSource.source_id).where(col(ClaimSource.claim_id).in_(claim_ids))
        query = query.where(col(Source.id).in_(cited))
    return dict(session.execute(query).all())  # type: ignore[arg-type]


def iter_claims(session: Session, keys: dict[int, str] | None = None) -> Iterator[ClaimRecord]:
    """Every claim, in id order."""
    keys = keys if keys is not None else source_keys(session)
    last = 0
    while True:
        rows = list(
            session.execute(
                select(Claim)
                .options(lazyload("*"))
                .where(col(Claim.id) > last)
                .order_by(col(Claim.id))
                .limit(CHUNK)
            ).scalars()
        )
        if not rows:
            return
        yield from _records(session, rows, keys)
        session.expunge_all()  # keep one chunk in memory, not the whole database
        last = rows[-1].id or last


def claims_by_id(
    session: Session, ids: Sequence[int], keys: dict[int, str]
) -> dict[int, ClaimRecord]:
    found: dict[int, ClaimRecord] = {}
    for chunk in chunks(ids, CHUNK):
        query = select(Claim).options(lazyload("*")).where(col(Claim.id).in_(chunk))
        rows = list(session.execute(query).scalars())
        found.update(
            (r.id, record) for r, record in zip(rows, _records(session, rows, keys), strict=True)
        )
    return found


def _grouped(session: Session, query: Any) -> dict[int, list[Any]]:
    groups: dict[int, list[Any]] = defaultdict(list)
    for row in session.execute(query):
        groups[row[0]].append(row)
    return groups


def _records(session: Session, rows: list[Claim], keys: dict[int, str]) -> list[ClaimRecord]:
    ids = [r.id for r in rows]
    names = _grouped(
        session,
        select(ClaimActor.claim_id, Actor.name)
        .join(Actor, col(Actor.id) == col(ClaimActor.actor_id))
        .where(col(ClaimActor.claim_id).in_(ids))
        .order_by(col(ClaimActor.claim_id), col(ClaimActor.position)),
    )
    tags = _grouped(
        session,
        select(ClaimTag.claim_id, ClaimTag.tag)
        .where(col(ClaimTag.claim_id).in_(ids))
        .order_by(col(ClaimTag.claim_id), col(ClaimTag.tag)),
    )
    links = _grouped(
        session,
        select(
            ClaimSource.claim_id,
            ClaimSource.source_id,
            ClaimSource.verdict_id,
            ClaimSource.role,
            ClaimSource.quote,
            ClaimSource.created_at,
        )
        .where(col(ClaimSource.claim_id).in_(ids))
        .order_by(col(ClaimSource.id)),
    )
    verdicts = _grouped(
        session,
        select(
            Verdict.claim_id,
            Verdict.id,
            Verdict.verdict,
            Verdict.note,
            Verdict.checked_on,
            Verdict.recorded_at,
            Verdict.reviewer,
            Verdict.retracted_at,
            Verdict.retraction_reason,
            Verdict.happened_on,
            Verdict.cause,
        )
        .where(col(Verdict.claim_id).in_(ids))
        .order_by(col(Verdict.checked_on), col(Verdict.recorded_at), col(Verdict.id)),
    )
    events = _grouped(
        session,
        select(Event.claim_id, Event.kind, Event.at, Event.actor, Event.data)
        .where(col(Event.claim_id).in_(ids))
        .order_by(col(Event.at), col(Event.id)),
    )
    other = aliased(Claim)
    related = _grouped(
        session,
        select(
            ClaimLink.claim_id,
            ClaimLink.relation,
            other.uuid,
            ClaimLink.note,
            Source.url,
            ClaimLink.quote,
            ClaimLink.created_at,
        )
        .join(other, other.id == col(ClaimLink.other_id))
        .outerjoin(Source, col(Source.id) == col(ClaimLink.source_id))
        .where(col(ClaimLink.claim_id).in_(ids))
        .order_by(col(ClaimLink.id)),
    )
    records = []
    for claim in rows:
        evidence: dict[int, list[CitationRecord]] = defaultdict(list)
        citations = []
        for _, source_id, verdict_id, role, quote, created_at in links.get(claim.id or 0, []):
            cited = CitationRecord(keys[source_id], quote, role, created_at)
            if verdict_id is None:
                citations.append(cited)
            else:
                evidence[verdict_id].append(cited)
        records.append(
            ClaimRecord(
                id=claim.id,
                uuid=claim.uuid,
                text=claim.text,
                claimants=[row[1] for row in names.get(claim.id or 0, [])],
                kind=claim.kind,
                language=claim.language,
                translation=claim.translation,
                stated_on=claim.stated_on,
                deadline=deadline_of(claim),
                due_at=claim.due_at,
                tags=[row[1] for row in tags.get(claim.id or 0, [])],
                criteria=claim.criteria,
                context=claim.context,
                citations=citations,
                verdicts=[
                    VerdictRecord(
                        *v[2:7],  # type: ignore[arg-type]
                        evidence=evidence.get(v[1], []),
                        id=v[1],
                        retracted_at=v[7],
                        retraction_reason=v[8],
                        happened_on=v[9],
                        cause=v[10],
                    )
                    for v in verdicts.get(claim.id or 0, [])
                ],
                history=[EventRecord(*row[1:]) for row in events.get(claim.id or 0, [])],
                created_at=claim.created_at,
                updated_at=claim.updated_at,
                removed_at=claim.removed_at,
                removal_reason=claim.removal_reason,
                links=[LinkRecord(*row[1:]) for row in related.get(claim.id or 0, [])],
            )
        )
    return records
