"""Silences: alerts held, not lost, about the claims of a claimant, a tag or one claim,
until a day ends in the tracker's zone. The monitor holds a matching alert in its outbox
and delivers it when the silence ends (or is lifted)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from claimtrack.deadlines.deadline import due_moment
from claimtrack.errors import BadInput, NotFound
from claimtrack.records.claims import get_claim
from claimtrack.records.models import Alert, Claim, Silence
from claimtrack.records.moments import Clock
from claimtrack.records.validation import clean


def silence(
    session: Session,
    clock: Clock,
    *,
    until: date,
    reason: str,
    claimant: str | None = None,
    tag: str | None = None,
    claim_id: int | None = None,
) -> Silence:
    """Hold the alerts of one claimant, tag or claim until the end of ``until``."""
    given = [v for v in (claimant, tag, claim_id) if v not in (None, "")]
    if len(given) != 1:
        raise BadInput(
            "--by", "a silence holds the alerts of one of: --by NAME, --tag T, --claim N"
        )
    if until <= clock.today:
        raise BadInput("--until", f"{until.isoformat()} is not after today ({clock.today})")
    said = clean(reason)
    if not said:
        raise BadInput("--reason", "a silence needs a reason, shown with it: caretaker period")
    if claim_id is not None:
        get_claim(session, claim_id)
    row = Silence(
        claimant=clean(claimant),
        tag=tag.strip().lower() if tag else None,
        claim_id=claim_id,
        until=due_moment(until, clock.tz),
        reason=said,
        created_at=clock.now,
        actor=clock.who,
    )
    session.add(row)
    session.flush()
    return row


def lift(session: Session, silence_id: int, clock: Clock) -> Silence:
    """End a silence now; it stays on the record, with the moment it was lifted."""
    row = session.get(Silence, silence_id)
    if row is None:
        raise NotFound("silence", f"no silence {silence_id}; see: claimtrack silences")
    if row.lifted_at is not None or row.until <= clock.now:
        raise BadInput("silence", f"silence {silence_id} has ended already")
    row.lifted_at = clock.now
    # The alerts it held go out on the next pass, not when it would have ended.
    session.execute(
        update(Alert)
        .where(col(Alert.delivered_at).is_(None), col(Alert.last_error) == held_by(row))
        .values(next_attempt_at=clock.now)
    )
    session.flush()
    return row


HELD = "held by silence "


def held_by(rule: Silence) -> str:
    """What an alert held by ``rule`` says while it waits."""
    return f"{HELD}{rule.id}: {rule.reason}"


def listed(session: Session) -> list[Silence]:
    return list(session.exec(select(Silence).order_by(col(Silence.until).desc())))


def active(session: Session, now: datetime) -> list[Silence]:
    return list(
        session.exec(
            select(Silence).where(col(Silence.until) > now, col(Silence.lifted_at).is_(None))
        )
    )


def holding(session: Session, claims: Sequence[Claim], now: datetime) -> dict[int, Silence]:
    """For each claim a silence in force holds, the silence that ends last."""
    found: dict[int, Silence] = {}
    rules = active(session, now)
    for claim in claims:
        for rule in rules:
            if claim.id is None or not _matches(rule, claim):
                continue
            if claim.id not in found or found[claim.id].until < rule.until:
                found[claim.id] = rule
    return found


def _matches(rule: Silence, claim: Claim) -> bool:
    return (
        rule.claim_id == claim.id
        or (rule.tag is not None and rule.tag in claim.tags)
        or (rule.claimant is not None and rule.claimant in claim.claimants)
    )
