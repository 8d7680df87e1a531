"""Write a checked document into the database: all of it in the caller's one transaction.

New claims go in through SQLAlchemy's bulk path (one ``executemany`` per table, ids chosen
beforehand), not one ORM object at a time: this is what makes a hundred thousand claims an
import of seconds. A claim whose uuid is already in the database is compared with what the
file holds: if the file adds nothing, it is unchanged (so importing a file twice is
harmless); otherwise ``on_conflict`` decides: ``fail`` (refuse the whole import), ``skip``
(keep the database's claim) or ``update`` (take the file's fields, add its citations,
verdicts and history entries that the claim lacks; nothing is deleted).

Ids: a claim keeps the id the file gives when that id is free, so an export loaded into an
empty database (say, moving from SQLite to PostgreSQL) keeps every ``#id`` people quote.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlmodel import Session, col

from claimtrack.deadlines.deadline import Deadline
from claimtrack.errors import BadInput
from claimtrack.formats import collect
from claimtrack.formats.document import (
    ActorRecord,
    CitationRecord,
    ClaimRecord,
    Document,
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
    restand,
    restand_after_retraction,
    retraction_data,
    verdict_data,
)

ON_CONFLICT = ("fail", "skip", "update")
_FIELDS = (
    "text",
    "language",
    "translation",
    "kind",
    "stated_on",
    "criteria",
    "context",
    "claimants",
    "tags",
)


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0

    def to_json(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class _Difference:
    """What the file's record would change in the database's claim."""

    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    citations: list[CitationRecord] = field(default_factory=list)
    verdicts: list[VerdictRecord] = field(default_factory=list)
    history: list[EventRecord] = field(default_factory=list)
    # The database's verdicts the file retracts: (verdict id, moment (None: the import's),
    # reason, the file's verdict that corrects it, if any: one of ``verdicts``).
    retractions: list[tuple[int, datetime | None, str, VerdictRecord | None]] = field(
        default_factory=list
    )

    def __bool__(self) -> bool:
        return bool(
            self.fields or self.citations or self.verdicts or self.history or self.retractions
        )

    def summary(self) -> str:
        parts = list(self.fields)
        parts += [
            name
            for name in ("citations", "verdicts", "retractions", "history")
            if getattr(self, name)
        ]
        return ", ".join(parts)


def import_document(
    session: Session, document: Document, clock: Clock, on_conflict: str = "fail"
) -> ImportResult:
    """Add the document's claims, in the caller's transaction; see the module's docstring."""
    if on_conflict not in ON_CONFLICT:
        raise BadInput("--on-conflict", f"'{on_conflict}' is not one of {', '.join(ON_CONFLICT)}")
    result = ImportResult()
    existing = _ids_by_uuid(session, [record.uuid for record in document.claims])
    new: list[ClaimRecord] = []
    changed: list[tuple[int, ClaimRecord, _Difference]] = []
    current: dict[int, ClaimRecord] = {}
    local_sources: dict[str, SourceRecord] = {}
    if existing:
        keys = collect.source_keys(session)
        current = collect.claims_by_id(session, list(existing.values()), keys)
        local_sources = collect.sources(session)
    for index, record in enumerate(document.claims):
        claim_id = existing.get(record.uuid)
        if claim_id is None:
            new.append(record)
            continue
        difference = _compare(record, current[claim_id], document.sources, local_sources)
        if not difference:
            result.unchanged += 1
        elif on_conflict == "fail":
            raise BadInput(
                f"claims[{index}] (uuid {record.uuid})",
                f"claim #{claim_id} has this uuid and differs ({difference.summary()}); "
                "import with --on-conflict skip to keep it, or update to take the file's",
            )
        elif on_conflict == "skip":
            result.skipped += 1
        else:
            changed.append((claim_id, record, difference))

    wanted = new + [record for _, record, _ in changed]
    actor_ids = _save_actors(session, document.actors, wanted, clock, on_conflict == "update")
    cited = {c.source for r in wanted for c in _all_citations(r)}
    source_ids = _save_sources(  # in the file's order, so ids follow it
        session,
        [source for key, source in document.sources.items() if key in cited],
        clock,
        on_conflict == "update",
    )
    _insert_claims(session, new, actor_ids, source_ids, document.sources, clock)
    for claim_id, record, difference in changed:
        _update_claim(session, claim_id, record, difference, actor_ids, source_ids, clock)
    result.added, result.updated = len(new), len(changed)
    return result


