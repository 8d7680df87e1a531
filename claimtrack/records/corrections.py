"""Correcting the record, in the open: retract a verdict, correct it, remove a claim, restore
it, and the public log of all of these.

Nothing here deletes what was published, except ``purge``, which a person asks for by name
with ``--yes`` (test data, a takedown). A retracted verdict stays, marked with when and why,
and stops counting from that moment; a removed claim stays in the database, its history and
the JSON export. Every step is an entry in the claim's history, which the log reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from claimtrack.errors import BadInput, NotFound
from claimtrack.records import search
from claimtrack.records.attribution import Citation
from claimtrack.records.claims import get_claim, record_event
from claimtrack.records.models import (
    LOOK_NOW,
    Actor,
    Alert,
    Claim,
    ClaimActor,
    ClaimSource,
    ClaimTag,
    Delivery,
    Event,
    Source,
    Verdict,
)
from claimtrack.records.moments import Clock
from claimtrack.records.verdicts import record_verdict, restand_after_retraction, retraction_data

# The history entries the corrections log is made of.
LOGGED = ("retracted", "removed", "restored")


def _reason(reason: str | None, field: str = "--reason") -> str:
    cleaned = (reason or "").strip()
    if not cleaned:
        raise BadInput(field, "a correction needs its reason, e.g. --reason 'wrong claim id'")
    return cleaned


def _open_verdict(session: Session, claim: Claim, verdict_id: int) -> Verdict:
    """The claim's verdict of that id, not yet retracted."""
    verdict = session.get(Verdict, verdict_id)
    if verdict is None or verdict.claim_id != claim.id:
        raise NotFound(
            "verdict",
            f"claim {claim.id} has no verdict {verdict_id}",
            f"see its verdicts and their ids with: claimtrack show {claim.id}",
        )
    if verdict.retracted_at is not None:
        raise BadInput(
            "verdict",
            f"verdict {verdict_id} was already retracted on "
            f"{verdict.retracted_at.date().isoformat()} ({verdict.retraction_reason})",
        )
    return verdict


def retract_verdict(
    session: Session,
    claim_id: int,
    verdict_id: int,
    *,
    reason: str,
    clock: Clock,
    corrected_by: int | None = None,
) -> Verdict:
    """From ``clock.now`` on, the verdict no longer counts anywhere; it stays on the record.

    A claim whose settling verdict this was is open again: it counts as a new opening
    (``Claim.reopenings``), so the monitor flags it once more if its deadline has passed.
    """
    reason = _reason(reason)
    claim = get_claim(session, claim_id)
    verdict = _open_verdict(session, claim, verdict_id)
    verdict.retracted_at = clock.now
    verdict.retraction_reason = reason
    record_event(
        session, claim, "retracted", clock, **retraction_data(verdict, reason, corrected_by)
    )
    claim.updated_at = clock.now
    restand_after_retraction(session, claim_id)
    session.refresh(claim)
    return verdict


def check_retractable(session: Session, claim_id: int, verdict_id: int) -> None:
    """Refuse, before anything is written, a correction whose verdict cannot be retracted."""
    _open_verdict(session, get_claim(session, claim_id), verdict_id)


def record_or_correct(
    session: Session,
    claim_id: int,
    value: str,
    *,
    note: str,
    clock: Clock,
    checked_on: date | None = None,
    evidence: Sequence[Citation] = (),
    reviewer: str | None = None,
    corrects: int | None = None,
    reason: str | None = None,
    happened_on: date | None = None,
    cause: str | None = None,
) -> Verdict:
    """Record a verdict; with ``corrects``, in place of that one, which is retracted in the
    caller's same transaction, so the record never shows the claim with neither or both
    counting. (``reason``, why the corrected one is retracted, goes with ``corrects``.)"""
    if corrects is None and reason is not None:
        raise BadInput("--reason", "a reason goes with --corrects VERDICT_ID")
    if corrects is not None:
        check_retractable(session, claim_id, corrects)
    row = record_verdict(
        session,
        claim_id,
        value,
        note=note,
        clock=clock,
        checked_on=checked_on,
        evidence=evidence,
        reviewer=reviewer,
        happened_on=happened_on,
        cause=cause,
    )
    if corrects is None:
        return row
    retract_verdict(
        session,
        claim_id,
        corrects,
        reason=(reason or "").strip() or f"corrected by verdict {row.id}",
        clock=clock,
        corrected_by=row.id,
    )
    return row


