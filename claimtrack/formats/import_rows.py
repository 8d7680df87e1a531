"""What an import writes for what is new: claimants and sources (created or described), and
new claims in bulk (one ``executemany`` per table, ids chosen beforehand) with the history
the CLI would have written.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from claimtrack.formats.document import (
    ActorRecord,
    CitationRecord,
    ClaimRecord,
    EventRecord,
    SourceRecord,
    VerdictRecord,
)
from claimtrack.records import search
from claimtrack.records.claims import created_data
from claimtrack.records.models import (
    LOOK_NOW,
    Actor,
    Claim,
    ClaimActor,
    ClaimSource,
    ClaimTag,
    Event,
    Source,
    Verdict,
)
from claimtrack.records.moments import Clock
from claimtrack.records.sql import (
    allocate_ids,
    bulk_insert,
    chunks,
    ids_taken_or_reserved,
    insert_skipping_existing,
)
from claimtrack.records.status import standing
from claimtrack.records.verdicts import (
    verdict_data,
)


def all_citations(record: ClaimRecord) -> Iterable[CitationRecord]:
    yield from record.citations
    for verdict in record.verdicts:
        yield from verdict.evidence


# --- claimants and sources ----------------------------------------------------------------------


ACTOR_FIELDS = ("kind", "role", "affiliation", "term_start", "term_end")


def save_actors(
    session: Session,
    described: list[ActorRecord],
    claims: list[ClaimRecord],
    clock: Clock,
    overwrite: bool,
) -> dict[str, int]:
    """Ids of every claimant named, created if new; descriptions fill what is unknown (or,
    with ``overwrite``, replace it)."""
    records = {actor.name: actor for actor in described}
    for claim in claims:
        for name in claim.claimants:
            records.setdefault(name, ActorRecord(name))
    names = list(records)
    table = Actor.__table__  # type: ignore[attr-defined]
    for chunk in chunks(names):
        # Only the names not yet known: a re-import that adds nothing writes nothing (and
        # so leaves the data version, and every served page's ETag, as they were).
        known = set(session.execute(select(Actor.name).where(col(Actor.name).in_(chunk))).scalars())
        new = [n for n in chunk if n not in known]
        if new:
            session.execute(
                insert_skipping_existing(session, table).on_conflict_do_nothing(
                    index_elements=["name"]
                ),
                [{"name": n, "created_at": records[n].created_at or clock.now} for n in new],
            )
    ids: dict[str, int] = {}
    for chunk in chunks([actor.name for actor in described]):
        for actor in session.execute(select(Actor).where(col(Actor.name).in_(chunk))).scalars():
            _describe(actor, records[actor.name], ACTOR_FIELDS, overwrite)
    for chunk in chunks(names):
        ids.update(
            session.execute(select(Actor.name, Actor.id).where(col(Actor.name).in_(chunk))).all()
        )
    return ids


def _describe(row: Any, record: Any, names: Sequence[str], overwrite: bool) -> None:
    for name in names:
        value = getattr(record, name)
        if value is not None and (overwrite or getattr(row, name) is None):
            setattr(row, name, value)


_SOURCE_FIELDS = (
    "title",
    "publisher",
    "published_on",
    "retrieved_on",
    "archive_url",
    "language",
)


def save_sources(
    session: Session, records: list[SourceRecord], clock: Clock, overwrite: bool
) -> dict[str, int]:
    """Ids of the cited sources by their key in the file: found by uuid, then URL, then title
    and publisher (for sources without a URL); created when not found."""
    found: dict[str, Source] = {}
    by_uuid = {r.uuid: r for r in records}
    by_url = {r.url: r for r in records if r.url}
    by_title = {(r.title, r.publisher): r for r in records if not r.url}
    for chunk in chunks(list(by_uuid)):
        for row in session.execute(select(Source).where(col(Source.uuid).in_(chunk))).scalars():
            found[by_uuid[row.uuid].key] = row
    for chunk in chunks(list(by_url)):
        for row in session.execute(select(Source).where(col(Source.url).in_(chunk))).scalars():
            found.setdefault(by_url[row.url].key, row)
    titles = list({title for title, _ in by_title})
    for chunk in chunks(titles):
        query = select(Source).where(col(Source.url).is_(None), col(Source.title).in_(chunk))
        for row in session.execute(query).scalars():
            record = by_title.get((row.title, row.publisher))
            if record is not None:
                found.setdefault(record.key, row)
    by_key = {record.key: record for record in records}
    for key, row in found.items():
        _describe(row, by_key[key], _SOURCE_FIELDS, overwrite)
    missing = [r for r in records if r.key not in found]
    taken = {row.uuid for row in found.values()}
    ids = {key: row.id for key, row in found.items() if row.id is not None}
    table = Source.__table__  # type: ignore[attr-defined]
    for record, source_id in zip(missing, allocate_ids(session, table, len(missing)), strict=True):
        ids[record.key] = source_id
    rows = []
    for record in missing:
        source_uuid = record.uuid if record.uuid not in taken else str(uuid.uuid4())
        taken.add(source_uuid)
        rows.append(
            {
                "id": ids[record.key],
                "uuid": source_uuid,
                "url": record.url,
                **{name: getattr(record, name) for name in _SOURCE_FIELDS},
                "created_at": record.created_at or clock.now,
            }
        )
    bulk_insert(session, table, rows)
    return ids


# --- new claims, in bulk ------------------------------------------------------------------------


def insert_claims(
    session: Session,
    records: list[ClaimRecord],
    actor_ids: dict[str, int],
    source_ids: dict[str, int],
    sources: dict[str, SourceRecord],
    clock: Clock,
) -> None:
    if not records:
        return
    table = Claim.__table__  # type: ignore[attr-defined]
    wanted = list(dict.fromkeys(r.id for r in records if r.id is not None))
    free = set(wanted) - ids_taken_or_reserved(session, table, wanted)
    keep: list[int | None] = []
    for record in records:
        keep.append(record.id if record.id in free else None)
        free.discard(record.id)  # type: ignore[arg-type]
    fresh = iter(allocate_ids(session, table, keep.count(None), [i for i in keep if i]))
    claim_ids = [kept or next(fresh) for kept in keep]
    verdict_ids = iter(
        allocate_ids(session, Verdict.__table__, sum(len(r.verdicts) for r in records))  # type: ignore[attr-defined]
    )

    claims, claimants, tags, verdicts, links, events, bodies = [], [], [], [], [], [], []
    for claim_id, record in zip(claim_ids, records, strict=True):
        created = record.created_at or clock.now
        claims.append(claim_row(claim_id, record, created))
        claimants += [
            {"claim_id": claim_id, "actor_id": actor_ids[name], "position": position}
            for position, name in enumerate(record.claimants)
        ]
        tags += [{"claim_id": claim_id, "tag": tag} for tag in record.tags]
        links += [link_row(claim_id, c, source_ids, None) for c in record.citations]
        for verdict in record.verdicts:
            verdict_id = next(verdict_ids)
            verdicts.append(verdict_row(verdict_id, claim_id, verdict))
            links += [link_row(claim_id, e, source_ids, verdict_id) for e in verdict.evidence]
        history = record.history if record.history is not None else _made(record, clock, sources)
        events += [event_row(claim_id, event) for event in history]
        bodies.append((claim_id, _document(record, sources)))
    for model, rows in (
        (Claim, claims),
        (ClaimActor, claimants),
        (ClaimTag, tags),
        (Verdict, verdicts),
        (ClaimSource, links),
        (Event, events),
    ):
        bulk_insert(session, model.__table__, rows)  # type: ignore[attr-defined]
    search.index_new(session, bodies)


def claim_row(claim_id: int, record: ClaimRecord, created: datetime) -> dict[str, Any]:
    deadline = record.deadline
    now = standing(record.verdicts)
    return {
        "id": claim_id,
        "uuid": record.uuid,
        "text": record.text,
        "language": record.language,
        "translation": record.translation,
        "kind": record.kind,
        "stated_on": record.stated_on,
        "context": record.context,
        "criteria": record.criteria,
        "deadline_text": deadline.text if deadline else None,
        "deadline_kind": deadline.kind if deadline else None,
        "deadline_date": deadline.date if deadline else None,
        "deadline_precision": deadline.precision if deadline else None,
        "deadline_read_by": deadline.read_by if deadline else None,
        "due_at": record.due_at,
        # Not flagged in this database yet: the monitor plans its alerts on its next sweep.
        "watch_at": LOOK_NOW if deadline and record.removed_at is None else None,
        "verdict": now.verdict,
        "last_checked_on": now.last_checked_on,
        "last_retracted_at": now.last_retracted_at,
        "reopenings": 0,
        "removed_at": record.removed_at,
        "removal_reason": record.removal_reason,
        "created_at": created,
        "updated_at": record.updated_at or created,
    }


def verdict_row(verdict_id: int | None, claim_id: int, verdict: VerdictRecord) -> dict[str, Any]:
    row = {
        "claim_id": claim_id,
        "verdict": verdict.verdict,
        "note": verdict.note,
        "checked_on": verdict.checked_on,
        "recorded_at": verdict.recorded_at,
        "reviewer": verdict.reviewer,
        "retracted_at": verdict.retracted_at,
        "retraction_reason": verdict.retraction_reason,
        "happened_on": verdict.happened_on,
        "cause": verdict.cause,
    }
    return row if verdict_id is None else {"id": verdict_id, **row}


def link_row(
    claim_id: int, citation: CitationRecord, source_ids: dict[str, int], verdict_id: int | None
) -> dict[str, Any]:
    return {
        "claim_id": claim_id,
        "source_id": source_ids[citation.source],
        "verdict_id": verdict_id,
        "role": citation.role,
        "quote": citation.quote,
        "created_at": citation.created_at,
    }


def event_row(claim_id: int, event: EventRecord) -> dict[str, Any]:
    return {
        "claim_id": claim_id,
        "kind": event.kind,
        "at": event.at,
        "actor": event.actor,
        "data": event.data,
    }


def _named(citations: Iterable[CitationRecord], sources: dict[str, SourceRecord]) -> list[Any]:
    return [sources[c.source].url or sources[c.source].title for c in citations]


def _made(record: ClaimRecord, clock: Clock, sources: dict[str, SourceRecord]) -> list[EventRecord]:
    """The history the CLI would have written for a claim given without one."""
    deadline = record.deadline.to_json(clock.tz) if record.deadline else None
    if deadline is not None and record.due_at is not None:
        deadline["due_at"] = record.due_at.isoformat()
    created = created_data(
        record.text,
        record.claimants,
        record.kind,
        deadline,
        record.tags,
        _named(record.citations, sources),
    ) | {"via": "import"}
    made = [EventRecord("created", record.created_at or clock.now, clock.who, created)]
    made += [
        EventRecord(
            "verdict",
            verdict.recorded_at,
            verdict.reviewer or clock.who,
            verdict_data(
                verdict.verdict, verdict.note, verdict.checked_on, _named(verdict.evidence, sources)
            ),
        )
        for verdict in record.verdicts
    ]
    return made


def _document(record: ClaimRecord, sources: dict[str, SourceRecord]) -> str:
    """The claim's search text, made from the record as search.document makes it from rows."""
    cited = [*record.citations, *(e for v in record.verdicts for e in v.evidence)]
    parts: list[str | None] = [record.text, record.translation, record.context, record.criteria]
    parts += record.claimants
    parts += record.tags
    parts += [c.quote for c in cited]
    parts += [v.note for v in record.verdicts]
    parts += [sources[c.source].title for c in cited]
    return "\n".join(p for p in parts if p)
