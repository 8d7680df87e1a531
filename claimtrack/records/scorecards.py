"""Claimants' scorecards: how many of each one's claims have each status at a moment (one
grouped query for all claimants), their next deadline, the days left in their term, and
for one claimant the claims by status and the timeline of their verdicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import lazyload
from sqlmodel import Session, col

from claimtrack.deadlines.deadline import days_left as days_left_to
from claimtrack.errors import NotFound
from claimtrack.records.models import Actor, Claim, ClaimActor, ClaimTag, Verdict
from claimtrack.records.moments import AsOf
from claimtrack.records.reading import ROW_LOADING
from claimtrack.records.status import STATUSES
from claimtrack.records.status_sql import (
    has_status,
    live,
    status_expression,
    unsettled,
    verdict_counts,
)

LIMIT = 50  # claims of each status, and verdicts, that one scorecard lists (as the report)
OPEN = ("pending", "in_progress", "stalled")  # a deadline still to come, no final verdict
KEPT_LIKE = ("kept", "broken", "partial")


@dataclass
class Line:
    """One claimant's line of the index."""

    name: str
    counts: dict[str, int] = field(default_factory=dict)
    next_deadline: date | None = None
    term_end: date | None = None
    kept_late: int = 0  # kept, but the outcome happened after the deadline

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def awaiting(self) -> int:
        return self.counts.get("due", 0)

    def to_json(self, as_of: AsOf) -> dict[str, Any]:
        return {
            "name": self.name,
            "total": self.total,
            "counts": self.counts,
            "awaiting": self.awaiting,
            **{status: self.counts.get(status, 0) for status in KEPT_LIKE},
            "kept_late": self.kept_late,
            "next_deadline": self.next_deadline.isoformat() if self.next_deadline else None,
            "term_end": self.term_end.isoformat() if self.term_end else None,
            "days_left_in_term": days_left(self.term_end, as_of),
        }


def days_left(term_end: date | None, as_of: AsOf) -> int | None:
    return None if term_end is None else days_left_to(term_end, as_of.day)


def tag_lines(session: Session, as_of: AsOf, tag: str | None = None) -> list[Line]:
    """Every tag (or only ``tag``) with its claims' counts by status, the most claims first."""
    status = status_expression(as_of.moment, as_of.day)
    query = (
        select(ClaimTag.tag, status, func.count())
        .join(Claim, col(Claim.id) == col(ClaimTag.claim_id))
        .where(live())
        .group_by(ClaimTag.tag, status)
    )
    if tag is not None:
        query = query.where(ClaimTag.tag == tag)
    found: dict[str, Line] = {}
    for name, value, n in session.execute(query):
        found.setdefault(name, Line(name)).counts[value] = n
    for line in found.values():
        line.counts = {s: line.counts[s] for s in STATUSES if line.counts.get(s)}
    return sorted(found.values(), key=lambda line: (-line.total, line.name))


def lines(session: Session, as_of: AsOf, names: list[str] | None = None) -> list[Line]:
    """Every claimant with claims (or those ``names``), most awaiting a check first."""
    status = status_expression(as_of.moment, as_of.day)
    query = (
        select(Actor.name, Actor.term_end, status, func.count())
        .select_from(ClaimActor)
        .join(Actor, col(Actor.id) == col(ClaimActor.actor_id))
        .join(Claim, col(Claim.id) == col(ClaimActor.claim_id))
        .where(live())
        .group_by(Actor.name, Actor.term_end, status)
    )
    upcoming = (
        select(Actor.name, func.min(Claim.deadline_date))
        .select_from(ClaimActor)
        .join(Actor, col(Actor.id) == col(ClaimActor.actor_id))
        .join(Claim, col(Claim.id) == col(ClaimActor.claim_id))
        .where(live(), col(Claim.due_at) > as_of.moment, unsettled(as_of.day, as_of.moment))
        .group_by(Actor.name)
    )
    late = (
        exists()
        .where(col(Verdict.claim_id) == col(Claim.id), Verdict.verdict == "kept")
        .where(col(Verdict.happened_on) > col(Claim.deadline_date))
        .where(col(Verdict.checked_on) <= as_of.day, verdict_counts(as_of.moment))
    )
    kept_late = (
        select(Actor.name, func.count())
        .select_from(ClaimActor)
        .join(Actor, col(Actor.id) == col(ClaimActor.actor_id))
        .join(Claim, col(Claim.id) == col(ClaimActor.claim_id))
        .where(live(), has_status("kept", as_of.moment, as_of.day), late)
        .group_by(Actor.name)
    )
    if names is not None:
        query = query.where(col(Actor.name).in_(names))
        upcoming = upcoming.where(col(Actor.name).in_(names))
        kept_late = kept_late.where(col(Actor.name).in_(names))
    found: dict[str, Line] = {}
    for name, term_end, value, n in session.execute(query):
        line = found.setdefault(name, Line(name, term_end=term_end))
        line.counts[value] = line.counts.get(value, 0) + n
    for name, next_day in session.execute(upcoming):
        if name in found:
            found[name].next_deadline = next_day
    for name, n in session.execute(kept_late):
        if name in found:
            found[name].kept_late = n
    for line in found.values():
        line.counts = {s: line.counts[s] for s in STATUSES if line.counts.get(s)}
    return sorted(found.values(), key=lambda line: (-line.awaiting, line.name.casefold()))


