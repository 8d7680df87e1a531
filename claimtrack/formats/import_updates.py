"""What ``--on-conflict update`` takes from the file into a claim the database holds: the
fields that differ, and the citations, verdicts, retractions and history entries it
lacks. Nothing is deleted, and the claim's history records the update.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, insert, update
from sqlmodel import Session, col

from claimtrack.deadlines.deadline import Deadline
from claimtrack.formats.document import (
    CitationRecord,
    ClaimRecord,
    EventRecord,
    VerdictRecord,
)
from claimtrack.formats.import_rows import claim_row, event_row, link_row, verdict_row
from claimtrack.records import search
from claimtrack.records.models import (
    LOOK_NOW,
    Claim,
    ClaimActor,
    ClaimSource,
    ClaimTag,
    Event,
    Verdict,
)
from claimtrack.records.moments import Clock
from claimtrack.records.verdicts import (
    restand,
    restand_after_retraction,
    retraction_data,
)

FIELDS = (
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
class Difference:
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


# --- claims the file changes (--on-conflict update) ---------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, Deadline):
        return value.to_json()
    return value.isoformat() if isinstance(value, date | datetime) else value


def update_claim(
    session: Session,
    claim_id: int,
    record: ClaimRecord,
    difference: Difference,
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
            row = claim_row(claim_id, record, clock.now)
            values |= {key: row[key] for key in row if key.startswith("deadline_")}
            values |= {"due_at": record.due_at, "watch_at": row["watch_at"]}
        else:
            values[name] = getattr(record, name)
    session.execute(update(Claim).where(col(Claim.id) == claim_id).values(**values))
    links = [link_row(claim_id, c, source_ids, None) for c in difference.citations]
    new_ids: dict[int, int] = {}  # id() of the file's verdict: its id here
    for verdict in difference.verdicts:
        row = Verdict(**verdict_row(None, claim_id, verdict))
        session.add(row)
        session.flush()
        assert row.id is not None
        new_ids[id(verdict)] = row.id
        links += [link_row(claim_id, e, source_ids, row.id) for e in verdict.evidence]
    if links:
        session.execute(insert(ClaimSource), links)
    events = [event_row(claim_id, event) for event in difference.history]
    for verdict_id, on, reason, corrected in difference.retractions:
        on = on or clock.now
        corrected_by = new_ids[id(corrected)] if corrected is not None else None
        old = session.get(Verdict, verdict_id)
        assert old is not None
        old.retracted_at, old.retraction_reason = on, reason
        data = retraction_data(old, reason, corrected_by)
        events.append(event_row(claim_id, EventRecord("retracted", on, clock.who, data)))
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
        event_row(
            claim_id,
            EventRecord("imported", clock.now, clock.who, {"changes": changes, "added": added}),
        )
    )
    session.execute(insert(Event), events)
    search.reindex(session, claim_id)
