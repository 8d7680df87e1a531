"""Who said a claim and where: claimants (actors), the documents cited (sources) and the
exact words quoted from them (citations).
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlmodel import Session, col, select

from claimtrack.deadlines.deadline import Term, shared_term
from claimtrack.errors import BadInput
from claimtrack.records.columns import utcnow
from claimtrack.records.models import (
    ACTOR_KINDS,
    Actor,
    Claim,
    ClaimSource,
    Source,
    Verdict,
)
from claimtrack.records.moments import Clock
from claimtrack.records.sql import insert_skipping_existing
from claimtrack.records.validation import check_choice, check_language, check_url, clean


@dataclass(frozen=True)
class SourceInfo:
    """What is known of a document; ``url`` identifies it when there is one."""

    url: str | None = None
    title: str | None = None
    publisher: str | None = None
    published_on: date | None = None
    retrieved_on: date | None = None
    archive_url: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Citation:
    """A source as cited by a claim or a verdict, with the exact words quoted from it."""

    source: SourceInfo
    quote: str | None = None


def check_citation(citation: Citation, field: str) -> Citation:
    source = citation.source
    if source.url is None and not source.title:
        raise BadInput(field, "a source needs a URL or at least a title")
    checked = replace(
        source,
        url=check_url(source.url, field) if source.url else None,
        archive_url=check_url(source.archive_url, "--archive-url") if source.archive_url else None,
        language=check_language(source.language, "source language") if source.language else None,
        title=clean(source.title),
        publisher=clean(source.publisher),
    )
    return Citation(checked, clean(citation.quote))


def actor_named(session: Session, name: str) -> Actor:
    """The claimant of that name, created if new (safe when two writers add it at once)."""
    session.execute(
        insert_skipping_existing(session, Actor.__table__)  # type: ignore[attr-defined]
        .values(name=name, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["name"])
    )
    return session.exec(select(Actor).where(Actor.name == name)).one()


def save_actor(
    session: Session,
    name: str,
    *,
    kind: str | None = None,
    role: str | None = None,
    affiliation: str | None = None,
    term_start: date | None = None,
    term_end: date | None = None,
) -> Actor:
    """Create or describe a claimant (a person, a government, an organisation), with the
    term of office deadlines like "by the end of this Parliament" are read to.

    A new term changes no deadline already read: a claim's reading is what it was when the
    claim was recorded or edited."""
    name = name.strip()
    if not name:
        raise BadInput("actor", "empty name; give the claimant's name, e.g. 'Sabrina Singh'")
    if kind is not None:
        check_choice(kind, ACTOR_KINDS, "--kind")
    actor = actor_named(session, name)
    actor.kind = kind or actor.kind
    actor.role = clean(role) or actor.role
    actor.affiliation = clean(affiliation) or actor.affiliation
    start = term_start or actor.term_start
    end = term_end or actor.term_end
    if start is not None and end is not None and end < start:
        raise BadInput(
            "--term-end",
            f"{end.isoformat()} is before the term's start ({start.isoformat()}); give an end "
            "on or after it",
        )
    actor.term_start, actor.term_end = start, end
    return actor


def term_of(session: Session, names: Sequence[str]) -> Term | None:
    """The term of office shared by the claimants ``names``, as far as it is recorded."""
    found = {
        actor.name: (actor.term_start, actor.term_end)
        for actor in session.exec(select(Actor).where(col(Actor.name).in_(names)))
    }
    return shared_term(found, list(names))


def source_for(session: Session, info: SourceInfo, clock: Clock) -> Source:
    if info.url:  # created if new, safe when two writers cite the same URL at once
        session.execute(
            insert_skipping_existing(session, Source.__table__)  # type: ignore[attr-defined]
            .values(uuid=str(uuidlib.uuid4()), url=info.url, created_at=clock.now)
            .on_conflict_do_nothing(index_elements=["url"])
        )
        found = session.exec(select(Source).where(Source.url == info.url)).first()
    else:
        found = session.exec(
            select(Source).where(
                col(Source.url).is_(None),
                Source.title == info.title,
                col(Source.publisher).is_(info.publisher)
                if info.publisher is None
                else Source.publisher == info.publisher,
            )
        ).first()
    if found is None:
        found = Source(uuid=str(uuidlib.uuid4()), url=info.url, created_at=clock.now)
        session.add(found)
    for name in ("title", "publisher", "published_on", "retrieved_on", "archive_url", "language"):
        value = getattr(info, name)
        if value is not None:
            setattr(found, name, value)
    session.flush()
    return found


def cite(
    session: Session,
    claim: Claim,
    citation: Citation,
    role: str,
    clock: Clock,
    verdict: Verdict | None = None,
) -> ClaimSource:
    source = source_for(session, citation.source, clock)
    assert claim.id is not None
    assert source.id is not None
    link = ClaimSource(
        claim_id=claim.id,
        source_id=source.id,
        verdict_id=verdict.id if verdict else None,
        role=role,
        quote=citation.quote,
        created_at=clock.now,
    )
    session.add(link)
    session.flush()
    return link
