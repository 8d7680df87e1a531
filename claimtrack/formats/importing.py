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

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from claimtrack.errors import BadInput
from claimtrack.formats import collect
from claimtrack.formats.document import (
    CitationRecord,
    ClaimRecord,
    Document,
    SourceRecord,
    VerdictRecord,
)
from claimtrack.formats.import_rows import all_citations, insert_claims, save_actors, save_sources
from claimtrack.formats.import_updates import FIELDS, Difference, update_claim
from claimtrack.records.models import (
    Claim,
    ClaimLink,
)
from claimtrack.records.moments import Clock
from claimtrack.records.sql import (
    chunks,
)

ON_CONFLICT = ("fail", "skip", "update")


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0

    def to_json(self) -> dict[str, int]:
        return asdict(self)


# An import that adds this many claims is followed by fresh planner statistics (see
# Database.analyze): the monitor's first sweep after a bulk load depends on them.
ANALYZE_AFTER = 10_000


def import_document(
    session: Session, document: Document, clock: Clock, on_conflict: str = "fail"
) -> ImportResult:
    """Add the document's claims, in the caller's transaction; see the module's docstring."""
    if on_conflict not in ON_CONFLICT:
        raise BadInput("--on-conflict", f"'{on_conflict}' is not one of {', '.join(ON_CONFLICT)}")
    result = ImportResult()
    existing = _ids_by_uuid(session, [record.uuid for record in document.claims])
    new: list[ClaimRecord] = []
    changed: list[tuple[int, ClaimRecord, Difference]] = []
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
    actor_ids = save_actors(session, document.actors, wanted, clock, on_conflict == "update")
    cited = {c.source for r in wanted for c in all_citations(r)}
    source_ids = save_sources(  # in the file's order, so ids follow it
        session,
        [source for key, source in document.sources.items() if key in cited],
        clock,
        on_conflict == "update",
    )
    insert_claims(session, new, actor_ids, source_ids, document.sources, clock)
    for claim_id, record, difference in changed:
        update_claim(session, claim_id, record, difference, actor_ids, source_ids, clock)
    written = {id(record) for record in wanted}
    linked = [(i, r) for i, r in enumerate(document.claims) if r.links and id(r) in written]
    if linked:
        _insert_links(session, linked, clock)
    result.added, result.updated = len(new), len(changed)
    return result


def _insert_links(session: Session, records: list[tuple[int, ClaimRecord]], clock: Clock) -> None:
    """The links of the claims written, once every claim is in: a link names its other claim
    by uuid, in the file or in the database. Links already recorded are left as they are; a
    loop of supersedes is refused as the CLI refuses it."""
    from claimtrack.records.attribution import SourceInfo, source_for
    from claimtrack.records.links import reaches

    wanted = [r.uuid for _, r in records] + [link.other for _, r in records for link in r.links]
    ids = _ids_by_uuid(session, list(dict.fromkeys(wanted)))
    for index, record in records:
        for link in record.links:
            where = f"claims[{index}] (uuid {record.uuid}).links"
            if link.other not in ids:
                raise BadInput(
                    where, f"no claim has uuid {link.other}, in the file or the database"
                )
            mine, other = ids[record.uuid], ids[link.other]
            known = session.execute(
                select(ClaimLink.id).where(
                    ClaimLink.claim_id == mine,
                    ClaimLink.other_id == other,
                    ClaimLink.relation == link.relation,
                )
            ).first()
            if known is not None:
                continue
            if link.relation == "supersedes" and reaches(session, other, mine):
                raise BadInput(where, f"a loop of supersedes through claim {link.other}")
            source = (
                source_for(session, SourceInfo(url=link.source_url), clock)
                if link.source_url
                else None
            )
            session.add(
                ClaimLink(
                    claim_id=mine,
                    other_id=other,
                    relation=link.relation,
                    note=link.note,
                    source_id=source.id if source else None,
                    quote=link.quote,
                    created_at=link.created_at or clock.now,
                )
            )
            session.flush()


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
) -> Difference:
    difference = Difference()
    for name in FIELDS:
        before, after = getattr(current, name), getattr(record, name)
        if before != after:
            difference.fields[name] = (before, after)
    if (current.deadline, current.due_at) != (record.deadline, record.due_at):
        difference.fields["deadline"] = (current.deadline, record.deadline)
    had = {_cited(c, local_sources) for c in all_citations(current)}
    difference.citations = [c for c in record.citations if _cited(c, sources) not in had]
    if (current.removed_at, current.removal_reason) != (record.removed_at, record.removal_reason):
        difference.fields["removed"] = (current.removed_at, record.removed_at)
    _compare_verdicts(record, current, difference)
    if record.history is not None:
        known = {event.key() for event in current.history or []}
        difference.history = [e for e in record.history if e.key() not in known]
    return difference


def _compare_verdicts(record: ClaimRecord, current: ClaimRecord, difference: Difference) -> None:
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