@dataclass
class Scorecard:
    actor: Actor
    line: Line
    claims: dict[str, list[Claim]]
    timeline: list[tuple[Verdict, Claim]]

    def to_json(self, as_of: AsOf) -> dict[str, Any]:
        from claimtrack.records.shapes import claim_json

        actor = self.actor
        return {
            **self.line.to_json(as_of),
            "kind": actor.kind,
            "role": actor.role,
            "affiliation": actor.affiliation,
            "term_start": actor.term_start.isoformat() if actor.term_start else None,
            "claims": {
                status: [claim_json(c, status, as_of.tz, as_of) for c in claims]
                for status, claims in self.claims.items()
            },
            "timeline": [
                {
                    "checked_on": v.checked_on.isoformat(),
                    "verdict": v.verdict,
                    "claim_id": c.id,
                    "note": v.note,
                }
                for v, c in self.timeline
            ],
        }


def scorecard(
    session: Session, name: str, as_of: AsOf, limit: int = LIMIT, *, rows_only: bool = False
) -> Scorecard:
    """One claimant's meter, their claims by status (``limit`` of each, soonest deadline
    first; the meter has the totals) and their latest ``limit`` verdicts in the order they
    were checked. Index searches by claimant and status: flat in the size of the record.
    With ``rows_only`` (a page), the claims are read as a list's rows need them
    (reading.ROW_LOADING); the JSON, which shows each claim whole, reads them whole."""
    actor = session.exec(select(Actor).where(Actor.name == name.strip())).scalars().first()
    if actor is None:
        raise NotFound("claimant", f"no claimant is named '{name}'; see: claimtrack scorecard")
    found = lines(session, as_of, [actor.name])
    line = found[0] if found else Line(actor.name, term_end=actor.term_end)
    mine = col(Claim.id).in_(select(ClaimActor.claim_id).where(ClaimActor.actor_id == actor.id))
    by_status: dict[str, list[Claim]] = {}
    for status in line.counts:
        query = (
            select(Claim)
            .where(mine, has_status(status, as_of.moment, as_of.day))
            .order_by(col(Claim.due_at).is_(None), col(Claim.due_at), col(Claim.id))
            .limit(limit)
        )
        if rows_only:
            query = query.options(*ROW_LOADING)
        by_status[status] = list(session.exec(query).scalars())
    latest = (
        select(Verdict, Claim)
        .join(Claim, col(Claim.id) == col(Verdict.claim_id))
        .where(mine, live(), col(Verdict.checked_on) <= as_of.day, verdict_counts(as_of.moment))
        .order_by(col(Verdict.checked_on).desc(), col(Verdict.recorded_at).desc())
        .limit(limit)
        .options(*ROW_LOADING, lazyload(Verdict.evidence))  # type: ignore[arg-type]
    )
    timeline = [(v, c) for v, c in session.execute(latest)][::-1]
    return Scorecard(actor, line, by_status, timeline)