def remove_claim(session: Session, claim_id: int, *, reason: str, clock: Clock) -> Claim:
    """Take a claim out of every list, count, page, export and the monitor; keep its rows.

    Its alerts not yet delivered are held (``next_attempt_at`` cleared) until a restore.
    """
    reason = _reason(reason)
    claim = get_claim(session, claim_id)
    claim.removed_at = clock.now
    claim.removal_reason = reason
    claim.watch_at = None
    claim.updated_at = clock.now
    session.execute(
        update(Alert)
        .where(col(Alert.claim_id) == claim_id, col(Alert.delivered_at).is_(None))
        .values(next_attempt_at=None, last_error="claim removed")
    )
    record_event(session, claim, "removed", clock, reason=reason)
    session.flush()
    return claim


def restore_claim(session: Session, claim_id: int, *, clock: Clock) -> Claim:
    """Bring a removed claim back where it was; the monitor looks at it again at once."""
    claim = get_claim(session, claim_id, removed=True)
    if claim.removed_at is None:
        raise BadInput("claim", f"claim {claim_id} is not removed; nothing to restore")
    record_event(
        session,
        claim,
        "restored",
        clock,
        removed_at=claim.removed_at.isoformat(),
        removal_reason=claim.removal_reason,
    )
    claim.removed_at = None
    claim.removal_reason = None
    claim.watch_at = LOOK_NOW if claim.due_at is not None else None
    claim.updated_at = clock.now
    session.execute(
        update(Alert)
        .where(col(Alert.claim_id) == claim_id, col(Alert.delivered_at).is_(None))
        .values(next_attempt_at=clock.now, last_error=None)
    )
    session.flush()
    return get_claim(session, claim_id)


# --- purge ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Purge:
    """What erasing one claim takes with it: its own rows, and the sources and claimants
    that no other claim cites or names."""

    claim_id: int
    text: str
    verdicts: int
    citations: int
    history: int
    alerts: int
    tags: list[str]
    sources: list[str]  # cited by no other claim: erased too
    claimants: list[str]  # of no other claim: erased too

    def lines(self) -> list[str]:
        found = [
            f"claim {self.claim_id}: {self.text}",
            f"{self.verdicts} verdict(s), {self.citations} citation(s), "
            f"{self.history} history entr{'y' if self.history == 1 else 'ies'}, "
            f"{self.alerts} alert(s)",
        ]
        if self.tags:
            found.append(f"tags: {', '.join(self.tags)}")
        found += [f"source cited by no other claim: {s}" for s in self.sources]
        found += [f"claimant of no other claim: {name}" for name in self.claimants]
        return found

    def to_json(self) -> dict[str, Any]:
        return {
            "claim_id": self.claim_id,
            "text": self.text,
            "verdicts": self.verdicts,
            "citations": self.citations,
            "history": self.history,
            "alerts": self.alerts,
            "tags": self.tags,
            "sources": self.sources,
            "claimants": self.claimants,
        }


def _count(session: Session, model: Any, *where: Any) -> int:
    return int(session.exec(select(func.count()).select_from(model).where(*where)).one())


def _orphans(session: Session, claim_id: int) -> tuple[list[Source], list[Actor]]:
    cited = select(ClaimSource.source_id).where(ClaimSource.claim_id == claim_id)
    elsewhere = select(ClaimSource.source_id).where(ClaimSource.claim_id != claim_id)
    sources = session.exec(
        select(Source)
        .where(col(Source.id).in_(cited), col(Source.id).not_in(elsewhere))
        .order_by(col(Source.id))
    ).all()
    named = select(ClaimActor.actor_id).where(ClaimActor.claim_id == claim_id)
    others = select(ClaimActor.actor_id).where(ClaimActor.claim_id != claim_id)
    actors = session.exec(
        select(Actor)
        .where(col(Actor.id).in_(named), col(Actor.id).not_in(others))
        .order_by(col(Actor.id))
    ).all()
    return list(sources), list(actors)