def _all_citations(record: ClaimRecord) -> Iterable[CitationRecord]:
    yield from record.citations
    for verdict in record.verdicts:
        yield from verdict.evidence


def _ids_by_uuid(session: Session, uuids: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in chunks(uuids):
        query = select(Claim.uuid, Claim.id).where(col(Claim.uuid).in_(chunk))
        found.update(session.execute(query).all())  # type: ignore[arg-type]
    return found


# --- comparing with the database's claim --------------------------------------------------------


def _identity(source: SourceRecord) -> tuple[str | None, ...]:
    return ("url", source.url) if source.url else ("title", source.title, source.publisher)


def _cited(citation: CitationRecord, sources: dict[str, SourceRecord]) -> tuple[Any, ...]:
    return (_identity(sources[citation.source]), citation.role, citation.quote)


def _judged(verdict: VerdictRecord) -> tuple[Any, ...]:
    return (verdict.verdict, verdict.note, verdict.checked_on)


def _compare(
    record: ClaimRecord,
    current: ClaimRecord,
    sources: dict[str, SourceRecord],
    local_sources: dict[str, SourceRecord],
) -> _Difference:
    difference = _Difference()
    for name in _FIELDS:
        before, after = getattr(current, name), getattr(record, name)
        if before != after:
            difference.fields[name] = (before, after)
    if (current.deadline, current.due_at) != (record.deadline, record.due_at):
        difference.fields["deadline"] = (current.deadline, record.deadline)
    had = {_cited(c, local_sources) for c in _all_citations(current)}
    difference.citations = [c for c in record.citations if _cited(c, sources) not in had]
    if (current.removed_at, current.removal_reason) != (record.removed_at, record.removal_reason):
        difference.fields["removed"] = (current.removed_at, record.removed_at)
    _compare_verdicts(record, current, difference)
    if record.history is not None:
        known = {event.key() for event in current.history or []}
        difference.history = [e for e in record.history if e.key() not in known]
    return difference


def _compare_verdicts(record: ClaimRecord, current: ClaimRecord, difference: _Difference) -> None:
    """The file's verdicts against the database's: new ones are added; one that differs
    from a database verdict it stands for (the same ``recorded_at``; in a CSV, the latest
    verdict) corrects it: retraction and new verdict, never a silent extra one. A
    retraction in the file is made in the database; nothing retracted is brought back."""
    counting = {_judged(v): v for v in current.verdicts if v.retracted_at is None}
    known = {_judged(v) for v in current.verdicts}
    given = {_judged(v) for v in record.verdicts}
    unmatched = [v for v in counting.values() if _judged(v) not in given]
    for verdict in record.verdicts:
        mine = counting.get(_judged(verdict))
        if mine is not None:
            if verdict.retracted_at is not None and mine.id is not None:
                reason = verdict.retraction_reason or "retracted in the imported file"
                difference.retractions.append((mine.id, verdict.retracted_at, reason, None))
            continue
        if _judged(verdict) in known:
            continue  # retracted here: stays retracted
        difference.verdicts.append(verdict)
        replaced = next((v for v in unmatched if v.recorded_at == verdict.recorded_at), None)
        if replaced is None and record.latest_verdict_only and unmatched:
            replaced = unmatched[-1]
        if replaced is not None and replaced.id is not None and verdict.retracted_at is None:
            unmatched.remove(replaced)
            difference.retractions.append((replaced.id, None, "corrected by an import", verdict))


# --- claimants and sources ----------------------------------------------------------------------


def _save_actors(
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
        session.execute(
            insert_skipping_existing(session, table).on_conflict_do_nothing(
                index_elements=["name"]
            ),
            [{"name": n, "created_at": records[n].created_at or clock.now} for n in chunk],
        )
    ids: dict[str, int] = {}
    for chunk in chunks([actor.name for actor in described]):
        for actor in session.execute(select(Actor).where(col(Actor.name).in_(chunk))).scalars():
            _describe(actor, records[actor.name], ("kind", "role", "affiliation"), overwrite)
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


def _save_sources(
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


def _insert_claims(
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
        claims.append(_claim_row(claim_id, record, created))
        claimants += [
            {"claim_id": claim_id, "actor_id": actor_ids[name], "position": position}
            for position, name in enumerate(record.claimants)
        ]
        tags += [{"claim_id": claim_id, "tag": tag} for tag in record.tags]
        links += [_link_row(claim_id, c, source_ids, None) for c in record.citations]
        for verdict in record.verdicts:
            verdict_id = next(verdict_ids)
            verdicts.append(_verdict_row(verdict_id, claim_id, verdict))
            links += [_link_row(claim_id, e, source_ids, verdict_id) for e in verdict.evidence]
        history = record.history if record.history is not None else _made(record, clock, sources)
        events += [_event_row(claim_id, event) for event in history]
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


def _claim_row(claim_id: int, record: ClaimRecord, created: datetime) -> dict[str, Any]:
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


def _verdict_row(verdict_id: int | None, claim_id: int, verdict: VerdictRecord) -> dict[str, Any]:
    row = {
        "claim_id": claim_id,
        "verdict": verdict.verdict,
        "note": verdict.note,
        "checked_on": verdict.checked_on,
        "recorded_at": verdict.recorded_at,
        "reviewer": verdict.reviewer,
        "retracted_at": verdict.retracted_at,
        "retraction_reason": verdict.retraction_reason,
    }
    return row if verdict_id is None else {"id": verdict_id, **row}


def _link_row(
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


def _event_row(claim_id: int, event: EventRecord) -> dict[str, Any]:
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


# --- claims the file changes (--on-conflict update) ---------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, Deadline):
        return value.to_json()
    return value.isoformat() if isinstance(value, date | datetime) else value


def _update_claim(
    session: Session,
    claim_id: int,
    record: ClaimRecord,
    difference: _Difference,
    actor_ids: dict[str, int],
    source_ids: dict[str, int],
    clock: Clock,
) -> None:
    values: dict[str, Any] = {"updated_at": clock.now}
    for name in difference.fields:
        if name == "claimants":
            session.execute(delete(ClaimActor).where(col(ClaimActor.claim_id) == claim_id))
            session.execute(
                insert(ClaimActor),
                [
                    {"claim_id": claim_id, "actor_id": actor_ids[n], "position": p}
                    for p, n in enumerate(record.claimants)
                ],
            )
        elif name == "tags":
            session.execute(delete(ClaimTag).where(col(ClaimTag.claim_id) == claim_id))
            if record.tags:
                session.execute(
                    insert(ClaimTag), [{"claim_id": claim_id, "tag": t} for t in record.tags]
                )
        elif name == "removed":
            values |= {
                "removed_at": record.removed_at,
                "removal_reason": record.removal_reason,
            }
            if record.removed_at is not None:
                values["watch_at"] = None
            elif record.deadline is not None:
                values["watch_at"] = LOOK_NOW
        elif name == "deadline":
            row = _claim_row(claim_id, record, clock.now)
            values |= {key: row[key] for key in row if key.startswith("deadline_")}
            values |= {"due_at": record.due_at, "watch_at": row["watch_at"]}
        else:
            values[name] = getattr(record, name)
    session.execute(update(Claim).where(col(Claim.id) == claim_id).values(**values))
    links = [_link_row(claim_id, c, source_ids, None) for c in difference.citations]
    new_ids: dict[int, int] = {}  # id() of the file's verdict: its id here
    for verdict in difference.verdicts:
        row = Verdict(**_verdict_row(None, claim_id, verdict))
        session.add(row)
        session.flush()
        assert row.id is not None
        new_ids[id(verdict)] = row.id
        links += [_link_row(claim_id, e, source_ids, row.id) for e in verdict.evidence]
    if links:
        session.execute(insert(ClaimSource), links)
    events = [_event_row(claim_id, event) for event in difference.history]
    for verdict_id, on, reason, corrected in difference.retractions:
        on = on or clock.now
        corrected_by = new_ids[id(corrected)] if corrected is not None else None
        old = session.get(Verdict, verdict_id)
        assert old is not None
        old.retracted_at, old.retraction_reason = on, reason
        data = retraction_data(old, reason, corrected_by)
        events.append(_event_row(claim_id, EventRecord("retracted", on, clock.who, data)))
    if difference.retractions:
        restand_after_retraction(session, claim_id)
    elif difference.verdicts:
        restand(session, [claim_id])
    changes = {
        name: {"from": _jsonable(before), "to": _jsonable(after)}
        for name, (before, after) in difference.fields.items()
    }
    added = {
        "citations": len(difference.citations),
        "verdicts": len(difference.verdicts),
        "retractions": len(difference.retractions),
        "history": len(difference.history),
    }
    events.append(
        _event_row(
            claim_id,
            EventRecord("imported", clock.now, clock.who, {"changes": changes, "added": added}),
        )
    )
    session.execute(insert(Event), events)
    search.reindex(session, claim_id)