def _plan(session: Session, claim_id: int) -> tuple[Purge, list[Source], list[Actor]]:
    claim = get_claim(session, claim_id, removed=True)
    sources, actors = _orphans(session, claim_id)
    plan = Purge(
        claim_id=claim_id,
        text=claim.text,
        verdicts=_count(session, Verdict, col(Verdict.claim_id) == claim_id),
        citations=_count(session, ClaimSource, col(ClaimSource.claim_id) == claim_id),
        history=_count(session, Event, col(Event.claim_id) == claim_id),
        alerts=_count(session, Alert, col(Alert.claim_id) == claim_id),
        tags=claim.tags,
        sources=[s.url or s.title or s.uuid for s in sources],
        claimants=[a.name for a in actors],
    )
    return plan, sources, actors


def purge_plan(session: Session, claim_id: int) -> Purge:
    """What ``purge`` would erase, read without changing anything."""
    return _plan(session, claim_id)[0]


def purge(session: Session, claim_id: int) -> Purge:
    """Erase the claim and what only it owns, in the caller's one transaction. Leaves no
    trace, by design: it is for what must not be kept."""
    plan, sources, actors = _plan(session, claim_id)
    alerts = select(Alert.id).where(Alert.claim_id == claim_id)
    session.execute(delete(Delivery).where(col(Delivery.alert_id).in_(alerts)))
    # Children first: citations point at verdicts, everything at the claim.
    for model in (Alert, Event, ClaimSource, ClaimTag, ClaimActor, Verdict):
        session.execute(delete(model).where(col(model.claim_id) == claim_id))
    search.unindex(session, claim_id)
    session.execute(delete(Claim).where(col(Claim.id) == claim_id))
    if sources:
        session.execute(delete(Source).where(col(Source.id).in_([s.id for s in sources])))
    if actors:
        session.execute(delete(Actor).where(col(Actor.id).in_([a.id for a in actors])))
    session.expunge_all()
    return plan


# --- the public log ------------------------------------------------------------------------


@dataclass(frozen=True)
class Correction:
    """One entry of the corrections log."""

    at: datetime
    kind: str  # retraction | correction | removal | restoration
    claim_id: int
    claim_uuid: str
    claim_text: str
    reason: str | None
    by: str | None
    verdict_id: int | None = None
    verdict: str | None = None
    checked_on: str | None = None
    corrected_by: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "kind": self.kind,
            "claim_id": self.claim_id,
            "claim_uuid": self.claim_uuid,
            "claim_text": self.claim_text,
            "reason": self.reason,
            "by": self.by,
            "verdict_id": self.verdict_id,
            "verdict": self.verdict,
            "checked_on": self.checked_on,
            "corrected_by": self.corrected_by,
        }


def _kind(event: Event) -> str:
    if event.kind == "retracted":
        return "correction" if event.data.get("corrected_by") else "retraction"
    return {"removed": "removal", "restored": "restoration"}[event.kind]


def corrections_log(
    session: Session, *, since: datetime | None = None, limit: int | None = None
) -> list[Correction]:
    """Every retraction, correction, removal and restoration, newest first."""
    query = (
        select(Event, Claim.uuid, Claim.text)
        .join(Claim, col(Claim.id) == col(Event.claim_id))
        .where(col(Event.kind).in_(LOGGED))
        .order_by(col(Event.at).desc(), col(Event.id).desc())
    )
    if since is not None:
        query = query.where(col(Event.at) >= since)
    if limit is not None:
        query = query.limit(limit)
    return [
        Correction(
            at=event.at,
            kind=_kind(event),
            claim_id=event.claim_id,
            claim_uuid=uuid,
            claim_text=text,
            reason=event.data.get("reason"),
            by=event.actor,
            verdict_id=event.data.get("verdict_id"),
            verdict=event.data.get("verdict"),
            checked_on=event.data.get("checked_on"),
            corrected_by=event.data.get("corrected_by"),
        )
        for event, uuid, text in session.exec(query)
    ]


def start_of(day: date, tz: Any) -> datetime:
    """The first moment of ``day`` in the tracker's zone (``--since`` takes a day)."""
    return datetime.combine(day, time(), tzinfo=tz)
